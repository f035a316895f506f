"""Orchestration end to end on a real Prefect server, real process workers and the session's database.

The tests run in order and share the server, the workers and the data (one module, one story):
deploy -> chain A through its deployment, handing work to the GPU pool -> the GPU host dies: the pool
goes not-ready, the automation runs gpu-health, chain A completes on CPU -> gpu-health with a `command`
starter brings a GPU worker back -> gpu-maintenance stops the idle host -> cleanup reports its counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from matchflow.pipeline.context import RunContext
from tests.conftest import REPO_ROOT, reset_data
from tests.flows.conftest import kill_group

GPU_POOL = "matchflow-gpu"
CPU_POOL = "matchflow-cpu"
RUN_TIMEOUT_S = 420


def _wait_for(condition, timeout_s: float, what: str, poll_s: float = 1.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)


def _deploy(prefect_api, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matchflow", "deploy", *args], cwd=REPO_ROOT,
                          env=prefect_api["env"], capture_output=True, text=True, timeout=180)


def _copy_samples(folder: str, names: list[str], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(REPO_ROOT / "samples" / folder / name, target / name)
    return target


def _pool_ready() -> bool:
    from tasks.gpu import read_pool_status

    return read_pool_status(GPU_POOL).ready


def _latest_run_stats(engine) -> dict:
    from storage.models import PipelineRun

    with engine.connect() as conn:
        row = conn.execute(sa.select(PipelineRun.status, PipelineRun.stats).order_by(PipelineRun.id.desc())
                           .limit(1)).one()
    assert row.status == "completed", row.stats.get("error")
    return row.stats


def _matches_for(engine, source_names: list[str]) -> int:
    from storage.models import Document, MatchResult

    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(MatchResult).join(
            Document, Document.id == MatchResult.resume_document_id).where(Document.filename.in_(source_names))
        ).scalar_one()


def _gpu_events(prefect_api) -> list[dict]:
    response = httpx.post(f"{prefect_api['url']}/events/filter", timeout=10,
                          json={"filter": {"event": {"prefix": ["matchflow.gpu."]}}, "limit": 50})
    response.raise_for_status()
    return response.json()["events"]


def _wait_for_event(prefect_api, name: str) -> None:
    """Events reach the API asynchronously (websocket, then a batched write): wait for one to show."""
    _wait_for(lambda: name in {event["event"] for event in _gpu_events(prefect_api)}, 60, f"event {name}")


@pytest.fixture(scope="module")
def db(migrated_engine):
    reset_data(migrated_engine)
    yield migrated_engine
    reset_data(migrated_engine)


@pytest.fixture(scope="module")
def deployed(prefect_api, db):
    result = _deploy(prefect_api, "--gpu-pool-type", "process", "--pause-schedules")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def jobs(db, tmp_path_factory):
    """A handful of sample jobs, received and parsed, for chain A to match against."""
    from matchflow.domain import DocumentKind
    from matchflow.pipeline.ingest import ingest_paths
    from matchflow.settings import Settings

    folder = _copy_samples("jobs", ["j01-senior-python-backend-engineer.pdf", "j03-data-engineer.md",
                                    "j04-devops-engineer-aws-kubernetes.txt"], tmp_path_factory.mktemp("jobs"))
    summary = ingest_paths([folder], DocumentKind.JOB, context=RunContext.from_settings(Settings(), engine=db))
    assert summary.failed == 0
    return folder


@pytest.fixture(scope="module")
def gpu_worker(start_worker, deployed):
    process = start_worker(GPU_POOL, "gpu-standin")
    _wait_for(_pool_ready, 120, "the GPU pool to become ready")
    return process


@pytest.fixture(scope="module")
def cpu_worker(start_worker, deployed):
    return start_worker(CPU_POOL, "cpu-1")


def test_deploy_is_idempotent_and_complete(prefect_api, deployed):
    from prefect import get_client

    assert "created deployment resume-chain/matchflow-resume-chain" in " ".join(deployed.split())
    again = _deploy(prefect_api, "--gpu-pool-type", "process", "--pause-schedules")
    assert again.returncode == 0, again.stderr
    lines = [line for line in again.stdout.splitlines() if line.strip()]
    actions = [line.split()[0] for line in lines[:-1]]
    assert len(actions) == 17 and set(actions) == {"unchanged"}, again.stdout
    assert lines[-1] == "17 unchanged"
    with get_client(sync_client=True) as client:
        assert client.read_work_pool(CPU_POOL).type == "process"
        assert client.read_work_pool(GPU_POOL).type == "process"
        priorities = {q.name: q.priority for q in client.read_work_queues(work_pool_name=CPU_POOL)}
        assert priorities["chain-b"] < priorities["chain-a"] < priorities["gpu-ops"] < priorities["cleanup"]
        chain_a = client.read_deployment_by_name("resume-chain/matchflow-resume-chain")
        assert chain_a.global_concurrency_limit.limit == 1
        assert [s.schedule.cron for s in chain_a.schedules] == ["*/30 * * * *"]
        assert not any(s.active for s in chain_a.schedules)  # --pause-schedules
        inference = client.read_deployment_by_name("inference/matchflow-inference")
        assert inference.work_pool_name == GPU_POOL
        assert inference.global_concurrency_limit.limit == 1
        assert (client.read_work_pool(CPU_POOL).concurrency_limit, client.read_work_pool(GPU_POOL).concurrency_limit) \
            == (3, 1)
        names = {a.name for a in client.read_automations()}
        assert {"matchflow-gpu-pool-not-ready", "matchflow-inference-run-failed", "matchflow-inference-no-heartbeat",
                "matchflow-gpu-demand"} <= names


def test_deploy_without_api_url_says_so(prefect_api):
    env = {k: v for k, v in prefect_api["env"].items() if k != "PREFECT_API_URL"}
    result = subprocess.run([sys.executable, "-m", "matchflow", "deploy"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "PREFECT_API_URL is not set" in " ".join(result.stderr.split())


def test_chain_a_through_its_deployment_hands_work_to_the_gpu_pool(db, jobs, cpu_worker, gpu_worker,
                                                                    tmp_path):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.deployments import run_deployment

    names = ["r01-senior-python-backend-engineer.pdf", "r03-junior-python-developer.pdf"]
    source = _copy_samples("resumes", names, tmp_path / "resumes")
    run = run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(source)},
                         timeout=RUN_TIMEOUT_S)
    assert run.state.is_completed(), run.state
    stats = _latest_run_stats(db)
    assert stats["stages"]["gpu-check"]["device"] == "gpu"
    assert stats["stages"]["embed"]["device"] == "gpu"  # the inference run embedded everything
    assert stats["gpu_fallbacks"] == []
    assert _matches_for(db, names) > 0
    with get_client(sync_client=True) as client:
        inference_runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["inference"])))
    assert len(inference_runs) == 2 and all(r.state.is_completed() for r in inference_runs)


def test_a_filtered_chain_keeps_its_filters_on_the_gpu_pool(db, jobs, cpu_worker, gpu_worker, tmp_path):
    """The hand-off carries the whole match configuration: remote-only and top-K hold in the inference run."""
    from prefect.deployments import run_deployment

    from storage.models import Document, Job, MatchResult, MatchSession

    names = ["r08-analytics-engineer-dbt-sql.docx"]
    source = _copy_samples("resumes", names, tmp_path / "resumes")
    run = run_deployment("resume-chain/matchflow-resume-chain", timeout=RUN_TIMEOUT_S,
                         parameters={"source": str(source), "remote_only": True, "top_k": 2})
    assert run.state.is_completed(), run.state
    stats = _latest_run_stats(db)
    assert stats["stages"]["save"]["device"] == "gpu" and stats["stages"]["save"]["processed"] == 1
    with db.connect() as conn:
        parameters = conn.scalar(sa.select(MatchSession.parameters).join(
            Document, Document.id == MatchSession.source_document_id).where(Document.filename == names[0]))
        remote = conn.execute(sa.select(Job.remote).join(MatchResult, MatchResult.job_id == Job.id).join(
            Document, Document.id == MatchResult.resume_document_id).where(Document.filename == names[0])).scalars()
        modes = list(remote)
    assert parameters["filters"] == {"location": None, "remote_only": True} and parameters["top_k"] == 2
    assert 0 < len(modes) <= 2 and set(modes) == {"remote"}, modes


def test_gpu_host_lost_pool_not_ready_chain_on_cpu_and_automation_fires(prefect_api, db, jobs, cpu_worker,
                                                                         gpu_worker, tmp_path):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.deployments import run_deployment

    from tasks.gpu import read_pool_status

    kill_group(gpu_worker.pid)  # the GPU host disappears without a word
    _wait_for(lambda: read_pool_status(GPU_POOL).status == "NOT_READY", 90, "the GPU pool to go NOT_READY")

    names = ["r04-backend-engineer-go-java.docx"]
    source = _copy_samples("resumes", names, tmp_path / "resumes")
    run = run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(source)},
                         timeout=RUN_TIMEOUT_S)
    assert run.state.is_completed(), run.state
    stats = _latest_run_stats(db)
    assert stats["stages"]["gpu-check"]["device"] == "cpu"
    assert stats["stages"]["embed"]["device"] == "cpu"
    assert _matches_for(db, names) > 0

    def automation_run():
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["gpu-health"])))
        return [r for r in runs if r.created_by and r.created_by.display_value == "matchflow-gpu-pool-not-ready"
                and r.state.is_final()]

    runs = _wait_for(automation_run, 120, "the automation's gpu-health run", poll_s=2)
    # it records "unavailable" (start: false), or was cancelled as the demand trigger's run held the slot
    assert runs[0].state.is_completed() or runs[0].state.is_cancelled(), runs[0].state
    _wait_for_event(prefect_api, "matchflow.gpu.unavailable")
    _wait_for_event(prefect_api, "matchflow.gpu.demand")  # the chain found its resume waiting for the GPU


def _kill_host(worker) -> None:
    """SIGKILL a worker and everything it started: its flow-run processes run in sessions of their own."""
    import psutil

    groups = {worker.pid}
    with contextlib.suppress(psutil.NoSuchProcess):
        groups |= {os.getpgid(child.pid) for child in psutil.Process(worker.pid).children(recursive=True)}
    for group in groups:
        kill_group(group)


def _current_matches(db, names: list[str]) -> list[tuple[str, str, int, int]]:
    """(file, status, current sessions, results in them) per named resume."""
    from storage.models import Document, MatchResult, MatchSession

    sessions = sa.select(sa.func.count()).where(MatchSession.source_document_id == Document.id,
                                                MatchSession.is_current).scalar_subquery()
    results = sa.select(sa.func.count()).select_from(MatchResult).join(
        MatchSession, MatchSession.id == MatchResult.session_id).where(
        MatchSession.source_document_id == Document.id, MatchSession.is_current).scalar_subquery()
    with db.connect() as conn:
        return sorted(conn.execute(sa.select(Document.filename, Document.status, sessions, results).where(
            Document.filename.in_(names))).all())


def test_gpu_worker_killed_during_an_inference_run_chain_finishes_on_cpu(prefect_api, db, jobs, cpu_worker,
                                                                           start_worker, deployed, tmp_path):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.deployments import run_deployment

    worker = start_worker(GPU_POOL, "gpu-doomed")
    _wait_for(_pool_ready, 120, "the GPU pool to be ready again")
    names = ["r02-python-developer-django-fastapi.docx", "r05-senior-frontend-engineer-react-typescript.pdf",
             "r06-frontend-developer-vue-js-react.docx", "r07-data-engineer.pdf"]
    source = _copy_samples("resumes", names, tmp_path / "resumes")

    def inference_runs(client):
        return client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["inference"])))

    with get_client(sync_client=True) as client:
        seen = {run.id for run in inference_runs(client)}
        started = run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(source)},
                                 timeout=0)

        def running_inference():
            return next((r for r in inference_runs(client) if r.id not in seen and r.state.is_running()), None)

        doomed = _wait_for(running_inference, RUN_TIMEOUT_S, "the chain's inference run to be running", poll_s=0.3)
        _kill_host(worker)  # mid-run: the GPU host and the inference run on it die without a word
        killed_at = time.monotonic()
        chain = _wait_for(lambda: (r := client.read_flow_run(started.id)).state.is_final() and r, RUN_TIMEOUT_S,
                          "the chain run to end")
        assert chain.state.is_completed(), chain.state
        crashed = client.read_flow_run(doomed.id).state
        assert crashed.is_crashed(), crashed  # by Prefect: its heartbeats stopped (automations/gpu.yaml)
        assert "No heartbeat" in crashed.message
        print("ORCHESTRATION_FIGURES", json.dumps({"host_killed_to_chain_finished_s": round(
            time.monotonic() - killed_at, 1)}))

    stats = _latest_run_stats(db)
    assert stats["stages"]["gpu-check"]["device"] == "gpu"  # the pool was ready when the chain looked
    assert [f["step"] for f in stats["gpu_fallbacks"]][:1] == ["embed"], stats["gpu_fallbacks"]
    assert str(doomed.id) in stats["gpu_fallbacks"][0]["reason"]
    # every resume of the run stored once, matched once, with results: nothing lost, nothing doubled
    rows = _current_matches(db, names)
    assert [row[:3] for row in rows] == [(name, "matched", 1) for name in sorted(names)], rows
    assert all(results > 0 for *_, results in rows), rows

    def automation_runs():  # the crash fires matchflow-inference-run-failed: let its gpu-health run finish
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["gpu-health"])))
        return [r for r in runs if r.created_by and r.created_by.display_value == "matchflow-inference-run-failed"
                and r.state.is_final()]

    _wait_for(automation_runs, 120, "the inference-run-failed automation's gpu-health run", poll_s=2)


def test_gpu_health_refused_start_is_recorded_and_fails_the_run(prefect_api, db, cpu_worker):
    from prefect.deployments import run_deployment

    from storage.models import GpuCheck

    env = {"MATCHFLOW_GPU_STARTER": "command", "MATCHFLOW_GPU_START_COMMAND": '["rm", "-rf", "/tmp/nothing"]'}
    run = run_deployment("gpu-health/matchflow-gpu-health", parameters={"start": True}, job_variables={"env": env},
                         timeout=RUN_TIMEOUT_S)
    assert run.state.is_failed(), run.state
    with db.connect() as conn:
        check = conn.execute(sa.select(GpuCheck).order_by(GpuCheck.id.desc()).limit(1)).one()
    assert check.status == "start-failed" and "not in MATCHFLOW_GPU_COMMAND_ALLOWLIST" in check.detail["detail"]
    _wait_for_event(prefect_api, "matchflow.gpu.start-failed")


def test_gpu_health_command_starter_brings_the_pool_back(prefect_api, db, cpu_worker):
    from prefect.deployments import run_deployment

    from storage.models import GpuCheck

    argv = ["prefect", "worker", "start", "--pool", GPU_POOL, "--type", "process", "--name", "gpu-restarted"]
    env = {"MATCHFLOW_GPU_STARTER": "command", "MATCHFLOW_GPU_START_COMMAND": json.dumps(argv),
           "MATCHFLOW_GPU_START_WAIT_S": "120", "MATCHFLOW_GPU_START_POLL_S": "1"}
    run = run_deployment("gpu-health/matchflow-gpu-health", parameters={"start": True}, job_variables={"env": env},
                         timeout=RUN_TIMEOUT_S)
    with db.connect() as conn:
        check = conn.execute(sa.select(GpuCheck).order_by(GpuCheck.id.desc()).limit(1)).one()
    started_pid = check.detail.get("start", {}).get("pid")
    try:
        assert run.state.is_completed(), run.state
        assert check.status == "ready" and check.detail["started"] is True
        assert os.getsid(started_pid) == started_pid  # detached: its own session, it outlives the flow run
        assert _pool_ready()
        _wait_for_event(prefect_api, "matchflow.gpu.ready")

        # gpu-maintenance: with a zero-length idle window the restarted host is idle and gets stopped
        stop_env = {"MATCHFLOW_GPU_STARTER": "command", "MATCHFLOW_GPU_COMMAND_ALLOWLIST": "kill",
                    "MATCHFLOW_GPU_STOP_COMMAND": json.dumps(["kill", "-KILL", str(started_pid)])}
        run = run_deployment("gpu-maintenance/matchflow-gpu-maintenance", parameters={"idle_minutes": 0.001},
                             job_variables={"env": stop_env}, timeout=RUN_TIMEOUT_S)
        assert run.state.is_completed(), run.state
        with db.connect() as conn:
            row = conn.execute(sa.select(GpuCheck).order_by(GpuCheck.id.desc()).limit(1)).one()
        assert row.status == "maintenance-stopped", row.detail
        assert row.detail["device"]["device"] == "cpu"
        _wait_for(lambda: not _pid_alive(started_pid), 30, "the stopped GPU worker to exit")
    finally:
        if started_pid:
            kill_group(started_pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_cleanup_deployment_reports_counts(db, cpu_worker):
    from prefect.deployments import run_deployment

    run = run_deployment("cleanup/matchflow-cleanup", parameters={"dry_run": True}, timeout=RUN_TIMEOUT_S)
    assert run.state.is_completed(), run.state


def _gpu_workers_running(name: str) -> list[int]:
    import psutil

    return [p.pid for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"] and "worker" in p.info["cmdline"] and name in p.info["cmdline"]]


def _run_gpu_health():
    """A scheduled-style gpu-health run (its deployment's parameters): one at a time, so after any run an
    automation started (the not-ready one, when a GPU worker went away) has ended."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.deployments import run_deployment

    def none_active() -> bool:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["gpu-health"])))
        return all(r.state.is_final() for r in runs)

    _wait_for(none_active, 180, "earlier gpu-health runs to end", poll_s=1)
    return run_deployment("gpu-health/matchflow-gpu-health", timeout=RUN_TIMEOUT_S)


