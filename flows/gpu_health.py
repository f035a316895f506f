"""GPU health: is a worker online in the GPU pool? If not, start the GPU host and wait (bounded) for it.

    1. read-gpu-pool    the pool's status and its workers' heartbeats, from the Prefect API
    2. start-gpu-host   only when no worker is online: the configured starter (docker | command | http)
    3. wait-gpu-ready   poll the pool until it is READY with an online worker, at most `wait_s` seconds
    4. record           a `gpu_checks` row and a Prefect event: matchflow.gpu.ready | .unavailable | .start-failed

Deployed every 15 minutes, and run by the automations when the GPU pool goes not-ready or an inference
run fails (automations/gpu.yaml). A failed start ends the run Failed, so it shows red in the UI.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from prefect import flow, get_client, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.states import Completed, Failed, State

from matchflow.gpu.starters import Starter, StarterError, make_starter, mask_url
from matchflow.logs import install_redaction
from matchflow.settings import Settings, get_settings
from storage import gpu_checks
from storage.db import database_engine, session_scope
from tasks.gpu import GPU_EVENT_PREFIX, GpuPoolStatus, pool_resource, read_pool_status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

REPORT_KEY = "gpu-health-report"  # one artifact per run under a stable key: the UI keeps its history


@dataclass
class HealthReport:
    pool: str
    status: str  # ready | unavailable | start-failed
    pool_status: dict[str, Any]
    starter: str = "none"
    started: bool = False
    start: dict[str, Any] = field(default_factory=dict)
    waited_s: float = 0.0
    detail: str = ""

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pool_type(pool: str) -> str | None:
    """The work pool's type (docker, process...), None when it cannot be read."""
    try:
        with get_client(sync_client=True) as client:
            return client.read_work_pool(pool).type
    except Exception:  # noqa: BLE001 - the type only refines the docker starter's command
        return None


def wait_until_ready(pool: str, *, timeout_s: float, poll_s: float) -> tuple[GpuPoolStatus, float]:
    """Poll the pool until it is ready or `timeout_s` passed; returns the last status and the seconds waited."""
    started = time.monotonic()
    status = read_pool_status(pool)
    while not status.ready and time.monotonic() - started < timeout_s:
        time.sleep(min(poll_s, max(0.0, timeout_s - (time.monotonic() - started))))
        status = read_pool_status(pool)
    return status, round(time.monotonic() - started, 1)


def record_check(engine: Engine, report: HealthReport) -> int:
    """Store the check in `gpu_checks` and emit its Prefect event; returns the row id."""
    with session_scope(engine) as session:
        row_id = gpu_checks.record_gpu_check(session=session, status=report.status, pool=report.pool,
                                             detail=report.as_dict())
    payload = {k: v for k, v in report.as_dict().items() if k in ("status", "starter", "started", "waited_s",
                                                                     "detail")}
    payload["online_workers"] = report.pool_status.get("online_workers", 0)
    emit_event(event=f"{GPU_EVENT_PREFIX}.{report.status}", resource=pool_resource(report.pool), payload=payload)
    return row_id


@task(name="read-gpu-pool", cache_policy=NO_CACHE)
def read_gpu_pool(pool: str) -> GpuPoolStatus:
    return read_pool_status(pool)


@task(name="start-gpu-host", cache_policy=NO_CACHE)
def start_gpu_host(starter: Starter | None, pool: str) -> dict[str, Any]:
    if starter is None:
        raise StarterError("no starter configured (MATCHFLOW_GPU_STARTER=none)")
    return starter.start(pool=pool, pool_type=pool_type(pool))


@task(name="wait-gpu-ready", cache_policy=NO_CACHE)
def wait_gpu_ready(pool: str, timeout_s: float, poll_s: float) -> tuple[GpuPoolStatus, float]:
    return wait_until_ready(pool, timeout_s=timeout_s, poll_s=poll_s)


@task(name="record-gpu-check", cache_policy=NO_CACHE)
def record_gpu_check(engine: Engine, report: HealthReport) -> int:
    return record_check(engine, report)


