"""flows/steps.py: the GPU check and the hand-off, whose failures must always leave the chain a way on CPU."""

from __future__ import annotations

import os
import time

import pytest
from prefect import flow, get_client

from flows.run_record import ChainRun
from flows.steps import GpuHandoff, _hand_to_gpu, _wait_for_inference, gpu_check_step
from matchflow.domain import CHAIN_A
from matchflow.pipeline.context import RunContext


@pytest.fixture(scope="module")
def prefect_api():
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def chain_run(engine, settings) -> ChainRun:
    """A chain run's bookkeeping, not entered: the steps below only record into it."""
    return ChainRun(CHAIN_A, {}, RunContext.from_settings(settings, engine=engine))


def handoff(pool: str, deployment: str = "inference/matchflow-inference", timeout_s: float = 60.0) -> GpuHandoff:
    return GpuHandoff(enabled=True, pool=pool, deployment=deployment, timeout_s=timeout_s)


def test_gpu_check_disabled_goes_to_cpu_without_asking_the_api(chain_run):
    status = gpu_check_step(chain_run, chain_run.context, CHAIN_A,
                            GpuHandoff(enabled=False, pool="matchflow-gpu", deployment="x/y", timeout_s=1))
    assert (status.ready, status.status) == (False, "DISABLED")
    assert chain_run.stats["gpu-check"].device == "cpu" and chain_run.stats["gpu-check"].task_runs == 1


def test_a_hand_off_to_a_missing_deployment_falls_back_and_says_why(prefect_api, chain_run):
    @flow
    def chain() -> bool:
        return _hand_to_gpu(chain_run, handoff("matchflow-gpu", "inference/not-deployed"), {"stage": "embed"},
                            "embed")

    assert chain() is False
    [fallback] = chain_run.fallbacks
    assert fallback["step"] == "embed" and "ObjectNotFound" in fallback["reason"]


def test_an_inference_run_whose_pool_has_no_worker_is_cancelled_not_waited_for(prefect_api):
    """Its host is gone: two polls in a row find the pool not ready, and the run ends Cancelled at once."""
    from prefect.client.schemas.actions import WorkPoolCreate

    from flows.inference import inference

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="gpu-gone", type="process"), overwrite=True)
        flow_id = client.create_flow(inference)
        deployment_id = client.create_deployment(flow_id=flow_id, name="stranded", work_pool_name="gpu-gone",
                                                 entrypoint="flows/inference.py:inference")
        flow_run = client.create_flow_run_from_deployment(deployment_id)
    started = time.monotonic()
    state = _wait_for_inference(flow_run.id, handoff("gpu-gone", timeout_s=120))
    assert state.is_cancelled() and "has no worker to run it" in state.message
    assert time.monotonic() - started < 30  # two polls, not the 120 s deadline


def test_a_hand_off_past_its_deadline_is_cancelled_so_it_does_not_run_beside_the_fallback(prefect_api):
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.states import Running

    from flows.inference import inference

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="gpu-slow", type="process"), overwrite=True)
        deployment_id = client.create_deployment(flow_id=client.create_flow(inference), name="slow",
                                                 work_pool_name="gpu-slow", entrypoint="flows/inference.py:inference")
        flow_run = client.create_flow_run_from_deployment(deployment_id)
        client.set_flow_run_state(flow_run.id, Running(), force=True)  # as its worker would have
    state = _wait_for_inference(flow_run.id, handoff("gpu-slow", timeout_s=1))
    assert state.is_cancelling() and "waited 1 s" in state.message  # its worker now stops it


def test_after_one_failed_hand_off_the_run_hands_nothing_more_over(prefect_api, chain_run):
    @flow
    def chain() -> list[bool]:
        return [_hand_to_gpu(chain_run, handoff("matchflow-gpu", "inference/not-deployed"), {}, step)
                for step in ("embed", "match")]

    assert chain() == [False, False]
    assert [f["step"] for f in chain_run.fallbacks] == ["embed", "match"]
    assert "the embed hand-off of this run failed" in chain_run.fallbacks[1]["reason"]


def test_demand_is_signalled_only_when_documents_wait(prefect_api, chain_run, settings, tmp_path):
    from matchflow.domain import DocumentKind
    from matchflow.pipeline.ingest import ingest_paths
    from tasks.gpu import signal_gpu_demand
    from tests.pipeline.conftest import SAMPLES

    context = chain_run.context
    assert signal_gpu_demand(context, CHAIN_A, "matchflow-gpu") == 0
    local = RunContext.from_settings(settings.model_copy(update={"file_store": tmp_path}), engine=context.engine)
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-3]-*")), DocumentKind.RESUME, context=local)
    assert signal_gpu_demand(context, CHAIN_A, "matchflow-gpu") == 3  # parsed, without vectors
