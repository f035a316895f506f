"""Feature values of the built-in reranker on hand-built resume/job pairs."""

from __future__ import annotations

import math

import pytest

from matchflow.domain import ExtractedFields, SalaryRange
from matchflow.rerank import (
    JobSide,
    compute_features,
    compute_skill_idf,
    experience_fit,
    infer_seniority,
    location_fit,
    normalise_city,
    salary_fit,
    semantic_score,
    skill_coverage,
    title_similarity,
)
from matchflow.scoring import FEATURES, NEUTRAL
from tests.rerank.builders import hits, make_candidate, usd


def test_skill_idf_makes_rare_skills_heavier() -> None:
    corpus = [["Python", "SQL"], ["python", "Docker"], ["Python", "Rust"], ["Python"]]
    idf = compute_skill_idf(corpus)
    assert idf["python"] == pytest.approx(1.0)  # in every document
    assert idf["rust"] == pytest.approx(math.log(5 / 2) + 1)
    assert idf["rust"] > idf["docker"] - 1e-9 and idf["rust"] > idf["python"]


def test_rare_required_skill_weighs_more() -> None:
    idf = compute_skill_idf([["Python"], ["Python"], ["Python", "Rust"], ["Python"]])
    required = ["Python", "Rust"]
    has_rare = skill_coverage(["rust"], required, idf)
    has_common = skill_coverage(["Python"], required, idf)
    assert has_rare > 0.5 > has_common
    assert has_rare + has_common == pytest.approx(1.0)
    # without IDF both count the same
    assert skill_coverage(["rust"], required) == skill_coverage(["python"], required) == 0.5


def test_skill_unknown_to_the_corpus_counts_as_rarest() -> None:
    idf = compute_skill_idf([["Python"], ["Python", "Go"]])
    assert skill_coverage(["Zig"], ["Zig", "Python"], idf) > 0.5


def test_skill_coverage_edges() -> None:
    assert skill_coverage(["Python"], []) == NEUTRAL
    assert skill_coverage([], ["Python"]) == 0.0
    assert skill_coverage(["PYTHON", "Go"], ["python", "go"]) == 1.0


def test_required_falls_back_to_the_jobs_general_skills() -> None:
    candidate = make_candidate(resume_skills=("Python",))
    candidate.job.fields.skills = hits("Python", "Go")
    assert compute_features(candidate)["required_skills"] == 0.5
    assert compute_features(make_candidate(resume_skills=("Python",)))["required_skills"] == NEUTRAL


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        (["Senior Python Developer"], ["Python Engineer"], 1.0),  # seniority dropped, developer = engineer
        (["Python-разработчик"], ["Python Developer"], 1.0),
        (["Front-end developer"], ["Frontend Engineer"], 1.0),
        (["Backend Developer"], ["Frontend Developer"], 0.5),
        (["Pastry Chef"], ["Python Developer"], 0.0),
        ([], ["Python Developer"], NEUTRAL),
        (["Data Analyst"], [], NEUTRAL),
        (["Pastry Chef", "Backend Developer"], ["Backend Engineer"], 1.0),  # best pair counts
    ],
)
def test_title_similarity(mine: list[str], theirs: list[str], expected: float) -> None:
    assert title_similarity(mine, theirs) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("years", "seniority", "expected"),
    [
        (8, "senior", 1.0),
        (5, "senior", 1.0),
        (4, "senior", 0.8),
        (0, "senior", 0.0),
        (1, "junior", 1.0),
        (6, "junior", 0.95),  # 1 year past range + slack: slight over-qualification penalty
        (20, "junior", 0.7),  # floor
        (3, "middle", 1.0),
        (7, "lead", 1.0),
        (3.5, "lead", 0.5),
        (0, "intern", 1.0),
        (None, "senior", NEUTRAL),
        (None, None, NEUTRAL),
        (5, None, 1 - math.exp(-1)),  # no level named: diminishing returns, 5 years give 0.63
        (0, None, 0.0),
    ],
)
def test_experience_fit(years: float | None, seniority: str | None, expected: float) -> None:
    assert experience_fit(years, seniority) == pytest.approx(expected)


def test_experience_without_a_level_prefers_more_years_and_saturates() -> None:
    values = [experience_fit(y, None) for y in (0, 1, 2, 4, 8, 16, 30)]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert experience_fit(30, None) - experience_fit(16, None) < 0.05  # long careers gain next to nothing


def test_a_stated_minimum_is_a_floor_not_a_range() -> None:
    # "от 2 лет" / "2+ years": below it the score falls, above it there is no over-qualification penalty
    assert experience_fit(1, None, 2) == pytest.approx(experience_fit(1, None) * 0.5)
    assert experience_fit(12, None, 2) > experience_fit(6, None, 2) > experience_fit(3, None, 2)
    assert experience_fit(12, None, 2) == pytest.approx(experience_fit(12, None))
    # with a named level the minimum raises the level's own floor
    assert experience_fit(4, "middle", 6) == pytest.approx(4 / 6)
    assert experience_fit(7, "middle", 6) == 1.0
    assert experience_fit(4, "middle") == 1.0


def test_only_related_experience_counts_when_no_level_is_named() -> None:
    assert experience_fit(10, None, relevance=0.0) == 0.0
    assert experience_fit(10, None, relevance=0.5) == pytest.approx(0.5 * experience_fit(10, None))
    assert experience_fit(10, "senior", relevance=0.0) == 1.0  # a named level keeps its own range rule
    backend = dict(job_title="Backend Engineer", years=10)
    chef = compute_features(make_candidate(resume_titles=("Pastry Chef",), **backend))
    engineer = compute_features(make_candidate(resume_titles=("Backend Developer",), years=3,
                                               job_title="Backend Engineer"))
    assert chef["title"] == 0.0 and chef["experience"] == 0.0
    assert engineer["experience"] == pytest.approx(experience_fit(3, None))


