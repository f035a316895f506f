"""The public matchers: skills and roles found in free text, and canonical names for skills, roles and
industries.

These are what extraction, the database seeding and the Fillout records use; everything below them
(normalisation, stemming, context rules, the automaton) is shared machinery in the sibling modules.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from matchflow.domain import SkillHit
from matchflow.taxonomy.dictionaries import Role, Skill, load_industries, load_roles, load_skills
from matchflow.taxonomy.phrase_index import NameIndex, PhraseIndex

__all__ = [
    "EVIDENCE_CONTEXT",
    "TITLE_LINE_BONUS",
    "RoleMatcher",
    "SkillMatcher",
    "canonical_industry",
    "canonical_role",
    "canonical_skill",
]

EVIDENCE_CONTEXT = 30  # characters of context kept on each side of a hit's evidence
TITLE_LINE_BONUS = 100  # RoleMatcher.best: a role on the first line outweighs any count further down


def _evidence(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - EVIDENCE_CONTEXT), min(len(text), end + EVIDENCE_CONTEXT)
    return " ".join(text[lo:hi].split())


class SkillMatcher:
    """Finds canonical skills in free text (resumes, job postings), English and Russian."""

    def __init__(self, skills: Sequence[Skill]) -> None:
        self.skills: list[Skill] = list(skills)
        self._index = PhraseIndex(self.skills)

    @classmethod
    @functools.cache
    def default(cls) -> SkillMatcher:
        """The matcher over the packaged dictionary, built once per process."""
        return cls(load_skills())

    def find(self, text: str) -> list[SkillHit]:
        """One hit per canonical skill at its first occurrence, in text order, with span and evidence."""
        hits: list[SkillHit] = []
        seen: set[int] = set()
        for m in self._index.scan(text):
            if m.entry in seen:
                continue
            seen.add(m.entry)
            skill = self.skills[m.entry]
            hits.append(
                SkillHit(
                    skill=skill.name,
                    category=skill.category,
                    start=m.start,
                    end=m.end,
                    evidence=_evidence(text, m.start, m.end),
                )
            )
        return hits

    def counts(self, text: str) -> dict[str, int]:
        """How often each canonical skill occurs (a weight for extraction and for IDF-style rarity)."""
        out: dict[str, int] = {}
        for m in self._index.scan(text):
            name = self.skills[m.entry].name
            out[name] = out.get(name, 0) + 1
        return out

    def canonical(self, name: str) -> str | None:
        """The canonical skill a skill name or alias stands for (``psql`` -> ``PostgreSQL``)."""
        idx = self._index.lookup(name)
        return None if idx is None else self.skills[idx].name


class RoleMatcher:
    """Finds canonical job roles (titles) in free text."""

    def __init__(self, roles: Sequence[Role]) -> None:
        self.roles: list[Role] = list(roles)
        self._index = PhraseIndex(self.roles)

    @classmethod
    @functools.cache
    def default(cls) -> RoleMatcher:
        """The matcher over the packaged dictionary, built once per process."""
        return cls(load_roles())

    def find(self, text: str) -> list[str]:
        """Canonical role names in order of first appearance."""
        seen: dict[str, None] = {}
        for m in self._index.scan(text):
            seen.setdefault(self.roles[m.entry].name, None)
        return list(seen)

    def best(self, text: str) -> str | None:
        """The role a document is about: the one named on its first line (the title line of a resume or
        a posting) when there is one, else the most frequent; ties go to the role named first."""
        matches = self._index.scan(text)
        if not matches:
            return None
        stripped = text.lstrip()
        first_line_end = len(text) - len(stripped) + (stripped.find("\n") % (len(stripped) + 1))
        score: dict[str, int] = {}
        first_seen: dict[str, int] = {}
        for m in matches:
            name = self.roles[m.entry].name
            bonus = TITLE_LINE_BONUS if m.end <= first_line_end else 0
            score[name] = score.get(name, 0) + 1 + bonus
            first_seen.setdefault(name, m.start)
        return max(score, key=lambda name: (score[name], -first_seen[name]))

    def canonical(self, title: str) -> str | None:
        """The canonical role a title stands for, when the whole title names one role."""
        idx = self._index.lookup(title)
        return None if idx is None else self.roles[idx].name


@functools.cache
def _industry_index() -> NameIndex:
    return NameIndex(load_industries())


def canonical_skill(name: str) -> str | None:
    """Alias -> canonical skill name (``Postgres`` -> ``PostgreSQL``), or None when unknown."""
    return SkillMatcher.default().canonical(name)


def canonical_role(title: str) -> str | None:
    """Job title -> canonical role name (``SWE`` -> ``Software Engineer``), or None."""
    return RoleMatcher.default().canonical(title)


def canonical_industry(text: str) -> str | None:
    """An industry phrase -> canonical industry name, or None."""
    return _industry_index().canonical(text)
