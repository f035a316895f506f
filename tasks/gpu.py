"""Step 2: is the GPU pool ready? Reads the pool's status and its workers' heartbeats from the Prefect API.

When it is not and the chain has work a GPU would do, `signal_gpu_demand` emits `matchflow.gpu.demand` on the
pool's resource: the gpu-health deployment's trigger starts the host on it. That is the only way the host
is started, so it runs while there is work and stays stopped while there is none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from prefect import get_client, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.exceptions import ObjectNotFound

from matchflow.domain import ChainSpec
from matchflow.pipeline.context import RunContext
from storage.db import session_scope
from storage.documents import count_pending_gpu_work
from tasks.retry import IO_TASK_OPTIONS

WORKER_HEARTBEAT_FRESH_S = 90  # a worker whose last heartbeat is older is not counted as online
GPU_EVENT_PREFIX = "matchflow.gpu"
GPU_DEMAND_EVENT = f"{GPU_EVENT_PREFIX}.demand"


def pool_resource(pool: str) -> dict[str, str]:
    """The event resource for the GPU pool (by name: readable in the UI and matchable in automations)."""
    return {"prefect.resource.id": f"matchflow.gpu-pool.{pool}", "prefect.resource.name": pool}


@dataclass
class GpuPoolStatus:
    pool: str
    ready: bool
    status: str  # READY | NOT_READY | PAUSED | MISSING | UNREACHABLE
    online_workers: int = 0
    workers: list[str] = field(default_factory=list)
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def read_pool_status(pool: str) -> GpuPoolStatus:
    """The pool as the Prefect API sees it; never raises (an unreachable API is `UNREACHABLE`)."""
    try:
        with get_client(sync_client=True) as client:
            work_pool = client.read_work_pool(pool)
            workers = client.read_workers_for_work_pool(pool)
    except ObjectNotFound:
        return GpuPoolStatus(pool=pool, ready=False, status="MISSING", detail=f"work pool {pool!r} does not exist")
    except Exception as exc:  # noqa: BLE001 - any API failure means "no GPU", and the chain goes on on CPU
        return GpuPoolStatus(pool=pool, ready=False, status="UNREACHABLE", detail=f"{type(exc).__name__}: {exc}")
    fresh_after = datetime.now(UTC) - timedelta(seconds=WORKER_HEARTBEAT_FRESH_S)
    online = [w.name for w in workers if str(getattr(w.status, "value", w.status)).upper() == "ONLINE"
              and w.last_heartbeat_time and w.last_heartbeat_time >= fresh_after]
    status = str(getattr(work_pool.status, "value", work_pool.status) or "NOT_READY").upper()
    if work_pool.is_paused:
        status = "PAUSED"
    return GpuPoolStatus(pool=pool, ready=status == "READY" and bool(online), status=status,
                         online_workers=len(online), workers=online)


@task(name="check-gpu", cache_policy=NO_CACHE)
def check_gpu(pool: str) -> GpuPoolStatus:
    status = read_pool_status(pool)
    get_run_logger().info("GPU pool %s: %s, %d worker(s) online%s", pool, status.status, status.online_workers,
                          f" ({status.detail})" if status.detail else "")
    return status


@task(name="signal-gpu-demand", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def signal_gpu_demand(context: RunContext, chain: ChainSpec, pool: str) -> int:
    """Emit `matchflow.gpu.demand` when documents wait for the GPU host; returns how many wait."""
    with session_scope(context.engine) as session:
        pending = count_pending_gpu_work(session=session, query_kind=chain.query_kind)
    if pending:
        emit_event(event=GPU_DEMAND_EVENT, resource=pool_resource(pool),
                   payload={"chain": chain.slug, "pending_documents": pending})
        get_run_logger().info("%s: %d documents wait for the GPU host: asked for it (%s)", chain.slug, pending,
                              GPU_DEMAND_EVENT)
    return pending
