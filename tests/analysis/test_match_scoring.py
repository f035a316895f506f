"""score_match(): the 0-100 score, breakdown, reverse score and plain-language reasons."""

from __future__ import annotations

import pytest

from matchflow.analysis import Analyzer, default_analyzers
from matchflow.analysis.match_scoring import format_salary, score_match
from matchflow.domain import SalaryRange
from matchflow.rerank import MatchPair, rerank
from matchflow.scoring import FEATURES, SCORING_VERSION
from tests.rerank.builders import make_candidate, usd


def _analyse(candidate: MatchPair):
    [reranked] = rerank([candidate])
    return reranked, score_match(reranked, candidate)


def _berlin_senior(**overrides) -> MatchPair:
    values = dict(
        resume_skills=("Python", "Django", "PostgreSQL", "Redis", "Docker", "AWS"),
        required=("Python", "Django", "PostgreSQL", "Redis", "Docker", "Kubernetes"),
        resume_titles=("Backend Developer",), job_title="Senior Backend Engineer", seniority="senior",
        years=8, resume_location="Berlin", job_location="Berlin, Germany", job_remote="onsite",
        wanted=usd(150_000, 160_000), offered=usd(140_000, 170_000), similarity=0.66,
    )
    values.update(overrides)
    return make_candidate(**values)


def test_reasons_in_plain_language() -> None:
    reranked, analysis = _analyse(_berlin_senior())
    assert "Has 5 of 6 required skills (missing: Kubernetes)" in analysis.reasons
    assert "8 years of experience for a senior role" in analysis.reasons
    assert "Salary expectation 150k-160k USD is within the job's range (140k-170k USD)" in analysis.reasons
    assert "Same city: Berlin" in analysis.reasons
    assert "Role matches the job title: Senior Backend Engineer" in analysis.reasons
    assert "Resume text is closely related to the job description (similarity 0.66)" in analysis.reasons
    assert analysis.missing_required_skills == ["Kubernetes"]
    assert analysis.matched_skills == ["Python", "Django", "PostgreSQL", "Redis", "Docker"]


def test_score_breakdown_and_band() -> None:
    reranked, analysis = _analyse(_berlin_senior())
    assert analysis.score == round(reranked.score * 100)
    assert 0 <= analysis.score <= 100 and isinstance(analysis.score, int)
    assert set(analysis.breakdown) == set(FEATURES)
    assert analysis.breakdown["experience"] == 100 and analysis.breakdown["location"] == 100
    assert analysis.breakdown["required_skills"] == 83
    assert analysis.band == "strong"
    assert analysis.scoring_version == SCORING_VERSION
    _, poor = _analyse(make_candidate(resume_skills=("Baking",), required=("Python",), similarity=0.05,
                                      resume_titles=("Pastry Chef",), job_title="Backend Engineer"))
    assert poor.band == "poor" and poor.score < 40


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        (dict(years=3), "3 years of experience; a senior role expects 5+"),
        (dict(years=1, seniority="junior"), "1 year of experience for a junior role"),
        (dict(years=15, seniority="junior"),
         "15 years of experience for a junior role (may be over-qualified)"),
        (dict(years=None), "Years of experience not stated"),
        (dict(wanted=usd(200_000, 220_000)),
         "Salary expectation 200k-220k USD is above the job's range (140k-170k USD)"),
        (dict(wanted=usd(160_000, 180_000)),
         "Salary expectation 160k-180k USD is partly above the job's range (140k-170k USD)"),
        (dict(wanted=SalaryRange(minimum=150_000, currency="EUR")),
         "Salary not compared: currencies differ (EUR vs USD)"),
        (dict(wanted=None), "Salary not compared: no expectation stated"),
        (dict(job_remote="remote"), "Remote job"),
        (dict(resume_location="Hamburg"), "Different city: job in Berlin (onsite)"),
        (dict(resume_location=None), "Location not compared: not stated"),
        (dict(required=("Python", "Django")), "Has all 2 required skills"),
        (dict(required=()), "The job lists no required skills"),
        (dict(nice=("Go", "AWS")), "Has 1 of 2 nice-to-have skills (missing: Go)"),
        (dict(nice=("Go", "Redis")), "Has 0 of 1 nice-to-have skills (missing: Go)"),  # Redis is required
        (dict(wanted=usd(60_000, 70_000)),
         "Salary expectation 60k-70k USD is below the job's range (140k-170k USD)"),
        (dict(wanted=usd(150_000, None), offered=usd(100_000, None)),
         "Salary expectation from 150k USD is within the job's range (from 100k USD)"),
        (dict(resume_titles=("Pastry Chef",)), "Role differs from the job title: Senior Backend Engineer"),
        (dict(similarity=0.2), "Resume text is weakly related to the job description (similarity 0.20)"),
    ],
)
def test_reason_variants(overrides: dict, reason: str) -> None:
    _, analysis = _analyse(_berlin_senior(**overrides))
    assert reason in analysis.reasons


