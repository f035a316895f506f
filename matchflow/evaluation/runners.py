"""The two evaluations, end to end: load the set, fill its database through the pipeline, rank, score.

    run_categories  489 dev resume PDFs x postings mapped to their 24 categories; precision@k and nDCG@k,
                    job -> resumes and resume -> jobs, with the full text and without its first line
    run_hires       Russian vacancies x their own confirmed / failed resumes; ROC AUC and nDCG@5

Both compare the three rankers of `rankers.py` on the same documents and return a plain dict (the report).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchflow.domain import CHAIN_A, CHAIN_B, ChainSpec, DocumentKind
from matchflow.embedding import Embedder
from matchflow.evaluation import metrics
from matchflow.evaluation.datasets import (
    LabelledResume,
    Posting,
    Vacancy,
    category_postings,
    resume_labels,
    talent_match,
)
from matchflow.evaluation.ranker_names import RANKERS
from matchflow.evaluation.rankers import ranker_functions
from matchflow.evaluation.store import (
    EvalStore,
    Log,
    embed_all,
    ingest_files,
    ingest_items,
    open_store,
    resume_texts,
    scope,
    searchable_documents,
    status_counts,
)
from matchflow.sources.base import IncomingDocument
from storage.db import session_scope
from storage.evaluation import read_only_session

if TYPE_CHECKING:
    from matchflow.settings import Settings
    from storage.models import Document

VARIANTS = ("full", "no-first-line")
DIRECTIONS = {"job_to_resumes": CHAIN_B, "resume_to_jobs": CHAIN_A}
HIRES_K = 5


def _quiet(_: str) -> None:
    return None


# ---------------------------------------------------------------- corpora


def strip_first_line(text: str) -> str:
    """The text without its first non-empty line (in these resumes, often the category's job title)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip():
            return "\n".join(lines[:index] + lines[index + 1:]).strip() + "\n"
    return text


def posting_items(postings: list[Posting]) -> list[IncomingDocument]:
    """Postings as job documents, keyed by their table row so a re-run finds them unchanged."""
    return [IncomingDocument(source="csv", form_id="eval:categories", record_key=f"posting:{p.key}",
                             kind=DocumentKind.JOB, data=p.text.encode("utf-8"), filename=f"{p.key}.txt",
                             payload={"source": p.source, "category": p.category},
                             structured={"title": p.title, "job_key": f"eval:{p.key}"})
            for p in postings]


def _stripped_resume_items(full: EvalStore, resumes: list[LabelledResume]) -> list[IncomingDocument]:
    """The full corpus's parsed resume texts without their first line, as text documents."""
    by_path = {str(r.path.resolve()): r for r in resumes}
    rows = resume_texts(full, list(by_path))
    items = []
    for path, text in sorted(rows):
        resume = by_path[path]
        items.append(IncomingDocument(source="eval", form_id="eval:no-first-line", record_key=f"resume:{resume.id}",
                                      kind=DocumentKind.RESUME, data=strip_first_line(text).encode("utf-8"),
                                      filename=f"{resume.id}.txt", payload={"category": resume.category}))
    return items


@dataclass
class Corpus:
    """A filled store plus who is who: document id -> label, for the documents a search can return."""

    store: EvalStore
    model: Any
    resume_label: dict[int, str]  # resume document -> category (or vacancy key)
    job_label: dict[int, str]  # job document -> category (or vacancy key)
    skipped: dict[str, int]  # why some inputs are not searchable: duplicate, failed, ...


def _labels(store: EvalStore, model_id: int, resume_key: dict[str, str],
            job_key: dict[str, str]) -> tuple[dict[int, str], dict[int, str]]:
    """Searchable documents mapped to labels through their source path (files) or source id (records)."""
    with session_scope(store.engine) as session:
        resumes = searchable_documents(session, DocumentKind.RESUME, model_id)
        jobs = searchable_documents(session, DocumentKind.JOB, model_id)
    return _newest(resumes, resume_key), _newest(jobs, job_key)


def _newest(documents: list[Document], labels: dict[str, str]) -> dict[int, str]:
    """Label -> document through the source path or id; when a record was re-rendered, its newest document."""
    latest: dict[str, int] = {}
    for document in documents:  # in id order, so a later version wins
        key = document.source_path or document.source_id
        if key in labels:
            latest[key] = document.id
    return {document_id: labels[key] for key, document_id in latest.items()}


def build_category_corpus(home: Path, variant: str, resumes: list[LabelledResume], postings: list[Posting],
                          embedder: Embedder, settings: Settings, log: Log = _quiet) -> Corpus:
    """Fill `<home>/categories-<variant>` through the pipeline (idempotent) and label its documents."""
    started = time.perf_counter()
    store = open_store(home, f"categories-{variant}", settings=settings)
    if variant == "full":
        summary = ingest_files(store, [r.path for r in resumes], DocumentKind.RESUME)
        resume_key = {str(r.path.resolve()): r.category for r in resumes}
    else:
        full_store = open_store(home, "categories-full", settings=settings)  # filled first by run_categories
        summary = ingest_items(store, _stripped_resume_items(full_store, resumes), DocumentKind.RESUME)
        resume_key = {f"resume:{r.id}": r.category for r in resumes}
    log(f"{store.name}: resumes new {summary.new}, unchanged {summary.unchanged}, duplicate {summary.duplicate}, "
        f"failed {summary.failed}")
    ingest_items(store, posting_items(postings), DocumentKind.JOB)
    model = embed_all(store, embedder, log)
    resume_label, job_label = _labels(store, model.id, resume_key,
                                      {f"posting:{p.key}": p.category for p in postings})
    log(f"{store.name}: {len(resume_label)} resumes and {len(job_label)} postings searchable "
        f"({time.perf_counter() - started:.0f} s)")
    return Corpus(store=store, model=model, resume_label=resume_label, job_label=job_label,
                  skipped=status_counts(store))


# ---------------------------------------------------------------- category retrieval


def _score_direction(ranking: dict[int, list[int]], query_label: dict[int, str], target_label: dict[int, str],
                     k: int) -> dict[str, Any]:
    """precision@k and nDCG@k per query, averaged per category, then over categories (macro mean)."""
    available = defaultdict(int)
    for label in target_label.values():
        available[label] += 1
    per_category: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"precision": [], "ndcg": []})
    for query_id, label in query_label.items():
        if not available[label]:
            continue  # nothing relevant exists: the query says nothing about the ranker
        relevant = [target_label.get(t) == label for t in ranking.get(query_id, [])]
        per_category[label]["precision"].append(metrics.precision_at_k(relevant, k))
        per_category[label]["ndcg"].append(metrics.ndcg_at_k(relevant, k, available[label]))
    table = {label: {"precision": metrics.mean(v["precision"]), "ndcg": metrics.mean(v["ndcg"]),
                     "queries": len(v["precision"]), "relevant_targets": available[label]}
             for label, v in sorted(per_category.items())}
    return {"per_category": table,
            "mean": {"precision": metrics.mean([row["precision"] for row in table.values()]),
                     "ndcg": metrics.mean([row["ndcg"] for row in table.values()]),
                     "categories": len(table), "queries": sum(row["queries"] for row in table.values())}}