def test_the_gpu_host_runs_only_while_there_is_work(prefect_api, db, jobs, cpu_worker, tmp_path):
    """idle and stopped -> stays stopped through several checks -> work arrives: demand starts it -> the next
    work runs on the GPU pool -> idle again: gpu-maintenance stops it -> it stays stopped."""
    from prefect import get_client
    from prefect.client.schemas.actions import DeploymentUpdate
    from prefect.deployments import run_deployment

    from storage.models import GpuCheck

    name = "gpu-on-demand"
    argv = ["prefect", "worker", "start", "--pool", GPU_POOL, "--type", "process", "--name", name]
    starter = {"MATCHFLOW_GPU_STARTER": "command", "MATCHFLOW_GPU_START_COMMAND": json.dumps(argv),
               "MATCHFLOW_GPU_STOP_COMMAND": json.dumps(["pkill", "-KILL", "-f", f"name {name}"]),
               "MATCHFLOW_GPU_COMMAND_ALLOWLIST": "prefect,pkill", "MATCHFLOW_GPU_START_WAIT_S": "120",
               "MATCHFLOW_GPU_START_POLL_S": "1"}
    with get_client(sync_client=True) as client:  # as an operator would: the deployments' environment
        for deployment in ("gpu-health/matchflow-gpu-health", "gpu-maintenance/matchflow-gpu-maintenance"):
            client.update_deployment(client.read_deployment_by_name(deployment).id,
                                     DeploymentUpdate(job_variables={"env": starter}))
    _wait_for(lambda: not _pool_ready(), 90, "the GPU pool to be down")

    def checks() -> list:
        with db.connect() as conn:
            return conn.execute(sa.select(GpuCheck.status, GpuCheck.detail).order_by(GpuCheck.id)).all()

    before = len(checks())
    for _ in range(3):  # the 15-minute schedule: checks and records, starts nothing
        assert _run_gpu_health().state.is_completed()
    recent = checks()[before:]  # these, and any the not-ready automation ran meanwhile
    assert len(recent) >= 3 and {status for status, _ in recent} == {"unavailable"}
    assert not any(d["started"] for _, d in recent)
    empty = run_deployment("resume-chain/matchflow-resume-chain", timeout=RUN_TIMEOUT_S,
                           parameters={"source": str(_copy_samples("resumes", [], tmp_path / "nothing"))})
    assert empty.state.is_completed() and not _pool_ready() and not _gpu_workers_running(name)

    # work arrives: the chain does it on CPU now, and its demand starts the host
    first = _copy_samples("resumes", ["r13-machine-learning-engineer.pdf"], tmp_path / "first")
    assert run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(first)},
                          timeout=RUN_TIMEOUT_S).state.is_completed()
    assert _latest_run_stats(db)["stages"]["embed"]["device"] == "cpu"
    try:
        _wait_for(_pool_ready, 180, "the demand to start the GPU host")
        started = _wait_for(lambda: [d for _, d in checks()[before:] if d.get("started")], 60,
                            "gpu-health to record the start")  # it records once the pool is ready
        assert started[-1]["status"] == "ready"

        # the next work goes to the GPU pool
        second = _copy_samples("resumes", ["r12-senior-data-scientist-nlp-machine-learning.pdf"],
                               tmp_path / "second")
        assert run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(second)},
                              timeout=RUN_TIMEOUT_S).state.is_completed()
        stats = _latest_run_stats(db)
        assert stats["stages"]["embed"]["device"] == "gpu" and stats["stages"]["save"]["device"] == "gpu"
        assert stats["stages"]["search"]["processed"] == 1  # counted, though the GPU host did it

        # idle: gpu-maintenance stops it, and it stays stopped
        time.sleep(2)
        run = run_deployment("gpu-maintenance/matchflow-gpu-maintenance", parameters={"idle_minutes": 0.01},
                             timeout=RUN_TIMEOUT_S)
        assert run.state.is_completed(), run.state
        _wait_for(lambda: not _gpu_workers_running(name), 60, "the idle GPU host to stop")
        _wait_for(lambda: not _pool_ready(), 120, "the GPU pool to go down")
        for _ in range(2):
            assert _run_gpu_health().state.is_completed()
        assert not _gpu_workers_running(name) and not _pool_ready()
    finally:
        for pid in _gpu_workers_running(name):
            kill_group(pid)

