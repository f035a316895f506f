"""MatchPair pairs built straight from fields (no parsing, no taxonomy) for rerank and analysis tests."""

from __future__ import annotations

from matchflow.domain import ExtractedFields, SalaryRange, SkillHit
from matchflow.rerank import JobSide, MatchPair, ResumeSide


def usd(
    low: float | None, high: float | None, period: str = "year", currency: str | None = "USD",
) -> SalaryRange:
    return SalaryRange(minimum=low, maximum=high, currency=currency, period=period)


def hits(*names: str) -> list[SkillHit]:
    return [SkillHit(skill=name, evidence=f"... {name} ...") for name in names]


def make_candidate(
    *, resume_id: str = "r1", job_id: str = "j1", resume_skills: tuple[str, ...] = (),
    required: tuple[str, ...] = (), nice: tuple[str, ...] = (), resume_titles: tuple[str, ...] = (),
    job_title: str | None = None, years: float | None = None, seniority: str | None = None,
    resume_location: str | None = None, job_location: str | None = None, job_remote: str | None = None,
    remote_preference: str | None = None, wanted: SalaryRange | None = None,
    offered: SalaryRange | None = None, similarity: float = 0.5,
    resume_text: str = "", job_text: str = "", desired_roles: tuple[str, ...] = (),
    person_name: str | None = None, emails: tuple[str, ...] = (), phones: tuple[str, ...] = (),
) -> MatchPair:
    resume = ResumeSide(
        id=resume_id,
        fields=ExtractedFields(
            skills=hits(*resume_skills), titles=list(resume_titles), years_experience=years,
            person_name=person_name, emails=list(emails), phones=list(phones),
        ),
        text=resume_text, desired_roles=list(desired_roles), desired_salary=wanted,
        desired_location=resume_location, remote_preference=remote_preference,
    )
    job = JobSide(
        id=job_id,
        fields=ExtractedFields(
            required_skills=hits(*required), nice_to_have_skills=hits(*nice), seniority=seniority,
        ),
        text=job_text, title=job_title, location=job_location, remote=job_remote, salary=offered,
    )
    return MatchPair(resume=resume, job=job, retrieval_similarity=similarity)
