"""The chain steps both chains share, each a loop of batch-sized task runs that records its statistics.

Task runs grow with batches, not documents: every task call handles up to `batch_size` documents.
Steps 3 and 4-7 are handed to the GPU pool's inference deployment when the pool is ready; whatever the
GPU run did not finish (down, crashed, timed out) is done here on this process, and the fallback is logged
and recorded in the run's statistics, so a chain always completes.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from prefect import get_client, get_run_logger
from prefect.client.schemas.objects import State
from prefect.deployments import run_deployment
from prefect.states import Cancelled, Crashed
from prefect.utilities.annotations import quote

from flows.run_record import ChainRun
from matchflow.domain import ChainSpec, DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.settings import Settings
from tasks.analyze import analyze_matches
from tasks.embed import embed_documents
from tasks.gpu import GpuPoolStatus, check_gpu, read_pool_status
from tasks.parse import parse_documents
from tasks.rerank import rerank_matches
from tasks.save import save_matches
from tasks.search import next_queries, search_matches
from tasks.sources import list_files, receive_files

MAX_BATCHES = 100_000  # a guard against a stage that never drains
HANDOFF_POLL_S = 2.0  # how often a hand-off looks at the inference run and the GPU pool
POOL_LOST = {"NOT_READY", "MISSING"}


@dataclass(frozen=True)
class GpuHandoff:
    """Where and how long a chain hands steps 3-7 to the GPU pool (read from the settings by the flow)."""

    enabled: bool
    pool: str
    deployment: str  # the inference deployment, `flow/deployment`
    timeout_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> GpuHandoff:
        return cls(enabled=settings.gpu_enabled, pool=settings.gpu_pool, deployment=settings.inference_deployment,
                   timeout_s=settings.gpu_handoff_timeout_s)


def fetch_step(run: ChainRun, context: RunContext, source: str, kind: DocumentKind, *, since: str | None,
               limit: int | None, batch_size: int) -> None:
    """Step 0: Fillout submissions, or the files of a folder, stored as received (recorded per batch)."""
    started = time.perf_counter()
    if source == "fillout":
        from tasks.fillout import fetch_submissions

        summary = fetch_submissions(context, kind, since=since, limit=limit, batch_size=batch_size)
        run.record("fetch", summary, time.perf_counter() - started)
        return
    files = list_files([part for part in source.split(",") if part], limit=limit)
    run.record("fetch", None, time.perf_counter() - started)
    for start in range(0, len(files), batch_size):
        started = time.perf_counter()
        summary = receive_files(context, files[start:start + batch_size], kind, batch_size=batch_size)
        run.record("fetch", summary, time.perf_counter() - started)


def parse_step(run: ChainRun, context: RunContext, kind: DocumentKind, *, batch_size: int) -> None:
    """Step 1: parse every received document of `kind`, batch by batch."""
    for _ in range(MAX_BATCHES):
        started = time.perf_counter()
        batch = parse_documents(context, kind, batch_size=batch_size)
        run.record("parse", batch, time.perf_counter() - started)
        if batch.processed + batch.duplicate + batch.failed == 0:
            break


def gpu_check_step(run: ChainRun, handoff: GpuHandoff) -> GpuPoolStatus:
    """Step 2: the GPU pool's readiness (the gpu-health flow starts the host; this only reads)."""
    started = time.perf_counter()
    if not handoff.enabled:
        status = GpuPoolStatus(pool=handoff.pool, ready=False, status="DISABLED", detail="gpu_enabled=false")
    else:
        status = check_gpu(handoff.pool)
    run.record("gpu-check", None, time.perf_counter() - started, device="gpu" if status.ready else "cpu")
    return status


def _hand_to_gpu(run: ChainRun, handoff: GpuHandoff, parameters: dict[str, Any], step: str) -> bool:
    """Run the inference deployment on the GPU pool and wait (bounded); False when it did not complete."""
    logger = get_run_logger()
    try:
        flow_run = run_deployment(handoff.deployment, parameters=parameters, timeout=0, as_subflow=True)
        state = _wait_for_inference(flow_run.id, handoff)
    except Exception as exc:  # noqa: BLE001 - any failure to hand off means: do it here on CPU
        logger.warning("GPU hand-off for %s failed (%s); finishing on CPU", step, type(exc).__name__)
        run.fallbacks.append({"step": step, "reason": f"{type(exc).__name__}: {exc}"[:300]})
        return False
    if state is None or not state.is_completed():
        name = state.name if state else "no state"
        logger.warning("GPU inference run for %s ended %s; finishing the rest on CPU", step, name)
        run.fallbacks.append({"step": step, "reason": f"inference run {flow_run.id} ended {name}"})
        return False
    return True


