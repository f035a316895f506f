"""rerank(): ordering, weights, and the optional cross-encoder with a tiny locally trained model."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from matchflow.rerank import CrossEncoderScorer, compute_skill_idf, rerank
from matchflow.scoring import DEFAULT_WEIGHTS, FEATURES, SCORING_VERSION, validate_weights
from tests.rerank.builders import make_candidate, usd

JOB = dict(
    job_id="job-1", required=("Python", "Django", "PostgreSQL", "Kubernetes"), nice=("Redis",),
    job_title="Senior Backend Engineer", seniority="senior", job_location="Berlin", job_remote="hybrid",
    offered=usd(90_000, 120_000), job_text="senior python backend developer job",
)


def _strong():
    return make_candidate(
        resume_id="strong", resume_skills=("Python", "Django", "PostgreSQL", "Kubernetes", "Redis"),
        resume_titles=("Backend Developer",), years=7, resume_location="Berlin", wanted=usd(100_000, 110_000),
        similarity=0.7, resume_text="senior python engineer kubernetes postgresql", **JOB,
    )


def _middling():
    return make_candidate(
        resume_id="middling", resume_skills=("Python", "Django"), resume_titles=("Python Developer",),
        years=3, resume_location="Munich", wanted=usd(115_000, 130_000), similarity=0.55,
        resume_text="python django backend developer", **JOB,
    )


def _pastry():
    return make_candidate(
        resume_id="pastry", resume_skills=("Baking",), resume_titles=("Pastry Chef",), years=10,
        resume_location="Hamburg", similarity=0.1, resume_text="pastry chef baking cakes", **JOB,
    )


def test_default_weights_sum_to_one() -> None:
    assert set(DEFAULT_WEIGHTS) == set(FEATURES)
    assert math.isclose(sum(DEFAULT_WEIGHTS.values()), 1.0)
    assert all(w >= 0 for w in DEFAULT_WEIGHTS.values())


def test_validate_weights_renormalises_and_fills_missing_with_zero() -> None:
    weights = validate_weights({"semantic": 2, "required_skills": 2})
    assert weights["semantic"] == weights["required_skills"] == 0.5
    assert weights["salary"] == 0.0
    assert math.isclose(sum(weights.values()), 1.0)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"semantic": 1, "skils": 1}, r"unknown weight categories \['skils'\]"),
        ({"semantic": -0.1, "title": 1}, "'semantic' must be a finite number >= 0"),
        ({"semantic": float("nan")}, "finite"),
        ({"semantic": 0, "title": 0}, "at least one weight"),
    ],
)
def test_validate_weights_rejects_bad_input(weights: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_weights(weights)
    with pytest.raises(ValueError, match=message):
        rerank([_strong()], weights=weights)


def test_the_weights_setting_overrides_only_the_categories_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from matchflow.settings import Settings

    title = DEFAULT_WEIGHTS["title"] + DEFAULT_WEIGHTS["salary"]  # salary's share moved to title: still sums to 1
    monkeypatch.setenv("MATCHFLOW_SCORE_WEIGHTS", f'{{"salary": 0, "title": {title}}}')
    weights = Settings().match_weights
    assert weights["salary"] == 0 and math.isclose(sum(weights.values()), 1.0)
    assert math.isclose(weights["title"], title) and math.isclose(weights["semantic"], DEFAULT_WEIGHTS["semantic"])
    monkeypatch.delenv("MATCHFLOW_SCORE_WEIGHTS")
    assert Settings().match_weights == pytest.approx(dict(DEFAULT_WEIGHTS))
    for bad in ('{"salery": 1}', '{"title": -1}', "[1, 2]"):
        monkeypatch.setenv("MATCHFLOW_SCORE_WEIGHTS", bad)
        with pytest.raises(ValidationError):
            Settings()


def test_rerank_orders_best_first_with_explained_skills() -> None:
    ranked = rerank([_pastry(), _middling(), _strong()])
    assert [m.resume_id for m in ranked] == ["strong", "middling", "pastry"]
    assert [m.rank for m in ranked] == [1, 2, 3]
    assert ranked[0].score > ranked[1].score > ranked[2].score
    assert all(0.0 <= m.score <= 1.0 for m in ranked)
    best, middle = ranked[0], ranked[1]
    assert best.missing_required_skills == [] and best.matched_skills[-1] == "Redis"
    assert middle.matched_skills == ["Python", "Django"]
    assert middle.missing_required_skills == ["PostgreSQL", "Kubernetes"]
    assert middle.missing_nice_skills == ["Redis"]
    assert set(best.features) == set(FEATURES)
    assert best.scoring_version == SCORING_VERSION
    # the score is the weighted feature sum
    assert best.score == pytest.approx(sum(DEFAULT_WEIGHTS[k] * best.features[k] for k in FEATURES), abs=1e-5)


def test_user_weights_change_the_order() -> None:
    near = make_candidate(resume_id="near", resume_skills=("Python",), resume_location="Berlin", **JOB)
    skilled = make_candidate(
        resume_id="skilled", resume_skills=("Python", "Django", "PostgreSQL", "Kubernetes"),
        resume_location="Hamburg", **JOB,
    )
    assert rerank([near, skilled])[0].resume_id == "skilled"
    assert rerank([near, skilled], weights={"location": 1.0})[0].resume_id == "near"


def test_idf_changes_which_missing_skill_hurts_more() -> None:
    idf = compute_skill_idf([["Python"]] * 9 + [["Python", "Kubernetes"]])
    has_common = make_candidate(resume_id="common", resume_skills=("Python", "Django", "PostgreSQL"), **JOB)
    has_rare = make_candidate(resume_id="rare", resume_skills=("Kubernetes", "Django", "PostgreSQL"), **JOB)
    plain = {m.resume_id: m.features["required_skills"] for m in rerank([has_common, has_rare])}
    assert plain["common"] == plain["rare"]
    weighted = rerank([has_common, has_rare], skill_idf=idf)
    assert weighted[0].resume_id == "rare"
    assert weighted[0].features["required_skills"] > weighted[1].features["required_skills"]


def test_empty_input() -> None:
    assert rerank([]) == []


def test_ties_keep_input_order() -> None:
    first = make_candidate(resume_id="a", **JOB)
    second = make_candidate(resume_id="b", **JOB)
    assert [m.resume_id for m in rerank([first, second])] == ["a", "b"]
    assert [m.resume_id for m in rerank([second, first])] == ["b", "a"]


@pytest.fixture(scope="module")
def tiny_cross_encoder(tiny_cross_encoder_dir: Path) -> CrossEncoderScorer:
    return CrossEncoderScorer.load(str(tiny_cross_encoder_dir), device="cpu")


def test_tiny_cross_encoder_scores_pairs_in_unit_range(tiny_cross_encoder: CrossEncoderScorer) -> None:
    scores = tiny_cross_encoder.score([
        ("senior python backend developer job", "pastry chef baking cakes"),
        ("senior python backend developer job", "python django backend developer"),
    ])
    assert scores.shape == (2,)
    assert np.all((scores > 0) & (scores < 1))
    assert scores[0] > scores[1]  # what it was trained to believe
    assert tiny_cross_encoder.score([]).shape == (0,)
    assert CrossEncoderScorer.load(tiny_cross_encoder.name, device="cpu") is tiny_cross_encoder


def test_cross_encoder_blends_in_and_can_change_the_ranking(tiny_cross_encoder: CrossEncoderScorer) -> None:
    candidates = [_strong(), _pastry()]
    without = rerank(candidates)
    assert [m.resume_id for m in without] == ["strong", "pastry"]
    assert "cross_encoder" not in without[0].features

    light = rerank(candidates, cross_encoder=tiny_cross_encoder, cross_encoder_weight=0.1)
    assert [m.resume_id for m in light] == ["strong", "pastry"]
    heavy = rerank(candidates, cross_encoder=tiny_cross_encoder, cross_encoder_weight=0.95)
    assert [m.resume_id for m in heavy] == ["pastry", "strong"]

    by_id = {m.resume_id: m for m in heavy}
    plain = {m.resume_id: m.score for m in without}
    for resume_id, match in by_id.items():
        relevance = match.features["cross_encoder"]
        assert 0 < relevance < 1
        assert match.score == pytest.approx(0.05 * plain[resume_id] + 0.95 * relevance, abs=1e-5)


def test_cross_encoder_weight_must_be_a_fraction(tiny_cross_encoder: CrossEncoderScorer) -> None:
    with pytest.raises(ValueError, match="cross_encoder_weight"):
        rerank([_strong()], cross_encoder=tiny_cross_encoder, cross_encoder_weight=1.5)
