"""Embed stage: parsed documents -> a whole-document vector plus section vectors, with the model recorded.

Documents are claimed by "no vector from the current model", so switching `MATCHFLOW_EMBED_MODEL`
re-embeds everything in the background while searches only ever compare vectors of one model.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from matchflow.domain import DocumentKind
from matchflow.embedding import Embedder
from matchflow.pipeline.summary import StageSummary
from storage.embeddings import claim_unembedded, write_embeddings
from storage.models import EmbeddingModel
from storage.vectors import get_or_create_model


@dataclass(frozen=True)
class EmbedConfig:
    model_name: str
    device: str = "auto"
    batch_size: int = 32


def load_embedder(config: EmbedConfig) -> Embedder:
    """The process-wide cached model for this configuration."""
    return Embedder.load(config.model_name, device=config.device, batch_size=config.batch_size)


def register_model(*, session: Session, embedder: Embedder) -> EmbeddingModel:
    return get_or_create_model(session=session, name=embedder.model_name, revision=embedder.model_revision,
                               dimension=embedder.dimension, max_seq_length=embedder.max_seq_length)


def embed_batch(*, session: Session, embedder: Embedder, kind: DocumentKind, limit: int) -> StageSummary:
    """Embed up to `limit` documents of `kind` lacking this model's vectors; one encode call, one INSERT."""
    summary = StageSummary()
    model = register_model(session=session, embedder=embedder)
    documents = claim_unembedded(session=session, kind=kind.value, model_id=model.id, limit=limit)
    if not documents:
        return summary
    vectors = embedder.embed_documents([doc.scoring_text or doc.text or "" for doc in documents],
                                       sections=[doc.sections or {} for doc in documents])
    rows = []
    for document, result in zip(documents, vectors, strict=True):
        base = {"document_id": document.id, "model_id": model.id, "kind": document.kind, "device": embedder.device}
        rows.append({**base, "section": "document", "chunks": result.chunks, "embedding": result.document})
        rows += [{**base, "section": name, "chunks": 1, "embedding": vector}
                 for name, vector in result.sections.items()]
        if document.status == "parsed":
            document.status = "embedded"
    write_embeddings(session=session, rows=rows)
    summary.processed = len(documents)
    return summary
