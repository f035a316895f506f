"""The company form: one submission read into a CompanySubmission with its numbered job blocks.

One form may carry up to MAX_JOBS jobs as numbered copies of the same questions ("Job 2 title"); the
questions are grouped by that number and each group is mapped with the [company.job] aliases.
"""

from __future__ import annotations

from matchflow.fillout.mapping.config import FilloutMapping
from matchflow.fillout.mapping.money import read_salary_fields
from matchflow.fillout.mapping.questions import Reader, split_job_number
from matchflow.fillout.mapping.readers import (
    address_text,
    read_email,
    read_files,
    read_list,
    read_phone,
    read_remote,
    read_text,
)
from matchflow.fillout.mapping.records import CompanySubmission, JobPosting
from matchflow.fillout.models import FilloutQuestion, FilloutSubmission

__all__ = ["MAX_JOBS", "map_company"]

MAX_JOBS = 20


def map_company(sub: FilloutSubmission, mapping: FilloutMapping) -> tuple[CompanySubmission, list[str]]:
    """Read a company form submission with its numbered job blocks; returns record and problems."""
    problems = [f"payload: {p}" for p in sub.problems]
    reader = Reader(list(sub.questions), problems)
    m = mapping.company
    company = CompanySubmission(
        submission_id=sub.submission_id,
        submitted_at=sub.submission_time,
        company_name=reader.read("company_name", m.get("company_name"), read_text),
        website=reader.read("website", m.get("website"), read_text),
        industry=reader.read("industry", m.get("industry"), read_text),
        description=reader.read("description", m.get("description"), read_text),
        contact_name=reader.read("contact_name", m.get("contact_name"), read_text),
        contact_email=reader.read("contact_email", m.get("contact_email"), read_email),
        contact_phone=reader.read("contact_phone", m.get("contact_phone"), read_phone),
    )
    for index, questions in sorted(_job_blocks(sub.questions, reader.used).items()):
        job = _map_job(index, questions, mapping.job, problems)
        if job is not None:
            company.jobs.append(job)
    if not company.submission_id:
        problems.append("submission_id: missing")
    if not company.company_name:
        problems.append("company_name: missing")
    if not company.jobs:
        problems.append("jobs: no job answered")
    return company, problems


def _job_blocks(questions: list[FilloutQuestion], used: set[int]) -> dict[int, list[FilloutQuestion]]:
    """Questions grouped by job number, each renamed to its un-numbered name."""
    blocks: dict[int, list[FilloutQuestion]] = {}
    for pos, question in enumerate(questions):
        if pos in used:
            continue
        split = split_job_number(question.name) if question.name else None
        index, name = split if split and 1 <= split[0] <= MAX_JOBS else (1, question.name)
        blocks.setdefault(index, []).append(question.model_copy(update={"name": name}))
        if split is not None:  # keep the numberless name too, for aliases that contain a number
            blocks.setdefault(1, []).append(question.model_copy())
    return blocks


def _map_job(
    index: int, questions: list[FilloutQuestion], aliases: dict[str, list[str]], problems: list[str]
) -> JobPosting | None:
    local: list[str] = []
    reader = Reader(questions, local)
    if index != 1:  # ids are not numbered: they belong to job 1
        aliases = {k: [a for a in v if not a.startswith("id:")] for k, v in aliases.items()}
    job = JobPosting(
        index=index,
        title=reader.read("title", aliases.get("title"), read_text),
        description=reader.read("description", aliases.get("description"), read_text),
        description_files=reader.read("description_files", aliases.get("description_files"), read_files)
        or [],
        location=reader.read("location", aliases.get("location"), address_text),
        remote=reader.read("remote", aliases.get("remote"), read_remote),
        salary=read_salary_fields(reader, aliases, ""),
        employment_type=reader.read("employment_type", aliases.get("employment_type"), read_text),
        skills=reader.read("skills", aliases.get("skills"), read_list) or [],
    )
    filled = job.model_dump(exclude={"index"}, exclude_defaults=True)
    if not filled and not local:
        return None  # an optional job block nobody filled in
    problems.extend(f"job {index} {p}" for p in local)
    if not filled:
        return None
    if not job.title and not job.description_files:
        problems.append(f"job {index} title: missing")
    return job
