"""Ranking metrics for the evaluation: precision@k, nDCG@k (binary relevance) and ROC AUC of one ranking.

Hand-written (a dozen lines each) rather than pulling scikit-learn in as a dependency: the formulas are
the textbook ones and tests/evaluation/test_metrics.py checks them on cases computed by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import fmean


def precision_at_k(relevant: Sequence[bool], k: int) -> float:
    """Share of the first k results that are relevant; a list shorter than k counts the gap as misses."""
    if k < 1:
        raise ValueError("k must be at least 1")
    return sum(bool(r) for r in relevant[:k]) / k


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain: sum of gain_i / log2(i + 1) over ranks i = 1..k."""
    return sum(float(g) / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))


def ndcg_at_k(relevant: Sequence[bool], k: int, total_relevant: int | None = None) -> float:
    """DCG of the ranking over the DCG of a perfect one, binary gains.

    The perfect ranking puts min(k, total_relevant) relevant items first; `total_relevant` is how many
    relevant items exist in the whole collection (default: how many the list holds). 0 when none exist.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    total = sum(bool(r) for r in relevant) if total_relevant is None else total_relevant
    ideal = dcg_at_k([1.0] * min(k, total), k)
    return dcg_at_k([1.0 if r else 0.0 for r in relevant], k) / ideal if ideal > 0 else 0.0


def roc_auc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half).

    This is the area under the ROC curve (Mann-Whitney U / (n_pos * n_neg)); None when either class
    is empty, because the area is undefined then.
    """
    if len(scores) != len(positive):
        raise ValueError(f"{len(scores)} scores for {len(positive)} labels")
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def ranking_scores(ranked_ids: Sequence[int], candidate_ids: Sequence[int]) -> dict[int, float]:
    """Scores that reproduce a ranking: the best of n gets n, the next n - 1...; unranked candidates get 0.

    Turns a ranked list into the scores `roc_auc` needs, so every ranker is judged on its order alone.
    """
    n = len(ranked_ids)
    scores = {doc: float(n - i) for i, doc in enumerate(ranked_ids)}
    return {doc: scores.get(doc, 0.0) for doc in candidate_ids}


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the defined values; None when there are none."""
    defined = [v for v in values if v is not None]
    return fmean(defined) if defined else None
