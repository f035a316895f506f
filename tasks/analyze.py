"""Steps 6 and 7: analyse each match (score, skills gap, sentiment) and save the sessions and results."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.pipeline.embed import current_model
from matchflow.pipeline.match import MatchBatch, MatchConfig, analyze_matches, save_matches
from matchflow.pipeline.summary import StageSummary
from matchflow.settings import Settings
from storage.db import session_scope
from tasks.common import engine_for
from tasks.embed import embed_config
from tasks.retry import IO_TASK_OPTIONS


@task(name="analyze-matches", cache_policy=NO_CACHE)
def analyze(batch: MatchBatch, config: MatchConfig) -> MatchBatch:
    analyze_matches(batch, redact_explanations=config.redact_explanations)
    get_run_logger().info("chain %s: analysed %d matches", batch.chain,
                          sum(len(r) for r in batch.results.values()))
    return batch


@task(name="save-results", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def save_results(batch: MatchBatch, settings: Settings, config: MatchConfig, pipeline_run_id: int | None,
                 device: str) -> StageSummary:
    """One match session per query document, superseding the previous one, in one transaction."""
    with session_scope(engine_for(settings)) as session:
        model = current_model(session=session, config=embed_config(settings))
        summary = save_matches(session=session, batch=batch, model=model, config=config, device=device,
                               pipeline_run_id=pipeline_run_id, rerank_model=settings.rerank_model)
    get_run_logger().info("chain %s: saved %d sessions with %d results", batch.chain, summary.processed,
                          summary.new)
    return summary
