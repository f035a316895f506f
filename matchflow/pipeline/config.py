"""What the embed and match stages run with: plain, frozen values built from the settings at an entry point.

Both cross process boundaries as they are (Prefect serialises them as flow-run parameters for the GPU
hand-off), so they hold only numbers, names and small mappings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from matchflow.domain import NO_FILTERS, SearchFilters
from matchflow.scoring import DEFAULT_WEIGHTS

if TYPE_CHECKING:
    from matchflow.settings import Settings

RETRIEVAL_POOL = 50  # targets per retriever handed to the reranker


@dataclass(frozen=True)
class EmbedConfig:
    model_name: str
    device: str = "auto"
    batch_size: int = 32
    backend: str = "torch"  # the app's setting defaults to auto; code that builds a config by hand gets torch
    cache_dir: str | None = None  # exported models and the auto choice (from_settings: home/models); needed by
    # the onnx backends and by auto on a CPU
    prompt: str | None = None  # before every model input; None = the model's own (embedding/prompts.py), "" = none

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbedConfig:
        return cls(model_name=settings.embed_model, device=settings.embed_device, batch_size=settings.embed_batch_size,
                   backend=settings.embed_backend, cache_dir=str(settings.home / "models"),
                   prompt=settings.embed_prompt)


@dataclass(frozen=True)
class MatchConfig:
    """Everything that decides which matches a query gets and how they score: stored on every match session."""

    top_k: int = 10
    pool: int = RETRIEVAL_POOL
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    filters: SearchFilters = NO_FILTERS
    redact_explanations: bool = True  # MATCHFLOW_REDACT_EXPLANATIONS
    lexical: str = "bm25"  # MATCHFLOW_LEXICAL_RETRIEVER: bm25 | fts (docs/quality.md, "BM25 in Postgres")
    bm25_query: str = "terms"  # MATCHFLOW_BM25_QUERY: terms (skills + titles) | text (the whole document)

    @classmethod
    def from_settings(cls, settings: Settings, *, top_k: int | None = None,
                      filters: SearchFilters | None = None) -> MatchConfig:
        """What a chain, the inference flow or `matchflow match` runs with: the user's top-K, weights, redaction."""
        return cls(top_k=top_k or settings.top_k, weights=settings.match_weights, filters=filters or NO_FILTERS,
                   redact_explanations=settings.redact_explanations, lexical=settings.lexical_retriever,
                   bm25_query=settings.bm25_query)
