"""`matchflow eval applicants` end to end: fill the corpus through the pipeline, rank, score both relevances.

Each dev vacancy asks for the top k of ALL dev resumes (chain B), once per ranker; the same ranking is then
scored twice, against the vacancy's own applicants and against its role family (see applicants.py).
Precision@k and nDCG@k per vacancy, and their macro means over vacancies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchflow.domain import CHAIN_B, DocumentKind
from matchflow.embedding import Embedder
from matchflow.evaluation import metrics
from matchflow.evaluation.applicants import RELEVANCES, ApplicantSet, applicant_set
from matchflow.evaluation.ranker_names import RANKERS
from matchflow.evaluation.rankers import ranker_functions
from matchflow.evaluation.store import (
    EvalStore,
    Log,
    embed_all,
    ingest_items,
    open_store,
    scope,
    searchable_documents,
    status_counts,
)
from matchflow.sources.base import IncomingDocument
from storage.db import session_scope
from storage.evaluation import read_only_session

if TYPE_CHECKING:
    from matchflow.settings import Settings

CORPUS = "applicants"
K = 10


def _quiet(_: str) -> None:
    return None


def corpus_items(applicants: ApplicantSet) -> tuple[list[IncomingDocument], list[IncomingDocument]]:
    """(resumes, vacancies) as text documents, keyed by uuid so a second run finds them unchanged."""
    resumes = [IncomingDocument(source="eval", form_id="eval:applicants", record_key=f"resume:{r.key}",
                                kind=DocumentKind.RESUME, data=r.text.encode("utf-8"), filename=f"{r.key}.txt")
               for r in applicants.resumes]
    vacancies = [IncomingDocument(source="eval", form_id="eval:applicants", record_key=f"vacancy:{v.key}",
                                  kind=DocumentKind.JOB, data=v.text.encode("utf-8"), filename=f"{v.key}.txt",
                                  structured={"title": v.title, "job_key": f"eval:applicants:{v.key}"})
                 for v in applicants.vacancies]
    return resumes, vacancies


def _document_ids(store: EvalStore, model_id: int, kind: DocumentKind, prefix: str) -> dict[str, int]:
    """Key -> searchable document, through the record key `<prefix><key>`; a re-rendered record's newest."""
    with session_scope(store.engine) as session:
        documents = searchable_documents(session, kind, model_id)
    found: dict[str, int] = {}
    for document in documents:  # in id order, so a later version wins
        if document.source_id and document.source_id.startswith(prefix):
            found[document.source_id.removeprefix(prefix)] = document.id
    return found


def score_vacancy(ranked: list[int], relevant: set[int], k: int) -> dict[str, float | None]:
    """precision@k and nDCG@k of one ranking; None for both when nothing relevant is searchable."""
    if not relevant:
        return {"precision": None, "ndcg": None}
    hits = [doc in relevant for doc in ranked]
    return {"precision": metrics.precision_at_k(hits, k), "ndcg": metrics.ndcg_at_k(hits, k, len(relevant))}


def score_rankings(applicants: ApplicantSet, rankings: dict[str, dict[int, list[int]]],
                   vacancy_doc: dict[str, int], resume_doc: dict[str, int], k: int) -> dict[str, Any]:
    """Per relevance and ranker: a row per vacancy (numbered V1.. in file order) and the macro means."""
    scored: dict[str, Any] = {}
    for relevance in RELEVANCES:
        scored[relevance] = {}
        for name, ranking in rankings.items():
            rows = []
            for number, vacancy in enumerate(applicants.vacancies, start=1):
                relevant = {resume_doc[key] for key in applicants.relevant(vacancy, relevance) if key in resume_doc}
                query = vacancy_doc.get(vacancy.key)
                result = (score_vacancy(ranking.get(query, []), relevant, k) if query is not None
                          else {"precision": None, "ndcg": None})
                rows.append({"vacancy": f"V{number}", "title": vacancy.title, "family": vacancy.family,
                             "relevant": len(relevant), **result})
            scored[relevance][name] = {
                "per_vacancy": rows,
                "mean": {"precision": metrics.mean([r["precision"] for r in rows]),
                         "ndcg": metrics.mean([r["ndcg"] for r in rows]),
                         "vacancies": sum(r["precision"] is not None for r in rows)}}
    return scored


@dataclass
class ApplicantCorpus:
    """The applicant set's filled store, and which searchable document each resume and vacancy key is."""

    applicants: ApplicantSet
    store: EvalStore
    model: Any
    resume_doc: dict[str, int]
    vacancy_doc: dict[str, int]


def build_applicant_corpus(data_dir: Path, home: Path, embedder: Embedder, *, settings: Settings,
                           log: Log = _quiet) -> ApplicantCorpus:
    """Fill `<home>/applicants` with every dev vacancy and resume through the pipeline (idempotent)."""
    applicants = applicant_set(data_dir)
    store = open_store(home, CORPUS, settings=settings)
    resume_items, vacancy_items = corpus_items(applicants)
    summary = ingest_items(store, resume_items, DocumentKind.RESUME)
    log(f"{store.name}: resumes new {summary.new}, unchanged {summary.unchanged}, duplicate {summary.duplicate}, "
        f"failed {summary.failed}")
    ingest_items(store, vacancy_items, DocumentKind.JOB)
    model = embed_all(store, embedder, log)
    return ApplicantCorpus(applicants=applicants, store=store, model=model,
                           resume_doc=_document_ids(store, model.id, DocumentKind.RESUME, "resume:"),
                           vacancy_doc=_document_ids(store, model.id, DocumentKind.JOB, "vacancy:"))


def run_applicants(data_dir: Path, home: Path, embedder: Embedder, *, settings: Settings, k: int = K,
                   log: Log = _quiet) -> dict[str, Any]:
    """Every dev vacancy ranks all dev resumes; P@k and nDCG@k against its applicants and its role family.

    `settings` are the entry point's: the pipeline ranker's score weights and what the corpus's own database
    runs with.
    """
    weights = settings.match_weights
    corpus = build_applicant_corpus(data_dir, home, embedder, settings=settings, log=log)
    applicants, store, model = corpus.applicants, corpus.store, corpus.model
    resume_doc, vacancy_doc = corpus.resume_doc, corpus.vacancy_doc
    resume_ids, vacancy_ids = sorted(resume_doc.values()), sorted(vacancy_doc.values())
    functions = ranker_functions(weights=weights, lexical=settings.lexical_retriever, bm25_query=settings.bm25_query)
    rankings: dict[str, dict[int, list[int]]] = {}
    seconds: dict[str, float] = {}
    with read_only_session(store.engine) as session:
        scope(session, resume_ids=resume_ids, job_ids=vacancy_ids)
        for name in RANKERS:
            started = time.perf_counter()
            rankings[name] = functions[name](session, chain=CHAIN_B, model=model, query_ids=vacancy_ids,
                                             target_ids=resume_ids, k=k)
            seconds[name] = round(time.perf_counter() - started, 2)
    return {"dataset": "applicants", "k": k, "model": embedder.model_name, "backend": embedder.backend,
            "weights": dict(weights), "lexical": settings.lexical_retriever, "bm25_query": settings.bm25_query,
            "vacancies": len(applicants.vacancies), "resumes": len(applicants.resumes),
            "searchable_resumes": len(resume_doc), "documents": status_counts(store),
            "families": applicants.family_sizes(), "seconds": seconds,
            "relevances": score_rankings(applicants, rankings, vacancy_doc, resume_doc, k)}
