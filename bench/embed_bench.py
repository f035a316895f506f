"""Throughput and quality of the embed stage per backend, against plain SentenceTransformer.encode (fp32 torch).

    python bench/embed_bench.py [--limit N] [--threads 2] [--batch-size 32] [--repeat 1]
        [--backends onnx onnx-int8 torch-bf16] [--home /tmp/mf-embed-bench] [--profile [--profile-docs 40]]
    python bench/embed_bench.py --sections-share [--share-docs 64] [--cache-dir DIR] [--repeat 3]

Texts: the dev resume PDFs (489), parsed once by the pipeline's parser (text + sections) and cached as JSON
under --home; `--limit N` keeps every k-th document so N remain.

Timed, on the same documents in the same run, with torch and ONNX Runtime both on --threads threads:
  baseline       `SentenceTransformer.encode(..., normalize_embeddings=True)` on the exact model inputs the
                 pipeline feeds the model (every 256-token window of every document), fp32 torch. A plain
                 encode of whole texts would silently truncate each resume to its first window, doing less
                 work and a different job, so it is no baseline.
  pipeline/X     `Embedder.embed_documents(texts)` (the embed stage minus the database write) on
                 backend X: torch, onnx (fp32), onnx-int8, torch-bf16 (torch under bfloat16 autocast).
                 Includes tokenising and chunking, batching, the forward pass, and the pooling of chunk
                 vectors into document vectors.
Quality, against pipeline/torch (fp32) document vectors: mean and lowest cosine, and the top-10 overlap of
retrieval with each resume as a query against all the others (|top10_fp32 & top10_X| / 10, averaged).
Targets: pipeline/torch within 5% of the baseline; a fast backend >= 2.0x the baseline with mean cosine
>= 0.99 and top-10 overlap >= 0.95. Wall time is the target's measure; CPU time (this process) is shown
next to it because on a shared machine it moves less.

The variants are interleaved: the documents are cut into --slices slices and each slice is embedded by
every variant in turn (rotating who goes first), so a change in the machine's load falls on all alike;
each variant's time is the sum over slices. `--repeat R` does that R times and keeps each one's fastest.
`--profile` also runs pyinstrument over pipeline/torch and pipeline/onnx-int8 on --profile-docs documents
and prints where the time went. One JSON line per measurement on stdout, then rich tables.

`--sections-share` measures something else: what the skills / experience / requirements section vectors cost
(computed for every document until issue 16, item 3; no search or feature read them). With the default embedder
(`backend="auto"`, --cache-dir) it embeds --share-docs dev resume PDFs, postings of the category set and Russian
Talent Match resumes, each group twice, interleaved: `with-sections` (the documents plus every section of
at least 40 characters as extra units in the same encode call, as the embed stage did) and `no-sections`
(the documents alone, today's embed stage). The ratio is against with-sections.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "resumes_pdf" / "dev"
TARGET_OVERHEAD = 0.95  # pipeline/torch docs/s >= 95% of the baseline's
TARGET_SPEEDUP = 2.0
TARGET_COSINE = 0.99
TARGET_OVERLAP = 0.95
TOP_K = 10


def load_texts(data: Path, cache: Path) -> list[dict[str, Any]]:
    """Text and sections of every PDF under `data`, parsed once by the pipeline's parser, then cached."""
    paths = sorted(data.glob("**/*.pdf"))
    if cache.is_file():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("files") == [p.relative_to(data).as_posix() for p in paths]:
            return cached["documents"]
    from matchflow.domain import ParsedDocument
    from matchflow.parsing import parse_many

    results = parse_many([(p.name, p.read_bytes()) for p in paths], workers=min(2, os.cpu_count() or 1))
    documents = [{"name": p.name, "text": r.text, "sections": r.sections}
                 for p, r in zip(paths, results, strict=True) if isinstance(r, ParsedDocument) and r.text.strip()]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"files": [p.relative_to(data).as_posix() for p in paths],
                                 "documents": documents}), encoding="utf-8")
    return documents


