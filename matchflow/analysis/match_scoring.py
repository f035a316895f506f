"""Match scoring with reasons a recruiter can read (pipeline step 6, "match scoring").

CPU implementation: turns the reranker's features into a 0-100 score, a per-category breakdown,
a reverse score (how well the job fits the candidate's own wishes) and plain-language reasons.
A model-based analyzer (an LLM writing the explanation on the GPU pool) can plug in behind the
same `Analyzer` interface. Reasons carry no names, contacts, birth dates or addresses: every sentence
passes through `privacy.redact_for_scoring` (unless MATCHFLOW_REDACT_EXPLANATIONS is off).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from matchflow import scoring
from matchflow.domain import SalaryRange
from matchflow.privacy import redact_for_scoring
from matchflow.rerank import (
    MatchPair,
    RerankedMatch,
    annual_range,
    city_part,
    compare_skills,
    infer_seniority,
    normalise_city,
    remote_mode,
    title_similarity,
)

IMPLEMENTATION = "cpu-rules"
MAX_LISTED_SKILLS = 5
SEMANTIC_CLOSE = 0.6  # cosine at or above: "closely related"
SEMANTIC_RELATED = 0.4  # at or above: "somewhat related"


class MatchAnalysis(BaseModel):
    resume_id: str
    job_id: str
    score: int  # 0-100
    band: str  # strong | good | weak | poor (scoring.*_MATCH_THRESHOLD)
    breakdown: dict[str, int]  # each feature 0-100
    reverse_score: int  # 0-100: salary, location and role against the candidate's wishes
    matched_skills: list[str] = Field(default_factory=list)
    missing_required_skills: list[str] = Field(default_factory=list)
    missing_nice_skills: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    scoring_version: str = scoring.SCORING_VERSION
    implementation: str = IMPLEMENTATION


def _percent(value: float) -> int:
    return round(min(1.0, max(0.0, value)) * 100)


def _band(score: int) -> str:
    if score >= scoring.STRONG_MATCH_THRESHOLD:
        return "strong"
    if score >= scoring.GOOD_MATCH_THRESHOLD:
        return "good"
    if score >= scoring.WEAK_MATCH_THRESHOLD:
        return "weak"
    return "poor"


def _listing(skills: list[str]) -> str:
    shown = ", ".join(skills[:MAX_LISTED_SKILLS])
    rest = len(skills) - MAX_LISTED_SKILLS
    return f"{shown} and {rest} more" if rest > 0 else shown


def _years(value: float) -> str:
    number = f"{value:g}" if value == int(value) else f"{value:.1f}"
    return f"{number} year" if value == 1 else f"{number} years"


def format_amount(value: float) -> str:
    """150000 -> "150k", 1500000 -> "1.5M", 900 -> "900"."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 1_000:
        return f"{value / 1_000:.4g}k"
    return f"{value:g}"


def format_salary(salary: SalaryRange) -> str:
    """A range as a recruiter writes it: "150k-160k USD", "from 100k EUR", "up to 3k USD/month"."""
    low, high = salary.minimum, salary.maximum
    if low is not None and high is not None:
        amount = format_amount(low) if low == high else f"{format_amount(low)}-{format_amount(high)}"
    elif low is not None:
        amount = f"from {format_amount(low)}"
    else:
        amount = f"up to {format_amount(high or 0)}"
    currency = f" {salary.currency.upper()}" if salary.currency else ""
    period = "" if (salary.period or "year") == "year" else f"/{salary.period}"
    return f"{amount}{currency}{period}"


def _skill_reasons(pair: MatchPair) -> list[str]:
    skills = compare_skills(pair)
    reasons = []
    if not skills.required:
        reasons.append("The job lists no required skills")
    elif not skills.missing_required:
        reasons.append(f"Has all {len(skills.required)} required skills")
    else:
        have = len(skills.required) - len(skills.missing_required)
        missing = _listing(skills.missing_required)
        reasons.append(f"Has {have} of {len(skills.required)} required skills (missing: {missing})")
    if skills.nice:
        have = len(skills.nice) - len(skills.missing_nice)
        text = f"Has {have} of {len(skills.nice)} nice-to-have skills"
        reasons.append(f"{text} (missing: {_listing(skills.missing_nice)})" if skills.missing_nice else text)
    return reasons


def _experience_reason(pair: MatchPair) -> str:
    years = pair.resume.fields.years_experience
    seniority = infer_seniority(pair.job)
    if years is None:
        return "Years of experience not stated"
    if seniority is None:
        return f"{_years(years)} of experience"
    low, high = scoring.SENIORITY_YEARS[seniority]
    expected = f"{low:g}+" if high is None else f"{low:g}-{high:g}"
    if years < low:
        return f"{_years(years)} of experience; a {seniority} role expects {expected}"
    if high is not None and years > high + scoring.OVERQUALIFIED_SLACK_YEARS:
        return f"{_years(years)} of experience for a {seniority} role (may be over-qualified)"
    return f"{_years(years)} of experience for a {seniority} role"


