"""Rerank stage (step 5): the feature reranker (+ the optional cross-encoder) over each query's pool.

Skill IDF comes from document counts done in Postgres (`storage.matches.skill_document_frequencies`), so
rare skills weigh more without reading every document into Python.
"""

from __future__ import annotations

import math
import os
import time
from typing import TYPE_CHECKING

from matchflow.domain import DocumentKind
from matchflow.pipeline.batch import MatchBatch
from matchflow.pipeline.config import MatchConfig
from matchflow.rerank import CrossEncoderScorer, MatchPair, rerank
from storage.matches import skill_document_frequencies

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def load_cross_encoder(model_name: str | None) -> CrossEncoderScorer | None:
    """The optional cross-encoder (`MATCHFLOW_RERANK_MODEL`), loaded once per process."""
    return CrossEncoderScorer.load(model_name) if model_name else None


def skill_idf(*, session: Session) -> dict[str, float]:
    """Smoothed IDF (the formula of matchflow.rerank.compute_skill_idf) from document counts done in Postgres."""
    counts, total = skill_document_frequencies(session=session)
    return {name.casefold(): math.log((1 + total) / (1 + count)) + 1.0 for name, count in counts.items()}


def _experiment_section(batch: MatchBatch, query_id: int, target_id: int) -> float | None:
    """EXPERIMENT (issue 16 item 3), MATCHFLOW_SEC_EXP=feature|max."""
    mode = os.environ.get("MATCHFLOW_SEC_EXP")
    if not mode:
        return None
    cosines = batch.section_cosines.get((query_id, target_id), {})
    job_first = batch.chain.query_kind is not DocumentKind.RESUME
    by_sides = {((q, t) if job_first else (t, q)): v for (q, t), v in cosines.items()}  # (job unit, resume unit)
    if mode == "windows":  # each job window's best resume window, averaged over the job's windows
        best: dict[str, float] = {}
        for (j, r), value in by_sides.items():
            if j.startswith("window:") and r.startswith("window:"):
                best[j] = max(best.get(j, -1.0), value)
        return sum(best.values()) / len(best) if best else None
    by_sides = {(j, r): v for (j, r), v in by_sides.items() if not (j.startswith("window:") or r.startswith("window:"))}
    if mode == "max":  # max over every (job unit, resume unit) pair, document vectors included
        return max(by_sides.values(), default=None)
    if mode == "feature":  # job requirements (else document) vs the best of resume skills/experience (else document)
        job_units = {j for j, _ in by_sides}
        resume_units = {r for _, r in by_sides}
        job_unit = "requirements" if "requirements" in job_units else "document"
        wanted = [r for r in ("skills", "experience") if r in resume_units] or ["document"]
        return max((by_sides[(job_unit, r)] for r in wanted if (job_unit, r) in by_sides), default=None)
    raise ValueError(mode)


def rerank_matches(batch: MatchBatch, *, config: MatchConfig, skill_idf: dict[str, float],
                   cross_encoder: CrossEncoderScorer | None = None) -> MatchBatch:
    """Step 5: feature reranker (+ optional cross-encoder) over each query's pool; keeps the top K."""
    started = time.perf_counter()
    for query_id in batch.query_ids:
        pairs = []
        for target_id in batch.pools.get(query_id, []):
            resume_id, job_id = batch.resume_and_job(query_id, target_id)
            pairs.append(MatchPair(resume=batch.resumes[resume_id], job=batch.jobs[job_id],
                                        retrieval_similarity=max(0.0, batch.similarity.get((query_id, target_id),
                                                                                           0.0)),
                                   section_similarity=_experiment_section(batch, query_id, target_id)))
        by_pair = {(p.resume.id, p.job.id): p for p in pairs}
        ranked = rerank(pairs, weights=config.weights, skill_idf=skill_idf, cross_encoder=cross_encoder)
        batch.ranked[query_id] = [(m, by_pair[(m.resume_id, m.job_id)]) for m in ranked[: config.top_k]]
    batch.timings["rerank_s"] = time.perf_counter() - started
    return batch
