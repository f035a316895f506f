"""What steps 4-7 hand each other for one batch of query documents: plain data, no ORM objects.

A batch is built by search (pools and both sides of every pair), then filled in by rerank (ranked),
analyze (results, analyses) and read by save. It crosses task boundaries, never process boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matchflow.domain import ChainSpec, DocumentKind
from matchflow.rerank import JobSide, MatchPair, RerankedMatch, ResumeSide


@dataclass
class MatchBatch:
    """What steps 4-7 hand each other for one batch of query documents (plain data, no ORM objects)."""

    chain: ChainSpec
    query_ids: list[int]
    similarity: dict[tuple[int, int], float] = field(default_factory=dict)  # (query, target) -> cosine
    pools: dict[int, list[int]] = field(default_factory=dict)  # query -> fused target ids, best first
    resumes: dict[int, ResumeSide] = field(default_factory=dict)
    jobs: dict[int, JobSide] = field(default_factory=dict)
    owners: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)  # doc -> (candidate, job)
    answers: dict[int, dict[str, str]] = field(default_factory=dict)  # query resume -> free-text answers
    ranked: dict[int, list[tuple[RerankedMatch, MatchPair]]] = field(default_factory=dict)
    results: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    analyses: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def resume_and_job(self, query_id: int, target_id: int) -> tuple[int, int]:
        """(resume document id, job document id) of a pair, whichever side the chain starts from."""
        return (query_id, target_id) if self.chain.query_kind is DocumentKind.RESUME else (target_id, query_id)
