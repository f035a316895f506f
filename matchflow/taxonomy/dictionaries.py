"""The dictionary records and their loaders: the CSV files in ``storage/seed/`` read into plain entries.

Kept apart from the matchers because the database seeding reads the same files (storage/seed.py) and
needs only the records, not the automaton.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Entry",
    "HiringStage",
    "Industry",
    "Location",
    "Role",
    "Skill",
    "load_hiring_stages",
    "load_industries",
    "load_locations",
    "load_roles",
    "load_skills",
    "seed_dir",
]


@dataclass(frozen=True)
class Entry:
    """A dictionary entry: a canonical name, a grouping (skill category, role family, industry, or a location's
    country code) and its English and Russian aliases."""

    name: str
    category: str
    aliases_en: tuple[str, ...] = ()
    aliases_ru: tuple[str, ...] = ()

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.aliases_en + self.aliases_ru


Skill = Role = Industry = Entry  # one shape; the names say which dictionary a list came from


class Location(Entry):
    """A place; its `category` is the ISO 3166-1 alpha-2 country code ("" for Remote)."""

    @property
    def country_code(self) -> str:
        return self.category


@dataclass(frozen=True)
class HiringStage:
    name: str
    position: int


def seed_dir() -> Path:
    """The packaged ``storage/seed`` folder, found relative to this file so it works from a wheel too."""
    return Path(__file__).resolve().parents[2] / "storage" / "seed"


def _rows(path: Path | str | None, default_name: str) -> list[dict[str, str]]:
    file = Path(path) if path is not None else seed_dir() / default_name
    with file.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


def load_skills(path: Path | str | None = None) -> list[Skill]:
    """Canonical skills with English and Russian aliases, in file order."""
    return [
        Skill(r["name"], r["category"], _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "skills.csv")
    ]


def load_roles(path: Path | str | None = None) -> list[Role]:
    """Canonical job roles (titles) with aliases, in file order."""
    return [
        Role(r["name"], r["category"], _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "roles.csv")
    ]


def load_industries(path: Path | str | None = None) -> list[Industry]:
    """Industries with aliases, in file order."""
    return [
        Industry(r["name"], "industry", _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "industries.csv")
    ]


def load_locations(path: Path | str | None = None) -> list[Location]:
    """Cities (and ``Remote``) with ISO 3166-1 alpha-2 country codes and aliases, in file order."""
    return [
        Location(r["name"], r["country_code"], _split(r["aliases_en"]), _split(r["aliases_ru"]))
        for r in _rows(path, "locations.csv")
    ]


def load_hiring_stages(path: Path | str | None = None) -> list[HiringStage]:
    """Hiring pipeline stages sorted by position."""
    stages = [HiringStage(r["name"], int(r["position"])) for r in _rows(path, "hiring_stages.csv")]
    return sorted(stages, key=lambda s: s.position)
