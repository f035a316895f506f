"""The salary feature: how much of the candidate's expected range the job can pay.

Amounts are compared per year; different currencies are not compared at all (no exchange rates here),
so they score NEUTRAL rather than a guess.
"""

from __future__ import annotations

import numpy as np

from matchflow import scoring
from matchflow.domain import SalaryRange
from matchflow.scoring import NEUTRAL

__all__ = ["annual_range", "salary_fit"]


def annual_range(salary: SalaryRange | None) -> tuple[float, float] | None:
    """(low, high) per year, or None when no amount is known; a missing bound copies the other."""
    if salary is None or (salary.minimum is None and salary.maximum is None):
        return None
    factor = scoring.SALARY_PERIOD_FACTORS.get((salary.period or "year").casefold(), 1.0)
    low = salary.minimum if salary.minimum is not None else salary.maximum
    high = salary.maximum if salary.maximum is not None else salary.minimum
    low, high = sorted((float(low) * factor, float(high) * factor))
    return low, high


def salary_fit(wanted: SalaryRange | None, offered: SalaryRange | None) -> float:
    """How much of the candidate's expected range the job can pay, softly.

    Every amount in the candidate's range scores 1 when at or below the job's maximum, falling
    linearly to 0 at SALARY_GAP_TO_ZERO (50 %) above it; the feature is the mean over the range.
    A job with only a minimum ("from 100k") is open-ended. Unknown amounts or different
    currencies score NEUTRAL (no exchange rates here).
    """
    want = annual_range(wanted)
    if want is None or offered is None or (offered.minimum is None and offered.maximum is None):
        return NEUTRAL
    assert wanted is not None
    if wanted.currency and offered.currency and wanted.currency.upper() != offered.currency.upper():
        return NEUTRAL
    factor = scoring.SALARY_PERIOD_FACTORS.get((offered.period or "year").casefold(), 1.0)
    if offered.maximum is None:
        return 1.0
    top = float(offered.maximum) * factor
    if top <= 0:
        return NEUTRAL
    amounts = np.linspace(want[0], want[1], 65)
    gap = np.clip((amounts - top) / (top * scoring.SALARY_GAP_TO_ZERO), 0.0, 1.0)
    return float(np.mean(1.0 - gap))
