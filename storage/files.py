"""Content-addressed file store: bytes live once under files_dir/<sha[:2]>/<sha>, rows in stored_files."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import StoredFile


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_path(files_dir: Path, sha256: str) -> Path:
    return files_dir / sha256[:2] / sha256


def write_blob(files_dir: Path, data: bytes) -> str:
    """Write bytes under their hash (atomically: temp file + rename) and return the hash."""
    digest = sha256_hex(data)
    target = file_path(files_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    return digest


def read_blob(files_dir: Path, sha256: str) -> bytes:
    return file_path(files_dir, sha256).read_bytes()


def store_file(*, session: Session, files_dir: Path, data: bytes, name: str | None, mime_type: str) -> str:
    """Store the bytes and their row (idempotent); returns the sha256."""
    digest = write_blob(files_dir, data)
    session.execute(
        insert(StoredFile)
        .values(sha256=digest, size=len(data), mime_type=mime_type, original_name=name,
                storage_path=str(file_path(files_dir, digest).relative_to(files_dir)))
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return digest
