"""Plain data shapes shared by every stage of the pipeline.

Map of the pipeline's data, named by what each stage produces:

    RawSubmission   a Fillout submission or a file from a folder, as received
    ParsedDocument  text + sections + language of one document (parse stage)
    ExtractedFields contacts, skills with evidence, titles, experience... (extract stage)
    DocumentHashes  the seed system's four duplicate-detection hashes (dedup stage)

These are pydantic models so they serialise to the JSON columns in storage
without hand-written converters.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class DocumentKind(StrEnum):
    RESUME = "resume"
    JOB = "job"


class FailureReason(StrEnum):
    """Why a document could not be processed; each has a recruiter-readable message."""

    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    NO_TEXT = "no_text"  # scanned / image-only: OCR is needed
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    ARCHIVE_BOMB = "archive_bomb"
    TIMEOUT = "timeout"
    DOWNLOAD_FAILED = "download_failed"
    INTERNAL = "internal"


class DocumentError(Exception):
    """A deterministic, per-document failure: recorded with its reason, never retried."""

    def __init__(self, reason: FailureReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.message}"

    def __reduce__(self):  # picklable across processes and Prefect result storage
        return (DocumentError, (self.reason, self.message))


class ParsedDocument(BaseModel):
    text: str
    doc_type: str  # pdf | docx | doc | txt | md | html | json-record
    language: str = "en"  # ISO 639-1: en, ru, ...
    sections: dict[str, str] = Field(default_factory=dict)  # summary, experience, education, skills...
    page_count: int | None = None
    warnings: list[str] = Field(default_factory=list)


class SkillHit(BaseModel):
    """A canonical skill found in a text, with the span that proves it."""

    skill: str  # canonical name from the taxonomy
    category: str = ""
    start: int = 0
    end: int = 0
    evidence: str = ""  # the matched text with a little context


class SalaryRange(BaseModel):
    minimum: float | None = None
    maximum: float | None = None
    currency: str | None = None  # ISO 4217: USD, EUR, RUB...
    period: str = "year"  # year | month | hour


class ExtractedFields(BaseModel):
    """Fields read from a document's text; job-only fields stay empty for resumes."""

    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    person_name: str | None = None
    skills: list[SkillHit] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)  # job titles / roles (canonical role names when known)
    years_experience: float | None = None
    education_level: str | None = None  # none | secondary | vocational | bachelor | master | phd
    location: str | None = None
    salary: SalaryRange | None = None
    languages: list[str] = Field(default_factory=list)  # spoken languages, ISO 639-1
    # jobs only
    required_skills: list[SkillHit] = Field(default_factory=list)
    nice_to_have_skills: list[SkillHit] = Field(default_factory=list)
    seniority: str | None = None  # intern | junior | middle | senior | lead | head
    remote: str | None = None  # remote | hybrid | onsite


class DocumentHashes(BaseModel):
    """The seed system's four hashes (hex sha256)."""

    file_hash: str  # the bytes as received
    content_hash: str  # the normalised text
    metadata_hash: str | None  # normalised identity: email, phone, name (None when nothing identifies)
    composite_hash: str  # all of the above together
