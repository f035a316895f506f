"""Rerank the pairs the vector search found (pipeline step 5), with features that need no extra model.

Each resume-job pair gets seven features in [0, 1] (semantic similarity, IDF-weighted required
skill coverage, nice-to-have coverage, title, experience vs seniority, location, salary); the
score is their weighted sum with the weights in `matchflow.scoring.DEFAULT_WEIGHTS` or the user's
own. Unknown inputs score `NEUTRAL` (0.5) so a missing salary neither helps nor hurts.

An optional cross-encoder (any sentence-transformers `CrossEncoder`) reads both texts together and
is blended in with `cross_encoder_weight`; it is the heavier, GPU-friendly path.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

from matchflow import scoring
from matchflow.domain import ExtractedFields, SalaryRange, SkillHit
from matchflow.scoring import (
    CROSS_ENCODER_WEIGHT,
    DEFAULT_WEIGHTS,
    FEATURES,
    NEUTRAL,
    SCORING_VERSION,
    validate_weights,
)

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder


# ---------------------------------------------------------------- inputs and outputs


@dataclass
class ResumeSide:
    """What the reranker knows about the candidate: the resume and the wishes from the form."""

    id: str
    fields: ExtractedFields
    text: str = ""
    language: str = "en"
    desired_roles: list[str] = field(default_factory=list)
    desired_salary: SalaryRange | None = None  # falls back to fields.salary
    desired_location: str | None = None  # falls back to fields.location
    remote_preference: str | None = None  # remote | hybrid | onsite

    @property
    def location(self) -> str | None:
        return self.desired_location or self.fields.location

    @property
    def salary(self) -> SalaryRange | None:
        return self.desired_salary or self.fields.salary


@dataclass
class JobSide:
    """What the reranker knows about the job; the explicit values win over the extracted fields."""

    id: str
    fields: ExtractedFields
    text: str = ""
    title: str | None = None
    location: str | None = None
    remote: str | None = None  # remote | hybrid | onsite
    salary: SalaryRange | None = None

    @property
    def effective_location(self) -> str | None:
        return self.location or self.fields.location

    @property
    def effective_remote(self) -> str | None:
        return remote_mode(self.remote or self.fields.remote or self.effective_location)

    @property
    def effective_salary(self) -> SalaryRange | None:
        return self.salary or self.fields.salary

    @property
    def titles(self) -> list[str]:
        return [t for t in [self.title, *self.fields.titles] if t]


@dataclass
class MatchCandidate:
    """One resume-job pair from the vector search, with its cosine similarities (0..1)."""

    resume: ResumeSide
    job: JobSide
    retrieval_similarity: float
    section_similarity: float | None = None  # e.g. resume skills/experience vs job requirements


class RerankedMatch(BaseModel):
    resume_id: str
    job_id: str
    rank: int = 0  # 1 = best, within one rerank call
    score: float  # 0..1
    features: dict[str, float]
    matched_skills: list[str] = Field(default_factory=list)
    missing_required_skills: list[str] = Field(default_factory=list)
    missing_nice_skills: list[str] = Field(default_factory=list)
    scoring_version: str = SCORING_VERSION


# ---------------------------------------------------------------- weights and IDF


def compute_skill_idf(doc_skill_lists: Iterable[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each skill over a corpus (keys casefolded).

    idf = ln((1 + N) / (1 + df)) + 1, as scikit-learn smooths it: a skill in every document
    weighs 1, a rare one more, so "Python" missing costs less than "Rust" missing.
    """
    documents = [{_key(s) for s in skills if s and s.strip()} for skills in doc_skill_lists]
    df = Counter(skill for doc in documents for skill in doc)
    n = len(documents)
    return {skill: math.log((1 + n) / (1 + count)) + 1.0 for skill, count in df.items()}


def _idf_lookup(skill_idf: Mapping[str, float] | None) -> tuple[dict[str, float], float]:
    if not skill_idf:
        return {}, 1.0
    table = {_key(k): float(v) for k, v in skill_idf.items()}
    return table, max(table.values())  # a skill the corpus never saw is at least as rare as the rarest


# ---------------------------------------------------------------- features


def _key(skill: str) -> str:
    return skill.strip().casefold()


