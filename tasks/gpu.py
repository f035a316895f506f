"""Step 2: is the GPU pool ready? Reads the pool's status and its workers' heartbeats from the Prefect API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from prefect import get_client, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import ObjectNotFound

WORKER_HEARTBEAT_FRESH_S = 90  # a worker whose last heartbeat is older is not counted as online


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