def _wait_for_inference(flow_run_id: UUID, handoff: GpuHandoff) -> State | None:
    """The inference run's final state, waiting at most `gpu_handoff_timeout_s`.

    A run whose GPU pool loses its last worker (the host died, and the run with it) would stay Running
    forever, as no one is left to report it: when the pool reads NOT_READY on two polls in a row, the run
    is marked Crashed (Cancelled if it was still scheduled) so that it shows what happened and the
    `matchflow-inference-run-failed` automation fires; the chain then finishes on CPU.
    """
    deadline = time.monotonic() + handoff.timeout_s
    lost_polls = 0
    with get_client(sync_client=True) as client:
        while True:
            state = client.read_flow_run(flow_run_id).state
            if state is None or state.is_final() or time.monotonic() > deadline:
                return state
            lost_polls = lost_polls + 1 if read_pool_status(handoff.pool).status in POOL_LOST else 0
            if lost_polls >= 2:
                message = f"GPU pool {handoff.pool} lost its workers during the run; the chain finished on CPU"
                final = Cancelled(message=message) if state.is_scheduled() else Crashed(message=message)
                client.set_flow_run_state(flow_run_id, final, force=True)
                return client.read_flow_run(flow_run_id).state
            time.sleep(HANDOFF_POLL_S)


def embed_step(run: ChainRun, context: RunContext, chain: ChainSpec, *, batch_size: int, gpu: GpuPoolStatus,
               handoff: GpuHandoff) -> None:
    """Step 3: vectors for the query documents, then for targets not yet embedded."""
    kinds = [chain.query_kind, chain.target_kind]
    device = "cpu"
    started = time.perf_counter()
    if gpu.ready and _hand_to_gpu(run, handoff, {"stage": "embed", "kinds": [k.value for k in kinds],
                                                 "batch_size": batch_size}, "embed"):
        device = "gpu"
        run.record("embed", None, time.perf_counter() - started, device=device)
    for kind in kinds:  # what the GPU did not finish (or everything, on CPU)
        for _ in range(MAX_BATCHES):
            started = time.perf_counter()
            batch = embed_documents(context, kind, batch_size=batch_size)
            if batch.processed and device == "gpu":
                device = "gpu+cpu"
            run.record("embed", batch, time.perf_counter() - started, device=device)
            if batch.processed == 0:
                break


def match_steps(run: ChainRun, context: RunContext, chain: ChainSpec, *, batch_size: int, gpu: GpuPoolStatus,
                handoff: GpuHandoff) -> None:
    """Steps 4-7 per batch of query documents: search, rerank, analyze, save.

    The batch handed from task to task is wrapped in `quote`: Prefect otherwise walks every parameter
    (twice per task run) looking for futures, and a MatchBatch of 64 queries holds ~3,000 candidate pairs
    with their texts and fields, which cost seconds per task run; the task still receives the MatchBatch.
    """
    device = "cpu"
    if gpu.ready and _hand_to_gpu(run, handoff, {"stage": "match", "chain": chain.slug, "batch_size": batch_size,
                                                 "match": asdict(context.match)}, "match"):
        device = "gpu"
    for _ in range(MAX_BATCHES):
        started = time.perf_counter()
        query_ids = next_queries(context, chain, batch_size=batch_size)
        if not query_ids:
            break
        batch = search_matches(context, chain, query_ids)
        run.record("search", None, time.perf_counter() - started)
        started = time.perf_counter()
        batch = rerank_matches(context, quote(batch))
        run.record("rerank", None, time.perf_counter() - started)
        started = time.perf_counter()
        batch = analyze_matches(context, quote(batch))
        run.record("analyze", None, time.perf_counter() - started)
        started = time.perf_counter()
        saved = save_matches(context, quote(batch), run.run_id, "cpu")
        run.record("save", saved, time.perf_counter() - started)
    for step in ("search", "rerank", "analyze", "save"):
        if step not in run.stats:
            run.record(step, None, 0.0, device=device, task_runs=0)
        elif device == "gpu":
            run.stats[step].device = "gpu+cpu"

