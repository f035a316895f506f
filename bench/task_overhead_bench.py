"""What one Prefect task run costs when a match batch is its parameter: passed plain vs wrapped in `quote`.

    MATCHFLOW_HOME=/tmp/mf-e2e python bench/task_overhead_bench.py [--queries 64] [--calls 5] [--database e2e_raw]

Reads a real MatchBatch (search + rerank + analyze for --queries resumes against the jobs) from a database
bench/e2e_bench.py left behind (default `e2e_raw` on the embedded server under MATCHFLOW_HOME), then, inside
one flow run on Prefect's test server, calls --calls times each:
  empty   a task with one small parameter (the floor: creating and finishing a task run)
  plain   a task that returns the batch it is given, the batch passed as is (as flows/steps.py did)
  quoted  the same task with `quote(batch)` (as flows/steps.py does now: no parameter walk)
Prints seconds per call and the ratio plain / quoted, as JSON lines and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("MATCHFLOW_HOME", "/tmp/mf-e2e")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import sqlalchemy as sa  # noqa: E402
from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from matchflow import settings as settings_module  # noqa: E402
from matchflow.domain import CHAIN_A  # noqa: E402
from matchflow.pipeline.batch import MatchBatch  # noqa: E402
from matchflow.pipeline.context import RunContext  # noqa: E402
from matchflow.settings import Settings  # noqa: E402


@task(name="empty", cache_policy=NO_CACHE)
def empty(value: int) -> int:
    return value


@task(name="pass-batch", cache_policy=NO_CACHE)
def pass_batch(context: RunContext, batch: MatchBatch) -> MatchBatch:
    if not isinstance(batch, MatchBatch):
        raise TypeError(f"the task got {type(batch).__name__}, not the MatchBatch")
    return batch


@flow(name="task-overhead")
def measure(context: RunContext, batch: MatchBatch, calls: int) -> dict[str, float]:
    out = {}
    for name, call in (("empty", lambda: empty(1)), ("plain", lambda: pass_batch(context, batch)),
                       ("quoted", lambda: pass_batch(context, quote(batch)))):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        out[name] = (time.perf_counter() - started) / calls
    return out


def load_batch(database: str, queries: int) -> tuple[RunContext, MatchBatch]:
    from matchflow.pipeline.analyze import analyze_matches
    from matchflow.pipeline.rerank import rerank_matches, skill_idf
    from matchflow.pipeline.search import search_matches
    from storage.db import embedded_url, session_scope
    from storage.models import Document

    os.environ.pop("MATCHFLOW_DATABASE_URL", None)
    settings_module.get_settings.cache_clear()
    os.environ["MATCHFLOW_DATABASE_URL"] = embedded_url(Settings()).set(database=database).render_as_string(
        hide_password=False)
    settings_module.get_settings.cache_clear()
    context = RunContext.from_settings(settings_module.get_settings()).with_model()
    config, model = context.match, context.require_model()
    with session_scope(context.engine) as session:
        ids = list(session.scalars(sa.select(Document.id).where(Document.kind == "resume", Document.is_current)
                                   .order_by(Document.id).limit(queries)))
        if len(ids) < queries:
            raise SystemExit(f"{database} holds {len(ids)} resumes; run bench/e2e_bench.py first")
        batch = search_matches(session=session, chain=CHAIN_A, model=model, config=config, query_ids=ids)
        rerank_matches(batch, config=config, skill_idf=skill_idf(session=session))
        analyze_matches(batch)
    return context, batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=64, help="resumes in the batch (the chains' batch size)")
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--database", default="e2e_raw")
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness

    context, batch = load_batch(args.database, args.queries)
    pairs = sum(len(pool) for pool in batch.pools.values())
    with prefect_test_harness(server_startup_timeout=180):
        measure(context, batch, 1)  # warm-up
        seconds = measure(context, batch, args.calls)
    rows = [{"bench": "task_overhead", "call": name, "queries": args.queries, "pairs": pairs, "calls": args.calls,
             "seconds_per_call": round(value, 4), "vs_quoted": round(value / seconds["quoted"], 1)}
            for name, value in seconds.items()]
    for row in rows:
        print(json.dumps(row), flush=True)  # noqa: T201
    table = Table(title=f"One Prefect task run with a MatchBatch of {args.queries} queries ({pairs} candidate pairs)"
                        f" as its parameter; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for column in ("call", "s per task run", "x quoted"):
        table.add_column(column, justify="left" if column == "call" else "right")
    for row in rows:
        table.add_row(row["call"], f"{row['seconds_per_call']:.3f}", f"{row['vs_quoted']:.1f}")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
