"""Vector search at 100,000 stored job vectors: pgvector HNSW against exact search, in the same run.

    MATCHFLOW_HOME=/tmp/mf-searchbench python bench/search_bench.py [--size 100000] [--queries 1000]
        [--ef-search 40 64 100 200] [--m 16] [--ef-construction 128 200] [--latency-queries 200]

What is stored - realistic structure, not i.i.d. random:
  1. Real vectors. Every job posting in ../shared/data/jobs/*.csv, rendered as `matchflow ingest` would
     (`render_job_text`, exact duplicates dropped), and every resume (resumes_pdf/dev PDFs + resumes_docx),
     parsed by the pipeline's parser, embedded with the project's model (all-MiniLM-L6-v2, 384-d) through
     `Embedder.embed_documents` - the pipeline's whole-document vector (token-weighted mean of 256-token
     chunks). Cached in --cache as .npy (4,842 postings + 554 resumes: about 15 minutes on two idle CPU
     cores the first time, 53 on a busy shared machine).
  2. Held out. All resumes and a random share of the job postings are queries only and never stored.
  3. The stored set: --size vectors drawn from a clustered mixture around the remaining real job vectors
     (the anchors). Each point picks an anchor a and one of a's 10 nearest anchors b, interpolates
     x = (1 - t) a + t b with t ~ U(0, 0.5), adds Gaussian noise shaped like the anchors' own covariance
     (so it moves along the directions real job embeddings vary in, not isotropically) and scaled to
     --noise times a's distance to its nearest anchor, then is re-normalised. Dense topics stay dense,
     sparse ones sparse, and the queries' neighbour similarities resemble those among real vectors (the
     `dataset` line prints both, and the same for i.i.d. random unit vectors, which look nothing alike).
     Deterministic for a --seed; cached in --cache as .npy. At 100,000 points (about 23 per real posting)
     a query's 10 nearest are much closer together than among the real postings (mean top-1 minus top-10
     cosine 0.025 against 0.085), which makes approximate search harder, not easier: a pessimistic set.

What is stored in Postgres: the project's real schema (jobs, documents, embeddings rows as the pipeline
writes them; synthetic text-less documents), bulk-loaded with binary COPY; --closed of the jobs are
closed so the search's filters remove some targets, and --remote are remote (for a selective filter,
which is what `hnsw.iterative_scan` is for). The job
index is dropped and rebuilt with `storage.vectors.ensure_vector_index` (the project's DDL: a partial
HNSW cosine index over `embedding::vector(384)`) and its build time reported.

What is measured, for held-out queries, through `storage.search.search_by_vector` (the statement the
chains run, top 10):
  exact     the same statement with `SET LOCAL enable_indexscan = off`: a sequential scan and sort, the
            baseline and the ground truth (checked against a numpy brute force)
  hnsw      per --ef-search: recall@10 against exact, p50/p95 of single-query calls (one transaction
            each, as `matchflow match` does), and all --queries queries as ONE batched call (wall time,
            median of --repeats), each with its speed-up over exact; also recall@50 of the chains' real
            call (limit = RETRIEVAL_POOL) and recall@10 with the remote-only filter (10% of jobs pass)
Timings on a shared machine are noisy, so two load-independent costs come with them: HNSW index pages
read per query (Postgres's per-transaction block counter) and the batched statement's backend CPU time.
One JSON line per measurement, then a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("MATCHFLOW_HOME", "/tmp/mf-searchbench")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import sqlalchemy as sa  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from matchflow.domain import SearchFilters  # noqa: E402
from matchflow.pipeline.config import RETRIEVAL_POOL  # noqa: E402
from matchflow.settings import Settings  # noqa: E402
from storage.db import database_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.search import HNSW_EF_SEARCH, search_by_vector  # noqa: E402
from storage.vectors import HNSW_EF_CONSTRUCTION, HNSW_M, ensure_vector_index, get_or_create_model, index_name  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DEFAULT_CACHE = Path("/tmp/mf-searchbench-cache")
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
TOP = 10
NEIGHBOURS = 10  # anchors a generated point may interpolate towards
MAX_STEP = 0.5  # interpolation share towards that neighbour


def emit(row: dict) -> dict:
    print(json.dumps({"bench": "search", **row}), flush=True)  # noqa: T201
    return row


# ---------------------------------------------------------------- real vectors


def _job_texts(data: Path) -> list[str]:
    from matchflow.sources.job_table import read_rows, render_job_text

    texts, seen = [], set()
    for path in sorted((data / "jobs").glob("*.csv")):
        for row in read_rows(path):
            text = render_job_text(row)
            key = hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()
            if len(text.strip()) >= 20 and key not in seen:
                seen.add(key)
                texts.append(text)
    return texts


def _resume_texts(data: Path) -> list[str]:
    from matchflow.domain import ParsedDocument
    from matchflow.parsing import parse_many

    paths = sorted((data / "resumes_pdf" / "dev").glob("**/*.pdf")) + sorted((data / "resumes_docx").glob("*.docx"))
    parsed = parse_many([(p.name, p.read_bytes()) for p in paths], workers=2)
    return [doc.text for doc in parsed if isinstance(doc, ParsedDocument) and len(doc.text.strip()) >= 200]


def real_vectors(data: Path, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """(job vectors, resume vectors) of the real documents, embedded as the pipeline does; cached."""
    jobs_file, resumes_file = cache / "real_jobs.npy", cache / "real_resumes.npy"
    if jobs_file.exists() and resumes_file.exists():
        return np.load(jobs_file), np.load(resumes_file)
    from matchflow.embedding import Embedder

    cache.mkdir(parents=True, exist_ok=True)
    embedder = Embedder.load(MODEL_NAME, device="auto", batch_size=64)
    started = time.perf_counter()
    jobs = np.stack([v.document for v in embedder.embed_documents(_job_texts(data))]).astype(np.float32)
    resumes = np.stack([v.document for v in embedder.embed_documents(_resume_texts(data))]).astype(np.float32)
    np.save(jobs_file, jobs)
    np.save(resumes_file, resumes)
    emit({"what": "embedded_real", "jobs": len(jobs), "resumes": len(resumes),
          "seconds": round(time.perf_counter() - started, 1), "device": embedder.device})
    return jobs, resumes


# ---------------------------------------------------------------- the generated set


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def mixture(anchors: np.ndarray, size: int, *, seed: int, noise: float) -> np.ndarray:
    """`size` unit vectors around `anchors`: neighbour interpolation plus covariance-shaped noise (see top)."""
    rng = np.random.default_rng(seed)
    a = _normalise(anchors.astype(np.float64))
    sims = a @ a.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argpartition(-sims, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
    nn_distance = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * sims.max(axis=1)))  # to the closest other anchor
    eigval, eigvec = np.linalg.eigh(np.cov(a, rowvar=False))
    shape = eigvec * np.sqrt(np.clip(eigval, 0, None))  # noise = shape @ z has the anchors' covariance
    shape /= np.sqrt(np.clip(eigval, 0, None).sum())  # ... scaled to unit expected norm
    out = np.empty((size, a.shape[1]), dtype=np.float32)
    for start in range(0, size, 20_000):
        n = min(20_000, size - start)
        base = rng.integers(len(a), size=n)
        other = nearest[base, rng.integers(NEIGHBOURS, size=n)]
        t = rng.uniform(0.0, MAX_STEP, size=(n, 1))
        x = (1 - t) * a[base] + t * a[other]
        x += (rng.standard_normal((n, a.shape[1])) @ shape.T) * (noise * nn_distance[base])[:, None]
        out[start:start + n] = _normalise(x)
    return out


def build_sets(args) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(stored vectors, query vectors, anchors, query group per query); cached by parameters."""
    jobs, resumes = real_vectors(args.data, args.cache)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(jobs))
    held_jobs = max(0, args.queries - len(resumes))
    held, anchors = jobs[order[:held_jobs]], jobs[order[held_jobs:]]
    take_resumes = min(len(resumes), args.queries)
    queries = np.concatenate([resumes[:take_resumes], held]).astype(np.float32)
    groups = ["resume"] * take_resumes + ["held-out job"] * len(held)
    key = f"mixture_n{args.size}_s{args.seed}_q{args.queries}_z{args.noise}_a{len(anchors)}.npy"
    path = args.cache / key
    if path.exists():
        stored = np.load(path)
    else:
        stored = mixture(anchors, args.size, seed=args.seed, noise=args.noise)
        np.save(path, stored)
    return stored, _normalise(queries), anchors, groups


