"""Fillout submissions as incoming documents: one per resume file, one per job of a company submission.

The raw submission JSON rides along as each document's payload (stored exactly as received), and the
form's known facts (name, email, salary wish, desired roles, job title...) as `structured`, which the
parse stage uses to link candidates, companies and jobs. A file that cannot be downloaded becomes a
document with no data and the reason, so it is recorded as failed instead of silently missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from matchflow.domain import DocumentKind
from matchflow.fillout.errors import FileDownloadError
from matchflow.fillout.files import FileRef, download_file
from matchflow.fillout.mapping import FilloutMapping, map_candidate, map_company
from matchflow.fillout.models import FilloutSubmission
from matchflow.sources.base import IncomingDocument


@dataclass(frozen=True)
class FileFetcher:
    client: httpx.Client
    allowed_hosts: frozenset[str]
    max_bytes: int
    allow_private: bool = False

    def fetch(self, ref: FileRef) -> tuple[bytes | None, str | None, str | None]:
        """(bytes, name, problem): the problem is `reason: message` with the URL masked."""
        try:
            downloaded = download_file(self.client, ref, allowed_hosts=set(self.allowed_hosts),
                                       max_bytes=self.max_bytes, allow_private=self.allow_private)
        except FileDownloadError as exc:
            return None, ref.name, f"{exc.reason.value}: {exc.message}"
        return downloaded.content, downloaded.name, None


def _base(sub: FilloutSubmission, form_id: str, kind: DocumentKind) -> dict:
    return {"source": "fillout", "form_id": form_id, "kind": kind, "payload": sub.raw or sub.model_dump(mode="json"),
            "submitted_at": sub.submission_time, "updated_at": sub.last_updated_at or sub.submission_time}


def candidate_documents(sub: FilloutSubmission, *, form_id: str, mapping: FilloutMapping,
                        fetcher: FileFetcher) -> Iterator[IncomingDocument]:
    candidate, problems = map_candidate(sub, mapping)
    salary = candidate.salary
    structured = {
        "full_name": candidate.full_name, "email": candidate.email, "phone": candidate.phone,
        "location": candidate.location or candidate.city, "roles": candidate.desired_roles,
        "industries": candidate.industries, "skills": candidate.skills,
        "salary_min": salary.minimum if salary else None, "salary_max": salary.maximum if salary else None,
        "currency": salary.currency if salary else None, "salary_period": salary.period if salary else None,
        "answers": {k: v for k, v in {**candidate.answers, "motivation": candidate.motivation,
                                      "cover_letter": candidate.cover_letter}.items() if v},
        "birth_date": candidate.birth_date.isoformat() if candidate.birth_date else None,
        "education": candidate.education, "problems": problems,
    }
    if not candidate.resume_files:
        yield IncomingDocument(**_base(sub, form_id, DocumentKind.RESUME), record_key=sub.submission_id,
                               data=None, filename=None, structured=structured,
                               problem="no_text: the submission has no resume file")
        return
    for index, ref in enumerate(candidate.resume_files):
        data, name, problem = fetcher.fetch(ref)
        key = sub.submission_id if index == 0 else f"{sub.submission_id}#file{index + 1}"
        yield IncomingDocument(**_base(sub, form_id, DocumentKind.RESUME), record_key=key, data=data,
                               filename=name or ref.name, structured=structured, problem=problem)


def job_documents(sub: FilloutSubmission, *, form_id: str, mapping: FilloutMapping,
                  fetcher: FileFetcher) -> Iterator[IncomingDocument]:
    company, problems = map_company(sub, mapping)
    for job in company.jobs:
        salary = job.salary
        structured = {
            "job_key": f"fillout:{form_id}:{sub.submission_id}#job{job.index}", "title": job.title,
            "company": company.company_name, "website": company.website, "industry": company.industry,
            "contact_name": company.contact_name, "contact_email": company.contact_email,
            "contact_phone": company.contact_phone, "location": job.location, "remote": job.remote,
            "employment_type": job.employment_type, "skills": job.skills,
            "salary_min": salary.minimum if salary else None, "salary_max": salary.maximum if salary else None,
            "currency": salary.currency if salary else None, "problems": problems,
        }
        key = f"{sub.submission_id}#job{job.index}"
        data, name, problem = None, None, None
        if job.description_files:
            data, name, problem = fetcher.fetch(job.description_files[0])
        if data is None and job.description:
            text = f"{job.title or ''}\n\n{job.description}".strip() + "\n"
            data, name, problem = text.encode("utf-8"), f"{key}.txt", None
        if data is None and problem is None:
            problem = "no_text: the job has neither a description nor a description file"
        yield IncomingDocument(**_base(sub, form_id, DocumentKind.JOB), record_key=key, data=data,
                               filename=name, structured=structured, problem=problem)
