"""Job-only fields: seniority, and which skills are required versus nice to have (by section, and by
"is a plus" / "будет плюсом" markers on the line). Work mode (remote / hybrid / onsite) is a shared rule
in matchflow.textrules.work_mode, re-exported here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from matchflow.domain import SkillHit
from matchflow.parsing.sections import Section
from matchflow.textrules.work_mode import work_mode

__all__ = ["seniority", "split_required", "work_mode"]  # work_mode: matchflow.textrules, kept importable here

_SENIORITY: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "head",
        re.compile(
            r"\b(head of|director|vp|vice president|cto|cio|chief)\b|руководитель отдела|"
            r"директор|начальник|head\b",
            re.I,
        ),
    ),
    (
        "lead",
        re.compile(
            r"\b(lead|team lead|tech lead|principal)\b|тимлид|техлид|ведущий|"
            r"руководитель группы|лид\b",
            re.I,
        ),
    ),
    ("senior", re.compile(r"\b(senior|sr\.?)\b|старший|сеньор|синьор", re.I)),
    ("middle", re.compile(r"\b(middle|mid[- ]level|intermediate)\b|мидл", re.I)),
    ("junior", re.compile(r"\b(junior|jr\.?|entry[- ]level|new grad)\b|младший|джун", re.I)),
    ("intern", re.compile(r"\b(intern|internship|trainee)\b|стажер|стажёр|стажировк|практикант", re.I)),
)

if TYPE_CHECKING:
    from matchflow.extract import SkillFinder


def seniority(title_text: str, body_text: str) -> str | None:
    """The level the posting names: in the title first (most specific), then level words in the body
    ("lead" and "head" are not trusted there: "lead the design" is a verb, not a level).

    Years asked for are not a level: "от 1 года" / "2+ years" is a minimum with no maximum, and reading
    it as "junior" would mark every longer career over-qualified. The reranker uses the years as the
    minimum (ExtractedFields.years_experience of the job).
    """
    for level, pattern in _SENIORITY:
        if pattern.search(title_text):
            return level
    for level, pattern in _SENIORITY:
        if level not in {"lead", "head"} and pattern.search(body_text):
            return level
    return None


_NICE_MARK = re.compile(
    r"nice[- ]to[- ]have|\bis a plus\b|\ba plus\b|\bplus\b|\bpreferred\b|\bbonus\b|\bdesirable\b|\bideally\b|"
    r"будет плюсом|плюсом будет|преимуществ|желательно|приветствуется",
    re.I,
)


def split_required(
    text: str, hits: list[SkillHit], sections: list[Section], matcher: SkillFinder | None = None
) -> tuple[list[SkillHit], list[SkillHit]]:
    """(required, nice_to_have): a hit is nice to have when it sits in the nice_to_have section or on a
    line with a "plus / preferred / будет плюсом" marker; every other hit is required, except those in
    the "about the company" text when the posting has requirements or responsibilities sections.
    A skill listed in both places counts as required.
    """
    required: dict[str, SkillHit] = {}
    nice: dict[str, SkillHit] = {}
    # with a requirements/responsibilities section, the company blurb ("we build billing software")
    # describes the employer, not the job; the title line and skills the duties repeat still count
    duties = [s for s in sections if s.name in ("requirements", "responsibilities")]
    duty_skills: set[str] = set()
    if duties and matcher is not None:
        duty_skills = {h.skill for h in matcher.find("\n".join(text[s.start:s.end] for s in duties))}
    title_end = text.find("\n", len(text) - len(text.lstrip()))
    for hit in hits:
        section = next((s.name for s in sections if s.start <= hit.start < s.end), "other")
        if duties and section == "about" and hit.start > title_end and hit.skill not in duty_skills:
            continue
        line_start = text.rfind("\n", 0, hit.start) + 1
        line_end = text.find("\n", hit.end)
        line = text[line_start : line_end if line_end != -1 else len(text)]
        if section == "benefits":
            continue  # "we pay for AWS courses" is not a requirement
        is_nice = section == "nice_to_have" or bool(_NICE_MARK.search(line))
        target = nice if is_nice else required
        target.setdefault(hit.skill, hit)
    nice = {k: v for k, v in nice.items() if k not in required}
    return list(required.values()), list(nice.values())
