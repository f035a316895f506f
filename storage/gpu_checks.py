"""The `gpu_checks` log: what gpu-health and gpu-maintenance saw and did, one row per run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import GpuCheck


def record_gpu_check(*, session: Session, status: str, pool: str, detail: dict[str, Any]) -> int:
    """Store one check; returns its id."""
    row = GpuCheck(status=status, pool=pool, detail=detail)
    session.add(row)
    session.flush()
    return row.id


def host_started_since(*, session: Session, pool: str, since: datetime) -> bool:
    """Did gpu-health start the pool's host after `since`?"""
    rows = session.scalars(sa.select(GpuCheck.detail).where(GpuCheck.pool == pool,
                                                            GpuCheck.created_at >= since)).all()
    return any(detail.get("started") for detail in rows)
