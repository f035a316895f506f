"""Starters: how `gpu-health` brings up the GPU host when its pool has no online worker, and how
`gpu-maintenance` stops it again when idle.

    docker   a container running a Prefect worker for the GPU pool, with an NVIDIA device request
    command  an argv from settings, checked against an allow-list, run without a shell, detached
    http     a POST to a configured URL (e.g. a cloud API that boots a VM), bearer token optional

`make_starter(settings)` picks one; the pure builders (`docker_worker_spec`, `validate_argv`,
`validate_url`) are what the tests check where no Docker engine or cloud exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Protocol

import httpx

from matchflow.secrets import SecretConfigError, resolve_secret
from matchflow.settings import Settings

WORKER_ROLE_LABEL = "matchflow.role"
DOCKER_SOCKET = "/var/run/docker.sock"


def docker_socket_group() -> int:
    """The group that owns the Docker engine's socket on this host (0 when there is no socket here)."""
    try:
        return os.stat(DOCKER_SOCKET).st_gid
    except OSError:
        return 0


class StarterError(RuntimeError):
    """The GPU host could not be started or stopped; the message says why and what to check."""


class Starter(Protocol):
    name: str

    def start(self, *, pool: str, pool_type: str | None) -> dict[str, Any]: ...

    def stop(self, *, pool: str) -> dict[str, Any]: ...


# --- validation (pure) ---------------------------------------------------------------------------


def validate_argv(argv: list[str], allowlist: list[str]) -> list[str]:
    """The argv when its executable is allowed, else ValueError.

    A bare name (`prefect`) must be in the allow-list and is resolved on PATH; an absolute path must
    itself be listed. A relative path (`./x`, `bin/x`) is never allowed: its meaning depends on the cwd.
    """
    if not argv or not all(isinstance(part, str) and part for part in argv):
        raise ValueError("the GPU command is empty: set MATCHFLOW_GPU_START_COMMAND (a JSON list or a string)")
    executable = argv[0]
    if os.path.isabs(executable):
        if executable not in allowlist:
            raise ValueError(f"{executable!r} is not in MATCHFLOW_GPU_COMMAND_ALLOWLIST")
    elif os.sep in executable or (os.altsep and os.altsep in executable):
        raise ValueError(f"{executable!r} is a relative path; use a bare name on PATH or an absolute path")
    elif executable not in allowlist:
        raise ValueError(f"{executable!r} is not in MATCHFLOW_GPU_COMMAND_ALLOWLIST ({', '.join(allowlist)})")
    return list(argv)


def validate_url(url: str, allowed_http_hosts: list[str]) -> httpx.URL:
    """An https URL, or http only to a host explicitly allowed (e.g. a local agent); no credentials inside."""
    parsed = httpx.URL(url)
    host = (parsed.host or "").lower()
    if not host:
        raise ValueError(f"{mask_url(url)!r} has no host")
    if parsed.userinfo:
        raise ValueError("credentials inside the URL are refused; set MATCHFLOW_GPU_HTTP_TOKEN(_BLOCK) instead")
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http" and host in {h.lower() for h in allowed_http_hosts}:
        return parsed
    raise ValueError(f"{mask_url(url)!r}: only https, or http to a host in MATCHFLOW_GPU_HTTP_ALLOWED_HOSTS")


def mask_url(url: str | httpx.URL) -> str:
    """scheme://host[:port]/path, without credentials or the query (signed URLs carry secrets there)."""
    try:
        parsed = httpx.URL(str(url))
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as nothing
        return "<invalid url>"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.path}"


# --- docker ---------------------------------------------------------------------------------------


