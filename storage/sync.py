"""Source watermarks: where the next incremental fetch of a form starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import SourceSyncState


def read_watermark(*, session: Session, source: str, form_id: str) -> datetime | None:
    state = session.get(SourceSyncState, (source, form_id))
    return state.watermark if state else None


def advance_watermark(*, session: Session, source: str, form_id: str, watermark: datetime) -> None:
    """Move the watermark forward (never back); call only after the data behind it is committed."""
    statement = insert(SourceSyncState).values(source=source, form_id=form_id, watermark=watermark)
    session.execute(statement.on_conflict_do_update(
        index_elements=["source", "form_id"],
        set_={"watermark": statement.excluded.watermark},
        where=(SourceSyncState.watermark.is_(None)) | (SourceSyncState.watermark < statement.excluded.watermark),
    ))
