"""Every stage task called as a real Prefect task run, in the order a chain calls them, on the sample files."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from matchflow.domain import CHAIN_B, DocumentKind, DocumentStatus, SearchFilters
from matchflow.pipeline.config import MatchConfig
from storage.models import Document, MatchResult, MatchSession
from tasks.analyze import analyze_matches
from tasks.embed import embed_documents
from tasks.parse import parse_documents
from tasks.rerank import rerank_matches
from tasks.save import save_matches
from tasks.search import next_queries, search_matches
from tasks.sources import list_files, receive_files
from tests.pipeline.conftest import SAMPLES

JOBS = sorted(str(p) for p in (SAMPLES / "jobs").glob("j0[1-6]-*"))
RESUMES = sorted(str(p) for p in (SAMPLES / "resumes").glob("r0[1-8]-*"))


def _statuses(engine, kind: DocumentKind) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(Document.status, sa.func.count()).where(Document.kind == kind.value)
                                 .group_by(Document.status)).all())


def test_the_stage_tasks_take_documents_from_received_to_matched(prefect_api, context):
    assert list_files([str(SAMPLES / "jobs")], limit=6) == JOBS
    received = receive_files(context, JOBS, DocumentKind.JOB).merge(
        receive_files(context, RESUMES, DocumentKind.RESUME))
    assert received.new == len(JOBS) + len(RESUMES)
    for kind in DocumentKind:
        parsed = parse_documents(context, kind, batch_size=64)
        assert parsed.processed + parsed.duplicate == len(JOBS if kind is DocumentKind.JOB else RESUMES)

    context = context.with_model()
    assert embed_documents(context, DocumentKind.JOB, batch_size=4).processed == 4  # one batch per task run
    assert embed_documents(context, DocumentKind.JOB, batch_size=64).processed == len(JOBS) - 4
    assert embed_documents(context, DocumentKind.RESUME, batch_size=64).processed >= 7
    assert embed_documents(context, DocumentKind.RESUME, batch_size=64).processed == 0  # nothing left
    assert _statuses(context.engine, DocumentKind.JOB) == {DocumentStatus.EMBEDDED: len(JOBS)}

    query_ids = next_queries(context, CHAIN_B, batch_size=3)
    assert len(query_ids) == 3
    batch = search_matches(context, CHAIN_B, query_ids)
    assert set(batch.pools) == set(query_ids) and all(batch.pools.values())
    batch = rerank_matches(context, batch)
    assert all(0 < len(ranked) <= context.match.top_k for ranked in batch.ranked.values())
    batch = analyze_matches(context, batch)
    saved = save_matches(context, batch, None, "cpu")
    assert saved.processed == 3 and saved.new == sum(len(r) for r in batch.results.values())

    with context.engine.connect() as conn:
        sessions = conn.execute(sa.select(MatchSession.chain, MatchSession.parameters)).all()
        assert {chain for chain, _ in sessions} == {CHAIN_B.slug}
        assert all(parameters["weights"] == context.match.weights for _, parameters in sessions)
        assert conn.scalar(sa.select(sa.func.count()).select_from(MatchResult)) == saved.new
    assert _statuses(context.engine, DocumentKind.JOB) == {DocumentStatus.MATCHED: 3, DocumentStatus.EMBEDDED: 3}
    assert set(next_queries(context, CHAIN_B, batch_size=64)) == _job_ids(context.engine) - set(query_ids)


def _job_ids(engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.scalars(sa.select(Document.id).where(Document.kind == "job")))


def test_search_and_save_use_the_match_configuration_of_the_context(prefect_api, context):
    """The filters and top-K in the context decide what is searched and stored, not the settings."""
    receive_files(context, JOBS, DocumentKind.JOB)
    receive_files(context, RESUMES[:3], DocumentKind.RESUME)
    for kind in DocumentKind:
        parse_documents(context, kind)
    context = context.with_model()
    for kind in DocumentKind:
        embed_documents(context, kind)
    narrow = replace(context, match=MatchConfig(top_k=2, filters=SearchFilters(location="nowhere-at-all")))
    [query] = next_queries(narrow, CHAIN_B, batch_size=1)
    batch = search_matches(narrow, CHAIN_B, [query])
    assert batch.pools[query] == []  # no resume lives nowhere-at-all
    wide = replace(context, match=MatchConfig(top_k=2))
    batch = analyze_matches(wide, rerank_matches(wide, search_matches(wide, CHAIN_B, [query])))
    assert len(batch.results[query]) == 2
    save_matches(wide, batch, None, "cpu")
    with context.engine.connect() as conn:
        parameters = conn.scalar(sa.select(MatchSession.parameters))
    assert parameters["top_k"] == 2 and parameters["filters"] == {"location": None, "remote_only": False}
