"""Seed the dictionaries (industries, skills, roles, locations, hiring stages) from storage/seed/*.csv.

Idempotent upserts keyed by name, so editing a CSV and running `matchflow db upgrade` again updates the
aliases without touching ids that links already point at.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import HiringStage, Industry, Location, Role, Skill

SEED_DIR = Path(__file__).resolve().parent / "seed"


def _aliases(row: dict[str, str]) -> list[str]:
    values = f"{row.get('aliases_en', '')}|{row.get('aliases_ru', '')}".split("|")
    return sorted({value.strip() for value in values if value.strip()})


def read_seed_rows(name: str, seed_dir: Path = SEED_DIR) -> list[dict[str, str]]:
    with (seed_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed_dictionaries(*, session: Session, seed_dir: Path = SEED_DIR) -> dict[str, int]:
    """Upsert every dictionary and return the number of rows read per dictionary."""
    counts: dict[str, int] = {}
    plans = [
        ("skills", Skill, lambda r: {"category": r.get("category", "")}),
        ("roles", Role, lambda r: {"category": r.get("category", "")}),
        ("industries", Industry, lambda r: {}),
        ("locations", Location, lambda r: {"country_code": (r.get("country_code") or None)}),
    ]
    for name, model, extra in plans:
        rows = read_seed_rows(name, seed_dir)
        values = [{"name": r["name"].strip(), "aliases": _aliases(r), **extra(r)} for r in rows]
        statement = insert(model).values(values)
        update = {key: statement.excluded[key] for key in values[0] if key != "name"}
        session.execute(statement.on_conflict_do_update(index_elements=["name"], set_=update))
        counts[name] = len(values)

    stages = [{"name": r["name"].strip(), "position": int(r["position"])} for r in read_seed_rows("hiring_stages")]
    statement = insert(HiringStage).values(stages)
    session.execute(
        statement.on_conflict_do_update(index_elements=["name"], set_={"position": statement.excluded.position})
    )
    counts["hiring_stages"] = len(stages)
    return counts
