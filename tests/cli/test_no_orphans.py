"""No orphans: the temporary Prefect API server of `matchflow run` lives and dies with the command.

Real processes throughout: the CLI as a subprocess with no PREFECT_API_URL and a fresh PREFECT_HOME, on the
session's embedded Postgres (tests/conftest.py's temporary MATCHFLOW_HOME; the `engine` fixture empties
the data after each test). The CLI runs in its own session so that a failed test can still kill whatever
it left; the kill under test is SIGKILL of the CLI process alone, never its group.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from matchflow.prefect_api import LOG_PREFIX, ApiServerError, prefect_api, temporary_api_server
from tests.pipeline.conftest import SAMPLES

SERVER_START_TIMEOUT_S = 240  # the command's database setup and imports, then a 20-30 s server start
GONE_WITHIN_S = 5


def _is_api_server(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return "prefect.server.api.server:create_app" in process.cmdline()
    return False


def _listening(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return any(c.status == psutil.CONN_LISTEN for c in process.net_connections(kind="tcp"))
    return False


def _still_running(processes: list[psutil.Process], within_s: float) -> list[psutil.Process]:
    """The processes still running after `within_s` (a zombie has ended: it only waits for init to reap it)."""
    def running(process: psutil.Process) -> bool:
        with contextlib.suppress(psutil.Error):
            return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        return False

    deadline = time.monotonic() + within_s
    while (alive := [p for p in processes if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def _start_run(tmp_path: Path, *extra: str) -> subprocess.Popen:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(next((SAMPLES / "resumes").glob("r01-*")), source)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "MATCHFLOW_FILE_STORE": str(tmp_path / "files")}
    env.pop("PREFECT_API_URL", None)
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        return subprocess.Popen([sys.executable, "-m", "matchflow", "run", "chain-a", "--source", str(source),
                                 *extra], env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                start_new_session=True)


def _wait_for_its_api_server(cli: subprocess.Popen, tmp_path: Path, descendants: list[psutil.Process]) -> None:
    """Until the CLI's API server listens; `descendants` then holds every process under the CLI."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not any(_is_api_server(p) and _listening(p) for p in descendants):
        assert cli.poll() is None, f"the run ended ({cli.returncode}) before its API server was seen: " \
                                   + (tmp_path / "stderr.txt").read_text()[-3000:]
        assert time.monotonic() < deadline, "no listening API server under the CLI"
        time.sleep(0.2)
        with contextlib.suppress(psutil.NoSuchProcess):
            descendants[:] = psutil.Process(cli.pid).children(recursive=True)
    servers = [p for p in descendants if _is_api_server(p)]
    assert len(servers) == 1, [p.cmdline() for p in servers]  # the CLI's own, and no Prefect-started one