def _unique(hits: Iterable[SkillHit]) -> list[str]:
    seen: dict[str, str] = {}
    for hit in hits:
        if hit.skill and _key(hit.skill) not in seen:
            seen[_key(hit.skill)] = hit.skill
    return list(seen.values())


def skill_coverage(
    candidate_skills: Iterable[str], wanted: list[str], skill_idf: Mapping[str, float] | None = None,
) -> float:
    """IDF-weighted share of `wanted` skills the candidate has; NEUTRAL when nothing is wanted."""
    if not wanted:
        return NEUTRAL
    table, unseen = _idf_lookup(skill_idf)
    have = {_key(s) for s in candidate_skills}
    total = sum(table.get(_key(s), unseen) for s in wanted)
    got = sum(table.get(_key(s), unseen) for s in wanted if _key(s) in have)
    return got / total if total > 0 else NEUTRAL


_ROLE_SYNONYMS = {  # one token per role noun, English and Russian
    "developer": "engineer", "programmer": "engineer", "dev": "engineer", "swe": "engineer",
    "разработчик": "engineer", "программист": "engineer", "инженер": "engineer",
    "front": "frontend", "back": "backend", "fullstack": "fullstack",
    "аналитик": "analyst", "дизайнер": "designer", "менеджер": "manager", "тестировщик": "qa",
    "tester": "qa", "тимлид": "lead", "mgr": "manager",
}
_SENIORITY_WORDS = {
    "intern": "intern", "trainee": "intern", "стажер": "intern", "стажёр": "intern",
    "junior": "junior", "jr": "junior", "младший": "junior",
    "middle": "middle", "mid": "middle",
    "senior": "senior", "sr": "senior", "старший": "senior",
    "lead": "lead", "principal": "lead", "staff": "lead", "ведущий": "lead", "тимлид": "lead",
    "head": "head", "chief": "head", "director": "head", "руководитель": "head",
}
_TITLE_STOP = {"of", "and", "the", "a", "an", "for", "in", "и", "в", "по"}
_TITLE_TOKEN = re.compile(r"[\w+#]+(?:\.[\w+#]+)*")
_JOINED_ROLE = re.compile(r"\b(front|back|full)[- ]?(end|stack)\b")  # front-end, back end -> frontend


def _title_tokens(title: str) -> frozenset[str]:
    text = _JOINED_ROLE.sub(r"\1\2", title.casefold().replace("ё", "е")).replace("-", " ")
    tokens = set()
    for token in _TITLE_TOKEN.findall(text):
        if token in _TITLE_STOP or (token in _SENIORITY_WORDS and token not in {"head", "director", "chief"}):
            continue
        tokens.add(_ROLE_SYNONYMS.get(token, token))
    return frozenset(tokens)


def title_similarity(candidate_titles: Iterable[str], job_titles: Iterable[str]) -> float:
    """Best Dice overlap of role tokens between any candidate title and any job title.

    Seniority words are dropped (experience has its own feature) and role nouns are unified
    (developer = engineer = разработчик), so canonical roles that are equal score 1.
    NEUTRAL when either side has no title.
    """
    mine = [t for t in (_title_tokens(x) for x in candidate_titles if x) if t]
    theirs = [t for t in (_title_tokens(x) for x in job_titles if x) if t]
    if not mine or not theirs:
        return NEUTRAL
    return max(2 * len(a & b) / (len(a) + len(b)) for a in mine for b in theirs)


def infer_seniority(job: JobSide) -> str | None:
    """The job's seniority: the extracted field, else a seniority word in its title."""
    if job.fields.seniority in scoring.SENIORITY_YEARS:
        return job.fields.seniority
    for title in job.titles:
        for token in _TITLE_TOKEN.findall(title.casefold().replace("ё", "е")):
            if token in _SENIORITY_WORDS:
                return _SENIORITY_WORDS[token]
    return None


