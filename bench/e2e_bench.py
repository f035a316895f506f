"""End to end: chain A as a Prefect flow against the same stages called directly, same data, same run.

    MATCHFLOW_HOME=/tmp/mf-e2e python bench/e2e_bench.py [--limit N] [--jobs 200] [--batch-size 64]
        [--parse-workers 2] [--order raw-first|chain-first] [--repeat R] [--profile PATH]

Set-up (not timed): one embedded Postgres under MATCHFLOW_HOME with two fresh databases, `e2e_raw` and
`e2e_chain` (dropped and re-created), each migrated, seeded, and given the same --jobs job postings (the
first rows of the Google careers table, ingested and embedded: chain A matches new resumes against jobs
that are already there). Each side has its own empty file store. The model, the parser children and the
PDFs' bytes are warmed up, and Prefect's test server is started before either side runs, so both run
with it in the background.

Timed, on the same --limit dev resume PDFs (0: all 489) with the same batch size and parse workers:
  raw     the pipeline's plain functions, one transaction per batch as the chain's tasks have:
          receive (receive_paths), parse (parse_batch), embed (embed_batch), then per batch of queries
          search (claim_queries + search_matches), rerank (skill_idf + rerank_matches), analyze
          (analyze_matches) and save (save_matches). Each stage timed on its own; their sum is the baseline.
  chain   `resume_chain(source=<the same files>)` as a Prefect flow run: the same stages as tasks, plus
          the flow's own bookkeeping (run record, lock, artifacts, GPU-pool check, logs to the API).
The ratio chain wall / sum of raw stages is the orchestration overhead (target <= 1.15). Both sides do
the same work and must end with the same counts (checked). With --repeat R, R rounds run on fresh
databases, alternating which side goes first, and the best raw sum is compared with the best chain wall
(every round's ratio is printed too). CPU seconds of each side (this process, its children - parser
processes, Prefect's server - and Postgres) are printed next to wall time: on a busy machine the wall
times of two runs swing by tens of percent with other people's load, CPU seconds by a few. Task runs are
read back from the Prefect API for the chain's flow run, by task, next to the number of batches and
documents: they grow with batches.

`--profile PATH` also profiles a second chain run (on a third fresh database) with pyinstrument and writes
the call tree to PATH (text); the profiled run is not the one timed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("MATCHFLOW_HOME", "/tmp/mf-e2e")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # its heartbeat only adds noise to the logs

import sqlalchemy as sa  # noqa: E402
from cpu_meter import CpuMeter, postmaster  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from matchflow import settings as settings_module  # noqa: E402
from matchflow.domain import DocumentKind  # noqa: E402
from matchflow.pipeline.context import RunContext
from matchflow.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PDFS = REPO / ".." / "shared" / "data" / "resumes_pdf" / "dev"
DEFAULT_JOBS = REPO / ".." / "shared" / "data" / "jobs" / "google_job_skills_semicolon.csv"
SIDES = ("raw", "chain")
RAW_STAGES = ("receive", "parse", "embed", "search", "rerank", "analyze", "save")
CORE_STAGES = ("parse", "embed", "search", "rerank")  # the stages the target names
CHAIN_STEPS = {"receive": "fetch", "parse": "parse", "embed": "embed", "search": "search", "rerank": "rerank",
               "analyze": "analyze", "save": "save"}


def emit(row: dict) -> dict:
    print(json.dumps({"bench": "e2e", **row}), flush=True)  # noqa: T201
    return row


# ---------------------------------------------------------------- set-up


def write_jobs(source: Path, count: int, home: Path) -> Path:
    """The first `count` rows of the job table, as a file of its own (ingested by the job_table source)."""
    from matchflow.sources.job_table import read_rows

    rows = read_rows(source)[:count]
    target = home / f"jobs-{count}.csv"
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return target


def fresh_database(name: str, home: Path) -> None:
    """Point the settings at a new, empty database `name` on the embedded server, with its own file store."""
    import shutil

    from storage.db import dispose_engines, embedded_url

    os.environ.pop("MATCHFLOW_DATABASE_URL", None)
    settings_module.get_settings.cache_clear()
    admin = sa.create_engine(embedded_url(Settings()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    dispose_engines()
    files = home / f"files-{name}"
    shutil.rmtree(files, ignore_errors=True)
    os.environ["MATCHFLOW_DATABASE_URL"] = url  # read by get_settings() in the flow as well
    os.environ["MATCHFLOW_FILE_STORE"] = str(files)
    settings_module.get_settings.cache_clear()


def prepare(name: str, home: Path, jobs_file: Path, batch_size: int) -> dict:
    """A fresh database with the schema, the dictionaries and the jobs, embedded."""
    from matchflow.pipeline.embed import embed_batch
    from matchflow.pipeline.ingest import ingest_paths
    from storage.db import database_engine, session_scope
    from storage.migrate import upgrade
    from storage.seed import seed_dictionaries

    fresh_database(name, home)
    settings = settings_module.get_settings()
    engine = database_engine(settings)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_dictionaries(session=session)
    jobs = ingest_paths([jobs_file], DocumentKind.JOB,
                        context=RunContext.from_settings(settings, engine=engine), batch_size=batch_size)
    embedded = 0
    while True:
        with session_scope(engine) as session:
            done = embed_batch(session=session, embedder=embedder(settings), kind=DocumentKind.JOB,
                               limit=batch_size).processed
        embedded += done
        if not done:
            break
    return {"database": name, "jobs_parsed": jobs.processed, "jobs_embedded": embedded}


def embedder(settings: Settings):
    from matchflow.pipeline.config import EmbedConfig
    from matchflow.pipeline.embed import load_embedder

    return load_embedder(EmbedConfig.from_settings(settings))


def warm_up(paths: list[Path], workers: int) -> None:
    """Model loaded and run once, parser children started, PDF bytes in the page cache."""
    from matchflow.parsing import iter_parse_many

    for path in paths:
        path.read_bytes()
    embedder(settings_module.get_settings()).embed_documents(["warm-up text for the model"])
    list(iter_parse_many([(p.name, p.read_bytes()) for p in paths[: 2 * workers]], workers=workers))


# ---------------------------------------------------------------- the raw side


def run_raw(paths: list[Path], batch_size: int) -> tuple[dict[str, float], dict[str, int]]:
    """The chain's stages as plain function calls, one transaction per batch; seconds per stage, counts."""
    from matchflow.domain import CHAIN_A
    from matchflow.pipeline.analyze import analyze_matches
    from matchflow.pipeline.config import MatchConfig
    from matchflow.pipeline.embed import embed_batch, register_model
    from matchflow.pipeline.ingest import receive_paths
    from matchflow.pipeline.parse import parse_batch
    from matchflow.pipeline.rerank import rerank_matches, skill_idf
    from matchflow.pipeline.save import save_matches
    from matchflow.pipeline.search import search_matches
    from storage.db import database_engine, session_scope
    from storage.documents import claim_queries

    settings = settings_module.get_settings()
    engine = database_engine(settings)
    model = embedder(settings)
    seconds = dict.fromkeys(RAW_STAGES, 0.0)
    counts: Counter[str] = Counter()

    started = time.perf_counter()
    received = receive_paths(paths, DocumentKind.RESUME,
                             context=RunContext.from_settings(settings, engine=engine), batch_size=batch_size)
    seconds["receive"] += time.perf_counter() - started
    counts["received"] = received.new + received.updated

    while True:
        started = time.perf_counter()
        with session_scope(engine) as session:
            batch = parse_batch(session=session, kind=DocumentKind.RESUME, files_dir=settings.files_dir,
                                max_bytes=settings.max_file_bytes, limit=batch_size, workers=settings.parse_workers,
                                redact_scoring=settings.redact_scoring_text)
        seconds["parse"] += time.perf_counter() - started
        counts.update({"parsed": batch.processed, "duplicate": batch.duplicate, "failed": batch.failed})
        if not batch.processed + batch.duplicate + batch.failed:
            break

    for kind in (DocumentKind.RESUME, DocumentKind.JOB):
        while True:
            started = time.perf_counter()
            with session_scope(engine) as session:
                done = embed_batch(session=session, embedder=model, kind=kind, limit=batch_size).processed
            seconds["embed"] += time.perf_counter() - started
            counts["embedded"] += done
            if not done:
                break

    config = MatchConfig(top_k=settings.top_k, redact_explanations=settings.redact_explanations)
    while True:
        started = time.perf_counter()
        with session_scope(engine) as session:
            registered = register_model(session=session, embedder=model)
            queries = [doc.id for doc in claim_queries(session=session, kind=CHAIN_A.query_kind,
                                                       model_id=registered.id, limit=batch_size)]
            if not queries:
                break
            matches = search_matches(session=session, chain=CHAIN_A, model=registered, config=config,
                                     query_ids=queries)
            seconds["search"] += time.perf_counter() - started
            started = time.perf_counter()
            rerank_matches(matches, config=config, skill_idf=skill_idf(session=session))
            seconds["rerank"] += time.perf_counter() - started
            started = time.perf_counter()
            analyze_matches(matches, redact_explanations=config.redact_explanations)
            seconds["analyze"] += time.perf_counter() - started
            started = time.perf_counter()
            saved = save_matches(session=session, batch=matches, model=registered, config=config, device="cpu",
                                 rerank_model=settings.rerank_model)
        seconds["save"] += time.perf_counter() - started
        counts.update({"sessions": saved.processed, "results": saved.new, "query_batches": 1})
    return seconds, dict(counts)


