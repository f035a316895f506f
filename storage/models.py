"""SQLAlchemy models: every concept of the seed system plus what the pipeline needs.

Map of the schema (by the data each part holds):

    raw, as received      source_records (Fillout JSON, folder/CSV rows, versioned), stored_files (bytes by sha256)
    people and companies  candidates, candidate_submissions, addresses, education, salary_expectations,
                          companies, contacts, jobs, custom_values
    dictionaries          industries, skills, roles, locations (+ link tables to submissions and jobs)
    documents             documents (text, sections, fields, the four hashes, status + failure reason)
    vectors               embedding_models (name, revision, dimension), embeddings (pgvector, HNSW per model)
    matching              match_sessions, match_results, analysis_results (the seed's reranker sessions/results)
    recruiting            hiring_stages, job_candidates, candidate_actions
    operations            pipeline_runs (per-stage statistics), source_sync_state (watermarks), gpu_checks
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pgvector.sqlalchemy import SPARSEVEC, Vector
from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, REGCONFIG, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from matchflow.domain import DocumentStatus

# Hashed term ids of the BM25 sparse vectors lie in [0, BM25_DIMENSION): 2^29 buckets keep collisions rare for
# any realistic vocabulary (pgvector allows up to 1e9 dimensions; only non-zero entries are stored).
BM25_DIMENSION = 2**29


def utcnow_default() -> sa.sql.elements.TextClause:
    return sa.text("now()")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONB, list[Any]: JSONB}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=utcnow_default())


# --- raw input -----------------------------------------------------------------------------------


class SourceRecord(TimestampMixin, Base):
    """A record exactly as received: a Fillout submission's JSON or a folder file's/CSV row's metadata.

    A changed Fillout submission (new `lastUpdatedAt`) becomes a new version; old versions stay as history.
    """

    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("source", "form_id", "external_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20))  # fillout | folder | csv
    form_id: Mapped[str] = mapped_column(sa.String(200), default="")  # Fillout form id, or folder/CSV path
    external_id: Mapped[str] = mapped_column(sa.String(500))  # submissionId, file path or row id
    version: Mapped[int] = mapped_column(default=1)
    is_latest: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # resume | job
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    source_updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    problems: Mapped[list[Any]] = mapped_column(default=list)  # what could not be read


class StoredFile(TimestampMixin, Base):
    """A file's bytes, stored once under their sha256 in the file store."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    mime_type: Mapped[str] = mapped_column(sa.String(100), default="application/octet-stream")
    original_name: Mapped[str | None] = mapped_column(sa.String(500))
    storage_path: Mapped[str] = mapped_column(sa.String(1000))


# --- dictionaries --------------------------------------------------------------------------------


class DictionaryMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    aliases: Mapped[list[Any]] = mapped_column(default=list)


class Industry(DictionaryMixin, Base):
    __tablename__ = "industries"


class Skill(DictionaryMixin, Base):
    """A canonical competency/skill; `aliases` hold English and Russian spellings."""

    __tablename__ = "skills"
    category: Mapped[str] = mapped_column(sa.String(100), default="")


class Role(DictionaryMixin, Base):
    __tablename__ = "roles"
    category: Mapped[str] = mapped_column(sa.String(100), default="")


class Location(DictionaryMixin, Base):
    __tablename__ = "locations"
    country_code: Mapped[str | None] = mapped_column(sa.String(2))


class HiringStage(Base):
    __tablename__ = "hiring_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)


# --- people and companies ------------------------------------------------------------------------


class Candidate(TimestampMixin, Base):
    """A person; identified across submissions by the metadata hash (email, phone, name)."""

    __tablename__ = "candidates"
    __table_args__ = (sa.Index("ix_candidates_email_lower", sa.text("lower(email)")),)  # storage/entities.py

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str | None] = mapped_column(sa.String(300))
    email: Mapped[str | None] = mapped_column(sa.String(320), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    identity_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")  # active | inactive | hired
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=utcnow_default(), onupdate=sa.func.now()
    )

    submissions: Mapped[list[CandidateSubmission]] = relationship(back_populates="candidate")


class CandidateSubmission(TimestampMixin, Base):
    """One application by a candidate (a Fillout submission or a resume file)."""

    __tablename__ = "candidate_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_records.id", ondelete="SET NULL"),
                                                         index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    remote_preference: Mapped[str | None] = mapped_column(sa.String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # free-text answers: motivation, cover letter

    candidate: Mapped[Candidate] = relationship(back_populates="submissions")


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    city: Mapped[str | None] = mapped_column(sa.String(200))
    region: Mapped[str | None] = mapped_column(sa.String(200))
    country: Mapped[str | None] = mapped_column(sa.String(100))
    raw: Mapped[str | None] = mapped_column(sa.Text)


class Education(Base):
    __tablename__ = "education"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    institution: Mapped[str | None] = mapped_column(sa.String(300))
    degree: Mapped[str | None] = mapped_column(sa.String(200))
    field_of_study: Mapped[str | None] = mapped_column(sa.String(200))
    level: Mapped[str | None] = mapped_column(sa.String(30))
    year_from: Mapped[int | None]
    year_to: Mapped[int | None]


class SalaryExpectation(Base):
    __tablename__ = "salary_expectations"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_submissions.id", ondelete="CASCADE"))
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    period: Mapped[str] = mapped_column(sa.String(10), default="year")


class Company(TimestampMixin, Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    name_key: Mapped[str] = mapped_column(sa.String(300), unique=True)  # casefolded name, for dedup
    website: Mapped[str | None] = mapped_column(sa.String(500))
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("industries.id"))


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(300))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    position: Mapped[str | None] = mapped_column(sa.String(200))