def check_and_start(settings: Settings, *, start: bool = True, wait_s: float | None = None) -> HealthReport:
    """Steps 1-3 (as task runs when called inside a flow); the caller records the report."""
    pool = settings.gpu_pool
    status = read_gpu_pool(pool)
    report = HealthReport(pool=pool, status="ready" if status.ready else "unavailable",
                          pool_status=status.as_dict(), starter=settings.gpu_starter, detail=status.detail)
    if status.ready or not start or settings.gpu_starter == "none":
        if not status.ready and settings.gpu_starter == "none":
            report.detail = (status.detail + "; " if status.detail else "") + "no starter configured"
        return report
    try:
        report.start = start_gpu_host(make_starter(settings), pool)
    except StarterError as exc:
        report.status, report.detail = "start-failed", str(exc)
        return report
    report.started = True
    timeout_s = settings.gpu_start_wait_s if wait_s is None else wait_s
    status, report.waited_s = wait_gpu_ready(pool, timeout_s, settings.gpu_start_poll_s)
    report.pool_status = status.as_dict()
    if status.ready:
        report.status, report.detail = "ready", f"started by {settings.gpu_starter}"
    else:
        report.status = "start-failed"
        report.detail = f"started by {settings.gpu_starter} but the pool was {status.status} after {timeout_s:.0f} s"
    return report


# --- the run's artifact ------------------------------------------------------------------------------

_URL_RE = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>|]+", re.IGNORECASE)


def plain(value: Any) -> str:
    """A value as one line of text: URLs masked (`mask_url`: no credentials, no query), lists and dicts
    flattened, yes/no for booleans, "-" for nothing."""
    if value is None or value in ("", [], {}):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain(item) for item in value)
    return " ".join(_URL_RE.sub(lambda match: mask_url(match.group(0)), str(value)).split())


def shown(value: Any) -> str:
    """`plain(value)` for a markdown table cell (pipes escaped)."""
    return plain(value).replace("|", "\\|")


def markdown_table(rows: list[tuple[str, Any]]) -> list[str]:
    """A two-column field | value table, every value through `shown`."""
    return ["| field | value |", "|---|---|", *(f"| {name} | {shown(value)} |" for name, value in rows)]


def health_report_markdown(report: HealthReport, check_id: int) -> str:
    """The run's report: pool status, workers online, starter, started, waited, detail, gpu_checks row."""
    pool = report.pool_status
    workers = pool.get("workers") or []
    lines = [f"# GPU health: pool `{shown(report.pool)}` {report.status}", "", *markdown_table([
        ("status", report.status),
        ("pool status", pool.get("status")),
        ("workers online", f"{pool.get('online_workers', 0)}" + (f" ({plain(workers)})" if workers else "")),
        ("starter", report.starter),
        ("started", report.started),
        ("start result", report.start),
        ("waited", f"{report.waited_s:g} s"),
        ("detail", report.detail),
        ("gpu_checks row", check_id),
    ])]
    return "\n".join(lines) + "\n"


def publish_health_report(report: HealthReport, check_id: int) -> None:
    """The run's markdown artifact under `gpu-health-report` (no secrets: URLs masked, no environment)."""
    create_markdown_artifact(key=REPORT_KEY, markdown=health_report_markdown(report, check_id),
                             description=f"gpu-health: pool {report.pool} {report.status}, gpu_checks row {check_id}")


@flow(name="gpu-health", description="Check the GPU pool; start the GPU host when no worker is online.")
def gpu_health(start: bool = True, wait_s: float | None = None) -> State:
    """Check the GPU pool and, when `start` and no worker is online, start the host and wait up to `wait_s`.

    Steps 1-4 of the module docstring: read-gpu-pool, start-gpu-host, wait-gpu-ready, record.

    Args:
        start: Start the GPU host with the configured starter (MATCHFLOW_GPU_STARTER) when no worker is
            online; false: only check and record.
        wait_s: Seconds to wait for the pool to become ready after a start; empty:
            MATCHFLOW_GPU_START_WAIT_S (300).
    """
    settings = get_settings()
    install_redaction(settings)  # secrets and contacts masked in this run's logs, matchflow's included
    logger = get_run_logger()
    report = check_and_start(settings, start=start, wait_s=wait_s)
    check_id = record_gpu_check(database_engine(settings), report)
    logger.info("GPU pool %s: %s (%s) - gpu_checks row %d", report.pool, report.status, report.detail or "ok",
                check_id)
    publish_health_report(report, check_id)
    result = {**report.as_dict(), "check_id": check_id}
    if report.status == "start-failed":
        return Failed(message=f"GPU host start failed: {report.detail}", data=result)
    return Completed(message=f"GPU pool {report.status}", data=result)


if __name__ == "__main__":
    gpu_health()
