"""The applicant evaluation on the real talent_match_ru/dev.json: the labels, then one run end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchflow.evaluation.applicant_runner import run_applicants
from matchflow.evaluation.applicants import RELEVANCES, applicant_set
from matchflow.evaluation.ranker_names import RANKERS
from matchflow.settings import get_settings

pytestmark = pytest.mark.realdata


def test_every_vacancy_has_applicants_and_a_family_with_resumes(talent_match_data: Path):
    applicants = applicant_set(talent_match_data)
    assert len(applicants.vacancies) == 9
    assert len({r.key for r in applicants.resumes}) == len(applicants.resumes) <= 126
    for vacancy in applicants.vacancies:
        assert vacancy.family is not None, vacancy.title
        assert applicants.relevant(vacancy, "applied")
        assert applicants.relevant(vacancy, "family")
    # the families are labels, not a catch-all: not every resume is in one
    assert applicants.family_sizes().get("-", 0) < len(applicants.resumes)


@pytest.fixture(scope="module")
def embedder():
    from matchflow.embedding import Embedder

    return Embedder.load("sentence-transformers/all-MiniLM-L6-v2", device="cpu")


@pytest.mark.slow  # about 2.5 min on 2 cores: parse and embed 135 documents, then three rankers
def test_applicant_evaluation_has_the_report_shape_and_sane_figures(talent_match_data: Path, embedder, tmp_path: Path):
    report = run_applicants(talent_match_data, tmp_path / "eval", embedder, settings=get_settings())
    assert report["dataset"] == "applicants" and report["k"] == 10 and report["vacancies"] == 9
    assert 0 < report["searchable_resumes"] <= report["resumes"]
    assert (tmp_path / "eval" / "applicants" / "pgdata").is_dir()
    assert set(report["relevances"]) == set(RELEVANCES)
    for relevance in RELEVANCES:
        for name in RANKERS:
            scored = report["relevances"][relevance][name]
            assert len(scored["per_vacancy"]) == 9 and scored["mean"]["vacancies"] == 9
            for row in scored["per_vacancy"]:
                assert row["relevant"] > 0 and 0.0 <= row["precision"] <= 1.0 and 0.0 <= row["ndcg"] <= 1.0
            assert 0.0 <= scored["mean"]["precision"] <= 1.0 and 0.0 <= scored["mean"]["ndcg"] <= 1.0
    # a vacancy's applicants are 9 to 24 of all the resumes: any ranker better than chance finds some
    assert max(report["relevances"]["applied"][n]["mean"]["precision"] for n in RANKERS) > 0.1
