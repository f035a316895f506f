"""What a chain run would do, without writing anything: files found and documents pending per status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.sources.folder import discover_files
from storage.db import session_scope
from storage.documents import count_documents_by_status


def pending_work(context: RunContext, source: str, kind: DocumentKind, *, limit: int | None) -> dict[str, Any]:
    report: dict[str, Any] = {"dry_run": True, "kind": kind.value, "source": source}
    if source != "fillout":
        files = discover_files([Path(part) for part in source.split(",") if part])
        report["files_found"] = len(files[:limit] if limit else files)
    with session_scope(context.engine) as session:
        report["documents_by_status"] = count_documents_by_status(session=session, kind=kind)
    return report
