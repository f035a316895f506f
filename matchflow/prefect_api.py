"""The temporary Prefect API server of one command, started as a child that dies with it.

With no PREFECT_API_URL configured, Prefect starts an ephemeral API server in a subprocess
(`prefect.server.api.server.SubprocessASGIServer`) and stops it only from an `atexit` hook: when the
command is killed with SIGKILL the hook never runs and the server lives on, an orphan. Prefect's
ephemeral server has no parent-death handling and no public way to add one, so this module starts the
same server by hand (the same uvicorn command, environment and startup timeout) with the Linux
parent-death signal set, points Prefect at it for the duration of the command, and stops it at the end.
When an API URL is configured (environment or profile), or ephemeral mode is off, it does nothing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PORT_IN_USE_EXIT_CODE = 3  # uvicorn's exit code when it cannot bind (another process took the port first)
STOP_TIMEOUT_S = 10
LOG_PREFIX = "matchflow-prefect-api-"  # then the command's pid: the server's output, in the temporary folder

# Run by the child before it becomes the server: the kernel sends SIGKILL to the child when the thread
# that started it ends (the command's main thread: the whole command, SIGKILL included). Done in a tiny
# exec wrapper rather than in subprocess's `preexec_fn`, which is unsafe when the parent has threads.
# PR_SET_PDEATHSIG survives execve, and the server keeps the wrapper's pid.
_EXEC_WITH_PARENT_DEATH_SIGNAL = """\
import ctypes, os, signal, sys
PR_SET_PDEATHSIG = 1
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_PDEATHSIG) failed: " + os.strerror(ctypes.get_errno()))
if os.getppid() != int(sys.argv[1]):
    sys.exit("the parent process ended before the Prefect API server started")
os.execv(sys.argv[2], sys.argv[2:])
"""


class ApiServerError(RuntimeError):
    """The temporary API server did not start."""


@contextlib.contextmanager
def prefect_api() -> Iterator[str | None]:
    """Yield the Prefect API URL this command uses, starting a temporary server for the duration when needed.

    Configured API URL: yields it and changes nothing. No URL and Prefect's ephemeral mode on (its default
    profile): starts a server that dies with this process, sets PREFECT_API_URL for this process (settings
    context and environment) while the block runs, then flushes Prefect's log and event workers to it and
    stops it. Ephemeral mode off: yields None and leaves Prefect to report the missing URL. Nested use
    reuses the outer server (the URL is then configured). Enter it from a thread that outlives the block
    (the main thread): Linux sends the parent-death signal when the thread that started the server ends.
    """
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield settings.api.url
        return
    # The environment the server gets, as Prefect builds it for its own: taken before PREFECT_API_URL is set.
    environment = {**os.environ, **settings.to_environment_variables(exclude_unset=True)}
    _remove_stale_logs(Path(tempfile.gettempdir()))
    log_path = Path(tempfile.gettempdir()) / f"{LOG_PREFIX}{os.getpid()}.log"
    timeout_s = settings.server.ephemeral.startup_timeout_seconds
    with temporary_api_server(environment, log_path, startup_timeout_s=timeout_s) as api_url, \
            _api_url_for_this_process(api_url):
        try:
            yield api_url
        finally:
            _flush_to_api()


@contextlib.contextmanager
def temporary_api_server(environment: dict[str, str], log_path: Path, *,
                         startup_timeout_s: float) -> Iterator[str]:
    """Start Prefect's API server on a free port of 127.0.0.1, yield its API URL, stop it (terminate, wait,
    kill) when the block ends. Its stdout and stderr go to `log_path`, removed after a clean run and kept,
    and named in the error, when it fails to start. Raises ApiServerError after `startup_timeout_s`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + startup_timeout_s
    with log_path.open("wb") as log:
        process = None
        try:
            while True:  # a new port when another process took the one picked (uvicorn exits 3)
                port = _free_port()
                process = _start(port, environment, log)
                if _wait_until_healthy(process, port, deadline, log_path, startup_timeout_s):
                    break
        except BaseException:
            if process is not None:
                _stop(process)
            raise
        try:
            yield f"http://127.0.0.1:{port}/api"
        finally:
            _stop(process)
            with contextlib.suppress(OSError):
                log_path.unlink()


def _remove_stale_logs(directory: Path) -> None:
    """Remove the empty server logs of commands that were killed (a clean stop removes its own; one with
    output is kept for reading)."""
    for path in directory.glob(f"{LOG_PREFIX}*.log"):
        pid = path.stem.removeprefix(LOG_PREFIX)
        with contextlib.suppress(OSError, ValueError):
            if path.stat().st_size == 0 and not _alive(int(pid)):
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_command(port: int) -> list[str]:
    """Prefect's own ephemeral server command (SubprocessASGIServer._run_uvicorn_command in Prefect 3.8)."""
    import prefect

    return [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
            "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]


def _start(port: int, environment: dict[str, str], log) -> subprocess.Popen:
    command = _server_command(port)
    dies_with_parent = sys.platform.startswith("linux")
    if dies_with_parent:
        command = [sys.executable, "-c", _EXEC_WITH_PARENT_DEATH_SIGNAL, str(os.getpid()), *command]
    # No UI, ephemeral services only, final app: the flags Prefect sets for its own ephemeral server.
    env = {**environment, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    # Its own session when it dies with the command anyway: a Ctrl-C at the terminal then reaches the command
    # alone, which reports its flow run crashed to a server still up, then stops it. (In the command's group
    # the server quits at the same Ctrl-C and the command retries its last API calls for a minute or more.)
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=dies_with_parent)


def _wait_until_healthy(process: subprocess.Popen, port: int, deadline: float, log_path: Path,
                        startup_timeout_s: float) -> bool:
    """True once /api/health answers; False when the port was taken (try another); raises otherwise."""
    import httpx

    url = f"http://127.0.0.1:{port}/api/health"
    with httpx.Client(timeout=5, trust_env=False) as client:  # 127.0.0.1: never through an HTTP(S)_PROXY
        while True:
            code = process.poll()
            if code == PORT_IN_USE_EXIT_CODE and time.monotonic() < deadline:
                return False
            if code is not None:
                raise ApiServerError(f"the temporary Prefect API server exited with code {code} before it "
                                     f"answered on {url}; its output is in {log_path}")
            with contextlib.suppress(httpx.TransportError):
                if client.get(url).status_code == 200 and process.poll() is None:
                    return True
            if time.monotonic() > deadline:
                _stop(process)
                raise ApiServerError(
                    f"the temporary Prefect API server did not answer on {url} within {startup_timeout_s:g} s "
                    f"(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS); its output is in {log_path}. "
                    "Set PREFECT_API_URL to use a running Prefect server instead.")
            time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


@contextlib.contextmanager
def _api_url_for_this_process(api_url: str) -> Iterator[None]:
    """PREFECT_API_URL = api_url in this process's settings context, its global settings context (threads
    that did not copy the context) and its environment (new Settings(), subprocesses), restored after."""
    import prefect.context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    prefect.context.refresh_global_settings_context()
    try:
        with temporary_settings({PREFECT_API_URL: api_url}):
            yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        prefect.context.refresh_global_settings_context()


def _flush_to_api() -> None:
    """Send the logs and events Prefect still holds while the server is up (Prefect flushes them at exit,
    when this server is gone)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):  # a flush that fails must not hide the command's own outcome
            worker.drain_all(timeout=STOP_TIMEOUT_S)