def direction_sides(corpus: Corpus,
                    chain: ChainSpec) -> tuple[list[int], list[int], dict[int, str], dict[int, str]]:
    """Queries, targets and their category labels for one direction: chain B asks with jobs, chain A with resumes."""
    resume_ids, job_ids = sorted(corpus.resume_label), sorted(corpus.job_label)
    if chain is CHAIN_B:
        return job_ids, resume_ids, corpus.job_label, corpus.resume_label
    return resume_ids, job_ids, corpus.resume_label, corpus.job_label


def evaluate_corpus(corpus: Corpus, *, k: int, weights: Mapping[str, float],
                    rankers: tuple[str, ...] = RANKERS, lexical: str = "bm25",
                    bm25_query: str = "terms") -> dict[str, Any]:
    """Every ranker in both directions over one corpus (`weights`: the pipeline ranker's score weights;
    `lexical`, `bm25_query`: its lexical retriever, which the lexical ranker runs alone)."""
    functions = ranker_functions(weights=weights, lexical=lexical, bm25_query=bm25_query)
    resume_ids, job_ids = sorted(corpus.resume_label), sorted(corpus.job_label)
    report: dict[str, Any] = {}
    with read_only_session(corpus.store.engine) as session:
        scope(session, resume_ids=resume_ids, job_ids=job_ids)
        for direction, chain in DIRECTIONS.items():
            queries, targets, query_label, target_label = direction_sides(corpus, chain)
            report[direction] = {}
            for name in rankers:
                started = time.perf_counter()
                ranking = functions[name](session, chain=chain, model=corpus.model, query_ids=queries,
                                          target_ids=targets, k=k)
                scored = _score_direction(ranking, query_label, target_label, k)
                scored["seconds"] = round(time.perf_counter() - started, 2)
                report[direction][name] = scored
    return report


