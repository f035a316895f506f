"""The model-heavy steps as a flow for the GPU pool: embedding (step 3) and search/rerank/analyse/save (4-7).

Chains hand work here with `run_deployment` when the GPU pool is ready, passing their whole match
configuration (top-K, filters, weights), so a match made on the GPU is the match the chain would have made
on CPU. The flow reads its work from the database (documents lacking vectors, embedded documents not yet
matched) and writes its results there, so nothing large crosses the Prefect API, and the chain finishes on
CPU whatever this run left undone.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from matchflow.domain import CHAIN_A, DocumentKind, chain_spec
from matchflow.logs import install_redaction
from matchflow.pipeline.config import MatchConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, load_embedder, register_model
from matchflow.pipeline.match import match_documents
from matchflow.pipeline.rerank import load_cross_encoder
from matchflow.settings import get_settings
from storage.db import session_scope

MAX_BATCHES = 100_000


@flow(name="inference", description="Embedding, rerank and analysis on the GPU host.")
def inference(stage: str = "embed", kinds: list[str] | None = None, chain: str = CHAIN_A.slug, batch_size: int = 64,
              match: MatchConfig | None = None, pipeline_run_id: int | None = None) -> dict[str, Any]:
    """1. load the model once (CUDA when present)  2. embed pending documents, or 3. match pending queries.

    Args:
        stage: "embed" (step 3: vectors for the documents that lack them) or "match" (steps 4-7: search,
            rerank, analyse and save for the embedded query documents not yet matched).
        kinds: Document kinds to embed ("resume", "job"); empty: both. Used by the embed stage only.
        chain: The chain whose queries the match stage serves: "chain-a" (resumes -> jobs) or "chain-b"
            (jobs -> resumes).
        batch_size: Documents per batch (one database transaction each).
        match: The handing chain's match configuration (top-K, retrieval pool, weights, filters,
            redaction); empty: this host's settings.
        pipeline_run_id: The handing chain run's id, kept on the match sessions saved here so that the
            chain counts them; empty for a run started by hand.
    """
    if stage not in ("embed", "match"):
        raise ValueError(f"unknown inference stage {stage!r}: use 'embed' or 'match'")
    settings = get_settings()
    install_redaction(settings)  # secrets and contacts masked in this run's logs, matchflow's included
    context = RunContext.from_settings(settings, match=match)
    logger = get_run_logger()
    embedder = load_embedder(context.embed)
    done = 0
    if stage == "embed":
        for kind in [DocumentKind(k) for k in (kinds or [k.value for k in DocumentKind])]:
            for _ in range(MAX_BATCHES):
                with session_scope(context.engine) as session:
                    processed = embed_batch(session=session, embedder=embedder, kind=kind, limit=batch_size).processed
                done += processed
                if not processed:
                    break
    else:
        spec = chain_spec(chain)
        cross_encoder = load_cross_encoder(context.rerank_model)
        for _ in range(MAX_BATCHES):
            with session_scope(context.engine) as session:
                model = register_model(session=session, embedder=embedder)
                processed = match_documents(session=session, chain=spec, model=model, config=context.match,
                                            limit=batch_size, device=embedder.device, cross_encoder=cross_encoder,
                                            pipeline_run_id=pipeline_run_id).processed
            done += processed
            if not processed:
                break
    logger.info("inference %s: %d documents on %s", stage, done, embedder.device)
    return {"stage": stage, "documents": done, "device": embedder.device}
