"""The records mapping produces: a candidate, and a company with its jobs, as read from the forms.

Their reprs hide e-mails and phone numbers, because these records end up in logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from matchflow.domain import SalaryRange
from matchflow.fillout.files import FileRef
from matchflow.fillout.masking import mask_text

__all__ = ["CandidateSubmission", "CompanySubmission", "JobPosting"]


class _MaskedRepr(BaseModel):
    """Reprs of these records hide e-mails and phone numbers (they end up in logs)."""

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in ("email", "phone", "contact_email", "contact_phone") and value:
                yield name, mask_text(str(value)) if "@" in str(value) else "***"
            else:
                yield name, value


class CandidateSubmission(_MaskedRepr):
    """A candidate's answers, read from the candidate form."""

    submission_id: str
    submitted_at: datetime | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    country: str | None = None
    location: str | None = None  # as typed, or "city, country"
    salary: SalaryRange | None = None
    desired_roles: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    motivation: str | None = None
    cover_letter: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)  # free text by question name
    resume_files: list[FileRef] = Field(default_factory=list)
    birth_date: date | None = None
    education: str | None = None
    links: list[str] = Field(default_factory=list)


class JobPosting(BaseModel):
    """One job of a company submission; `index` is its number in the form (1-based)."""

    index: int
    title: str | None = None
    description: str | None = None
    description_files: list[FileRef] = Field(default_factory=list)
    location: str | None = None
    remote: str | None = None  # remote | hybrid | onsite
    salary: SalaryRange | None = None
    employment_type: str | None = None
    skills: list[str] = Field(default_factory=list)


class CompanySubmission(_MaskedRepr):
    """A company and its jobs, read from the company form."""

    submission_id: str
    submitted_at: datetime | None = None
    company_name: str | None = None
    website: str | None = None
    industry: str | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    jobs: list[JobPosting] = Field(default_factory=list)
