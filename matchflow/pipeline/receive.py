"""Receive stage: store each incoming record exactly as received, its file content-addressed, and a document.

Idempotent by key: the same record key with the same bytes is `unchanged` (nothing written), new bytes
make a new version of the record (history kept), and the same bytes under another key are a `duplicate`
linked to the first document. Nothing is parsed here, so receiving is cheap and never loses input.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from matchflow.domain import DocumentStatus, FailureReason
from matchflow.fillout.files import URL_KEYS
from matchflow.pipeline.summary import StageSummary
from matchflow.sources.base import IncomingDocument
from storage.documents import latest_source_record, original_with_file
from storage.files import store_file
from storage.models import Document, SourceRecord

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FILE_QUESTION_TYPES = frozenset({"FileUpload", "Signature", "AudioRecording"})  # answers that are signed URLs


def _unsigned(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")) if parts.scheme in ("http", "https") else url


def stable_payload(value: Any, *, file_answer: bool = False) -> Any:
    """The payload without what changes on every read: the query (signature, expiry) of file URLs.

    Fillout hands out freshly signed, expiring URLs for uploaded files (and signatures, recordings) each
    time a submission is listed. The file's bytes are hashed separately, so dropping the query loses
    nothing, and an unchanged submission re-read in the look-back window stays unchanged instead of
    becoming a new version on every run.
    """
    if isinstance(value, str):
        return _unsigned(value) if file_answer else value
    if isinstance(value, list):
        return [stable_payload(item, file_answer=file_answer) for item in value]
    if isinstance(value, dict):
        upload = value.get("type") in FILE_QUESTION_TYPES
        return {key: stable_payload(item, file_answer=(file_answer and key in URL_KEYS) or (upload and key == "value"))
                for key, item in value.items()}
    return value


def payload_hash(item: IncomingDocument) -> str:
    """Hash of the record as received: its payload (file URLs unsigned) and its bytes (a changed answer or
    file is an update)."""
    digest = hashlib.sha256(json.dumps(stable_payload(item.payload), sort_keys=True, default=str).encode())
    digest.update(hashlib.sha256(item.data or b"").digest())
    return digest.hexdigest()


def receive_batch(items: list[IncomingDocument], *, session: Session, files_dir: Path,
                  submission_ids: dict[str, int] | None = None) -> StageSummary:
    """Store a batch of incoming documents in the caller's transaction.

    Each item counts once: new, updated (a new version of a known record), unchanged, duplicate or failed.
    """
    summary = StageSummary()
    for item in items:
        digest = payload_hash(item)
        previous = latest_source_record(session=session, source=item.source, form_id=item.form_id,
                                        record_key=item.record_key)
        if previous is not None and previous.payload_hash == digest:
            summary.unchanged += 1
            continue
        record = SourceRecord(
            source=item.source, form_id=item.form_id, external_id=item.record_key, kind=item.kind.value,
            version=(previous.version + 1) if previous else 1, payload=item.payload, payload_hash=digest,
            submitted_at=item.submitted_at, source_updated_at=item.updated_at,
            problems=[item.problem] if item.problem else [],
        )
        if previous is not None:
            previous.is_latest = False
        session.add(record)
        session.flush()

        document = Document(kind=item.kind.value, source_record_id=record.id, filename=item.filename,
                            source_id=item.record_key if item.source != "folder" else None,
                            source_path=item.record_key if item.source == "folder" else None,
                            fields={"structured": item.structured} if item.structured else {})
        if submission_ids and item.record_key in submission_ids:
            document.submission_id = submission_ids[item.record_key]
        if item.data is None:
            reason, _, message = (item.problem or "download_failed: no data").partition(": ")
            document.file_hash = digest
            document.status = DocumentStatus.FAILED
            document.failure_reason = reason if reason in FailureReason.__members__.values() else "download_failed"
            document.failure_message = message or reason
            summary.fail(item.filename or item.record_key, document.failure_reason, document.failure_message)
        else:
            document.file_hash = store_file(session=session, files_dir=files_dir, data=item.data,
                                            name=item.filename, mime_type="application/octet-stream")
            document.file_sha256 = document.file_hash
            original = original_with_file(session=session, kind=item.kind, file_hash=document.file_hash,
                                          record_key=item.record_key)
            if original is not None:
                document.status, document.duplicate_of_id = DocumentStatus.DUPLICATE, original
                summary.duplicate += 1
            else:
                document.status = DocumentStatus.RECEIVED
                if previous is not None:
                    summary.updated += 1
                else:
                    summary.new += 1
        session.add(document)
        session.flush()
        if document.status == DocumentStatus.RECEIVED:
            summary.outcomes[document.id] = "updated" if previous is not None else "new"
    return summary
