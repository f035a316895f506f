"""Chain A over 60 Fillout submissions: each stored exactly once, none lost, and a run with nothing new writes nothing.

The local server re-signs every file URL each time it lists submissions, as Fillout does (its file URLs are
signed and expire), so an unchanged submission re-read in the update look-back window must still count as
unchanged. The full-size version (10,000 submissions, timed, with peak memory) is bench/scale_bench.py.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
import sqlalchemy as sa

from flows.resume_chain import resume_chain
from matchflow import settings as settings_module
from matchflow.domain import CHAIN_A, DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.ingest import ingest_paths
from storage.models import (
    CandidateSubmission,
    Document,
    Embedding,
    MatchResult,
    MatchSession,
    SourceRecord,
)
from tests.servers.fillout_server import FilloutServer, question, submission

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.slow]

N = 60
JOBS = 12
TOP_K = 10
SKILLS = ["Python", "PostgreSQL", "Docker", "Kubernetes", "React", "TypeScript", "Java", "Spring", "Terraform",
          "AWS", "SQL", "Tableau", "Excel", "Figma", "Go", "Kafka"]
ROLES = ["Backend Developer", "Frontend Developer", "Data Analyst", "DevOps Engineer", "Product Designer"]


class ResigningServer(FilloutServer):
    """Hands out freshly signed file URLs on every listing, as Fillout does."""

    _listing = itertools.count(1)

    def _list_submissions(self, form_id: str, query: dict[str, str]) -> tuple[int, object]:
        status, payload = super()._list_submissions(form_id, query)
        if status == 200:
            text = re.sub(r"expires=\d+", f"expires={3600 + next(self._listing)}", json.dumps(payload["responses"]))
            payload = {**payload, "responses": json.loads(text)}
        return status, payload


def _skills(i: int, k: int = 4) -> list[str]:
    return [SKILLS[(i * 3 + j) % len(SKILLS)] for j in range(k)]


def _resume(i: int) -> bytes:
    role, skills = ROLES[i % len(ROLES)], _skills(i)
    return (f"Candidate Number{i}\n{role}\n\nSummary\n{role} with {2 + i % 9} years of experience in "
            f"{skills[0]} and {skills[1]}.\n\nExperience\n{role} at Company {i} (2019 - 2024)\n"
            f"- Built services with {skills[0]}, {skills[2]} and {skills[3]} used by {100 + i} customers.\n\n"
            f"Skills\n{', '.join(skills)}\n").encode()


def _submission(i: int, url: str) -> dict:
    return submission([
        question("Full name", "ShortAnswer", f"Candidate Number{i}"),
        question("Email", "EmailInput", f"candidate.{i}@example.com"),
        question("City", "ShortAnswer", "Berlin"),
        question("Desired role", "MultiSelect", [ROLES[i % len(ROLES)]]),
        question("Skills", "MultiSelect", _skills(i)),
        question("Motivation", "LongAnswer", "I like building reliable products with a small team."),
        question("Upload your CV", "FileUpload", [{"url": url, "filename": f"cv-{i}.txt"}]),
    ], index=i, sub_id=f"load-{i:03d}")


@pytest.fixture
def fillout(monkeypatch):
    with ResigningServer() as server:
        urls = [server.add_file(f"cv-{i}.txt", _resume(i), content_type="text/plain") for i in range(N)]
        server.add_submissions("candForm", [_submission(i, url) for i, url in enumerate(urls)])
        for name, value in {"API_KEY": server.api_key, "BASE_URL": server.base_url, "RESUME_FORM_ID": "candForm",
                            "FILE_HOSTS": "127.0.0.1", "ALLOW_PRIVATE_HOSTS": "true"}.items():
            monkeypatch.setenv(f"MATCHFLOW_FILLOUT_{name}", value)
        settings_module.get_settings.cache_clear()
        yield server
    settings_module.get_settings.cache_clear()


def _counts(engine) -> dict[str, int]:
    count = sa.func.count()
    with engine.connect() as conn:
        def scalar(statement) -> int:
            return conn.scalar(statement)

        expected_vectors = scalar(sa.select(count).select_from(Document).where(  # one per document, no sections
            Document.status.in_(("embedded", "matched"))))
        return {
            "records": scalar(sa.select(count).select_from(SourceRecord).where(SourceRecord.kind == "resume")),
            "latest versions > 1": scalar(sa.select(count).select_from(SourceRecord).where(SourceRecord.version > 1)),
            "submissions": scalar(sa.select(count).select_from(CandidateSubmission)),
            "resumes": scalar(sa.select(count).select_from(Document).where(Document.kind == "resume")),
            "distinct resume sources": scalar(sa.select(sa.func.count(sa.distinct(Document.source_id)))
                                              .where(Document.kind == "resume")),
            "resumes matched": scalar(sa.select(count).select_from(Document).where(
                Document.kind == "resume", Document.status == "matched")),
            "vectors": scalar(sa.select(count).select_from(Embedding)),
            "expected vectors": expected_vectors,
            "sessions": scalar(sa.select(count).select_from(MatchSession).where(MatchSession.chain == CHAIN_A.slug)),
            "distinct current sessions": scalar(sa.select(sa.func.count(sa.distinct(MatchSession.source_document_id)))
                                                .where(MatchSession.chain == CHAIN_A.slug, MatchSession.is_current)),
            "results": scalar(sa.select(count).select_from(MatchResult)),
        }


def test_sixty_submissions_land_exactly_once_and_a_rerun_changes_nothing(engine, fillout, tmp_path):
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for j in range(JOBS):
        skills = _skills(j + 7, 5)
        (jobs / f"job-{j:02d}.txt").write_text(
            f"{ROLES[j % len(ROLES)]}\nAcme {j} - Berlin\n\nRequirements\n" + "\n".join(f"- {s}" for s in skills)
            + f"\n\nResponsibilities\n- Build and run services with {skills[0]} and {skills[1]}.\n")
    ingest_paths([jobs], DocumentKind.JOB,
                 context=RunContext.from_settings(settings_module.get_settings(), engine=engine),
                 batch_size=16)

    first = resume_chain(source="fillout", batch_size=16, top_k=TOP_K)

    fetch = first["stages"]["fetch"]
    assert (fetch["processed"], fetch["new"], fetch["updated"], fetch["failed"]) == (N, N, 0, 0)
    assert first["stages"]["save"]["processed"] == N
    counts = _counts(engine)
    assert counts == {"records": N, "latest versions > 1": 0, "submissions": N, "resumes": N,
                      "distinct resume sources": N, "resumes matched": N, "vectors": counts["expected vectors"],
                      "expected vectors": counts["expected vectors"], "sessions": N, "distinct current sessions": N,
                      "results": N * TOP_K}
    assert counts["vectors"] == N + JOBS  # one whole-document vector each: sections get none

    again = resume_chain(source="fillout", batch_size=16, top_k=TOP_K)  # every URL re-signed since the first run

    fetch = again["stages"]["fetch"]
    assert (fetch["new"], fetch["updated"], fetch["unchanged"], fetch["failed"]) == (0, 0, N, 0)
    assert again["stages"]["embed"]["processed"] == 0 and again["stages"]["save"]["processed"] == 0
    assert _counts(engine) == counts
