"""Field extraction (pipeline step 1, after parsing): ParsedDocument in, ExtractedFields out.

    extract_fields(parsed, kind)   every field below, from the text and its sections
      contacts.py    emails, phones (E.164), links, person name, location
      experience.py  years of experience: stated claims and merged date ranges
      salary.py      salary amount or range, currency, period
      profile.py     education level, spoken languages
      job.py         seniority, required vs nice-to-have skills (jobs only)
    Skills, role titles and canonical locations come from the taxonomy (matchflow.taxonomy); work mode,
    currencies and the e-mail pattern are shared rules (matchflow.textrules).

Pure functions of the text: no I/O, deterministic except for "present" in date ranges
(``today`` can be passed for reproducible results).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Protocol

from matchflow.domain import DocumentKind, ExtractedFields, ParsedDocument, SkillHit
from matchflow.extract.contacts import find_emails, find_links, find_location, find_person_name, find_phones
from matchflow.extract.experience import MAX_REQUIRED_YEARS, stated_years, years_of_experience
from matchflow.extract.job import seniority, split_required
from matchflow.extract.profile import education_level, spoken_languages
from matchflow.extract.salary import find_salary
from matchflow.parsing.sections import section_spans, split_sections
from matchflow.textrules.work_mode import work_mode

__all__ = ["SkillFinder", "extract_fields", "job_title_line"]


class SkillFinder(Protocol):
    """What extraction needs from the taxonomy (matchflow.taxonomy.SkillMatcher provides it)."""

    def find(self, text: str) -> list[SkillHit]: ...


@lru_cache(maxsize=1)
def _default_matcher() -> SkillFinder:
    from matchflow.taxonomy import SkillMatcher  # imported late: the taxonomy loads its data once

    return SkillMatcher.default()


def extract_fields(
    parsed: ParsedDocument,
    kind: DocumentKind,
    *,
    matcher: SkillFinder | None = None,
    today: date | None = None,
) -> ExtractedFields:
    """Read contacts, skills (with span evidence into ``parsed.text``), titles, experience,
    education, location, salary and languages; for jobs also required / nice-to-have skills,
    seniority and work mode. ``matcher`` defaults to ``SkillMatcher.default()``.
    """
    matcher = matcher or _default_matcher()
    text = parsed.text
    spans = section_spans(text, kind)
    sections = parsed.sections if _matches_kind(parsed.sections, kind) else split_sections(text, kind)
    skills = _unique_skills(matcher.find(text))
    fields = ExtractedFields(
        emails=find_emails(text),
        phones=find_phones(text, parsed.language),
        links=find_links(text),
        skills=skills,
        titles=_titles(text, sections, kind),
        education_level=education_level(sections.get("education") or text),
        location=_location(text, sections, kind),
        salary=find_salary(text),
        languages=spoken_languages(text, sections.get("languages")),
    )
    if kind == DocumentKind.RESUME:
        fields.person_name = find_person_name(text)
        experience_text = _without(text, spans, {"education", "certifications"})
        fields.years_experience = years_of_experience(experience_text, text, today=today)
    else:
        fields.years_experience = stated_years(text, limit=MAX_REQUIRED_YEARS)
        fields.required_skills, fields.nice_to_have_skills = split_required(text, skills, spans, matcher)
        title = job_title_line(text) or _first_line(text)
        fields.seniority = seniority(title, text)
        fields.remote = work_mode(text)
    return fields


def job_title_line(text: str, *, within: int = 5) -> str | None:
    """A posting's own title: the first of its opening lines that names a role ("Senior Python Backend
    Engineer"), which is often not the first line (a company name or a banner comes first)."""
    from matchflow.taxonomy import RoleMatcher

    lines = [line.strip() for line in text.splitlines() if line.strip()][:within]
    return next((line for line in lines if len(line) <= 120 and RoleMatcher.default().find(line)), None)


def _matches_kind(sections: dict[str, str], kind: DocumentKind) -> bool:
    job_names = {"responsibilities", "requirements", "nice_to_have", "benefits", "about"}
    has_job = bool(job_names & sections.keys())
    return bool(sections) and has_job == (kind == DocumentKind.JOB)


def _without(text: str, spans: list, names: set[str]) -> str:  # type: ignore[type-arg]
    """The text with the named sections blanked out (education dates are not work experience)."""
    chars = list(text)
    for section in spans:
        if section.name in names:
            chars[section.start : section.end] = " " * (section.end - section.start)
    return "".join(chars)


def _unique_skills(hits: list[SkillHit]) -> list[SkillHit]:
    """One hit per canonical skill (its first occurrence), in text order."""
    seen: dict[str, SkillHit] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        seen.setdefault(hit.skill, hit)
    return list(seen.values())


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _titles(text: str, sections: dict[str, str], kind: DocumentKind) -> list[str]:
    """Canonical role names (taxonomy) from the title area: the document's top lines, plus the
    experience section for a resume; the role the whole text is mostly about comes first.
    Falls back to the raw title line when the taxonomy knows none of them.
    """
    from matchflow.taxonomy import RoleMatcher

    roles = RoleMatcher.default()
    top = "\n".join([ln for ln in text.splitlines() if ln.strip()][:3])
    area = top + "\n" + sections.get("experience", "") if kind == DocumentKind.RESUME else top
    found = roles.find(area)
    best = roles.best(top) or roles.best(text)
    titles = list(dict.fromkeys(([best] if best else []) + found))
    if titles:
        return titles
    name = find_person_name(text) if kind == DocumentKind.RESUME else None
    for line in [ln.strip() for ln in text.splitlines() if ln.strip()][:5]:
        if name and line.casefold() == name.casefold():
            continue
        if len(line) <= 80 and not re.search(r"@|\d{3}|https?://|www\.", line) and len(line.split()) <= 8:
            return [line]
    return []


def _location(text: str, sections: dict[str, str], kind: DocumentKind) -> str | None:
    """A labelled location, else a known place named in the document's preamble; canonical when known."""
    from matchflow.taxonomy import canonical_location

    labelled = find_location(text)
    if labelled:
        return canonical_location(labelled) or labelled
    preamble = sections.get("contacts" if kind == DocumentKind.RESUME else "about", "")
    return canonical_location(preamble[:500]) if preamble else None
