"""The SQL of the quality evaluation (`matchflow eval`), kept here so `matchflow.evaluation` holds none.

What its corpora hold (searchable documents, texts, status counts) and how a search is restricted to
part of a corpus: `scope_search` flips candidate and job statuses, which the searches' own filters
(storage.search) read, inside a `read_only_session` whose transaction is always rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from matchflow.domain import SEARCHABLE_STATUSES, DocumentKind
from storage.models import Document, Embedding


@contextmanager
def read_only_session(engine: Engine) -> Iterator[Session]:
    """A session whose changes (the scoping below) are always rolled back."""
    with Session(engine, expire_on_commit=False) as session:
        session.begin()
        try:
            yield session
        finally:
            session.rollback()


def searchable_documents(*, session: Session, kind: DocumentKind, model_id: int) -> list[Document]:
    """Current documents of `kind` with a whole-document vector of the model, by id: what a search can return."""
    has_vector = sa.exists().where(Embedding.document_id == Document.id, Embedding.model_id == model_id,
                                   Embedding.section == "document")
    return list(session.scalars(sa.select(Document).where(
        Document.kind == kind.value, Document.is_current, Document.status.in_(SEARCHABLE_STATUSES), has_vector)
        .order_by(Document.id)))


def resume_texts(*, session: Session, source_paths: list[str]) -> list[tuple[str, str]]:
    """(source path, parsed text) of the resume documents read from these files; unparsed ones are left out."""
    return [(path, text) for path, text in session.execute(
        sa.select(Document.source_path, Document.text).where(
            Document.kind == DocumentKind.RESUME.value, Document.source_path.in_(source_paths),
            Document.text.is_not(None)))]


def document_texts(*, session: Session, document_ids: Iterable[int]) -> dict[int, tuple[str | None, str | None]]:
    """Document id -> (text, language) of these documents."""
    return {doc_id: (text, language) for doc_id, text, language in session.execute(
        sa.select(Document.id, Document.text, Document.language).where(Document.id.in_(set(document_ids))))}


def status_counts(*, session: Session) -> list[tuple[str, str, int]]:
    """(kind, status, documents) for every kind and status present: why some inputs are not searchable."""
    return [(kind, status, count) for kind, status, count in session.execute(
        sa.select(Document.kind, Document.status, sa.func.count()).group_by(Document.kind, Document.status))]


def scope_search(*, session: Session, resume_ids: list[int], job_ids: list[int]) -> None:
    """Make only these resume documents' candidates active and these job documents' jobs open.

    The searches' own filters (storage.search) then return nothing else; call inside `read_only_session`.
    """
    session.execute(sa.text("""
        UPDATE candidates SET status = CASE WHEN id IN (
            SELECT candidate_id FROM documents WHERE id = ANY(:ids) AND candidate_id IS NOT NULL)
            THEN 'active' ELSE 'inactive' END
    """), {"ids": resume_ids})
    session.execute(sa.text("""
        UPDATE jobs SET status = CASE WHEN id IN (
            SELECT job_id FROM documents WHERE id = ANY(:ids) AND job_id IS NOT NULL)
            THEN 'open' ELSE 'closed' END
    """), {"ids": job_ids})
