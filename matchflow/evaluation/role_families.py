"""Role families (role_families.toml): which kind of role a vacancy title or a resume's positions name.

The applicant evaluation's second relevance. The families are data, written before any run, so that the
relevance cannot drift towards whatever a ranker happens to return; this module only reads and applies them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROLE_FAMILIES = Path(__file__).with_name("role_families.toml")


@dataclass(frozen=True)
class RoleFamily:
    name: str
    vacancy: tuple[re.Pattern[str], ...]
    resume: tuple[re.Pattern[str], ...]


def _compile(patterns: list[str], where: str) -> tuple[re.Pattern[str], ...]:
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise ValueError(f"{where}: needs a non-empty list of regular expressions")
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@dataclass(frozen=True)
class RoleFamilies:
    """Families in file order: the first that matches wins, so the order breaks ties between two roles."""

    families: tuple[RoleFamily, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.families]

    def of_vacancy(self, title: str) -> str | None:
        """The family whose vacancy patterns match the title first, or None."""
        return next((f.name for f in self.families if any(p.search(title or "") for p in f.vacancy)), None)

    def of_position(self, position: str) -> str | None:
        """The family whose resume patterns match one position title first, or None."""
        return next((f.name for f in self.families if any(p.search(position or "") for p in f.resume)), None)

    def of_resume(self, positions: Iterable[str]) -> str | None:
        """The family of the latest position (first given) that names one; None when none does."""
        return next((family for family in map(self.of_position, positions) if family), None)


def load_role_families(path: Path = ROLE_FAMILIES) -> RoleFamilies:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    families = []
    for raw in data.get("family", []):
        unknown = set(raw) - {"name", "vacancy", "resume"}
        if unknown or not raw.get("name"):
            raise ValueError(f"bad family in {path}: {raw} (needs name, vacancy and resume)")
        where = f"{path}: family {raw['name']}"
        families.append(RoleFamily(name=raw["name"], vacancy=_compile(raw.get("vacancy", []), where),
                                   resume=_compile(raw.get("resume", []), where)))
    names = [f.name for f in families]
    if not families or len(set(names)) != len(names):
        raise ValueError(f"{path}: needs at least one family and unique names, got {names}")
    return RoleFamilies(families=tuple(families))
