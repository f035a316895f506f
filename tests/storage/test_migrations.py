"""Migrations against the real embedded Postgres: up, down, idempotent, and the CLI on top."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from storage.migrate import downgrade, migration_status, upgrade
from storage.models import Base


def _tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_upgrade_creates_every_model_table_and_the_extension(engine):
    assert set(Base.metadata.tables) <= _tables(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT extversion FROM pg_extension WHERE extname='vector'")).scalar()
    assert migration_status(engine).up_to_date


def test_downgrade_latest_then_upgrade_again(engine):
    head = migration_status(engine).head
    downgrade(engine, "0003")
    assert migration_status(engine).current != head
    chain_column = next(c for c in sa.inspect(engine).get_columns("match_sessions") if c["name"] == "chain")
    assert chain_column["type"].length == 10  # 0004 widened it for the chain slugs
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert migration_status(engine).current == head
    assert set(Base.metadata.tables) <= _tables(engine)


def test_chain_letters_become_slugs_and_back(engine):
    """0004: match sessions stored "A"/"B"; they now store the slug pipeline_runs stores."""
    from storage.models import Document, MatchSession

    downgrade(engine, "0003")
    with engine.begin() as conn:  # Core inserts name only the given columns (and defaults): 0003's columns
        document_id = conn.execute(sa.insert(Document.__table__).values(kind="resume", status="matched",
                                                                        file_hash="0" * 64)
                                   .returning(Document.__table__.c.id)).scalar()
        conn.execute(sa.insert(MatchSession.__table__), [{"chain": letter, "source_document_id": document_id}
                                                         for letter in ("A", "B")])
    upgrade(engine)
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT chain FROM match_sessions")).scalars()) == ["chain-a", "chain-b"]
    downgrade(engine, "0003")
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT chain FROM match_sessions")).scalars()) == ["A", "B"]
    upgrade(engine)


def test_models_match_migrations(engine):
    """Autogenerate finds nothing to add: the migration and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def not_runtime_hnsw(obj, name, type_, reflected, compare_to) -> bool:
        # storage/vectors.py creates one partial HNSW index per embedding model at run time, by design
        return not (type_ == "index" and name and name.startswith("ix_embeddings_hnsw_"))

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": not_runtime_hnsw})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def _matchflow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matchflow", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_cli_db_upgrade_and_status(engine):
    result = _matchflow("db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "skills" in result.stdout
    status = _matchflow("db", "status")
    assert status.returncode == 0, status.stderr
    assert "up to date" in status.stdout
    assert "embedded" in status.stdout


def test_cli_wrong_database_url_names_the_problem(engine, monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHFLOW_DATABASE_URL", f"postgresql://nobody:secret@/nodb?host={tmp_path}")
    result = _matchflow("db", "status")
    assert result.returncode == 2
    assert "Cannot connect to Postgres" in result.stderr
    assert "secret" not in result.stderr + result.stdout


def test_bm25_structures_go_up_and_down(engine):
    """0005: documents.bm25 (sparsevec) with its length and avgdl, and bm25_terms; down removes them."""
    downgrade(engine, "0004")
    assert "bm25_terms" not in _tables(engine)
    assert "bm25" not in {c["name"] for c in sa.inspect(engine).get_columns("documents")}
    upgrade(engine)
    assert "bm25_terms" in _tables(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("documents")}
    assert {"bm25", "bm25_length", "bm25_avgdl"} <= columns
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                    "WHERE attrelid = 'documents'::regclass AND attname = 'bm25'")).scalar() \
            == "sparsevec(536870912)"


def test_section_vectors_are_deleted_and_document_vectors_kept(engine):
    """0006: the embed stage stores no section vectors any more; the ones stored before are deleted."""
    from storage.models import Document, Embedding, EmbeddingModel

    downgrade(engine, "0005")
    with engine.begin() as conn:
        document_id = conn.execute(sa.insert(Document.__table__).values(kind="resume", status="embedded",
                                                                        file_hash="1" * 64)
                                   .returning(Document.__table__.c.id)).scalar()
        # 384 dimensions: a model row of an earlier test may have left its HNSW index over vector(384) behind
        model_id = conn.execute(sa.insert(EmbeddingModel.__table__).values(name="m", revision="r", dimension=384)
                                .returning(EmbeddingModel.__table__.c.id)).scalar()
        conn.execute(sa.insert(Embedding.__table__), [
            {"document_id": document_id, "model_id": model_id, "kind": "resume", "section": section,
             "chunks": 1, "embedding": [1.0] + [0.0] * 383} for section in ("document", "skills", "experience")])
    upgrade(engine)
    with engine.connect() as conn:
        assert list(conn.execute(sa.text("SELECT section FROM embeddings WHERE document_id = :d"),
                                 {"d": document_id}).scalars()) == ["document"]
