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
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine

from matchflow.domain import DocumentKind
from matchflow.fillout.client import FilloutClient
from matchflow.fillout.errors import FilloutConfigError
from matchflow.fillout.mapping import load_mapping
from matchflow.pipeline.receive import receive_batch
from matchflow.pipeline.summary import StageSummary
from matchflow.secrets import SecretConfigError, resolve_secret
from matchflow.settings import Settings
from matchflow.sources.base import IncomingDocument
from matchflow.sources.fillout_source import FileFetcher, candidate_documents, job_documents
from storage.db import session_scope
from storage.sync import advance_watermark, read_watermark

FILE_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)


def form_id_for(kind: DocumentKind, settings: Settings) -> str:
    form_id = settings.fillout_resume_form_id if kind is DocumentKind.RESUME else settings.fillout_job_form_id
    if not form_id or not settings.fillout_configured:
        variable = f"MATCHFLOW_FILLOUT_{'RESUME' if kind is DocumentKind.RESUME else 'JOB'}_FORM_ID"
        raise FilloutConfigError("Fillout is not configured: set MATCHFLOW_FILLOUT_API_KEY (or "
                                 f"MATCHFLOW_FILLOUT_API_KEY_BLOCK) and {variable}")
    return form_id


def fetch_form(kind: DocumentKind, *, settings: Settings, engine: Engine, since: datetime | None = None,
               limit: int | None = None, batch_size: int = 50, api_transport: httpx.BaseTransport | None = None,
               file_transport: httpx.BaseTransport | None = None) -> StageSummary:
    """Fetch the form's submissions after the watermark (or `since`), store them, then advance the watermark."""
    form_id = form_id_for(kind, settings)
    mapping = load_mapping(settings.fillout_mapping)
    with session_scope(engine) as session:
        watermark = read_watermark(session=session, source="fillout", form_id=form_id)
    lookback = timedelta(hours=settings.fillout_update_lookback_hours)
    after = since or (watermark - lookback if watermark else None)
    summary, latest, seen = StageSummary(), watermark, 0
    try:
        api_key = resolve_secret(settings.fillout_api_key, settings.fillout_api_key_block)
    except SecretConfigError as exc:
        raise FilloutConfigError(str(exc)) from None
    with FilloutClient(api_key, base_url=settings.fillout_base_url,
                       transport=api_transport) as client, \
            httpx.Client(timeout=FILE_TIMEOUT, transport=file_transport) as files_client:
        fetcher = FileFetcher(files_client, frozenset(settings.fillout_file_hosts), settings.max_file_bytes,
                              allow_private=settings.fillout_allow_private_hosts)
        to_documents = candidate_documents if kind is DocumentKind.RESUME else job_documents
        batch: list[IncomingDocument] = []

        def flush() -> None:
            with session_scope(engine) as session:
                summary.merge(receive_batch(batch, session=session, files_dir=settings.files_dir))
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
