"""Embed stage storage: documents that need a model's vectors, and writing vectors in bulk."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matchflow.domain import DocumentKind, DocumentStatus
from storage.documents import has_document_vector
from storage.models import Document, Embedding

# A parsed document needs vectors; an embedded or matched one needs new ones when the model changes.
EMBEDDABLE_STATUSES = (DocumentStatus.PARSED, DocumentStatus.EMBEDDED, DocumentStatus.MATCHED)


def claim_documents_to_embed(*, session: Session, kind: DocumentKind, model_id: int,
                             limit: int) -> list[Document]:
    """Current documents with no whole-document vector from this model (new, or embedded by another model)."""
    return list(session.scalars(
        sa.select(Document).where(Document.kind == kind.value, Document.is_current,
                                  Document.status.in_(EMBEDDABLE_STATUSES), ~has_document_vector(model_id))
        .order_by(Document.id).limit(limit).with_for_update(skip_locked=True, of=Document)
    ))


def save_embeddings(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """One multi-row INSERT per batch (psycopg's insertmanyvalues), replacing vectors of a re-embed."""
    if not rows:
        return
    statement = insert(Embedding).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=["document_id", "model_id", "section"],
        set_={"embedding": statement.excluded.embedding, "chunks": statement.excluded.chunks,
              "device": statement.excluded.device},
    ))


def mark_embedded(*, session: Session, documents: list[Document]) -> None:
    """Parsed documents that got their vectors move on to matching."""
    for document in documents:
        if document.status == DocumentStatus.PARSED:
            document.status = DocumentStatus.EMBEDDED
