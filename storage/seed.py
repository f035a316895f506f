"""Seed the dictionaries (industries, skills, roles, locations, hiring stages) from storage/seed/*.csv.

Idempotent upserts keyed by name, so editing a CSV and running `matchflow db upgrade` again updates the
aliases without touching ids that links already point at. The CSVs are read by matchflow.taxonomy, the
same loaders the skill and role matchers use.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matchflow import taxonomy
from storage.models import HiringStage, Industry, Location, Role, Skill


def _upsert(session: Session, model: type, values: list[dict[str, Any]]) -> int:
    statement = insert(model).values(values)
    update = {key: statement.excluded[key] for key in values[0] if key != "name"}
    session.execute(statement.on_conflict_do_update(index_elements=["name"], set_=update))
    return len(values)


def seed_dictionaries(*, session: Session) -> dict[str, int]:
    """Upsert every dictionary and return the number of rows per dictionary."""
    def rows(entries, **extra) -> list[dict[str, Any]]:
        return [{"name": e.name, "aliases": sorted(set(e.aliases)), **{k: f(e) for k, f in extra.items()}}
                for e in entries]

    return {
        "skills": _upsert(session, Skill, rows(taxonomy.load_skills(), category=lambda e: e.category)),
        "roles": _upsert(session, Role, rows(taxonomy.load_roles(), category=lambda e: e.category)),
        "industries": _upsert(session, Industry, rows(taxonomy.load_industries())),
        "locations": _upsert(session, Location,
                             rows(taxonomy.load_locations(), country_code=lambda e: e.country_code or None)),
        "hiring_stages": _upsert(session, HiringStage, [{"name": s.name, "position": s.position}
                                                        for s in taxonomy.load_hiring_stages()]),
    }
