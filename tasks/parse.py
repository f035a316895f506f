"""Step 1: parse received documents into text, sections, fields and hashes, one batch per task run."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.parse import parse_batch
from matchflow.pipeline.summary import StageSummary
from storage.db import session_scope
from tasks.retry import IO_TASK_OPTIONS


@task(name="parse-documents", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def parse_documents(context: RunContext, kind: DocumentKind, batch_size: int = 64) -> StageSummary:
    """Parse up to `batch_size` received documents; failures are recorded per document, never raised."""
    with session_scope(context.engine) as session:
        summary = parse_batch(session=session, kind=kind, files_dir=context.files_dir,
                              max_bytes=context.max_file_bytes, limit=batch_size, workers=context.parse_workers,
                              redact_scoring=context.redact_scoring_text)
    logger = get_run_logger()
    logger.info("parsed %d %s documents, %d duplicate, %d failed", summary.processed, kind.value,
                summary.duplicate, summary.failed)
    for failure in summary.failures:
        logger.warning("document %s failed (%s): %s", failure.document, failure.reason, failure.message)
    return summary
