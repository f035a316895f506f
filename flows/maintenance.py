"""Maintenance flows: `gpu-maintenance` (stop an idle GPU host, report device memory and models) and
`cleanup` (the retention policy of storage/retention.py).

Idle means: no run of the inference flow started or is active within the last `gpu_idle_minutes`
(read from the Prefect API), and gpu-health did not start the host within that window either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from prefect import flow, get_client, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.events import emit_event

from flows.gpu_health import markdown_table, plain, shown
from matchflow.gpu.starters import Starter, StarterError, make_starter
from matchflow.logs import install_redaction
from matchflow.settings import get_settings
from storage import gpu_checks
from storage.db import database_engine, session_scope
from storage.retention import RetentionPolicy, RetentionReport, apply_retention
from tasks.gpu import pool_resource, read_pool_status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ACTIVE_STATES = [StateType.RUNNING, StateType.PENDING, StateType.SCHEDULED]
# one artifact per run under a stable key each: the UI keeps their history
MAINTENANCE_KEY = "gpu-maintenance-report"
CLEANUP_KEY = "cleanup-report"


def inference_runs_since(flow_name: str, since: datetime) -> int:
    """How many runs of `flow_name` started after `since` or are active now (Prefect API)."""
    flows = FlowFilter(name=FlowFilterName(any_=[flow_name]))
    with get_client(sync_client=True) as client:
        recent = client.read_flow_runs(flow_filter=flows, limit=50, flow_run_filter=FlowRunFilter(
            start_time=FlowRunFilterStartTime(after_=since)))
        active = client.read_flow_runs(flow_filter=flows, limit=50, flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=ACTIVE_STATES))))
    return len({run.id for run in [*recent, *active]})


def device_report() -> dict[str, Any]:
    """CUDA memory and the models loaded in this process, or a note that it runs on CPU."""
    import torch

    from matchflow.embedding import loaded_models

    models = [f"{name} on {device}" for name, device in loaded_models()]
    if not torch.cuda.is_available():
        return {"device": "cpu", "note": "no CUDA device visible to this process", "loaded_models": models}
    mib = 1024 * 1024
    free, total = torch.cuda.mem_get_info()
    return {"device": "cuda", "name": torch.cuda.get_device_name(0), "total_mib": total // mib,
            "free_mib": free // mib, "allocated_mib": torch.cuda.memory_allocated() // mib,
            "reserved_mib": torch.cuda.memory_reserved() // mib,
            "max_allocated_mib": torch.cuda.max_memory_allocated() // mib, "loaded_models": models}


@task(name="gpu-idle-check", cache_policy=NO_CACHE)
def idle_check(engine: Engine, pool: str, inference_flow: str, idle_minutes: float) -> dict[str, Any]:
    """Idle: no inference run in the window, and gpu-health did not start the host in it (it had no chance yet)."""
    since = datetime.now(UTC) - timedelta(minutes=idle_minutes)
    runs = inference_runs_since(inference_flow, since)
    with session_scope(engine) as session:
        started = gpu_checks.host_started_since(session=session, pool=pool, since=since)
    return {"inference_runs": runs, "started_in_window": started, "idle": runs == 0 and not started,
            "window_minutes": idle_minutes}


@task(name="stop-gpu-host", cache_policy=NO_CACHE)
def stop_gpu_host(starter: Starter | None, pool: str) -> dict[str, Any]:
    if starter is None:
        raise StarterError("no starter configured (MATCHFLOW_GPU_STARTER=none): nothing to stop with")
    return starter.stop(pool=pool)


# --- the runs' artifacts ------------------------------------------------------------------------------


def maintenance_report_markdown(report: dict[str, Any]) -> str:
    """gpu-maintenance's report: pool, idle check, action (and the stop's result or error), device report."""
    pool = report["pool"]
    workers = pool.get("workers") or []
    idle = report.get("idle")
    idle_text = "not checked: no worker online" if idle is None else (
        f"{'idle' if idle['idle'] else 'busy'}: {idle['inference_runs']} inference run(s) in the last "
        f"{idle['window_minutes']:g} min, host started by gpu-health in them: {plain(idle['started_in_window'])}")
    rows = [("pool status", str(pool.get("status")) + (f" ({plain(pool['detail'])})" if pool.get("detail") else "")),
            ("workers online", f"{pool.get('online_workers', 0)}" + (f" ({plain(workers)})" if workers else "")),
            ("idle check", idle_text), ("action", report["action"])]
    rows += [(name, report[key]) for key, name in (("stop", "stop result"), ("error", "error")) if key in report]
    device = report.get("device") or {}
    lines = [f"# GPU maintenance: pool `{shown(pool.get('pool'))}`, action {shown(report['action'])}", "",
             *markdown_table(rows), "", "## Device", "",
             *markdown_table([(key.replace("_mib", " MiB").replace("_", " "), value) for key, value in device.items()])]
    return "\n".join(lines) + "\n"


def publish_maintenance_report(report: dict[str, Any]) -> None:
    """The run's markdown artifact under `gpu-maintenance-report`."""
    create_markdown_artifact(key=MAINTENANCE_KEY, markdown=maintenance_report_markdown(report),
                             description=f"gpu-maintenance: pool {report['pool'].get('pool')}, "
                                         f"action {report['action']}, device {report['device'].get('device')}")


