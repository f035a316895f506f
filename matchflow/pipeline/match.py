"""Steps 4-7 in one call and one transaction: search, rerank, analyze, save.

The chains run the four stages as separate tasks (`flows/steps.py`); this composition serves the
`matchflow match` command, the GPU inference flow and tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matchflow.domain import ChainSpec
from matchflow.pipeline.analyze import analyze_matches
from matchflow.pipeline.config import MatchConfig
from matchflow.pipeline.rerank import rerank_matches, skill_idf
from matchflow.pipeline.save import save_matches
from matchflow.pipeline.search import search_matches
from matchflow.pipeline.summary import StageSummary
from matchflow.rerank import CrossEncoderScorer
from storage.documents import claim_queries
from storage.models import EmbeddingModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def match_documents(*, session: Session, chain: ChainSpec, model: EmbeddingModel, config: MatchConfig, limit: int,
                    device: str, pipeline_run_id: int | None = None, document_ids: list[int] | None = None,
                    cross_encoder: CrossEncoderScorer | None = None) -> StageSummary:
    """Steps 4-7 in one call and one transaction (CLI `match`, the GPU inference flow, tests)."""
    queries = claim_queries(session=session, kind=chain.query_kind, model_id=model.id, limit=limit,
                            document_ids=document_ids)
    if not queries:
        return StageSummary()
    batch = search_matches(session=session, chain=chain, model=model, config=config,
                           query_ids=[doc.id for doc in queries])
    rerank_matches(batch, config=config, skill_idf=skill_idf(session=session), cross_encoder=cross_encoder)
    analyze_matches(batch, redact_explanations=config.redact_explanations)
    return save_matches(session=session, batch=batch, model=model, config=config, device=device,
                        pipeline_run_id=pipeline_run_id, rerank_model=cross_encoder.name if cross_encoder else None)
