"""The ranking itself: every pair scored from its features (and the cross-encoder, when given), best first.

The one entry point the pipeline calls; the weights are validated here so a bad user setting fails
before any pair is scored.
"""

from __future__ import annotations

from collections.abc import Mapping

from matchflow.rerank.cross_encoder import CrossEncoderScorer
from matchflow.rerank.features import compute_features
from matchflow.rerank.sides import MatchPair, RerankedMatch
from matchflow.rerank.skills import compare_skills
from matchflow.scoring import CROSS_ENCODER_WEIGHT, DEFAULT_WEIGHTS, FEATURES, validate_weights

__all__ = ["rerank"]


def rerank(
    pairs: list[MatchPair], *, weights: Mapping[str, float] = DEFAULT_WEIGHTS,
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
    if cross_encoder is not None and pairs:
        relevance = cross_encoder.score([(p.job.text, p.resume.text) for p in pairs])
    results: list[RerankedMatch] = []
    for index, pair in enumerate(pairs):
        features = compute_features(pair, skill_idf)
        score = sum(normalised[name] * features[name] for name in FEATURES)
        if relevance is not None:
            features["cross_encoder"] = float(relevance[index])
            score = (1 - cross_encoder_weight) * score + cross_encoder_weight * features["cross_encoder"]
        skills = compare_skills(pair)
        results.append(RerankedMatch(
            resume_id=pair.resume.id, job_id=pair.job.id, score=min(1.0, max(0.0, score)),
            features={k: round(v, 6) for k, v in features.items()}, matched_skills=skills.matched,
            missing_required_skills=skills.missing_required, missing_nice_skills=skills.missing_nice,
        ))
    order = sorted(range(len(results)), key=lambda i: -results[i].score)
    ranked = [results[i] for i in order]
    for rank, match in enumerate(ranked, start=1):
        match.rank = rank
    return ranked
