"""Chain A at scale: N Fillout submissions in one run, exactly once; then runs with nothing new; peak memory.

    python bench/scale_bench.py --sizes 1000 10000 [--jobs 200] [--home /tmp/mf-scale] [--repeats 3]
    python bench/scale_bench.py --sizes 1000 --baseline-rev main --repeats 1    # throughput against main

Per size N, in a fresh home <home>/n<N> (its own embedded Postgres, Prefect database, file store):
  1. the corpus (bench/scale_corpus.py) grows to N resumes and J jobs; a Fillout server process serves N
     candidate submissions, one every --interval-min minutes, each with its resume file (txt/docx/pdf)
  2. the jobs are ingested (`matchflow ingest --kind job`): setup, not measured
  3. load: `matchflow run chain-a` (the CLI a deployment runs) over the N submissions, in one run; a thread
     samples the RSS of the run's whole process tree every 0.2 s: the chain process, its parse children
     and Prefect's ephemeral API server (the embedded Postgres belongs to this script, reported apart)
  4. checks in the database: submissions, records, documents, candidates, vectors, match sessions and
     results against what the N inputs imply; no duplicates, nothing lost
  5. nothing new: `matchflow run chain-a` again, --repeats times. Its work is timed from the Prefect flow
     run's start to its end (Prefect's own database), so process and API-server start-up are excluded and
     reported apart; the checks run again (nothing may change)

With --baseline-rev REV each size runs first with the source tree of that git revision (git archive, same
venv, its own home), then with this checkout: the load throughput (docs/s) is reported as a ratio to it.

Baselines measured in this script: the RSS of a process that imported the chain and loaded the embedding
model (memory ratio), and the nothing-new time at the smallest size (growth ratio). Prints one JSON line per
measurement, then rich tables.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
CORPUS_SCRIPT = REPO / "bench" / "scale_corpus.py"
PYTHON = sys.executable
RSS_LIMIT_GB = 2.5
NOTHING_NEW_LIMIT_S = 10.0
console = Console(stderr=True)


def emit(row: dict[str, Any]) -> None:
    print(json.dumps(row, default=str), flush=True)  # noqa: T201 - JSON lines are the script's output


# ------------------------------------------------------------------------------------------------ memory


@dataclass
class TreeMemory:
    """Peak RSS of a process and all its descendants, sampled by a thread."""

    pid: int
    interval_s: float = 0.2
    peak_total: int = 0
    peak_by_role: dict[str, int] = field(default_factory=dict)
    at_peak: dict[str, int] = field(default_factory=dict)
    peak_processes: int = 0
    samples: int = 0
    phase: str = "start-up"  # set from the run's log lines (see PHASES)
    peak_by_phase: dict[str, int] = field(default_factory=dict)  # the chain process's peak RSS per phase
    trace: list[tuple[float, str, int, int]] = field(default_factory=list)  # (s, phase, chain RSS, tree RSS)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> TreeMemory:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    @staticmethod
    def _role(process: psutil.Process, root: psutil.Process) -> str:
        if process.pid == root.pid:
            return "chain process"
        try:
            cmdline = " ".join(process.cmdline())
        except psutil.Error:
            return "other"
        if "uvicorn" in cmdline or "prefect" in cmdline and "server" in cmdline:
            return "prefect api server"
        if "multiprocessing" in cmdline or "forkserver" in cmdline:
            return "parse workers"
        if "postgres" in process.name():
            return "postgres"
        return "other"

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        roles: dict[int, str] = {}
        started = time.perf_counter()
        while not self._stop.is_set():
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            by_role: dict[str, int] = {}
            for process in processes:
                try:
                    rss = process.memory_info().rss
                    role = roles.get(process.pid) or self._role(process, root)
                    if role != "other":  # a process read as it starts may not show its command line yet
                        roles[process.pid] = role
                except psutil.Error:
                    continue
                by_role[role] = by_role.get(role, 0) + rss
            total = sum(by_role.values())
            self.samples += 1
            chain = by_role.get("chain process", 0)
            self.peak_by_phase[self.phase] = max(chain, self.peak_by_phase.get(self.phase, 0))
            if self.samples % 10 == 1:
                self.trace.append((round(time.perf_counter() - started, 1), self.phase, chain, total))
            if total > self.peak_total:
                self.peak_total, self.at_peak = total, dict(by_role)
            for role, rss in by_role.items():
                self.peak_by_role[role] = max(rss, self.peak_by_role.get(role, 0))
            self.peak_processes = max(self.peak_processes, len(processes))
            self._stop.wait(self.interval_s)


def gb(value: int | float) -> float:
    return round(value / 1024**3, 3)


def baseline(env: dict[str, str], code: Path) -> dict[str, Any]:
    """A process that imports chain A and loads the embedding model as the chain does: its RSS is the memory
    baseline, and it leaves the model's per-home cache (backend export, calibration) ready for the runs."""
    script = ("import json, psutil, time, flows.resume_chain\n"
              "from matchflow.settings import get_settings\n"
            "from matchflow.pipeline.config import EmbedConfig\n"
            "from matchflow.pipeline.embed import load_embedder\n"
            "started = time.perf_counter()\n"
            "e = load_embedder(EmbedConfig.from_settings(get_settings()))\n"
            "e.embed_documents(['Python developer with five years of experience.'])\n"
            "print(json.dumps({'rss': psutil.Process().memory_info().rss, 'load_s': time.perf_counter() - started,\n"
            "                  'model': e.model_name, 'revision': e.model_revision,\n"
            "                  'backend': getattr(e, 'backend', 'torch'), 'device': e.device}))\n")
    out = subprocess.run([PYTHON, "-c", script], env=env, cwd=code, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"loading the model failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------ processes


def start_server(root: Path, resumes: int, interval_min: float) -> tuple[subprocess.Popen, dict[str, Any]]:
    process = subprocess.Popen([PYTHON, str(CORPUS_SCRIPT), "serve", "--root", str(root), "--resumes", str(resumes),
                                "--interval-min", str(interval_min)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=REPO)
    line = process.stdout.readline()
    if not line:
        raise SystemExit("the Fillout server did not start")
    return process, json.loads(line)


def chain_env(home: Path, server: dict[str, Any], code: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHFLOW_", "PREFECT_API"))}
    env.update({
        "MATCHFLOW_HOME": str(home), "PREFECT_HOME": str(home / "prefect"),
        "MATCHFLOW_FILLOUT_API_KEY": server["api_key"], "MATCHFLOW_FILLOUT_BASE_URL": server["base_url"],
        "MATCHFLOW_FILLOUT_RESUME_FORM_ID": server["form_id"], "MATCHFLOW_FILLOUT_FILE_HOSTS": "127.0.0.1",
        "MATCHFLOW_FILLOUT_ALLOW_PRIVATE_HOSTS": "true", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(code), "PYTHONUNBUFFERED": "1",  # log lines arrive when written: they mark the phases
    })
    return env


# the stage a run is in, from the last task log line seen (task runs log when they finish)
PHASES = (("Beginning flow run", "fetch"), ("fetched ", "parse"), ("parsed ", "parse"), ("GPU pool", "embed"),
          ("embedded ", "embed"), ("to embed", "embed"), ("searched ", "match"), ("reranked ", "match"),
          ("analysed ", "match"), ("saved ", "match"))


def run_logged(args: list[str], env: dict[str, str], log: Path, memory: bool = False,
               cwd: Path = REPO) -> tuple[float, TreeMemory | None]:
    """Run a command with its output (time-stamped) in `log`; wall seconds and optionally its tree's memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, bufsize=1)
        sampler = TreeMemory(process.pid) if memory else None
        with sampler or contextlib.nullcontext():
            for line in process.stdout:
                out.write(f"{time.perf_counter() - started:8.1f} {line}")
                if sampler:
                    sampler.phase = next((phase for marker, phase in PHASES if marker in line), sampler.phase)
            process.wait()
    seconds = time.perf_counter() - started
    if sampler:
        with log.with_suffix(".rss.csv").open("w") as trace:
            trace.write("seconds,phase,chain_rss_mb,tree_rss_mb\n")
            trace.writelines(f"{t},{phase},{chain >> 20},{tree >> 20}\n" for t, phase, chain, tree in sampler.trace)
    if process.returncode != 0:
        tail = log.read_text()[-3000:]
        raise SystemExit(f"{' '.join(args[:5])} failed ({process.returncode}); log {log}:\n{tail}")
    return seconds, sampler


# ------------------------------------------------------------------------------------------------ database


def open_engine(home: Path) -> sa.Engine:
    """This script's connection to the size's embedded Postgres (it starts the server and keeps it up)."""
    from matchflow.settings import Settings
    from storage.db import check_server, database_engine

    engine = database_engine(Settings(home=home))
    check_server(engine, embedded=True)
    return engine


def latest_run(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id, flow_run_id, status, stats, started_at, finished_at "
                                   "FROM pipeline_runs WHERE chain = 'chain-a' ORDER BY id DESC LIMIT 1")).one()
    return dict(row._mapping)


def prefect_flow_run(home: Path, flow_run_id: str) -> dict[str, Any]:
    """Start, end and task-run count of a flow run, from the ephemeral API's own sqlite database."""
    with sqlite3.connect(home / "prefect" / "prefect.db") as db:
        start, end = db.execute("SELECT start_time, end_time FROM flow_run WHERE id = ?", (flow_run_id,)).fetchone()
        task_runs = db.execute("SELECT count(*) FROM task_run WHERE flow_run_id = ?", (flow_run_id,)).fetchone()[0]
    seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    return {"flow_run_s": round(seconds, 2), "prefect_task_runs": task_runs}


CHECKS_SQL = {
    "source records (fillout, resume)": "SELECT count(*) FROM source_records "
                                        "WHERE source = 'fillout' AND kind = 'resume'",
    "distinct submission ids": "SELECT count(DISTINCT external_id) FROM source_records WHERE source = 'fillout'",
    "record versions > 1": "SELECT count(*) FROM source_records WHERE version > 1",
    "candidate submissions": "SELECT count(*) FROM candidate_submissions",
    "submissions per record > 1": "SELECT count(*) FROM (SELECT source_record_id FROM candidate_submissions "
                                  "GROUP BY source_record_id HAVING count(*) > 1) s",
    "candidates": "SELECT count(*) FROM candidates",
    "resume documents": "SELECT count(*) FROM documents WHERE kind = 'resume'",
    "resume documents per submission > 1": "SELECT count(*) FROM (SELECT source_id FROM documents WHERE "
                                           "kind = 'resume' GROUP BY source_id HAVING count(*) > 1) s",
    "resumes matched": "SELECT count(*) FROM documents WHERE kind = 'resume' AND status = 'matched'",
    "resumes failed or duplicate": "SELECT count(*) FROM documents WHERE kind = 'resume' "
                                   "AND status IN ('failed', 'duplicate')",
    "job documents embedded or matched": "SELECT count(*) FROM documents WHERE kind = 'job' "
                                         "AND status IN ('embedded', 'matched')",
    # exactly one whole-document vector per document (matchflow.embedding: sections get none)
    "documents with wrong vector count": """
        SELECT count(*) FROM documents d WHERE d.status IN ('embedded', 'matched') AND (
            SELECT count(*) FROM embeddings e WHERE e.document_id = d.id AND e.section = 'document') <> 1""",
    "vectors": "SELECT count(*) FROM embeddings",
    "expected vectors": "SELECT count(*) FROM documents WHERE status IN ('embedded', 'matched')",
    "current chain-A sessions": "SELECT count(*) FROM match_sessions WHERE chain = 'chain-a' AND is_current",
    "resumes with != 1 current session": """
        SELECT count(*) FROM documents d WHERE d.kind = 'resume' AND (SELECT count(*) FROM match_sessions m
            WHERE m.source_document_id = d.id AND m.chain = 'chain-a' AND m.is_current) <> 1""",
    "all chain-A sessions": "SELECT count(*) FROM match_sessions WHERE chain = 'chain-a'",
    "match results": "SELECT count(*) FROM match_results",
    "sessions with a result count != top_k": """
        SELECT count(*) FROM match_sessions m WHERE m.chain = 'chain-a' AND m.is_current AND
            (SELECT count(*) FROM match_results r WHERE r.session_id = m.id) <> :top_k""",
    "duplicate (session, rank) or (session, job)": """
        SELECT (SELECT count(*) FROM (SELECT 1 FROM match_results GROUP BY session_id, rank HAVING count(*) > 1) a)
             + (SELECT count(*) FROM (SELECT 1 FROM match_results GROUP BY session_id, job_document_id
                                      HAVING count(*) > 1) b)""",
}


def check_database(engine: sa.Engine, n: int, jobs: int, top_k: int) -> list[dict[str, Any]]:
    """Every count against what N submissions and J jobs imply."""
    with engine.connect() as conn:
        got = {name: conn.execute(sa.text(sql), {"top_k": min(top_k, jobs)}).scalar_one()
               for name, sql in CHECKS_SQL.items()}
    expected = {
        "source records (fillout, resume)": n, "distinct submission ids": n, "record versions > 1": 0,
        "candidate submissions": n, "submissions per record > 1": 0, "candidates": n, "resume documents": n,
        "resume documents per submission > 1": 0, "resumes matched": n, "resumes failed or duplicate": 0,
        "job documents embedded or matched": jobs, "documents with wrong vector count": 0,
        "vectors": got["expected vectors"], "current chain-A sessions": n, "resumes with != 1 current session": 0,
        "all chain-A sessions": n, "match results": n * min(top_k, jobs), "sessions with a result count != top_k": 0,
        "duplicate (session, rank) or (session, job)": 0,
    }
    return [{"check": name, "expected": expected[name], "got": got[name], "ok": got[name] == expected[name]}
            for name in expected]


# ------------------------------------------------------------------------------------------------ one size


def stage_seconds(stats: dict[str, Any]) -> dict[str, float]:
    return {step: round(values.get("seconds", 0.0), 2) for step, values in stats.get("stages", {}).items()}


def task_runs(stats: dict[str, Any]) -> int:
    return sum(values.get("task_runs", 0) for values in stats.get("stages", {}).values())


def stop_leftover_server(home: Path) -> None:
    """A killed earlier run may have left the home's embedded Postgres up: join it and leave, which stops it."""
    if (home / "pgdata" / "postmaster.pid").exists():
        subprocess.run([PYTHON, "-c", "import sys; from pathlib import Path; from matchflow.settings import Settings; "
                        "from storage.db import database_engine; database_engine(Settings(home=Path(sys.argv[1])))",
                        str(home)], cwd=REPO, check=False, capture_output=True)


def run_size(n: int, args: argparse.Namespace, code: Path = REPO, label: str = "") -> dict[str, Any]:
    """One size in a fresh home, running the chain from the source tree `code` (this checkout, or the
    `--baseline-rev` tree, whose home gets the suffix `label`)."""
    home = args.home / f"n{n}{label}"
    if home.exists():
        stop_leftover_server(home)
        shutil.rmtree(home)
    home.mkdir(parents=True)
    server_process, server = start_server(args.home / "corpus", n, args.interval_min)
    result: dict[str, Any] = {"n": n, "home": str(home), "code": label.lstrip("-") or "this checkout"}
    try:
        env = chain_env(home, server, code)
        warm = baseline(env, code)  # the first load of a home exports the model and calibrates the backend (cached)
        model = baseline(env, code)  # the load every chain run does
        base = model["rss"]
        emit({"bench": "baseline", "n": n, "rss_gb": gb(base), "model_load_s": round(model["load_s"], 1),
              "first_load_s": round(warm["load_s"], 1),
              "embedder": {k: model[k] for k in ("model", "revision", "backend", "device")},
              "what": "chain imported + embedding model loaded (also warms the home's model cache)"})
        engine = open_engine(home)
        seconds, _ = run_logged([PYTHON, "-m", "matchflow", "ingest", str(args.home / "corpus" / "jobs"), "--kind",
                                 "job", "--json"], env, home / "logs" / "ingest-jobs.log", cwd=code)
        emit({"bench": "setup", "n": n, "jobs": args.jobs, "ingest_jobs_s": round(seconds, 1)})
        chain = [PYTHON, "-m", "matchflow", "run", "chain-a", "--batch-size", str(args.batch_size), "--json"]

        console.print(f"[bold]n={n}[/]: load run (chain A over {n} submissions)...")
        wall, memory = run_logged(chain, env, home / "logs" / "load.log", memory=True, cwd=code)
        run = latest_run(engine)
        flow = prefect_flow_run(home, run["flow_run_id"])
        load = {"bench": "load", "n": n, "code": result["code"], "status": run["status"], "wall_s": round(wall, 1),
                **flow,
                "startup_s": round(wall - flow["flow_run_s"], 1), "docs_per_s": round(n / flow["flow_run_s"], 2),
                "stages_s": stage_seconds(run["stats"]), "recorded_task_runs": task_runs(run["stats"]),
                "fetch": {k: run["stats"]["stages"]["fetch"][k] for k in ("new", "unchanged", "failed", "processed")},
                "load_avg_15m": round(os.getloadavg()[2], 1)}
        emit(load)
        mem = {"bench": "memory", "n": n, "peak_tree_gb": gb(memory.peak_total), "baseline_gb": gb(base),
               "ratio_to_baseline": round(memory.peak_total / base, 2),
               "peak_by_role_gb": {k: gb(v) for k, v in memory.peak_by_role.items()},
               "at_peak_gb": {k: gb(v) for k, v in memory.at_peak.items()}, "processes": memory.peak_processes,
               "chain_peak_by_phase_gb": {k: gb(v) for k, v in memory.peak_by_phase.items()},
               "samples": memory.samples, "limit_gb": RSS_LIMIT_GB, "ok": gb(memory.peak_total) <= RSS_LIMIT_GB}
        emit(mem)
        checks = check_database(engine, n, args.jobs, args.top_k)
        for row in checks:
            emit({"bench": "check", "n": n, "after": "load", **row})

        quiet = []
        for attempt in range(args.repeats):
            console.print(f"[bold]n={n}[/]: nothing-new run {attempt + 1}/{args.repeats}...")
            wall, _ = run_logged(chain, env, home / "logs" / f"nothing-new-{attempt + 1}.log", cwd=code)
            run = latest_run(engine)
            flow = prefect_flow_run(home, run["flow_run_id"])
            row = {"bench": "nothing-new", "n": n, "attempt": attempt + 1, "status": run["status"],
                   "wall_s": round(wall, 1), **flow, "startup_s": round(wall - flow["flow_run_s"], 1),
                   "chain_s": run["stats"].get("seconds"), "stages_s": stage_seconds(run["stats"]),
                   "fetch": {k: run["stats"]["stages"]["fetch"][k] for k in ("new", "unchanged", "processed")},
                   "saved": run["stats"]["stages"]["save"]["processed"],
                   "load_avg_1m": round(os.getloadavg()[0], 1)}  # the machine is shared: how busy it was
            emit(row)
            quiet.append(row)
        after = check_database(engine, n, args.jobs, args.top_k)
        for row in after:
            emit({"bench": "check", "n": n, "after": "nothing-new", **row})
        result.update(load=load, memory=mem, checks=checks, checks_after=after, nothing_new=quiet,
                      nothing_new_s=statistics.median(r["flow_run_s"] for r in quiet),
                      nothing_new_min_s=min(r["flow_run_s"] for r in quiet))
    finally:
        server_process.stdin.close()
        server_process.wait(30)
        from storage.db import dispose_engines

        dispose_engines()
    return result


# ------------------------------------------------------------------------------------------------ report


def export_baseline(rev: str, target: Path) -> Path:
    """The source tree of git revision `rev` in `target` (git archive: no worktree left registered)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.strip()
    emit({"bench": "baseline-code", "rev": rev, "commit": commit, "tree": str(target)})
    return target


def throughput_ratio(base: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Chain A's load throughput of this checkout against the baseline revision, same size, same script run."""
    return {"bench": "throughput", "n": current["n"], "baseline_code": base["code"],
            "baseline_docs_per_s": base["load"]["docs_per_s"], "docs_per_s": current["load"]["docs_per_s"],
            "ratio": round(current["load"]["docs_per_s"] / base["load"]["docs_per_s"], 2),
            "baseline_stages_s": base["load"]["stages_s"], "stages_s": current["load"]["stages_s"]}


def report(results: list[dict[str, Any]], baselines: list[dict[str, Any]]) -> None:
    out = Console()
    first = results[0]
    load = Table(title="Load: chain A over N Fillout submissions, one run"
                       + (f"; ratio = docs/s against {baselines[0]['code']}, same size" if baselines else ""))
    for column in ("N", "code", "status", "flow run s", "start-up s", "docs/s", "task runs", "fetch", "parse", "embed",
                   "search", "rerank", "analyze", "save"):
        load.add_column(column, justify="right")
    base_rate = {r["n"]: r["load"]["docs_per_s"] for r in baselines}
    for r in baselines + results:
        s = r["load"]["stages_s"]
        ratio = r["load"]["docs_per_s"] / base_rate[r["n"]] if r["n"] in base_rate else 1.0
        load.add_row(str(r["n"]), r["code"], r["load"]["status"], f"{r['load']['flow_run_s']:.0f}",
                     f"{r['load']['startup_s']:.0f}", f"{r['load']['docs_per_s']:.1f} ({ratio:.2f}x)",
                     str(r["load"]["prefect_task_runs"]),
                     *(f"{s.get(k, 0):.0f}" for k in ("fetch", "parse", "embed", "search", "rerank", "analyze",
                                                       "save")))
    out.print(load)

    checks = Table(title="Exactly once: database against the inputs (after load / after nothing-new runs)")
    for column in ("N", "check", "expected", "got", "after nothing new", "ok"):
        checks.add_column(column, justify="left" if column == "check" else "right")
    for r in results:
        for row, again in zip(r["checks"], r["checks_after"], strict=True):
            ok = row["ok"] and again["ok"]
            checks.add_row(str(r["n"]), row["check"], str(row["expected"]), str(row["got"]), str(again["got"]),
                           "[green]pass[/]" if ok else "[red]FAIL[/]")
    out.print(checks)

    quiet = Table(title=f"Nothing new: flow-run time (median of runs), limit {NOTHING_NEW_LIMIT_S:.0f} s; "
                        f"baseline = N={first['n']}")
    for column in ("N", "flow run s (median)", "runs", "start-up s", "ratio (median)", "ratio (min)",
                   "fetch unchanged", "slowest stages", "ok"):
        quiet.add_column(column, justify="right")
    for r in results:
        ratio = r["nothing_new_s"] / first["nothing_new_s"]
        ratio_min = r["nothing_new_min_s"] / first["nothing_new_min_s"]
        last = r["nothing_new"][-1]
        slowest = sorted(last["stages_s"].items(), key=lambda kv: -kv[1])[:3]
        quiet.add_row(str(r["n"]), f"{r['nothing_new_s']:.1f}",
                      ", ".join(f"{q['flow_run_s']:.1f}" for q in r["nothing_new"]),
                      f"{statistics.median(q['startup_s'] for q in r['nothing_new']):.0f}", f"{ratio:.2f}",
                      f"{ratio_min:.2f}",
                      str(last["fetch"]["unchanged"]), ", ".join(f"{k} {v:.1f}" for k, v in slowest),
                      "[green]pass[/]" if r["nothing_new_s"] <= NOTHING_NEW_LIMIT_S else "[red]FAIL[/]")
    out.print(quiet)

    memory = Table(title=f"Memory: peak RSS of the chain's process tree, limit {RSS_LIMIT_GB} GB; "
                         "baseline = a process with the chain imported and the model loaded")
    for column in ("N", "peak GB", "baseline GB", "ratio to baseline", "chain process GB", "parse workers GB",
                   "prefect server GB", "ok"):
        memory.add_column(column, justify="right")
    for r in results:
        m = r["memory"]
        roles = m["peak_by_role_gb"]
        memory.add_row(str(r["n"]), f"{m['peak_tree_gb']:.2f}", f"{m['baseline_gb']:.2f}",
                       f"{m['ratio_to_baseline']:.2f}",
                       f"{roles.get('chain process', 0):.2f}", f"{roles.get('parse workers', 0):.2f}",
                       f"{roles.get('prefect api server', 0):.2f}", "[green]pass[/]" if m["ok"] else "[red]FAIL[/]")
    out.print(memory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="N submissions per size (ascending)")
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--home", type=Path, default=Path("/tmp/mf-scale"))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--top-k", type=int, default=10, help="the chain's top_k (settings default)")
    parser.add_argument("--repeats", type=int, default=3, help="nothing-new runs per size")
    parser.add_argument("--interval-min", type=float, default=30.0,
                        help="minutes between submissions (the same for every size: the update look-back "
                             "window re-reads the same number of submissions)")
    parser.add_argument("--baseline-rev", metavar="REV",
                        help="also run each size with the code of this git revision (e.g. main), first, in its own "
                             "home; the load table then states chain A's throughput as a ratio to it")
    args = parser.parse_args()
    args.sizes = sorted(args.sizes)
    started = time.perf_counter()
    subprocess.run([PYTHON, str(CORPUS_SCRIPT), "generate", "--root", str(args.home / "corpus"), "--resumes",
                    str(args.sizes[-1]), "--jobs", str(args.jobs)], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    baselines: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    baseline_code = export_baseline(args.baseline_rev, args.home / "baseline-src") if args.baseline_rev else None
    for n in args.sizes:
        if baseline_code:  # first, so the current code never profits from a warmer machine
            baselines.append(run_size(n, args, baseline_code, f"-{args.baseline_rev}"))
        results.append(run_size(n, args))
        if baseline_code:
            emit(throughput_ratio(baselines[-1], results[-1]))
    if len(results) > 1:
        emit({"bench": "nothing-new-growth", "sizes": [r["n"] for r in results],
              "median_flow_run_s": [r["nothing_new_s"] for r in results],
              "min_flow_run_s": [r["nothing_new_min_s"] for r in results],
              "median_ratio_largest_to_smallest": round(results[-1]["nothing_new_s"] / results[0]["nothing_new_s"], 2),
              "min_ratio_largest_to_smallest": round(results[-1]["nothing_new_min_s"] / results[0]["nothing_new_min_s"],
                                                     2)})
    emit({"bench": "total", "seconds": round(time.perf_counter() - started, 1)})
    report(results, baselines)
    failed = [c for r in results + baselines for c in r["checks"] + r["checks_after"] if not c["ok"]]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
