"""Step 5: rerank each query's pool with the feature reranker (+ the optional cross-encoder)."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.rerank import load_cross_encoder, skill_idf
from matchflow.pipeline.rerank import rerank_matches as rerank_stage
from storage.db import session_scope
from tasks.retry import IO_TASK_OPTIONS


@task(name="rerank-matches", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)  # it reads skill statistics
def rerank_matches(context: RunContext, batch: MatchBatch) -> MatchBatch:
    with session_scope(context.engine) as session:
        idf = skill_idf(session=session)
    rerank_stage(batch, config=context.match, skill_idf=idf, cross_encoder=load_cross_encoder(context.rerank_model))
    get_run_logger().info("%s: reranked the pools of %d documents", batch.chain.slug, len(batch.query_ids))
    return batch
