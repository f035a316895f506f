"""The seed system's four duplicate-detection hashes (sha256 hex), as one pure function.

file_hash       the bytes as received: the same upload twice
content_hash    normalize_text + casefold: the same resume re-saved (PDF vs DOCX, new fonts)
metadata_hash   normalised identity (email, phone digits, name): the same person, new resume;
                None when the document identifies nobody
composite_hash  all three together: exactly this document from exactly this person
"""

from __future__ import annotations

import hashlib
import re

from matchflow.domain import DocumentHashes
from matchflow.parsing.normalize import normalize_text

__all__ = ["compute_hashes", "normalize_identity"]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalize_identity(identity: dict[str, str | None]) -> dict[str, str]:
    """email lower-cased and stripped; phone digits only; name casefolded with single spaces.
    Empty values are dropped; other keys are kept, stripped and casefolded.
    """
    out: dict[str, str] = {}
    for key, value in identity.items():
        if not value or not value.strip():
            continue
        if key == "email":
            norm = value.strip().lower()
        elif key == "phone":
            norm = re.sub(r"\D", "", value)
        elif key == "name":
            norm = " ".join(normalize_text(value).casefold().split())
        else:
            norm = " ".join(value.casefold().split())
        if norm:
            out[key] = norm
    return out


def compute_hashes(file_bytes: bytes, text: str, identity: dict[str, str | None]) -> DocumentHashes:
    """The four hashes of one document. ``identity`` holds "email", "phone", "name" (any may be None)."""
    file_hash = _sha256(file_bytes)
    content_hash = _sha256(normalize_text(text).casefold().encode("utf-8"))
    ident = normalize_identity(identity)
    metadata_hash = (
        _sha256("\x1f".join(f"{k}={ident[k]}" for k in sorted(ident)).encode("utf-8")) if ident else None
    )
    composite = "\x1f".join([file_hash, content_hash, metadata_hash or ""])
    return DocumentHashes(
        file_hash=file_hash,
        content_hash=content_hash,
        metadata_hash=metadata_hash,
        composite_hash=_sha256(composite.encode("ascii")),
    )
