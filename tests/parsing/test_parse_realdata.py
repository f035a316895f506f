"""Parsing real documents from ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from matchflow.dedup import compute_hashes
from matchflow.domain import DocumentError, ParsedDocument
from matchflow.parsing import parse_document, parse_many
from tests.factories.documents import make_docx

pytestmark = pytest.mark.realdata


def _items(folder: Path, pattern: str) -> list[tuple[str, bytes]]:
    return [(str(p.relative_to(folder)), p.read_bytes()) for p in sorted(folder.glob(pattern))]


def _parse_all(folder: Path, pattern: str) -> dict[str, ParsedDocument | DocumentError]:
    items = _items(folder, pattern)
    assert items, f"no files matched {pattern} under {folder}"
    return dict(zip([name for name, _ in items], parse_many(items, workers=2), strict=True))


def test_fixture_pdfs_all_parse(shared_data: Path) -> None:
    results = _parse_all(shared_data / "resumes_pdf" / "fixtures", "*/*.pdf")
    failed = {name: str(r) for name, r in results.items() if isinstance(r, DocumentError)}
    assert not failed
    assert len(results) == 24
    for name, parsed in results.items():
        assert isinstance(parsed, ParsedDocument)
        assert parsed.language == "en", name
        assert parsed.page_count and parsed.page_count >= 1
        assert {"experience", "education", "skills"} & parsed.sections.keys(), name


@pytest.mark.slow
def test_all_dev_pdfs_parse(shared_data: Path) -> None:
    # ~70 s for 489 files with 2 worker processes on 2 cores (measured): hence "slow".
    results = _parse_all(shared_data / "resumes_pdf" / "dev", "*/*.pdf")
    assert len(results) == 489
    failed = {name: str(r) for name, r in results.items() if isinstance(r, DocumentError)}
    assert not failed


def test_every_docx_parses_and_empty_ones_are_listed(shared_data: Path) -> None:
    results = _parse_all(shared_data / "resumes_docx", "*.docx")
    assert len(results) == 65
    no_text = sorted(name for name, r in results.items() if isinstance(r, DocumentError))
    print("DOCX without text:", no_text or "none")  # noqa: T201 - the list is the point of this test
    assert all(r.reason.value == "no_text" for r in results.values() if isinstance(r, DocumentError))
    assert len(no_text) <= 3
    assert sum(isinstance(r, ParsedDocument) and "skills" in r.sections for r in results.values()) >= 40


def test_real_resumes_have_distinct_content_hashes(shared_data: Path) -> None:
    # The data README mentions two pairs of identical texts; this copy of the set has none
    # (checked when these tests were written: no pair shares even 90% of its words), so every
    # content hash must be distinct; a collision here would be a dedup false positive.
    results = _parse_all(shared_data / "resumes_pdf" / "fixtures", "*/*.pdf")
    hashes = {
        name: compute_hashes(b"", r.text, {}).content_hash
        for name, r in results.items()
        if isinstance(r, ParsedDocument)
    }
    assert len(set(hashes.values())) == len(hashes)


def test_a_real_resume_resaved_as_docx_is_a_content_duplicate(shared_data: Path) -> None:
    pdf_paths = sorted((shared_data / "resumes_pdf" / "fixtures").glob("*/*.pdf"))[:3]
    for path in pdf_paths:
        pdf_bytes = path.read_bytes()
        text = parse_document(pdf_bytes).text
        docx_bytes = make_docx(text.splitlines())  # the same resume, re-typed into Word
        original = compute_hashes(pdf_bytes, text, {})
        copy = compute_hashes(docx_bytes, parse_document(docx_bytes).text, {})
        assert copy.content_hash == original.content_hash, path.name
        assert copy.file_hash != original.file_hash
    texts = [parse_document(p.read_bytes()).text for p in pdf_paths]
    for a, b in itertools.combinations(texts, 2):
        assert compute_hashes(b"", a, {}).content_hash != compute_hashes(b"", b, {}).content_hash
