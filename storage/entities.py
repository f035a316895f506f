"""People, companies and jobs behind documents: found by identity, created on first sight."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.models import Candidate, Company, Document, DocumentSkill, Job, Location, Skill

TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


def text_search_config(language: str | None) -> str:
    """Postgres text search configuration for a document language (stemming per language)."""
    return TEXT_SEARCH_CONFIGS.get(language or "", "simple")


def find_or_create_candidate(*, session: Session, identity_hash: str | None, email: str | None,
                             phone: str | None, name: str | None) -> Candidate:
    """The candidate with this email (or identity hash), else a new one. Same person, new resume -> same row."""
    candidate = None
    if email:
        candidate = session.scalars(sa.select(Candidate).where(sa.func.lower(Candidate.email) == email.lower())
                                    .order_by(Candidate.id).limit(1)).first()
    if candidate is None and identity_hash:
        candidate = session.scalars(sa.select(Candidate).where(Candidate.identity_hash == identity_hash)).first()
    if candidate is None:
        candidate = Candidate(full_name=name, email=email, phone=phone, identity_hash=identity_hash)
        session.add(candidate)
        session.flush()
    else:
        candidate.full_name = candidate.full_name or name
        candidate.phone = candidate.phone or phone
    return candidate


def find_or_create_company(*, session: Session, name: str | None) -> int | None:
    if not name:
        return None
    key = " ".join(name.casefold().split())
    session.execute(insert(Company).values(name=name, name_key=key).on_conflict_do_nothing(index_elements=["name_key"]))
    return session.scalar(sa.select(Company.id).where(Company.name_key == key))


def location_id(*, session: Session, name: str | None) -> int | None:
    if not name:
        return None
    return session.scalar(sa.select(Location.id).where(Location.name == name))


def upsert_job(*, session: Session, external_key: str, values: dict[str, Any]) -> Job:
    """The job for this source key, updated with the latest document's fields."""
    job = session.scalars(sa.select(Job).where(Job.external_key == external_key)).first()
    if job is None:
        job = Job(external_key=external_key, **values)
        session.add(job)
        session.flush()
    else:
        for key, value in values.items():
            setattr(job, key, value)
    return job


def retire_previous_versions(*, session: Session, document: Document) -> int:
    """Mark older current documents of the same candidate/job as not current; returns the new version."""
    owner = (Document.candidate_id == document.candidate_id) if document.candidate_id else (
        Document.job_id == document.job_id)
    previous = session.scalars(sa.select(Document).where(owner, Document.is_current, Document.id != document.id,
                                                         Document.status != "duplicate")).all()
    for old in previous:
        old.is_current = False
    return 1 + max((old.version for old in previous), default=0)


def skill_ids(*, session: Session) -> dict[str, int]:
    return dict(session.execute(sa.select(Skill.name, Skill.id)).tuples().all())


def replace_document_skills(*, session: Session, document_id: int, rows: list[dict[str, Any]]) -> None:
    session.execute(sa.delete(DocumentSkill).where(DocumentSkill.document_id == document_id))
    if rows:
        session.execute(insert(DocumentSkill).values(rows).on_conflict_do_nothing())
