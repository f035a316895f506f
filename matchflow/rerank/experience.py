"""The experience feature: how well the candidate's years fit the level and minimum the job asks for.

On its own because it is the one feature with a shaped curve (a range, a shortfall ratio, a soft
over-qualification penalty, diminishing returns), all tuned by constants in matchflow.scoring.
"""

from __future__ import annotations

import math

from matchflow import scoring
from matchflow.scoring import NEUTRAL

__all__ = ["experience_fit"]


def experience_fit(
    years: float | None, seniority: str | None, minimum_years: float | None = None, relevance: float = 1.0,
) -> float:
    """How well `years` of experience fit what the job asks for.

    A job that names a level (scoring.SENIORITY_YEARS, its minimum raised to `minimum_years` when the
    job states more): inside the range 1; short of it years / minimum (4 years for a 5+ role gives 0.8);
    far past a bounded range a slight over-qualification penalty, never below OVERQUALIFIED_FLOOR.

    A job that names no level still prefers experience, with diminishing returns:
    1 - exp(-years / EXPERIENCE_DEPTH_YEARS), which stops growing after about 15 years; a stated
    minimum ("от 2 лет", "3+ years") scales it down by years / minimum below that minimum and sets
    no maximum. Only related experience counts: the value is multiplied by `relevance` in [0, 1] (the
    title feature: how close the candidate's roles are to the job's), so ten years as a chef earn a
    backend job nothing. Unknown years: NEUTRAL.
    """
    if years is None:
        return NEUTRAL
    years = max(0.0, float(years))
    minimum = float(minimum_years) if minimum_years and minimum_years > 0 else None
    if seniority not in scoring.SENIORITY_YEARS:
        depth = 1.0 - math.exp(-years / scoring.EXPERIENCE_DEPTH_YEARS)
        related = min(1.0, max(0.0, float(relevance)))
        return related * (depth * min(1.0, years / minimum) if minimum else depth)
    low, high = scoring.SENIORITY_YEARS[seniority]
    low = max(low, minimum or 0.0)
    if high is not None and high < low:
        high = low
    if years < low:
        return years / low
    if high is not None and years > high + scoring.OVERQUALIFIED_SLACK_YEARS:
        over = years - high - scoring.OVERQUALIFIED_SLACK_YEARS
        return max(scoring.OVERQUALIFIED_FLOOR, 1.0 - scoring.OVERQUALIFIED_PENALTY_PER_YEAR * over)
    return 1.0
