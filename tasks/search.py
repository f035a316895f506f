"""Step 4: hybrid retrieval (pgvector HNSW + full-text, fused) for a batch of query documents."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.domain import ChainSpec
from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.search import search_matches as search_stage
from storage.db import session_scope
from storage.documents import claim_queries
from tasks.retry import IO_TASK_OPTIONS


@task(name="next-queries", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def next_queries(context: RunContext, chain: ChainSpec, batch_size: int = 64) -> list[int]:
    """Ids of the next embedded, not yet matched documents this chain starts from."""
    with session_scope(context.engine) as session:
        return [doc.id for doc in claim_queries(session=session, kind=chain.query_kind,
                                                model_id=context.require_model().id, limit=batch_size)]


@task(name="search-matches", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def search_matches(context: RunContext, chain: ChainSpec, query_ids: list[int]) -> MatchBatch:
    with session_scope(context.engine) as session:
        batch = search_stage(session=session, chain=chain, model=context.require_model(), config=context.match,
                             query_ids=query_ids)
    get_run_logger().info("%s: searched %d documents, %d targets in all", chain.slug, len(query_ids),
                          sum(len(pool) for pool in batch.pools.values()))
    return batch
