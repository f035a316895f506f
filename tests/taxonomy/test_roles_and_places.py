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
