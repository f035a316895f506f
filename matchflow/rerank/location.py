"""The location feature: same city, or a remote job the candidate accepts.

Work mode and city come from the shared rules (matchflow.textrules.work_mode and
matchflow.taxonomy.places), so the reranker reads "удалённо" or "СПб" the way extraction and the
Fillout forms do; this module only weighs them.
"""

from __future__ import annotations

from matchflow import scoring
from matchflow.scoring import NEUTRAL
from matchflow.taxonomy.places import normalise_city
from matchflow.textrules.work_mode import answer_work_mode

__all__ = ["location_fit"]


def location_fit(
    candidate_location: str | None, remote_preference: str | None, job_location: str | None,
    job_remote: str | None,
) -> float:
    """Same city or a remote job the candidate accepts scores high; unknown either side is NEUTRAL."""
    preference = answer_work_mode(remote_preference) or answer_work_mode(candidate_location)
    mode = answer_work_mode(job_remote) or answer_work_mode(job_location)
    if mode == "remote":
        return scoring.LOCATION_REMOTE_BUT_WANTS_ONSITE if preference == "onsite" else scoring.LOCATION_REMOTE
    mine, theirs = normalise_city(candidate_location), normalise_city(job_location)
    if mine is None or theirs is None:
        return NEUTRAL
    if mine == theirs:
        if preference == "remote" and mode == "onsite":
            return scoring.LOCATION_SAME_CITY_BUT_WANTS_REMOTE
        return scoring.LOCATION_SAME_CITY
    if mode == "hybrid":
        return scoring.LOCATION_HYBRID_OTHER_CITY
    return scoring.LOCATION_ONSITE_OTHER_CITY
