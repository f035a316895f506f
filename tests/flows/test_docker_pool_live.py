"""The production topology end to end, with a real Docker daemon: the GPU pool is a `docker` pool.

    Prefect server (tests/flows/conftest.py)         Postgres + pgvector over TCP, with a password
    `matchflow deploy` (GPU pool of type docker)     the URL in a Prefect Secret block, nowhere else
    a process worker serving matchflow-cpu           a Docker worker serving matchflow-gpu, whose
                                                     flow runs are containers of the project's image

Chain A, started through its deployment, hands embed and match to inference runs inside containers, which
write vectors and match sessions. Then a container is killed during an inference run and the chain
finishes on CPU. The end state of both is compared with a CPU-only run of the same inputs. The daemon is
started by ../shared/tools/docker-up.sh and the image built from the Dockerfile here (host networking,
the local Debian base image: no registry is reachable from these machines).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from tests.conftest import REPO_ROOT
from tests.flows.conftest import kill_group
from tests.servers.postgres_tcp import tcp_postgres

pytestmark = pytest.mark.slow

DOCKER_UP = REPO_ROOT.parent / "shared" / "tools" / "docker-up.sh"
BASE_IMAGE = "local/debian-python:bookworm"
IMAGE = "matchflow-worker:test"
SECRET_BLOCK = "matchflow-database-url"
GPU_POOL, CPU_POOL = "matchflow-gpu", "matchflow-cpu"
RUN_TIMEOUT_S = 600
JOBS = ["j01-senior-python-backend-engineer.pdf", "j03-data-engineer.md", "j04-devops-engineer-aws-kubernetes.txt",
        "j02-frontend-engineer-react-typescript.docx"]
FIRST = ["r01-senior-python-backend-engineer.pdf", "r03-junior-python-developer.pdf"]
SECOND = ["r02-python-developer-django-fastapi.docx", "r05-senior-frontend-engineer-react-typescript.pdf",
          "r07-data-engineer.pdf"]


def _wait_for(condition, timeout_s: float, what: str, poll_s: float = 0.5):
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)
    return value


def _pip_wheel_folders() -> list[Path]:
    """The local wheel folders pip is configured with here (`find-links`), e.g. this machine's CPU torch."""
    result = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    folders = []
    for line in result.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith("find-links"):
            folders += [Path(v) for v in value.strip("'\"").split() if Path(v).is_dir() and Path(v) not in folders]
    return folders


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        return None


@pytest.fixture(scope="module")
def docker_daemon() -> None:
    """A running daemon and the local base image, started here as CI would (idempotent)."""
    if shutil.which("docker") is None or subprocess.run(["docker", "info"], capture_output=True).returncode:
        result = subprocess.run(["bash", str(DOCKER_UP)], capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def worker_image(docker_daemon, tmp_path_factory) -> str:
    """The project's image, built from its Dockerfile with the versions installed here (so that a container embeds
    exactly as this process does); the local wheels pip has here (this machine's CPU torch) are served to it."""
    served = tmp_path_factory.mktemp("build-wheels")
    for folder in _pip_wheel_folders():
        for wheel in folder.glob("*.whl"):
            (served / wheel.name).symlink_to(wheel)
    # name==version for every package, also those installed here from a local file (`pip freeze` would write
    # their file paths, which the build cannot reach)
    frozen = subprocess.run([sys.executable, "-m", "pip", "list", "--format=freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    (served / "constraints.txt").write_text(frozen)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        result = subprocess.run(["docker", "build", "--network", "host", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
                                 "--build-arg", f"PIP_FIND_LINKS={url}/", "--build-arg",
                                 f"PIP_CONSTRAINT={url}/constraints.txt", "-t", IMAGE, "."],
                                cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return IMAGE


@pytest.fixture(scope="module")
def databases() -> Iterator[dict[str, str]]:
    """Two databases on one TCP Postgres: the topology's, and the CPU-only baseline's."""
    with tcp_postgres(database="matchflow") as url:
        baseline = url.rsplit("/", 1)[0] + "/baseline"
        with sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(sa.text("CREATE DATABASE baseline"))
        yield {"topology": url, "baseline": baseline}


def _env(prefect_api, home: Path, **extra: str) -> dict[str, str]:
    env = {**prefect_api["env"], "MATCHFLOW_HOME": str(home), **extra}
    env.pop("MATCHFLOW_DATABASE_URL", None)
    return env


def _matchflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "matchflow", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=RUN_TIMEOUT_S)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _copy(folder: str, names: list[str], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(REPO_ROOT / "samples" / folder / name, target / name)
    return target


@pytest.fixture(scope="module")
def topology(prefect_api, worker_image, databases, tmp_path_factory) -> Iterator[dict]:
    """Secret block, migrated databases, jobs, `matchflow deploy`, a CPU worker and a Docker GPU worker."""
    from prefect.blocks.system import Secret

    Secret(value=databases["topology"]).save(SECRET_BLOCK, overwrite=True)
    home = tmp_path_factory.mktemp("cpu-host")
    env = _env(prefect_api, home, MATCHFLOW_DATABASE_URL_BLOCK=SECRET_BLOCK, MATCHFLOW_EMBED_BACKEND="torch",
               MATCHFLOW_GPU_DOCKER_IMAGE=worker_image, MATCHFLOW_GPU_DOCKER_GPUS="0",  # no GPU here: a CPU stand-in
               MATCHFLOW_GPU_DOCKER_NETWORK="host", MATCHFLOW_GPU_HANDOFF_TIMEOUT_S="400")
    jobs = _copy("jobs", JOBS, home / "jobs")
    for database, extra in ((databases["topology"], {}), (databases["baseline"], {})):
        plain = {**env, "MATCHFLOW_DATABASE_URL": database, **extra}
        plain.pop("MATCHFLOW_DATABASE_URL_BLOCK")
        _matchflow(plain, "db", "upgrade")
        _matchflow(plain, "ingest", str(jobs), "--kind", "job")
    deployed = _matchflow(env, "deploy", "--pause-schedules")
    assert "skipped" not in deployed.stdout, deployed.stdout

    started = []
    for pool, kind in ((CPU_POOL, "process"), (GPU_POOL, "docker")):
        log = (prefect_api["home"] / f"worker-{kind}.log").open("ab")
        started.append(subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", pool,
                                         "--type", kind, "--name", f"{kind}-worker"], env=env, cwd=REPO_ROOT,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    from tasks.gpu import read_pool_status

    _wait_for(lambda: read_pool_status(GPU_POOL).ready, 120, "the Docker worker to make the GPU pool ready")
    try:
        yield {"env": env, "home": home, "databases": databases}
    finally:
        for process in started:
            kill_group(process.pid)
            process.wait(timeout=30)


def _inference_runs(client) -> list:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    return client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["inference"])))