# ---------------------------------------------------------------- the chain


def run_chain(paths: list[Path], source: Path, batch_size: int) -> tuple[float, dict, str]:
    """resume_chain as a flow run over the same files; wall seconds, its summary, its flow run id."""
    from flows.resume_chain import resume_chain

    started = time.perf_counter()
    state = resume_chain(source=str(source), batch_size=batch_size, limit=len(paths), return_state=True)
    wall = time.perf_counter() - started
    if not state.is_completed():
        raise SystemExit(f"chain A ended {state.name}: {state.message}")
    return wall, state.result(), str(state.state_details.flow_run_id)


def task_runs_of(flow_run_id: str) -> tuple[Counter[str], float]:
    """Task runs of one flow run, read back from the Prefect API: counted by task name, and their summed
    run time (time in the Running state: the task bodies as Prefect measures them)."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs: list = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
                                         offset=len(runs), limit=200)
            runs += page
            if len(page) < 200:
                break
    run_time = sum(run.total_run_time.total_seconds() for run in runs)
    return Counter(run.name.rsplit("-", 1)[0] for run in runs), run_time


def chain_counts(summary: dict) -> dict[str, int]:
    stages = summary["stages"]
    return {"received": stages["fetch"]["new"] + stages["fetch"]["updated"], "parsed": stages["parse"]["processed"],
            "duplicate": stages["parse"]["duplicate"], "failed": stages["parse"]["failed"],
            "embedded": stages["embed"]["processed"], "sessions": stages["save"]["processed"],
            "results": stages["save"]["new"]}


def profile_chain(paths: list[Path], source: Path, batch_size: int, home: Path, jobs_file: Path, out: Path) -> None:
    from pyinstrument import Profiler

    prepare("e2e_profile", home, jobs_file, batch_size)
    profiler = Profiler(interval=0.005)
    with profiler:
        wall, _, _ = run_chain(paths, source, batch_size)
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    profiler.last_session.save(str(out.with_suffix(".pyisession")))  # `pyinstrument --load` renders it in full
    emit({"what": "profile", "seconds": round(wall, 2), "written": str(out)})


# ---------------------------------------------------------------- main


def one_round(paths: list[Path], source: Path, home: Path, jobs_file: Path, args: argparse.Namespace,
              order: str) -> dict:
    """Both sides once, each on a freshly prepared database, in `order`; everything the report needs."""
    for side in SIDES:
        emit({"what": "prepared", **prepare(f"e2e_{side}", home, jobs_file, args.batch_size)})
    warm_up(paths, args.parse_workers)
    postgres = postmaster(Settings().pgdata)
    meters = {side: CpuMeter(postgres=postgres) for side in SIDES}
    out: dict = {"order": order}
    for side in (SIDES if order == "raw-first" else tuple(reversed(SIDES))):
        _point_at(f"e2e_{side}", home)
        with meters[side]:
            if side == "raw":
                out["raw_seconds"], out["raw_counts"] = run_raw(paths, args.batch_size)
            else:
                out["wall"], out["summary"], out["flow_run_id"] = run_chain(paths, source, args.batch_size)
    out["raw_cpu"], out["chain_cpu"] = meters["raw"], meters["chain"]
    out["raw_sum"] = sum(out["raw_seconds"].values())
    out["task_runs"], out["task_run_time"] = task_runs_of(out["flow_run_id"])
    emit({"what": "round", "order": order, "raw_sum_s": round(out["raw_sum"], 2), "chain_wall_s": round(out["wall"], 2),
          "ratio": round(out["wall"] / out["raw_sum"], 3), "raw_cpu_s": out["raw_cpu"].seconds,
          "chain_cpu_s": out["chain_cpu"].seconds,
          "raw_stages_s": {k: round(v, 2) for k, v in out["raw_seconds"].items()},
          "chain_steps_s": {k: v["seconds"] for k, v in out["summary"]["stages"].items()}})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=DEFAULT_PDFS)
    parser.add_argument("--limit", type=int, default=0, help="first N PDFs in path order (0: all)")
    parser.add_argument("--jobs-table", type=Path, default=DEFAULT_JOBS)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--parse-workers", type=int, default=2)
    parser.add_argument("--order", choices=["raw-first", "chain-first"], default="raw-first",
                        help="which side runs first in the first round (later rounds alternate)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the best raw sum and best chain wall count")
    parser.add_argument("--profile", type=Path, help="also profile a chain run and write the call tree here")
    args = parser.parse_args()

    from prefect.testing.utilities import prefect_test_harness

    from matchflow.sources.folder import discover_files

    home = Path(os.environ["MATCHFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    os.environ["MATCHFLOW_PARSE_WORKERS"] = str(args.parse_workers)
    source = args.pdfs.resolve()
    paths = discover_files([source])
    paths = paths[: args.limit] if args.limit else paths
    jobs_file = write_jobs(args.jobs_table, args.jobs, home)
    batches = math.ceil(len(paths) / args.batch_size)
    load_before = os.getloadavg()[0]
    flipped = {"raw-first": "chain-first", "chain-first": "raw-first"}

    with prefect_test_harness(server_startup_timeout=180):
        rounds = [one_round(paths, source, home, jobs_file, args, args.order if i % 2 == 0 else flipped[args.order])
                  for i in range(args.repeat)]
        if args.profile:
            profile_chain(paths, source, args.batch_size, home, jobs_file, args.profile)
    load_after = os.getloadavg()[0]

    raw = min(rounds, key=lambda r: r["raw_sum"])
    chain = min(rounds, key=lambda r: r["wall"])
    raw_seconds, summary, wall = raw["raw_seconds"], chain["summary"], chain["wall"]
    for stage in RAW_STAGES:
        emit({"side": "raw", "stage": stage, "seconds": round(raw_seconds[stage], 2)})
    chain_stage_s = {stage: summary["stages"].get(CHAIN_STEPS[stage], {}).get("seconds", 0.0) for stage in RAW_STAGES}
    for stage in RAW_STAGES:
        emit({"side": "chain", "stage": stage, "seconds": round(chain_stage_s[stage], 2),
              "task_runs": summary["stages"].get(CHAIN_STEPS[stage], {}).get("task_runs", 0)})
    raw_total = raw["raw_sum"]
    core_total = sum(raw_seconds[s] for s in CORE_STAGES)
    counts = chain_counts(summary)
    same = all(chain_counts(r["summary"])[key] == r["raw_counts"].get(key, 0) for r in rounds for key in counts)
    raw_cpu, chain_cpu = raw["raw_cpu"], chain["chain_cpu"]
    result = emit({"what": "result", "rounds": args.repeat, "documents": len(paths), "jobs": args.jobs,
                   "batch_size": args.batch_size,
                   "batches": batches, "parse_workers": args.parse_workers, "raw_sum_s": round(raw_total, 2),
                   "raw_core_sum_s": round(core_total, 2), "chain_wall_s": round(wall, 2),
                   "chain_in_flow_s": summary["seconds"], "chain_task_run_time_s": round(chain["task_run_time"], 2),
                   "chain_outside_tasks_s": round(wall - chain["task_run_time"], 2),
                   "ratio": round(wall / raw_total, 3),
                   "round_ratios": [round(r["wall"] / r["raw_sum"], 3) for r in rounds],
                   "target": 1.15, "raw_cpu_s": raw_cpu.seconds, "chain_cpu_s": chain_cpu.seconds,
                   "cpu_ratio": round(chain_cpu.seconds / max(raw_cpu.seconds, 1e-9), 3),
                   "raw_cpu_by_process": raw_cpu.by_group, "chain_cpu_by_process": chain_cpu.by_group,
                   "same_outcome": same, "raw_counts": raw["raw_counts"], "chain_counts": counts,
                   "load_before": round(load_before, 2), "load_after": round(load_after, 2), "cores": os.cpu_count()})
    task_runs = chain["task_runs"]
    emit({"what": "task_runs", "flow_run_id": chain["flow_run_id"], "total": sum(task_runs.values()),
          "batches": batches, "documents": len(paths), "by_task": dict(sorted(task_runs.items()))})
    report(raw_seconds, chain_stage_s, summary, result, task_runs)


def _point_at(name: str, home: Path) -> None:
    """Settings for an already prepared database (prepare() created it; this only re-points the env)."""
    from storage.db import dispose_engines, embedded_url

    os.environ.pop("MATCHFLOW_DATABASE_URL", None)
    settings_module.get_settings.cache_clear()
    url = embedded_url(Settings()).set(database=name).render_as_string(hide_password=False)
    dispose_engines()
    os.environ["MATCHFLOW_DATABASE_URL"] = url
    os.environ["MATCHFLOW_FILE_STORE"] = str(home / f"files-{name}")
    settings_module.get_settings.cache_clear()


def report(raw: dict[str, float], chain: dict[str, float], summary: dict, result: dict, task_runs: Counter) -> None:
    console = Console(width=120)
    table = Table(title=f"Chain A end to end: {result['documents']} resume PDFs against {result['jobs']} jobs, "
                        f"batches of {result['batch_size']}, {result['parse_workers']} parse workers, best of "
                        f"{result['rounds']} round(s) (load {result['load_before']:.1f} -> "
                        f"{result['load_after']:.1f} on {result['cores']} cores)")
    for column in ("stage", "raw s", "chain s", "chain task runs"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in RAW_STAGES:
        runs = summary["stages"].get(CHAIN_STEPS[stage], {}).get("task_runs", 0)
        table.add_row(stage + (" *" if stage in CORE_STAGES else ""), f"{raw[stage]:.1f}", f"{chain[stage]:.1f}",
                      str(runs))
    other = result["chain_wall_s"] - sum(chain.values())
    table.add_row("chain only (gpu-check, run record, artifacts, flow run)", "-", f"{other:.1f}", "")
    table.add_row("[bold]total", f"[bold]{result['raw_sum_s']:.1f}", f"[bold]{result['chain_wall_s']:.1f}",
                  f"[bold]{sum(task_runs.values())}")
    console.print(table)
    verdict = "meets" if result["ratio"] <= result["target"] else "MISSES"
    console.print(f"chain wall / sum of raw stages = [bold]{result['ratio']:.3f}[/] ({verdict} <= {result['target']}); "
                  f"* = the four stages the target names, {result['raw_core_sum_s']:.1f} s of the raw sum; "
                  f"same outcome on both sides: {result['same_outcome']}")
    console.print(f"CPU seconds (this process, its children, Postgres): raw {result['raw_cpu_s']:.1f}, chain "
                  f"{result['chain_cpu_s']:.1f}, ratio {result['cpu_ratio']:.3f} (steadier than wall time on a busy "
                  f"machine); task bodies {result['chain_task_run_time_s']:.1f} s of the chain's wall time")
    runs = Table(title=f"Prefect task runs of the flow run: {result['batches']} batches of {result['documents']} "
                       "documents")
    runs.add_column("task")
    runs.add_column("task runs", justify="right")
    for name, count in sorted(task_runs.items()):
        runs.add_row(name, str(count))
    console.print(runs)


if __name__ == "__main__":
    main()
