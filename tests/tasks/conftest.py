"""The tasks run as real Prefect task runs against a temporary API (the test harness) and the session's
embedded Postgres; their contexts are built the way the flows build them."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="package")
def prefect_api():
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")  # tasks called outside a flow
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def context(engine, settings, tmp_path):
    """A run context as a chain builds it (per-test file store, the suite's torch backend), model not resolved."""
    from matchflow.pipeline.context import RunContext

    return RunContext.from_settings(settings.model_copy(update={"file_store": tmp_path / "files"}), engine=engine)
