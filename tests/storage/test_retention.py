"""The retention policy on the real embedded database: what goes, and what a current match keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from storage.db import session_scope
from storage.files import file_path, store_file
from storage.models import Candidate, Document, Job, JobCandidate, MatchResult, MatchSession, StoredFile
from storage.retention import RetentionPolicy, apply_retention

NOW = datetime(2026, 6, 1, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=2)
POLICY = RetentionPolicy(raw_file_days=180, session_days=90, failed_days=30)


def add_file(session, files_dir, content: bytes, created=OLD) -> str:
    digest = store_file(session=session, files_dir=files_dir, data=content, name="x.pdf", mime_type="application/pdf")
    session.execute(sa.update(StoredFile).where(StoredFile.sha256 == digest).values(created_at=created))
    return digest


def add_document(session, kind="resume", status="embedded", *, sha=None, current=True, updated=OLD) -> int:
    document = Document(kind=kind, status=status, file_hash=sha or f"h{datetime.now().timestamp()}",
                        file_sha256=sha, is_current=current, created_at=updated, updated_at=updated)
    session.add(document)
    session.flush()
    return document.id


def add_session(session, source: int, resume: int, job: int, *, current: bool, superseded=None) -> tuple[int, int]:
    match_session = MatchSession(chain="chain-a", source_document_id=source, is_current=current,
                                 superseded_at=superseded, created_at=superseded or OLD)
    session.add(match_session)
    session.flush()
    result = MatchResult(session_id=match_session.id, rank=1, resume_document_id=resume, job_document_id=job,
                         score=80.0)
    session.add(result)
    session.flush()
    return match_session.id, result.id


def ids(session, model) -> set:
    column = model.sha256 if model is StoredFile else model.id
    return set(session.scalars(sa.select(column)))


def test_retention_deletes_only_what_no_current_match_needs(engine, tmp_path):
    with session_scope(engine) as s:
        # documents: a current match between resume_cur and job_cur; an old resume version it still points at
        kept_file = add_file(s, tmp_path, b"current resume")
        old_version_file = add_file(s, tmp_path, b"old version still matched")
        orphan_version_file = add_file(s, tmp_path, b"old version nobody uses")
        unused_file = add_file(s, tmp_path, b"never parsed")
        recent_file = add_file(s, tmp_path, b"just arrived", created=RECENT)
        resume_cur = add_document(s, sha=kept_file)
        resume_old = add_document(s, sha=old_version_file, current=False)
        orphan_doc = add_document(s, sha=orphan_version_file, current=False)
        job_cur = add_document(s, kind="job")
        current_session, _ = add_session(s, resume_old, resume_old, job_cur, current=True)
        # failed documents: old (goes), recent (stays), old but in a current result (stays)
        failed_old = add_document(s, status="failed")
        failed_recent = add_document(s, status="failed", updated=RECENT)
        failed_matched = add_document(s, status="failed")
        add_session(s, resume_cur, failed_matched, job_cur, current=True)
        # superseded sessions: old (goes), recent (stays), old but a recruiter linked its result (stays)
        old_session, _ = add_session(s, resume_cur, resume_cur, job_cur, current=False, superseded=OLD)
        recent_session, _ = add_session(s, resume_cur, resume_cur, job_cur, current=False, superseded=RECENT)
        linked_session, linked_result = add_session(s, resume_cur, resume_cur, job_cur, current=False,
                                                    superseded=OLD)
        candidate, job = Candidate(full_name="A"), Job(external_key="k", title="T")
        s.add_all([candidate, job])
        s.flush()
        s.add(JobCandidate(job_id=job.id, candidate_id=candidate.id, match_result_id=linked_result))

    dry = apply_retention(engine, tmp_path, POLICY, now=NOW, dry_run=True)
    assert (dry.failed_documents, dry.superseded_sessions, dry.dry_run) == (1, 1, True)
    with session_scope(engine) as s:
        assert failed_old in ids(s, Document) and old_session in ids(s, MatchSession)

    report = apply_retention(engine, tmp_path, POLICY, now=NOW)
    assert report.counts() == {"failed_documents": 1, "superseded_sessions": 1, "raw_files": 2,
                               "bytes_freed": len(b"old version nobody uses") + len(b"never parsed"),
                               "dry_run": False}
    with session_scope(engine) as s:
        documents, sessions, files = ids(s, Document), ids(s, MatchSession), ids(s, StoredFile)
        orphan_sha = s.get(Document, orphan_doc).file_sha256
    assert failed_old not in documents and {failed_recent, failed_matched, resume_old} <= documents
    assert old_session not in sessions and {current_session, recent_session, linked_session} <= sessions
    assert files == {kept_file, old_version_file, recent_file}
    assert orphan_sha is None  # the old version's row stays (history); only its bytes went
    assert not file_path(tmp_path, unused_file).exists() and not file_path(tmp_path, orphan_version_file).exists()
    assert file_path(tmp_path, old_version_file).exists()

    again = apply_retention(engine, tmp_path, POLICY, now=NOW)
    assert (again.failed_documents, again.superseded_sessions, again.raw_files) == (0, 0, 0)
