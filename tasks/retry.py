"""The retry policy shared by I/O tasks: transient failures only, exponential backoff with jitter."""

from __future__ import annotations

from typing import Any

import httpx
from prefect.tasks import exponential_backoff

from storage.db import is_transient_database_error

DB_RETRIES = 3
RETRY_DELAYS = exponential_backoff(backoff_factor=2)  # 2 s, 4 s, 8 s
RETRY_JITTER = 0.5

TRANSIENT_NETWORK_ERRORS: tuple[type[BaseException], ...] = (httpx.TransportError, ConnectionError, TimeoutError)


def is_transient(exception: BaseException | None) -> bool:
    """A network or database hiccup (see `storage.db.is_transient_database_error`), never a bug or bad input."""
    return exception is not None and (isinstance(exception, TRANSIENT_NETWORK_ERRORS)
                                      or is_transient_database_error(exception))


def retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect `retry_condition_fn`: retry database/network hiccups, never a bug or a bad document."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001 - we only classify it
        return is_transient(exc)
    return False


IO_TASK_OPTIONS: dict[str, Any] = {
    "retries": DB_RETRIES,
    "retry_delay_seconds": RETRY_DELAYS,
    "retry_jitter_factor": RETRY_JITTER,
    "retry_condition_fn": retry_transient,
}
