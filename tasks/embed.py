"""Step 3 on this process (CPU, or a local GPU): embed documents lacking the current model's vectors."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from matchflow.domain import DocumentKind
from matchflow.embedding import expected_revision
from matchflow.pipeline.embed import EmbedConfig, embed_batch, has_unembedded, load_embedder
from matchflow.pipeline.summary import StageSummary
from matchflow.settings import Settings
from storage.db import session_scope
from tasks.common import engine_for
from tasks.retry import IO_TASK_OPTIONS


def embed_config(settings: Settings) -> EmbedConfig:
    return EmbedConfig.from_settings(settings)


@task(name="embed-documents", cache_policy=NO_CACHE, **IO_TASK_OPTIONS)
def embed_documents(kind: DocumentKind, settings: Settings, batch_size: int = 64) -> StageSummary:
    """Embed up to `batch_size` documents of `kind`; the model is loaded once per process, and not at all
    when nothing needs it."""
    config = embed_config(settings)
    with session_scope(engine_for(settings)) as session:
        pending = has_unembedded(session=session, kind=kind, config=config)
    if not pending:
        get_run_logger().info("no %s documents to embed", kind.value)
        return StageSummary()
    if config.backend == "auto" and expected_revision(config.model_name, backend="auto", device=config.device,
                                                      cache_dir=config.cache_dir) is None:
        get_run_logger().info("embedding backend auto, first use here: exporting %s to ONNX and timing the "
                              "backends on this CPU (once, cached in %s)", config.model_name, config.cache_dir)
    embedder = load_embedder(config)
    with session_scope(engine_for(settings)) as session:
        summary = embed_batch(session=session, embedder=embedder, kind=kind, limit=batch_size)
    get_run_logger().info("embedded %d %s documents on %s with %s (backend %s)", summary.processed, kind.value,
                          embedder.device, embedder.model_name, embedder.backend)
    return summary
