"""Step 4: hybrid retrieval (pgvector HNSW + full-text, fused) for a batch of query documents."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.pipeline.embed import current_model
from matchflow.pipeline.match import CHAINS, MatchBatch, MatchConfig, claim_queries, search_matches
from matchflow.settings import Settings
from storage.db import session_scope
from tasks.common import engine_for
from tasks.embed import embed_config
from tasks.retry import IO_TASK_OPTIONS


@task(name="next-queries", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def next_queries(chain: str, settings: Settings, batch_size: int = 64) -> list[int]:
    """Ids of the next embedded, not yet matched documents this chain starts from."""
    with session_scope(engine_for(settings)) as session:
        model = current_model(session=session, config=embed_config(settings))
        return [doc.id for doc in claim_queries(session=session, kind=CHAINS[chain][0], model_id=model.id,
                                                limit=batch_size)]


@task(name="search-candidates", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def search_candidates(chain: str, query_ids: list[int], settings: Settings, config: MatchConfig) -> MatchBatch:
    with session_scope(engine_for(settings)) as session:
        model = current_model(session=session, config=embed_config(settings))
        batch = search_matches(session=session, chain=chain, model=model, config=config, query_ids=query_ids)
    get_run_logger().info("chain %s: searched %d documents, %d candidates in all", chain, len(query_ids),
                          sum(len(pool) for pool in batch.pools.values()))
    return batch
