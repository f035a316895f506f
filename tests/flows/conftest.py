"""A real Prefect API server and real workers for the orchestration tests.

One `prefect server start` per module (20-30 s on two cores) on a free port, with its own PREFECT_HOME;
workers are `prefect worker start` subprocesses in their own process groups, killed (SIGKILL: a lost
host sends no goodbye) at teardown even when a test failed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO_ROOT

SERVER_START_TIMEOUT_S = 180
HEARTBEAT_S = "2"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kill_group(pid: int) -> None:
    """Kill a process group started with start_new_session=True (ignores ones already gone)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def base_env(api_url: str, prefect_home: Path) -> dict[str, str]:
    """Environment of every subprocess: this session's database (MATCHFLOW_HOME) and the test API."""
    env = dict(os.environ)
    env.update(
        PREFECT_API_URL=api_url, PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_WORKER_HEARTBEAT_SECONDS=HEARTBEAT_S, PREFECT_WORKER_QUERY_SECONDS="2",
        MATCHFLOW_APP_DIR=str(REPO_ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    return env


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory) -> Iterator[dict]:
    """A started Prefect server; PREFECT_API_URL points at it for this process and its children."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = base_env(api_url, home)
    env.update(PREFECT_UI_ENABLED="false", PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS="2",
               PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false", PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED="false")
    env.pop("PREFECT_API_URL")
    log = (home / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prefect server did not start; see {home / 'server.log'}")
            time.sleep(1)
        previous = {k: os.environ.get(k) for k in ("PREFECT_API_URL", "PREFECT_HOME")}
        os.environ.update(PREFECT_API_URL=api_url, PREFECT_HOME=str(home))
        with temporary_settings({PREFECT_API_URL: api_url}):
            yield {"url": api_url, "home": home, "env": base_env(api_url, home)}
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    finally:
        kill_group(server.pid)
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def start_worker(prefect_api) -> Iterator[Callable[..., subprocess.Popen]]:
    """start_worker(pool, name, **env) -> a running `prefect worker start --type process` subprocess."""
    started: list[subprocess.Popen] = []

    def start(pool: str, name: str, **extra_env: str) -> subprocess.Popen:
        env = {**prefect_api["env"], **extra_env}
        log = (prefect_api["home"] / f"worker-{name}.log").open("ab")
        process = subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", pool,
                                    "--type", "process", "--name", name], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=REPO_ROOT, start_new_session=True)
        started.append(process)
        return process

    yield start
    for process in started:
        kill_group(process.pid)
        process.wait(timeout=30)
