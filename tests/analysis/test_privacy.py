"""Personal data leaves the text matching scores and the explanations recruiters read; skills stay."""

from __future__ import annotations

import pytest

from matchflow.domain import ExtractedFields
from matchflow.privacy import redact_for_scoring, redact_personal_details

RESUME_EN = """Ada Example
Date of birth: 12.03.1990
Gender: female
Marital status: married
Address: 12 Main Street, Springfield
Lives at 221B Baker Street, London. Born 12/03/1990, 35 years old.
photo: ada-portrait.jpg
ada@example.com  +1 555 010 0199
Senior Python developer, 8 years of experience with Django and PostgreSQL.
"""

RESUME_RU = """Иванова Мария
Женщина, 34 года, родилась 5 мая 1990 г.
Гражданство: Россия
Адрес: ул. Ленина, д. 5, кв. 12
Семейное положение: замужем
Опыт работы 10 лет: Python, Django, PostgreSQL. Полный рабочий день.
"""


@pytest.mark.parametrize("secret", ["12.03.1990", "female", "married", "12 Main Street", "221B Baker Street",
                                    "12/03/1990", "35 years old", "ada-portrait.jpg"])
def test_english_personal_details_are_removed(secret: str) -> None:
    assert secret not in redact_personal_details(RESUME_EN)


@pytest.mark.parametrize("secret", ["34 года", "5 мая 1990", "Россия", "ул. Ленина", "замужем", "Женщина"])
def test_russian_personal_details_are_removed(secret: str) -> None:
    assert secret not in redact_personal_details(RESUME_RU)


@pytest.mark.parametrize("kept", ["Senior Python developer, 8 years of experience", "Django", "London"])
def test_professional_text_stays(kept: str) -> None:
    assert kept in redact_personal_details(RESUME_EN)


def test_russian_experience_and_work_mode_stay() -> None:
    shown = redact_personal_details(RESUME_RU)
    assert "Опыт работы 10 лет" in shown and "Полный рабочий день" in shown


def test_scoring_text_loses_name_and_contacts_too() -> None:
    fields = ExtractedFields(person_name="Ada Example", emails=["ada@example.com"], phones=["+1 555 010 0199"])
    scored = redact_for_scoring(RESUME_EN, fields)
    for secret in ("Ada", "Example", "ada@example.com", "555 010 0199"):
        assert secret not in scored
    assert "Python" in scored
