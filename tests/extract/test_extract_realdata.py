"""Extraction on real resumes from ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchflow.domain import DocumentKind, ParsedDocument
from matchflow.extract import extract_fields
from matchflow.parsing import parse_many

pytestmark = pytest.mark.realdata


def _parsed(folder: Path, pattern: str) -> list[ParsedDocument]:
    items = [(p.name, p.read_bytes()) for p in sorted(folder.glob(pattern))]
    return [r for r in parse_many(items, workers=2) if isinstance(r, ParsedDocument)]


@pytest.mark.parametrize(
    ("sub", "pattern"), [("resumes_pdf/fixtures", "*/*.pdf"), ("resumes_docx", "*.docx")]
)
def test_skills_found_in_most_real_resumes(shared_data: Path, sub: str, pattern: str) -> None:
    docs = _parsed(shared_data / sub, pattern)
    assert docs
    fields = [extract_fields(doc, DocumentKind.RESUME) for doc in docs]
    with_skills = sum(bool(f.skills) for f in fields)
    assert with_skills / len(docs) >= 0.8
    for doc, f in zip(docs, fields, strict=True):
        for hit in f.skills:
            assert doc.text[hit.start : hit.end].strip(), hit


def test_real_pdf_resumes_have_titles_and_experience(shared_data: Path) -> None:
    docs = _parsed(shared_data / "resumes_pdf" / "fixtures", "*/*.pdf")
    fields = [extract_fields(doc, DocumentKind.RESUME) for doc in docs]
    assert sum(bool(f.titles) for f in fields) >= 0.9 * len(docs)
    assert sum(f.years_experience is not None for f in fields) >= 0.8 * len(docs)
    assert all(f.years_experience is None or 0 < f.years_experience <= 50 for f in fields)
