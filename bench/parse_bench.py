"""Throughput of the parse stage (parse + extract) with 1 and 2 worker processes, against plain pdfminer.

    python bench/parse_bench.py [--limit N] [--workers 1 2] [--repeat R] [--data DIR] [--profile N]

On the same files in the same run (bytes read once, every pool warmed up before timing):
  pipeline  iter_parse_many (child processes with time/memory bounds, reused between calls) with
            extract_fields in the parent overlapping the parsing, as the chain's parse step does it
  pdfminer  pdfminer.high_level.extract_text in a process pool of the same size (the library alone)
Runs are interleaved (1 worker, 2 workers, 1, 2, ...) so load from elsewhere hits both alike; the best
of R runs is compared. Prints one JSON line per run and per summary, then a table with the speed-up of
N workers over 1 for both, the CPU seconds each used (this process and its children: steady when the
machine is busy, unlike wall time), the load average, and the machine's ceiling: what N copies of a
trivial CPU loop gain over one, checked before and after (on a shared VM that schedules per session, any
other busy session takes that to ~1.0x, for pdfminer alone as well).
`--profile N` first profiles parse + extract of N documents in this process with pyinstrument.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cpu_meter import CpuMeter
from pdfminer.high_level import extract_text
from rich.console import Console
from rich.table import Table

from matchflow.domain import DocumentKind, ParsedDocument
from matchflow.extract import extract_fields
from matchflow.parsing import iter_parse_many, parse_document, shutdown_parsers

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "resumes_pdf" / "dev"
Items = list[tuple[str, bytes]]


def _pdfminer_text(path: str) -> int:
    return len(extract_text(path))


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def machine_ceiling(pool: ProcessPoolExecutor, workers: int, n: int = 20_000_000) -> float:
    """How much faster `workers` copies of a pure-CPU loop finish in `pool` than one after the other: what this
    machine lets any code gain from that many processes right now (1.0 when other work takes the other cores)."""
    start = time.perf_counter()
    _spin(n)
    one = time.perf_counter() - start
    start = time.perf_counter()
    list(pool.map(_spin, [n] * workers))
    return round(workers * one / (time.perf_counter() - start), 2)


def run_pipeline(items: Items, workers: int) -> dict[str, float | int | str]:
    """The chain's parse stage without the database: parse in children, extract each result as it arrives."""
    start, cpu = time.perf_counter(), time.process_time()
    parsed = failed = with_skills = 0
    for result in iter_parse_many(items, workers=workers):
        if isinstance(result, ParsedDocument):
            parsed += 1
            with_skills += bool(extract_fields(result, DocumentKind.RESUME).skills)
        else:
            failed += 1
    seconds = time.perf_counter() - start
    return {"stage": "pipeline (parse+extract)", "workers": workers, "docs": len(items), "failed": failed,
            "with_skills": with_skills, "seconds": round(seconds, 2),
            "parent_cpu_s": round(time.process_time() - cpu, 2), "docs_per_s": round(len(items) / seconds, 2)}


def run_pdfminer(paths: list[Path], pool: ProcessPoolExecutor, workers: int) -> dict[str, float | int | str]:
    """Plain extract_text over the same files in a warmed process pool of ``workers``."""
    start = time.perf_counter()
    chars = sum(pool.map(_pdfminer_text, [str(p) for p in paths], chunksize=1))
    seconds = time.perf_counter() - start
    return {"stage": "pdfminer extract_text", "workers": workers, "docs": len(paths), "failed": 0, "chars": chars,
            "seconds": round(seconds, 2), "docs_per_s": round(len(paths) / seconds, 2)}