def test_the_jobs_stated_minimum_years_reach_the_experience_feature() -> None:
    candidate = make_candidate(years=1, job_title="Java developer", resume_titles=("Java Developer",))
    candidate.job.fields.years_experience = 2  # "Требуемый опыт работы от 2 лет"
    assert compute_features(candidate)["title"] == 1.0
    assert compute_features(candidate)["experience"] == pytest.approx(experience_fit(1, None, 2))
    assert compute_features(candidate)["experience"] < experience_fit(1, None)


def test_seniority_is_read_from_the_title_when_not_extracted() -> None:
    def job(title: str, seniority: str | None = None) -> JobSide:
        return JobSide(id="j", fields=ExtractedFields(seniority=seniority), title=title)

    assert infer_seniority(job("Senior Backend Engineer")) == "senior"
    assert infer_seniority(job("Ведущий Python-разработчик")) == "lead"
    assert infer_seniority(job("Jr. QA")) == "junior"
    assert infer_seniority(job("Backend Engineer")) is None
    assert infer_seniority(job("Senior Backend Engineer", "middle")) == "middle"  # the field wins


@pytest.mark.parametrize(
    ("mine", "preference", "job_location", "job_remote", "expected"),
    [
        ("Berlin", None, "Berlin, Germany", "onsite", 1.0),
        ("Москва", None, "Moscow", None, 1.0),
        ("Санкт-Петербург", None, "SPb", "hybrid", 1.0),
        ("Berlin", None, "Munich", "remote", 1.0),
        ("Berlin", "onsite", "Munich", "remote", 0.7),
        (None, None, "Remote (EU)", None, 1.0),  # the location text says remote
        ("Berlin", None, "Munich", "onsite", 0.1),
        ("Berlin", None, "Munich", "hybrid", 0.2),
        ("Berlin", "remote", "Berlin", "onsite", 0.8),
        (None, None, "Munich", "onsite", NEUTRAL),
        ("Berlin", None, None, None, NEUTRAL),
    ],
)
def test_location_fit(
    mine: str | None, preference: str | None, job_location: str | None, job_remote: str | None,
    expected: float,
) -> None:
    assert location_fit(mine, preference, job_location, job_remote) == pytest.approx(expected)


def test_normalise_city() -> None:
    assert normalise_city("Berlin, Germany") == "berlin"
    assert normalise_city("Санкт-Петербург") == normalise_city("St. Petersburg") == "saint petersburg"
    assert normalise_city("Remote") is None
    assert normalise_city(None) is None


@pytest.mark.parametrize(
    ("wanted", "offered", "expected"),
    [
        (usd(150_000, 160_000), usd(140_000, 170_000), 1.0),  # within
        (usd(100_000, 110_000), usd(140_000, 170_000), 1.0),  # asks less than the job pays
        (usd(125_000, None), usd(None, 100_000), 0.5),  # 25 % above the maximum: half
        (usd(160_000, 160_000), usd(80_000, 100_000), 0.0),  # 60 % above: nothing
        (usd(150_000, 200_000), usd(None, 100_000), 0.0),
        (usd(10_000, None, period="month"), usd(100_000, 130_000), 1.0),  # 120k a year
        (usd(150_000, 160_000), usd(100_000, None), 1.0),  # "from 100k": open-ended
        (usd(150_000, 160_000), usd(140_000, 170_000, currency="EUR"), NEUTRAL),
        (None, usd(140_000, 170_000), NEUTRAL),
        (usd(150_000, 160_000), None, NEUTRAL),
        (usd(None, None), usd(1, 2), NEUTRAL),
    ],
)
def test_salary_fit(wanted: SalaryRange | None, offered: SalaryRange | None, expected: float) -> None:
    assert salary_fit(wanted, offered) == pytest.approx(expected, abs=1e-9)


def test_salary_partly_above_the_range_is_between() -> None:
    partly = salary_fit(usd(150_000, 170_000), usd(None, 160_000))
    assert 0.9 < partly < 1.0
    assert salary_fit(usd(150_000, 170_000), usd(None, 150_000)) < partly


def test_semantic_score() -> None:
    assert semantic_score(0.7) == pytest.approx(0.7)
    assert semantic_score(-0.2) == 0.0 and semantic_score(1.3) == 1.0


def test_compute_features_are_all_in_unit_range() -> None:
    candidate = make_candidate(
        resume_skills=("Python", "Django", "PostgreSQL"), required=("Python", "Kubernetes"), nice=("Django",),
        resume_titles=("Backend Developer",), job_title="Senior Backend Engineer", years=6,
        resume_location="Berlin", job_location="Berlin", wanted=usd(90_000, 100_000),
        offered=usd(80_000, 120_000), similarity=0.62,
    )
    features = compute_features(candidate)
    assert set(features) == set(FEATURES)
    assert all(0.0 <= v <= 1.0 for v in features.values())
    assert features["required_skills"] == 0.5
    assert features["nice_skills"] == 1.0
    assert features["title"] == 1.0
    assert features["experience"] == 1.0
    assert features["location"] == 1.0
    assert features["salary"] == 1.0
    assert features["semantic"] == pytest.approx(0.62)