def test_reverse_score_follows_the_candidates_wishes() -> None:
    _, happy = _analyse(_berlin_senior(desired_roles=("Backend Engineer",)))
    _, unhappy = _analyse(_berlin_senior(
        desired_roles=("Data Scientist",), wanted=usd(250_000, 260_000), resume_location="Hamburg",
    ))
    assert happy.reverse_score == 100
    assert unhappy.reverse_score < 20
    # the forward score barely moves: the candidate's skills are the same
    assert abs(happy.score - unhappy.score) < happy.score - unhappy.reverse_score


def test_explanations_carry_no_personal_data() -> None:
    candidate = _berlin_senior(
        person_name="Ivan Petrov", emails=("ivan.petrov@example.com",), phones=("8 999 123",),
        # a job title typed into a form with contacts in it: the candidate's own and the recruiter's
        job_title="Backend Engineer - ask Ivan Petrov (8 999 123), hr@acme.io, +49 30 1234 5678",
        resume_titles=("Backend Engineer",),
    )
    _, analysis = _analyse(candidate)
    text = " ".join(analysis.reasons)
    shown = "Role differs from the job title: Backend Engineer - ask [name] ([redacted]), [email], [phone]"
    assert shown in analysis.reasons
    assert "Ivan" not in text and "Petrov" not in text
    assert "@" not in text
    assert "999" not in text and "1234" not in text


def test_reranked_match_must_belong_to_the_candidate() -> None:
    [reranked] = rerank([_berlin_senior()])
    with pytest.raises(ValueError, match="does not belong"):
        score_match(reranked, make_candidate(resume_id="someone-else"))


def test_cross_encoder_feature_gets_a_reason() -> None:
    candidate = _berlin_senior()
    [reranked] = rerank([candidate])
    reranked.features["cross_encoder"] = 0.83
    analysis = score_match(reranked, candidate)
    assert "Cross-encoder relevance 0.83" in analysis.reasons
    assert analysis.breakdown["cross_encoder"] == 83


@pytest.mark.parametrize(
    ("salary", "text"),
    [
        (usd(150_000, 160_000), "150k-160k USD"),
        (usd(100_000, None), "from 100k USD"),
        (usd(None, 3_000, period="month"), "up to 3k USD/month"),
        (SalaryRange(minimum=1_500_000, maximum=1_500_000, currency="rub"), "1.5M RUB"),
        (SalaryRange(minimum=95_500), "from 95.5k"),
    ],
)
def test_format_salary(salary: SalaryRange, text: str) -> None:
    assert format_salary(salary) == text


def test_default_analyzers_follow_the_protocol() -> None:
    analyzers = default_analyzers()
    assert set(analyzers) == {"match_scoring", "skills_extraction", "sentiment"}
    for name, analyzer in analyzers.items():
        assert isinstance(analyzer, Analyzer)
        assert analyzer.name == name
        assert analyzer.implementation.startswith("cpu-")
    candidate = _berlin_senior()
    [reranked] = rerank([candidate])
    assert analyzers["match_scoring"].analyze(reranked, candidate) == score_match(reranked, candidate)
    assert analyzers["sentiment"].analyze("I love this team").label == "positive"


def test_explanations_keep_contacts_when_redaction_is_switched_off() -> None:
    candidate = _berlin_senior(person_name="Ivan Petrov", job_title="Backend Engineer - ask Ivan Petrov",
                               resume_titles=("Backend Engineer",))
    [reranked] = rerank([candidate])
    shown = " ".join(score_match(reranked, candidate, redact_personal_data=False).reasons)
    assert "Ivan Petrov" in shown