def neighbour_stats(queries: np.ndarray, corpus: np.ndarray) -> dict[str, float]:
    """Mean cosine of each query's 1st and 10th nearest vector, and to the corpus overall."""
    first, tenth, mean = [], [], []
    for start in range(0, len(queries), 250):
        sims = queries[start:start + 250] @ corpus.T
        top = -np.sort(-np.partition(sims, -TOP, axis=1)[:, -TOP:], axis=1)
        first += top[:, 0].tolist()
        tenth += top[:, -1].tolist()
        mean += sims.mean(axis=1).tolist()
    return {"top1": round(float(np.mean(first)), 3), "top10": round(float(np.mean(tenth)), 3),
            "mean": round(float(np.mean(mean)), 3)}


def numpy_exact(queries: np.ndarray, corpus: np.ndarray, allowed: np.ndarray) -> list[list[int]]:
    """Row indexes of each query's top 10 allowed corpus vectors (the brute-force cross-check)."""
    found = []
    for start in range(0, len(queries), 250):
        sims = queries[start:start + 250] @ corpus.T
        sims[:, ~allowed] = -np.inf
        top = np.argpartition(-sims, TOP, axis=1)[:, :TOP]
        found += [list(row) for row in top]
    return found


# ---------------------------------------------------------------- the database


