"""The seven features of one resume-job pair, assembled from the per-feature modules.

Each feature is in [0, 1] and keyed by matchflow.scoring.FEATURES; unknown inputs score NEUTRAL (0.5) so
a missing salary neither helps nor hurts. The semantic feature, the only one that is a plain clip of
the vector search's similarities, is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping

from matchflow.rerank.experience import experience_fit
from matchflow.rerank.location import location_fit
from matchflow.rerank.salary import salary_fit
from matchflow.rerank.sides import MatchPair
from matchflow.rerank.skills import compare_skills, resume_skills, skill_coverage
from matchflow.rerank.titles import infer_seniority, title_similarity

__all__ = ["compute_features", "semantic_score"]


def semantic_score(retrieval_similarity: float) -> float:
    """The whole-document cosine similarity, clipped to [0, 1]."""
    return min(1.0, max(0.0, float(retrieval_similarity)))


def compute_features(
    pair: MatchPair, skill_idf: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The seven feature values of one pair, each in [0, 1], keyed by scoring.FEATURES."""
    skills = compare_skills(pair)
    have = resume_skills(pair)
    resume, job = pair.resume, pair.job
    title = title_similarity([*resume.fields.titles, *resume.desired_roles], job.titles)
    return {
        "semantic": semantic_score(pair.retrieval_similarity),
        "required_skills": skill_coverage(have, skills.required, skill_idf),
        "nice_skills": skill_coverage(have, skills.nice, skill_idf),
        "title": title,
        "experience": experience_fit(resume.fields.years_experience, infer_seniority(job),
                                     job.fields.years_experience, relevance=title),
        "location": location_fit(resume.location, resume.remote_preference, job.effective_location,
                                 job.effective_remote),
        "salary": salary_fit(resume.salary, job.effective_salary),
    }
