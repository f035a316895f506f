"""Step 0 for folders and job tables: store each file (or row) as received."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.ingest import receive_paths
from matchflow.pipeline.summary import StageSummary
from matchflow.sources.folder import discover_files
from tasks.retry import IO_TASK_OPTIONS


@task(name="list-files", cache_policy=NO_CACHE)
def list_files(paths: list[str], limit: int | None = None) -> list[str]:
    files = [str(p) for p in discover_files([Path(p) for p in paths])]
    get_run_logger().info("found %d files under %d path(s)", len(files), len(paths))
    return files[:limit] if limit else files


@task(name="receive-files", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def receive_files(context: RunContext, paths: list[str], kind: DocumentKind, batch_size: int = 64) -> StageSummary:
    """Store a batch of files as raw records + documents (idempotent: unchanged files write nothing)."""
    summary = receive_paths([Path(p) for p in paths], kind, context=context, batch_size=batch_size)
    get_run_logger().info("received %d %s files: %d new, %d updated, %d unchanged, %d duplicate, %d failed",
                          len(paths), kind.value, summary.new, summary.updated, summary.unchanged,
                          summary.duplicate, summary.failed)
    return summary
