"""Step 5: rerank each query's candidates with the feature reranker (+ the optional cross-encoder)."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.pipeline.match import MatchBatch, MatchConfig, rerank_matches, skill_idf
from matchflow.rerank import CrossEncoderScorer
from matchflow.settings import Settings
from storage.db import session_scope
from tasks.common import engine_for
from tasks.retry import IO_TASK_OPTIONS


def load_cross_encoder(settings: Settings) -> CrossEncoderScorer | None:
    return CrossEncoderScorer.load(settings.rerank_model) if settings.rerank_model else None


@task(name="rerank-candidates", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)  # it reads skill statistics
def rerank_candidates(batch: MatchBatch, settings: Settings, config: MatchConfig) -> MatchBatch:
    with session_scope(engine_for(settings)) as session:
        idf = skill_idf(session=session)
    rerank_matches(batch, config=config, skill_idf=idf, cross_encoder=load_cross_encoder(settings))
    get_run_logger().info("chain %s: reranked %d documents' candidates", batch.chain, len(batch.query_ids))
    return batch
