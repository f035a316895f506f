"""BM25 in Postgres: the weighting arithmetic, and the index + search stages on a real server, in both languages."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from matchflow.domain import DocumentKind, SearchFilters
from matchflow.pipeline.bm25 import (
    REWEIGHT_TOLERANCE,
    idf,
    index_documents,
    query_weights,
    rebuild_index,
    saturation_weights,
    search_by_bm25_text,
    term_counts,
    term_id,
)
from matchflow.pipeline.config import MatchConfig
from matchflow.pipeline.search import search_lexical
from storage.db import session_scope
from storage.models import BM25_DIMENSION, Bm25Term, Candidate, Document


def test_term_ids_are_stable_and_in_range():
    assert term_id("python") == term_id("python") != term_id("java")
    assert all(0 <= term_id(word) < BM25_DIMENSION for word in ("python", "разработчик", "c++", ""))


def test_saturation_weights_are_the_okapi_document_side():
    counts = term_counts({"python": 3, "sql": 1})
    weights = saturation_weights(counts, avgdl=4.0, k1=1.2, b=0.75)  # dl == avgdl: norm = k1
    assert weights[term_id("python")] == pytest.approx(3 * 2.2 / (3 + 1.2))
    assert weights[term_id("sql")] == pytest.approx(2.2 / 2.2)
    longer = saturation_weights(counts, avgdl=2.0)  # a document longer than average weighs less per term
    assert longer[term_id("sql")] < weights[term_id("sql")]


def test_idf_falls_with_document_frequency_and_stays_positive():
    assert idf(1, 100) > idf(10, 100) > idf(100, 100) > 0
    assert idf(1, 100) == pytest.approx(math.log(1 + 99.5 / 1.5))


def test_query_weights_are_idf_times_query_count_for_terms_some_target_holds():
    df = {term_id("python"): 2, term_id("sql"): 5}
    weights = query_weights({"python": 3, "sql": 1, "cobol": 4}, df, n=10)
    assert weights == {term_id("python"): pytest.approx(3 * idf(2, 10)), term_id("sql"): pytest.approx(idf(5, 10))}


RESUMES = {
    "en_python": ("english", "Senior Python developer. Python, Django, PostgreSQL, Docker. Built Python services."),
    "en_java": ("english", "Java developer: Spring, Kafka, PostgreSQL. Team lead of a Java platform."),
    "ru_accountant": ("russian", "Главный бухгалтер. Бухгалтерский учёт, налоговая отчётность, 1С, МСФО."),
    "ru_python": ("russian", "Разработчик Python: Django, PostgreSQL. Разрабатывал сервисы на Python и Docker."),
}
JOBS = {
    "job_python": ("english", "We hire a Python developer with Django and Docker."),
    "job_accounting": ("russian", "Ищем бухгалтера: бухгалтерская отчётность, налоги, 1С."),
}

TITLES = {"job_python": ["Python developer"], "job_accounting": ["Бухгалтерская отчётность"]}  # the terms mode's


def _add(session, kind: str, texts: dict[str, tuple[str, str]]) -> dict[str, int]:
    ids = {}
    for key, (config, text) in texts.items():
        candidate_id = None
        if kind == "resume":
            candidate = Candidate(full_name=key)
            session.add(candidate)
            session.flush()
            candidate_id = candidate.id
        document = Document(kind=kind, status="embedded", file_hash=key.ljust(64, "0"), text=text,
                            language="ru" if config == "russian" else "en", text_search_config=config,
                            candidate_id=candidate_id, fields={"location": "Moscow" if "ru" in key else "Berlin",
                                                               "titles": TITLES.get(key, [])})
        session.add(document)
        session.flush()
        ids[key] = document.id
    return ids


@pytest.fixture
def corpus(engine):
    with session_scope(engine) as session:
        resumes = _add(session, "resume", RESUMES)
        jobs = _add(session, "job", JOBS)
    with session_scope(engine) as session:
        assert index_documents(session=session, kind=DocumentKind.RESUME, limit=100) == len(RESUMES)
        assert index_documents(session=session, kind=DocumentKind.JOB, limit=100) == len(JOBS)
    return engine, resumes, jobs


def test_index_stores_weights_lengths_and_frequencies_once(corpus):
    engine, resumes, _ = corpus
    with session_scope(engine) as session:
        assert index_documents(session=session, kind=DocumentKind.RESUME, limit=100) == 0  # rerun: nothing to do
        row = session.get(Document, resumes["en_python"])
        assert row.bm25 is not None and row.bm25_length > 0 and row.bm25_avgdl > 0
        # "python" occurs in both Python resumes (english and russian stemming keep the ASCII word alike)
        df = session.scalar(sa.select(Bm25Term.df).where(Bm25Term.kind == "resume",
                                                         Bm25Term.term_id == term_id("python")))
        assert df == 2


@pytest.mark.parametrize("mode", ["text", "terms"])
def test_search_ranks_english_and_russian_targets_by_bm25(corpus, mode):
    engine, resumes, jobs = corpus
    with session_scope(engine) as session:
        found = search_by_bm25_text(session=session, query_ids=list(jobs.values()), target_kind=DocumentKind.RESUME,
                                    limit=10, query_mode=mode)
    python_hits = [d for d, _ in found[jobs["job_python"]]]
    assert python_hits[0] == resumes["en_python"] and resumes["ru_python"] in python_hits
    assert resumes["ru_accountant"] not in python_hits  # no shared term, no score
    # Russian inflections meet through the russian stemmer: бухгалтера / бухгалтерская / отчётность
    accounting = found[jobs["job_accounting"]]
    assert accounting[0][0] == resumes["ru_accountant"] and accounting[0][1] > 0


def test_filters_apply_and_a_hostile_location_is_only_a_value(corpus):
    engine, resumes, jobs = corpus
    hostile = "x'; DROP TABLE documents; --"
    with session_scope(engine) as session:
        config = MatchConfig(lexical="bm25", filters=SearchFilters(location=hostile))
        assert not any(search_lexical(session=session, query_ids=[jobs["job_python"]],
                                      target_kind=DocumentKind.RESUME, config=config).values())
        moscow = MatchConfig(lexical="bm25", filters=SearchFilters(location="Moscow"))
        hits = search_lexical(session=session, query_ids=[jobs["job_python"]], target_kind=DocumentKind.RESUME,
                              config=moscow)[jobs["job_python"]]
        assert [d for d, _ in hits] == [resumes["ru_python"]]
    with session_scope(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Document)) == len(RESUMES) + len(JOBS)


def test_inactive_candidates_are_not_found(corpus):
    engine, resumes, jobs = corpus
    with session_scope(engine) as session:
        owner = session.get(Document, resumes["en_python"]).candidate_id
        session.get(Candidate, owner).status = "inactive"
    with session_scope(engine) as session:
        hits = search_by_bm25_text(session=session, query_ids=[jobs["job_python"]], target_kind=DocumentKind.RESUME,
                                   limit=10, query_mode="text")
    assert resumes["en_python"] not in [d for d, _ in hits[jobs["job_python"]]]


def test_average_length_drift_reweights_old_documents(corpus):
    engine, resumes, _ = corpus
    long_text = " ".join(["Kubernetes operator, Terraform modules, cloud networking."] * 40)
    with session_scope(engine) as session:
        _add(session, "resume", {"en_long": ("english", long_text)})
    with session_scope(engine) as session:
        before = session.get(Document, resumes["en_java"]).bm25_avgdl
        index_documents(session=session, kind=DocumentKind.RESUME, limit=100)
    with session_scope(engine) as session:
        stored = session.scalars(sa.select(Document.bm25_avgdl).where(Document.bm25.isnot(None))
                                 .where(Document.kind == "resume")).all()
        after = session.get(Document, resumes["en_java"]).bm25_avgdl
        assert after > before * (1 + REWEIGHT_TOLERANCE)
        assert len(set(stored)) == 1  # every resume now uses today's average
        df = session.scalar(sa.select(Bm25Term.df).where(Bm25Term.kind == "resume",
                                                         Bm25Term.term_id == term_id("python")))
        assert df == 2  # reweighting never counts a document twice


def test_rebuild_recounts_only_current_documents(corpus):
    engine, resumes, _ = corpus
    with session_scope(engine) as session:
        session.get(Document, resumes["ru_python"]).is_current = False  # superseded by a newer version
    with session_scope(engine) as session:
        assert rebuild_index(session=session, kind=DocumentKind.RESUME) == len(RESUMES) - 1
    with session_scope(engine) as session:
        df = session.scalar(sa.select(Bm25Term.df).where(Bm25Term.kind == "resume",
                                                         Bm25Term.term_id == term_id("python")))
        assert df == 1


def test_the_embed_stage_indexes_parsed_documents(engine, pipeline_settings):
    """Real sample files through parse and embed: every document gets BM25 weights, and a job finds resumes."""
    from matchflow.pipeline.config import EmbedConfig
    from matchflow.pipeline.context import RunContext
    from matchflow.pipeline.embed import embed_batch, load_embedder
    from matchflow.pipeline.ingest import ingest_paths
    from tests.pipeline.conftest import SAMPLES

    context = RunContext.from_settings(pipeline_settings, engine=engine)
    ingest_paths(sorted((SAMPLES / "jobs").glob("j0[1-3]-*")), DocumentKind.JOB, context=context)
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-4]-*")), DocumentKind.RESUME, context=context)
    embedder = load_embedder(EmbedConfig("sentence-transformers/all-MiniLM-L6-v2", "cpu"))
    for kind in DocumentKind:
        with session_scope(engine) as session:
            embed_batch(session=session, embedder=embedder, kind=kind, limit=100)
    with session_scope(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.bm25.is_(None))) == 0
        jobs = session.scalars(sa.select(Document.id).where(Document.kind == "job")).all()
        found = search_lexical(session=session, query_ids=list(jobs), target_kind=DocumentKind.RESUME,
                               config=MatchConfig())
    assert any(found.get(job) for job in jobs)
