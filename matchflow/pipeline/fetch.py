"""Fetch stage for Fillout: submissions since the watermark -> incoming documents -> receive, in batches.

The watermark advances only after every submission of the run is committed, to the latest submission
time seen; a crash before that re-reads the window next time, and receiving is idempotent (same
submission and bytes -> unchanged), so nothing is stored twice and nothing is skipped.

Fillout filters `afterDate` by submission time, so an edit to an older submission (a newer
`lastUpdatedAt`) is only seen when that submission is inside the window: each run re-reads the last
`fillout_update_lookback_hours` before the watermark, and an edited submission becomes a new version of
its record. Edits older than that need `--since`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from pydantic import SecretStr

from matchflow.domain import DocumentKind
from matchflow.fillout.client import FilloutClient
from matchflow.fillout.errors import FilloutConfigError
from matchflow.fillout.mapping import load_mapping
from matchflow.pipeline.receive import receive_batch
from matchflow.pipeline.summary import StageSummary
from matchflow.secrets import SecretConfigError, resolve_secret
from matchflow.sources.base import IncomingDocument
from matchflow.sources.fillout_source import FileFetcher, candidate_documents, job_documents
from storage.db import session_scope
from storage.sync import advance_watermark, read_watermark

if TYPE_CHECKING:
    from matchflow.pipeline.context import RunContext
    from matchflow.settings import Settings

FILE_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)


@dataclass(frozen=True)
class FilloutSource:
    """The Fillout account, forms and download rules a fetch runs with (read from the settings once)."""

    api_key: SecretStr | None
    api_key_block: str | None
    base_url: str
    resume_form_id: str | None
    job_form_id: str | None
    file_hosts: frozenset[str]
    mapping_path: Path | None
    update_lookback_hours: float
    allow_private_hosts: bool
    files_dir: Path
    max_file_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> FilloutSource:
        return cls(api_key=settings.fillout_api_key, api_key_block=settings.fillout_api_key_block,
                   base_url=settings.fillout_base_url, resume_form_id=settings.fillout_resume_form_id,
                   job_form_id=settings.fillout_job_form_id, file_hosts=frozenset(settings.fillout_file_hosts),
                   mapping_path=settings.fillout_mapping, update_lookback_hours=settings.fillout_update_lookback_hours,
                   allow_private_hosts=settings.fillout_allow_private_hosts, files_dir=settings.files_dir,
                   max_file_bytes=settings.max_file_bytes)

    @property
    def configured(self) -> bool:
        """An API key is set, directly or as a Prefect Secret block name."""
        return self.api_key is not None or bool(self.api_key_block)


def form_id_for(kind: DocumentKind, source: FilloutSource) -> str:
    form_id = source.resume_form_id if kind is DocumentKind.RESUME else source.job_form_id
    if not form_id or not source.configured:
        variable = f"MATCHFLOW_FILLOUT_{'RESUME' if kind is DocumentKind.RESUME else 'JOB'}_FORM_ID"
        raise FilloutConfigError("Fillout is not configured: set MATCHFLOW_FILLOUT_API_KEY (or "
                                 f"MATCHFLOW_FILLOUT_API_KEY_BLOCK) and {variable}")
    return form_id


def fetch_form(kind: DocumentKind, *, context: RunContext, since: datetime | None = None,
               limit: int | None = None, batch_size: int = 50, api_transport: httpx.BaseTransport | None = None,
               file_transport: httpx.BaseTransport | None = None) -> StageSummary:
    """Fetch the form's submissions after the watermark (or `since`), store them, then advance the watermark."""
    source, engine = context.fillout, context.engine
    form_id = form_id_for(kind, source)
    mapping = load_mapping(source.mapping_path)
    with session_scope(engine) as session:
        watermark = read_watermark(session=session, source="fillout", form_id=form_id)
    lookback = timedelta(hours=source.update_lookback_hours)
    after = since or (watermark - lookback if watermark else None)
    summary, latest, seen = StageSummary(), watermark, 0
    try:
        api_key = resolve_secret(source.api_key, source.api_key_block)
    except SecretConfigError as exc:
        raise FilloutConfigError(str(exc)) from None
    with FilloutClient(api_key, base_url=source.base_url,
                       transport=api_transport) as client, \
            httpx.Client(timeout=FILE_TIMEOUT, transport=file_transport) as files_client:
        fetcher = FileFetcher(files_client, source.file_hosts, source.max_file_bytes,
                              allow_private=source.allow_private_hosts)
        to_documents = candidate_documents if kind is DocumentKind.RESUME else job_documents
        batch: list[IncomingDocument] = []

        def flush() -> None:
            with session_scope(engine) as session:
                summary.merge(receive_batch(batch, session=session, files_dir=source.files_dir))
            batch.clear()

        for submission in _limited(client.iter_submissions(form_id, after=after), limit):
            seen += 1
            batch.extend(to_documents(submission, form_id=form_id, mapping=mapping, fetcher=fetcher))
            stamp = submission.submission_time
            if stamp and (latest is None or stamp > latest):
                latest = stamp
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    if latest is not None and limit is None and since is None:  # a partial run has not seen all up to `latest`
        with session_scope(engine) as session:
            advance_watermark(session=session, source="fillout", form_id=form_id, watermark=latest)
    summary.processed = seen
    return summary


def _limited(items: Iterator, limit: int | None) -> Iterator:
    for count, item in enumerate(items):
        if limit is not None and count >= limit:
            return
        yield item
