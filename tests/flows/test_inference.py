"""flows/inference.py run as a flow, the way the GPU pool runs it: parameters in, vectors and sessions out."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from flows.inference import inference
from matchflow.domain import CHAIN_A, DocumentKind, SearchFilters
from matchflow.pipeline.config import MatchConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.ingest import ingest_paths
from storage.models import Document, Embedding, Job, MatchResult, MatchSession
from tests.pipeline.conftest import SAMPLES


@pytest.fixture(scope="module")
def prefect_api():
    """A temporary Prefect API for this module (the flow runs in this process, as a worker would run it)."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def ingested(engine, settings, tmp_path):
    context = RunContext.from_settings(settings.model_copy(update={"file_store": tmp_path / "files"}), engine=engine)
    ingest_paths(sorted((SAMPLES / "jobs").glob("j*")), DocumentKind.JOB, context=context)
    ingest_paths(sorted((SAMPLES / "resumes").glob("r0[1-6]-*")), DocumentKind.RESUME, context=context)
    return engine


def _count(engine, statement) -> int:
    with engine.connect() as conn:
        return conn.scalar(statement)


def test_embed_then_match_with_the_handing_chains_configuration(prefect_api, ingested):
    engine = ingested
    embedded = inference(stage="embed", kinds=["job", "resume"], batch_size=8)
    documents = _count(engine, sa.select(sa.func.count()).select_from(Document).where(Document.status == "embedded"))
    assert embedded["documents"] == documents > 20 and embedded["device"] == "cpu"
    assert _count(engine, sa.select(sa.func.count(sa.distinct(Embedding.document_id)))) == documents

    # as run_deployment sends it: the chain's MatchConfig, JSON-encoded
    handed = {"top_k": 2, "pool": 50, "weights": MatchConfig().weights,
              "filters": {"location": None, "remote_only": True}, "redact_explanations": True}
    matched = inference(stage="match", chain=CHAIN_A.slug, batch_size=4, match=handed)
    assert matched["documents"] == 6
    with engine.connect() as conn:
        sessions = conn.execute(sa.select(MatchSession.chain, MatchSession.parameters)).all()
        remote = {r for (r,) in conn.execute(
            sa.select(Job.remote).join(MatchResult, MatchResult.job_id == Job.id))}
        most = conn.scalar(sa.select(sa.func.max(MatchResult.rank)))
    assert len(sessions) == 6 and {chain for chain, _ in sessions} == {CHAIN_A.slug}
    assert all(p["filters"] == {"location": None, "remote_only": True} and p["top_k"] == 2 for _, p in sessions)
    assert remote == {"remote"} and most == 2  # the filter and top-K held on the GPU path


def test_match_without_a_configuration_uses_this_hosts_settings(prefect_api, ingested):
    inference(stage="embed")
    inference(stage="match", chain="chain-b", match=MatchConfig(filters=SearchFilters(location="Berlin")))
    with ingested.connect() as conn:
        filters = conn.scalars(sa.select(MatchSession.parameters["filters"])).all()
    assert filters and all(f == {"location": "Berlin", "remote_only": False} for f in filters)


def test_a_wrong_stage_or_chain_fails_the_run_with_a_clear_message(prefect_api, engine):
    state = inference(stage="rerank", return_state=True)
    assert state.is_failed() and "unknown inference stage 'rerank'" in state.message
    state = inference(stage="match", chain="A", return_state=True)
    assert state.is_failed() and "unknown chain 'A'" in state.message
