"""Rerank stage (step 5): the feature reranker (+ the optional cross-encoder) over each query's pool.

Skill IDF comes from document counts done in Postgres (`storage.matches.skill_document_frequencies`), so
rare skills weigh more without reading every document into Python.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

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


def pool_pairs(batch: MatchBatch, query_id: int) -> list[MatchPair]:
    """The reranker's input for one query: a pair per pooled target, in pool (RRF) order."""
    pairs = []
    for target_id in batch.pools.get(query_id, []):
        resume_id, job_id = batch.resume_and_job(query_id, target_id)
        pairs.append(MatchPair(resume=batch.resumes[resume_id], job=batch.jobs[job_id],
                               retrieval_similarity=max(0.0, batch.similarity.get((query_id, target_id), 0.0))))
    return pairs


def rerank_matches(batch: MatchBatch, *, config: MatchConfig, skill_idf: dict[str, float],
                   cross_encoder: CrossEncoderScorer | None = None) -> MatchBatch:
    """Step 5: feature reranker (+ optional cross-encoder) over each query's pool; keeps the top K."""
    started = time.perf_counter()
    for query_id in batch.query_ids:
        pairs = pool_pairs(batch, query_id)
        by_pair = {(p.resume.id, p.job.id): p for p in pairs}
        ranked = rerank(pairs, weights=config.weights, skill_idf=skill_idf, cross_encoder=cross_encoder)
        batch.ranked[query_id] = [(m, by_pair[(m.resume_id, m.job_id)]) for m in ranked[: config.top_k]]
    batch.timings["rerank_s"] = time.perf_counter() - started
    return batch
