"""The shared data folder, for the evaluation tests that read one of its labelled sets."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def categories_data(shared_data: Path) -> Path:
    """The folder, holding the labelled English resume PDFs of the category set."""
    if not (shared_data / "resumes_pdf" / "labels.csv").is_file():
        pytest.skip(f"{shared_data}/resumes_pdf/labels.csv is absent")
    return shared_data


@pytest.fixture(scope="session")
def talent_match_data(shared_data: Path) -> Path:
    """The folder, holding the Russian vacancies and applicants of the hire and applicant sets."""
    if not (shared_data / "talent_match_ru" / "dev.json").is_file():
        pytest.skip(f"{shared_data}/talent_match_ru/dev.json is absent")
    return shared_data
