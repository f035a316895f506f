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
from prefect.states import Cancelled, Cancelling
from prefect.utilities.annotations import quote

from flows.run_record import ChainRun
from matchflow.domain import ChainSpec, DocumentKind
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.summary import StageSummary
from matchflow.settings import Settings
from storage.db import session_scope
from storage.matches import count_sessions_of_run
from tasks.analyze import analyze_matches
from tasks.embed import embed_documents
from tasks.gpu import GpuPoolStatus, check_gpu, read_pool_status, signal_gpu_demand
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


def gpu_check_step(run: ChainRun, context: RunContext, chain: ChainSpec, handoff: GpuHandoff) -> GpuPoolStatus:
    """Step 2: the GPU pool's readiness; when it is down and documents wait, ask for the host (demand event).

    This step never starts the host itself: gpu-health does, on the demand event (its deployment trigger).
    """
    started = time.perf_counter()
    if not handoff.enabled:
        status = GpuPoolStatus(pool=handoff.pool, ready=False, status="DISABLED", detail="gpu_enabled=false")
    else:
        status = check_gpu(handoff.pool)
        if not status.ready:
            signal_gpu_demand(context, chain, handoff.pool)
    run.record("gpu-check", None, time.perf_counter() - started, device="gpu" if status.ready else "cpu")
    return status


def _hand_to_gpu(run: ChainRun, handoff: GpuHandoff, parameters: dict[str, Any], step: str) -> bool:
    """Run the inference deployment on the GPU pool and wait (bounded); False when it did not complete.

    After one failed hand-off the run does the rest on CPU: the pool looked ready at step 2, but a host that
    just failed is not worth waiting for again within the same run.
    """
    logger = get_run_logger()
    if run.fallbacks:
        run.fallbacks.append({"step": step, "reason": f"not handed over: the {run.fallbacks[0]['step']} "
                                                      "hand-off of this run failed"})
        return False
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
    """The inference run's final state, waiting at most `handoff.timeout_s`.

    A run that started and then lost its host ends Crashed through Prefect's own mechanism: its flow-run
    heartbeats stop and the `matchflow-inference-no-heartbeat` automation marks it Crashed
    (automations/gpu.yaml); the chain then finishes on CPU. Two cases have no Prefect mechanism and are
    handled here: a run still waiting for a worker when the pool loses its last one is cancelled (no one
    would ever start it), and a run still going at the deadline is cancelled, so that it does not go on
    working beside the CPU fallback.
    """
    deadline = time.monotonic() + handoff.timeout_s
    lost_polls = 0
    with get_client(sync_client=True) as client:
        while True:
            state = client.read_flow_run(flow_run_id).state
            if state is None or state.is_final():
                return state
            if time.monotonic() > deadline:
                return _cancel(client, flow_run_id, state, f"the chain waited {handoff.timeout_s:.0f} s for it "
                                                           "and finished on CPU")
            waiting = state.is_scheduled() or state.is_pending()
            lost_polls = lost_polls + 1 if waiting and read_pool_status(handoff.pool).status in POOL_LOST else 0
            if lost_polls >= 2:
                return _cancel(client, flow_run_id, state, f"GPU pool {handoff.pool} has no worker to run it; "
                                                           "the chain finished on CPU")
            time.sleep(HANDOFF_POLL_S)


def _cancel(client: Any, flow_run_id: UUID, state: State, message: str) -> State | None:
    """Cancel an inference run: at once when it never started, through its worker (Cancelling) when it runs."""
    final = Cancelled(message=message) if state.is_scheduled() or state.is_pending() else Cancelling(message=message)
    client.set_flow_run_state(flow_run_id, final, force=True)
    return client.read_flow_run(flow_run_id).state


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
    device, on_gpu = "cpu", StageSummary()
    if gpu.ready:
        started = time.perf_counter()
        handed = _hand_to_gpu(run, handoff, {"stage": "match", "chain": chain.slug, "batch_size": batch_size,
                                             "match": asdict(context.match), "pipeline_run_id": run.run_id}, "match")
        device = "gpu" if handed else "cpu"
        on_gpu = StageSummary(processed=count_run_sessions(context, run.run_id))  # saved there, even if it failed
        for step in ("search", "rerank", "analyze", "save"):
            run.record(step, on_gpu, time.perf_counter() - started if step == "search" else 0.0, device="gpu",
                       task_runs=0)
    for _ in range(MAX_BATCHES):
        started = time.perf_counter()
        query_ids = next_queries(context, chain, batch_size=batch_size)
        if not query_ids:
            break
        batch = search_matches(context, chain, query_ids)
        handled = StageSummary(processed=len(query_ids))  # search, rerank and analyze each handle the batch
        run.record("search", handled, time.perf_counter() - started)
        started = time.perf_counter()
        batch = rerank_matches(context, quote(batch))
        run.record("rerank", handled, time.perf_counter() - started)
        started = time.perf_counter()
        batch = analyze_matches(context, quote(batch))
        run.record("analyze", handled, time.perf_counter() - started)
        started = time.perf_counter()
        saved = save_matches(context, quote(batch), run.run_id, "cpu")
        run.record("save", saved, time.perf_counter() - started)
    for step in ("search", "rerank", "analyze", "save"):
        if step not in run.stats:
            run.record(step, None, 0.0, device=device, task_runs=0)
        on_cpu = run.stats[step].task_runs > 0
        if on_gpu.processed:
            run.stats[step].device = "gpu+cpu" if on_cpu else "gpu"
        else:
            run.stats[step].device = "gpu" if device == "gpu" and not on_cpu else "cpu"


def count_run_sessions(context: RunContext, pipeline_run_id: int | None) -> int:
    """Match sessions saved for this chain run so far (by the inference run it handed work to, too)."""
    with session_scope(context.engine) as session:
        return count_sessions_of_run(session=session, pipeline_run_id=pipeline_run_id)

