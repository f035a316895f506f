"""The category evaluation end to end on a small real subset: 3 categories x 5 resume PDFs, 2 postings each."""

from __future__ import annotations

import pytest

from matchflow.evaluation.rankers import RANKERS
from matchflow.evaluation.runners import run_categories
from matchflow.settings import get_settings

CATEGORIES = ["ACCOUNTANT", "HR", "TEACHER"]

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def embedder():
    from matchflow.embedding import Embedder

    return Embedder.load("sentence-transformers/all-MiniLM-L6-v2", device="cpu")


def test_small_category_evaluation_has_the_report_shape_and_reuses_its_database(categories_data, embedder, tmp_path):
    def run():
        return run_categories(categories_data, tmp_path / "eval", embedder, settings=get_settings(),
                              limit_resumes=5, categories=CATEGORIES, postings_per_category=2)

    report = run()
    assert report["resumes"] == 15 and report["postings"] == 6
    assert set(report["variants"]) == {"full", "no-first-line"}
    for variant in report["variants"].values():
        assert 0 < variant["searchable"]["resumes"] <= 15 and variant["searchable"]["postings"] == 6
        for direction in ("job_to_resumes", "resume_to_jobs"):
            for name in RANKERS:
                scored = variant[direction][name]
                assert set(scored["per_category"]) == set(CATEGORIES)
                assert 0.0 <= scored["mean"]["precision"] <= 1.0 and 0.0 <= scored["mean"]["ndcg"] <= 1.0
    # job -> resumes: 6 queries; each category has at most 5 relevant resumes, so P@10 <= 0.5
    by_job = report["variants"]["full"]["job_to_resumes"]["pipeline"]
    assert by_job["mean"]["queries"] == 6 and by_job["mean"]["precision"] <= 0.5
    # the evaluation lives in its own folder, and a second run finds every document already stored
    assert (tmp_path / "eval" / "categories-full" / "pgdata").is_dir()
    again = run()
    assert again["variants"]["full"]["documents"] == report["variants"]["full"]["documents"]
    assert again["variants"]["no-first-line"]["documents"] == report["variants"]["no-first-line"]["documents"]