def _kill_leftovers(cli: subprocess.Popen, seen: list[psutil.Process]) -> None:
    """Test cleanup: the CLI's process group and every process seen under it, whatever the outcome."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(cli.pid, signal.SIGKILL)
    for process in seen:
        with contextlib.suppress(psutil.Error):
            process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        cli.wait(30)


def test_sigkill_of_the_cli_takes_its_api_server_along(engine, tmp_path):
    cli = _start_run(tmp_path)
    descendants: list[psutil.Process] = []
    try:
        _wait_for_its_api_server(cli, tmp_path, descendants)
        os.kill(cli.pid, signal.SIGKILL)  # the CLI alone: its group and its children are left to themselves
        cli.wait(30)
        alive = _still_running(descendants, GONE_WITHIN_S)
        assert alive == [], [(p.pid, p.cmdline()) for p in alive]
    finally:
        _kill_leftovers(cli, descendants)

    # the killed run left the session's database usable: the next command runs on it
    status = subprocess.run([sys.executable, "-m", "matchflow", "db", "status"], capture_output=True, text=True,
                            timeout=300, check=False)
    assert status.returncode == 0, status.stderr[-3000:]
    assert "up to date" in status.stdout


def test_ctrl_c_ends_the_run_promptly_and_stops_its_api_server(engine, tmp_path):
    """SIGINT to the CLI's process group, as a terminal's Ctrl-C: the server, in a session of its own, stays up
    while the CLI reports its flow run crashed, then goes (in the CLI's group it would quit at once and leave
    the CLI retrying its API calls for a minute or more)."""
    cli = _start_run(tmp_path)
    descendants: list[psutil.Process] = []
    try:
        _wait_for_its_api_server(cli, tmp_path, descendants)
        started = time.monotonic()
        os.killpg(cli.pid, signal.SIGINT)
        cli.wait(60)
        assert time.monotonic() - started < 30, "the run took too long to stop"
        assert cli.returncode != 0
        alive = _still_running(descendants, GONE_WITHIN_S)
        assert alive == [], [(p.pid, p.cmdline()) for p in alive]
        assert "Error logging to API" not in (tmp_path / "stderr.txt").read_text()
    finally:
        _kill_leftovers(cli, descendants)


def test_a_finished_run_leaves_no_api_server_behind(engine, tmp_path):
    cli = _start_run(tmp_path, "--json")
    seen: dict[int, psutil.Process] = {}
    servers: set[int] = set()
    try:
        deadline = time.monotonic() + 600
        while cli.poll() is None:
            assert time.monotonic() < deadline, "the run did not finish"
            with contextlib.suppress(psutil.NoSuchProcess):
                for process in psutil.Process(cli.pid).children(recursive=True):
                    process = seen.setdefault(process.pid, process)
                    if _is_api_server(process):
                        servers.add(process.pid)
            time.sleep(0.2)
        out = cli.stdout.read()
        assert cli.returncode == 0, (tmp_path / "stderr.txt").read_text()[-3000:]
        assert json.loads(out)["stages"], out
        assert "Error logging to API" not in (tmp_path / "stderr.txt").read_text()  # flushed before the stop
        assert len(servers) == 1, servers  # started by the CLI, and Prefect started none of its own
        assert _still_running([seen[pid] for pid in servers], 0) == []  # stopped before the CLI exited
        alive = _still_running(list(seen.values()), GONE_WITHIN_S)  # and nothing else it started lives on
        assert alive == [], [(p.pid, p.cmdline()) for p in alive]
        assert not (Path(tempfile.gettempdir()) / f"{LOG_PREFIX}{cli.pid}.log").exists()
    finally:
        _kill_leftovers(cli, list(seen.values()))


def test_a_configured_api_url_is_used_as_it_is():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    before = set(psutil.Process().children(recursive=True))
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}), prefect_api() as url:
        assert url == "http://127.0.0.1:9/api"
        assert set(psutil.Process().children(recursive=True)) == before


def test_a_server_that_does_not_start_in_time_says_where_its_output_went(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    log = tmp_path / "api.log"
    before = set(psutil.Process().children(recursive=True))
    with pytest.raises(ApiServerError) as error, temporary_api_server(env, log, startup_timeout_s=0.5):
        pytest.fail("the server cannot be up within 0.5 s")
    message = str(error.value)
    assert str(log) in message and "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in message
    assert log.exists()  # kept for reading
    assert set(psutil.Process().children(recursive=True)) == before  # the server was stopped


def test_nested_use_shares_one_server_and_restores_the_settings(tmp_path, monkeypatch):
    """`matchflow demo` runs two chains in one block: one server for both, none after, no URL left set."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, get_current_settings, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    before = set(psutil.Process().children(recursive=True))
    with temporary_settings({PREFECT_HOME: str(tmp_path / "prefect")}, restore_defaults={PREFECT_API_URL}):
        with prefect_api() as outer, prefect_api() as inner:
            assert outer == inner == get_current_settings().api.url == os.environ["PREFECT_API_URL"]
            started = set(psutil.Process().children(recursive=True)) - before
            assert [_is_api_server(p) for p in started] == [True]
        assert get_current_settings().api.url is None and "PREFECT_API_URL" not in os.environ
    assert _still_running(list(started), 0) == []
