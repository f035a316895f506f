"""Search stage (step 4): hybrid retrieval for a batch of query documents, fused with reciprocal rank fusion.

    chain A: each new resume is a query; jobs are the targets
    chain B: each new job is a query; resumes are the targets

The whole batch is searched in two statements (`storage.search` vector + `storage.lexical` BM25 or
`storage.search` full-text, by `MatchConfig.lexical`); the two ranked lists
are fused here (RRF), and both sides of every pair are loaded for the reranker.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import TYPE_CHECKING

from matchflow.domain import ChainSpec, DocumentKind, ExtractedFields, SalaryRange
from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.bm25 import search_by_bm25_text
from matchflow.pipeline.config import MatchConfig
from matchflow.rerank import JobSide, ResumeSide
from matchflow.scoring import RRF_K
from storage.documents import documents_with_owners
from storage.models import CandidateSubmission, Document, EmbeddingModel, Job
from storage.search import pair_similarities, search_by_fulltext, search_by_vector

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def fuse_rrf(*ranked_lists: list[tuple[int, float]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists; best first."""
    scores: dict[int, float] = defaultdict(float)
    for ranked in ranked_lists:
        for rank, (document_id, _) in enumerate(ranked, start=1):
            scores[document_id] += 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _fields(document: Document) -> ExtractedFields:
    data = {key: value for key, value in (document.fields or {}).items() if key in ExtractedFields.model_fields}
    return ExtractedFields.model_validate(data)


def _scoring_text(document: Document) -> str:
    """What the cross-encoder reads: the redacted text when personal-data redaction was on at parse time."""
    return document.scoring_text or document.text or ""


def _resume_side(document: Document, submission: CandidateSubmission | None) -> ResumeSide:
    wishes = (document.fields or {}).get("structured", {})
    salary = None
    if wishes.get("salary_min") or wishes.get("salary_max"):
        salary = SalaryRange(minimum=wishes.get("salary_min"), maximum=wishes.get("salary_max"),
                             currency=wishes.get("currency"))
    return ResumeSide(id=str(document.id), fields=_fields(document), text=_scoring_text(document),
                      language=document.language or "en", desired_roles=list(wishes.get("roles") or []),
                      desired_salary=salary, desired_location=wishes.get("location"),
                      remote_preference=(submission.remote_preference if submission else None)
                      or wishes.get("remote"))


def _job_side(document: Document, job: Job | None) -> JobSide:
    salary = None
    if job is not None and (job.salary_min or job.salary_max):
        salary = SalaryRange(minimum=job.salary_min, maximum=job.salary_max, currency=job.salary_currency)
    return JobSide(id=str(document.id), fields=_fields(document), text=_scoring_text(document),
                   title=job.title if job else None, location=job.location_text if job else None,
                   remote=job.remote if job else None, salary=salary)


def _load_sides(session: Session, batch: MatchBatch, ids: set[int]) -> None:
    documents, jobs, submissions = documents_with_owners(session=session, document_ids=ids)
    for doc in documents:
        batch.owners[doc.id] = (doc.candidate_id, doc.job_id)
        if doc.kind == DocumentKind.RESUME:
            submission = submissions.get(doc.submission_id)
            batch.resumes[doc.id] = _resume_side(doc, submission)
            answers = (submission.answers if submission else None) or (doc.fields or {}).get(
                "structured", {}).get("answers") or {}
            batch.answers[doc.id] = {k: v for k, v in answers.items() if isinstance(v, str) and v.strip()}
        else:
            batch.jobs[doc.id] = _job_side(doc, jobs.get(doc.job_id))


def search_lexical(*, session: Session, query_ids: list[int], target_kind: DocumentKind,
                   config: MatchConfig) -> dict[int, list]:
    """The lexical retriever the config names: BM25 over sparse vectors, or ts_rank_cd full-text."""
    if config.lexical == "bm25":
        return search_by_bm25_text(session=session, query_ids=query_ids, target_kind=target_kind,
                                   limit=config.pool, query_mode=config.bm25_query, filters=config.filters)
    if config.lexical == "fts":
        return search_by_fulltext(session=session, query_ids=query_ids, target_kind=target_kind,
                                  limit=config.pool, filters=config.filters)
    raise ValueError(f"unknown lexical retriever {config.lexical!r}")


def search_matches(*, session: Session, chain: ChainSpec, model: EmbeddingModel, config: MatchConfig,
                   query_ids: list[int]) -> MatchBatch:
    """Step 4: hybrid retrieval for the whole batch (two statements), fused with RRF."""
    started = time.perf_counter()
    batch = MatchBatch(chain=chain, query_ids=list(query_ids))
    by_vector = search_by_vector(session=session, query_ids=query_ids, target_kind=chain.target_kind,
                                 model_id=model.id, dimension=model.dimension, limit=config.pool,
                                 filters=config.filters)
    by_text = search_lexical(session=session, query_ids=query_ids, target_kind=chain.target_kind, config=config)
    batch.similarity = {(q, t): s for q, hits in by_vector.items() for t, s in hits}
    batch.pools = {q: [t for t, _ in fuse_rrf(by_vector.get(q, []), by_text.get(q, []))[: config.pool]]
                   for q in query_ids}
    missing = [(q, t) for q, pool in batch.pools.items() for t in pool if (q, t) not in batch.similarity]
    batch.similarity.update(pair_similarities(session=session, pairs=missing, model_id=model.id,
                                              dimension=model.dimension))
    _load_sides(session, batch, set(query_ids) | {t for pool in batch.pools.values() for t in pool})
    batch.timings["search_s"] = time.perf_counter() - started
    return batch
