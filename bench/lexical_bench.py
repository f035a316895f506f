"""The lexical retriever's cost: ts_rank_cd full-text against BM25 sparse vectors, in the same run, on a real corpus.

    python bench/lexical_bench.py --home /tmp/mf-eval-bm25 --corpus categories-full [--repeats 5]

The corpus is one of `matchflow eval`'s databases (built by an eval run; nothing is parsed or embedded here).
Measured, for 64 query documents each way (chain A: resumes -> jobs, chain B: jobs -> resumes), median of
--repeats runs, all inside one transaction that is rolled back:
    lexical   the lexical statement alone (`search_lexical`): fts, bm25 (whole text), bm25 (skills + titles)
    stage     the whole search stage (`search_matches`: vector + lexical, RRF, pair similarities, sides)
    index     the extra work at embed time: BM25 weights of every document of the corpus from scratch, per 64
              documents (`rebuild_index`), against the embed stage's time per 64 when --embed is given
One JSON line per measurement, then a table with each ratio against fts measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from functools import partial
from pathlib import Path

from matchflow.domain import CHAIN_A, CHAIN_B, DocumentKind
from matchflow.evaluation.store import open_store, scope, searchable_documents
from matchflow.pipeline.bm25 import rebuild_index
from matchflow.pipeline.config import EmbedConfig, MatchConfig
from matchflow.pipeline.embed import load_embedder, register_model
from matchflow.pipeline.search import search_lexical, search_matches
from matchflow.settings import get_settings
from storage.evaluation import document_texts, read_only_session

QUERIES = 64
VARIANTS = {"fts": ("fts", "text"), "bm25-text": ("bm25", "text"), "bm25-terms": ("bm25", "terms")}


def emit(row: dict) -> dict:
    print(json.dumps({"bench": "lexical", **row}), flush=True)  # noqa: T201
    return row


def _median_s(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--corpus", default="categories-full")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--embed", action="store_true", help="Also time embedding 64 documents (loads the model).")
    args = parser.parse_args()
    settings = get_settings()
    store = open_store(args.home, args.corpus, settings=settings)
    embedder = load_embedder(EmbedConfig.from_settings(settings))  # the model the eval embedded the corpus with
    rows = []
    with read_only_session(store.engine) as session:
        model = register_model(session=session, embedder=embedder)
        docs = {kind: [d.id for d in searchable_documents(session, kind, model.id)] for kind in DocumentKind}
        scope(session, resume_ids=docs[DocumentKind.RESUME], job_ids=docs[DocumentKind.JOB])
        for chain in (CHAIN_A, CHAIN_B):
            query_ids = docs[chain.query_kind][:QUERIES]
            for name, (lexical, mode) in VARIANTS.items():
                config = MatchConfig(lexical=lexical, bm25_query=mode)
                lex = _median_s(partial(search_lexical, session=session, query_ids=query_ids,
                                        target_kind=chain.target_kind, config=config), args.repeats)
                stage = _median_s(partial(search_matches, session=session, chain=chain, model=model, config=config,
                                          query_ids=query_ids), args.repeats)
                rows.append(emit({"chain": chain.slug, "retriever": name, "queries": len(query_ids),
                                  "targets": len(docs[chain.target_kind]), "lexical_s": round(lex, 4),
                                  "stage_s": round(stage, 4)}))
        for kind in DocumentKind:
            started = time.perf_counter()
            indexed = rebuild_index(session=session, kind=kind, batch=QUERIES)
            seconds = time.perf_counter() - started
            rows.append(emit({"index": kind.value, "documents": indexed, "seconds": round(seconds, 3),
                              "per_64_s": round(seconds / max(indexed, 1) * 64, 4)}))
    if args.embed:
        with read_only_session(store.engine) as session:
            texts = [t or "" for t, _ in document_texts(session=session,
                                                        document_ids=docs[DocumentKind.RESUME][:QUERIES]).values()]
        embedder.embed_documents(texts[:4])
        started = time.perf_counter()
        embedder.embed_documents(texts)
        rows.append(emit({"embed": embedder.model_name, "backend": embedder.backend, "documents": len(texts),
                          "per_64_s": round((time.perf_counter() - started) / max(len(texts), 1) * 64, 3)}))
    _table(rows)


def _table(rows: list[dict]) -> None:
    base = {(r["chain"]): r for r in rows if r.get("retriever") == "fts"}
    print("\n| chain | retriever | queries | targets | lexical s / 64 | ratio | search stage s / 64 | ratio |")  # noqa: T201
    print("|---|---|---|---|---|---|---|---|")  # noqa: T201
    for r in (r for r in rows if "retriever" in r):
        b = base[r["chain"]]
        print(f"| {r['chain']} | {r['retriever']} | {r['queries']} | {r['targets']} | {r['lexical_s']:.4f} | "  # noqa: T201
              f"{r['lexical_s'] / b['lexical_s']:.2f}x | {r['stage_s']:.4f} | {r['stage_s'] / b['stage_s']:.2f}x |")
    for r in (r for r in rows if "index" in r or "embed" in r):
        print(f"\n{json.dumps(r)}")  # noqa: T201


if __name__ == "__main__":
    main()
