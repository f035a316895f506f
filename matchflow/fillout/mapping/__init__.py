"""Turning Fillout submissions into candidate and company records.

Which question feeds which field lives in a TOML file (config/fillout_mapping.toml,
whose comments explain the alias rules and how several jobs fit in one form). Mapping
never raises on what respondents sent: every value of the wrong shape, every missing
required answer becomes a line in the returned `problems`, and the field stays empty.
Problem messages never quote answers (they may hold personal data).

Modules, one concept each:

    config.py     the mapping file: field names, loading and checking the TOML
    records.py    CandidateSubmission, CompanySubmission, JobPosting
    questions.py  the question behind a field: name matching, job numbers, the Reader
    readers.py    one answer read as text, a list, a date, an e-mail, a phone, a work mode, files
    money.py      numbers, currencies, periods and salary phrases
    candidate.py  map_candidate
    company.py    map_company and its job blocks
"""

from matchflow.fillout.mapping.candidate import map_candidate
from matchflow.fillout.mapping.company import MAX_JOBS, map_company
from matchflow.fillout.mapping.config import (
    CANDIDATE_FIELDS,
    COMPANY_FIELDS,
    DEFAULT_MAPPING_PATH,
    JOB_FIELDS,
    FilloutMapping,
    load_mapping,
)
from matchflow.fillout.mapping.money import parse_salary_text, read_currency, read_number, read_period
from matchflow.fillout.mapping.questions import normalize_name, split_job_number
from matchflow.fillout.mapping.readers import (
    read_date,
    read_email,
    read_files,
    read_list,
    read_phone,
    read_remote,
    read_text,
)
from matchflow.fillout.mapping.records import CandidateSubmission, CompanySubmission, JobPosting

__all__ = [
    "CANDIDATE_FIELDS",
    "COMPANY_FIELDS",
    "DEFAULT_MAPPING_PATH",
    "JOB_FIELDS",
    "MAX_JOBS",
    "CandidateSubmission",
    "CompanySubmission",
    "FilloutMapping",
    "JobPosting",
    "load_mapping",
    "map_candidate",
    "map_company",
    "normalize_name",
    "parse_salary_text",
    "read_currency",
    "read_date",
    "read_email",
    "read_files",
    "read_list",
    "read_number",
    "read_period",
    "read_phone",
    "read_remote",
    "read_text",
    "split_job_number",
]
