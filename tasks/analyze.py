"""Step 6: analyse each match (score, skills gap) and the query resume's free-text answers (sentiment)."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.pipeline.analyze import analyze_matches as analyze_stage
from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.context import RunContext


@task(name="analyze-matches", cache_policy=NO_CACHE)
def analyze_matches(context: RunContext, batch: MatchBatch) -> MatchBatch:
    analyze_stage(batch, redact_explanations=context.match.redact_explanations)
    get_run_logger().info("%s: analysed %d matches", batch.chain.slug, sum(len(r) for r in batch.results.values()))
    return batch
