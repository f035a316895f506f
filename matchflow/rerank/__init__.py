"""The reranker (being split into modules; see features.py for now)."""

from matchflow.rerank.features import *  # noqa: F403
from matchflow.rerank.features import (  # noqa: F401
    CrossEncoderScorer,
    JobSide,
    MatchCandidate,
    RerankedMatch,
    ResumeSide,
    annual_range,
    city_part,
    compare_skills,
    compute_features,
    compute_skill_idf,
    experience_fit,
    infer_seniority,
    location_fit,
    normalise_city,
    remote_mode,
    rerank,
    salary_fit,
    semantic_score,
    skill_coverage,
    title_similarity,
)
