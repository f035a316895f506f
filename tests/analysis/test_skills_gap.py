"""skills_gap(): matched skills with the resume's evidence, missing and extra skills."""

from __future__ import annotations

from matchflow.analysis.skills_extraction import skills_gap
from matchflow.domain import SkillHit

RESUME_TEXT = "Built APIs in Python and Django. Mail me: ivan@example.com. Python since 2015; Docker daily."


def _hit(skill: str, needle: str, occurrence: int = 0) -> SkillHit:
    start = -1
    for _ in range(occurrence + 1):
        start = RESUME_TEXT.index(needle, start + 1)
    end = start + len(needle)
    return SkillHit(skill=skill, start=start, end=end, evidence=RESUME_TEXT[max(0, start - 12):end + 22])


def test_matched_missing_and_extra() -> None:
    resume = [_hit("Python", "Python"), _hit("Django", "Django"), _hit("Python", "Python", 1),
              _hit("Docker", "Docker")]
    required = [SkillHit(skill="python"), SkillHit(skill="Kubernetes"), SkillHit(skill="Django")]
    nice = [SkillHit(skill="Docker"), SkillHit(skill="Go"), SkillHit(skill="Python")]
    gap = skills_gap(resume, required, nice)
    assert [(m.skill, m.required) for m in gap.matched] == [
        ("python", True), ("Django", True), ("Docker", False),
    ]
    python = gap.matched[0]
    assert [(e.start, e.end) for e in python.evidence] == [
        (RESUME_TEXT.index("Python"), RESUME_TEXT.index("Python") + 6),
        (RESUME_TEXT.index("Python", 20), RESUME_TEXT.index("Python", 20) + 6),
    ]
    assert all(RESUME_TEXT[e.start:e.end] == "Python" for e in python.evidence)
    assert gap.missing_required == ["Kubernetes"]
    assert gap.missing_nice == ["Go"]  # Python is required already, not listed twice
    assert gap.extra == []
    assert gap.required_coverage == 2 / 3


def test_extra_skills_and_no_requirements() -> None:
    gap = skills_gap([_hit("Python", "Python"), _hit("Docker", "Docker")], [], [])
    assert gap.extra == ["Python", "Docker"]
    assert gap.matched == [] and gap.required_coverage is None


def test_evidence_is_redacted() -> None:
    gap = skills_gap([_hit("Django", "Django")], [SkillHit(skill="Django")], [])
    [evidence] = gap.matched[0].evidence
    assert "Django" in evidence.text
    assert "ivan@example.com" not in evidence.text and "[email]" in evidence.text


def test_evidence_is_verbatim_when_redaction_is_switched_off() -> None:
    gap = skills_gap([_hit("Django", "Django")], [SkillHit(skill="Django")], [], redact_evidence=False)
    [evidence] = gap.matched[0].evidence
    assert "ivan@" in evidence.text
