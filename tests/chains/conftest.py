"""A real Prefect API for the chain tests: the test harness (a temporary server) for this package."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="package")
def prefect_api():
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
