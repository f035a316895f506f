"""Step 2's check reads the GPU pool from the Prefect API and never raises."""

from __future__ import annotations

from prefect import get_client

from tasks.gpu import check_gpu, read_pool_status


def test_a_missing_pool_is_missing_and_not_ready(prefect_api) -> None:
    status = read_pool_status("no-such-pool")
    assert (status.ready, status.status, status.online_workers) == (False, "MISSING", 0)


def test_a_pool_without_workers_is_not_ready(prefect_api) -> None:
    from prefect.client.schemas.actions import WorkPoolCreate

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="gpu-without-workers", type="process"), overwrite=True)
    status = check_gpu("gpu-without-workers")
    assert status.ready is False and status.status == "NOT_READY" and status.workers == []


def test_an_unreachable_api_is_a_status_not_an_error(monkeypatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        status = read_pool_status("matchflow-gpu")
    assert status.ready is False and status.status == "UNREACHABLE" and status.detail
