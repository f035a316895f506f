"""The one chain body both chains run, parameterised by the chain's `ChainSpec` (the flows are in
`resume_chain.py` and `job_chain.py`).

Reads as the seed system's eight steps: fetch, parse, gpu-check, embed, then search, rerank, analyze and
save per batch of query documents. The settings are read here, once, into the run context the steps pass
to every task.
"""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger
from prefect.states import Cancelled

from flows.dry_run import pending_work
from flows.run_record import ChainAlreadyRunning, ChainRun
from flows.steps import GpuHandoff, embed_step, fetch_step, gpu_check_step, match_steps, parse_step
from matchflow.domain import ChainSpec, SearchFilters
from matchflow.logs import install_redaction
from matchflow.pipeline.config import MatchConfig
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import needs_first_use_setup
from matchflow.settings import get_settings


def run_chain(chain: ChainSpec, *, source: str, batch_size: int, limit: int | None, since: str | None,
              dry_run: bool, top_k: int | None, location: str | None, remote_only: bool) -> Any:
    """One run of `chain`: its statistics and top matches, or a Cancelled state when it is already running."""
    settings = get_settings()
    install_redaction(settings)
    match = MatchConfig.from_settings(settings, top_k=top_k,
                                      filters=SearchFilters(location=location, remote_only=remote_only))
    context = RunContext.from_settings(settings, match=match)
    if dry_run:
        return pending_work(context, source, chain.query_kind, limit=limit)
    if needs_first_use_setup(context.embed):
        get_run_logger().info("embedding backend auto, first use here: exporting %s to ONNX and timing the "
                              "backends on this CPU (once, cached in %s)", context.embed.model_name,
                              context.embed.cache_dir)
    context = context.with_model()
    handoff = GpuHandoff.from_settings(settings)
    parameters = {"source": source, "batch_size": batch_size, "limit": limit, "since": since, "top_k": match.top_k}
    try:
        with ChainRun(chain, parameters, context) as run:
            fetch_step(run, context, source, chain.query_kind, since=since, limit=limit, batch_size=batch_size)  # 0
            parse_step(run, context, chain.query_kind, batch_size=batch_size)  # 1
            gpu = gpu_check_step(run, context, chain, handoff)  # 2
            embed_step(run, context, chain, batch_size=batch_size, gpu=gpu, handoff=handoff)  # 3
            match_steps(run, context, chain, batch_size=batch_size, gpu=gpu, handoff=handoff)  # 4-7
        return run.summary()
    except ChainAlreadyRunning as exc:
        return Cancelled(message=str(exc))