def timed(function) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def top_k(vectors: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k nearest other rows by cosine (the vectors are unit length)."""
    scores = vectors @ vectors.T
    np.fill_diagonal(scores, -np.inf)
    k = min(k, len(vectors) - 1)
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def quality(reference: np.ndarray, found: np.ndarray) -> dict[str, float]:
    cosines = np.sum(reference * found, axis=1)
    ref_top, found_top = top_k(reference, TOP_K), top_k(found, TOP_K)
    overlap = np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(ref_top, found_top, strict=True)])
    return {"mean_cosine": round(float(cosines.mean()), 5), "min_cosine": round(float(cosines.min()), 5),
            "top10_overlap": round(float(overlap), 4)}


def profile_shares(embedder, texts: list[str]) -> dict[str, Any]:
    """pyinstrument over one embed_documents call, its time split by stage (outermost match wins)."""
    from pyinstrument import Profiler

    def label(frame) -> str | None:
        name, owner, path = frame.function, frame.class_name or "", frame.file_path or ""
        if name == "_chunk":
            return "tokenise + chunk"
        if (name == "__call__" and owner == "OnnxTransformer") or (
                name == "forward" and owner == "Transformer" and "sentence_transformers" in path):
            return "transformer forward"
        if name == "forward" and owner in ("Pooling", "Normalize"):
            return "token pooling"
        if name == "_pool":
            return "chunk pooling"
        return None

    totals: dict[str, float] = {}

    def walk(frame) -> None:
        found = label(frame)
        if found:
            totals[found] = totals.get(found, 0.0) + frame.time
            return
        for child in frame.children:
            walk(child)

    profiler = Profiler(interval=0.002)
    profiler.start()
    embedder.embed_documents(texts)
    profiler.stop()
    root = profiler.last_session.root_frame()
    walk(root)
    total = root.time
    totals["batching, padding, other"] = max(0.0, total - sum(totals.values()))
    return {"seconds": round(total, 2), "shares": {k: round(v / total, 4) for k, v in totals.items()}}


# what the embed stage embedded besides whole documents before issue 16, item 3 (resumes: skills, experience;
# jobs: requirements), and the shortest section it kept
OLD_SECTIONS = ("skills", "experience", "requirements")
OLD_MIN_SECTION_CHARS = 40


def every_kth(items: list, n: int) -> list:
    step = len(items) / n if n and n < len(items) else 1
    return [items[int(i * step)] for i in range(min(n, len(items)))] if n else items


def share_groups(data: Path, n: int) -> dict[str, list[dict[str, Any]]]:
    """Three groups of n real documents, parsed as the pipeline parses them: text and sections."""
    from matchflow.domain import DocumentKind, ParsedDocument
    from matchflow.evaluation.datasets import category_postings, talent_match
    from matchflow.parsing import parse_document, parse_many

    pdfs = every_kth(sorted((data / "resumes_pdf" / "dev").glob("**/*.pdf")), n)
    parsed = parse_many([(p.name, p.read_bytes()) for p in pdfs], workers=min(2, os.cpu_count() or 1))
    resumes = [{"text": r.text, "sections": r.sections} for r in parsed if isinstance(r, ParsedDocument)]
    postings = every_kth(category_postings(data), n)
    jobs = [parse_document(p.text.encode("utf-8"), filename="posting.txt", kind=DocumentKind.JOB) for p in postings]
    russian = every_kth([r for v in talent_match(data) for r in v.resumes], n)
    ru = [parse_document(r.text.encode("utf-8"), filename="resume.txt") for r in russian]
    return {"resumes (en, PDF)": resumes,
            "jobs (en, postings)": [{"text": j.text, "sections": j.sections} for j in jobs],
            "resumes (ru, Talent Match)": [{"text": r.text, "sections": r.sections} for r in ru]}


def section_units(document: dict[str, Any]) -> list[str]:
    """The sections the embed stage used to embed on top of the document."""
    return [body for name in OLD_SECTIONS
            if len((body := document["sections"].get(name) or "").strip()) >= OLD_MIN_SECTION_CHARS]


def sections_share(args: argparse.Namespace) -> None:
    """Embed time, tokens and model windows with and without the section units, per group (interleaved)."""
    import torch

    torch.set_num_threads(args.threads)
    from matchflow.embedding import CHUNK_OVERLAP_TOKENS, DEFAULT_EMBED_MODEL, Embedder

    embedder = Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=args.batch_size, backend="auto",
                             cache_dir=args.cache_dir or args.home / "models")
    groups = share_groups(args.share_data.resolve(), args.share_docs)
    variants = {
        "with-sections": lambda docs: [d["text"] for d in docs] + [u for d in docs for u in section_units(d)],
        "no-sections": lambda docs: [d["text"] for d in docs],
    }
    embedder.embed_documents([d["text"] for d in groups["resumes (en, PDF)"][:4]])  # warm-up
    rows = []
    for group, docs in groups.items():
        count = max(1, min(args.slices, len(docs)))
        bounds = [round(i * len(docs) / count) for i in range(count + 1)]
        pieces = [docs[lo:hi] for lo, hi in zip(bounds, bounds[1:], strict=False)]
        best: dict[str, tuple[float, float]] = {}
        names = list(variants)
        for _ in range(max(1, args.repeat)):
            totals = {name: [0.0, 0.0] for name in names}
            for index, piece in enumerate(pieces):
                for name in names[index % 2:] + names[:index % 2]:
                    units = variants[name](piece)
                    _, wall, cpu = timed(lambda u=units: embedder.embed_documents(u))
                    totals[name][0] += wall
                    totals[name][1] += cpu
            for name, (wall, cpu) in totals.items():
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)
        base_wall, base_cpu = best["with-sections"]
        for name in names:
            units = variants[name](docs)
            chunks = embedder._chunk(units, overlap=CHUNK_OVERLAP_TOKENS)
            wall, cpu = best[name]
            row = {"group": group, "variant": name, "docs": len(docs), "units": len(units), "windows": len(chunks),
                   "tokens": sum(c.tokens for c in chunks), "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                   "docs_per_s": round(len(docs) / wall, 2), "vs_with_sections": round(base_wall / wall, 3),
                   "vs_with_sections_cpu": round(base_cpu / cpu, 3), "backend": embedder.backend,
                   "threads": args.threads, "batch_size": args.batch_size}
            rows.append(row)
            print(json.dumps(row), flush=True)
    console = Console(stderr=True, width=160)
    table = Table(title=f"Section vectors' share of the embed stage ({embedder.backend}, {args.threads} threads, "
                        f"batch {args.batch_size}, best of {max(1, args.repeat)})")
    for column in ("group", "variant", "units", "windows", "tokens", "seconds", "docs/s", "x with-sections",
                   "CPU s", "x (CPU)"):
        table.add_column(column, justify="left" if column in ("group", "variant") else "right")
    for row in rows:
        table.add_row(row["group"], row["variant"], str(row["units"]), str(row["windows"]), str(row["tokens"]),
                      f"{row['seconds']:.1f}", f"{row['docs_per_s']:.2f}", f"{row['vs_with_sections']:.2f}",
                      f"{row['cpu_seconds']:.1f}", f"{row['vs_with_sections_cpu']:.2f}")
    console.print(table)
    for group in groups:
        with_row, without = (r for r in rows if r["group"] == group)
        console.print(f"{group}: sections are {1 - without['windows'] / with_row['windows']:.0%} of the windows, "
                      f"{1 - without['tokens'] / with_row['tokens']:.0%} of the tokens, "
                      f"{1 - without['seconds'] / with_row['seconds']:.0%} of the wall time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="keep every k-th document so N remain (0: all)")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--slices", type=int, default=12, help="interleave the variants over this many slices")
    parser.add_argument("--backends", nargs="+", default=["onnx", "onnx-int8", "torch-bf16"],
                        choices=["onnx", "onnx-int8", "torch-bf16"])
    parser.add_argument("--home", type=Path, default=Path("/tmp/mf-embed-bench"),
                        help="exported models (home/models) and the parsed-text cache")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-docs", type=int, default=40)
    parser.add_argument("--sections-share", action="store_true",
                        help="only measure the share of the section vectors in the embed time (see above)")
    parser.add_argument("--share-docs", type=int, default=64, help="documents per group for --sections-share")
    parser.add_argument("--share-data", type=Path, default=REPO / ".." / "shared" / "data",
                        help="the shared data folder, for --sections-share")
    parser.add_argument("--cache-dir", type=Path, default=None, help="exported models (default: home/models)")
    args = parser.parse_args()
    if args.sections_share:
        sections_share(args)
        return

    import torch

    torch.set_num_threads(args.threads)  # ONNX Runtime sessions take torch's count (Embedder.load)
    from matchflow.embedding import (
        CHUNK_OVERLAP_TOKENS,
        DEFAULT_EMBED_MODEL,
        Embedder,
    )
    from matchflow.embedding.chunking import _pool

    documents = load_texts(args.data.resolve(), args.home / "dev_texts.json")
    if args.limit and args.limit < len(documents):
        step = len(documents) / args.limit
        documents = [documents[int(i * step)] for i in range(args.limit)]
    texts = [d["text"] for d in documents]
    cache_dir = args.home / "models"

    pipeline = {"torch": Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", batch_size=args.batch_size)}
    first_use = {}
    for backend in args.backends:
        pipeline[backend], wall, _ = timed(lambda b=backend: Embedder.load(
            DEFAULT_EMBED_MODEL, device="cpu", batch_size=args.batch_size, backend=b, cache_dir=cache_dir))
        first_use[backend] = round(wall, 1)
    model = pipeline["torch"]._model  # the plain SentenceTransformer, fp32 torch

    # the exact inputs the pipeline gives the model, per slice: the documents' windows
    torch_embedder = pipeline["torch"]
    count = max(1, min(args.slices, len(texts)))
    bounds = [round(i * len(texts) / count) for i in range(count + 1)]
    slices = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        slices.append({"texts": texts[lo:hi], "units": hi - lo,
                       "chunks": torch_embedder._chunk(texts[lo:hi], overlap=CHUNK_OVERLAP_TOKENS)})
    chunks = [c for piece in slices for c in piece["chunks"]]
    doc_tokens = [sum(c.tokens for c in piece["chunks"] if c.owner == i)
                  for piece in slices for i in range(len(piece["texts"]))]
    meta = {"docs": len(texts), "units": sum(p["units"] for p in slices), "chunks": len(chunks),
            "tokens": sum(c.tokens for c in chunks), "slices": count,
            "truncating_encode_reads": round(sum(min(t, torch_embedder.window) for t in doc_tokens)
                                             / max(1, sum(doc_tokens)), 3),
            "threads": args.threads, "batch_size": args.batch_size, "torch": torch.__version__,
            "cpu_count": os.cpu_count(), "first_use_load_s": first_use}
    print(json.dumps({"meta": meta}), flush=True)

    def baseline(piece: dict) -> np.ndarray:
        vectors = model.encode([c.text for c in piece["chunks"]], batch_size=args.batch_size,
                               normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return _pool(piece["chunks"], np.asarray(vectors, dtype=np.float32), piece["units"],
                     torch_embedder.dimension)[:len(piece["texts"])]

    def pipeline_run(embedder) -> Any:
        return lambda piece: np.stack([d.document for d in embedder.embed_documents(piece["texts"])])

    variants = {"baseline": baseline, **{f"pipeline/{n}": pipeline_run(e) for n, e in pipeline.items()}}
    warm = {"texts": texts[:4], "units": 4,
            "chunks": torch_embedder._chunk(texts[:4], overlap=CHUNK_OVERLAP_TOKENS)}
    for run in variants.values():  # warm-up: first-call allocations and lazy imports do not count
        run(warm)

    # interleaved: every slice is run by every variant, in a rotating order, so a change in the machine's
    # load (other processes) falls on all variants alike instead of on whichever ran during it
    best: dict[str, tuple[np.ndarray, float, float]] = {}
    names = list(variants)
    for _ in range(max(1, args.repeat)):
        totals = {n: [[], 0.0, 0.0] for n in names}
        for index, piece in enumerate(slices):
            for name in names[index % len(names):] + names[:index % len(names)]:
                vectors, wall, cpu = timed(lambda r=variants[name], p=piece: r(p))
                totals[name][0].append(vectors)
                totals[name][1] += wall
                totals[name][2] += cpu
        for name, (parts, wall, cpu) in totals.items():
            if name not in best or wall < best[name][1]:
                best[name] = (np.concatenate(parts), wall, cpu)

    reference = best["pipeline/torch"][0]
    base_wall, base_cpu = best["baseline"][1], best["baseline"][2]
    rows = []
    for name, (vectors, wall, cpu) in best.items():
        row = {"variant": name, "docs": len(texts), "chunks": len(chunks), "seconds": round(wall, 2),
               "cpu_seconds": round(cpu, 2), "docs_per_s": round(len(texts) / wall, 2),
               "chunks_per_s": round(len(chunks) / wall, 2), "vs_baseline": round(base_wall / wall, 3),
               "vs_baseline_cpu": round(base_cpu / cpu, 3), **quality(reference, vectors)}
        if name == "pipeline/torch":
            row["target"] = "<= 5% slower"
            row["passed"] = row["vs_baseline"] >= TARGET_OVERHEAD
        elif name in ("pipeline/onnx-int8", "pipeline/torch-bf16"):  # the fast backends; fp32 onnx for reference
            row["target"] = ">= 2x, cos >= .99, top-10 >= .95"
            row["passed"] = (row["vs_baseline"] >= TARGET_SPEEDUP and row["mean_cosine"] >= TARGET_COSINE
                             and row["top10_overlap"] >= TARGET_OVERLAP)
        rows.append(row)
        print(json.dumps(row), flush=True)

    auto, wall, _ = timed(lambda: Embedder.load(DEFAULT_EMBED_MODEL, device="cpu", backend="auto", cache_dir=cache_dir))
    print(json.dumps({"auto": auto.backend, "load_s": round(wall, 1)}), flush=True)

    profiles = {}
    if args.profile:
        n = min(args.profile_docs, len(texts))
        for name in ("torch", "onnx-int8"):
            if name in pipeline:
                profiles[name] = profile_shares(pipeline[name], texts[:n])
                print(json.dumps({"profile": f"pipeline/{name}", "docs": n, **profiles[name]}), flush=True)

    console = Console(stderr=True, width=160)
    table = Table(title=f"Embed stage, {len(texts)} dev resumes ({len(chunks)} model inputs), "
                        f"{args.threads} threads, batch {args.batch_size}")
    for column in ("variant", "seconds", "docs/s", "x baseline", "CPU s", "x baseline (CPU)", "mean cos",
                   "min cos", "top-10 overlap", "target"):
        table.add_column(column, justify="left" if column in ("variant", "target") else "right")
    for row in rows:
        verdict = "" if "passed" not in row else ("[green]pass[/]" if row["passed"] else "[red]miss[/]")
        table.add_row(row["variant"], f"{row['seconds']:.1f}", f"{row['docs_per_s']:.2f}",
                      f"{row['vs_baseline']:.2f}", f"{row['cpu_seconds']:.1f}", f"{row['vs_baseline_cpu']:.2f}",
                      f"{row['mean_cosine']:.4f}", f"{row['min_cosine']:.4f}", f"{row['top10_overlap']:.3f}",
                      f"{row.get('target', '')} {verdict}".strip())
    console.print(table)
    console.print(f"auto on this machine -> {auto.backend}; first use (export + load) per backend: {first_use} s; "
                  f"a truncating encode of whole texts would read {meta['truncating_encode_reads']:.0%} of the tokens")
    if profiles:
        names = sorted({k for p in profiles.values() for k in p["shares"]})
        profile_table = Table(title=f"Where the time goes (pyinstrument, {min(args.profile_docs, len(texts))} docs)")
        profile_table.add_column("stage")
        for backend in profiles:
            profile_table.add_column(f"pipeline/{backend}", justify="right")
        for stage in names:
            profile_table.add_row(stage, *[f"{p['shares'].get(stage, 0):.1%}" for p in profiles.values()])
        profile_table.add_row("total seconds", *[f"{p['seconds']:.1f}" for p in profiles.values()])
        console.print(profile_table)


if __name__ == "__main__":
    main()