def _containers_of(flow_run_id) -> list:
    import docker

    return docker.from_env().containers.list(all=True, filters={"label": f"io.prefect.flow-run-id={flow_run_id}"})


def _latest_run(url: str) -> dict:
    with sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://")).connect() as conn:
        status, stats = conn.execute(sa.text("SELECT status, stats FROM pipeline_runs ORDER BY id DESC LIMIT 1")).one()
    assert status == "completed", stats.get("error")
    return stats


def test_chain_a_hands_embed_and_match_to_inference_containers(topology, tmp_path):
    from prefect import get_client
    from prefect.deployments import run_deployment

    source = _copy("resumes", FIRST, tmp_path / "first")
    run = run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(source)},
                         timeout=RUN_TIMEOUT_S)
    assert run.state.is_completed(), run.state
    stats = _latest_run(topology["databases"]["topology"])
    assert stats["gpu_fallbacks"] == []
    assert stats["stages"]["embed"]["device"] == "gpu" and stats["stages"]["save"]["device"] == "gpu"
    assert stats["stages"]["save"]["processed"] == len(FIRST)  # the containers saved one session per resume
    with get_client(sync_client=True) as client:
        chain = client.read_flow_run(run.id)
        inference = sorted(_inference_runs(client), key=lambda r: r.start_time)
    assert [r.state.name for r in inference] == ["Completed", "Completed"]
    # each ran in a container of the Docker worker (its infrastructure id is the container's)
    assert all(r.infrastructure_pid and ":" in r.infrastructure_pid for r in inference)
    figures = {"chain_start_to_container_running_s": round(
        (inference[0].start_time - chain.start_time).total_seconds(), 1),
        "chain_wall_s": round(chain.total_run_time.total_seconds(), 1)}
    print("DOCKER_POOL_FIGURES", json.dumps(figures))


