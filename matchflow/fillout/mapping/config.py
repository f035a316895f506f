"""The mapping file: which Fillout question feeds which field, read from TOML and checked.

Kept apart from the mappers because a bad file must fail when it is loaded (FilloutConfigError), at
start-up, long before any submission is read; the mappers then trust the aliases they are given.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field

from matchflow.fillout.errors import FilloutConfigError

__all__ = ["CANDIDATE_FIELDS", "COMPANY_FIELDS", "DEFAULT_MAPPING_PATH", "JOB_FIELDS", "FilloutMapping", "load_mapping"]

DEFAULT_MAPPING_PATH = Path(__file__).resolve().parents[3] / "config" / "fillout_mapping.toml"

CANDIDATE_FIELDS = frozenset(
    {
        "full_name", "first_name", "last_name", "email", "phone", "city", "country", "location",
        "salary", "salary_min", "salary_max", "salary_currency", "salary_period", "desired_roles",
        "industries", "skills", "motivation", "cover_letter", "answers", "resume", "birth_date",
        "education", "links",
    }
)  # fmt: skip
COMPANY_FIELDS = frozenset(
    {"company_name", "website", "industry", "description", "contact_name", "contact_email", "contact_phone"}
)
JOB_FIELDS = frozenset(
    {
        "title", "description", "description_files", "location", "remote", "salary", "salary_min",
        "salary_max", "salary_currency", "salary_period", "employment_type", "skills",
    }
)  # fmt: skip


class FilloutMapping(BaseModel):
    """Aliases per field for each form; see config/fillout_mapping.toml."""

    candidate: dict[str, list[str]] = Field(default_factory=dict)
    company: dict[str, list[str]] = Field(default_factory=dict)
    job: dict[str, list[str]] = Field(default_factory=dict)


def load_mapping(path: str | Path | None = None) -> FilloutMapping:
    """Read a mapping file (the default one when `path` is None); bad files raise FilloutConfigError."""
    path = Path(path) if path is not None else DEFAULT_MAPPING_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FilloutConfigError(f"cannot read Fillout mapping {path}: {exc}") from exc
    company = dict(data.get("company", {}))
    job = company.pop("job", {})
    unknown_top = set(data) - {"candidate", "company"}
    if unknown_top:
        raise FilloutConfigError(f"{path}: unknown sections {sorted(unknown_top)}")
    sections = {
        "candidate": (data.get("candidate", {}), CANDIDATE_FIELDS),
        "company": (company, COMPANY_FIELDS),
    }
    sections["job"] = (job, JOB_FIELDS)
    result: dict[str, dict[str, list[str]]] = {}
    for section, (table, known) in sections.items():
        if not isinstance(table, dict):
            raise FilloutConfigError(f"{path}: [{section}] must be a table")
        unknown = set(table) - known
        if unknown:
            raise FilloutConfigError(f"{path}: unknown fields in [{section}]: {sorted(unknown)}")
        for key, aliases in table.items():
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                raise FilloutConfigError(f"{path}: [{section}].{key} must be a list of non-empty strings")
            table[key] = aliases
        result[section] = table
    return FilloutMapping(**result)