def _size(n_bytes: int) -> str:
    size, unit = float(n_bytes), "bytes"
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            break
        size /= 1024
    return f"{n_bytes} bytes" if unit == "bytes" else f"{size:.1f} {unit} ({n_bytes} bytes)"


def cleanup_report_markdown(report: RetentionReport, policy: RetentionPolicy) -> str:
    """cleanup's report: counts per category with the policy's age limits, bytes freed, dry run or not."""
    title = "Cleanup (dry run): counted, nothing deleted" if report.dry_run else "Cleanup: deleted"
    lines = [f"# {title}", "",
             "| what | count | policy: older than |", "|---|---|---|",
             f"| failed documents (not updated) | {report.failed_documents} | {policy.failed_days} days |",
             f"| superseded match sessions | {report.superseded_sessions} | {policy.session_days} days |",
             f"| raw files used by no current document | {report.raw_files} | {policy.raw_file_days} days |",
             "", f"- bytes {'that would be ' if report.dry_run else ''}freed: {_size(report.bytes_freed)}",
             f"- dry run: {plain(report.dry_run)}",
             "- never deleted: what a current match result references, and sessions whose results a recruiter "
             "linked to a job"]
    return "\n".join(lines) + "\n"


def publish_cleanup_report(report: RetentionReport, policy: RetentionPolicy) -> None:
    """The run's markdown artifact under `cleanup-report`."""
    create_markdown_artifact(key=CLEANUP_KEY, markdown=cleanup_report_markdown(report, policy),
                             description=f"cleanup{' (dry run)' if report.dry_run else ''}: "
                                         f"{report.failed_documents} failed documents, {report.superseded_sessions} "
                                         f"superseded sessions, {report.raw_files} raw files")


@flow(name="gpu-maintenance", description="Stop an idle GPU host; report GPU memory and loaded models.")
def gpu_maintenance(idle_minutes: float | None = None, stop: bool = True) -> dict[str, Any]:
    """1. pool status  2. idle? (Prefect API + gpu_checks)  3. stop the host when idle  4. device report.

    Args:
        idle_minutes: The host is idle when no inference run started or ran in this many minutes and
            gpu-health did not start it in them; empty: MATCHFLOW_GPU_IDLE_MINUTES (60).
        stop: Stop an idle host with the configured starter; false: only report.
    """
    settings = get_settings()
    install_redaction(settings)  # secrets and contacts masked in this run's logs, matchflow's included
    engine = database_engine(settings)
    logger = get_run_logger()
    pool = read_pool_status(settings.gpu_pool)
    report: dict[str, Any] = {"pool": pool.as_dict(), "action": "none"}
    if pool.online_workers:
        report["idle"] = idle_check(engine, settings.gpu_pool, settings.inference_flow,
                                    idle_minutes or settings.gpu_idle_minutes)
        if report["idle"]["idle"] and stop and settings.gpu_starter != "none":
            try:
                report["stop"] = stop_gpu_host(make_starter(settings), settings.gpu_pool)
                report["action"] = "stopped"
            except StarterError as exc:
                report["action"], report["error"] = "stop-failed", str(exc)
        elif report["idle"]["idle"]:
            report["action"] = "idle (no starter to stop it with)" if stop else "idle (stop=false)"
    report["device"] = device_report()
    with session_scope(engine) as session:
        gpu_checks.record_gpu_check(session=session, status=f"maintenance-{report['action'].split()[0]}",
                                    pool=settings.gpu_pool, detail=report)
    if report["action"] in ("stopped", "stop-failed"):
        emit_event(event=f"matchflow.gpu.{report['action']}", resource=pool_resource(settings.gpu_pool),
                   payload={k: v for k, v in report.items() if k in ("action", "error", "idle")})
    logger.info("GPU maintenance: pool %s %s, action %s, device %s", pool.pool, pool.status, report["action"],
                report["device"]["device"])
    publish_maintenance_report(report)
    return report


@flow(name="cleanup", description="Retention: old failed documents, superseded sessions, unused raw files.")
def cleanup(dry_run: bool = False) -> dict[str, Any]:
    """Apply the retention policy from settings; never touches what a current match result references.

    Args:
        dry_run: Only count what the policy would delete (failed documents, superseded sessions, raw
            files, bytes); delete nothing.
    """
    settings = get_settings()
    install_redaction(settings)  # secrets and contacts masked in this run's logs, matchflow's included
    policy = RetentionPolicy(raw_file_days=settings.retention_raw_file_days,
                             session_days=settings.retention_session_days,
                             failed_days=settings.retention_failed_days)
    report = apply_retention(database_engine(settings), settings.files_dir, policy, dry_run=dry_run)
    counts = report.counts()
    get_run_logger().info("cleanup%s: %d failed documents, %d superseded sessions, %d raw files (%d bytes)",
                          " (dry run)" if dry_run else "", report.failed_documents, report.superseded_sessions,
                          report.raw_files, report.bytes_freed)
    publish_cleanup_report(report, policy)
    return {**counts, "policy": vars(policy)}
