"""RoleMatcher, canonical roles, locations and industries."""

from __future__ import annotations

import pytest

from matchflow.taxonomy import (
    RoleMatcher,
    canonical_industry,
    canonical_location,
    canonical_role,
)


@pytest.fixture(scope="module")
def roles() -> RoleMatcher:
    return RoleMatcher.default()


def test_roles_in_order_of_appearance(roles: RoleMatcher) -> None:
    text = "Senior Python Developer. Previously a line cook, then a sous chef; mentored a data scientist."
    assert roles.find(text) == ["Backend Developer", "Cook", "Chef", "Data Scientist"]


def test_best_prefers_the_title_line_then_frequency(roles: RoleMatcher) -> None:
    assert (
        roles.best("ACCOUNTANT\nSummary\nWorked with teachers, a teacher and more teachers.") == "Accountant"
    )
    assert (
        roles.best("Summary\nA teacher who also tutored. Teacher of the year. Accountant once.") == "Teacher"
    )
    assert roles.best("Summary\nNo role named here at all.") is None
    assert roles.best("") is None


def test_russian_roles_with_inflection(roles: RoleMatcher) -> None:
    assert roles.find("Работал программистом, затем руководителем проекта") == [
        "Software Engineer", "Project Manager"
    ]  # fmt: skip
    assert roles.best("Ищем Python-разработчика в команду") == "Backend Developer"


def test_a_masculine_role_noun_does_not_find_its_abstract_sibling(roles: RoleMatcher) -> None:
    # "технолог" (a role) must not fire on "технологий" / "технологии" (technology), nor "брокер" on
    # message brokers' neighbours, "стоматолог" on a dental-care benefit, "аудитор" on "аудитории"
    text = ("Центр информационных технологий; внедряем технологии; ДМС со стоматологией; "
            "методологии разработки; лекции для широкой аудитории")
    assert roles.find(text) == []
    assert roles.find("Работал технологом, затем старшим технологом") == ["Chemical Engineer"]
    assert roles.find("Консультации стоматолога") == ["Physician"]


def test_subject_names_are_not_roles(roles: RoleMatcher) -> None:
    # "математики" is far more often the subject of a degree than people; the role only as a list item
    assert roles.find("Факультет прикладной математики и статистики, кафедра физики") == []
    assert roles.find("Математик") == ["Research Scientist"]
    assert roles.find("DWH Analyst") == ["Data Analyst"]


def test_seniority_words_are_not_roles(roles: RoleMatcher) -> None:
    # "Ведущий" is a level (lead) on a Russian title line, not a TV host; partners of a firm are not its CEO
    assert roles.best("Ведущий аналитик DWH") == "Data Analyst"
    assert "Social Media Influencer" not in roles.find("Ведущий инженер-программист")
    assert roles.find("строим отношения с партнерами") == []


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("SWE", "Software Engineer"), ("Software Developer", "Software Engineer"),
        ("программист", "Software Engineer"),
        ("Registered Nurse", "Nurse"), ("HR Generalist", "HR Manager"), ("Sous Chef", "Chef"),
        ("Regional Sales Manager", "Sales Manager"), ("ML Engineer", "Machine Learning Engineer"),
        ("Attorney", "Lawyer"), ("бухгалтер", "Accountant"),
    ],
)  # fmt: skip
def test_canonical_role(title: str, role: str) -> None:
    assert canonical_role(title) == role


def test_canonical_role_unknown() -> None:
    assert canonical_role("Chief Vibes Officer") is None
    assert canonical_role("") is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Moscow", "Moscow"), ("г. Москва", "Moscow"), ("в Москве", "Moscow"), ("СПб", "Saint Petersburg"),
        ("Санкт-Петербург", "Saint Petersburg"), ("St. Petersburg, Russia", "Saint Petersburg"),
        ("New York, NY", "New York"), ("NYC", "New York"), ("Berlin, Germany", "Berlin"),
        ("удалённо", "Remote"), ("Удаленно", "Remote"), ("Remote", "Remote"), ("Fully remote (EU)", "Remote"),
        ("London UK", "London"),
    ],
)  # fmt: skip
def test_canonical_location(text: str, place: str) -> None:
    assert canonical_location(text) == place


@pytest.mark.parametrize("text", ["", "Atlantis", "City , State"])
def test_canonical_location_unknown(text: str) -> None:
    assert canonical_location(text) is None


@pytest.mark.parametrize(
    ("text", "industry"),
    [("fintech", "Financial Services"), ("банк", "Banking"), ("Hospital & Health Care", "Healthcare"),
     ("IT", "Information Technology"), ("ритейл", "Retail")],
)  # fmt: skip
def test_canonical_industry(text: str, industry: str) -> None:
    assert canonical_industry(text) == industry


def test_it_industry_is_not_the_pronoun() -> None:
    assert canonical_industry("it depends") is None
