"""documents.scoring_text: the personal-data-redacted text matching scores, when redaction is on.

The full-text vector is rebuilt from `coalesce(scoring_text, text)`: a generated column's expression can only
be changed in place from Postgres 17, so it is dropped and added again (with its GIN index).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _search_tsv(source: str) -> None:
    op.drop_index("ix_documents_search_tsv", table_name="documents", postgresql_using="gin")
    op.drop_column("documents", "search_tsv")
    op.add_column("documents", sa.Column(
        "search_tsv", postgresql.TSVECTOR(),
        sa.Computed(f"to_tsvector(text_search_config, coalesce({source}, ''))", persisted=True), nullable=True))
    op.create_index("ix_documents_search_tsv", "documents", ["search_tsv"], unique=False, postgresql_using="gin")


def upgrade() -> None:
    op.add_column("documents", sa.Column("scoring_text", sa.Text(), nullable=True))
    _search_tsv("scoring_text, text")


def downgrade() -> None:
    _search_tsv("text")
    op.drop_column("documents", "scoring_text")
