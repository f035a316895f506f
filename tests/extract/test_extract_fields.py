"""extract_fields end to end on generated documents, with the real taxonomy; and the dedup hashes."""

from __future__ import annotations

from datetime import date

from matchflow.dedup import compute_hashes
from matchflow.domain import DocumentKind
from matchflow.extract import extract_fields
from matchflow.parsing import parse_document
from tests.factories.documents import make_doc, make_docx, make_pdf

TODAY = date(2024, 6, 15)

RESUME = [
    "Jane Doe",
    "Senior Python Developer",
    "jane.doe@example.com | +1 415 555 2671 | linkedin.com/in/janedoe | github.com/janedoe",
    "Location: Berlin, Germany",
    "Summary",
    "Backend engineer with 8 years of experience.",
    "Experience",
    "Acme GmbH, Python Developer, Jan 2019 - present",
    "Globex, Backend Developer, 2016 - 2019",
    "Education",
    "MSc Computer Science, TU Berlin, 2010 - 2015",
    "Skills",
    "Python, PostgreSQL, Docker, Kubernetes",
    "Languages",
    "English (C1), German (native)",
    "Salary expectation: 90,000 - 100,000 EUR",
]

JOB = [
    "Senior Data Engineer",
    "About us",
    "We build logistics software in Amsterdam.",
    "Responsibilities",
    "Design and run data pipelines in Python.",
    "Requirements",
    "5+ years of experience with Python and SQL",
    "Experience with Apache Airflow",
    "Nice to have",
    "Kubernetes",
    "Terraform is a plus",
    "We offer",
    "Hybrid work, 2 days in the office; salary $130,000 - $150,000",
]

JOB_RU = [
    "Python-разработчик (Middle)",
    "Обязанности",
    "Разработка backend на Django",
    "Требования",
    "Опыт работы от 3 лет",
    "Python, PostgreSQL",
    "Будет плюсом",
    "Docker",
    "Условия",
    "Работа удалённо, зарплата от 250 000 руб.",
]


def test_resume_fields_with_evidence() -> None:
    parsed = parse_document(make_pdf(RESUME))
    fields = extract_fields(parsed, DocumentKind.RESUME, today=TODAY)
    assert fields.person_name == "Jane Doe"
    assert fields.emails == ["jane.doe@example.com"]
    assert fields.phones == ["+14155552671"]
    assert fields.links == ["https://linkedin.com/in/janedoe", "https://github.com/janedoe"]
    skills = {hit.skill: hit for hit in fields.skills}
    assert {"Python", "PostgreSQL", "Docker", "Kubernetes"} <= skills.keys()
    for hit in fields.skills:  # every hit points at its words in the parsed text
        assert parsed.text[hit.start : hit.end].strip()
        assert parsed.text[hit.start : hit.end] in hit.evidence
    assert fields.titles and fields.titles[0] in {
        "Python Developer",
        "Backend Developer",
        "Software Engineer",
    }
    assert fields.years_experience == 8.5  # 2016-01 .. 2024-06 from dates, above the stated 8
    assert fields.education_level == "master"
    assert fields.location is not None and "Berlin" in fields.location
    assert fields.languages == ["en", "de"]
    assert fields.salary is not None
    assert (fields.salary.minimum, fields.salary.maximum, fields.salary.currency) == (90000, 100000, "EUR")
    assert fields.required_skills == [] and fields.seniority is None  # job-only fields stay empty


def test_same_resume_as_pdf_docx_and_doc_gives_the_same_fields() -> None:
    results = [
        extract_fields(parse_document(data), DocumentKind.RESUME, today=TODAY)
        for data in (make_pdf(RESUME), make_docx(RESUME), make_doc(RESUME))
    ]
    skills = [{h.skill for h in r.skills} for r in results]
    assert skills[0] == skills[1] == skills[2]
    assert len({(r.person_name, r.years_experience, tuple(r.emails), tuple(r.phones)) for r in results}) == 1


def test_job_required_versus_nice_to_have() -> None:
    fields = extract_fields(parse_document(make_docx(JOB), kind=DocumentKind.JOB), DocumentKind.JOB)
    required = {h.skill for h in fields.required_skills}
    nice = {h.skill for h in fields.nice_to_have_skills}
    assert {"Python", "SQL", "Apache Airflow"} <= required
    assert {"Kubernetes", "Terraform"} <= nice
    assert not required & nice
    assert fields.seniority == "senior"
    assert fields.remote == "hybrid"
    assert fields.years_experience == 5.0
    assert fields.salary is not None and fields.salary.currency == "USD"
    assert fields.person_name is None


def test_russian_job() -> None:
    parsed = parse_document(make_pdf(JOB_RU))  # parsed as a resume: extraction re-splits for the job
    assert parsed.language == "ru"
    fields = extract_fields(parsed, DocumentKind.JOB)
    assert {"Python", "PostgreSQL"} <= {h.skill for h in fields.required_skills}
    assert [h.skill for h in fields.nice_to_have_skills] == ["Docker"]
    assert fields.seniority == "middle"
    assert fields.remote == "remote"
    assert fields.years_experience == 3.0
    assert fields.salary is not None
    assert (fields.salary.minimum, fields.salary.currency, fields.salary.period) == (250000, "RUB", "month")


def test_content_hash_survives_a_change_of_format_but_file_hash_does_not() -> None:
    pdf, docx = make_pdf(RESUME), make_docx(RESUME)
    a = compute_hashes(pdf, parse_document(pdf).text, {"email": "Jane.Doe@Example.com", "name": "Jane  Doe"})
    b = compute_hashes(
        docx, parse_document(docx).text, {"email": "jane.doe@example.com ", "name": "JANE DOE"}
    )
    assert a.content_hash == b.content_hash
    assert a.metadata_hash == b.metadata_hash is not None
    assert a.file_hash != b.file_hash and a.composite_hash != b.composite_hash
    assert len(a.file_hash) == len(a.content_hash) == len(a.composite_hash) == 64


def test_metadata_hash_normalises_phone_and_is_none_without_identity() -> None:
    one = compute_hashes(b"x", "text", {"phone": "+7 (912) 345-67-89", "email": None})
    two = compute_hashes(b"x", "text", {"phone": "79123456789"})
    assert one.metadata_hash == two.metadata_hash is not None
    nobody = compute_hashes(b"x", "text", {"email": None, "phone": "", "name": "  "})
    assert nobody.metadata_hash is None
    assert nobody.composite_hash != one.composite_hash
    assert compute_hashes(b"x", "Other text", {}).content_hash != nobody.content_hash
