"""The one shape every source produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from matchflow.domain import DocumentKind


@dataclass
class IncomingDocument:
    """A document as received, before parsing.

    `record_key` identifies the record in its source (a path, a CSV row id, a Fillout submissionId);
    the same key with different bytes is an update, the same key and bytes is unchanged.
    """

    source: str  # folder | csv | fillout
    form_id: str  # folder or table path, or Fillout form id
    record_key: str
    kind: DocumentKind
    data: bytes | None  # None when the file could not be obtained (see `problem`)
    filename: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)  # the raw record, stored as received
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    structured: dict[str, Any] = field(default_factory=dict)  # known facts from a form: name, email, salary...
    problem: str | None = None  # why the data is missing (download failed, over the size cap...)