def experience_fit(
    years: float | None, seniority: str | None, minimum_years: float | None = None, relevance: float = 1.0,
) -> float:
    """How well `years` of experience fit what the job asks for.

    A job that names a level (scoring.SENIORITY_YEARS, its minimum raised to `minimum_years` when the
    job states more): inside the range 1; short of it years / minimum (4 years for a 5+ role gives 0.8);
    far past a bounded range a slight over-qualification penalty, never below OVERQUALIFIED_FLOOR.

    A job that names no level still prefers experience, with diminishing returns:
    1 - exp(-years / EXPERIENCE_DEPTH_YEARS), which stops growing after about 15 years; a stated
    minimum ("от 2 лет", "3+ years") scales it down by years / minimum below that minimum and sets
    no maximum. Only related experience counts: the value is multiplied by `relevance` in [0, 1] (the
    title feature: how close the candidate's roles are to the job's), so ten years as a chef earn a
    backend job nothing. Unknown years: NEUTRAL.
    """
    if years is None:
        return NEUTRAL
    years = max(0.0, float(years))
    minimum = float(minimum_years) if minimum_years and minimum_years > 0 else None
    if seniority not in scoring.SENIORITY_YEARS:
        depth = 1.0 - math.exp(-years / scoring.EXPERIENCE_DEPTH_YEARS)
        related = min(1.0, max(0.0, float(relevance)))
        return related * (depth * min(1.0, years / minimum) if minimum else depth)
    low, high = scoring.SENIORITY_YEARS[seniority]
    low = max(low, minimum or 0.0)
    if high is not None and high < low:
        high = low
    if years < low:
        return years / low
    if high is not None and years > high + scoring.OVERQUALIFIED_SLACK_YEARS:
        over = years - high - scoring.OVERQUALIFIED_SLACK_YEARS
        return max(scoring.OVERQUALIFIED_FLOOR, 1.0 - scoring.OVERQUALIFIED_PENALTY_PER_YEAR * over)
    return 1.0


_REMOTE_WORDS = {
    "remote": "remote", "удаленно": "remote", "удаленка": "remote", "удалённо": "remote",
    "anywhere": "remote",
    "hybrid": "hybrid", "гибрид": "hybrid", "гибридный": "hybrid",
    "onsite": "onsite", "on-site": "onsite", "office": "onsite", "офис": "onsite", "в офисе": "onsite",
}
_CITY_ALIASES = {  # hand-written: a few common spellings; a locations dictionary can replace it
    "москва": "moscow", "msk": "moscow", "мск": "moscow",
    "санкт-петербург": "saint petersburg", "st. petersburg": "saint petersburg",
    "st petersburg": "saint petersburg", "spb": "saint petersburg", "спб": "saint petersburg",
    "петербург": "saint petersburg", "питер": "saint petersburg",
    "берлин": "berlin", "münchen": "munich", "мюнхен": "munich", "лондон": "london", "nyc": "new york",
    "new york city": "new york", "минск": "minsk", "алматы": "almaty", "тбилиси": "tbilisi",
    "ереван": "yerevan",
}


def remote_mode(value: str | None) -> str | None:
    """remote | hybrid | onsite from free text ("Remote (EU)", "удалённо", "office"), else None."""
    if not value:
        return None
    text = value.strip().casefold()
    if text in _REMOTE_WORDS:
        return _REMOTE_WORDS[text]
    for word, mode in _REMOTE_WORDS.items():
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            return mode
    return None


def city_part(location: str) -> str:
    """The text before the first comma, slash or bracket: "Berlin, Germany" -> "Berlin"."""
    return re.split(r"[,/(;|]", location, maxsplit=1)[0].strip(" .-")


def normalise_city(location: str | None) -> str | None:
    """The city part of a free-text location ("Berlin, Germany" -> "berlin"), aliases unified."""
    if not location:
        return None
    head = city_part(location.casefold().replace("ё", "е"))
    if not head or remote_mode(head) == "remote":
        return None
    return _CITY_ALIASES.get(head, head)


def location_fit(
    candidate_location: str | None, remote_preference: str | None, job_location: str | None,
    job_remote: str | None,
) -> float:
    """Same city or a remote job the candidate accepts scores high; unknown either side is NEUTRAL."""
    preference = remote_mode(remote_preference) or remote_mode(candidate_location)
    mode = remote_mode(job_remote) or remote_mode(job_location)
    if mode == "remote":
        return scoring.LOCATION_REMOTE_BUT_WANTS_ONSITE if preference == "onsite" else scoring.LOCATION_REMOTE
    mine, theirs = normalise_city(candidate_location), normalise_city(job_location)
    if mine is None or theirs is None:
        return NEUTRAL
    if mine == theirs:
        if preference == "remote" and mode == "onsite":
            return scoring.LOCATION_SAME_CITY_BUT_WANTS_REMOTE
        return scoring.LOCATION_SAME_CITY
    if mode == "hybrid":
        return scoring.LOCATION_HYBRID_OTHER_CITY
    return scoring.LOCATION_ONSITE_OTHER_CITY


