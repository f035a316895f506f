"""Match stage (steps 4-7): search, rerank, analyse and save, for a batch of new resumes (chain A) or jobs (B).

    chain A: each new resume is a query; jobs are the targets
    chain B: each new job is a query; resumes are the targets

The whole batch is searched in two statements (vector + full-text), fused with RRF, reranked with the
feature reranker (plus the optional cross-encoder), analysed (match scoring, skills gap, sentiment of the
candidate's free-text answers) and saved as one match session per query document, superseding the last.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchflow.analysis.match_scoring import score_match
from matchflow.analysis.sentiment import analyze_sentiment
from matchflow.analysis.skills_extraction import skills_gap
from matchflow.domain import ExtractedFields, SalaryRange
from matchflow.pipeline.summary import StageSummary
from matchflow.rerank import CrossEncoderScorer, JobSide, MatchCandidate, RerankedMatch, ResumeSide, rerank
from matchflow.scoring import DEFAULT_WEIGHTS, SCORING_VERSION
from storage.matches import save_session, skill_document_frequencies
from storage.models import CandidateSubmission, Document, Embedding, EmbeddingModel, Job
from storage.search import SearchFilters, fulltext_candidates, fuse_rrf, pair_similarities, vector_candidates

if TYPE_CHECKING:
    from matchflow.settings import Settings

CHAINS = {"A": ("resume", "job"), "B": ("job", "resume")}  # chain -> (query kind, target kind)
RETRIEVAL_POOL = 50  # candidates per retriever handed to the reranker


@dataclass(frozen=True)
class MatchConfig:
    top_k: int = 10
    pool: int = RETRIEVAL_POOL
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    filters: SearchFilters = SearchFilters()
    rerank_model: str | None = None
    redact_explanations: bool = True  # MATCHFLOW_REDACT_EXPLANATIONS

    @classmethod
    def from_settings(cls, settings: Settings, *, top_k: int | None = None,
                      filters: SearchFilters | None = None) -> MatchConfig:
        """What a chain, the inference flow or `matchflow match` runs with: the user's top-K, weights, redaction."""
        return cls(top_k=top_k or settings.top_k, weights=settings.match_weights, filters=filters or SearchFilters(),
                   redact_explanations=settings.redact_explanations)


def claim_queries(*, session: Session, kind: str, model_id: int, limit: int,
                  document_ids: list[int] | None = None) -> list[Document]:
    """Embedded, not yet matched documents (or the given ones), locked against a concurrent run."""
    has_vector = sa.exists().where(Embedding.document_id == Document.id, Embedding.model_id == model_id,
                                   Embedding.section == "document")
    statement = sa.select(Document).where(Document.kind == kind, Document.is_current, has_vector)
    if document_ids is not None:
        statement = statement.where(Document.id.in_(document_ids))
    else:
        statement = statement.where(Document.status == "embedded")
    return list(session.scalars(statement.order_by(Document.id).limit(limit)
                                .with_for_update(skip_locked=True, of=Document)))


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


@dataclass
class MatchBatch:
    """What steps 4-7 hand each other for one batch of query documents (plain data, no ORM objects)."""

    chain: str
    query_ids: list[int]
    similarity: dict[tuple[int, int], float] = field(default_factory=dict)  # (query, target) -> cosine
    pools: dict[int, list[int]] = field(default_factory=dict)  # query -> fused target ids, best first
    resumes: dict[int, ResumeSide] = field(default_factory=dict)
    jobs: dict[int, JobSide] = field(default_factory=dict)
    owners: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)  # doc -> (candidate, job)
    answers: dict[int, dict[str, str]] = field(default_factory=dict)  # query resume -> free-text answers
    ranked: dict[int, list[tuple[RerankedMatch, MatchCandidate]]] = field(default_factory=dict)
    results: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    analyses: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _load_sides(session: Session, batch: MatchBatch, ids: set[int]) -> None:
    documents = list(session.scalars(sa.select(Document).where(Document.id.in_(ids))))
    job_ids = {doc.job_id for doc in documents if doc.job_id}
    submission_ids = {doc.submission_id for doc in documents if doc.submission_id}
    jobs = {job.id: job for job in session.scalars(sa.select(Job).where(Job.id.in_(job_ids)))}
    submissions = {s.id: s for s in session.scalars(
        sa.select(CandidateSubmission).where(CandidateSubmission.id.in_(submission_ids)))}
    for doc in documents:
        batch.owners[doc.id] = (doc.candidate_id, doc.job_id)
        if doc.kind == "resume":
            submission = submissions.get(doc.submission_id)
            batch.resumes[doc.id] = _resume_side(doc, submission)
            answers = (submission.answers if submission else None) or (doc.fields or {}).get(
                "structured", {}).get("answers") or {}
            batch.answers[doc.id] = {k: v for k, v in answers.items() if isinstance(v, str) and v.strip()}
        else:
            batch.jobs[doc.id] = _job_side(doc, jobs.get(doc.job_id))


