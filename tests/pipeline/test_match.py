"""Steps 3-7 on the real model and the real database: both chains over the sample set."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from matchflow.domain import CHAIN_A, CHAIN_B, DocumentKind
from matchflow.pipeline.config import EmbedConfig, MatchConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, load_embedder, register_model
from matchflow.pipeline.ingest import ingest_paths
from matchflow.pipeline.match import match_documents
from storage.db import session_scope
from storage.matches import stored_matches
from storage.models import AnalysisResult, Document, Embedding, MatchResult, MatchSession
from tests.conftest import reset_data
from tests.pipeline.conftest import SAMPLES

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))


def _embed_all(engine, embedder) -> int:
    done = 0
    for kind in DocumentKind:
        while True:
            with session_scope(engine) as session:
                processed = embed_batch(session=session, embedder=embedder, kind=kind, limit=32).processed
            done += processed
            if not processed:
                break
    return done


@pytest.fixture(scope="module")
def matched_samples(migrated_engine, settings, tmp_path_factory):
    """The whole sample set ingested, embedded and matched both ways (once for the module)."""
    engine = migrated_engine
    pipeline_settings = settings.model_copy(update={"file_store": tmp_path_factory.mktemp("files")})
    for kind, folder in ((DocumentKind.JOB, "jobs"), (DocumentKind.RESUME, "resumes")):
        summary = ingest_paths([SAMPLES / folder], kind,
                               context=RunContext.from_settings(pipeline_settings, engine=engine))
        assert summary.failed == 0, summary.failures
    embedder = load_embedder(EmbedConfig(pipeline_settings.embed_model, "cpu", 32))
    assert _embed_all(engine, embedder) > 0
    with session_scope(engine) as session:
        model = register_model(session=session, embedder=embedder)
    for chain in (CHAIN_B, CHAIN_A):
        with session_scope(engine) as session:
            match_documents(session=session, chain=chain, model=model, config=MatchConfig(top_k=5), limit=500,
                            device="cpu")
    yield engine, embedder, model
    reset_data(engine)


def _file_of(session, document_id: int) -> str:
    return session.get(Document, document_id).source_path.rsplit("/", 1)[-1]


def test_both_chains_store_ranked_explained_results(matched_samples):
    engine, embedder, _ = matched_samples
    with session_scope(engine) as session:
        documents = session.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.status == "matched"))
        sessions = session.scalars(sa.select(MatchSession)).all()
        assert len(sessions) == documents  # one session per query document, both chains
        assert {s.chain for s in sessions} == {CHAIN_A.slug, CHAIN_B.slug}
        assert all(s.embed_model.endswith("@" + embedder.model_revision) for s in sessions)
        vectors = session.scalars(sa.select(Embedding).where(Embedding.section == "document")).all()
        assert {len(v.embedding) for v in vectors} == {embedder.dimension}
        results = session.scalars(sa.select(MatchResult)).all()
        assert results and all(0 <= r.score <= 100 for r in results)
        assert all(r.explanation["reasons"] for r in results)
        kinds = set(session.scalars(sa.select(AnalysisResult.analysis_type)))
        assert {"match_scoring", "skills_extraction"} <= kinds


def test_good_fits_rank_at_the_top_for_most_english_jobs(matched_samples):
    """The sample ground truth: a job's best candidate is one of its listed good fits, for most jobs."""
    engine, _, _ = matched_samples
    files = {r["id"]: r["file"].rsplit("/", 1)[-1] for r in MANIFEST["resumes"]}
    hits, total = 0, 0
    with session_scope(engine) as session:
        for job in (j for j in MANIFEST["jobs"] if j["lang"] == "en" and j.get("file")):
            document = session.scalars(sa.select(Document).where(
                Document.source_path.like(f"%/{job['file'].rsplit('/', 1)[-1]}"))).first()
            if document is None or document.job_id is None:
                continue
            top = stored_matches(session=session, job_id=document.job_id, top=3)
            total += 1
            hits += any(_file_of(session, row["resume_document_id"]) in {files[r] for r in job["good_fit"]}
                        for row in top)
    assert total >= 10
    assert hits / total >= 0.8, f"{hits}/{total} jobs have a good fit in their top 3"


