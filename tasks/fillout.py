"""Step 0 for Fillout: fetch a form's new submissions and their files, stored as received."""

from __future__ import annotations

from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.fetch import fetch_form
from matchflow.pipeline.summary import StageSummary
from tasks.retry import IO_TASK_OPTIONS


@task(name="fetch-fillout", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def fetch_submissions(context: RunContext, kind: DocumentKind, *, since: str | None = None, limit: int | None = None,
                      batch_size: int = 50) -> StageSummary:
    """The client retries 429/5xx/timeouts itself; this task's retries cover the database."""
    summary = fetch_form(kind, context=context, since=datetime.fromisoformat(since) if since else None, limit=limit,
                         batch_size=batch_size)
    get_run_logger().info("fetched %d %s submissions: %d new, %d updated, %d unchanged, %d failed",
                          summary.processed, kind.value, summary.new, summary.updated, summary.unchanged,
                          summary.failed)
    return summary
