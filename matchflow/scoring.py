"""Every number that shapes a match score, named in one place so docs and stored results can cite them.

Bump SCORING_VERSION whenever a value here (or a feature formula in matchflow/rerank/) changes: each stored
match result records the version it was scored with, so old and new scores are never mixed up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

SCORING_VERSION = "2026.12-1"

# Category weights of the feature reranker (matchflow/rerank/); they sum to 1. Users may pass their own:
# unknown names are rejected, the rest renormalised (validate_weights below).
#
# Learned (issue 16, item 6) by `matchflow eval weights --home <eval home>` (matchflow/evaluation/weights.py):
# fitted on every dev query of category retrieval (both directions, English) and Russian applicant retrieval
# at once, maximising the mean nDCG@10, and cross-validated in 5 folds grouped by category / role family, so
# no job of a validation fold is ever trained on. Per fold and out of fold: docs/quality.md, "Learned weights".
# Location and salary were not fitted (no dev label judges them; neutral for 78-100 % of dev pairs) and keep
# their hand weights. The hand weights before: semantic 0.30, required 0.30, nice 0.05, title 0.10,
# experience 0.10, location 0.10, salary 0.05 (SCORING_VERSION 2026.11-2).
DEFAULT_WEIGHTS: MappingProxyType[str, float] = MappingProxyType({
    "semantic": 0.42,  # cosine similarity of the whole-document vectors; 0.28-0.47 across the folds
    "required_skills": 0.20,  # IDF-weighted share of the job's required skills the resume shows; 0.15-0.20
    "nice_skills": 0.00,  # share of nice-to-have skills: 0 in every fold (it only echoes required_skills);
    # still computed and shown, a user can weigh it (MATCHFLOW_SCORE_WEIGHTS)
    "title": 0.23,  # candidate's roles vs the job title; 0.21-0.40 across the folds
    "experience": 0.00,  # related years vs the level the job expects: 0 in every fold (category and application
    # labels do not reward years; only the 9-vacancy hire set does, and it costs that set, docs/quality.md)
    "location": 0.10,  # same city / remote-compatible (hand weight, not fitted)
    "salary": 0.05,  # candidate's expectation vs the job's range (hand weight, not fitted)
})
FEATURES = tuple(DEFAULT_WEIGHTS)

NEUTRAL = 0.5  # a feature whose inputs are unknown neither helps nor hurts

# Optional cross-encoder: final = (1 - w) * feature score + w * sigmoid(cross-encoder logit).
CROSS_ENCODER_WEIGHT = 0.3

# Reciprocal rank fusion of the vector and full-text result lists: score = sum 1 / (RRF_K + rank).
RRF_K = 60

# Years of experience each seniority expects: (minimum, maximum or None for open-ended).
SENIORITY_YEARS: MappingProxyType[str, tuple[float, float | None]] = MappingProxyType({
    "intern": (0.0, 0.0),
    "junior": (0.0, 2.0),
    "middle": (2.0, 5.0),
    "senior": (5.0, None),
    "lead": (7.0, None),
    "head": (10.0, None),
})
# A job that names no level: experience counts with diminishing returns, 1 - exp(-years / this), so 2 years
# give 0.33, 5 give 0.63, 10 give 0.86 and past 15 nothing more is gained (long careers are not favoured
# without end: years stand in for age there).
EXPERIENCE_DEPTH_YEARS = 5.0
OVERQUALIFIED_SLACK_YEARS = 3.0  # years past the range before any over-qualification penalty
OVERQUALIFIED_PENALTY_PER_YEAR = 0.05
OVERQUALIFIED_FLOOR = 0.7  # over-qualification costs at most 30 % of the experience feature

# Salary: a candidate asking this fraction above the job's maximum scores 0 on salary.
SALARY_GAP_TO_ZERO = 0.5
SALARY_PERIOD_FACTORS: MappingProxyType[str, float] = MappingProxyType({
    "year": 1.0, "month": 12.0, "week": 52.0, "day": 260.0, "hour": 2080.0,
})

# Location scores.
LOCATION_SAME_CITY = 1.0
LOCATION_REMOTE = 1.0  # remote job, candidate open to remote
LOCATION_REMOTE_BUT_WANTS_ONSITE = 0.7
LOCATION_HYBRID_OTHER_CITY = 0.2
LOCATION_ONSITE_OTHER_CITY = 0.1  # candidates do relocate, so not zero
LOCATION_SAME_CITY_BUT_WANTS_REMOTE = 0.8

# Reverse score (how well the job fits the candidate's wishes), weights summing to 1.
REVERSE_WEIGHTS: MappingProxyType[str, float] = MappingProxyType({
    "salary": 0.4, "location": 0.3, "title": 0.3,
})

# Match-quality bands on the 0-100 score.
STRONG_MATCH_THRESHOLD = 75
GOOD_MATCH_THRESHOLD = 60
WEAK_MATCH_THRESHOLD = 40

# Sentiment label cut-offs on the [-1, 1] score.
SENTIMENT_POSITIVE_THRESHOLD = 0.05
SENTIMENT_NEGATIVE_THRESHOLD = -0.05


def validate_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Check user weights and renormalise them to sum to 1; categories left out count as 0.

    Raises ValueError for an unknown category (typos would otherwise be ignored silently), a
    negative or non-finite weight, or weights that are all zero.
    """
    unknown = sorted(set(weights) - set(FEATURES))
    if unknown:
        raise ValueError(f"unknown weight categories {unknown}; known categories: {list(FEATURES)}")
    cleaned: dict[str, float] = {}
    for name in FEATURES:
        value = float(weights.get(name, 0.0))
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"weight {name!r} must be a finite number >= 0, got {weights.get(name)!r}")
        cleaned[name] = value
    total = sum(cleaned.values())
    if total <= 0:
        raise ValueError("at least one weight must be greater than 0")
    return {name: value / total for name, value in cleaned.items()}
