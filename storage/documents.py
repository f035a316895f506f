"""Documents between stages: claiming the next batch of a stage, finding originals, reading and moving statuses.

Every claim locks its rows (`FOR UPDATE SKIP LOCKED`) so two runs never take the same document, and picks
only what the previous stage committed (see `matchflow.domain.DocumentStatus`).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchflow.domain import DocumentKind, DocumentStatus
from storage.models import CandidateSubmission, Document, Embedding, Job, SourceRecord


def has_document_vector(model_id: int) -> sa.Exists:
    """The one definition of "this document has a whole-document vector of this model"."""
    return sa.exists().where(Embedding.document_id == Document.id, Embedding.model_id == model_id,
                             Embedding.section == "document")


def latest_source_record(*, session: Session, source: str, form_id: str | None,
                         record_key: str) -> SourceRecord | None:
    """The latest stored version of a record as received (receive stage)."""
    return session.scalars(
        sa.select(SourceRecord)
        .where(SourceRecord.source == source, SourceRecord.form_id == form_id,
               SourceRecord.external_id == record_key, SourceRecord.is_latest)
        .order_by(SourceRecord.version.desc())
        .limit(1)
    ).first()


def original_with_file(*, session: Session, kind: DocumentKind, file_hash: str, record_key: str) -> int | None:
    """The first document with these bytes from another record (receive stage).

    An earlier version of the same record is not a duplicate: an edited submission with the same file is an
    update.
    """
    return session.scalar(
        sa.select(Document.id)
        .where(Document.kind == kind.value, Document.file_hash == file_hash, Document.duplicate_of_id.is_(None),
               Document.status != DocumentStatus.FAILED,
               sa.func.coalesce(Document.source_path, Document.source_id) != record_key)
        .order_by(Document.id)
        .limit(1)
    )


def claim_documents_to_parse(*, session: Session, kind: DocumentKind, limit: int) -> list[Document]:
    """The oldest received documents, locked so a concurrent run skips them (parse stage)."""
    return list(session.scalars(
        sa.select(Document).where(Document.kind == kind.value, Document.status == DocumentStatus.RECEIVED)
        .order_by(Document.id).limit(limit).with_for_update(skip_locked=True)
    ))


def original_with_text(*, session: Session, document: Document, content_hash: str) -> int | None:
    """The first other document with this text; earlier versions of the same record do not count (parse stage)."""
    lineage = document.source_path or document.source_id or ""
    return session.scalar(
        sa.select(Document.id).where(
            Document.kind == document.kind, Document.content_hash == content_hash, Document.id != document.id,
            Document.duplicate_of_id.is_(None),
            Document.status.notin_([DocumentStatus.FAILED, DocumentStatus.RECEIVED]),
            sa.func.coalesce(Document.source_path, Document.source_id, "") != lineage)
        .order_by(Document.id).limit(1)
    )


def redirect_duplicates(*, session: Session, from_id: int, to_id: int) -> None:
    """Copies that pointed at `from_id` (received earlier with the same bytes) now point at its original."""
    session.execute(sa.update(Document).where(Document.duplicate_of_id == from_id).values(duplicate_of_id=to_id))


def claim_queries(*, session: Session, kind: DocumentKind, model_id: int, limit: int,
                  document_ids: list[int] | None = None) -> list[Document]:
    """Embedded, not yet matched documents a chain starts from (or the given ones), locked against a
    concurrent run (search stage)."""
    statement = sa.select(Document).where(Document.kind == kind.value, Document.is_current,
                                          has_document_vector(model_id))
    if document_ids is not None:
        statement = statement.where(Document.id.in_(document_ids))
    else:
        statement = statement.where(Document.status == DocumentStatus.EMBEDDED)
    return list(session.scalars(statement.order_by(Document.id).limit(limit)
                                .with_for_update(skip_locked=True, of=Document)))


def documents_with_owners(*, session: Session, document_ids: Iterable[int]) -> tuple[
        list[Document], dict[int, Job], dict[int, CandidateSubmission]]:
    """The documents, with the jobs and candidate submissions behind them, in three statements (search stage)."""
    documents = list(session.scalars(sa.select(Document).where(Document.id.in_(set(document_ids)))))
    job_ids = {doc.job_id for doc in documents if doc.job_id}
    submission_ids = {doc.submission_id for doc in documents if doc.submission_id}
    jobs = {job.id: job for job in session.scalars(sa.select(Job).where(Job.id.in_(job_ids)))}
    submissions = {s.id: s for s in session.scalars(
        sa.select(CandidateSubmission).where(CandidateSubmission.id.in_(submission_ids)))}
    return documents, jobs, submissions


def mark_matched(*, session: Session, document_ids: list[int]) -> None:
    """Embedded queries whose match session was saved are matched (save stage)."""
    session.execute(sa.update(Document).where(Document.id.in_(document_ids),
                                              Document.status == DocumentStatus.EMBEDDED)
                    .values(status=DocumentStatus.MATCHED))


def count_pending_gpu_work(*, session: Session, query_kind: DocumentKind) -> int:
    """Documents the GPU host would work on now: parsed ones without vectors, embedded queries not matched."""
    return session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.is_current,
        sa.or_(Document.status == DocumentStatus.PARSED,
               sa.and_(Document.status == DocumentStatus.EMBEDDED, Document.kind == query_kind.value)))) or 0


def count_documents_by_status(*, session: Session, kind: DocumentKind) -> dict[str, int]:
    """How many documents of `kind` stand at each status (a dry run's report)."""
    rows = session.execute(sa.select(Document.status, sa.func.count()).where(Document.kind == kind.value)
                           .group_by(Document.status)).all()
    return {status: count for status, count in rows}


def get_document(*, session: Session, document_id: int, kind: DocumentKind | None = None) -> Document | None:
    """A document by id (of `kind` when given), else None."""
    document = session.get(Document, document_id)
    if document is None or (kind is not None and document.kind != kind.value):
        return None
    return document


def original_document_for_path(*, session: Session, path: str, kind: DocumentKind) -> Document | None:
    """The latest document received from this file path, or the original it duplicates."""
    document_id = session.scalar(sa.select(Document.id).where(Document.source_path == path,
                                                              Document.kind == kind.value)
                                 .order_by(Document.id.desc()).limit(1))
    document = session.get(Document, document_id) if document_id else None
    while document is not None and document.duplicate_of_id:
        document = session.get(Document, document.duplicate_of_id)
    return document
