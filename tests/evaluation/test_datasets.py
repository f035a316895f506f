"""Loading and rendering the evaluation sets: the parts that need no real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matchflow.evaluation.cli import eval_app
from matchflow.evaluation.datasets import (
    load_category_map,
    render_resume,
    render_vacancy,
    talent_match,
)
from matchflow.evaluation.runners import strip_first_line
from matchflow.extract.experience import stated_years

RESUME_CATEGORIES = {
    "ACCOUNTANT", "ADVOCATE", "AGRICULTURE", "APPAREL", "ARTS", "AUTOMOBILE", "AVIATION", "BANKING", "BPO",
    "BUSINESS-DEVELOPMENT", "CHEF", "CONSTRUCTION", "CONSULTANT", "DESIGNER", "DIGITAL-MEDIA", "ENGINEERING",
    "FINANCE", "FITNESS", "HEALTHCARE", "HR", "INFORMATION-TECHNOLOGY", "PUBLIC-RELATIONS", "SALES", "TEACHER",
}


def test_category_map_names_only_resume_categories_and_known_sources():
    mapping = load_category_map()
    assert {rule.category for rule in mapping.rules} <= RESUME_CATEGORIES
    assert set(mapping.source_categories) <= set(mapping.sources)
    assert mapping.categories_of("linkedin", "Senior Staff Accountant", "") == {"ACCOUNTANT"}
    assert mapping.categories_of("google", "Anything", "People Operations") == {"HR"}
    # a teacher-query posting about cars is a teaching job, and fitness + teaching is ambiguous
    assert mapping.categories_of("teacher", "Adjunct Faculty - Automotive", "") == set()
    assert mapping.categories_of("linkedin", "Group Fitness Instructor", "") == {"FITNESS", "TEACHER"}


def test_strip_first_line_removes_the_first_non_empty_line_only():
    assert strip_first_line("\n  ACCOUNTANT \nSummary\nline") == "Summary\nline\n"
    assert strip_first_line("") == ""


RECORD = {
    "vacancy": {"uuid": "v-1", "name": "Аналитик DWH", "keywords": "SQL, DWH", "description": "Писать  SQL.",
                "comment": None, "requested_experience": "3-6 лет"},
    "confirmed_resumes": [{
        "uuid": "r-1", "first_name": "Иван", "last_name": "Петров", "birth_date": "1990-01-01",
        "country": "Россия", "city": "Москва", "about": None, "key_skills": "SQL, Python",
        "experienceItem": [{"starts": "2020-01-01", "ends": None, "employer": "Банк", "city": "Москва",
                            "position": "Аналитик", "description": "Отчеты"}],
        "languageItem": ["Английский — B2"],
        "educationItem": [{"year": 2012, "organization": "МГУ", "faculty": "ВМК", "specialty": None,
                           "result": None, "education_type": None, "education_level": "Высшее"}]}],
    "failed_resumes": [{"uuid": "r-2", "first_name": "Анна", "last_name": "Смирнова", "key_skills": "Excel"}],
}


def test_rendered_resume_has_the_facts_and_no_name_or_birth_date():
    text = render_resume(RECORD["confirmed_resumes"][0])
    assert text.splitlines()[0] == "Аналитик"
    assert "Навыки:\nSQL, Python" in text and "01.2020 - по настоящее время: Аналитик, Банк, Москва" in text
    assert "МГУ" in text and "Английский" in text
    for personal in ("Иван", "Петров", "1990"):
        assert personal not in text


def test_rendered_vacancy_starts_with_its_title():
    text = render_vacancy(RECORD["vacancy"])
    assert text.startswith("Аналитик DWH\nКлючевые слова: SQL, DWH\nТребуемый опыт работы: 3-6 лет")
    assert "Писать SQL." in text


def test_required_years_are_written_as_a_minimum_the_extractor_reads():
    for value, phrase, years in ((1, "от 1 года", 1), ("2", "от 2 лет", 2), (21, "от 21 года", 21)):
        text = render_vacancy({**RECORD["vacancy"], "requested_experience": value, "keywords": "None"})
        assert f"Требуемый опыт работы {phrase}" in text
        assert stated_years(text) == years
        assert "None" not in text  # the set writes missing values as the string "None"


def test_languages_are_rendered_under_either_spelling_of_the_key():
    # hired resumes say "languageItem", rejected ones "languageItems": both must render, or the text leaks the label
    hired = render_resume(RECORD["confirmed_resumes"][0])
    rejected = render_resume({**RECORD["failed_resumes"][0], "languageItems": ["Английский — B2"]})
    assert "Языки: Английский — B2" in hired and "Языки: Английский — B2" in rejected


def test_talent_match_labels_confirmed_and_failed(tmp_path: Path):
    (tmp_path / "talent_match_ru").mkdir()
    (tmp_path / "talent_match_ru" / "dev.json").write_text(json.dumps([RECORD], ensure_ascii=False), encoding="utf-8")
    [vacancy] = talent_match(tmp_path)
    assert vacancy.key == "v-1"
    assert [(r.key, r.hired) for r in vacancy.resumes] == [("r-1", True), ("r-2", False)]
    assert "Анна" not in vacancy.resumes[1].text


def test_cli_says_clearly_when_the_data_folder_is_absent(tmp_path: Path):
    result = CliRunner().invoke(eval_app, ["hires", "--data", str(tmp_path / "nowhere"), "--home", str(tmp_path)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "does not exist" in output and "--data" in output


@pytest.mark.realdata
def test_real_hire_set_renders_hired_and_rejected_resumes_alike(shared_data: Path):
    """No part of the rendering may depend on which list a resume came from (a label leak)."""
    if not (shared_data / "talent_match_ru" / "dev.json").is_file():
        pytest.skip("talent_match_ru/dev.json is absent")
    resumes = [r for vacancy in talent_match(shared_data) for r in vacancy.resumes]
    share = {hired: sum("\nЯзыки: " in r.text for r in resumes if r.hired == hired)
             / sum(r.hired == hired for r in resumes) for hired in (True, False)}
    assert share[True] > 0.5 and share[False] > 0.5
    vacancies = talent_match(shared_data)
    assert all("None" not in v.text.splitlines()[1] for v in vacancies)
    assert sum("Требуемый опыт работы от" in v.text for v in vacancies) == 3
