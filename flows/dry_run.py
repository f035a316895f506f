"""What a chain run would do, without writing anything: files found and documents pending per status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.settings import Settings
from matchflow.sources.folder import discover_files
from storage.db import session_scope
from storage.models import Document
from tasks.common import engine_for


def pending_work(source: str, kind: DocumentKind, settings: Settings, *, limit: int | None) -> dict[str, Any]:
    report: dict[str, Any] = {"dry_run": True, "kind": kind.value, "source": source}
    if source != "fillout":
        files = discover_files([Path(part) for part in source.split(",") if part])
        report["files_found"] = len(files[:limit] if limit else files)
    with session_scope(engine_for(settings)) as session:
        rows = session.execute(sa.select(Document.status, sa.func.count()).where(Document.kind == kind.value)
                               .group_by(Document.status)).all()
    report["documents_by_status"] = dict(rows)
    return report
