"""Vector storage helpers: one partial HNSW cosine index per embedding model and kind.

`embeddings.embedding` has no fixed dimension so vectors of several models can coexist (a model change
re-embeds in the background while searches keep using the old model's vectors). pgvector can only index a
fixed dimension, so each model gets a partial expression index over `embedding::vector(dim)`; searches
must use the same expression (`vector_expression`) for the planner to pick the index.
"""

from __future__ import annotations

import sqlalchemy as sa
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matchflow.domain import DocumentKind
from storage.models import Embedding, EmbeddingModel

# HNSW build parameters (measured by bench/search_bench.py at 100k job vectors, see docs/benchmarks.md):
# m stays pgvector's default 16 - m 24/32 reach the same recall only by reading more index pages per query
# and build 1.3-2x slower; ef_construction 200 (pgvector's default is 64) builds a better graph, so
# ef_search 100 reaches recall@10 0.987 instead of 0.977 with 128, for slower builds/inserts (100k: 38 -> 81 s
# on a busy machine, 35-41 s on a quiet one).
# ef_search is set per query (see storage/search.py).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 200


KINDS = tuple(kind.value for kind in DocumentKind)


def index_name(model_id: int, kind: str) -> str:
    return f"ix_embeddings_hnsw_model_{model_id}_{kind}"


def vector_expression(dimension: int) -> sa.ColumnElement:
    """`embedding::vector(dim)`, the expression the per-model HNSW index is built on."""
    return sa.cast(Embedding.embedding, Vector(dimension))


def ensure_vector_index(*, session: Session, model: EmbeddingModel, m: int = HNSW_M,
                        ef_construction: int = HNSW_EF_CONSTRUCTION) -> list[str]:
    """Create the model's HNSW cosine indexes (one per document kind) if missing; returns their names.

    Partial on model, kind and the whole-document section, so a search for jobs walks a graph of jobs only.
    `m` / `ef_construction` are overridable for bench/search_bench.py's parameter sweep.
    """
    names = []
    for kind in KINDS:
        name = index_name(model.id, kind)
        session.execute(
            sa.text(
                f"CREATE INDEX IF NOT EXISTS {name} ON embeddings "
                f"USING hnsw ((embedding::vector({int(model.dimension)})) vector_cosine_ops) "
                f"WITH (m = {int(m)}, ef_construction = {int(ef_construction)}) "
                f"WHERE model_id = {int(model.id)} AND kind = '{kind}' AND section = 'document'"
            )
        )
        names.append(name)
    return names


def find_model(*, session: Session, name: str, revision: str) -> EmbeddingModel | None:
    """The embedding_models row of this exact model, if it was ever registered."""
    return session.scalars(sa.select(EmbeddingModel).where(EmbeddingModel.name == name,
                                                           EmbeddingModel.revision == revision)).one_or_none()


def get_or_create_model(*, session: Session, name: str, revision: str, dimension: int,
                        max_seq_length: int | None = None) -> EmbeddingModel:
    """The embedding_models row for this model (and its index), created on first use."""
    model = find_model(session=session, name=name, revision=revision)
    if model is None:
        statement = (
            insert(EmbeddingModel)
            .values(name=name, revision=revision, dimension=dimension, max_seq_length=max_seq_length)
            .on_conflict_do_nothing(index_elements=["name", "revision"])
            .returning(EmbeddingModel.id)
        )
        created_id = session.execute(statement).scalar_one_or_none()
        if created_id is not None:
            for kind in KINDS:  # an index left behind by a deleted model with the same id is stale
                session.execute(sa.text(f"DROP INDEX IF EXISTS {index_name(created_id, kind)}"))
        model = session.scalars(
            sa.select(EmbeddingModel).where(EmbeddingModel.name == name, EmbeddingModel.revision == revision)
        ).one()
    ensure_vector_index(session=session, model=model)
    return model
