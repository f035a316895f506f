"""Indexes for the two per-resume candidate lookups: lower(email), and a submission by its source record.

Without them each lookup scans its table, so ingesting N resumes costs O(N^2) (0.4-0.5 ms a lookup at
1,000 stored candidates, growing with every one; docs/benchmarks.md, "Load").

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_candidates_email_lower", "candidates", [sa.text("lower(email)")])
    op.create_index("ix_candidate_submissions_source_record_id", "candidate_submissions", ["source_record_id"])


def downgrade() -> None:
    op.drop_index("ix_candidate_submissions_source_record_id", table_name="candidate_submissions")
    op.drop_index("ix_candidates_email_lower", table_name="candidates")