class Job(TimestampMixin, Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_records.id", ondelete="SET NULL"))
    external_key: Mapped[str] = mapped_column(sa.String(500), unique=True)  # stable identity from the source
    title: Mapped[str] = mapped_column(sa.String(300))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    location_text: Mapped[str | None] = mapped_column(sa.String(300))
    remote: Mapped[str | None] = mapped_column(sa.String(10))  # remote | hybrid | onsite
    salary_min: Mapped[float | None]
    salary_max: Mapped[float | None]
    salary_currency: Mapped[str | None] = mapped_column(sa.String(3))
    seniority: Mapped[str | None] = mapped_column(sa.String(20))
    employment_type: Mapped[str | None] = mapped_column(sa.String(50))
    status: Mapped[str] = mapped_column(sa.String(20), default="open")  # open | closed


class CustomValue(Base):
    """A form answer with no dedicated column, kept for any entity."""

    __tablename__ = "custom_values"
    __table_args__ = (UniqueConstraint("entity_type", "entity_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(sa.String(30))  # candidate | submission | company | job
    entity_id: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- links between dictionaries and submissions/jobs ---------------------------------------------

submission_skills = sa.Table(
    "submission_skills",
    Base.metadata,
    sa.Column("submission_id", ForeignKey("candidate_submissions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)
submission_roles = sa.Table(
    "submission_roles",
    Base.metadata,
    sa.Column("submission_id", ForeignKey("candidate_submissions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)
submission_industries = sa.Table(
    "submission_industries",
    Base.metadata,
    sa.Column("submission_id", ForeignKey("candidate_submissions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("industry_id", ForeignKey("industries.id", ondelete="CASCADE"), primary_key=True),
)
submission_locations = sa.Table(
    "submission_locations",
    Base.metadata,
    sa.Column("submission_id", ForeignKey("candidate_submissions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("location_id", ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True),
)
job_roles = sa.Table(
    "job_roles",
    Base.metadata,
    sa.Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)
job_industries = sa.Table(
    "job_industries",
    Base.metadata,
    sa.Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("industry_id", ForeignKey("industries.id", ondelete="CASCADE"), primary_key=True),
)


class JobSkill(Base):
    """A skill a job asks for, required or nice-to-have."""

    __tablename__ = "job_skills"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    requirement: Mapped[str] = mapped_column(sa.String(10), default="required")  # required | nice


# --- documents and vectors -----------------------------------------------------------------------


class Document(TimestampMixin, Base):
    """One resume or job description: its text, fields, hashes and processing status.

    Duplicates (same file or same normalised text) are stored as a row that points at the original
    (`duplicate_of_id`) with status `duplicate`; they are never parsed, embedded or matched again.
    """

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_kind_status", "kind", "status"),
        Index("ix_documents_search_tsv", "search_tsv", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # resume | job
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_submissions.id", ondelete="SET NULL"))
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_records.id", ondelete="SET NULL"))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    source_path: Mapped[str | None] = mapped_column(sa.String(1000))  # where a folder file came from
    source_id: Mapped[str | None] = mapped_column(sa.String(500))  # the id in the source system
    filename: Mapped[str | None] = mapped_column(sa.String(500))
    doc_type: Mapped[str | None] = mapped_column(sa.String(20))

    file_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    content_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    metadata_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    composite_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)

    status: Mapped[str] = mapped_column(sa.String(20), default=DocumentStatus.RECEIVED.value)  # DocumentStatus
    failure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    failure_message: Mapped[str | None] = mapped_column(sa.Text)

    text: Mapped[str | None] = mapped_column(sa.Text)
    scoring_text: Mapped[str | None] = mapped_column(sa.Text)  # personal data redacted; set when redaction is on
    language: Mapped[str | None] = mapped_column(sa.String(8))
    text_search_config: Mapped[str] = mapped_column(REGCONFIG, server_default=sa.text("'simple'::regconfig"))
    search_tsv: Mapped[str | None] = mapped_column(
        TSVECTOR,
        sa.Computed("to_tsvector(text_search_config, coalesce(scoring_text, text, ''))", persisted=True),
    )
    sections: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # ExtractedFields as JSON
    # BM25 (storage/lexical.py): each search_tsv lexeme's saturated tf under its hashed term id, the length
    # (tokens) and the average length the weights were computed with (reweighted when it drifts)
    bm25: Mapped[Any | None] = mapped_column(SPARSEVEC(BM25_DIMENSION))
    bm25_length: Mapped[int | None] = mapped_column(sa.Integer)
    bm25_avgdl: Mapped[float | None] = mapped_column(sa.Float)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=utcnow_default(), onupdate=sa.func.now()
    )


class Bm25Term(Base):
    """Document frequency of one hashed lexeme among the BM25-indexed documents of one kind (the IDF's df)."""

    __tablename__ = "bm25_terms"

    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # resume | job
    term_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)  # matchflow.pipeline.bm25.term_id
    df: Mapped[int] = mapped_column(sa.Integer)


class DocumentSkill(Base):
    """A canonical skill found in a document, with the text span as evidence."""

    __tablename__ = "document_skills"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True)
    requirement: Mapped[str | None] = mapped_column(sa.String(10))  # jobs: required | nice
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]


class EmbeddingModel(TimestampMixin, Base):
    """Embedding metadata: which model (name + revision) made a vector, and its dimension."""

    __tablename__ = "embedding_models"
    __table_args__ = (UniqueConstraint("name", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    revision: Mapped[str] = mapped_column(sa.String(100))
    dimension: Mapped[int]
    max_seq_length: Mapped[int | None]


class Embedding(TimestampMixin, Base):
    """A document's vector under one model; `section` is always `document` (section vectors went in migration 0006).

    The column has no fixed dimension so several models can coexist; each model gets its own partial
    HNSW cosine index over `embedding::vector(dim)` (see storage/vectors.py).
    """

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("document_id", "model_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("embedding_models.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # resume | job (copied for filtered index scans)
    section: Mapped[str] = mapped_column(sa.String(30), default="document")
    chunks: Mapped[int] = mapped_column(default=1)
    device: Mapped[str | None] = mapped_column(sa.String(20))
    embedding: Mapped[Any] = mapped_column(Vector())


# --- matching ------------------------------------------------------------------------------------


class MatchSession(TimestampMixin, Base):
    """One chain run for one source document (the seed's reranker analysis session)."""

    __tablename__ = "match_sessions"
    __table_args__ = (Index("ix_match_sessions_source_current", "source_document_id", "is_current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_run_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="SET NULL"))
    chain: Mapped[str] = mapped_column(sa.String(20))  # ChainSpec.slug: chain-a (jobs for a resume) | chain-b
    source_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(20), default="completed")  # completed | failed
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    is_current: Mapped[bool] = mapped_column(default=True)
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)  # top_k, weights, filters
    embed_model: Mapped[str | None] = mapped_column(sa.String(400))  # name@revision
    rerank_model: Mapped[str | None] = mapped_column(sa.String(400))
    scoring_version: Mapped[str | None] = mapped_column(sa.String(40))
    device: Mapped[str | None] = mapped_column(sa.String(20))
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MatchResult(TimestampMixin, Base):
    """One ranked, scored and explained match inside a session."""

    __tablename__ = "match_results"
    __table_args__ = (UniqueConstraint("session_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("match_sessions.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    resume_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    job_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    score: Mapped[float]  # 0-100
    reverse_score: Mapped[float | None]
    retrieval_score: Mapped[float | None]
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)  # reasons, matched/missing skills


class AnalysisResult(TimestampMixin, Base):
    """An analysis of a match or a document: match_scoring, skills_extraction, sentiment_analysis."""

    __tablename__ = "analysis_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("match_sessions.id", ondelete="CASCADE"), index=True)
    match_result_id: Mapped[int | None] = mapped_column(ForeignKey("match_results.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    analysis_type: Mapped[str] = mapped_column(sa.String(40))
    implementation: Mapped[str] = mapped_column(sa.String(100), default="")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- recruiting workflow -------------------------------------------------------------------------


class JobCandidate(TimestampMixin, Base):
    """A candidate considered for a job, at a hiring stage."""

    __tablename__ = "job_candidates"
    __table_args__ = (UniqueConstraint("job_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("hiring_stages.id"))
    match_result_id: Mapped[int | None] = mapped_column(ForeignKey("match_results.id", ondelete="SET NULL"))


class CandidateAction(TimestampMixin, Base):
    """Something a recruiter did: moved a stage, left a note, contacted the candidate."""

    __tablename__ = "candidate_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_candidate_id: Mapped[int] = mapped_column(ForeignKey("job_candidates.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(50))
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("hiring_stages.id"))
    actor: Mapped[str | None] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)


# --- operations ----------------------------------------------------------------------------------


class PipelineRun(Base):
    """A chain run with its per-stage statistics (documents, duplicates, failures, time, device)."""

    __tablename__ = "pipeline_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(sa.String(20))  # ChainSpec.slug
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20), default="running")
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=utcnow_default())
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SourceSyncState(Base):
    """Watermark per source and form; advanced only after the data behind it is committed."""

    __tablename__ = "source_sync_state"

    source: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    form_id: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=utcnow_default(), onupdate=sa.func.now()
    )


class GpuCheck(TimestampMixin, Base):
    """One GPU health check: pool status, online workers, and what was done about it."""

    __tablename__ = "gpu_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(30))  # ready | unavailable | started | start-failed
    pool: Mapped[str] = mapped_column(sa.String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
