"""Reading documents that need vectors and writing vectors in bulk."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import Document, Embedding

SEARCHABLE_STATUSES = ("parsed", "embedded", "matched")


def claim_unembedded(*, session: Session, kind: str, model_id: int, limit: int) -> list[Document]:
    """Current documents with no whole-document vector from this model (new, or embedded by another model)."""
    has_vector = sa.exists().where(Embedding.document_id == Document.id, Embedding.model_id == model_id,
                                   Embedding.section == "document")
    return list(session.scalars(
        sa.select(Document).where(Document.kind == kind, Document.is_current,
                                  Document.status.in_(SEARCHABLE_STATUSES), ~has_vector)
        .order_by(Document.id).limit(limit).with_for_update(skip_locked=True, of=Document)
    ))


def write_embeddings(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """One multi-row INSERT per batch (psycopg's insertmanyvalues), replacing vectors of a re-embed."""
    if not rows:
        return
    statement = insert(Embedding).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=["document_id", "model_id", "section"],
        set_={"embedding": statement.excluded.embedding, "chunks": statement.excluded.chunks,
              "device": statement.excluded.device},
    ))
