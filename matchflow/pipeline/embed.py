"""Embed stage: parsed documents -> one whole-document vector each, with the model recorded.

Documents are claimed by "no vector from the current model", so switching `MATCHFLOW_EMBED_MODEL`
re-embeds everything in the background while searches only ever compare vectors of one model. The
int8 and bf16 backends record their own revisions (`<rev>+onnx-int8`, `<rev>+bf16`), so switching to or
from them works the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matchflow.domain import DocumentKind
from matchflow.embedding import Embedder, TextEmbedder, expected_revision
from matchflow.pipeline.bm25 import index_documents
from matchflow.pipeline.config import EmbedConfig
from matchflow.pipeline.summary import StageSummary
from storage.embeddings import claim_documents_to_embed, mark_embedded, save_embeddings
from storage.models import EmbeddingModel
from storage.vectors import find_model, get_or_create_model

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def load_embedder(config: EmbedConfig) -> TextEmbedder:
    """The process-wide cached model for this configuration."""
    return Embedder.load(config.model_name, device=config.device, batch_size=config.batch_size,
                         backend=config.backend, cache_dir=config.cache_dir, prompt=config.prompt)


def register_model(*, session: Session, embedder: TextEmbedder) -> EmbeddingModel:
    return get_or_create_model(session=session, name=embedder.model_name, revision=embedder.model_revision,
                               dimension=embedder.dimension, max_seq_length=embedder.max_seq_length)


def needs_first_use_setup(config: EmbedConfig) -> bool:
    """Backend auto has not yet exported and timed the model on this machine: the next load takes minutes."""
    return config.backend == "auto" and expected_revision(config.model_name, backend="auto", device=config.device,
                                                          cache_dir=config.cache_dir, prompt=config.prompt) is None


def known_model(*, session: Session, config: EmbedConfig) -> EmbeddingModel | None:
    """The configured model's row, found without loading its weights; None when it was never registered or
    its revision cannot be told from the files (a hub model not in the cache).

    Loading the model costs seconds of CPU and hundreds of MB: a run with nothing to embed or match
    should not pay it. The revision is the one `Embedder.load` records (same function, no model).
    """
    revision = expected_revision(config.model_name, backend=config.backend, device=config.device,
                                 cache_dir=config.cache_dir, prompt=config.prompt)
    if revision is None:
        return None
    return find_model(session=session, name=config.model_name, revision=revision)


def current_model(*, session: Session, config: EmbedConfig) -> EmbeddingModel:
    """The configured model's row: looked up without the weights when possible, else loaded and registered."""
    return known_model(session=session, config=config) or register_model(session=session,
                                                                         embedder=load_embedder(config))


def has_documents_to_embed(*, session: Session, kind: DocumentKind, model: EmbeddingModel | None) -> bool:
    """Whether any document of `kind` may need this model's vectors (True when the model is not known yet)."""
    return model is None or bool(claim_documents_to_embed(session=session, kind=kind, model_id=model.id, limit=1))


def embed_batch(*, session: Session, embedder: TextEmbedder, kind: DocumentKind, limit: int) -> StageSummary:
    """Embed up to `limit` documents of `kind` lacking this model's vectors; one encode call, one INSERT."""
    summary = StageSummary()
    model = register_model(session=session, embedder=embedder)
    documents = claim_documents_to_embed(session=session, kind=kind, model_id=model.id, limit=limit)
    index_documents(session=session, kind=kind, limit=limit)  # BM25 weights: new documents and the backfill
    if not documents:
        return summary
    vectors = embedder.embed_documents([doc.scoring_text or doc.text or "" for doc in documents])
    rows = [{"document_id": document.id, "model_id": model.id, "kind": document.kind, "device": embedder.device,
             "section": "document", "chunks": result.chunks, "embedding": result.document}
            for document, result in zip(documents, vectors, strict=True)]
    save_embeddings(session=session, rows=rows)
    mark_embedded(session=session, documents=documents)
    summary.processed = len(documents)
    return summary