def search_matches(*, session: Session, chain: str, model: EmbeddingModel, config: MatchConfig,
                   query_ids: list[int]) -> MatchBatch:
    """Step 4: hybrid retrieval for the whole batch (two statements), fused with RRF."""
    started = time.perf_counter()
    _, target_kind = CHAINS[chain]
    batch = MatchBatch(chain=chain, query_ids=list(query_ids))
    by_vector = vector_candidates(session=session, query_ids=query_ids, target_kind=target_kind, model_id=model.id,
                                  dimension=model.dimension, limit=config.pool, filters=config.filters)
    by_text = fulltext_candidates(session=session, query_ids=query_ids, target_kind=target_kind,
                                  limit=config.pool, filters=config.filters)
    batch.similarity = {(q, t): s for q, hits in by_vector.items() for t, s in hits}
    batch.pools = {q: [t for t, _ in fuse_rrf(by_vector.get(q, []), by_text.get(q, []))[: config.pool]]
                   for q in query_ids}
    missing = [(q, t) for q, pool in batch.pools.items() for t in pool if (q, t) not in batch.similarity]
    batch.similarity.update(pair_similarities(session=session, pairs=missing, model_id=model.id,
                                              dimension=model.dimension))
    _load_sides(session, batch, set(query_ids) | {t for pool in batch.pools.values() for t in pool})
    batch.timings["search_s"] = time.perf_counter() - started
    return batch


def rerank_matches(batch: MatchBatch, *, config: MatchConfig, skill_idf: dict[str, float],
                   cross_encoder: CrossEncoderScorer | None = None) -> MatchBatch:
    """Step 5: feature reranker (+ optional cross-encoder) over each query's pool; keeps the top K."""
    started = time.perf_counter()
    for query_id in batch.query_ids:
        pairs = []
        for target_id in batch.pools.get(query_id, []):
            resume_id, job_id = (query_id, target_id) if batch.chain == "A" else (target_id, query_id)
            pairs.append(MatchCandidate(resume=batch.resumes[resume_id], job=batch.jobs[job_id],
                                        retrieval_similarity=max(0.0, batch.similarity.get((query_id, target_id),
                                                                                           0.0))))
        by_pair = {(p.resume.id, p.job.id): p for p in pairs}
        ranked = rerank(pairs, weights=config.weights, skill_idf=skill_idf, cross_encoder=cross_encoder)
        batch.ranked[query_id] = [(m, by_pair[(m.resume_id, m.job_id)]) for m in ranked[: config.top_k]]
    batch.timings["rerank_s"] = time.perf_counter() - started
    return batch


