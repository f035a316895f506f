"""Question mapping: realistic forms, odd answers, and a property test that it never raises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchflow.fillout.errors import FilloutConfigError
from matchflow.fillout.mapping import (
    CandidateSubmission,
    CompanySubmission,
    load_mapping,
    map_candidate,
    map_company,
    parse_salary_text,
    split_job_number,
)
from matchflow.fillout.models import FilloutSubmission
from tests.servers.fillout_server import candidate_submission, company_submission, question, submission

MAPPING = load_mapping()


def _sub(*questions: dict) -> FilloutSubmission:
    return FilloutSubmission.from_api(submission(list(questions), sub_id="s-1"))


def test_default_mapping_file_loads_every_section():
    assert "email" in MAPPING.candidate and "company_name" in MAPPING.company and "title" in MAPPING.job


def test_candidate_form_maps_every_field():
    candidate, problems = map_candidate(FilloutSubmission.from_api(candidate_submission(1)), MAPPING)
    assert problems == []
    assert candidate.full_name == "Boris Kowalski"
    assert candidate.email == "boris.1@example.com" and candidate.phone.startswith("+49")
    assert (candidate.city, candidate.country, candidate.location) == ("Warsaw", "Poland", "Warsaw, Poland")
    assert candidate.salary.minimum == 61_000 and candidate.salary.maximum == 81_000
    assert candidate.salary.currency == "EUR" and candidate.salary.period == "year"
    assert candidate.desired_roles == ["Data Scientist", "Product Manager"]
    assert candidate.industries == ["Fintech", "E-commerce"]
    assert len(candidate.skills) == 4
    assert candidate.motivation.startswith("I want") and candidate.cover_letter.startswith("Dear")
    assert set(candidate.answers) == {"Motivation", "Cover letter", "Anything we should know?"}
    assert [f.name for f in candidate.resume_files] == ["cv-1-0.pdf"]
    assert candidate.birth_date == date(1986, 2, 15)
    assert candidate.education == "Master's degree"


def test_candidate_repr_masks_contacts():
    candidate, _ = map_candidate(FilloutSubmission.from_api(candidate_submission(1)), MAPPING)
    text = repr(candidate)
    assert "boris.1@" not in text and "1000001" not in text and "sig=" not in text


def test_company_form_with_numbered_job_blocks():
    company, problems = map_company(FilloutSubmission.from_api(company_submission(4, jobs=3)), MAPPING)
    assert problems == []
    assert company.company_name == "Acme 4 GmbH" and company.contact_email == "hr4@acme.example"
    assert company.website == "https://acme4.example" and company.contact_name == "Maria Schmidt"
    assert [j.index for j in company.jobs] == [1, 2, 3]
    assert [j.title for j in company.jobs] == ["Backend Engineer", "Data Scientist", "Product Manager"]
    for job in company.jobs:
        assert job.remote == "hybrid" and job.employment_type == "Full-time" and job.location == "Berlin"
        assert (job.salary.minimum, job.salary.maximum, job.salary.currency) == (70_000, 90_000, "EUR")
        assert job.description_files[0].name == f"jd-{job.index}.pdf"


def test_empty_optional_job_blocks_are_dropped_and_partial_ones_reported():
    sub = _sub(
        question("Company name", "ShortAnswer", "Beta"),
        question("Job title", "ShortAnswer", "Analyst"),
        question("Job 2 title", "ShortAnswer", ""),
        question("Job 2 description", "LongAnswer", None),
        question("Job description #3", "LongAnswer", "Write SQL all day"),
    )
    company, problems = map_company(sub, MAPPING)
    assert [j.index for j in company.jobs] == [1, 3]
    assert company.jobs[1].description == "Write SQL all day"
    assert problems == ["job 3 title: missing"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Job 2 title", (2, "job title")),
        ("Job title 2", (2, "job title")),
        ("Job title (3)", (3, "job title")),
        ("Job title #4:", (4, "job title")),
        ("Job title", None),
        ("Job 2 title 3", None),
    ],
)
def test_split_job_number(name, expected):
    assert split_job_number(name) == expected


def test_names_match_case_and_punctuation_insensitively_and_ids_work(tmp_path: Path):
    sub = _sub(
        question("  FULL   NAME * ", "ShortAnswer", "Zoe Q"),
        question("What is your e-mail?", "EmailInput", "ZOE@EXAMPLE.COM", qid="q_mail"),
    )
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(
        '[candidate]\nfull_name = ["Full name"]\nemail = ["id:q_mail"]\n', encoding="utf-8"
    )
    candidate, problems = map_candidate(sub, load_mapping(mapping_file))
    assert candidate.full_name == "Zoe Q" and candidate.email == "zoe@example.com"
    assert problems == ["resume: no file attached"]


def test_first_and_last_name_fallback_and_address_object():
    sub = _sub(
        question("First name", "ShortAnswer", "Ann"),
        question("Last name", "ShortAnswer", "Lee"),
        question("Email", "EmailInput", "ann@example.com"),
        question("Address", "Address", {"address": "1 Main St", "city": "Porto", "country": "Portugal"}),
    )
    candidate, _ = map_candidate(sub, MAPPING)
    assert candidate.full_name == "Ann Lee"
    assert (candidate.city, candidate.country) == ("Porto", "Portugal")
    assert candidate.location == "1 Main St, Porto, Portugal"


def test_wrong_value_types_become_problems_without_echoing_values():
    sub = _sub(
        question("Full name", "ShortAnswer", {"first": "secret-name"}),
        question("Email", "EmailInput", "not-an-email secret@@"),
        question("Phone", "PhoneNumber", "12"),
        question("Skills", "MultiSelect", [{"nested": "x"}]),
        question("Date of birth", "DatePicker", "yesterday"),
        question("Salary expectation", "ShortAnswer", "negotiable"),
        question("Resume", "FileUpload", [{"filename": "cv.pdf"}]),
    )
    candidate, problems = map_candidate(sub, MAPPING)
    fields = {p.split(":")[0] for p in problems}
    assert {"full_name", "email", "phone", "skills", "birth_date", "salary", "resume"} <= fields
    assert candidate.email is None and candidate.skills == [] and candidate.salary is None
    joined = " ".join(problems)
    assert "secret" not in joined


def test_unknown_question_type_is_ignored_and_reported_when_mapped():
    sub = _sub(question("Email", "QuantumEmail", "a@example.com"), question("Widget", "Sparkles", [1, 2]))
    candidate, problems = map_candidate(sub, MAPPING)
    assert candidate.email is None
    assert any(p.startswith("email: question type 'QuantumEmail'") for p in problems)
    assert not any("Sparkles" in p for p in problems)  # not mapped by anything: silently ignored


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "period"),
    [
        ("100-120k EUR", 100_000, 120_000, "EUR", "year"),
        ("$5,000 per month", 5_000, None, "USD", "month"),
        ("от 150 000 ₽ в месяц", 150_000, None, "RUB", "month"),
        ("up to 90k GBP", None, 90_000, "GBP", "year"),
        ("80 000 - 95 000 CHF/year", 80_000, 95_000, "CHF", "year"),
        (120000, 120_000, None, None, "year"),
        ("45.50 USD/hour", 45.5, None, "USD", "hour"),
    ],
)
def test_salary_phrases(text, low, high, currency, period):
    salary = parse_salary_text(text)
    assert (salary.minimum, salary.maximum, salary.currency, salary.period) == (low, high, currency, period)


def test_salary_min_max_fields_override_and_swap():
    sub = _sub(
        question("Salary from", "NumberInput", 9000),
        question("Salary to", "NumberInput", 7000),
        question("Currency", "Dropdown", "usd"),
    )
    candidate, problems = map_candidate(sub, MAPPING)
    assert (candidate.salary.minimum, candidate.salary.maximum, candidate.salary.currency) == (
        7000,
        9000,
        "USD",
    )
    assert "salary: minimum above maximum; swapped" in problems


def test_bad_mapping_files_raise_config_errors(tmp_path: Path):
    cases = {
        "unknown.toml": '[candidate]\nshoe_size = ["Shoe"]\n',
        "section.toml": '[robots]\nx = ["y"]\n',
        "shape.toml": "[candidate]\nemail = 5\n",
        "syntax.toml": "[candidate\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FilloutConfigError):
            load_mapping(path)
    with pytest.raises(FilloutConfigError):
        load_mapping(tmp_path / "missing.toml")


# ------------------------------------------------------------------ property tests

_json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_json = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_names = st.sampled_from(
    [alias for aliases in (*MAPPING.candidate.values(), *MAPPING.company.values()) for alias in aliases]
    + [f"Job {n} {alias}" for aliases in MAPPING.job.values() for alias in aliases for n in (1, 2, 15)]
) | st.text(max_size=20)
_types = st.sampled_from(["ShortAnswer", "LongAnswer", "FileUpload", "Address", "MultiSelect", "Mystery", ""])
_question = st.fixed_dictionaries(
    {},
    optional={
        "id": _json_scalars,
        "name": _names | _json_scalars,
        "type": _types | _json_scalars,
        "value": _json,
    },
)
_payload = st.one_of(
    _json,
    st.fixed_dictionaries(
        {"questions": st.lists(_question | _json, max_size=12)},
        optional={"submissionId": _json_scalars, "submissionTime": _json_scalars, "urlParameters": _json},
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_payload)
def test_mapping_never_raises_on_any_payload(raw):
    sub = FilloutSubmission.from_api(raw)
    candidate, cand_problems = map_candidate(sub, MAPPING)
    company, comp_problems = map_company(sub, MAPPING)
    assert isinstance(candidate, CandidateSubmission) and isinstance(company, CompanySubmission)
    assert all(isinstance(p, str) and p for p in cand_problems + comp_problems)
    if not sub.submission_id:
        assert "submission_id: missing" in cand_problems


_wrong_values = st.one_of(
    st.dictionaries(st.text(min_size=1, max_size=5), _json_scalars, min_size=1, max_size=3),
    st.lists(st.dictionaries(st.text(max_size=5), _json_scalars, min_size=1), min_size=1, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(
    field=st.sampled_from(["email", "phone", "skills", "desired_roles", "birth_date", "education"]),
    value=_wrong_values,
)
def test_wrong_shapes_in_mapped_fields_are_always_reported(field, value):
    name = MAPPING.candidate[field][0]
    sub = _sub(question(name, "ShortAnswer", value))
    candidate, problems = map_candidate(sub, MAPPING)
    assert any(p.startswith(f"{field}:") for p in problems), problems
    assert getattr(candidate, field) in (None, [])
