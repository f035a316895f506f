"""The model-heavy steps as a flow for the GPU pool: embedding (step 3) and search/rerank/analyse/save (4-7).

Chains hand work here with `run_deployment` when the GPU pool is ready. The flow reads its work from the
database (documents lacking vectors, embedded documents not yet matched) and writes its results there,
so nothing large crosses the Prefect API, and the chain finishes on CPU whatever this run left undone.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from matchflow.domain import DocumentKind
from matchflow.pipeline.embed import embed_batch, load_embedder, register_model
from matchflow.pipeline.match import MatchConfig, match_documents
from matchflow.settings import get_settings
from storage.db import session_scope
from tasks.common import engine_for
from tasks.embed import embed_config
from tasks.rerank import load_cross_encoder

MAX_BATCHES = 100_000


@flow(name="inference", description="Embedding, rerank and analysis on the GPU host.")
def inference(stage: str = "embed", kinds: list[str] | None = None, chain: str = "A", batch_size: int = 64,
              top_k: int | None = None) -> dict[str, Any]:
    """1. load the model once (CUDA when present)  2. embed pending documents, or 3. match pending queries."""
    settings = get_settings()
    logger = get_run_logger()
    embedder = load_embedder(embed_config(settings))
    engine = engine_for(settings)
    done = 0
    if stage == "embed":
        for kind in [DocumentKind(k) for k in (kinds or ["resume", "job"])]:
            for _ in range(MAX_BATCHES):
                with session_scope(engine) as session:
                    processed = embed_batch(session=session, embedder=embedder, kind=kind, limit=batch_size).processed
                done += processed
                if not processed:
                    break
    elif stage == "match":
        config = MatchConfig.from_settings(settings, top_k=top_k)
        cross_encoder = load_cross_encoder(settings)
        for _ in range(MAX_BATCHES):
            with session_scope(engine) as session:
                model = register_model(session=session, embedder=embedder)
                processed = match_documents(session=session, chain=chain, model=model, config=config,
                                            limit=batch_size, device=embedder.device,
                                            cross_encoder=cross_encoder).processed
            done += processed
            if not processed:
                break
    else:
        raise ValueError(f"unknown inference stage {stage!r}: use 'embed' or 'match'")
    logger.info("inference %s: %d documents on %s", stage, done, embedder.device)
    return {"stage": stage, "documents": done, "device": embedder.device}
