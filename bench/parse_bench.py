"""Throughput of the parse stage (parse + extract) against plain pdfminer, on the real resume PDFs.

    python bench/parse_bench.py [--limit N] [--workers 1 2] [--data DIR]

For each worker count it times, on the same files in the same run:
  pipeline  parse_many (child processes with time/memory bounds) + extract_fields in the parent
  pdfminer  pdfminer.high_level.extract_text in a process pool of the same size
and prints one JSON line per measurement, then a table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pdfminer.high_level import extract_text
from rich.console import Console
from rich.table import Table

from matchflow.domain import DocumentKind, ParsedDocument
from matchflow.extract import extract_fields
from matchflow.parsing import parse_many

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "resumes_pdf" / "dev"


def _pdfminer_text(path: str) -> int:
    return len(extract_text(path))


def bench_pipeline(paths: list[Path], workers: int) -> dict[str, float | int | str]:
    """parse_many + extract_fields over ``paths``; docs/second over the whole stage."""
    start = time.perf_counter()
    items = [(p.name, p.read_bytes()) for p in paths]
    results = parse_many(items, workers=workers)
    parsed = [r for r in results if isinstance(r, ParsedDocument)]
    with_skills = sum(bool(extract_fields(doc, DocumentKind.RESUME).skills) for doc in parsed)
    seconds = time.perf_counter() - start
    return {
        "stage": "pipeline (parse+extract)",
        "workers": workers,
        "docs": len(paths),
        "failed": len(paths) - len(parsed),
        "with_skills": with_skills,
        "seconds": round(seconds, 2),
        "docs_per_s": round(len(paths) / seconds, 2),
    }


def bench_pdfminer(paths: list[Path], workers: int) -> dict[str, float | int | str]:
    """Plain extract_text in a process pool of ``workers``; docs/second."""
    ctx = multiprocessing.get_context("forkserver")
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        chars = list(pool.map(_pdfminer_text, [str(p) for p in paths], chunksize=4))
    seconds = time.perf_counter() - start
    return {
        "stage": "pdfminer extract_text",
        "workers": workers,
        "docs": len(paths),
        "failed": 0,
        "with_skills": "",
        "chars": sum(chars),
        "seconds": round(seconds, 2),
        "docs_per_s": round(len(paths) / seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="use every k-th file to keep N (0: all)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    paths = sorted(args.data.glob("**/*.pdf"))
    if not paths:
        raise SystemExit(f"no PDFs under {args.data}")
    if args.limit and args.limit < len(paths):
        step = len(paths) / args.limit
        paths = [paths[int(i * step)] for i in range(args.limit)]  # spread over all categories
    rows = []
    for workers in args.workers:
        for bench in (bench_pipeline, bench_pdfminer):
            row = bench(paths, workers)
            print(json.dumps(row), flush=True)  # noqa: T201
            rows.append(row)
    table = Table(title=f"Parse throughput on {len(paths)} resume PDFs ({args.data.name})")
    for column in ("stage", "workers", "docs", "failed", "seconds", "docs/s"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for row in rows:
        table.add_row(
            str(row["stage"]),
            str(row["workers"]),
            str(row["docs"]),
            str(row["failed"]),
            f"{row['seconds']:.1f}",
            f"{row['docs_per_s']:.2f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