def profile_in_process(items: Items, limit: int) -> None:
    """Where one process spends the parse stage's time (pyinstrument call tree, pdfminer internals folded)."""
    from pyinstrument import Profiler

    sample = items[:: max(1, len(items) // limit)][:limit]
    extract_fields(parse_document(sample[0][1]), DocumentKind.RESUME)  # one-time loads (taxonomy) stay out
    profiler = Profiler(interval=0.002)
    with profiler:
        for name, data in sample:
            extract_fields(parse_document(data, filename=name), DocumentKind.RESUME)
    print(profiler.output_text(unicode=False, color=False, show_all=False))  # noqa: T201


def select(paths: list[Path], limit: int) -> list[Path]:
    """Every k-th file so a sample spreads over all categories."""
    if not limit or limit >= len(paths):
        return paths
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]


def summarise(rows: list[dict], workers: list[int]) -> list[dict]:
    """Best and median seconds per (stage, workers), and the speed-up of each worker count over the first."""
    out = []
    for stage in ("pipeline (parse+extract)", "pdfminer extract_text"):
        base = None
        for n in workers:
            runs = [r for r in rows if r["stage"] == stage and r["workers"] == n]
            seconds = [r["seconds"] for r in runs]
            best = min(seconds)
            base = base or best
            out.append({"summary": stage, "workers": n, "runs": len(seconds), "best_s": best,
                        "median_s": round(statistics.median(seconds), 2),
                        "docs_per_s": round(rows[0]["docs"] / best, 2),
                        "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
                        "speedup_vs_1": round(base / best, 2)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="use every k-th file to keep N (0: all)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs per configuration; the best counts")
    parser.add_argument("--profile", type=int, default=0, help="profile parse+extract of N documents first")
    args = parser.parse_args()
    paths = select(sorted(args.data.glob("**/*.pdf")), args.limit)
    if not paths:
        raise SystemExit(f"no PDFs under {args.data}")
    items = [(p.name, p.read_bytes()) for p in paths]
    if args.profile:
        profile_in_process(items, args.profile)
    ctx = multiprocessing.get_context("forkserver")
    pools = {n: ProcessPoolExecutor(max_workers=n, mp_context=ctx) for n in args.workers}
    warm = items[: 2 * max(args.workers)]
    for n, pool in pools.items():  # start every child (and the fork server) before any timing
        for result in iter_parse_many(warm, workers=n):
            if isinstance(result, ParsedDocument):
                extract_fields(result, DocumentKind.RESUME)  # the taxonomy's matcher loads once, here
        list(pool.map(_pdfminer_text, [str(p) for p in paths[: 2 * n]]))
    ceiling_before = {n: machine_ceiling(pools[n], n) for n in args.workers if n > 1}
    load_before = os.getloadavg()[0]
    rows = []
    for _ in range(args.repeat):
        for n in args.workers:
            for run in (lambda: run_pipeline(items, n), lambda: run_pdfminer(paths, pools[n], n)):  # noqa: B023
                with CpuMeter() as meter:  # this process and its children: steady under others' load
                    row = run()
                row["cpu_s"] = meter.seconds
                print(json.dumps(row), flush=True)  # noqa: T201
                rows.append(row)
    load_after = os.getloadavg()[0]
    ceiling = {n: min(value, machine_ceiling(pools[n], n)) for n, value in ceiling_before.items()}
    for pool in pools.values():
        pool.shutdown()
    shutdown_parsers()
    summary = summarise(rows, args.workers)
    context = {"cores": os.cpu_count(), "load_before": round(load_before, 2), "load_after": round(load_after, 2)}
    for row in summary:
        print(json.dumps({**row, **context, "machine_ceiling": ceiling.get(row["workers"], 1.0)}), flush=True)  # noqa: T201
    limits = ", ".join(f"{n} processes of a pure-CPU loop {value:.2f}x" for n, value in ceiling.items())
    title = (f"Parse throughput on {len(items)} resume PDFs ({args.data.name}), best of {args.repeat}; "
             f"load {load_before:.1f} -> {load_after:.1f} on {os.cpu_count()} cores; machine ceiling: {limits}")
    table = Table(title=title)
    for column in ("stage", "workers", "runs", "best s", "median s", "docs/s", "CPU s", "speed-up vs 1"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for row in summary:
        table.add_row(row["summary"], str(row["workers"]), str(row["runs"]), f"{row['best_s']:.1f}",
                      f"{row['median_s']:.1f}", f"{row['docs_per_s']:.2f}", f"{row['cpu_s']:.1f}",
                      f"{row['speedup_vs_1']:.2f}x")
    console = Console(width=120)
    console.print(table)
    console.print("CPU s: this process and its children (median of the runs); equal CPU for 1 and 2 workers means "
                  "the second worker adds no work. Machine ceiling: the lower of two checks, before and after the "
                  "runs, of what N copies of a trivial CPU loop gain here; a speed-up can only be read against it.")


if __name__ == "__main__":
    main()