def _copy(cursor, statement: str, types: list[str], rows) -> None:
    with cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def load(engine, stored: np.ndarray, queries: np.ndarray, *, is_closed: np.ndarray,
         is_remote: np.ndarray) -> tuple[int, list[int]]:
    """Empty the data tables, then COPY jobs/candidates/documents/embeddings; returns (model id, query ids).

    Stored vectors become open (or closed) jobs, remote or onsite, with an embedded job document; queries
    become active candidates' resume documents (kind resume, so they sit outside the job index).
    """
    from pgvector.psycopg import register_vector

    from storage.models import Base

    keep = {"alembic_version", "skills", "roles", "industries", "locations", "hiring_stages"}
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in keep]
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
    with session_scope(engine) as session:
        model = get_or_create_model(session=session, name=MODEL_NAME, revision="searchbench", dimension=384)
        model_id = model.id
        # built after the load by rebuild_index; filling it row by row during COPY would cost many minutes
        session.execute(sa.text(f"DROP INDEX {index_name(model_id, 'job')}"))
    n = len(stored)
    query_ids = list(range(n + 1, n + len(queries) + 1))
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        register_vector(conn)
        with conn.cursor() as cur:
            _copy(cur, "COPY jobs (id, external_key, title, status, remote) FROM STDIN (FORMAT BINARY)",
                  ["int4", "varchar", "varchar", "varchar", "varchar"],
                  ((i + 1, f"searchbench:{i + 1}", f"job {i + 1}", "closed" if is_closed[i] else "open",
                    "remote" if is_remote[i] else "onsite") for i in range(n)))
            _copy(cur, "COPY candidates (id, status) FROM STDIN (FORMAT BINARY)", ["int4", "varchar"],
                  ((i + 1, "active") for i in range(len(queries))))
            document_rows = [(i + 1, "job", i + 1, None, f"{i + 1:064x}") for i in range(n)]
            document_rows += [(doc_id, "resume", None, doc_id - n, f"{doc_id:064x}") for doc_id in query_ids]
            _copy(cur, "COPY documents (id, kind, job_id, candidate_id, file_hash, version, is_current, status,"
                       " sections, fields) FROM STDIN (FORMAT BINARY)",
                  ["int4", "varchar", "int4", "int4", "varchar", "int4", "bool", "varchar", "jsonb", "jsonb"],
                  ((*row, 1, True, "embedded", "{}", "{}") for row in document_rows))
            vectors = np.concatenate([stored, queries])
            _copy(cur, "COPY embeddings (id, document_id, model_id, kind, section, chunks, embedding)"
                       " FROM STDIN (FORMAT BINARY)",
                  ["int4", "int4", "int4", "varchar", "varchar", "int4", "vector"],
                  ((i + 1, i + 1, model_id, "job" if i < n else "resume", "document", 1, vectors[i])
                   for i in range(len(vectors))))
            for table in ("jobs", "candidates", "documents", "embeddings"):
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                cur.execute(sql)
        conn.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE jobs, candidates, documents, embeddings"))
    return model_id, query_ids