def run_categories(data_dir: Path, home: Path, embedder: Embedder, *, settings: Settings,
                   limit_resumes: int | None = None, categories: list[str] | None = None,
                   postings_per_category: int | None = None, variants: tuple[str, ...] = VARIANTS, k: int = 10,
                   log: Log = _quiet) -> dict[str, Any]:
    """Category retrieval both ways, per variant; `limit_resumes` takes the first N resumes of each category.

    `settings` are the entry point's: the pipeline ranker's score weights and what the corpora's own databases
    run with.
    """
    weights = settings.match_weights
    resumes = resume_labels(data_dir, categories=categories, per_category=limit_resumes)
    postings = category_postings(data_dir, per_category=postings_per_category, categories=categories)
    report: dict[str, Any] = {"dataset": "categories", "k": k, "model": embedder.model_name,
                              "backend": embedder.backend, "weights": dict(weights),
                              "lexical": settings.lexical_retriever, "bm25_query": settings.bm25_query,
                              "resumes": len(resumes), "postings": len(postings),
                              "postings_per_category": _count(p.category for p in postings), "variants": {}}
    for variant in ("full", *[v for v in variants if v != "full"]):  # the stripped copy is made from the full one
        corpus = build_category_corpus(home, variant, resumes, postings, embedder, settings, log)
        if variant not in variants:
            continue
        result = evaluate_corpus(corpus, k=k, weights=weights, lexical=settings.lexical_retriever,
                                 bm25_query=settings.bm25_query)
        result["searchable"] = {"resumes": len(corpus.resume_label), "postings": len(corpus.job_label)}
        result["documents"] = corpus.skipped
        report["variants"][variant] = result
    return report


def _count(labels) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for label in labels:
        counts[label] += 1
    return dict(sorted(counts.items()))


# ---------------------------------------------------------------- hire prediction


@dataclass
class HireCorpus:
    """The hire set's filled store: its vacancies, and which searchable document each resume and vacancy is."""

    store: EvalStore
    model: Any
    vacancies: list[Vacancy]
    resume_doc: dict[int, str]  # searchable resume document -> resume key
    doc_of_resume: dict[str, int]
    doc_of_vacancy: dict[str, int]