def test_a_container_killed_mid_inference_and_the_chain_finishes_on_cpu(topology, tmp_path):
    from prefect import get_client
    from prefect.deployments import run_deployment

    source = _copy("resumes", SECOND, tmp_path / "second")
    with get_client(sync_client=True) as client:
        seen = {r.id for r in _inference_runs(client)}
        started = run_deployment("resume-chain/matchflow-resume-chain", parameters={"source": str(source)},
                                 timeout=0)

        def running_container():
            runs = [r for r in _inference_runs(client) if r.id not in seen and r.state.is_running()]
            return runs and (containers := _containers_of(runs[0].id)) and (runs[0], containers[0])

        doomed, container = _wait_for(running_container, RUN_TIMEOUT_S, "an inference container to be running",
                                      poll_s=0.2)
        container.kill()
        killed_at = datetime.now(UTC)
        chain = _wait_for(lambda: (r := client.read_flow_run(started.id)).state.is_final() and r, RUN_TIMEOUT_S,
                          "the chain run to end")
        assert chain.state.is_completed(), chain.state
        assert client.read_flow_run(doomed.id).state.is_crashed()  # reported by the Docker worker
    stats = _latest_run(topology["databases"]["topology"])
    assert [f["step"] for f in stats["gpu_fallbacks"]] == ["embed", "match"], stats["gpu_fallbacks"]
    assert stats["stages"]["save"]["device"] == "cpu" and stats["stages"]["save"]["processed"] == len(SECOND)
    print("DOCKER_POOL_FIGURES", json.dumps({"kill_to_chain_finished_on_cpu_s": round(
        (chain.end_time - killed_at).total_seconds(), 1)}))


def _snapshot(url: str) -> dict:
    """Documents, vectors, current sessions and their results, keyed by file names (ids differ between databases)."""
    with sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://")).connect() as conn:
        documents = sorted(conn.execute(sa.text(
            "SELECT filename, kind, status, is_current FROM documents")).all())
        vectors = {(name, section): np.array(json.loads(vector), dtype=np.float32) for name, section, vector in
                   conn.execute(sa.text("SELECT d.filename, e.section, e.embedding::text FROM embeddings e "
                                        "JOIN documents d ON d.id = e.document_id"))}
        sessions = sorted(conn.execute(sa.text(
            "SELECT d.filename, s.chain, s.is_current FROM match_sessions s "
            "JOIN documents d ON d.id = s.source_document_id")).all())
        results = sorted(conn.execute(sa.text(
            "SELECT q.filename, r.rank, t.filename, r.score FROM match_results r "
            "JOIN match_sessions s ON s.id = r.session_id JOIN documents q ON q.id = s.source_document_id "
            "JOIN documents t ON t.id = r.job_document_id WHERE s.is_current")).all())
    return {"documents": documents, "vectors": vectors, "sessions": sessions, "results": results}


def test_the_end_state_equals_a_cpu_only_run_of_the_same_inputs(topology, tmp_path):
    """Nothing lost and nothing doubled by the containers or the kill: the same documents, vectors, sessions and
    results as chain A run twice on CPU only, over the same batches."""
    baseline = {**topology["env"], "MATCHFLOW_DATABASE_URL": topology["databases"]["baseline"],
                "MATCHFLOW_GPU_ENABLED": "false"}
    baseline.pop("MATCHFLOW_DATABASE_URL_BLOCK")
    for batch, names in (("first", FIRST), ("second", SECOND)):
        _matchflow(baseline, "run", "chain-a", "--source", str(_copy("resumes", names, tmp_path / batch)))
    topology_state = _snapshot(topology["databases"]["topology"])
    cpu_state = _snapshot(topology["databases"]["baseline"])

    assert topology_state["documents"] == cpu_state["documents"]
    assert len(topology_state["documents"]) == len(JOBS) + len(FIRST) + len(SECOND)
    assert topology_state["sessions"] == cpu_state["sessions"]
    assert [s for s in topology_state["sessions"] if s[2]] == sorted((n, "chain-a", True) for n in FIRST + SECOND)
    assert set(topology_state["vectors"]) == set(cpu_state["vectors"])
    for key, vector in topology_state["vectors"].items():
        assert np.allclose(vector, cpu_state["vectors"][key], atol=1e-4), key
    assert [r[:3] for r in topology_state["results"]] == [r[:3] for r in cpu_state["results"]]
    assert np.allclose([r[3] for r in topology_state["results"]], [r[3] for r in cpu_state["results"]], atol=0.05)


def test_the_images_user_may_use_the_engine_socket_through_its_group(worker_image):
    """The docker starter mounts the socket into a container running as uid 10001 (the image's user)."""
    from matchflow.gpu.starters import DOCKER_SOCKET, docker_socket_group

    probe = ["docker", "run", "--rm", "--network", "host", "-v", f"{DOCKER_SOCKET}:{DOCKER_SOCKET}", worker_image,
             "python", "-c", "import docker; print(docker.from_env().ping())"]
    without = subprocess.run(probe, capture_output=True, text=True, timeout=120)
    assert without.returncode != 0 and "Permission denied" in without.stderr
    with_group = subprocess.run([*probe[:3], "--group-add", str(docker_socket_group()), *probe[3:]],
                                capture_output=True, text=True, timeout=120)
    assert with_group.returncode == 0 and with_group.stdout.strip() == "True", with_group.stderr[-2000:]
