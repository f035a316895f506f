"""BM25 in Postgres: a sparse vector of saturated term weights per document, and document frequencies per kind.

`documents.bm25` holds, under hashed term ids, each search_tsv lexeme's tf*(k1+1)/(tf+k1*(1-b+b*dl/avgdl));
`bm25_terms` counts the indexed documents of each kind holding a term, from which the query side's IDF is
computed at search time. Both are filled by the idempotent index stage (`matchflow.pipeline.bm25`), which
also backfills documents stored before this revision, so this migration only adds the empty structures.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import SPARSEVEC

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DIMENSION = 2**29  # storage.models.BM25_DIMENSION, frozen here as a migration must be


def upgrade() -> None:
    op.add_column("documents", sa.Column("bm25", SPARSEVEC(DIMENSION), nullable=True))
    op.add_column("documents", sa.Column("bm25_length", sa.Integer(), nullable=True))
    op.add_column("documents", sa.Column("bm25_avgdl", sa.Float(), nullable=True))
    op.create_table(
        "bm25_terms",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "term_id"),
    )


def downgrade() -> None:
    op.drop_table("bm25_terms")
    op.drop_column("documents", "bm25_avgdl")
    op.drop_column("documents", "bm25_length")
    op.drop_column("documents", "bm25")