def build_hire_corpus(data_dir: Path, home: Path, embedder: Embedder, *, settings: Settings,
                      log: Log = _quiet) -> HireCorpus:
    """Fill `<home>/hires` with every vacancy and its own resumes through the pipeline (idempotent)."""
    vacancies = talent_match(data_dir)
    store = open_store(home, "hires", settings=settings)
    resumes = [r for v in vacancies for r in v.resumes]
    ingest_items(store, [IncomingDocument(source="eval", form_id="eval:hires", record_key=f"resume:{r.key}",
                                          kind=DocumentKind.RESUME, data=r.text.encode("utf-8"),
                                          filename=f"{r.key}.txt") for r in resumes], DocumentKind.RESUME)
    ingest_items(store, [IncomingDocument(source="eval", form_id="eval:hires", record_key=f"vacancy:{v.key}",
                                          kind=DocumentKind.JOB, data=v.text.encode("utf-8"),
                                          filename=f"{v.key}.txt", structured={"job_key": f"eval:{v.key}"})
                         for v in vacancies], DocumentKind.JOB)
    model = embed_all(store, embedder, log)
    resume_doc, vacancy_doc = _labels(store, model.id, {f"resume:{r.key}": r.key for r in resumes},
                                      {f"vacancy:{v.key}": v.key for v in vacancies})
    return HireCorpus(store=store, model=model, vacancies=vacancies, resume_doc=resume_doc,
                      doc_of_resume={key: doc for doc, key in resume_doc.items()},
                      doc_of_vacancy={key: doc for doc, key in vacancy_doc.items()})


def run_hires(data_dir: Path, home: Path, embedder: Embedder, *, settings: Settings, k: int = HIRES_K,
              log: Log = _quiet) -> dict[str, Any]:
    """Per vacancy, rank its own resumes; ROC AUC (hired above rejected) and nDCG@k of the hired ones.

    `settings` are the entry point's, as for `run_categories`.
    """
    weights = settings.match_weights
    functions = ranker_functions(weights=weights, lexical=settings.lexical_retriever, bm25_query=settings.bm25_query)
    corpus = build_hire_corpus(data_dir, home, embedder, settings=settings, log=log)
    store, model, vacancies, resume_doc = corpus.store, corpus.model, corpus.vacancies, corpus.resume_doc
    resumes = [r for v in vacancies for r in v.resumes]
    doc_of_resume, doc_of_vacancy = corpus.doc_of_resume, corpus.doc_of_vacancy
    report: dict[str, Any] = {"dataset": "hires", "k": k, "model": embedder.model_name,
                              "backend": embedder.backend, "weights": dict(weights),
                              "lexical": settings.lexical_retriever, "bm25_query": settings.bm25_query,
                              "vacancies": len(vacancies), "resumes": len(resumes),
                              "searchable_resumes": len(resume_doc),
                              "documents": status_counts(store), "rankers": {}}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in RANKERS}
    for number, vacancy in enumerate(vacancies, start=1):
        query = doc_of_vacancy.get(vacancy.key)
        own = [(doc_of_resume[r.key], r.hired) for r in vacancy.resumes if r.key in doc_of_resume]
        own_ids = [doc for doc, _ in own]
        hired = {doc for doc, is_hired in own if is_hired}
        title = vacancy.text.splitlines()[0]
        for name in RANKERS:
            row = {"vacancy": f"V{number}", "title": title, "resumes": len(own), "hired": len(hired),
                   "roc_auc": None, "ndcg": None}
            if query is not None and own:
                with read_only_session(store.engine) as session:
                    scope(session, resume_ids=own_ids, job_ids=[query])
                    # BM25's IDF comes from every resume of the set; the filters keep the others out of
                    # the pipeline's and the vector search, and the list is cut to the vacancy's own below
                    ranked = functions[name](session, chain=CHAIN_B, model=model, query_ids=[query],
                                             target_ids=sorted(resume_doc), k=len(resume_doc)).get(query, [])
                ranked = [doc for doc in ranked if doc in set(own_ids)]
                scores = metrics.ranking_scores(ranked, own_ids)
                row["roc_auc"] = metrics.roc_auc([scores[d] for d in own_ids], [d in hired for d in own_ids])
                row["ndcg"] = metrics.ndcg_at_k([d in hired for d in ranked], k, len(hired))
            rows[name].append(row)
    for name in RANKERS:
        report["rankers"][name] = {"per_vacancy": rows[name],
                                   "mean": {"roc_auc": metrics.mean([r["roc_auc"] for r in rows[name]]),
                                            "ndcg": metrics.mean([r["ndcg"] for r in rows[name]])}}
    return report
