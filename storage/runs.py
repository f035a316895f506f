"""Chain runs: the one-run-per-chain lock and the `pipeline_runs` rows that record each run.

The lock is a Postgres session-level advisory lock held on a connection of its own for the whole run, so a
second run of the same chain (another worker, another machine) finds it taken; a killed process's
connection closes and the lock goes with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from storage.models import PipelineRun

RUNNING = "running"
COMPLETED = "completed"
FAILED = "failed"


def acquire_chain_lock(engine: Engine, key: int) -> Connection | None:
    """A connection holding the chain's advisory lock, or None when another run holds it."""
    connection = engine.connect()
    locked = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    connection.commit()
    if not locked:
        connection.close()
        return None
    return connection


def release_chain_lock(connection: Connection, key: int) -> None:
    """Unlock explicitly: a pooled connection's server session (and its lock) outlives `close()`."""
    try:
        connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except sa.exc.DBAPIError:
        connection.invalidate()  # the server session is gone, and the lock with it
    finally:
        connection.close()


def fail_interrupted_runs(*, session: Session, chain: str, error: str) -> None:
    """Runs of `chain` still marked running died without a word (call it while holding the chain's lock)."""
    session.execute(sa.update(PipelineRun).where(PipelineRun.chain == chain, PipelineRun.status == RUNNING).values(
        status=FAILED, finished_at=datetime.now(UTC),
        stats=PipelineRun.stats.op("||", return_type=JSONB)(sa.func.jsonb_build_object("error", error))))


def start_run(*, session: Session, chain: str, parameters: dict[str, Any], flow_run_id: str | None) -> int:
    """A new running `pipeline_runs` row; returns its id."""
    run = PipelineRun(chain=chain, parameters=parameters, flow_run_id=flow_run_id)
    session.add(run)
    session.flush()
    return run.id


def finish_run(*, session: Session, run_id: int, status: str, stats: dict[str, Any]) -> None:
    session.execute(sa.update(PipelineRun).where(PipelineRun.id == run_id).values(
        status=status, stats=stats, finished_at=datetime.now(UTC)))