def analyze_matches(batch: MatchBatch, *, redact_explanations: bool = True) -> MatchBatch:
    """Step 6: match scoring and skills gap per match; sentiment of a query resume's free-text answers."""
    started = time.perf_counter()
    for query_id, ranked in batch.ranked.items():
        results, analyses = [], []
        for match, pair in ranked:
            analysis = score_match(match, pair, redact_personal_data=redact_explanations)
            resume_id, job_id = int(match.resume_id), int(match.job_id)
            target_id = job_id if batch.chain == "A" else resume_id
            gap = skills_gap(pair.resume.fields.skills, pair.job.fields.required_skills,
                             pair.job.fields.nice_to_have_skills, redact_evidence=redact_explanations)
            results.append({
                "rank": match.rank, "resume_document_id": resume_id, "job_document_id": job_id,
                "candidate_id": batch.owners[resume_id][0], "job_id": batch.owners[job_id][1],
                "score": float(analysis.score), "reverse_score": float(analysis.reverse_score),
                "retrieval_score": batch.similarity.get((query_id, target_id)), "features": match.features,
                "explanation": {"reasons": analysis.reasons, "matched_skills": analysis.matched_skills,
                                "missing_skills": analysis.missing_required_skills,
                                "missing_nice_skills": analysis.missing_nice_skills,
                                "band": analysis.band, "breakdown": analysis.breakdown},
            })
            analyses.append({"rank": match.rank, "analysis_type": "match_scoring",
                             "implementation": analysis.implementation, "result": analysis.model_dump(mode="json")})
            analyses.append({"rank": match.rank, "analysis_type": "skills_extraction",
                             "implementation": "taxonomy", "result": gap.model_dump(mode="json")})
        for question, text in batch.answers.get(query_id, {}).items() if batch.chain == "A" else ():
            sentiment = analyze_sentiment(text)
            analyses.append({"document_id": query_id, "analysis_type": "sentiment_analysis",
                             "implementation": "lexicon",
                             "result": {"question": question, **sentiment.model_dump(mode="json")}})
        batch.results[query_id], batch.analyses[query_id] = results, analyses
    batch.timings["analyze_s"] = time.perf_counter() - started
    return batch


def save_matches(*, session: Session, batch: MatchBatch, model: EmbeddingModel, config: MatchConfig, device: str,
                 pipeline_run_id: int | None = None, rerank_model: str | None = None) -> StageSummary:
    """Step 7: one session per query document (superseding the previous one); marks the queries matched."""
    summary = StageSummary()
    per_query = {name: round(value / max(1, len(batch.query_ids)), 4) for name, value in batch.timings.items()}
    for query_id in batch.query_ids:
        save_session(session=session, values={
            "pipeline_run_id": pipeline_run_id, "chain": batch.chain, "source_document_id": query_id,
            "parameters": {"top_k": config.top_k, "pool": config.pool, "weights": config.weights,
                           "filters": vars(config.filters)},
            "embed_model": f"{model.name}@{model.revision}", "scoring_version": SCORING_VERSION,
            "rerank_model": rerank_model, "device": device, "timings": per_query,
        }, results=batch.results.get(query_id, []), analyses=batch.analyses.get(query_id, []))
        summary.processed += 1
        summary.new += len(batch.results.get(query_id, []))
    session.execute(sa.update(Document).where(Document.id.in_(batch.query_ids), Document.status == "embedded")
                    .values(status="matched"))
    return summary


def skill_idf(*, session: Session) -> dict[str, float]:
    """Smoothed IDF (the formula of matchflow.rerank.compute_skill_idf) from document counts done in Postgres."""
    counts, total = skill_document_frequencies(session=session)
    return {name.casefold(): math.log((1 + total) / (1 + count)) + 1.0 for name, count in counts.items()}


def match_documents(*, session: Session, chain: str, model: EmbeddingModel, config: MatchConfig, limit: int,
                    device: str, pipeline_run_id: int | None = None, document_ids: list[int] | None = None,
                    cross_encoder: CrossEncoderScorer | None = None) -> StageSummary:
    """Steps 4-7 in one call and one transaction (CLI `match`, the GPU inference flow, tests)."""
    query_kind, _ = CHAINS[chain]
    queries = claim_queries(session=session, kind=query_kind, model_id=model.id, limit=limit,
                            document_ids=document_ids)
    if not queries:
        return StageSummary()
    batch = search_matches(session=session, chain=chain, model=model, config=config,
                           query_ids=[doc.id for doc in queries])
    rerank_matches(batch, config=config, skill_idf=skill_idf(session=session), cross_encoder=cross_encoder)
    analyze_matches(batch, redact_explanations=config.redact_explanations)
    return save_matches(session=session, batch=batch, model=model, config=config, device=device,
                        pipeline_run_id=pipeline_run_id, rerank_model=cross_encoder.name if cross_encoder else None)