def _title_reason(pair: MatchPair, value: float) -> str | None:
    job_titles = pair.job.titles
    mine = [*pair.resume.fields.titles, *pair.resume.desired_roles]
    if not job_titles or not mine:
        return None
    if value >= 0.999:
        return f"Role matches the job title: {job_titles[0]}"
    if value >= 0.5:
        return f"Related role for the job title: {job_titles[0]}"
    return f"Role differs from the job title: {job_titles[0]}"


def _location_reason(pair: MatchPair) -> str:
    job = pair.job
    mode = remote_mode(job.effective_remote) or remote_mode(job.effective_location)
    if mode == "remote":
        if remote_mode(pair.resume.remote_preference) == "onsite":
            return "Remote job; the candidate prefers working on site"
        return "Remote job"
    mine, theirs = normalise_city(pair.resume.location), normalise_city(job.effective_location)
    if mine is None or theirs is None:
        return "Location not compared: not stated"
    shown = city_part(job.effective_location or "")
    if mine == theirs:
        return f"Same city: {shown}"
    place = f" ({mode})" if mode else ""
    return f"Different city: job in {shown}{place}"


def _salary_reason(pair: MatchPair) -> str:
    wanted, offered = pair.resume.salary, pair.job.effective_salary
    if annual_range(wanted) is None:
        return "Salary not compared: no expectation stated"
    if offered is None or annual_range(offered) is None:
        return "Salary not compared: the job states no range"
    assert wanted is not None
    mine, theirs = (wanted.currency or "").upper(), (offered.currency or "").upper()
    if mine and theirs and mine != theirs:
        return f"Salary not compared: currencies differ ({mine} vs {theirs})"
    expectation = f"Salary expectation {format_salary(wanted)}"
    low, high = annual_range(wanted) or (0.0, 0.0)
    bottom, top = annual_range(offered) or (0.0, 0.0)
    if offered.minimum is None:
        bottom = 0.0
    if offered.maximum is None:
        top = float("inf")
    if low > top:
        position = "above"
    elif high > top:
        position = "partly above"
    elif high < bottom:
        position = "below"
    else:
        position = "within"
    return f"{expectation} is {position} the job's range ({format_salary(offered)})"


def _semantic_reason(similarity: float) -> str:
    if similarity >= SEMANTIC_CLOSE:
        closeness = "closely"
    elif similarity >= SEMANTIC_RELATED:
        closeness = "somewhat"
    else:
        closeness = "weakly"
    return f"Resume text is {closeness} related to the job description (similarity {similarity:.2f})"


def reverse_score(reranked: RerankedMatch, pair: MatchPair) -> float:
    """0..1: salary, location and role seen from the candidate's side (scoring.REVERSE_WEIGHTS).

    The role part uses the candidate's desired roles when given, else the titles on the resume.
    """
    features = reranked.features
    roles = pair.resume.desired_roles
    role_fit = title_similarity(roles, pair.job.titles) if roles else features["title"]
    parts = {"salary": features["salary"], "location": features["location"], "title": role_fit}
    return sum(scoring.REVERSE_WEIGHTS[name] * value for name, value in parts.items())


def score_match(reranked: RerankedMatch, pair: MatchPair, *,
                redact_personal_data: bool = True) -> MatchAnalysis:
    """The recruiter-facing analysis of one reranked pair (see the module docstring)."""
    if (reranked.resume_id, reranked.job_id) != (pair.resume.id, pair.job.id):
        raise ValueError(
            f"reranked match {reranked.resume_id}/{reranked.job_id} does not belong to "
            f"pair {pair.resume.id}/{pair.job.id}"
        )
    features = reranked.features
    reasons = [
        *_skill_reasons(pair),
        _experience_reason(pair),
        _title_reason(pair, features["title"]),
        _location_reason(pair),
        _salary_reason(pair),
        _semantic_reason(features["semantic"]),
    ]
    if "cross_encoder" in features:
        reasons.append(f"Cross-encoder relevance {features['cross_encoder']:.2f}")
    fields = pair.resume.fields
    score = _percent(reranked.score)
    return MatchAnalysis(
        resume_id=reranked.resume_id,
        job_id=reranked.job_id,
        score=score,
        band=_band(score),
        breakdown={name: _percent(value) for name, value in features.items()},
        reverse_score=_percent(reverse_score(reranked, pair)),
        matched_skills=list(reranked.matched_skills),
        missing_required_skills=list(reranked.missing_required_skills),
        missing_nice_skills=list(reranked.missing_nice_skills),
        reasons=[redact_for_scoring(r, fields) if redact_personal_data else r for r in reasons if r],
        scoring_version=reranked.scoring_version,
    )


class MatchScoringAnalyzer:
    """The `Analyzer` wrapper: name "match_scoring"."""

    name = "match_scoring"
    implementation = IMPLEMENTATION

    def analyze(self, reranked: RerankedMatch, pair: MatchPair) -> MatchAnalysis:
        return score_match(reranked, pair)
