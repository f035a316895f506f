"""Fillout source: API client, submission models, file downloads, question mapping.

Plain library code; the Prefect tasks in tasks/ wrap it. Typical use:

    with FilloutClient(key, base_url="eu") as api, httpx.Client(timeout=30) as files:
        mapping = load_mapping()
        for sub in api.iter_submissions(form_id, after=watermark):
            candidate, problems = map_candidate(sub, mapping)
            for ref in candidate.resume_files:
                doc = download_file(files, ref, allowed_hosts=hosts)
"""

from matchflow.fillout.client import DEFAULT_BASE_URL, REGIONS, FilloutClient, resolve_base_url
from matchflow.fillout.errors import (
    DownloadFailure,
    FileDownloadError,
    FilloutAuthError,
    FilloutClientError,
    FilloutConfigError,
    FilloutError,
    FilloutHTTPError,
    FilloutNotFoundError,
    FilloutProtocolError,
    FilloutRateLimitError,
    FilloutServerError,
    FilloutTransportError,
)
from matchflow.fillout.files import DownloadedFile, FileRef, download_file, parse_file_values
from matchflow.fillout.mapping import (
    CandidateSubmission,
    CompanySubmission,
    FilloutMapping,
    JobPosting,
    load_mapping,
    map_candidate,
    map_company,
)
from matchflow.fillout.masking import mask_text, mask_url
from matchflow.fillout.models import FilloutForm, FilloutQuestion, FilloutSubmission

__all__ = [
    "DEFAULT_BASE_URL",
    "REGIONS",
    "CandidateSubmission",
    "CompanySubmission",
    "DownloadFailure",
    "DownloadedFile",
    "FileDownloadError",
    "FileRef",
    "FilloutAuthError",
    "FilloutClient",
    "FilloutClientError",
    "FilloutConfigError",
    "FilloutError",
    "FilloutForm",
    "FilloutHTTPError",
    "FilloutMapping",
    "FilloutNotFoundError",
    "FilloutProtocolError",
    "FilloutQuestion",
    "FilloutRateLimitError",
    "FilloutServerError",
    "FilloutSubmission",
    "FilloutTransportError",
    "JobPosting",
    "download_file",
    "load_mapping",
    "map_candidate",
    "map_company",
    "mask_text",
    "mask_url",
    "parse_file_values",
    "resolve_base_url",
]
