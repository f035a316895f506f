"""Skill features: which of the job's skills the candidate has, weighted by how rare each skill is.

Skills compare casefolded; rarity is a smoothed IDF over the corpus, so a missing "Rust" costs more than
a missing "Python". The comparison also feeds the explanation (matched and missing skills).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matchflow.domain import SkillHit
from matchflow.rerank.sides import MatchPair
from matchflow.scoring import NEUTRAL

__all__ = ["SkillComparison", "compare_skills", "compute_skill_idf", "resume_skills", "skill_coverage"]


def _key(skill: str) -> str:
    return skill.strip().casefold()


def _unique(hits: Iterable[SkillHit]) -> list[str]:
    seen: dict[str, str] = {}
    for hit in hits:
        if hit.skill and _key(hit.skill) not in seen:
            seen[_key(hit.skill)] = hit.skill
    return list(seen.values())


def compute_skill_idf(doc_skill_lists: Iterable[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each skill over a corpus (keys casefolded).

    idf = ln((1 + N) / (1 + df)) + 1, as scikit-learn smooths it: a skill in every document
    weighs 1, a rare one more, so "Python" missing costs less than "Rust" missing.
    """
    documents = [{_key(s) for s in skills if s and s.strip()} for skills in doc_skill_lists]
    df = Counter(skill for doc in documents for skill in doc)
    n = len(documents)
    return {skill: math.log((1 + n) / (1 + count)) + 1.0 for skill, count in df.items()}


def _idf_lookup(skill_idf: Mapping[str, float] | None) -> tuple[dict[str, float], float]:
    if not skill_idf:
        return {}, 1.0
    table = {_key(k): float(v) for k, v in skill_idf.items()}
    return table, max(table.values())  # a skill the corpus never saw is at least as rare as the rarest


def skill_coverage(
    candidate_skills: Iterable[str], wanted: list[str], skill_idf: Mapping[str, float] | None = None,
) -> float:
    """IDF-weighted share of `wanted` skills the candidate has; NEUTRAL when nothing is wanted."""
    if not wanted:
        return NEUTRAL
    table, unseen = _idf_lookup(skill_idf)
    have = {_key(s) for s in candidate_skills}
    total = sum(table.get(_key(s), unseen) for s in wanted)
    got = sum(table.get(_key(s), unseen) for s in wanted if _key(s) in have)
    return got / total if total > 0 else NEUTRAL


@dataclass(frozen=True)
class SkillComparison:
    matched: list[str]
    missing_required: list[str]
    missing_nice: list[str]
    required: list[str]
    nice: list[str]


def resume_skills(pair: MatchPair) -> list[str]:
    """The resume's skill names, one per skill (first spelling kept)."""
    return _unique(pair.resume.fields.skills)


def compare_skills(pair: MatchPair) -> SkillComparison:
    """The job's required/nice skills (its general skills when none are marked) vs the resume's."""
    required = _unique(pair.job.fields.required_skills) or _unique(pair.job.fields.skills)
    required_keys = {_key(s) for s in required}
    nice = [s for s in _unique(pair.job.fields.nice_to_have_skills) if _key(s) not in required_keys]
    have = {_key(s) for s in resume_skills(pair)}
    return SkillComparison(
        matched=[s for s in [*required, *nice] if _key(s) in have],
        missing_required=[s for s in required if _key(s) not in have],
        missing_nice=[s for s in nice if _key(s) not in have],
        required=required,
        nice=nice,
    )
