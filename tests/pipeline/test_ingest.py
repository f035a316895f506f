"""Receive + parse against the real database with real generated PDF/DOCX files."""

from __future__ import annotations

import shutil

import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.ingest import ingest_paths
from storage.db import session_scope
from storage.models import Candidate, Document, Job, SourceRecord
from tests.factories.documents import make_docx, make_encrypted_pdf, make_image_only_pdf, make_pdf, make_truncated_pdf

RESUME = """Ada Example
Senior Python Developer
ada@example.com  +1 555 0100  Berlin
Summary
Backend engineer with 8 years of experience in Python, Django and PostgreSQL.
Experience
2016 - 2024  Backend Engineer, Acme GmbH: built REST APIs with Django and PostgreSQL, Docker, Kubernetes.
Education
MSc Computer Science, 2015
Skills
Python, Django, PostgreSQL, Docker, Kubernetes, Git
"""


def _write(folder, name, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            "records": conn.scalar(sa.select(sa.func.count()).select_from(SourceRecord)),
            "documents": conn.scalar(sa.select(sa.func.count()).select_from(Document)),
            "candidates": conn.scalar(sa.select(sa.func.count()).select_from(Candidate)),
        }


def test_folder_ingest_counts_each_input_once_and_keeps_going(engine, pipeline_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "ada.pdf", make_pdf(RESUME))
    _write(folder, "bob.docx", make_docx(RESUME.replace("Ada Example", "Bob Example").replace("ada@", "bob@")
                                         .splitlines()))
    _write(folder, "copy-of-ada.pdf", (folder / "ada.pdf").read_bytes())  # same bytes
    _write(folder, "ada.docx", make_docx(RESUME.splitlines()))  # same text, other format
    _write(folder, "locked.pdf", make_encrypted_pdf())
    _write(folder, "broken.pdf", make_truncated_pdf())
    _write(folder, "scan.pdf", make_image_only_pdf())
    _write(folder, "photo.pdf.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # the extension lies

    summary = ingest_paths([folder], DocumentKind.RESUME,
                           context=RunContext.from_settings(pipeline_settings, engine=engine), batch_size=3)

    assert (summary.new, summary.duplicate, summary.failed) == (2, 2, 4)
    reasons = {f.document: f.reason for f in summary.failures}
    assert reasons == {"locked.pdf": "encrypted", "broken.pdf": "corrupt", "scan.pdf": "no_text",
                       "photo.pdf.docx": "unsupported_type"}
    assert "OCR" in next(f.message for f in summary.failures if f.document == "scan.pdf")
    with session_scope(engine) as session:
        parsed = session.scalars(sa.select(Document).where(Document.status == "parsed")).all()
        assert len(parsed) == 2
        assert {d.language for d in parsed} == {"en"}
        assert [(bool(d.candidate_id), bool(d.content_hash), bool(d.metadata_hash), bool(d.composite_hash))
                for d in parsed] == [(True, True, True, True)] * 2
        skills = {hit["skill"] for hit in parsed[0].fields["skills"]}
        assert {"Python", "Django", "PostgreSQL"} <= skills
        duplicates = session.scalars(sa.select(Document).where(Document.status == "duplicate")).all()
        assert all(d.duplicate_of_id in {p.id for p in parsed} for d in duplicates)

    before = _counts(engine)
    again = ingest_paths([folder], DocumentKind.RESUME,
                         context=RunContext.from_settings(pipeline_settings, engine=engine))
    assert (again.new, again.updated, again.unchanged, again.failed) == (0, 0, 8, 0)
    assert _counts(engine) == before


def test_changed_file_is_a_new_version_of_the_same_candidate(engine, pipeline_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = _write(folder, "ada.pdf", make_pdf(RESUME))
    ingest_paths([folder], DocumentKind.RESUME, context=RunContext.from_settings(pipeline_settings, engine=engine))
    path.write_bytes(make_pdf(RESUME + "Rust, Go\n"))
    summary = ingest_paths([folder], DocumentKind.RESUME,
                           context=RunContext.from_settings(pipeline_settings, engine=engine))

    assert summary.updated == 1
    with session_scope(engine) as session:
        documents = session.scalars(sa.select(Document).order_by(Document.id)).all()
        assert [d.version for d in documents] == [1, 2]
        assert [d.is_current for d in documents] == [False, True]
        assert documents[0].candidate_id == documents[1].candidate_id
        assert session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 1
        records = session.scalars(sa.select(SourceRecord).order_by(SourceRecord.id)).all()
        assert [(r.version, r.is_latest) for r in records] == [(1, False), (2, True)]


def test_job_table_rows_become_jobs(engine, pipeline_settings, tmp_path):
    table = tmp_path / "jobs.csv"
    table.write_text(
        "Job ID;Business Title;Agency;Work Location;Job Description;Minimum Qual Requirements;Preferred Skills\n"
        "1;Data Engineer;City Data;New York;Build pipelines in Python and SQL.;3 years of Python, SQL;Airflow\n"
        "2;Accountant;City Finance;New York;Prepare financial statements.;Accounting degree, Excel;SAP\n",
        encoding="utf-8")
    summary = ingest_paths([table], DocumentKind.JOB,
                           context=RunContext.from_settings(pipeline_settings, engine=engine))
    assert summary.new == 2 and summary.failed == 0
    with session_scope(engine) as session:
        jobs = session.scalars(sa.select(Job).order_by(Job.title)).all()
        assert [j.title for j in jobs] == ["Accountant", "Data Engineer"]
        assert all(j.location_text == "New York" for j in jobs)


def test_samples_ingest_without_failures(engine, pipeline_settings, tmp_path):
    from tests.pipeline.conftest import SAMPLES

    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES / "jobs", folder)
    summary = ingest_paths([folder], DocumentKind.JOB,
                           context=RunContext.from_settings(pipeline_settings, engine=engine))
    assert summary.failed == 0, summary.failures
    assert summary.new >= 15


def test_a_name_alone_does_not_merge_two_people(engine, pipeline_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n, job in enumerate(("Chef", "Accountant")):
        _write(folder, f"{n}.pdf", make_pdf(f"Career Focus\n{job}\nSummary\n{job} with {n + 3} years of work.\n"
                                            "Skills\nExcel, Budgeting\n"))
    ingest_paths([folder], DocumentKind.RESUME, context=RunContext.from_settings(pipeline_settings, engine=engine))
    with session_scope(engine) as session:
        documents = session.scalars(sa.select(Document).where(Document.status == "parsed")).all()
        assert len(documents) == 2 and all(d.is_current for d in documents)
        assert len({d.candidate_id for d in documents}) == 2