def annual_range(salary: SalaryRange | None) -> tuple[float, float] | None:
    """(low, high) per year, or None when no amount is known; a missing bound copies the other."""
    if salary is None or (salary.minimum is None and salary.maximum is None):
        return None
    factor = scoring.SALARY_PERIOD_FACTORS.get((salary.period or "year").casefold(), 1.0)
    low = salary.minimum if salary.minimum is not None else salary.maximum
    high = salary.maximum if salary.maximum is not None else salary.minimum
    low, high = sorted((float(low) * factor, float(high) * factor))
    return low, high


def salary_fit(wanted: SalaryRange | None, offered: SalaryRange | None) -> float:
    """How much of the candidate's expected range the job can pay, softly.

    Every amount in the candidate's range scores 1 when at or below the job's maximum, falling
    linearly to 0 at SALARY_GAP_TO_ZERO (50 %) above it; the feature is the mean over the range.
    A job with only a minimum ("from 100k") is open-ended. Unknown amounts or different
    currencies score NEUTRAL (no exchange rates here).
    """
    want = annual_range(wanted)
    if want is None or offered is None or (offered.minimum is None and offered.maximum is None):
        return NEUTRAL
    assert wanted is not None
    if wanted.currency and offered.currency and wanted.currency.upper() != offered.currency.upper():
        return NEUTRAL
    factor = scoring.SALARY_PERIOD_FACTORS.get((offered.period or "year").casefold(), 1.0)
    if offered.maximum is None:
        return 1.0
    top = float(offered.maximum) * factor
    if top <= 0:
        return NEUTRAL
    amounts = np.linspace(want[0], want[1], 65)
    gap = np.clip((amounts - top) / (top * scoring.SALARY_GAP_TO_ZERO), 0.0, 1.0)
    return float(np.mean(1.0 - gap))


def semantic_score(retrieval_similarity: float, section_similarity: float | None) -> float:
    """Cosine similarity clipped to [0, 1], blended with the section similarity when there is one."""
    base = min(1.0, max(0.0, float(retrieval_similarity)))
    if section_similarity is None:
        return base
    section = min(1.0, max(0.0, float(section_similarity)))
    return (1 - scoring.SECTION_SIMILARITY_WEIGHT) * base + scoring.SECTION_SIMILARITY_WEIGHT * section


@dataclass(frozen=True)
class SkillComparison:
    matched: list[str]
    missing_required: list[str]
    missing_nice: list[str]
    required: list[str]
    nice: list[str]


def compare_skills(candidate: MatchCandidate) -> SkillComparison:
    """The job's required/nice skills (its general skills when none are marked) vs the resume's."""
    required = _unique(candidate.job.fields.required_skills) or _unique(candidate.job.fields.skills)
    required_keys = {_key(s) for s in required}
    nice = [s for s in _unique(candidate.job.fields.nice_to_have_skills) if _key(s) not in required_keys]
    have = {_key(s) for s in _unique(candidate.resume.fields.skills)}
    return SkillComparison(
        matched=[s for s in [*required, *nice] if _key(s) in have],
        missing_required=[s for s in required if _key(s) not in have],
        missing_nice=[s for s in nice if _key(s) not in have],
        required=required,
        nice=nice,
    )


