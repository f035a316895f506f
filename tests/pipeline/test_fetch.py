"""Fillout -> database through a local server that speaks Fillout's API, including its failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.fetch import fetch_form
from matchflow.pipeline.ingest import parse_received
from storage.db import session_scope
from storage.models import (
    Candidate,
    CandidateSubmission,
    Company,
    Contact,
    Document,
    Job,
    SalaryExpectation,
    SourceRecord,
    SourceSyncState,
    submission_skills,
)
from tests.factories.documents import make_pdf
from tests.servers.fillout_server import BASE_TIME, FilloutServer, candidate_submission, company_submission


def _resume(index: int) -> bytes:
    return make_pdf(f"Candidate {index}\nBackend Engineer\nSummary\nPython and PostgreSQL developer, "
                    f"{3 + index} years of experience.\nSkills\nPython, PostgreSQL, Docker, Kubernetes\n")


@pytest.fixture
def server():
    with FilloutServer() as running:
        yield running


@pytest.fixture
def fillout_settings(pipeline_settings, server):
    return pipeline_settings.model_copy(update={
        "fillout_api_key": SecretStr(server.api_key), "fillout_base_url": server.base_url,
        "fillout_resume_form_id": "candForm", "fillout_job_form_id": "compForm",
        "fillout_file_hosts": ["127.0.0.1"], "fillout_allow_private_hosts": True,
    })


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(model))


def test_candidates_land_once_across_faults_and_reruns(engine, server, fillout_settings):
    subs = []
    for i in range(6):
        url = server.add_file(f"cv-{i}.pdf", _resume(i), status=404 if i == 5 else 200)
        subs.append(candidate_submission(i, resume_urls=[url]))
    server.add_submissions("candForm", subs)
    server.fail_next(429, retry_after="1")
    server.fail_next(503)

    first = fetch_form(DocumentKind.RESUME,
                       context=RunContext.from_settings(fillout_settings, engine=engine), batch_size=4)

    assert (first.processed, first.new, first.failed) == (6, 5, 1)
    assert first.failures[0].reason == "download_failed"
    assert "sig=" not in first.failures[0].message  # the signed URL is masked
    assert _count(engine, SourceRecord) == 6
    with session_scope(engine) as session:
        watermark = session.scalar(sa.select(SourceSyncState.watermark))
        assert watermark == BASE_TIME + timedelta(minutes=5)  # submission time of the newest

    again = fetch_form(DocumentKind.RESUME, context=RunContext.from_settings(fillout_settings, engine=engine))
    assert (again.new, again.updated, again.failed) == (0, 0, 0)
    assert _count(engine, SourceRecord) == 6
    last = server.api_requests("/submissions")[-1]
    assert last.query.get("afterDate")  # incremental: asked only for what is after the watermark

    parsed = parse_received(DocumentKind.RESUME,
                            context=RunContext.from_settings(fillout_settings, engine=engine), batch_size=10)
    assert parsed.processed == 5
    with session_scope(engine) as session:
        candidates = session.scalars(sa.select(Candidate).order_by(Candidate.id)).all()
        assert len(candidates) == 5
        assert candidates[0].email == "anna.0@example.com"  # identity from the form, not the PDF
        assert _count(engine, CandidateSubmission) == 5
        assert _count(engine, SalaryExpectation) == 5
        assert session.scalar(sa.select(sa.func.count()).select_from(submission_skills)) >= 5
        answers = session.scalars(sa.select(CandidateSubmission.answers)).first()
        assert "motivation" in answers


def test_changed_submission_is_a_new_version(engine, server, fillout_settings):
    url = server.add_file("cv.pdf", _resume(0))
    original = candidate_submission(0, resume_urls=[url])
    server.add_submissions("candForm", [original])
    fetch_form(DocumentKind.RESUME, context=RunContext.from_settings(fillout_settings, engine=engine))

    changed = candidate_submission(0, resume_urls=[url], submitted_at=BASE_TIME)
    changed["lastUpdatedAt"] = "2024-05-02T10:00:00.000Z"
    changed["questions"][0]["value"] = "Anna Ivanova-Smith"
    server.delete_submission("candForm", original["submissionId"])
    server.add_submissions("candForm", [changed])
    summary = fetch_form(DocumentKind.RESUME, context=RunContext.from_settings(fillout_settings, engine=engine))

    assert summary.updated == 1
    with session_scope(engine) as session:
        records = session.scalars(sa.select(SourceRecord).order_by(SourceRecord.version)).all()
        assert [(r.version, r.is_latest) for r in records] == [(1, False), (2, True)]
        assert records[1].payload["questions"][0]["value"] == "Anna Ivanova-Smith"  # stored as received


def test_company_form_jobs_become_jobs_with_company_and_contact(engine, server, fillout_settings):
    urls = [server.add_file(f"jd-{j}.pdf", make_pdf(f"Job {j}\nRequirements\nPython, SQL, Docker\n"))
            for j in (1, 2)]
    server.add_submissions("compForm", [company_submission(0, jobs=2, jd_urls=urls)])
    summary = fetch_form(DocumentKind.JOB, context=RunContext.from_settings(fillout_settings, engine=engine))
    assert summary.new == 2
    parse_received(DocumentKind.JOB, context=RunContext.from_settings(fillout_settings, engine=engine), batch_size=10)
    with session_scope(engine) as session:
        jobs = session.scalars(sa.select(Job).order_by(Job.id)).all()
        assert len(jobs) == 2 and all(j.company_id for j in jobs)
        assert {j.remote for j in jobs} == {"hybrid"}
        assert session.scalar(sa.select(Company.name)) == "Acme 0 GmbH"
        assert _count(engine, Contact) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.status == "parsed")) == 2


def test_missing_configuration_is_a_clear_error(engine, pipeline_settings):
    from matchflow.fillout.errors import FilloutConfigError

    with pytest.raises(FilloutConfigError, match="MATCHFLOW_FILLOUT_API_KEY"):
        fetch_form(DocumentKind.RESUME, context=RunContext.from_settings(pipeline_settings, engine=engine))
