"""Integrity of the packaged dictionaries in storage/seed/ (read as files, no database)."""

from __future__ import annotations

import csv
import re

import pytest

from matchflow.taxonomy import (
    find_alias_conflicts,
    load_hiring_stages,
    load_industries,
    load_locations,
    load_roles,
    load_skills,
    seed_dir,
)

CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")


def _raw_rows(name: str) -> list[dict[str, str]]:
    with (seed_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("name", "minimum"),
    [("skills.csv", 500), ("roles.csv", 80), ("industries.csv", 30), ("locations.csv", 60)],
)
def test_dictionary_sizes_and_well_formed_rows(name: str, minimum: int) -> None:
    rows = _raw_rows(name)
    assert len(rows) >= minimum
    names = [row["name"].strip() for row in rows]
    assert all(names), "every row needs a name"
    assert len({n.casefold() for n in names}) == len(names), "canonical names must be unique"
    for row in rows:
        assert None not in row and all(v is not None for v in row.values()), f"ragged row: {row}"
        for column in ("aliases_en", "aliases_ru"):
            field = row[column]
            if field:
                parts = field.split("|")
                assert all(p.strip() for p in parts), f"empty alias in {row['name']}.{column}: {field!r}"
                assert all(p == p.strip() for p in parts), f"untrimmed alias in {row['name']}.{column}"
                assert all(p.lstrip("=~").strip() for p in parts), f"bare marker in {row['name']}"


@pytest.mark.parametrize("loader", [load_skills, load_roles, load_industries, load_locations])
def test_no_alias_names_two_entries(loader) -> None:
    assert find_alias_conflicts(loader()) == []


def test_conflict_check_catches_clashes() -> None:
    """The integrity check itself must be able to fail: case, inflection and strict-vs-plain clashes."""
    from matchflow.taxonomy import Skill

    clashing = [
        Skill("A", "x", ("Postgres", "=Bar")),
        Skill("B", "x", ("POSTGRES",)),
        Skill("C", "x", ("bar",)),
        Skill("D", "x", ("управление проектами",)),
        Skill("E", "x", ("управления проектами",)),
    ]
    found = {alias for alias, _ in find_alias_conflicts(clashing)}
    assert found == {"Postgres", "Bar", "управление проектами"}


def test_skills_cover_it_and_every_resume_profession() -> None:
    categories = {s.category for s in load_skills()}
    wanted = {
        "accounting", "legal", "agriculture", "apparel", "arts", "automotive", "aviation", "banking",
        "customer_service", "business_development", "culinary", "construction", "management", "design",
        "digital_media", "engineering", "finance", "fitness", "healthcare", "hr", "public_relations", "sales",
        "education", "programming_language", "database", "data_ml", "devops", "cloud",
    }  # fmt: skip
    assert wanted <= categories


def test_russian_aliases_are_in_the_russian_column_and_plentiful() -> None:
    skills = load_skills()
    for entry in [*skills, *load_roles(), *load_industries(), *load_locations()]:
        assert not any(CYRILLIC.search(a) for a in entry.aliases_en), (
            f"Cyrillic in aliases_en of {entry.name}"
        )
    assert sum(1 for s in skills if s.aliases_ru) >= 250


def test_key_entries_and_their_aliases() -> None:
    skills = {s.name: s for s in load_skills()}
    assert {"Postgres", "psql"} <= set(skills["PostgreSQL"].aliases_en)
    assert "постгрес" in skills["PostgreSQL"].aliases_ru
    assert "питон" in skills["Python"].aliases_ru
    assert "управление проектами" in skills["Project management"].aliases_ru
    assert {"бухгалтерский учет", "бухучет"} <= set(skills["Accounting"].aliases_ru)
    assert {"1С", "1С:Предприятие"} <= set(skills["1C"].aliases_ru)
    assert {"C++", "C#", ".NET", "Node.js", "R", "Go"} <= set(skills)
    roles = {r.name for r in load_roles()}
    assert {"Software Engineer", "Data Scientist", "Accountant", "Chef", "Teacher", "Nurse", "HR Manager",
            "Sales Manager"} <= roles  # fmt: skip


def test_locations_have_country_codes_and_remote() -> None:
    locations = {loc.name: loc for loc in load_locations()}
    assert {"Remote", "New York", "Moscow", "Saint Petersburg", "London", "Berlin"} <= set(locations)
    assert {"удаленно", "удалённо"} <= set(locations["Remote"].aliases_ru)
    assert "remote" in locations["Remote"].aliases_en
    assert locations["Moscow"].country_code == "RU" and locations["New York"].country_code == "US"
    for loc in locations.values():
        assert loc.name == "Remote" or re.fullmatch(r"[A-Z]{2}", loc.country_code), loc


def test_hiring_stages_are_ordered_and_complete() -> None:
    stages = load_hiring_stages()
    names = [s.name for s in stages]
    positions = [s.position for s in stages]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert len(set(names)) == len(names)
    assert {"applied", "screening", "interview", "offer", "hired", "rejected"} <= set(names)
    assert names.index("applied") < names.index("interview") < names.index("offer") < names.index("hired")


def test_loaders_read_a_given_path(tmp_path) -> None:
    path = tmp_path / "skills.csv"
    path.write_text("name,category,aliases_en,aliases_ru\nFoo,x,Foo lang| FooScript ,фу\n", encoding="utf-8")
    (skill,) = load_skills(path)
    assert (skill.name, skill.category, skill.aliases_en, skill.aliases_ru) == (
        "Foo",
        "x",
        ("Foo lang", "FooScript"),
        ("фу",),
    )
