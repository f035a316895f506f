"""Match sessions and results: saving a chain's output (superseding the previous one) and reading it back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchflow.domain import CHAIN_A, CHAIN_B, SEARCHABLE_STATUSES
from storage.models import AnalysisResult, Document, DocumentSkill, MatchResult, MatchSession, Skill


def supersede_sessions(*, session: Session, source_document_id: int, chain: str) -> int:
    """Mark the document's current sessions of this chain as superseded; returns how many."""
    result = session.execute(
        sa.update(MatchSession)
        .where(MatchSession.source_document_id == source_document_id, MatchSession.chain == chain,
               MatchSession.is_current)
        .values(is_current=False, superseded_at=datetime.now(UTC))
    )
    return result.rowcount or 0


def save_match_session(*, session: Session, values: dict[str, Any], results: list[dict[str, Any]],
                 analyses: list[dict[str, Any]]) -> MatchSession:
    """One session, its ranked results and the analyses attached to each result (by rank)."""
    supersede_sessions(session=session, source_document_id=values["source_document_id"], chain=values["chain"])
    match_session = MatchSession(**values)
    session.add(match_session)
    session.flush()
    by_rank: dict[int, MatchResult] = {}
    for row in results:
        result = MatchResult(session_id=match_session.id, **row)
        session.add(result)
        by_rank[row["rank"]] = result
    session.flush()
    for analysis in analyses:
        rank = analysis.pop("rank", None)
        session.add(AnalysisResult(session_id=match_session.id,
                                   match_result_id=by_rank[rank].id if rank is not None else None, **analysis))
    return match_session


def count_sessions_of_run(*, session: Session, pipeline_run_id: int | None) -> int:
    """How many match sessions a chain run saved (its inference runs save theirs under the same id)."""
    if pipeline_run_id is None:
        return 0
    return session.scalar(sa.select(sa.func.count()).select_from(MatchSession)
                          .where(MatchSession.pipeline_run_id == pipeline_run_id)) or 0


def skill_document_frequencies(*, session: Session) -> tuple[dict[str, int], int]:
    """How many current documents mention each skill, and how many current documents there are."""
    current = sa.select(Document.id).where(Document.is_current, Document.status.in_(SEARCHABLE_STATUSES))
    counts = dict(session.execute(
        sa.select(Skill.name, sa.func.count(DocumentSkill.document_id))
        .join(DocumentSkill, DocumentSkill.skill_id == Skill.id)
        .where(DocumentSkill.document_id.in_(current)).group_by(Skill.name)
    ).all())
    total = session.scalar(sa.select(sa.func.count()).select_from(current.subquery())) or 0
    return counts, total


def current_results(*, session: Session, chain: str, source_document_ids: list[int], top: int) -> list[tuple]:
    """(session, result) pairs of the current sessions for these source documents, best first."""
    return list(session.execute(
        sa.select(MatchSession, MatchResult)
        .join(MatchResult, MatchResult.session_id == MatchSession.id)
        .where(MatchSession.chain == chain, MatchSession.is_current,
               MatchSession.source_document_id.in_(source_document_ids), MatchResult.rank <= top)
        .order_by(MatchSession.source_document_id, MatchResult.rank)
    ).all())


def document_label(document: Document, title: str | None = None) -> str:
    """A short, personal-data-free label for a document: its file name or job title, and id."""
    name = title or document.filename or (document.source_path or "").rsplit("/", 1)[-1] or document.kind
    return f"{name} (#{document.id})"


def run_top_matches(*, session: Session, pipeline_run_id: int | None, per_document: int,
                    documents: int) -> list[dict[str, Any]]:
    """The best results of the sessions a pipeline run created, for its summary artifact."""
    if pipeline_run_id is None:
        return []
    sessions = session.scalars(sa.select(MatchSession).where(MatchSession.pipeline_run_id == pipeline_run_id)
                               .order_by(MatchSession.id).limit(documents)).all()
    rows = []
    for match_session in sessions:
        source = session.get(Document, match_session.source_document_id)
        results = session.scalars(sa.select(MatchResult).where(MatchResult.session_id == match_session.id,
                                                               MatchResult.rank <= per_document)
                                  .order_by(MatchResult.rank)).all()
        for result in results:
            target_id = result.job_document_id if match_session.chain == CHAIN_A.slug else result.resume_document_id
            rows.append({"source": document_label(source), "rank": result.rank,
                         "target": document_label(session.get(Document, target_id)), "score": result.score,
                         "matched_skills": result.explanation.get("matched_skills", []),
                         "missing_skills": result.explanation.get("missing_skills", [])})
    return rows


def stored_matches(*, session: Session, candidate_id: int | None = None, job_id: int | None = None,
                   top: int = 10) -> list[dict[str, Any]]:
    """A candidate's best jobs or a job's best candidates, from the current sessions.

    The chain that starts from the entity answers first (A for a candidate, B for a job); when it has not
    run for it yet, the other chain's current results that include the entity are used, best score first.
    """
    from storage.models import Job

    if (candidate_id is None) == (job_id is None):
        raise ValueError("give exactly one of candidate_id or job_id")
    own_chain, other_chain = (CHAIN_A.slug, CHAIN_B.slug) if candidate_id is not None else (
        CHAIN_B.slug, CHAIN_A.slug)
    owner = Document.candidate_id == candidate_id if candidate_id is not None else Document.job_id == job_id
    sources = session.scalars(sa.select(Document.id).where(owner, Document.is_current)).all()
    pairs = current_results(session=session, chain=own_chain, source_document_ids=list(sources), top=top)
    if not pairs:
        entity = MatchResult.candidate_id == candidate_id if candidate_id is not None else MatchResult.job_id == job_id
        pairs = list(session.execute(
            sa.select(MatchSession, MatchResult).join(MatchResult, MatchResult.session_id == MatchSession.id)
            .where(MatchSession.chain == other_chain, MatchSession.is_current, entity)
            .order_by(MatchResult.score.desc()).limit(top)).all())
    rows = []
    for rank, (match_session, result) in enumerate(pairs, start=1):
        matched_id = result.job_document_id if candidate_id is not None else result.resume_document_id
        matched = session.get(Document, matched_id)
        job = session.get(Job, result.job_id) if result.job_id else None
        rows.append({
            "rank": rank if match_session.chain != own_chain else result.rank,
            "score": round(result.score, 1), "reverse_score": result.reverse_score,
            "candidate_id": result.candidate_id, "job_id": result.job_id, "job_title": job.title if job else None,
            "resume_document_id": result.resume_document_id, "job_document_id": result.job_document_id,
            "source_path": matched.source_path, "source_id": matched.source_id, "filename": matched.filename,
            "matched_skills": result.explanation.get("matched_skills", []),
            "missing_skills": result.explanation.get("missing_skills", []),
            "explanation": result.explanation.get("reasons", []),
            "chain": match_session.chain, "session_id": match_session.id, "scored_at": result.created_at.isoformat(),
        })
    return rows
