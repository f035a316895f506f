"""People, companies and jobs behind documents: found by identity, created on first sight."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matchflow.domain import DocumentStatus
from storage.models import Candidate, Company, Document, DocumentSkill, Job, Location, Skill

TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


def text_search_config(language: str | None) -> str:
    """Postgres text search configuration for a document language (stemming per language)."""
    return TEXT_SEARCH_CONFIGS.get(language or "", "simple")


def find_or_create_candidate(*, session: Session, identity_hash: str | None, email: str | None,
                             phone: str | None, name: str | None) -> Candidate:
    """The candidate with this email (or identity hash), else a new one. Same person, new resume -> same row.

    A name alone never identifies a person (two "John Smith"s, or a heading misread as a name): without an
    email or a phone the resume gets a candidate of its own.
    """
    identified = bool(email or phone)
    candidate = None
    if email:
        candidate = session.scalars(sa.select(Candidate).where(sa.func.lower(Candidate.email) == email.lower())
                                    .order_by(Candidate.id).limit(1)).first()
    if candidate is None and identified and identity_hash:
        candidate = session.scalars(sa.select(Candidate).where(Candidate.identity_hash == identity_hash)).first()
    if candidate is None:
        candidate = Candidate(full_name=name, email=email, phone=phone,
                              identity_hash=identity_hash if identified else None)
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


def open_jobs(*, session: Session) -> list[tuple[int, str]]:
    """(id, title) of every open job, oldest first."""
    return [(job_id, title) for job_id, title in session.execute(
        sa.select(Job.id, Job.title).where(Job.status == "open").order_by(Job.id))]


def retire_previous_versions(*, session: Session, document: Document) -> int:
    """Mark older current documents of the same candidate/job as not current; returns the new version."""
    owner = (Document.candidate_id == document.candidate_id) if document.candidate_id else (
        Document.job_id == document.job_id)
    previous = session.scalars(sa.select(Document).where(owner, Document.is_current, Document.id != document.id,
                                                         Document.status != DocumentStatus.DUPLICATE)).all()
    for old in previous:
        old.is_current = False
    return 1 + max((old.version for old in previous), default=0)


def skill_ids(*, session: Session) -> dict[str, int]:
    return dict(session.execute(sa.select(Skill.name, Skill.id)).all())


def replace_document_skills(*, session: Session, document_id: int, rows: list[dict[str, Any]]) -> None:
    session.execute(sa.delete(DocumentSkill).where(DocumentSkill.document_id == document_id))
    if rows:
        session.execute(insert(DocumentSkill).values(rows).on_conflict_do_nothing())


def _dictionary_ids(session: Session, model: type, names: list[str]) -> list[int]:
    if not names:
        return []
    return list(session.scalars(sa.select(model.id).where(model.name.in_(names))))


def record_candidate_submission(*, session: Session, candidate_id: int, source_record_id: int | None,
                                structured: dict[str, Any], skills: list[str], location: str | None) -> int:
    """The candidate's application (once per source record) with salary wish, address and dictionary links."""
    from matchflow.taxonomy import canonical_industry, canonical_role, canonical_skill
    from storage.models import (
        Address,
        CandidateSubmission,
        Industry,
        Role,
        SalaryExpectation,
        submission_industries,
        submission_locations,
        submission_roles,
        submission_skills,
    )

    existing = session.scalar(sa.select(CandidateSubmission.id).where(
        CandidateSubmission.source_record_id == source_record_id)) if source_record_id else None
    if existing:
        return existing
    submission = CandidateSubmission(candidate_id=candidate_id, source_record_id=source_record_id,
                                     answers=structured.get("answers") or {},
                                     remote_preference=structured.get("remote"))
    session.add(submission)
    session.flush()
    if structured.get("salary_min") or structured.get("salary_max"):
        session.add(SalaryExpectation(candidate_id=candidate_id, submission_id=submission.id,
                                      minimum=structured.get("salary_min"), maximum=structured.get("salary_max"),
                                      currency=structured.get("currency"),
                                      period=structured.get("salary_period") or "year"))
    place = structured.get("location") or location
    place_id = location_id(session=session, name=place)
    if place:
        session.add(Address(candidate_id=candidate_id, raw=place, location_id=place_id))
    known_skills = skill_ids(session=session)
    wanted_skills = {*(canonical_skill(s) for s in structured.get("skills") or []), *skills}
    links = [
        (submission_skills, "skill_id", [known_skills.get(name) for name in wanted_skills if name]),
        (submission_roles, "role_id", _dictionary_ids(session, Role, [
            r for r in (canonical_role(x) for x in structured.get("roles") or []) if r])),
        (submission_industries, "industry_id", _dictionary_ids(session, Industry, [
            i for i in (canonical_industry(x) for x in structured.get("industries") or []) if i])),
        (submission_locations, "location_id", [place_id] if place_id else []),
    ]
    for table, column, ids in links:
        rows = [{"submission_id": submission.id, column: value} for value in set(ids) if value]
        if rows:
            session.execute(insert(table).values(rows).on_conflict_do_nothing())
    return submission.id


def record_job_details(*, session: Session, job: Job, structured: dict[str, Any], required: list[str],
                       nice: list[str], titles: list[str]) -> None:
    """The job's contact, skills (required / nice-to-have), roles and industry links."""
    from matchflow.taxonomy import canonical_industry, canonical_role
    from storage.models import Contact, Industry, JobSkill, Role, job_industries, job_roles

    if job.company_id and (structured.get("contact_email") or structured.get("contact_name")):
        known = session.scalar(sa.select(Contact.id).where(Contact.company_id == job.company_id,
                                                           Contact.email == structured.get("contact_email")))
        if not known:
            session.add(Contact(company_id=job.company_id, name=structured.get("contact_name"),
                                email=structured.get("contact_email"), phone=structured.get("contact_phone")))
    ids = skill_ids(session=session)
    session.execute(sa.delete(JobSkill).where(JobSkill.job_id == job.id))
    rows = {ids[name]: "required" for name in required if name in ids}
    rows.update({ids[name]: "nice" for name in nice if name in ids and ids[name] not in rows})
    if rows:
        session.execute(insert(JobSkill).values([{"job_id": job.id, "skill_id": skill_id, "requirement": kind}
                                                 for skill_id, kind in rows.items()]))
    role_ids = _dictionary_ids(session, Role, [r for r in (canonical_role(t) for t in titles) if r])
    if role_ids:
        session.execute(insert(job_roles).values([{"job_id": job.id, "role_id": i} for i in set(role_ids)])
                        .on_conflict_do_nothing())
    industry = canonical_industry(structured.get("industry") or "")
    industry_ids = _dictionary_ids(session, Industry, [industry] if industry else [])
    if industry_ids:
        session.execute(insert(job_industries).values([{"job_id": job.id, "industry_id": i} for i in industry_ids])
                        .on_conflict_do_nothing())
