"""A chain run killed with SIGKILL at different stages, then run again: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from storage.models import Document, MatchResult, MatchSession, SourceRecord
from tests.pipeline.conftest import SAMPLES

RESUMES = sorted((SAMPLES / "resumes").glob("*"))


def _start_chain(source, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "matchflow", "run", "chain-a", "--source", str(source),
                             "--batch-size", "8"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own group: the temporary Prefect server dies with it


def _status_count(engine, *statuses: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.status.in_(statuses)))


def _kill_when(process: subprocess.Popen, condition, timeout_s: float = 300) -> bool:
    """SIGKILL the run's whole process group as soon as `condition()` holds; False if it finished first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
            return True
        time.sleep(0.1)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the chain neither reached the kill point nor finished")
    return False


def test_killed_runs_are_finished_by_the_next_one_without_duplicates(engine, tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "MATCHFLOW_FILE_STORE": str(tmp_path / "files")}
    jobs = subprocess.run([sys.executable, "-m", "matchflow", "ingest", str(SAMPLES / "jobs"), "--kind", "job"],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert jobs.returncode == 0, jobs.stderr
    kill_points = {
        "while parsing": lambda: _status_count(engine, "parsed") >= 4,
        "while embedding": lambda: _status_count(engine, "embedded") >= 1,
        "while matching": lambda: _status_count(engine, "matched") >= 1,
    }
    killed = []
    for name, condition in kill_points.items():
        if _kill_when(_start_chain(SAMPLES / "resumes", env), condition):
            killed.append(name)
    assert len(killed) >= 2, f"only killed {killed}: the runs finished before the kill points"

    final = subprocess.run([sys.executable, "-m", "matchflow", "run", "chain-a", "--source",
                            str(SAMPLES / "resumes"), "--json"], env=env, capture_output=True, text=True,
                           timeout=600, check=False)
    assert final.returncode == 0, final.stderr[-2000:]

    with engine.connect() as conn:
        resumes = Document.kind == "resume"
        assert conn.scalar(sa.select(sa.func.count()).select_from(SourceRecord).where(
            SourceRecord.kind == "resume")) == len(RESUMES)
        assert conn.scalar(sa.select(sa.func.count()).select_from(Document).where(resumes)) == len(RESUMES)
        assert conn.scalar(sa.select(sa.func.count()).select_from(Document).where(
            resumes, Document.status == "matched")) == len(RESUMES), killed
        assert conn.scalar(sa.select(sa.func.count()).select_from(MatchResult)) >= len(RESUMES)
        current = conn.execute(sa.select(MatchSession.source_document_id, sa.func.count()).where(
            MatchSession.is_current).group_by(MatchSession.source_document_id)).all()
        assert len(current) == len(RESUMES) and {count for _, count in current} == {1}
        ranks = conn.execute(sa.select(MatchResult.session_id, MatchResult.rank, sa.func.count())
                             .group_by(MatchResult.session_id, MatchResult.rank)
                             .having(sa.func.count() > 1)).all()
        assert ranks == []


def test_two_runs_started_at_once_one_works_the_other_is_cancelled(engine, tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "MATCHFLOW_FILE_STORE": str(tmp_path / "files")}
    # all 46 resumes: a run long enough that the second one surely starts while the first holds the lock
    command = [sys.executable, "-m", "matchflow", "run", "chain-a", "--source", str(SAMPLES / "resumes"), "--json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True) for _ in range(2)]
    outcomes = [run.communicate(timeout=600) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 1], outcomes
    cancelled = next(err for run, (_, err) in zip(runs, outcomes, strict=True) if run.returncode == 1)
    assert "already running" in cancelled
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Document)) == len(RESUMES)
        assert conn.scalar(sa.select(sa.func.count()).select_from(SourceRecord)) == len(RESUMES)
        assert conn.scalar(sa.select(sa.func.count()).select_from(MatchSession)) == len(RESUMES)
