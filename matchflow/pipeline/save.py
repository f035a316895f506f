"""Save stage (step 7): one match session per query document, superseding the previous one.

Each session records what produced it (model and revision, scoring version, weights, filters, top-K,
device, cross-encoder), so a recruiter can always tell why a match scored as it did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.config import MatchConfig
from matchflow.pipeline.summary import StageSummary
from matchflow.scoring import SCORING_VERSION
from storage.documents import mark_matched
from storage.matches import save_match_session
from storage.models import EmbeddingModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def save_matches(*, session: Session, batch: MatchBatch, model: EmbeddingModel, config: MatchConfig, device: str,
                 pipeline_run_id: int | None = None, rerank_model: str | None = None) -> StageSummary:
    """Step 7: one session per query document (superseding the previous one); marks the queries matched."""
    summary = StageSummary()
    per_query = {name: round(value / max(1, len(batch.query_ids)), 4) for name, value in batch.timings.items()}
    for query_id in batch.query_ids:
        save_match_session(session=session, values={
            "pipeline_run_id": pipeline_run_id, "chain": batch.chain.slug, "source_document_id": query_id,
            "parameters": {"top_k": config.top_k, "pool": config.pool, "weights": config.weights,
                           "filters": vars(config.filters)},
            "embed_model": f"{model.name}@{model.revision}", "scoring_version": SCORING_VERSION,
            "rerank_model": rerank_model, "device": device, "timings": per_query,
        }, results=batch.results.get(query_id, []), analyses=batch.analyses.get(query_id, []))
        summary.processed += 1
        summary.new += len(batch.results.get(query_id, []))
    mark_matched(session=session, document_ids=batch.query_ids)
    return summary
