"""Normalisation (property-based), section headings in English and Russian, language detection."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matchflow.domain import DocumentKind
from matchflow.parsing import detect_language, normalize_text, section_spans, split_sections


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_is_idempotent_and_never_raises(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_normalize_leaves_no_control_characters(text: str) -> None:
    out = normalize_text(text)
    assert all(ch == "\n" or ord(ch) >= 32 for ch in out)
    assert "\n\n\n" not in out and out == out.strip()


def test_normalize_unifies_renderings_of_the_same_text() -> None:
    pdf_like = "Jane\u00a0Doe \u2014 \u201cSenior\u201d  developer\u200b\r\n\uf0b7 Python\ufb01le"
    docx_like = 'Jane Doe - "Senior" developer\n- Pythonfile'
    assert normalize_text(pdf_like) == normalize_text(docx_like) == docx_like


def test_resume_sections_in_english() -> None:
    text = (
        "JANE DOE\njane@example.com\nPROFESSIONAL SUMMARY\nBackend engineer.\n"
        "Work Experience:\nAcme 2019 - 2021\nEducation & Training\nBSc\n"
        "Technical Skills: Python, SQL\nLanguages\nEnglish, German\nProjects\nmatchflow\n"
        "Certifications\nAWS SAA\nHobbies\nchess"
    )
    sections = split_sections(text)
    assert sections == {
        "contacts": "JANE DOE\njane@example.com",
        "summary": "Backend engineer.",
        "experience": "Acme 2019 - 2021",
        "education": "BSc",
        "skills": "Python, SQL",
        "languages": "English, German",
        "projects": "matchflow",
        "certifications": "AWS SAA",
        "other": "chess",
    }


def test_resume_sections_in_russian() -> None:
    text = (
        "Иван Петров\nО себе\nЛюблю Python.\nОпыт работы\nЯндекс, 2018 - 2021\n"
        "Образование\nМГУ\nКлючевые навыки\nPython, Django\nЗнание языков:\nАнглийский B2"
    )
    sections = split_sections(text)
    assert sections["summary"] == "Люблю Python."
    assert sections["experience"] == "Яндекс, 2018 - 2021"
    assert sections["education"] == "МГУ"
    assert sections["skills"] == "Python, Django"
    assert sections["languages"] == "Английский B2"


def test_job_sections_and_spans_point_into_the_text() -> None:
    text = (
        "Backend developer at Acme\nResponsibilities\nBuild APIs\nRequirements:\nPython, SQL\n"
        "Nice to have\nKubernetes\nWe offer\nRemote work\nТребования\nDjango\nБудет плюсом:\nGo"
    )
    sections = split_sections(text, DocumentKind.JOB)
    assert sections["about"] == "Backend developer at Acme"
    assert sections["responsibilities"] == "Build APIs"
    assert sections["requirements"] == "Python, SQL\n\nDjango"
    assert sections["nice_to_have"] == "Kubernetes\n\nGo"
    assert sections["benefits"] == "Remote work"
    for span in section_spans(text, DocumentKind.JOB):
        assert text[span.start : span.end].strip()


def test_a_sentence_mentioning_a_heading_word_is_not_a_heading() -> None:
    text = "Jane Doe\nMy experience with Python is long.\nSkills\nPython"
    assert split_sections(text) == {
        "contacts": "Jane Doe\nMy experience with Python is long.",
        "skills": "Python",
    }


def test_language_by_cyrillic_share() -> None:
    assert detect_language("Опыт работы с Python, Django, PostgreSQL, Docker и Kubernetes") == "ru"
    assert detect_language("Python developer with Django and PostgreSQL experience") == "en"
    assert detect_language("Да") == "en"  # too few letters to decide: the default
