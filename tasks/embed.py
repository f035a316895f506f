"""Step 3 on this process (CPU, or a local GPU): embed documents lacking the current model's vectors."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.domain import DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, has_documents_to_embed, load_embedder
from matchflow.pipeline.summary import StageSummary
from storage.db import session_scope
from tasks.retry import IO_TASK_OPTIONS


@task(name="embed-documents", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def embed_documents(context: RunContext, kind: DocumentKind, batch_size: int = 64) -> StageSummary:
    """Embed up to `batch_size` documents of `kind`; the model is loaded once per process, and not at all
    when nothing needs it."""
    logger = get_run_logger()
    with session_scope(context.engine) as session:
        pending = has_documents_to_embed(session=session, kind=kind, model=context.model)
    if not pending:
        logger.info("no %s documents to embed", kind.value)
        return StageSummary()
    embedder = load_embedder(context.embed)
    with session_scope(context.engine) as session:
        summary = embed_batch(session=session, embedder=embedder, kind=kind, limit=batch_size)
    logger.info("embedded %d %s documents on %s with %s (backend %s)", summary.processed, kind.value,
                embedder.device, embedder.model_name, embedder.backend)
    return summary