def docker_worker_spec(settings: Settings, *, pool: str, pool_type: str | None,
                       environment: dict[str, str]) -> dict[str, Any]:
    """Keyword arguments for docker-py's `containers.run`: a detached worker container for the GPU pool.

    The container gets the NVIDIA device request in every case: for a `process` pool it *is* the GPU
    host and runs flows itself; for a `docker` pool it runs a docker worker (the host's socket mounted)
    whose flow-run containers get their own device request from the pool's job variables.
    """
    from docker.types import DeviceRequest

    worker_type = pool_type or "process"
    spec: dict[str, Any] = {
        "image": settings.gpu_docker_image,
        "command": ["prefect", "worker", "start", "--pool", pool, "--type", worker_type],
        "name": settings.gpu_docker_container,
        "detach": True,
        "environment": dict(environment),
        "labels": {WORKER_ROLE_LABEL: "gpu-worker", "matchflow.pool": pool},
        "restart_policy": {"Name": "unless-stopped"},
        "device_requests": [DeviceRequest(driver="nvidia", count=settings.gpu_docker_gpus,
                                          capabilities=[["gpu"]])],
    }
    if worker_type == "docker":
        # the image runs as uid 10001: it may use the engine's socket through the socket's own group
        spec["volumes"] = {DOCKER_SOCKET: {"bind": DOCKER_SOCKET, "mode": "rw"}}
        spec["group_add"] = [str(docker_socket_group())]
    if settings.gpu_docker_network:
        spec["network"] = settings.gpu_docker_network
    return spec


def worker_environment(settings: Settings) -> dict[str, str]:
    """What a worker on another host needs: the Prefect API and the database (secrets: never log this)."""
    from prefect.settings import PREFECT_API_KEY, PREFECT_API_URL

    env = {"PREFECT_API_URL": PREFECT_API_URL.value() or "", "HF_HUB_OFFLINE": "1",
           "MATCHFLOW_GPU_POOL": settings.gpu_pool}
    if PREFECT_API_KEY.value():
        env["PREFECT_API_KEY"] = PREFECT_API_KEY.value()
    if settings.database_url_block:  # the Prefect way: the container reads the URL from the block at run time
        env["MATCHFLOW_DATABASE_URL_BLOCK"] = settings.database_url_block
    elif settings.database_url is not None:
        env["MATCHFLOW_DATABASE_URL"] = settings.database_url.get_secret_value()
    return env


class DockerStarter:
    """Runs (or restarts) the GPU worker container through the Docker engine's API (docker SDK)."""

    name = "docker"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _client(self):
        import docker
        from docker.errors import DockerException

        try:
            client = docker.from_env()
            client.ping()
        except DockerException as exc:
            host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
            raise StarterError(f"no Docker engine reachable at {host} ({type(exc).__name__}); start Docker, set "
                               "DOCKER_HOST, or choose MATCHFLOW_GPU_STARTER=command|http") from None
        return client

    def start(self, *, pool: str, pool_type: str | None) -> dict[str, Any]:
        from docker.errors import APIError, NotFound

        client = self._client()
        name = self.settings.gpu_docker_container
        try:
            try:
                container = client.containers.get(name)
            except NotFound:
                spec = docker_worker_spec(self.settings, pool=pool, pool_type=pool_type,
                                          environment=worker_environment(self.settings))
                container = client.containers.run(**spec)
                return {"container": name, "id": container.short_id, "action": "created"}
            if container.status != "running":
                container.start()
                return {"container": name, "id": container.short_id, "action": "restarted"}
            return {"container": name, "id": container.short_id, "action": "already running"}
        except APIError as exc:
            raise StarterError(f"docker could not start {name!r}: {exc.explanation or exc}") from None

    def stop(self, *, pool: str) -> dict[str, Any]:
        from docker.errors import APIError, NotFound

        client = self._client()
        name = self.settings.gpu_docker_container
        try:
            client.containers.get(name).stop(timeout=30)
        except NotFound:
            return {"container": name, "action": "not found"}
        except APIError as exc:
            raise StarterError(f"docker could not stop {name!r}: {exc.explanation or exc}") from None
        return {"container": name, "action": "stopped"}


# --- command --------------------------------------------------------------------------------------


