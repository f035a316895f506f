"""Retention policy: what the clean-up flow may delete, and the one rule it never breaks.

    failed documents     status `failed`, not updated for `failed_days`
    superseded sessions  match sessions no longer current, superseded more than `session_days` ago
    raw files            stored files older than `raw_file_days` that no current document uses

Never deleted: anything a *current* match result points at (its session, both documents and their
files), and sessions whose results a recruiter linked to a job (job_candidates.match_result_id).
The database rows go in one transaction; the files leave the disk only after it committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from matchflow.domain import DocumentStatus
from storage.db import session_scope
from storage.files import file_path
from storage.models import Document, JobCandidate, MatchResult, MatchSession, StoredFile


@dataclass(frozen=True)
class RetentionPolicy:
    raw_file_days: int = 180
    session_days: int = 90
    failed_days: int = 30


@dataclass
class RetentionReport:
    failed_documents: int = 0
    superseded_sessions: int = 0
    raw_files: int = 0
    bytes_freed: int = 0
    dry_run: bool = False
    removed_paths: list[str] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, int | bool]:
        return {"failed_documents": self.failed_documents, "superseded_sessions": self.superseded_sessions,
                "raw_files": self.raw_files, "bytes_freed": self.bytes_freed, "dry_run": self.dry_run}


def _protected_document_ids() -> sa.Select:
    """Documents a current match result references (as resume, job, or its session's source)."""
    current = sa.select(MatchSession.id).where(MatchSession.is_current.is_(True))
    return sa.union(
        sa.select(MatchResult.resume_document_id).where(MatchResult.session_id.in_(current)),
        sa.select(MatchResult.job_document_id).where(MatchResult.session_id.in_(current)),
        sa.select(MatchSession.source_document_id).where(MatchSession.is_current.is_(True)),
    )


def failed_documents(session: Session, *, older_than: datetime) -> list[int]:
    """Ids of failed documents untouched since `older_than` that nothing current references."""
    return list(session.scalars(
        sa.select(Document.id).where(Document.status == DocumentStatus.FAILED, Document.updated_at < older_than,
                                     Document.id.not_in(_protected_document_ids()))))


def superseded_sessions(session: Session, *, older_than: datetime) -> list[int]:
    """Ids of non-current sessions superseded before `older_than`, none of whose results a recruiter linked."""
    linked = (sa.select(MatchResult.session_id).join(JobCandidate, JobCandidate.match_result_id == MatchResult.id))
    superseded = sa.func.coalesce(MatchSession.superseded_at, MatchSession.created_at)
    return list(session.scalars(
        sa.select(MatchSession.id).where(MatchSession.is_current.is_(False), superseded < older_than,
                                         MatchSession.id.not_in(linked))))


def unreferenced_files(session: Session, *, older_than: datetime) -> list[StoredFile]:
    """Stored files older than `older_than` that no current (or currently matched) document uses."""
    in_use = sa.select(Document.file_sha256).where(
        Document.file_sha256.is_not(None),
        sa.or_(Document.is_current.is_(True), Document.id.in_(_protected_document_ids())))
    return list(session.scalars(
        sa.select(StoredFile).where(StoredFile.created_at < older_than, StoredFile.sha256.not_in(in_use))))


def apply_retention(engine: Engine, files_dir: Path, policy: RetentionPolicy, *, now: datetime | None = None,
                    dry_run: bool = False) -> RetentionReport:
    """Delete what the policy allows (or only count it, with `dry_run`); returns the counts."""
    now = now or datetime.now(UTC)
    report = RetentionReport(dry_run=dry_run)
    with session_scope(engine) as session:
        documents = failed_documents(session, older_than=now - timedelta(days=policy.failed_days))
        sessions = superseded_sessions(session, older_than=now - timedelta(days=policy.session_days))
        report.failed_documents, report.superseded_sessions = len(documents), len(sessions)
        if not dry_run:
            if sessions:
                session.execute(sa.delete(MatchSession).where(MatchSession.id.in_(sessions)))
            if documents:
                session.execute(sa.delete(Document).where(Document.id.in_(documents)))
        files = unreferenced_files(session, older_than=now - timedelta(days=policy.raw_file_days))
        report.raw_files = len(files)
        report.bytes_freed = sum(f.size for f in files)
        if not dry_run and files:
            digests = [f.sha256 for f in files]
            # old versions keep their row, without the bytes: the policy drops raw files, not history
            session.execute(sa.update(Document).where(Document.file_sha256.in_(digests)).values(file_sha256=None))
            session.execute(sa.delete(StoredFile).where(StoredFile.sha256.in_(digests)))
            report.removed_paths = [str(file_path(files_dir, digest)) for digest in digests]
    for path in report.removed_paths:  # after the commit: a rolled-back run never loses bytes
        Path(path).unlink(missing_ok=True)
    return report
