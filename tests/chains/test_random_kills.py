"""Chain A over a Fillout form killed with SIGKILL at random points of fetch, parse, embed and save.

The kill points are drawn from a seeded generator (`MATCHFLOW_FAULT_SEED` replays one; the seed is in
every assertion message): for each stage a random count of committed records after which the run's
whole process group is killed while the stage still has work in flight. Between kills a second wave of
submissions arrives and its fetch is killed too. After every kill nothing is doubled and the Fillout
watermark has not moved past what is committed; the run that finally completes leaves every submission
stored, parsed, embedded and matched exactly once, and the watermark at the newest submission.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from storage.models import SourceSyncState
from tests.chains.ledger import expected_for, ledger, stage_progress
from tests.factories.documents import make_pdf
from tests.pipeline.conftest import SAMPLES
from tests.servers.fillout_server import BASE_TIME, FilloutServer, candidate_submission

pytestmark = pytest.mark.usefixtures("prefect_api")

SEED = int(os.environ.get("MATCHFLOW_FAULT_SEED") or random.SystemRandom().randrange(1_000_000))
WAVE_1, WAVE_2, BATCH = 12, 9, 3
WATERMARK_AFTER = {1: None, 2: BASE_TIME + timedelta(minutes=WAVE_1 - 1), 3: BASE_TIME + timedelta(minutes=WAVE_1 - 1),
                   4: BASE_TIME + timedelta(minutes=WAVE_1 + WAVE_2 - 1),
                   5: BASE_TIME + timedelta(minutes=WAVE_1 + WAVE_2 - 1)}  # after each kill round
FILE_DELAY_S = 0.25  # a slow file host: a fetch batch takes ~0.75 s, long enough to be killed inside
ROLES = ["Backend Engineer", "Data Engineer", "DevOps Engineer", "Frontend Developer", "QA Engineer"]
SKILLS = ["Python", "PostgreSQL", "Docker", "Kubernetes", "React", "Go", "SQL", "Airflow", "Terraform"]
JOBS = ("j01-", "j02-", "j03-", "j04-")  # four sample jobs: PDF, DOCX, MD, TXT


def _resume(index: int) -> bytes:
    skills = ", ".join(SKILLS[(index + k) % len(SKILLS)] for k in range(4))
    return make_pdf(f"Candidate {index}\n{ROLES[index % len(ROLES)]}\nSummary\nEngineer number {index} with "
                    f"{2 + index % 9} years of experience.\nSkills\n{skills}\n")


def _watermark(engine):
    with engine.connect() as conn:
        return conn.scalar(sa.select(SourceSyncState.watermark).where(SourceSyncState.form_id == "candForm"))


def _missing_before(engine, submitted: list[dict], watermark) -> int:
    """Submissions at or before the watermark that are not committed (what a watermark must never skip)."""
    if watermark is None:
        return 0
    with engine.connect() as conn:
        stored = set(conn.scalars(sa.text("SELECT external_id FROM source_records WHERE form_id = 'candForm'")))
    return sum(1 for row in submitted if row["submissionId"] not in stored
               and datetime.fromisoformat(row["submissionTime"].replace("Z", "+00:00")) <= watermark)


def _start(env, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "matchflow", "run", "chain-a", "--batch-size", str(BATCH)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _kill_inside(process: subprocess.Popen, engine, stage: str, total: int, rng: random.Random) -> dict:
    """SIGKILL the run once `stage` has committed a random number of records but not all `total`."""
    start = stage_progress(engine)[stage]
    assert start + 1 <= total - 2 * BATCH, (stage, start, total, SEED)
    threshold = rng.randint(start + 1, total - 2 * BATCH)  # at least two batches still to do
    delay = rng.uniform(0.0, 0.1)
    deadline = time.monotonic() + 420
    while process.poll() is None and time.monotonic() < deadline:
        if stage_progress(engine)[stage] >= threshold:
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
            after = stage_progress(engine)[stage]
            assert after < total, f"{stage} finished before the kill landed (seed {SEED})"
            return {"stage": stage, "threshold": threshold, "delay_s": round(delay, 3), "committed": after}
        time.sleep(0.05)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    pytest.fail(f"the run never reached {threshold} records in {stage} (exit {process.returncode}, seed {SEED})")


def test_random_sigkills_in_every_stage_lose_and_double_nothing(engine, tmp_path):
    rng = random.Random(SEED)
    print(f"fault seed {SEED} (MATCHFLOW_FAULT_SEED={SEED} replays it)")
    from prefect.settings import get_current_settings

    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for prefix in JOBS:
        path = next((SAMPLES / "jobs").glob(prefix + "*"))
        shutil.copy(path, jobs / path.name)
    with FilloutServer() as server:
        server.file_delay_s = FILE_DELAY_S

        submitted: list[dict] = []

        def add_wave(indexes: range) -> None:
            wave = [candidate_submission(i, resume_urls=[server.add_file(f"cv-{i}.pdf", _resume(i))])
                    for i in indexes]
            server.add_submissions("candForm", wave)
            submitted.extend(wave)

        env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url),
               "PREFECT_HOME": str(tmp_path / "prefect"), "MATCHFLOW_FILE_STORE": str(tmp_path / "files"),
               "MATCHFLOW_GPU_ENABLED": "false", "MATCHFLOW_FILLOUT_API_KEY": server.api_key,
               "MATCHFLOW_FILLOUT_BASE_URL": server.base_url, "MATCHFLOW_FILLOUT_RESUME_FORM_ID": "candForm",
               "MATCHFLOW_FILLOUT_FILE_HOSTS": "127.0.0.1", "MATCHFLOW_FILLOUT_ALLOW_PRIVATE_HOSTS": "true"}
        ingested = subprocess.run([sys.executable, "-m", "matchflow", "ingest", str(jobs), "--kind", "job"],
                                  env=env, capture_output=True, text=True, timeout=300, check=False)
        assert ingested.returncode == 0, ingested.stderr[-2000:]

        add_wave(range(WAVE_1))
        plan = [("fetch", WAVE_1), ("parse", WAVE_1), ("fetch", WAVE_1 + WAVE_2), ("embed", WAVE_1 + WAVE_2),
                ("save", WAVE_1 + WAVE_2)]
        kills, log_path = [], tmp_path / "chain.log"
        with log_path.open("ab") as log:
            for round_no, (stage, total) in enumerate(plan, 1):
                if round_no == 3:
                    add_wave(range(WAVE_1, WAVE_1 + WAVE_2))
                kill = _kill_inside(_start(env, log), engine, stage, total, rng)
                state = ledger(engine)
                kill.update(round=round_no, duplicates=state.duplicates, watermark=str(_watermark(engine)))
                kills.append(kill)
                assert state.duplicates == {}, (kill, SEED)
                # the watermark never passes what is committed: unset until wave 1 was fully fetched,
                # at wave 1's newest submission until wave 2 is fully fetched, then at wave 2's newest
                watermark = _watermark(engine)
                assert watermark == WATERMARK_AFTER[round_no], (kill, SEED)
                assert _missing_before(engine, submitted, watermark) == 0, (kill, SEED)

            final = subprocess.run([sys.executable, "-m", "matchflow", "run", "chain-a", "--batch-size",
                                    str(BATCH), "--json"], env=env, stdout=subprocess.PIPE, stderr=log,
                                   text=True, timeout=600, check=False)
        assert final.returncode == 0, log_path.read_text()[-3000:]
        state = ledger(engine)
        total = WAVE_1 + WAVE_2
        print(json.dumps({"kills": kills, "final": state.counts, "duplicates": state.duplicates}, indent=1))
        assert state.lost(expected_for(total)) == {}, (state.counts, kills, SEED)
        assert state.duplicates == {}, (state.duplicates, kills, SEED)
        assert state.counts["results"] >= total and state.counts["sessions without results"] == 0
        assert _watermark(engine) == BASE_TIME + timedelta(minutes=total - 1)
        assert [k["stage"] for k in kills] == [stage for stage, _ in plan]
        with engine.connect() as conn:  # the killed runs could not say so: each next run marked them failed
            runs = conn.execute(sa.text("SELECT status, stats->>'error' FROM pipeline_runs ORDER BY id")).all()
        assert [status for status, _ in runs] == ["failed"] * len(plan) + ["completed"], runs
        assert all(error.startswith("interrupted") for _, error in runs[:-1]), runs
