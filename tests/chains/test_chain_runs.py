"""Chains A and B as Prefect flow runs against a real Prefect API, the embedded Postgres and the real model."""

from __future__ import annotations

import logging
import shutil

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from flows.job_chain import job_chain
from flows.resume_chain import resume_chain
from matchflow import settings as settings_module
from matchflow.domain import CHAIN_A
from storage.models import Document, MatchSession, PipelineRun
from tests.factories.documents import make_pdf
from tests.pipeline.conftest import SAMPLES
from tests.servers.fillout_server import FilloutServer, candidate_submission

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture
def folders(tmp_path):
    jobs, resumes = tmp_path / "jobs", tmp_path / "resumes"
    jobs.mkdir()
    resumes.mkdir()
    for name in ("j01-senior-python-backend-engineer.pdf", "j02-frontend-developer-react.docx"):
        matches = list((SAMPLES / "jobs").glob(name.split("-")[0] + "-*"))
        shutil.copy(matches[0], jobs / matches[0].name)
    for path in sorted((SAMPLES / "resumes").glob("r0[1-5]-*")):
        shutil.copy(path, resumes / path.name)
    return jobs, resumes


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_chain_b_then_a_write_matches_with_stats_and_artifacts(engine, folders):
    jobs, resumes = folders
    b = job_chain(source=str(jobs), batch_size=2)
    a = resume_chain(source=str(resumes), batch_size=2)

    assert b["stages"]["fetch"]["new"] == 2 and a["stages"]["fetch"]["new"] == 5
    # task runs grow with batches: 5 resumes in batches of 2 -> 3 parse batches and 1 empty check
    assert a["stages"]["parse"]["task_runs"] == 4
    assert a["stages"]["save"]["processed"] == 5
    assert _count(engine, MatchSession, MatchSession.chain == CHAIN_A.slug, MatchSession.is_current) == 5
    assert _count(engine, Document, Document.status == "matched") == 7
    with engine.connect() as conn:
        stored = conn.execute(sa.select(PipelineRun.status, PipelineRun.stats).order_by(PipelineRun.id)).all()
    assert [status for status, _ in stored] == ["completed", "completed"]
    assert stored[1].stats["stages"]["embed"]["device"] == "cpu"

    from prefect import get_client

    with get_client(sync_client=True) as client:
        stats = client.read_latest_artifacts(artifact_filter=None)
    keys = {artifact.key for artifact in stats}
    assert {"chain-a-stats", "chain-a-top-matches", "chain-a-progress", "chain-b-stats"} <= keys

    again = resume_chain(source=str(resumes), batch_size=2)  # nothing new: nothing redone
    assert again["stages"]["fetch"]["unchanged"] == 5
    assert again["stages"]["save"]["processed"] == 0
    assert _count(engine, MatchSession) == 7


def test_second_run_of_a_chain_is_cancelled_while_one_holds_the_lock(engine, folders):
    _, resumes = folders
    with engine.connect() as holder:
        holder.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": CHAIN_A.lock_key})
        state = resume_chain(source=str(resumes), return_state=True)
        holder.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": CHAIN_A.lock_key})
    assert state.is_cancelled()
    assert "already running" in state.message
    assert _count(engine, Document) == 0  # the cancelled run wrote nothing


def test_dry_run_reports_and_writes_nothing(engine, folders):
    _, resumes = folders
    report = resume_chain(source=str(resumes), dry_run=True)
    assert report["files_found"] == 5
    assert _count(engine, Document) == 0 and _count(engine, PipelineRun) == 0


def test_run_logs_hold_no_secrets_or_contacts(engine, tmp_path, monkeypatch, caplog):
    """A Fillout-sourced run over data full of e-mails, phones and signed URLs logs none of them."""
    with FilloutServer() as server:
        urls = [server.add_file(f"cv-{i}.pdf", make_pdf(f"Dana Kowalski\ndana{i}@example.com\n+49 151 2345678{i}\n"
                                                         "Python developer\nSkills\nPython, SQL\n"))
                for i in range(3)]
        urls.append(server.add_file("gone.pdf", b"", status=404))
        server.add_submissions("candForm", [candidate_submission(i, resume_urls=[url]) for i, url in enumerate(urls)])
        monkeypatch.setenv("MATCHFLOW_FILLOUT_API_KEY", server.api_key)
        monkeypatch.setenv("MATCHFLOW_FILLOUT_BASE_URL", server.base_url)
        monkeypatch.setenv("MATCHFLOW_FILLOUT_RESUME_FORM_ID", "candForm")
        monkeypatch.setenv("MATCHFLOW_FILLOUT_FILE_HOSTS", "127.0.0.1")
        monkeypatch.setenv("MATCHFLOW_FILLOUT_ALLOW_PRIVATE_HOSTS", "true")
        settings_module.get_settings.cache_clear()
        caplog.set_level(logging.DEBUG)
        try:
            result = resume_chain(source="fillout")
        finally:
            settings_module.get_settings.cache_clear()
        assert result["stages"]["fetch"]["failed"] == 1
        secrets = [server.api_key, "@example.com", "2345678", "sig=", "1000001"]

    from prefect import get_client

    with get_client(sync_client=True) as client:
        api_logs = "\n".join(log.message for log in client.read_logs())
    text = caplog.text + "\n" + api_logs
    assert "fetched 4 resume submissions" in text  # the run did log
    for secret in secrets:
        assert secret not in text, secret
    assert SecretStr(server.api_key).get_secret_value() not in repr(result)
