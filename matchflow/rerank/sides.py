"""The reranker's inputs and output: what it knows of each side of a pair, and the ranked result.

Kept apart from the feature formulas so the pipeline (which builds these from the database) and the
analysis step (which reads them back) depend on the shapes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from matchflow.domain import ExtractedFields, SalaryRange
from matchflow.scoring import SCORING_VERSION
from matchflow.textrules.work_mode import answer_work_mode

__all__ = ["JobSide", "MatchPair", "RerankedMatch", "ResumeSide"]


@dataclass
class ResumeSide:
    """What the reranker knows about the candidate: the resume and the wishes from the form."""

    id: str
    fields: ExtractedFields
    text: str = ""
    language: str = "en"
    desired_roles: list[str] = field(default_factory=list)
    desired_salary: SalaryRange | None = None  # falls back to fields.salary
    desired_location: str | None = None  # falls back to fields.location
    remote_preference: str | None = None  # remote | hybrid | onsite

    @property
    def location(self) -> str | None:
        return self.desired_location or self.fields.location

    @property
    def salary(self) -> SalaryRange | None:
        return self.desired_salary or self.fields.salary


@dataclass
class JobSide:
    """What the reranker knows about the job; the explicit values win over the extracted fields."""

    id: str
    fields: ExtractedFields
    text: str = ""
    title: str | None = None
    location: str | None = None
    remote: str | None = None  # remote | hybrid | onsite
    salary: SalaryRange | None = None

    @property
    def effective_location(self) -> str | None:
        return self.location or self.fields.location

    @property
    def effective_remote(self) -> str | None:
        return answer_work_mode(self.remote or self.fields.remote or self.effective_location)

    @property
    def effective_salary(self) -> SalaryRange | None:
        return self.salary or self.fields.salary

    @property
    def titles(self) -> list[str]:
        return [t for t in [self.title, *self.fields.titles] if t]


@dataclass
class MatchPair:
    """One resume-job pair from the vector search, with the cosine similarity of their document vectors."""

    resume: ResumeSide
    job: JobSide
    retrieval_similarity: float


class RerankedMatch(BaseModel):
    resume_id: str
    job_id: str
    rank: int = 0  # 1 = best, within one rerank call
    score: float  # 0..1
    features: dict[str, float]
    matched_skills: list[str] = Field(default_factory=list)
    missing_required_skills: list[str] = Field(default_factory=list)
    missing_nice_skills: list[str] = Field(default_factory=list)
    scoring_version: str = SCORING_VERSION
