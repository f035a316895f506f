"""The words of matchflow, and the plain data shapes every stage shares.

Glossary (one word per idea, the same in tables, tasks, commands and docs):

    resume          a candidate's document; a `documents` row of kind "resume"
    job             a job description; a `documents` row of kind "job" (its posting is a `jobs` row)
    candidate       a person (`candidates` row); never a retrieved document or a pair
    chain           one direction of matching, a `ChainSpec`: chain A (slug "chain-a", flow
                    "resume-chain") finds jobs for new resumes, chain B ("chain-b", "job-chain") resumes
                    for new jobs; the slug is what tables store and what the CLI and work queues take
    query           the document a chain starts from (a new resume in A, a new job in B)
    target          a document a query is matched against (jobs in A, resumes in B)
    match           one scored (query, target) pair; stored as a `match_results` row
    match session   one chain run's matches for one query (`match_sessions`), superseding the last
    stage           fetch, parse, embed, search, rerank, analyze, save: each a plain function in
                    `matchflow.pipeline`, a task in `tasks/`, a step in the chains, by the same word
    document status where a document stands between stages (`DocumentStatus`)

Data, named by what each stage produces:

    RawSubmission   a Fillout submission or a file from a folder, as received
    ParsedDocument  text + sections + language of one document (parse stage)
    ExtractedFields contacts, skills with evidence, titles, experience... (extract stage)
    DocumentHashes  the seed system's four duplicate-detection hashes (dedup stage)

These are pydantic models so they serialise to the JSON columns in storage
without hand-written converters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field


class DocumentKind(StrEnum):
    RESUME = "resume"
    JOB = "job"


class DocumentStatus(StrEnum):
    """Where a document stands: received -> parsed -> embedded -> matched, or duplicate / failed (final)."""

    RECEIVED = "received"  # stored as received, not parsed yet
    PARSED = "parsed"  # text, sections and fields read; no vector of the current model yet
    EMBEDDED = "embedded"  # has vectors; waiting for its chain to match it
    MATCHED = "matched"  # its chain has saved a match session for it
    DUPLICATE = "duplicate"  # same bytes or text as an earlier document (duplicate_of_id)
    FAILED = "failed"  # could not be read or fetched (failure_reason, failure_message)


SEARCHABLE_STATUSES = (DocumentStatus.EMBEDDED, DocumentStatus.MATCHED)  # what a search may return


@dataclass(frozen=True)
class ChainSpec:
    """Everything that tells chain A from chain B; the flows, tasks, storage and CLI read it from here."""

    letter: str  # "A" / "B", as the design card and the docs say it
    slug: str  # stored in match_sessions.chain and pipeline_runs.chain; CLI argument; work queue; tag
    flow_name: str  # the Prefect flow
    deployment_name: str  # its deployment in prefect.yaml
    query_kind: DocumentKind  # what the chain starts from
    target_kind: DocumentKind  # what it searches
    lock_key: int  # Postgres advisory lock: one run of a chain at a time
    description: str

    @property
    def deployment(self) -> str:
        """`flow/deployment`, as `prefect deployment run` and `run_deployment` take it."""
        return f"{self.flow_name}/{self.deployment_name}"


CHAIN_A = ChainSpec(letter="A", slug="chain-a", flow_name="resume-chain", deployment_name="matchflow-resume-chain",
                    query_kind=DocumentKind.RESUME, target_kind=DocumentKind.JOB, lock_key=74_201,
                    description="Chain A: the best jobs for every new resume.")
CHAIN_B = ChainSpec(letter="B", slug="chain-b", flow_name="job-chain", deployment_name="matchflow-job-chain",
                    query_kind=DocumentKind.JOB, target_kind=DocumentKind.RESUME, lock_key=74_202,
                    description="Chain B: the best resumes for every new job.")
CHAINS: dict[str, ChainSpec] = {spec.slug: spec for spec in (CHAIN_A, CHAIN_B)}


@dataclass(frozen=True)
class SearchFilters:
    """What a recruiter restricts the matches to; applied inside both retrievers' statements."""

    location: str | None = None  # substring of the target's location (job location or candidate city)
    remote_only: bool = False  # only remote jobs


NO_FILTERS = SearchFilters()


def chain_spec(slug: str) -> ChainSpec:
    """The chain for a stored or typed slug; a clear error for anything else."""
    try:
        return CHAINS[slug]
    except KeyError:
        raise ValueError(f"unknown chain {slug!r}: use one of {sorted(CHAINS)}") from None


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
