"""The single-field readers: contacts, experience, salary, education, languages, work mode, seniority."""

from __future__ import annotations

from datetime import date

import pytest

from matchflow.domain import SalaryRange
from matchflow.extract.contacts import find_emails, find_links, find_person_name, find_phones
from matchflow.extract.experience import (
    MAX_REQUIRED_YEARS,
    date_ranges,
    merged_years,
    stated_years,
    years_of_experience,
)
from matchflow.extract.job import seniority, work_mode
from matchflow.extract.profile import education_level, spoken_languages
from matchflow.extract.salary import find_salary

TODAY = date(2024, 6, 15)


def test_emails_are_lowercased_and_unique() -> None:
    text = "Mail: Jane.Doe+cv@Example.COM, jane.doe+cv@example.com; boss@acme.co.uk."
    assert find_emails(text) == ["jane.doe+cv@example.com", "boss@acme.co.uk"]


def test_phones_international_and_russian_formats() -> None:
    text = "Tel: +1 (415) 555-2671\nМоб.: 8 (912) 345-67-89, +7 495 123-45-67\nYears 2015 2016 2017"
    assert find_phones(text, "ru") == ["+14155552671", "+79123456789", "+74951234567"]
    assert find_phones("Call +44 20 7946 0958 or 2018 - 2021", "en") == ["+442079460958"]


def test_links_linkedin_github_and_urls() -> None:
    text = (
        "linkedin.com/in/jane-doe | github.com/janedoe, see https://jane.dev/portfolio. "
        "Mail jane@www.example.com"
    )
    assert find_links(text) == [
        "https://linkedin.com/in/jane-doe",
        "https://github.com/janedoe",
        "https://jane.dev/portfolio",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("JANE DOE\nSenior Python Developer\njane@example.com", "Jane Doe"),
        ("Curriculum Vitae\nJohn Ronald Smith\nJava developer", "John Ronald Smith"),
        ("Иванов Иван Иванович\nРазработчик Python", "Иванов Иван Иванович"),
        ("ФИО: Петров Пётр\nОпыт работы", "Петров Пётр"),
        ("ACCOUNTANT\nCore Qualifications\nProfessional Summary", None),
    ],
)
def test_person_name_best_effort(text: str, name: str | None) -> None:
    assert find_person_name(text) == name


def test_date_ranges_in_every_common_form() -> None:
    text = (
        "Acme 2018 - 2021\nGlobex Jan 2019 - present\nInitech 01/2012 to 11/2015\n"
        "Ромашка март 2015 - н.в.\nHooli 2010.03 - 2010.09\nsince 2005 - 2006"
    )
    spans = date_ranges(text, today=TODAY)
    assert len(spans) == 6
    assert (2012 * 12, 2015 * 12 + 10) in spans  # 01/2012 .. 11/2015, months counted from year 0


def test_overlapping_ranges_are_counted_once() -> None:
    text = "Acme 2018 - 2021\nGlobex 2020 - 2022\nFreelance 2019 - 2019"
    assert merged_years(date_ranges(text, today=TODAY)) == 5.0  # 2018-01 .. 2022-12


def test_stated_years_in_english_and_russian() -> None:
    assert stated_years("Over 7 years of professional experience in Python") == 7.0
    assert stated_years("5+ years experience with Java; 3 years of Go experience") == 5.0
    assert stated_years("Опыт работы более 3 лет в разработке") == 3.0
    assert stated_years("Требуется 2+ года опыта") == 2.0
    assert stated_years("Founded 120 years ago") is None


def test_years_takes_the_larger_of_claim_and_dates() -> None:
    assert years_of_experience("Acme 2022 - 2023", "10 years of experience", today=TODAY) == 10.0
    assert years_of_experience("Acme 2010 - 2023", "2 years of experience", today=TODAY) == 14.0
    assert years_of_experience("no dates here", "none stated", today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Salary: $120,000 - $140,000",
            SalaryRange(minimum=120000, maximum=140000, currency="USD", period="year"),
        ),
        (
            "Зарплата от 200 000 руб.",
            SalaryRange(minimum=200000, maximum=None, currency="RUB", period="month"),
        ),
        ("Expected 150k EUR", SalaryRange(minimum=150000, maximum=None, currency="EUR", period="year")),
        ("до 300 тыс. ₽ в месяц", SalaryRange(minimum=None, maximum=300000, currency="RUB", period="month")),
        ("Rate: $45/hour", SalaryRange(minimum=45, maximum=None, currency="USD", period="hour")),
        ("120-140k USD", SalaryRange(minimum=120000, maximum=140000, currency="USD", period="year")),
        ("Acme 2018 - 2021, 40 people, call 555 1234", None),
        ("Expected salary graduation 2020", None),
    ],
)
def test_salary(text: str, expected: SalaryRange | None) -> None:
    assert find_salary(text) == expected


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("PhD in Physics, MSc in Math", "phd"),
        ("Master of Science in Computer Science", "master"),
        ("B.S : Business Administration", "bachelor"),
        ("Associate of Science : Business Administration", "vocational"),
        ("High School Diploma", "vocational"),  # a diploma outranks the school it came from
        ("Высшее образование, магистр", "master"),
        ("Среднее специальное, колледж", "vocational"),
        ("no schooling mentioned", None),
    ],
)
def test_education_level(text: str, level: str | None) -> None:
    assert education_level(text) == level


def test_spoken_languages_from_section_and_level_lines() -> None:
    assert spoken_languages("", "English, German\nFrançais") == ["en", "de", "fr"]
    text = "Английский - B2 (технический)\nEnglish teacher at a school\nRussian: native"
    assert spoken_languages(text) == ["en", "ru"]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Fully remote, work from anywhere", "remote"),
        ("Работа удалённо", "remote"),
        ("Hybrid: 2 days in the office", "hybrid"),
        ("Гибридный формат", "hybrid"),
        ("Работа в офисе в Москве", "onsite"),
        ("On-site in Berlin", "onsite"),
        ("Python developer", None),
    ],
)
def test_work_mode(text: str, mode: str | None) -> None:
    assert work_mode(text) == mode


def test_seniority_from_title_then_body() -> None:
    assert seniority("Senior Backend Engineer", "") == "senior"
    assert seniority("Стажёр-разработчик", "") == "intern"
    assert seniority("Team Lead Python", "") == "lead"
    assert seniority("Head of Data", "") == "head"
    assert seniority("Backend Engineer", "You will lead the design of a junior team") == "junior"
    assert seniority("Backend Engineer", "You will lead the design") is None
    # years asked for are a minimum, not a level (the reranker reads them from years_experience)
    assert seniority("Java developer", "Требуемый опыт работы от 1 года") is None


def test_a_job_reads_its_minimum_years_not_the_employers_history() -> None:
    text = "Java developer\nТребуемый опыт работы от 1 года\n\n32 года опыта IT экспертизы; 2200 сотрудников."
    assert stated_years(text) == 32
    assert stated_years(text, limit=MAX_REQUIRED_YEARS) == 1
