"""One stored value per chain: `match_sessions.chain` takes the slug `pipeline_runs.chain` already holds.

Match sessions stored the letter ("A", "B") and pipeline runs the slug ("chain-a", "chain-b"); both now store
the slug of `matchflow.domain.ChainSpec`, so a query joining the two needs no translation table.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LETTER_TO_SLUG = {"A": "chain-a", "B": "chain-b"}


def upgrade() -> None:
    op.alter_column("match_sessions", "chain", type_=sa.String(20), existing_type=sa.String(10))
    for letter, slug in LETTER_TO_SLUG.items():
        op.execute(sa.text("UPDATE match_sessions SET chain = :slug WHERE chain = :letter")
                   .bindparams(slug=slug, letter=letter))


def downgrade() -> None:
    for letter, slug in LETTER_TO_SLUG.items():
        op.execute(sa.text("UPDATE match_sessions SET chain = :letter WHERE chain = :slug")
                   .bindparams(slug=slug, letter=letter))
    op.alter_column("match_sessions", "chain", type_=sa.String(10), existing_type=sa.String(20))
