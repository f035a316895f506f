"""Real tables and files from ../shared/data through the ingest stage (skipped when the folder is absent)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.ingest import ingest_paths
from storage.models import Document, Job

pytestmark = pytest.mark.realdata


def test_nyc_jobs_table_reads_with_the_default_column_mapping(engine, pipeline_settings, shared_data):
    table = shared_data / "jobs" / "nyc_jobs.csv"
    summary = ingest_paths([table], DocumentKind.JOB,
                           context=RunContext.from_settings(pipeline_settings, engine=engine), batch_size=256)
    assert summary.failed == 0
    assert summary.new + summary.duplicate + summary.unchanged == 3977  # every row accounted for once
    assert summary.duplicate > 0  # the table repeats postings (internal and external)
    with engine.connect() as conn:
        titles = conn.scalars(sa.select(Job.title).limit(2000)).all()
        assert "Account Manager" in titles
        # most rows of this table are a title and a salary; the few with a description must yield skills
        described = sa.and_(Document.status == "parsed", sa.func.length(Document.text) > 500)
        long_ones = conn.scalar(sa.select(sa.func.count()).select_from(Document).where(described))
        with_skills = conn.scalar(sa.select(sa.func.count()).select_from(Document).where(
            described, sa.func.jsonb_array_length(Document.fields["skills"]) > 0))
        assert long_ones >= 10 and with_skills / long_ones >= 0.8
    again = ingest_paths([table], DocumentKind.JOB,
                         context=RunContext.from_settings(pipeline_settings, engine=engine), batch_size=256)
    assert again.unchanged == 3977 and again.new == again.updated == 0
