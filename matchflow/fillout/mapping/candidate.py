"""The candidate form: one submission read into a CandidateSubmission and its problems.

Besides the mapped fields it keeps every free-text answer (motivation, cover letter, other long answers)
by question name, because those answers feed the match explanation even when no field names them.
"""

from __future__ import annotations

from matchflow.fillout.mapping.config import FilloutMapping
from matchflow.fillout.mapping.money import read_salary_fields
from matchflow.fillout.mapping.questions import Reader
from matchflow.fillout.mapping.readers import (
    address_part,
    address_text,
    read_date,
    read_email,
    read_files,
    read_list,
    read_phone,
    read_text,
    safe,
)
from matchflow.fillout.mapping.records import CandidateSubmission
from matchflow.fillout.models import FilloutSubmission

__all__ = ["map_candidate"]


def map_candidate(sub: FilloutSubmission, mapping: FilloutMapping) -> tuple[CandidateSubmission, list[str]]:
    """Read a candidate form submission; returns the record and every problem met."""
    problems = [f"payload: {p}" for p in sub.problems]
    reader = Reader(list(sub.questions), problems)
    m = mapping.candidate
    full_name = reader.read("full_name", m.get("full_name"), read_text)
    if full_name is None:
        first = reader.read("first_name", m.get("first_name"), read_text)
        last = reader.read("last_name", m.get("last_name"), read_text)
        full_name = " ".join(p for p in (first, last) if p) or None
    location_q = reader.find("location", m.get("location", []))
    location_value = location_q.value if location_q else None
    city = reader.read("city", m.get("city"), lambda v: read_text(address_part(v, "city")))
    country = reader.read("country", m.get("country"), lambda v: read_text(address_part(v, "country")))
    if isinstance(location_value, dict):  # an Address answer fills what is missing
        city = city or safe(read_text, address_part(location_value, "city"))
        country = country or safe(read_text, address_part(location_value, "country"))
    location = safe(address_text, location_value, reader.problems, "location") if location_q else None
    location = location or (", ".join(p for p in (city, country) if p) or None)

    answers: dict[str, str] = {}
    motivation = _free_text(reader, "motivation", m.get("motivation"), answers)
    cover_letter = _free_text(reader, "cover_letter", m.get("cover_letter"), answers)
    for alias in m.get("answers", []):
        _free_text(reader, "answers", [alias], answers)

    candidate = CandidateSubmission(
        submission_id=sub.submission_id,
        submitted_at=sub.submission_time,
        full_name=full_name,
        email=reader.read("email", m.get("email"), read_email),
        phone=reader.read("phone", m.get("phone"), read_phone),
        city=city,
        country=country,
        location=location,
        salary=read_salary_fields(reader, m, ""),
        desired_roles=reader.read("desired_roles", m.get("desired_roles"), read_list) or [],
        industries=reader.read("industries", m.get("industries"), read_list) or [],
        skills=reader.read("skills", m.get("skills"), read_list) or [],
        motivation=motivation,
        cover_letter=cover_letter,
        resume_files=reader.read("resume", m.get("resume"), read_files) or [],
        birth_date=reader.read("birth_date", m.get("birth_date"), read_date),
        education=reader.read("education", m.get("education"), read_text),
        links=reader.read("links", m.get("links"), read_list) or [],
    )
    for pos, question in enumerate(sub.questions):  # other long answers are kept too
        value = question.value
        long_text = question.type == "LongAnswer" and isinstance(value, str) and value.strip()
        if pos not in reader.used and long_text and question.name:
            answers.setdefault(question.name, value.strip())
    candidate.answers = answers
    if not candidate.submission_id:
        problems.append("submission_id: missing")
    if not candidate.email and not candidate.phone:
        problems.append("email: missing (no e-mail and no phone to reach the candidate)")
    if not candidate.full_name:
        problems.append("full_name: missing")
    if not candidate.resume_files:
        problems.append("resume: no file attached")
    return candidate, problems


def _free_text(
    reader: Reader, field_name: str, aliases: list[str] | None, answers: dict[str, str]
) -> str | None:
    question = reader.find(field_name, aliases or [])
    if question is None:
        return None
    text = safe(read_text, question.value, reader.problems, field_name)
    if text:
        answers[question.name or question.id or field_name] = text
    return text
