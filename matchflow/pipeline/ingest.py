"""Ingest = receive + parse, run directly (the `ingest`/`match` commands); the chains run the same stages as tasks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from matchflow.domain import DocumentKind, DocumentStatus
from matchflow.pipeline.parse import parse_batch
from matchflow.pipeline.receive import receive_batch
from matchflow.pipeline.summary import StageSummary
from matchflow.sources.folder import iter_folder
from storage.db import session_scope

if TYPE_CHECKING:
    from matchflow.pipeline.context import RunContext

Progress = Callable[[str, int], None]  # (stage, documents just done)


def receive_paths(paths: list[Path], kind: DocumentKind, *, context: RunContext, batch_size: int,
                  progress: Progress | None = None) -> StageSummary:
    """Receive files (and rows of job tables), committing every `batch_size` records."""
    summary, batch = StageSummary(), []

    def flush() -> None:
        with session_scope(context.engine) as session:
            summary.merge(receive_batch(batch, session=session, files_dir=context.files_dir))
        if progress:
            progress("receive", len(batch))
        batch.clear()

    for item in iter_folder(paths, kind, max_bytes=context.max_file_bytes):
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return summary


def parse_received(kind: DocumentKind, *, context: RunContext, batch_size: int,
                   progress: Progress | None = None) -> StageSummary:
    """Parse every received document of `kind`, one transaction per batch."""
    summary = StageSummary()
    while True:
        with session_scope(context.engine) as session:
            batch = parse_batch(session=session, kind=kind, files_dir=context.files_dir,
                                max_bytes=context.max_file_bytes, limit=batch_size, workers=context.parse_workers,
                                redact_scoring=context.redact_scoring_text)
        done = batch.processed + batch.duplicate + batch.failed
        if progress and done:
            progress("parse", done)
        summary.merge(batch)
        if not done:
            return summary


def ingest_paths(paths: list[Path], kind: DocumentKind, *, context: RunContext, batch_size: int = 32,
                 progress: Progress | None = None) -> StageSummary:
    """Receive then parse; the summary counts each input once (new, updated, unchanged, duplicate, failed)."""
    received = receive_paths(paths, kind, context=context, batch_size=batch_size, progress=progress)
    parsed = parse_received(kind, context=context, batch_size=batch_size, progress=progress)
    # each input counts once: a new file whose text turns out to be a duplicate, or unreadable, counts as that
    for document_id, label in received.outcomes.items():
        outcome = parsed.outcomes.get(document_id)
        if outcome in (DocumentStatus.DUPLICATE, DocumentStatus.FAILED):
            setattr(received, label, getattr(received, label) - 1)
            setattr(received, outcome, getattr(received, outcome) + 1)
    received.failures += parsed.failures
    received.processed = parsed.processed
    return received
