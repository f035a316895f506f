"""The shipped sample resumes and jobs: present, readable, in agreement with their source, fictional.

These read the committed files under samples/ with the same libraries the parsers use
(pdfminer.six, python-docx), so a broken or stale sample fails here before the demo does.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from docx import Document
from pdfminer.high_level import extract_pages, extract_text

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SCRIPT = REPO / "scripts" / "make_samples.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = _load_script()
RESUMES, JOBS = MAKE.load_source(SAMPLES / "source")
MANIFEST: dict[str, Any] = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
ENTRIES = {e["id"]: e for e in MANIFEST["resumes"] + MANIFEST["jobs"]}
SOURCE = {r["id"]: r for r in RESUMES + JOBS}


def _norm(text: str) -> str:
    """Collapse all whitespace: PDFs wrap lines and columns where the source has spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _docx_text(path: Path) -> tuple[str, str]:
    """(body text incl. tables, header text) of a DOCX, as python-docx sees them."""
    doc = Document(str(path))
    body = [p.text for p in doc.paragraphs]
    body += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    header = [p.text for section in doc.sections for p in section.header.paragraphs]
    return "\n".join(body), "\n".join(header)


def _file_entries(fmt: str) -> list[dict[str, Any]]:
    return [e for e in MANIFEST["resumes"] + MANIFEST["jobs"] if e["format"] == fmt]


def test_expected_counts_languages_and_formats() -> None:
    resume_files = sorted((SAMPLES / "resumes").iterdir())
    job_files = [p for p in (SAMPLES / "jobs").iterdir() if p.suffix != ".csv"]
    assert len(resume_files) >= 30
    assert len(job_files) >= 15
    assert len(resume_files) == len(RESUMES)
    for kind in ("resumes", "jobs"):
        entries = MANIFEST[kind]
        russian = [e for e in entries if e["lang"] == "ru"]
        assert 0.15 <= len(russian) / len(entries) <= 0.35, f"{kind}: about a quarter should be Russian"
        formats = {e["format"] for e in entries}
        assert {"pdf", "docx"} <= formats, f"{kind} need both PDF and DOCX"
        assert {e["format"] for e in russian} >= {"pdf", "docx"}
    assert {"txt", "md", "csv"} <= {e["format"] for e in MANIFEST["jobs"]}
    for entry in MANIFEST["resumes"] + MANIFEST["jobs"]:
        assert (SAMPLES / entry["file"]).is_file(), entry


def test_sizes_stay_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024


@pytest.mark.parametrize("entry", _file_entries("pdf"), ids=lambda e: e["id"])
def test_pdf_text_contains_its_title_line(entry: dict[str, Any]) -> None:
    record = SOURCE[entry["id"]]
    text = _norm(extract_text(str(SAMPLES / entry["file"])))
    assert _norm(record["title"]) in text
    if "name" in record:
        assert _norm(record["name"]) in text
    if record["lang"] == "ru":
        assert "Опыт работы" in text or "Обязанности" in text


@pytest.mark.parametrize("entry", _file_entries("docx"), ids=lambda e: e["id"])
def test_docx_text_contains_its_title_line(entry: dict[str, Any]) -> None:
    record = SOURCE[entry["id"]]
    body, header = _docx_text(SAMPLES / entry["file"])
    assert _norm(record["title"]) in _norm(body)
    if entry.get("layout") == "header_contacts":
        # the layout's point: the contact block lives only in the page header
        assert record["email"] in header and record["email"] not in body
    if record["lang"] == "ru":
        assert "Ключевые навыки" in body or "Обязанности" in body


@pytest.mark.parametrize("entry", _file_entries("txt") + _file_entries("md"), ids=lambda e: e["id"])
def test_text_jobs_contain_title_and_sections(entry: dict[str, Any]) -> None:
    record = SOURCE[entry["id"]]
    text = (SAMPLES / entry["file"]).read_text(encoding="utf-8")
    assert text.splitlines()[0].lstrip("# ") == record["title"]
    for requirement in record["requirements"]:
        assert requirement in text


def test_jobs_csv_rows_match_source() -> None:
    with (SAMPLES / "jobs" / "jobs.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["job_id", "title", "company", "location", "remote", "salary_min",
                                     "salary_max", "currency", "description"]
        rows = list(reader)
    csv_jobs = [j for j in JOBS if j["format"] == "csv"]
    assert len(rows) == len(csv_jobs) >= 5
    for row, job in zip(rows, csv_jobs, strict=True):
        assert row["job_id"] == job["id"] and row["title"] == job["title"]
        assert row["remote"] in {"remote", "hybrid", "onsite"}
        assert int(row["salary_min"]) <= int(row["salary_max"])
        assert job["requirements"][0] in row["description"]


def test_some_pdfs_run_over_several_pages() -> None:
    pages = [len(list(extract_pages(str(SAMPLES / e["file"])))) for e in _file_entries("pdf")]
    assert max(pages) >= 2


def test_ground_truth_names_existing_resumes() -> None:
    resume_ids = {r["id"] for r in RESUMES}
    for job in JOBS:
        good, partial = job["good_fit"], job.get("partial_fit", [])
        assert 2 <= len(good) <= 5, job["id"]
        assert set(good) <= resume_ids and set(partial) <= resume_ids, job["id"]
        assert not set(good) & set(partial), job["id"]
        assert ENTRIES[job["id"]]["good_fit"] == good


def test_contacts_are_fictional() -> None:
    email = re.compile(r"^[\w.+-]+@example\.(com|org|net)$")
    phone = re.compile(r"^(\(\d{3}\) 555-01\d\d|\+7 \(900\) 000-00-\d\d)$")
    for resume in RESUMES:
        assert email.match(resume["email"]), resume["id"]
        assert phone.match(str(resume["phone"])), resume["id"]
        for link in resume.get("links", []):
            assert re.match(r"^https://[\w.-]+\.example\.(com|org|net)(/|$)", link), link


def test_source_rejects_unknown_ground_truth_ids(tmp_path: Path) -> None:
    (tmp_path / "resumes.yaml").write_text((SAMPLES / "source" / "resumes.yaml").read_text("utf-8"), "utf-8")
    jobs = (SAMPLES / "source" / "jobs.yaml").read_text("utf-8").replace("good_fit: [r01, r02]",
                                                                         "good_fit: [r01, r99]", 1)
    (tmp_path / "jobs.yaml").write_text(jobs, "utf-8")
    with pytest.raises(ValueError, match="r99"):
        MAKE.load_source(tmp_path)


@pytest.mark.skipif(not (MAKE.FONT_DIR / "DejaVuSans.ttf").is_file(), reason="DejaVu fonts not installed")
def test_regenerating_gives_the_committed_bytes(tmp_path: Path) -> None:
    """Proves the generator is deterministic and the committed files are not stale."""
    MAKE.build(tmp_path, SAMPLES / "source")
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*")
                       if p.is_file() and p.parent.name != "source" and p.name != "README.md")
    assert generated == committed
    stale = [str(rel) for rel in generated if (tmp_path / rel).read_bytes() != (SAMPLES / rel).read_bytes()]
    assert not stale, f"run `python scripts/make_samples.py`: stale {stale}"