def rebuild_index(engine, model_id: int, *, m: int, ef_construction: int, memory: str) -> dict:
    """Drop the job index and build it again through ensure_vector_index; build seconds and size."""
    name = index_name(model_id, "job")
    with session_scope(engine) as session:
        session.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
    with session_scope(engine) as session:
        from storage.models import EmbeddingModel

        session.execute(sa.text(f"SET LOCAL maintenance_work_mem = '{memory}'"))
        started = time.perf_counter()
        ensure_vector_index(session=session, model=session.get(EmbeddingModel, model_id), m=m,
                            ef_construction=ef_construction)
        seconds = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE embeddings"))  # statistics on the index expression, as autovacuum would
        size = conn.execute(sa.text(f"SELECT pg_relation_size('{name}')")).scalar_one()
    return {"m": m, "ef_construction": ef_construction, "maintenance_work_mem": memory,
            "build_s": round(seconds, 1), "index_mb": round(size / 2**20, 1)}


@dataclass
class Searched:
    hits: dict  # query id -> [(document id, similarity)], best first
    seconds: float  # wall time of the transaction, as the caller sees it
    scans: int  # HNSW index scans started (per-transaction statistics; 0 = the index was not used)
    pages: int  # HNSW index pages read (buffer requests, per-transaction statistics; planning reads a few)
    cpu_s: float | None  # CPU time the Postgres backend spent on it (None: not measured / not readable)


