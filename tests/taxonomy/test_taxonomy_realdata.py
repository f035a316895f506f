"""The matchers on real documents from ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from matchflow.taxonomy import SkillMatcher

pytestmark = pytest.mark.realdata

# Skill categories a resume of each category should show at least one of.
EXPECTED = {
    "ACCOUNTANT": {"accounting"},
    "ADVOCATE": {"legal"},
    "AGRICULTURE": {"agriculture"},
    "APPAREL": {"apparel", "sales"},
    "ARTS": {"arts", "design", "video"},
    "AUTOMOBILE": {"automotive"},
    "AVIATION": {"aviation"},
    "BANKING": {"banking", "finance"},
    "BPO": {"customer_service"},
    "BUSINESS-DEVELOPMENT": {"business_development", "sales"},
    "CHEF": {"culinary", "hospitality"},
    "CONSTRUCTION": {"construction"},
    "CONSULTANT": {"management", "business_analysis", "business_development", "operations"},
    "DESIGNER": {"design", "video"},
    "DIGITAL-MEDIA": {"digital_media", "video", "design", "marketing"},
    "ENGINEERING": {"engineering", "engineering_it"},
    "FINANCE": {"finance", "accounting"},
    "FITNESS": {"fitness"},
    "HEALTHCARE": {"healthcare"},
    "HR": {"hr"},
    "INFORMATION-TECHNOLOGY": {"networking", "systems", "engineering_it", "programming_language", "database",
                               "security", "tools", "cloud"},
    "PUBLIC-RELATIONS": {"public_relations", "marketing", "digital_media"},
    "SALES": {"sales"},
    "TEACHER": {"education"},
}  # fmt: skip


@pytest.fixture(scope="module")
def fixture_texts(shared_data: Path) -> dict[str, str]:
    from pdfminer.high_level import extract_text

    folder = shared_data / "resumes_pdf" / "fixtures"
    pdfs = sorted(folder.glob("*/*.pdf"))
    if not pdfs:
        pytest.skip(f"no fixture PDFs under {folder}")
    return {pdf.parent.name: extract_text(pdf) for pdf in pdfs}


def test_skills_found_in_most_fixture_resumes(fixture_texts: dict[str, str]) -> None:
    matcher = SkillMatcher.default()
    with_skills = [c for c, text in fixture_texts.items() if len(matcher.find(text)) >= 3]
    assert len(with_skills) >= 0.8 * len(fixture_texts), sorted(set(fixture_texts) - set(with_skills))
    for text in fixture_texts.values():
        for hit in matcher.find(text):
            assert text[hit.start : hit.end].strip(), hit


def test_fixture_resumes_show_skills_of_their_profession(fixture_texts: dict[str, str]) -> None:
    matcher = SkillMatcher.default()
    on_topic = [
        category
        for category, text in fixture_texts.items()
        if EXPECTED.get(category, set()) & {hit.category for hit in matcher.find(text)}
    ]
    assert len(on_topic) >= 0.75 * len(fixture_texts), sorted(set(fixture_texts) - set(on_topic))


def test_russian_key_skills_are_recognised(shared_data: Path) -> None:
    path = shared_data / "talent_match_ru" / "dev.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    vacancies = json.loads(path.read_text(encoding="utf-8"))
    matcher = SkillMatcher.default()
    items = [
        item.strip()
        for vacancy in vacancies
        for key in ("confirmed_resumes", "failed_resumes")
        for resume in vacancy.get(key) or []
        for item in str(resume.get("key_skills") or "").split(",")
        if item.strip()
    ]
    known = [item for item in items if matcher.canonical(item)]
    assert len(items) > 500
    assert len(known) >= 0.75 * len(items)


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [("google_job_skills_semicolon.csv", ";"), ("linkedin_arshkon_sample1000.csv", ",")],
)
def test_job_postings_yield_skills(shared_data: Path, name: str, delimiter: str) -> None:
    path = shared_data / "jobs" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = [row for _, row in zip(range(200), csv.DictReader(handle, delimiter=delimiter), strict=False)]
    matcher = SkillMatcher.default()
    texts = [" ".join(v for v in row.values() if isinstance(v, str)) for row in rows]
    assert len(texts) == 200
    with_skills = sum(1 for text in texts if len(matcher.find(text)) >= 3)
    assert with_skills >= 0.8 * len(texts)