def compute_features(
    candidate: MatchCandidate, skill_idf: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The seven feature values of one pair, each in [0, 1], keyed by scoring.FEATURES."""
    skills = compare_skills(candidate)
    have = _unique(candidate.resume.fields.skills)
    resume, job = candidate.resume, candidate.job
    title = title_similarity([*resume.fields.titles, *resume.desired_roles], job.titles)
    return {
        "semantic": semantic_score(candidate.retrieval_similarity, candidate.section_similarity),
        "required_skills": skill_coverage(have, skills.required, skill_idf),
        "nice_skills": skill_coverage(have, skills.nice, skill_idf),
        "title": title,
        "experience": experience_fit(resume.fields.years_experience, infer_seniority(job),
                                     job.fields.years_experience, relevance=title),
        "location": location_fit(resume.location, resume.remote_preference, job.effective_location,
                                 job.effective_remote),
        "salary": salary_fit(resume.salary, job.effective_salary),
    }


# ---------------------------------------------------------------- cross-encoder


_CROSS_ENCODERS: dict[tuple[str, str], CrossEncoderScorer] = {}
_CE_LOCK = threading.Lock()


class CrossEncoderScorer:
    """A sentence-transformers CrossEncoder that scores (job text, resume text) pairs in 0..1."""

    def __init__(self, model: CrossEncoder, name: str) -> None:
        self.model = model
        self.name = name

    @classmethod
    def load(
        cls, model_name_or_path: str, *, device: str = "auto", max_length: int = 512,
    ) -> CrossEncoderScorer:
        """Load once per process per (model, device); a hub name or a local folder."""
        from matchflow.devices import pick_device

        resolved = pick_device(device)
        key = (model_name_or_path, resolved)
        with _CE_LOCK:
            if key not in _CROSS_ENCODERS:
                from sentence_transformers import CrossEncoder

                model = CrossEncoder(model_name_or_path, device=resolved, max_length=max_length)
                _CROSS_ENCODERS[key] = cls(model, model_name_or_path)
            return _CROSS_ENCODERS[key]

    def score(self, pairs: list[tuple[str, str]], *, batch_size: int = 16) -> np.ndarray:
        """Relevance of each pair in 0..1: sigmoid of the logit (softmax of the last class for 2+)."""
        if not pairs:
            return np.zeros(0, dtype=np.float64)
        import torch

        logits = np.asarray(
            self.model.predict(pairs, batch_size=batch_size, activation_fn=torch.nn.Identity(),
                               show_progress_bar=False, convert_to_numpy=True),
            dtype=np.float64,
        )
        if logits.ndim == 2 and logits.shape[1] > 1:
            shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
            return shifted[:, -1] / shifted.sum(axis=1)
        return 1.0 / (1.0 + np.exp(-logits.reshape(-1)))


# ---------------------------------------------------------------- rerank


def rerank(
    candidates: list[MatchCandidate], *, weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    skill_idf: Mapping[str, float] | None = None, cross_encoder: CrossEncoderScorer | None = None,
    cross_encoder_weight: float = CROSS_ENCODER_WEIGHT,
) -> list[RerankedMatch]:
    """Score every pair and return them best first.

    score = sum(weight * feature) over the (validated, renormalised) weights; with a
    cross-encoder, score = (1 - cross_encoder_weight) * that + cross_encoder_weight * its 0..1
    relevance, which is also reported as the "cross_encoder" feature. Ties keep input order.
    """
    normalised = validate_weights(weights)
    if not 0.0 <= cross_encoder_weight <= 1.0:
        raise ValueError(f"cross_encoder_weight must be within [0, 1], got {cross_encoder_weight}")
    relevance = None
    if cross_encoder is not None and candidates:
        relevance = cross_encoder.score([(c.job.text, c.resume.text) for c in candidates])
    results: list[RerankedMatch] = []
    for index, candidate in enumerate(candidates):
        features = compute_features(candidate, skill_idf)
        score = sum(normalised[name] * features[name] for name in FEATURES)
        if relevance is not None:
            features["cross_encoder"] = float(relevance[index])
            score = (1 - cross_encoder_weight) * score + cross_encoder_weight * features["cross_encoder"]
        skills = compare_skills(candidate)
        results.append(RerankedMatch(
            resume_id=candidate.resume.id, job_id=candidate.job.id, score=min(1.0, max(0.0, score)),
            features={k: round(v, 6) for k, v in features.items()}, matched_skills=skills.matched,
            missing_required_skills=skills.missing_required, missing_nice_skills=skills.missing_nice,
        ))
    order = sorted(range(len(results)), key=lambda i: -results[i].score)
    ranked = [results[i] for i in order]
    for rank, match in enumerate(ranked, start=1):
        match.rank = rank
    return ranked
