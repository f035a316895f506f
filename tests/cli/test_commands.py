"""The CLI as a user runs it: subprocesses, real files, the session's embedded Postgres."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.factories.documents import make_encrypted_pdf, make_pdf
from tests.pipeline.conftest import SAMPLES


def matchflow(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matchflow", *args], capture_output=True, text=True,
                          timeout=timeout, check=False, env={**os.environ, **(env or {})})


def test_every_command_has_help():
    for command in (["db", "upgrade"], ["db", "status"], ["db", "downgrade"], ["ingest"], ["fetch"], ["match"],
                    ["matches"], ["run"], ["demo"]):
        result = matchflow(*command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout


def test_ingest_reports_failures_with_reasons_and_exit_code(engine, tmp_path):
    (tmp_path / "good.pdf").write_bytes(make_pdf("Jane Roe\nAccountant\nSkills\nExcel, SAP, IFRS reporting\n"))
    (tmp_path / "locked.pdf").write_bytes(make_encrypted_pdf())
    result = matchflow("ingest", str(tmp_path), "--kind", "resume", "--json")
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["failed"]) == (1, 1)
    assert summary["failures"][0]["reason"] == "encrypted"

    again = matchflow("ingest", str(tmp_path / "good.pdf"), "--kind", "resume")
    assert again.returncode == 0
    assert "1 unchanged" in again.stdout

    missing = matchflow("ingest", str(tmp_path / "nope"), "--kind", "resume")
    assert missing.returncode == 2 and "No such file" in missing.stderr


def test_match_a_path_prints_ranked_jobs(engine):
    ingested = matchflow("ingest", str(SAMPLES / "jobs"), "--kind", "job")
    assert ingested.returncode == 0, ingested.stderr
    resume = next((SAMPLES / "resumes").glob("r01-*"))
    result = matchflow("match", "--resume-document", str(resume), "--top", "3", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and rows[0]["score"] >= rows[-1]["score"]
    assert "Python" in rows[0]["matched_skills"]


def test_match_scores_with_the_users_weights_and_refuses_unknown_ones(engine):
    import sqlalchemy as sa

    from matchflow.scoring import FEATURES
    from storage.models import MatchResult, MatchSession

    assert matchflow("ingest", str(SAMPLES / "jobs"), "--kind", "job").returncode == 0
    resume = next((SAMPLES / "resumes").glob("r01-*"))
    semantic_only = {name: 0 for name in FEATURES} | {"semantic": 2}  # renormalised to 1
    result = matchflow("match", "--resume-document", str(resume), "--top", "5", "--json",
                       env={"MATCHFLOW_SCORE_WEIGHTS": json.dumps(semantic_only)})
    assert result.returncode == 0, result.stderr
    session_id = json.loads(result.stdout)[0]["session_id"]
    with engine.connect() as conn:
        parameters = conn.scalar(sa.select(MatchSession.parameters).where(MatchSession.id == session_id))
        scored = conn.execute(sa.select(MatchResult.score, MatchResult.features)
                              .where(MatchResult.session_id == session_id).order_by(MatchResult.rank)).all()
    assert parameters["weights"] == {name: 0.0 for name in FEATURES} | {"semantic": 1.0}
    assert len(scored) == 5
    for score, features in scored:  # the score is the semantic feature alone, in whole points
        assert abs(score - 100 * features["semantic"]) <= 0.5, (score, features)
    assert [s for s, _ in scored] == sorted((s for s, _ in scored), reverse=True)

    typo = matchflow("match", "--resume-document", str(resume), env={"MATCHFLOW_SCORE_WEIGHTS": '{"salery": 1}'})
    assert typo.returncode == 2
    assert "MATCHFLOW_SCORE_WEIGHTS" in typo.stderr and "salery" in typo.stderr


def test_demo_on_a_fresh_home_shows_real_matches(tmp_path):
    """The README's second command, on an empty MATCHFLOW_HOME and PREFECT_HOME, with the default embedding
    backend (auto: the ONNX export and the calibration run on first use) rather than the suite's torch."""
    env = {"MATCHFLOW_HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "prefect"),
           "COLUMNS": "200", "MATCHFLOW_EMBED_BACKEND": "auto"}
    result = matchflow("demo", "--top", "2", env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "jobs: 24 new" in out and "resumes: 46 new" in out
    assert "chain B" in out and "chain A" in out
    assert "Senior Python Backend Engineer" in out  # a job title heading its matches table
    assert "Python" in out and "score" in out
    choices = json.loads((tmp_path / "home" / "models" / "embed-backend-choice.json").read_text())
    [decision] = choices.values()  # measured once, for this machine
    assert decision["choice"] in ("torch", "torch-bf16", "onnx", "onnx-int8")
