"""Skills gap of one resume against one job: what matches (with proof), what is missing, what is extra.

CPU implementation over the taxonomy hits the extract stage already found; a model-based skill
extractor can replace it behind the same `Analyzer` interface.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from matchflow.domain import SkillHit
from matchflow.privacy import redact, redact_personal_details

IMPLEMENTATION = "cpu-taxonomy"
MAX_EVIDENCE_PER_SKILL = 3


class SkillEvidence(BaseModel):
    start: int
    end: int
    text: str  # the matched text with a little context, personal data redacted


class MatchedSkill(BaseModel):
    skill: str
    required: bool  # False: a nice-to-have skill
    evidence: list[SkillEvidence] = Field(default_factory=list)


class SkillsGap(BaseModel):
    matched: list[MatchedSkill] = Field(default_factory=list)
    missing_required: list[str] = Field(default_factory=list)
    missing_nice: list[str] = Field(default_factory=list)
    extra: list[str] = Field(default_factory=list)  # candidate skills the job does not ask for
    required_coverage: float | None = None  # matched required / required; None when none required
    implementation: str = IMPLEMENTATION


def _key(skill: str) -> str:
    return skill.strip().casefold()


def _by_skill(hits: Iterable[SkillHit]) -> dict[str, list[SkillHit]]:
    grouped: dict[str, list[SkillHit]] = {}
    for hit in hits:
        if hit.skill and hit.skill.strip():
            grouped.setdefault(_key(hit.skill), []).append(hit)
    return grouped


def _shown(evidence: str, redact_evidence: bool) -> str:
    return redact(redact_personal_details(evidence)) if redact_evidence else evidence


def skills_gap(
    resume_skills: list[SkillHit], job_required: list[SkillHit], job_nice: list[SkillHit], *,
    redact_evidence: bool = True,
) -> SkillsGap:
    """Compare canonical skill names (case-insensitive); evidence spans come from the resume's hits.

    A skill both required and nice counts as required; lists keep the job's order (the resume's
    order for `extra`).
    """
    have = _by_skill(resume_skills)
    required = _by_skill(job_required)
    nice = {k: v for k, v in _by_skill(job_nice).items() if k not in required}
    matched: list[MatchedSkill] = []
    for wanted, is_required in ((required, True), (nice, False)):
        for key, hits in wanted.items():
            if key in have:
                evidence = [
                    SkillEvidence(start=h.start, end=h.end, text=_shown(h.evidence, redact_evidence))
                    for h in have[key][:MAX_EVIDENCE_PER_SKILL]
                ]
                matched.append(MatchedSkill(skill=hits[0].skill, required=is_required, evidence=evidence))
    return SkillsGap(
        matched=matched,
        missing_required=[hits[0].skill for key, hits in required.items() if key not in have],
        missing_nice=[hits[0].skill for key, hits in nice.items() if key not in have],
        extra=[hits[0].skill for key, hits in have.items() if key not in required and key not in nice],
        required_coverage=(sum(1 for k in required if k in have) / len(required)) if required else None,
    )


class SkillsGapAnalyzer:
    """The `Analyzer` wrapper: name "skills_extraction"."""

    name = "skills_extraction"
    implementation = IMPLEMENTATION

    def analyze(
        self, resume_skills: list[SkillHit], job_required: list[SkillHit], job_nice: list[SkillHit],
    ) -> SkillsGap:
        return skills_gap(resume_skills, job_required, job_nice)
