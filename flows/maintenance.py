"""Maintenance flows: `gpu-maintenance` (stop an idle GPU host, report device memory and models) and
`cleanup` (the retention policy of storage/retention.py).

Idle means: no run of the inference flow started or is active within the last `gpu_idle_minutes`
(read from the Prefect API), and gpu-health did not start the host within that window either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from prefect import flow, get_client, get_run_logger, task
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

from flows.gpu_health import pool_resource
from matchflow.gpu.starters import Starter, StarterError, make_starter
from matchflow.settings import get_settings
from storage import gpu_checks
from storage.db import database_engine, session_scope
from storage.retention import RetentionPolicy, apply_retention
from tasks.gpu import read_pool_status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ACTIVE_STATES = [StateType.RUNNING, StateType.PENDING, StateType.SCHEDULED]


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


@flow(name="gpu-maintenance", description="Stop an idle GPU host; report GPU memory and loaded models.")
def gpu_maintenance(idle_minutes: float | None = None, stop: bool = True) -> dict[str, Any]:
    """1. pool status  2. idle? (Prefect API + gpu_checks)  3. stop the host when idle  4. device report.

    Args:
        idle_minutes: The host is idle when no inference run started or ran in this many minutes and
            gpu-health did not start it in them; empty: MATCHFLOW_GPU_IDLE_MINUTES (60).
        stop: Stop an idle host with the configured starter; false: only report.
    """
    settings = get_settings()
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
    return report


@flow(name="cleanup", description="Retention: old failed documents, superseded sessions, unused raw files.")
def cleanup(dry_run: bool = False) -> dict[str, Any]:
    """Apply the retention policy from settings; never touches what a current match result references.

    Args:
        dry_run: Only count what the policy would delete (failed documents, superseded sessions, raw
            files, bytes); delete nothing.
    """
    settings = get_settings()
    policy = RetentionPolicy(raw_file_days=settings.retention_raw_file_days,
                             session_days=settings.retention_session_days,
                             failed_days=settings.retention_failed_days)
    report = apply_retention(database_engine(settings), settings.files_dir, policy, dry_run=dry_run)
    counts = report.counts()
    get_run_logger().info("cleanup%s: %d failed documents, %d superseded sessions, %d raw files (%d bytes)",
                          " (dry run)" if dry_run else "", report.failed_documents, report.superseded_sessions,
                          report.raw_files, report.bytes_freed)
    return {**counts, "policy": vars(policy)}