def test_rematching_supersedes_instead_of_duplicating(matched_samples):
    engine, embedder, model = matched_samples
    with session_scope(engine) as session:
        resume_id = session.scalar(sa.select(Document.id).where(Document.kind == "resume",
                                                               Document.status == "matched").limit(1))
        before = session.scalar(sa.select(sa.func.count()).select_from(MatchResult))
    with session_scope(engine) as session:
        match_documents(session=session, chain=CHAIN_A, model=model, config=MatchConfig(top_k=5), limit=1,
                        device="cpu", document_ids=[resume_id])
    with session_scope(engine) as session:
        sessions = session.scalars(sa.select(MatchSession).where(MatchSession.source_document_id == resume_id)
                                   .order_by(MatchSession.id)).all()
        assert [s.is_current for s in sessions] == [False, True]
        assert sessions[0].superseded_at is not None
        current = session.scalar(sa.select(sa.func.count()).select_from(MatchResult).join(MatchSession)
                                 .where(MatchSession.is_current))
        assert current == before  # the old session's rows stay as history, only one set is current


def test_cli_matches_json_lists_explained_results(matched_samples):
    engine, _, _ = matched_samples
    with session_scope(engine) as session:
        job_id = session.scalar(sa.select(Document.job_id).where(Document.kind == "job", Document.job_id.isnot(None))
                                .limit(1))
    result = subprocess.run([sys.executable, "-m", "matchflow", "matches", "--job", str(job_id), "--top", "3",
                             "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert 1 <= len(rows) <= 3
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert {"rank", "score", "candidate_id", "job_id", "resume_document_id", "job_document_id", "source_path",
                "matched_skills", "missing_skills", "explanation"} <= set(row)
        assert row["job_id"] == job_id and 0 <= row["score"] <= 100
    table = subprocess.run([sys.executable, "-m", "matchflow", "matches", "--job", str(job_id)],
                           capture_output=True, text=True, timeout=120, check=False)
    assert table.returncode == 0 and "Best candidates" in table.stdout


def test_location_and_remote_filters_restrict_the_jobs_found(matched_samples):
    from matchflow.domain import SearchFilters
    from storage.models import Job
    from storage.search import search_by_fulltext, search_by_vector

    engine, _, model = matched_samples
    with session_scope(engine) as session:
        resume_ids = list(session.scalars(sa.select(Document.id).where(Document.kind == "resume").limit(5)))
        remote = SearchFilters(remote_only=True)
        found = search_by_vector(session=session, query_ids=resume_ids, target_kind="job", model_id=model.id,
                                  dimension=model.dimension, limit=50, filters=remote)
        found_text = search_by_fulltext(session=session, query_ids=resume_ids, target_kind="job", limit=50,
                                         filters=remote)
        job_ids = {t for hits in [*found.values(), *found_text.values()] for t, _ in hits}
        remotes = set(session.scalars(sa.select(Job.remote).join(Document, Document.job_id == Job.id)
                                      .where(Document.id.in_(job_ids))))
        assert job_ids and remotes == {"remote"}
        in_moscow = search_by_vector(session=session, query_ids=resume_ids, target_kind="job", model_id=model.id,
                                      dimension=model.dimension, limit=50, filters=SearchFilters(location="Moscow"))
        places = set(session.scalars(sa.select(Job.location_text).join(Document, Document.job_id == Job.id).where(
            Document.id.in_({t for hits in in_moscow.values() for t, _ in hits}))))
        assert places == {"Moscow"}


def test_a_hostile_location_filter_is_data_not_sql(matched_samples):
    """The location is a bind parameter: SQL in it matches nothing and changes nothing; a bad kind is refused."""
    from matchflow.domain import SearchFilters
    from storage.search import search_by_fulltext, search_by_vector

    engine, _, model = matched_samples
    hostile = SearchFilters(location="x' OR '1'='1'; DELETE FROM documents; --")
    with session_scope(engine) as session:
        before = session.scalar(sa.select(sa.func.count()).select_from(Document))
        resume_ids = list(session.scalars(sa.select(Document.id).where(Document.kind == "resume").limit(5)))
        assert search_by_vector(session=session, query_ids=resume_ids, target_kind="job", model_id=model.id,
                                 dimension=model.dimension, limit=50, filters=hostile) == {}
        assert search_by_fulltext(session=session, query_ids=resume_ids, target_kind="job", limit=50,
                                   filters=hostile) == {}
        with pytest.raises(ValueError, match="unknown document kind"):
            search_by_fulltext(session=session, query_ids=resume_ids, target_kind="job' OR 1=1 --", limit=5)
    with session_scope(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Document)) == before
