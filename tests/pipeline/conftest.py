"""Fixtures for pipeline tests: folders of generated documents and the sample set shipped in the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def pipeline_settings(settings, tmp_path):
    """Session settings with a per-test file store."""
    return settings.model_copy(update={"file_store": tmp_path / "files"})
