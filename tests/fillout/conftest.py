"""Fixtures for the Fillout source: a real local Fillout-speaking server and client factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from matchflow.fillout.client import FilloutClient
from tests.servers.fillout_server import FilloutServer


class SleepRecorder:
    """Stands in for time.sleep in retry tests: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fillout_server() -> Iterator[FilloutServer]:
    with FilloutServer() as server:
        yield server


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(
    fillout_server: FilloutServer, sleeps: SleepRecorder
) -> Iterator[Callable[..., FilloutClient]]:
    """Builds clients pointed at the local server; by default they do not really sleep."""
    clients: list[FilloutClient] = []

    def build(**overrides: Any) -> FilloutClient:
        options: dict[str, Any] = {"base_url": fillout_server.base_url, "sleep": sleeps, "timeout": 5.0}
        options.update(overrides)
        api_key = options.pop("api_key", fillout_server.api_key)
        client = FilloutClient(api_key, **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
