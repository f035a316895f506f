"""Fillout question mapping (being split into modules; see readers.py for now)."""

from matchflow.fillout.mapping.readers import *  # noqa: F403
from matchflow.fillout.mapping.readers import (  # noqa: F401
    CandidateSubmission,
    CompanySubmission,
    FilloutMapping,
    JobPosting,
    load_mapping,
    map_candidate,
    map_company,
    parse_salary_text,
    split_job_number,
)
