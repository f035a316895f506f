"""Section vectors go: `embeddings` keeps one row per document and model, its whole-document vector.

The embed stage stored, besides each document's vector, vectors of its skills / experience / requirements
sections. No search or feature read them, and they nearly doubled a resume's embed time (docs/quality.md,
"Section vectors"), so the embed stage no longer computes them and this migration deletes the stored ones.
The `section` column stays, always `document`: the unique key and the partial HNSW indexes are built on it.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM embeddings WHERE section <> 'document'")


def downgrade() -> None:
    """Nothing to undo in the schema. The deleted section vectors are not restored: only re-embedding with a
    revision that computes them (switching the model, or deleting a model's `embeddings` rows) recomputes them,
    and no code of any revision read them."""