class CommandStarter:
    """Runs an allowed argv without a shell, in its own session so it outlives the flow run."""

    name = "command"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def start(self, *, pool: str, pool_type: str | None) -> dict[str, Any]:
        try:
            argv = validate_argv(self.settings.gpu_start_command, self.settings.gpu_command_allowlist)
        except ValueError as exc:
            raise StarterError(str(exc)) from None
        executable = shutil.which(argv[0])
        if executable is None:
            raise StarterError(f"{argv[0]!r} is not found on PATH")
        log_file = host_log_path(self.settings)
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("ab") as log:
            process = subprocess.Popen([executable, *argv[1:]], stdin=subprocess.DEVNULL, stdout=log,  # noqa: S603
                                       stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
        time.sleep(1.0)  # a command that fails at once (bad flag, missing binary) is a failed start
        code = process.poll()
        if code not in (None, 0):
            raise StarterError(f"{argv[0]} exited with code {code} at once; see {log_file}")
        return {"pid": process.pid, "executable": argv[0], "log": str(log_file)}

    def stop(self, *, pool: str) -> dict[str, Any]:
        if not self.settings.gpu_stop_command:
            raise StarterError("no stop command: set MATCHFLOW_GPU_STOP_COMMAND")
        try:
            argv = validate_argv(self.settings.gpu_stop_command, self.settings.gpu_command_allowlist)
        except ValueError as exc:
            raise StarterError(str(exc)) from None
        try:
            done = subprocess.run(argv, capture_output=True, timeout=120, check=False)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StarterError(f"stop command {argv[0]} failed: {type(exc).__name__}") from None
        if done.returncode != 0:
            raise StarterError(f"stop command {argv[0]} exited with code {done.returncode}")
        return {"executable": argv[0], "returncode": done.returncode}


# --- http -----------------------------------------------------------------------------------------


def http_token(settings: Settings) -> str | None:
    """The bearer token: from the Prefect Secret block when one is named, else MATCHFLOW_GPU_HTTP_TOKEN."""
    try:
        return resolve_secret(settings.gpu_http_token, settings.gpu_http_token_block)
    except SecretConfigError as exc:
        raise StarterError(str(exc)) from None


class HttpStarter:
    """POSTs {"action": "start"|"stop", "pool": ...} to a configured URL."""

    name = "http"

    def __init__(self, settings: Settings, *, timeout_s: float = 30.0) -> None:
        self.settings = settings
        self.timeout_s = timeout_s

    def _post(self, url: str | None, action: str, pool: str) -> dict[str, Any]:
        if not url:
            variable = "MATCHFLOW_GPU_START_URL" if action == "start" else "MATCHFLOW_GPU_STOP_URL"
            raise StarterError(f"no URL to {action} the GPU host: set {variable}")
        try:
            target = validate_url(url, self.settings.gpu_http_allowed_hosts)
        except ValueError as exc:
            raise StarterError(str(exc)) from None
        token = http_token(self.settings)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = httpx.post(target, json={"action": action, "pool": pool}, headers=headers,
                                  timeout=self.timeout_s, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise StarterError(f"POST {mask_url(target)} failed: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise StarterError(f"POST {mask_url(target)} answered HTTP {response.status_code}")
        return {"url": mask_url(target), "status_code": response.status_code}

    def start(self, *, pool: str, pool_type: str | None) -> dict[str, Any]:
        return self._post(self.settings.gpu_start_url, "start", pool)

    def stop(self, *, pool: str) -> dict[str, Any]:
        return self._post(self.settings.gpu_stop_url, "stop", pool)


STARTERS = {"docker": DockerStarter, "command": CommandStarter, "http": HttpStarter}


def make_starter(settings: Settings) -> Starter | None:
    """The configured starter, or None when MATCHFLOW_GPU_STARTER=none."""
    factory = STARTERS.get(settings.gpu_starter)
    return factory(settings) if factory else None


def host_log_path(settings: Settings) -> Path:
    """Where the command starter writes the started host's output."""
    return settings.home / "logs" / "gpu-host.log"
