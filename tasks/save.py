"""Step 7: save one match session per query document with its ranked, explained results."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.save import save_matches as save_stage
from matchflow.pipeline.summary import StageSummary
from storage.db import session_scope
from tasks.retry import IO_TASK_OPTIONS


@task(name="save-matches", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def save_matches(context: RunContext, batch: MatchBatch, pipeline_run_id: int | None, device: str) -> StageSummary:
    """One match session per query document, superseding the previous one, in one transaction."""
    with session_scope(context.engine) as session:
        summary = save_stage(session=session, batch=batch, model=context.require_model(), config=context.match,
                             device=device, pipeline_run_id=pipeline_run_id, rerank_model=context.rerank_model)
    get_run_logger().info("%s: saved %d sessions with %d results", batch.chain.slug, summary.processed, summary.new)
    return summary
