"""MATCHFLOW_REDACT_SCORING_TEXT: what is embedded and full-text indexed carries no personal data."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.pipeline.config import EmbedConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, load_embedder, register_model
from matchflow.pipeline.ingest import ingest_paths
from storage.db import session_scope
from storage.models import Document, Embedding

RESUME = """Grace Hopwood
Date of birth: 09.12.1986
Address: 221 Baker Street, London
grace.hopwood@example.com  +44 20 7946 0958
Summary
Data engineer with 9 years of experience in Python, Airflow and PostgreSQL.
Skills
Python, Airflow, PostgreSQL, Spark, Kafka
"""
PERSONAL = ("Grace", "Hopwood", "09.12.1986", "Baker", "grace.hopwood@example.com", "7946")


def _ingest(engine, settings, folder, name: str) -> Document:
    folder.mkdir()
    (folder / name).write_text(RESUME.replace("grace.hopwood@", f"{folder.name}@"), encoding="utf-8")
    ingest_paths([folder], DocumentKind.RESUME, context=RunContext.from_settings(settings, engine=engine))
    with session_scope(engine) as session:
        document = session.scalars(sa.select(Document).where(Document.filename == name)).one()
        session.expunge(document)
        return document


def _fulltext_hits(engine, word: str) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(sa.select(Document.filename).where(
            Document.search_tsv.op("@@")(sa.func.plainto_tsquery("simple", word)))))


def test_redacted_scoring_text_feeds_fulltext_and_vectors(engine, pipeline_settings, tmp_path):
    redacted = _ingest(engine, pipeline_settings.model_copy(update={"redact_scoring_text": True}),
                       tmp_path / "on", "redacted.txt")
    plain = _ingest(engine, pipeline_settings, tmp_path / "off", "plain.txt")

    assert "Hopwood" in redacted.text  # the original stays for evidence and re-extraction
    scored = " ".join([redacted.scoring_text, *redacted.sections.values()])
    assert "Python, Airflow" in scored
    assert [secret for secret in PERSONAL if secret in scored] == []
    assert plain.scoring_text is None

    assert _fulltext_hits(engine, "Hopwood") == {"plain.txt"}
    assert _fulltext_hits(engine, "Baker") == {"plain.txt"}
    assert _fulltext_hits(engine, "Airflow") == {"plain.txt", "redacted.txt"}

    embedder = load_embedder(EmbedConfig(pipeline_settings.embed_model, "cpu"))
    with session_scope(engine) as session:
        assert embed_batch(session=session, embedder=embedder, kind=DocumentKind.RESUME, limit=10).processed == 2
        model = register_model(session=session, embedder=embedder)
        stored = np.asarray(session.scalars(sa.select(Embedding.embedding).where(
            Embedding.document_id == redacted.id, Embedding.model_id == model.id,
            Embedding.section == "document")).one())
    of_scoring, of_original = (np.asarray(r.document) for r in embedder.embed_documents(
        [redacted.scoring_text, redacted.text]))
    assert float(stored @ of_scoring) > 0.9999
    assert float(stored @ of_original) < float(stored @ of_scoring)
