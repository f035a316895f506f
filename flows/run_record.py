"""Bookkeeping of one chain run: the one-run-per-chain lock, per-stage statistics, progress and artifacts.

    with ChainRun(CHAIN_A, parameters, context) as run:  # takes the chain's lock, inserts pipeline_runs
        run.record("parse", summary, seconds, device)   # accumulates statistics, updates the progress artifact
    # on exit: statistics stored in pipeline_runs, a table artifact and a markdown artifact of the top matches

Concurrency rule: one run of a chain at a time. A second run finds the chain's Postgres advisory lock
taken and ends at once as Cancelled (`ChainAlreadyRunning`); chains A and B have different locks and
claim different documents, so they run side by side.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact
from prefect.context import FlowRunContext

from matchflow.domain import ChainSpec
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.summary import StageSummary
from storage import runs
from storage.db import DatabaseAPIError, session_scope
from storage.matches import run_top_matches

STEPS = ("fetch", "parse", "gpu-check", "embed", "search", "rerank", "analyze", "save")
INTERRUPTED = "interrupted: the run ended without recording its outcome (process killed or database lost)"

logger = logging.getLogger(__name__)


class ChainAlreadyRunning(RuntimeError):
    """Another run of the same chain holds its lock."""


MAX_FAILURES_KEPT = 50  # per step, in the stored statistics; the documents table holds every failure


@dataclass
class StageStats(StageSummary):
    """A step's counters over all its batches, plus time, task runs and device."""

    seconds: float = 0.0
    task_runs: int = 0
    device: str = "cpu"

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data.pop("outcomes")
        data["failures"] = data["failures"][:MAX_FAILURES_KEPT]
        return data


def _in_flow() -> bool:
    return FlowRunContext.get() is not None


class ChainRun:
    def __init__(self, chain: ChainSpec, parameters: dict[str, Any], context: RunContext) -> None:
        self.chain = chain
        self.parameters = parameters
        self.context = context
        self.engine = context.engine
        self.stats: dict[str, StageStats] = {}
        self.run_id: int | None = None
        self._lock_conn = None
        self._progress_id = None
        self.fallbacks: list[dict[str, str]] = []  # steps the GPU did not finish, done on CPU
        self._started = time.perf_counter()

    def __enter__(self) -> ChainRun:
        self._lock_conn = runs.acquire_chain_lock(self.engine, self.chain.lock_key)
        if self._lock_conn is None:
            raise ChainAlreadyRunning(f"chain {self.chain.letter} is already running; this run was cancelled")
        flow_context = FlowRunContext.get()
        with session_scope(self.engine) as session:
            # we hold the chain's lock, so a run of this chain still marked running died without a word
            runs.fail_interrupted_runs(session=session, chain=self.chain.slug, error=INTERRUPTED)
            self.run_id = runs.start_run(
                session=session, chain=self.chain.slug, parameters=self.parameters,
                flow_run_id=str(flow_context.flow_run.id) if flow_context and flow_context.flow_run else None)
        if _in_flow():
            self._progress_id = create_progress_artifact(
                progress=0.0, key=f"{self.chain.slug}-progress",
                description=f"Chain {self.chain.letter}: share of the eight steps done")
        return self

    def record(self, step: str, summary: StageSummary | None, seconds: float, device: str = "cpu",
               task_runs: int = 1) -> None:
        """Add one batch's outcome to the step's statistics and move the progress artifact."""
        stats = self.stats.setdefault(step, StageStats(device=device))
        stats.seconds += seconds
        stats.task_runs += task_runs
        stats.device = device
        if summary is not None:
            stats.merge(summary)
            stats.outcomes.clear()
        self._update_progress()

    def _update_progress(self) -> None:
        if self._progress_id is None:
            return
        from prefect.artifacts import update_progress_artifact

        done = sum(1 for step in STEPS if step in self.stats)
        latest = list(self.stats)[-1]
        update_progress_artifact(self._progress_id, progress=100.0 * done / len(STEPS),
                                 description=f"Chain {self.chain.letter}: {latest}, "
                                             f"{self.stats[latest].task_runs} batch(es), "
                                             f"{self.stats[latest].processed} document(s)")

    def summary(self) -> dict[str, Any]:
        return {"chain": self.chain.letter, "pipeline_run_id": self.run_id,
                "seconds": round(time.perf_counter() - self._started, 2),
                "stages": {step: stats.as_dict() for step, stats in self.stats.items()},
                "gpu_fallbacks": self.fallbacks}

    def __exit__(self, exc_type, exc, tb) -> None:
        status = runs.COMPLETED if exc is None else runs.FAILED
        summary = self.summary()
        if exc is not None:
            summary["error"] = f"{type(exc).__name__}: {exc}"[:500]
        try:
            with session_scope(self.engine) as session:
                runs.finish_run(session=session, run_id=self.run_id, status=status, stats=summary)
                top = run_top_matches(session=session, pipeline_run_id=self.run_id, per_document=3, documents=20)
            if _in_flow():
                self._publish(summary, top)
        except DatabaseAPIError:
            if exc is None:
                raise
            # the database is gone (often the very cause of `exc`): let `exc` surface; the next run of
            # this chain marks this one failed (INTERRUPTED)
            logger.warning("chain %s run %s failed and could not be recorded: the database is unreachable",
                           self.chain.slug, self.run_id)
        finally:
            self._release_lock()

    def _release_lock(self) -> None:
        """Unlock explicitly: a pooled connection's session (and its lock) outlives `close()`."""
        if self._lock_conn is not None:
            runs.release_chain_lock(self._lock_conn, self.chain.lock_key)
            self._lock_conn = None

    def _publish(self, summary: dict[str, Any], top: list[dict[str, Any]]) -> None:
        slug = self.chain.slug
        rows = [{"step": step, **{k: v for k, v in stats.items() if k != "failures"}}
                for step, stats in summary["stages"].items()]
        create_table_artifact(key=f"{slug}-stats", table=rows,
                              description=f"Chain {self.chain.letter} run {self.run_id}: statistics per step")
        lines = [f"# Chain {self.chain.letter}: top matches of run {self.run_id}", ""]
        if not top:
            lines.append("No new matches in this run.")
        else:
            lines += ["| source | rank | match | score | matched skills | missing skills |",
                      "|---|---|---|---|---|---|"]
            for row in top:
                lines.append(f"| {row['source']} | {row['rank']} | {row['target']} | {row['score']:.0f} | "
                             f"{', '.join(row['matched_skills'][:6])} | {', '.join(row['missing_skills'][:6])} |")
        create_markdown_artifact(key=f"{slug}-top-matches", markdown="\n".join(lines),
                                 description=f"Chain {self.chain.letter}: best matches per document")