def _backend_cpu(pid: int) -> float | None:
    """utime + stime of a local Postgres backend from /proc; None for a remote or unreadable one."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def search(engine, model_id: int, query_ids: list[int], *, ef_search: int | None, index: str, limit: int = TOP,
           filters: SearchFilters | None = None, cpu: bool = False) -> Searched:
    """One search_by_vector call in one transaction.

    ef_search None = exact: index scans disabled for the transaction, so Postgres scans and sorts.
    Two load-independent costs come with the wall time, because the machine may be shared: the index pages
    the graph walk read, and (cpu=True, embedded server) the backend's CPU seconds - close to what the wall
    time is on an idle machine, since one statement runs on one core.
    """
    started = time.perf_counter()
    with session_scope(engine) as session:
        pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() if cpu else None
        cpu_before = _backend_cpu(pid) if pid else None
        if ef_search is None:
            session.execute(sa.text("SET LOCAL enable_indexscan = off"))
        hits = search_by_vector(session=session, query_ids=query_ids, target_kind="job", model_id=model_id,
                                 dimension=384, limit=limit, filters=filters or SearchFilters(),
                                 ef_search=ef_search or HNSW_EF_SEARCH)
        seconds = time.perf_counter() - started
        cpu_after = _backend_cpu(pid) if pid else None
        scans, pages = session.execute(sa.text(
            "SELECT pg_stat_get_xact_numscans(CAST(:ix AS regclass)), "
            "pg_stat_get_xact_blocks_fetched(CAST(:ix AS regclass))"), {"ix": index}).one()
    cpu_s = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Searched(hits=hits, seconds=seconds, scans=int(scans), pages=int(pages), cpu_s=cpu_s)


def latencies(engine, model_id: int, query_ids: list[int], *, ef_search: int | None, index: str) -> list[float]:
    """Milliseconds per single-query call (top 10), after a few warm-up calls."""
    for query_id in query_ids[:5]:
        search(engine, model_id, [query_id], ef_search=ef_search, index=index)
    return [search(engine, model_id, [q], ef_search=ef_search, index=index).seconds * 1000 for q in query_ids]


def recall(found: dict, truth: dict[int, set[int]], query_ids: list[int], k: int = TOP) -> float:
    return float(np.mean([len({t for t, _ in found.get(q, [])[:k]} & truth[q]) / k for q in query_ids]))


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100))


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="stored job vectors")
    parser.add_argument("--queries", type=int, default=1000, help="held-out queries (real resumes first)")
    parser.add_argument("--ef-search", type=int, nargs="+", default=[40, 64, 100, 200])
    parser.add_argument("--m", type=int, nargs="+", default=[HNSW_M])
    parser.add_argument("--ef-construction", type=int, nargs="+", default=[HNSW_EF_CONSTRUCTION])
    parser.add_argument("--latency-queries", type=int, default=200, help="single-query calls per setting")
    parser.add_argument("--exact-latency-queries", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3, help="batched calls per setting (median reported)")
    parser.add_argument("--closed", type=float, default=0.05, help="share of stored jobs that are closed")
    parser.add_argument("--remote", type=float, default=0.1, help="share of stored jobs that are remote")
    parser.add_argument("--noise", type=float, default=0.5, help="noise, in units of the anchor's NN distance")
    parser.add_argument("--maintenance-work-mem", default="1GB", help="for the index build")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()

    stored, queries, anchors, groups = build_sets(args)
    emit({"what": "dataset", "stored": len(stored), "queries": len(queries), "anchors": len(anchors),
          "query_groups": {g: groups.count(g) for g in sorted(set(groups))}, "noise": args.noise,
          "queries_vs_real_anchors": neighbour_stats(queries, anchors),
          "queries_vs_stored": neighbour_stats(queries, stored),
          "queries_vs_iid_random": neighbour_stats(queries, _normalise(
              np.random.default_rng(args.seed).standard_normal(stored.shape).astype(np.float32)))})

    engine = database_engine(Settings())
    upgrade(engine)
    flags = np.random.default_rng(args.seed + 1)
    is_closed, is_remote = flags.random(len(stored)) < args.closed, flags.random(len(stored)) < args.remote
    started = time.perf_counter()
    model_id, query_ids = load(engine, stored, queries, is_closed=is_closed, is_remote=is_remote)
    emit({"what": "load", "rows": len(stored) + len(queries), "seconds": round(time.perf_counter() - started, 1)})
    index = index_name(model_id, "job")
    by_group = {g: [q for q, qg in zip(query_ids, groups, strict=True) if qg == g] for g in sorted(set(groups))}
    spread = np.random.default_rng(args.seed + 2).permutation(query_ids).tolist()  # latency sample, both groups

    configs = [(m, ef_construction) for m in args.m for ef_construction in args.ef_construction]
    builds = [emit({"what": "index_build", "stored": len(stored),
                    **rebuild_index(engine, model_id, m=configs[0][0], ef_construction=configs[0][1],
                                    memory=args.maintenance_work_mem)})]

    # exact baseline and ground truth (the index exists, the transaction forbids index scans): the top
    # RETRIEVAL_POOL in one scan, its first 10 for recall@10
    exact_run = search(engine, model_id, query_ids, ef_search=None, index=index, limit=RETRIEVAL_POOL, cpu=True)
    assert exact_run.scans == 0, "the exact search used the HNSW index"
    truth = {q: {t for t, _ in exact_run.hits[q][:TOP]} for q in query_ids}
    truth_pool = {q: {t for t, _ in exact_run.hits[q]} for q in query_ids}
    numpy_top = numpy_exact(queries, stored, ~is_closed)
    agree = float(np.mean([len({i + 1 for i in numpy_top[k]} & truth[q]) / TOP for k, q in enumerate(query_ids)]))
    remote_top = numpy_exact(queries, stored, ~is_closed & is_remote)  # filtered truth, numpy (agrees above)
    truth_remote = {q: {i + 1 for i in remote_top[k]} for k, q in enumerate(query_ids)}
    exact_ms = latencies(engine, model_id, spread[:args.exact_latency_queries], ef_search=None, index=index)
    exact = emit({"what": "exact", "stored": len(stored), "batch_queries": len(query_ids), "limit": RETRIEVAL_POOL,
                  "batch_s": round(exact_run.seconds, 3), "batch_cpu_s": _round(exact_run.cpu_s, 2),
                  "p50_ms": round(percentile(exact_ms, 0.5), 2), "p95_ms": round(percentile(exact_ms, 0.95), 2),
                  "latency_queries": len(exact_ms), "agrees_with_numpy": round(agree, 4)})

    rows = []
    for position, (m, ef_construction) in enumerate(configs):
        if position:
            builds.append(emit({"what": "index_build", "stored": len(stored),
                                **rebuild_index(engine, model_id, m=m, ef_construction=ef_construction,
                                                memory=args.maintenance_work_mem)}))
        build = builds[-1]
        for ef_search in args.ef_search:
            search(engine, model_id, query_ids, ef_search=ef_search, index=index)  # warm the cache
            timed = [search(engine, model_id, query_ids, ef_search=ef_search, index=index, cpu=True)
                     for _ in range(args.repeats)]
            batch = timed[-1]
            batch_s = statistics.median(t.seconds for t in timed)
            batch_cpu = [t.cpu_s for t in timed if t.cpu_s is not None]
            batch_cpu_s = statistics.median(batch_cpu) if batch_cpu else None
            pool = search(engine, model_id, query_ids, ef_search=ef_search, index=index, limit=RETRIEVAL_POOL)
            remote = search(engine, model_id, query_ids, ef_search=ef_search, index=index,
                            filters=SearchFilters(remote_only=True))
            single_ms = latencies(engine, model_id, spread[:args.latency_queries], ef_search=ef_search,
                                  index=index)
            p50 = percentile(single_ms, 0.5)
            rows.append(emit({
                "what": "hnsw", "stored": len(stored), "m": m, "ef_construction": ef_construction,
                "build_s": build["build_s"], "ef_search": ef_search,
                "recall_at_10": round(recall(batch.hits, truth, query_ids), 4),
                "recall_by_group": {g: round(recall(batch.hits, truth, ids), 4) for g, ids in by_group.items()},
                "index_scans": batch.scans, "index_pages_per_query": round(batch.pages / len(query_ids)),
                "p50_ms": round(p50, 2), "p95_ms": round(percentile(single_ms, 0.95), 2),
                "batch_queries": len(query_ids), "batch_s": round(batch_s, 3),
                "batch_cpu_s": _round(batch_cpu_s, 2),
                "speedup_p50_vs_exact": round(exact["p50_ms"] / p50, 1),
                "speedup_batch_vs_exact": round(exact_run.seconds / batch_s, 1),
                "speedup_batch_cpu_vs_exact": _round(exact_run.cpu_s / batch_cpu_s
                                                     if exact_run.cpu_s and batch_cpu_s else None, 1),
                f"pool_recall_at_{RETRIEVAL_POOL}": round(recall(pool.hits, truth_pool, query_ids,
                                                                 RETRIEVAL_POOL), 4),
                "pool_batch_s": round(pool.seconds, 3),
                "remote_only_recall_at_10": round(recall(remote.hits, truth_remote, query_ids), 4),
                "remote_only_full_lists": round(float(np.mean([len(remote.hits.get(q, [])) == TOP
                                                               for q in query_ids])), 4),
                "remote_only_batch_s": round(remote.seconds, 3),
            }))

    passing = [r for r in rows if r["index_scans"] and r["recall_at_10"] >= 0.98 and r["p50_ms"] <= 5
               and r["batch_s"] <= 2]
    # recall is deterministic, timings on a shared machine are not: the smallest ef_search (then the cheapest
    # build) that meets the whole target
    pick = min(passing, key=lambda r: (r["ef_search"], r["m"], r["ef_construction"])) if passing else None
    emit({"what": "pick", "target": "recall@10 >= 0.98, p50 <= 5 ms, 1000-query batch <= 2 s",
          "meets": pick is not None, **({k: pick[k] for k in ("m", "ef_construction", "ef_search")} if pick else {})})
    print_table(exact, rows, pick, stored=len(stored), queries=len(query_ids))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def print_table(exact: dict, rows: list[dict], pick: dict | None, *, stored: int, queries: int) -> None:
    table = Table(title=f"HNSW vs exact: {stored:,} stored vectors, {queries} held-out queries, top {TOP}")
    for column in ("search", "m", "ef_c", "build s", "ef_search", "recall@10", "pages/q", "p50 ms", "p95 ms",
                   f"batch {queries} s", "batch cpu s", "speed-up p50", "speed-up batch", f"recall@{RETRIEVAL_POOL}",
                   "remote-only recall@10"):
        table.add_column(column, justify="left" if column == "search" else "right")

    def cpu(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    table.add_row("exact (seq scan)", "", "", "", "", "1.000", "", f"{exact['p50_ms']:.1f}", f"{exact['p95_ms']:.1f}",
                  f"{exact['batch_s']:.2f}", cpu(exact["batch_cpu_s"]), "1x", "1x", "1.000", "")
    for r in rows:
        label = "hnsw" + (" *" if r is pick else "") + ("" if r["index_scans"] else " (index unused!)")
        table.add_row(label, str(r["m"]), str(r["ef_construction"]),
                      f"{r['build_s']:.1f}", str(r["ef_search"]), f"{r['recall_at_10']:.3f}",
                      str(r["index_pages_per_query"]), f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}",
                      f"{r['batch_s']:.2f}", cpu(r["batch_cpu_s"]), f"{r['speedup_p50_vs_exact']:.0f}x",
                      f"{r['speedup_batch_vs_exact']:.0f}x", f"{r[f'pool_recall_at_{RETRIEVAL_POOL}']:.3f}",
                      f"{r['remote_only_recall_at_10']:.3f}")
    Console(width=220).print(table)
    Console().print("* the smallest ef_search meeting recall@10 >= 0.98, p50 <= 5 ms and batch <= 2 s"
                    if pick else "no setting met the whole target on this machine (timings above)")


if __name__ == "__main__":
    main()
