"""Secrets and contacts at rest after full chain runs: chain B then chain A over Fillout forms whose answers,
resumes and job descriptions are full of e-mails and phone numbers, fetched with an API key through signed
file URLs, plus `matchflow deploy` with that key in the environment.

- the API key: nowhere at all (database, Prefect's own database: flow runs, parameters, states, logs,
  artifacts, events; deployments, pools, automations; prefect.yaml); the file URLs' signatures only in
  `source_records`, the submissions kept exactly as received (RAW_TABLES);
- e-mails and phones: only in the tables that hold people's data (CONTACT_TABLES), never in
  pipeline_runs, match sessions, results and their explanations, analyses, artifacts or logs.

test_chain_runs.py::test_run_logs_hold_no_secrets_or_contacts covers the run's logs line by line.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from flows.job_chain import job_chain
from flows.resume_chain import resume_chain
from matchflow import settings as settings_module
from storage.models import Base
from tests.conftest import REPO_ROOT
from tests.factories.documents import make_pdf
from tests.servers.fillout_server import FilloutServer, candidate_submission, company_submission

pytestmark = pytest.mark.usefixtures("prefect_api")

# Where people's data legitimately lives: records as received, people, contacts, documents (their text and
# extracted fields) and the answers of a submission.
CONTACT_TABLES = {"source_records", "candidates", "candidate_submissions", "contacts", "documents",
                  "custom_values", "addresses"}
RAW_TABLES = {"source_records"}
CANDIDATES = 3


def _set_answer(submission: dict, qtype: str, value: str) -> None:
    for question in submission["questions"]:
        if question["type"] == qtype:
            question["value"] = value


def _table_texts(engine) -> dict[str, str]:
    """Every data table's rows as JSON text."""
    with engine.connect() as conn:
        tables = [table.name for table in Base.metadata.sorted_tables]  # our own names, not input
        return {name: "\n".join(conn.scalars(sa.text(f"SELECT row_to_json(t)::text FROM {name} t")))  # noqa: S608
                for name in tables}


def _prefect_texts() -> dict[str, str]:
    """What the Prefect API holds for us, object by object, plus its raw database files."""
    from prefect import get_client
    from prefect.settings import get_current_settings

    texts: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        texts["artifacts"] = json.dumps([a.model_dump(mode="json") for a in client.read_artifacts()])
        texts["flow runs"] = json.dumps([r.model_dump(mode="json") for r in client.read_flow_runs()])
        texts["task runs"] = json.dumps([r.model_dump(mode="json") for r in client.read_task_runs()])
        texts["logs"] = json.dumps([log.model_dump(mode="json") for log in client.read_logs()])
        texts["deployments"] = json.dumps([d.model_dump(mode="json") for d in client.read_deployments()])
        texts["work pools"] = json.dumps([p.model_dump(mode="json") for p in client.read_work_pools()])
        texts["automations"] = json.dumps([a.model_dump(mode="json") for a in client.read_automations()])
    url = str(get_current_settings().server.database.connection_url.get_secret_value())
    database = Path(url.split("///", 1)[1])
    for path in database.parent.glob(database.name + "*"):  # the file, its WAL and shared memory
        texts[f"prefect database {path.name}"] = path.read_bytes().decode("utf-8", "replace")
    return texts


def test_secrets_and_contacts_stay_where_they_belong(engine, tmp_path, monkeypatch):
    tag = secrets.token_hex(3)
    digits = str(int(tag, 16) % 10_000_000).zfill(7)
    emails = [f"cand{i}-{tag}@example.org" for i in range(CANDIDATES)] + [f"hr-{tag}@acme.example"]
    phones = [f"+49 151 {digits[:3]} {digits[3:]}{i}" for i in range(CANDIDATES)] + [f"+49 30 {digits}"]
    with FilloutServer() as server:
        jd = server.add_file("jd.pdf", make_pdf(
            f"Senior Python Engineer\nAbout\nPayments platform team.\nRequirements\nPython, PostgreSQL, Docker\n"
            f"Contact\nApply to {emails[-1]} or call {phones[-1]}\n"))
        company = company_submission(0, jobs=1, jd_urls=[jd])
        _set_answer(company, "EmailInput", emails[-1])
        _set_answer(company, "PhoneNumber", phones[-1])
        server.add_submissions("compForm", [company])
        candidates = []
        for i in range(CANDIDATES):
            url = server.add_file(f"cv-{i}.pdf", make_pdf(
                f"Dana Kowalski {i}\n{emails[i]}\n{phones[i]}\nBackend Engineer\nSummary\nPython developer, "
                f"{3 + i} years.\nSkills\nPython, PostgreSQL, Docker\n"))
            submission = candidate_submission(i, resume_urls=[url])
            _set_answer(submission, "EmailInput", emails[i])
            _set_answer(submission, "PhoneNumber", phones[i])
            for question in submission["questions"]:  # contacts inside a free-text answer that gets analysed
                if question["name"] == "Motivation":
                    question["value"] = f"I love payments. Reach me at {emails[i]} or {phones[i]} any time."
            candidates.append(submission)
        server.add_submissions("candForm", candidates)
        api_key, signatures = server.api_key, [served.sig for served in server.files.values()]
        never_anywhere = [api_key, *signatures]

        for name, value in {"MATCHFLOW_FILLOUT_API_KEY": server.api_key, "MATCHFLOW_FILLOUT_BASE_URL": server.base_url,
                            "MATCHFLOW_FILLOUT_RESUME_FORM_ID": "candForm", "MATCHFLOW_FILLOUT_JOB_FORM_ID": "compForm",
                            "MATCHFLOW_FILLOUT_FILE_HOSTS": "127.0.0.1",
                            "MATCHFLOW_FILLOUT_ALLOW_PRIVATE_HOSTS": "true",
                            "MATCHFLOW_FILE_STORE": str(tmp_path / "files")}.items():
            monkeypatch.setenv(name, value)
        settings_module.get_settings.cache_clear()
        try:
            b = job_chain(source="fillout")
            a = resume_chain(source="fillout")
            from matchflow.deploy import deploy

            deploy(REPO_ROOT / "prefect.yaml", settings_module.get_settings(), gpu_pool_type="process",
                   pause_schedules=True)
        finally:
            settings_module.get_settings.cache_clear()

    assert (b["stages"]["fetch"]["failed"], a["stages"]["fetch"]["failed"]) == (0, 0)
    assert a["stages"]["save"]["processed"] == CANDIDATES
    database = _table_texts(engine)
    assert emails[0] in database["candidates"] and emails[0] in database["documents"]  # the scan sees them

    contacts = emails + phones
    leaks = {(where, value) for where, text in database.items() for value in never_anywhere if value in text
             and not (where in RAW_TABLES and value in signatures)}
    leaks |= {(where, value) for where, text in database.items() if where not in CONTACT_TABLES
              for value in contacts if value in text}
    for where, text in _prefect_texts().items():
        leaks |= {(where, value) for value in never_anywhere + contacts if value in text}
    for path in [REPO_ROOT / "prefect.yaml", *sorted((REPO_ROOT / "automations").glob("*.yaml"))]:
        leaks |= {(path.name, value) for value in never_anywhere if value in path.read_text()}
    assert not leaks, sorted(leaks)
