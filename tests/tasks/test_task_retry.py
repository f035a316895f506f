"""The retry policy of I/O tasks: transient database and network failures are retried, nothing else is."""

from __future__ import annotations

import httpx
import psycopg
import pytest
import sqlalchemy as sa
from prefect import task

from tasks.retry import IO_TASK_OPTIONS, is_transient


@pytest.mark.parametrize(("error", "transient"), [
    (sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
    (psycopg.OperationalError("connection refused"), True),
    (httpx.ConnectError("refused"), True),
    (TimeoutError(), True),
    (sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")), False),
    (ValueError("a bug"), False),
    (None, False),
])
def test_is_transient(error: BaseException | None, transient: bool) -> None:
    assert is_transient(error) is transient


def test_an_io_task_retries_a_transient_failure_and_not_a_bug(prefect_api) -> None:
    calls: list[str] = []
    options = {**IO_TASK_OPTIONS, "retry_delay_seconds": 0, "retry_jitter_factor": None}

    @task(**options)
    def flaky(kind: str) -> str:
        calls.append(kind)
        if len(calls) == 1:
            raise psycopg.OperationalError("the server is restarting") if kind == "db" else ValueError("a bug")
        return "done"

    assert flaky("db") == "done" and calls == ["db", "db"]
    calls.clear()
    with pytest.raises(ValueError, match="a bug"):
        flaky("bug")
    assert calls == ["bug"]
