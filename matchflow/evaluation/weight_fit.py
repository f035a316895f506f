"""Fit the reranker's feature weights and cross-validate them: plain arrays in, weights and figures out.

The reranker's score is a weighted sum of named features over a candidate pool that does not depend on the
weights (hybrid retrieval + RRF), so a query's ranking under any weights is its pool sorted by features @ w,
ties in pool order as `matchflow.rerank.rerank` keeps them. Each task (a set and a direction) is packed into
padded arrays, and every metric of the evaluation is computed for all its queries at once.

The fit is a coordinate search on the simplex (non-negative weights summing to 1, the shape
`scoring.validate_weights` accepts): starting from the current weights, move a share of weight from one
feature to another (features held fixed keep theirs) while that raises the objective (the mean, over the
fitted tasks, of each task's metric macro-averaged over its labels), with steps halving from 0.2 to 0.01.
It maximises the evaluation's own rank metrics directly, needs no library, and keeps every weight readable
as "this feature's share".

Folds are groups of queries (`assign_folds`); see `matchflow.evaluation.weights` for which groups and why.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

RETRIEVAL = "retrieval"  # metrics: precision, ndcg (at k), p1, mrr (reciprocal rank of the first hit, within k)
HIRES = "hires"  # metrics: roc_auc (hired above rejected over the whole pool), ndcg (at k)
METRICS = {RETRIEVAL: ("precision", "ndcg", "p1", "mrr"), HIRES: ("roc_auc", "ndcg")}
STEPS = (0.2, 0.1, 0.05, 0.02, 0.01)
MIN_GAIN = 1e-4  # a move must raise the objective by this much: no drifting on metric plateaus


@dataclass(frozen=True)
class QueryPool:
    """One query's candidate pool as the reranker sees it, with what the evaluation knows about each target."""

    query: int
    label: str  # the macro-mean key: category, or vacancy
    group: str  # the fold unit of the query
    targets: Sequence[int]  # pool order (RRF), which breaks ties
    target_groups: Sequence[frozenset[str]]  # fold units each target belongs to
    features: Sequence[Mapping[str, float]]  # one feature dict per target
    relevant: frozenset[int]  # relevant target ids (in the pool or not)
    total_relevant: int  # relevant targets that exist in the whole corpus (nDCG's ideal, MRR's "none")


@dataclass
class Task:
    """Every query of one set and direction, padded to the longest pool."""

    name: str
    kind: str  # RETRIEVAL or HIRES
    k: int
    feature_names: tuple[str, ...]
    queries: list[int]
    targets: np.ndarray  # (Q, P) target document ids, -1 for padding
    labels: np.ndarray  # (Q,) str
    groups: np.ndarray  # (Q,) str
    features: np.ndarray  # (Q, P, F)
    relevant: np.ndarray  # (Q, P) bool
    valid: np.ndarray  # (Q, P) bool: False for padding
    target_groups: list[list[frozenset[str]]]
    total_relevant: np.ndarray  # (Q,)
    baselines: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # ranker -> metric -> (Q,)

    def targets_in(self, fold_groups: set[str]) -> np.ndarray:
        """(Q, P) mask of the targets that belong to any of these groups."""
        mask = np.zeros(self.valid.shape, dtype=bool)
        for q, row in enumerate(self.target_groups):
            for p, groups in enumerate(row):
                mask[q, p] = bool(groups & fold_groups)
        return mask

    def queries_in(self, fold_groups: set[str]) -> np.ndarray:
        return np.array([g in fold_groups for g in self.groups], dtype=bool)


def pack(name: str, kind: str, k: int, pools: Sequence[QueryPool], feature_names: Sequence[str]) -> Task:
    """The task's queries as padded arrays (feature columns in `feature_names` order)."""
    width = max((len(p.targets) for p in pools), default=1) or 1
    names = tuple(feature_names)
    features = np.zeros((len(pools), width, len(names)))
    targets = np.full((len(pools), width), -1, dtype=np.int64)
    relevant = np.zeros((len(pools), width), dtype=bool)
    valid = np.zeros((len(pools), width), dtype=bool)
    for q, pool in enumerate(pools):
        for p, (target, values) in enumerate(zip(pool.targets, pool.features, strict=True)):
            features[q, p] = [float(values[n]) for n in names]
            targets[q, p] = target
            relevant[q, p] = target in pool.relevant
            valid[q, p] = True
    return Task(name=name, kind=kind, k=k, feature_names=names, queries=[p.query for p in pools], targets=targets,
                labels=np.array([p.label for p in pools], dtype=object),
                groups=np.array([p.group for p in pools], dtype=object), features=features, relevant=relevant,
                valid=valid, target_groups=[list(p.target_groups) for p in pools],
                total_relevant=np.array([p.total_relevant for p in pools]))


def ranked_hits(scores: np.ndarray, relevant: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(relevance, validity) of each query's targets in ranked order: best score first, ties in pool order."""
    order = np.argsort(-np.where(valid, scores, -np.inf), axis=1, kind="stable")
    return np.take_along_axis(relevant & valid, order, axis=1), np.take_along_axis(valid, order, axis=1)


def _discounts(n: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, n + 2))


def hit_metrics(hits: np.ndarray, kept: np.ndarray, total_relevant: np.ndarray, kind: str, k: int
                ) -> dict[str, np.ndarray]:
    """Per-query metrics of ranked hit lists (Q, P): the definitions of `evaluation.metrics`, vectorised.

    NaN where a metric is undefined (no relevant target exists; AUC without both classes).
    """
    top = hits[:, :k].astype(float)
    if top.shape[1] < k:
        top = np.pad(top, ((0, 0), (0, k - top.shape[1])))
    discounts = _discounts(k)
    ideal = np.concatenate([[0.0], np.cumsum(discounts)])[np.minimum(k, total_relevant)]
    with np.errstate(invalid="ignore", divide="ignore"):
        ndcg = np.where(ideal > 0, (top * discounts).sum(axis=1) / ideal, np.nan)
    out = {"ndcg": ndcg}
    if kind == RETRIEVAL:
        first = np.where(top.any(axis=1), top.argmax(axis=1) + 1, 0)
        defined = total_relevant > 0
        out["precision"] = np.where(defined, top.sum(axis=1) / k, np.nan)
        out["p1"] = np.where(defined, top[:, 0], np.nan)
        out["mrr"] = np.where(defined, np.where(first > 0, 1.0 / np.maximum(first, 1), 0.0), np.nan)
        return out
    negatives = kept & ~hits
    neg_after = negatives.sum(axis=1, keepdims=True) - np.cumsum(negatives, axis=1)  # negatives ranked below
    n_pos, n_neg = hits.sum(axis=1), negatives.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["roc_auc"] = np.where((n_pos > 0) & (n_neg > 0), (neg_after * hits).sum(axis=1) / (n_pos * n_neg),
                                  np.nan)
    return out


def list_metrics(ranked: Sequence[int], candidates: Sequence[int], relevant: set[int] | frozenset[int],
                 total_relevant: int, kind: str, k: int) -> dict[str, float]:
    """The same metrics for a ranked id list (a baseline's answer); for HIRES, `candidates` are the query's
    own resumes, those the list leaves out ranked last in candidate order."""
    order = list(ranked) + [c for c in candidates if c not in set(ranked)] if kind == HIRES else list(ranked)
    width = max(len(order), 1)
    hits = np.zeros((1, width), dtype=bool)
    kept = np.zeros((1, width), dtype=bool)
    for i, doc in enumerate(order):
        hits[0, i], kept[0, i] = doc in relevant, True
    return {name: float(v[0]) for name, v in hit_metrics(hits, kept, np.array([total_relevant]), kind, k).items()}


def query_metrics(task: Task, weights: np.ndarray, target_mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per-query metrics of the task's pools ranked by features @ weights (targets outside the mask dropped)."""
    valid = task.valid if target_mask is None else task.valid & target_mask
    hits, kept = ranked_hits(task.features @ weights, task.relevant, valid)
    return hit_metrics(hits, kept, task.total_relevant, task.kind, task.k)


def macro(values: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean over labels of the mean over each label's queries (the evaluation's macro mean); NaNs skipped."""
    keep = ~np.isnan(values) if mask is None else mask & ~np.isnan(values)
    means = [values[keep & (labels == label)].mean() for label in sorted(set(labels[keep]))]
    return float(np.mean(means)) if means else float("nan")


def bootstrap_difference(a: np.ndarray, b: np.ndarray, labels: np.ndarray, *, resamples: int = 10_000,
                         seed: int = 0) -> tuple[float, float, float] | None:
    """Macro mean of a - b per query, with a 95 % percentile-bootstrap interval over labels (categories,
    vacancies): how far the difference could move with other labels of the same kind. None if undefined."""
    keep = ~np.isnan(a) & ~np.isnan(b)
    per_label = np.array([(a - b)[keep & (labels == label)].mean() for label in sorted(set(labels[keep]))])
    if not len(per_label):
        return None
    draws = np.random.default_rng(seed).integers(0, len(per_label), size=(resamples, len(per_label)))
    means = per_label[draws].mean(axis=1)
    return float(per_label.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


@dataclass(frozen=True)
class Objective:
    """What a fit maximises: the mean over `tasks` (name -> metric) of each one's macro mean."""

    tasks: Mapping[str, str]

    def __call__(self, by_name: Mapping[str, Task], weights: np.ndarray,
                 query_masks: Mapping[str, np.ndarray] | None = None,
                 target_masks: Mapping[str, np.ndarray] | None = None) -> float:
        values = []
        for name, metric in self.tasks.items():
            task = by_name[name]
            scored = query_metrics(task, weights, None if target_masks is None else target_masks[name])
            values.append(macro(scored[metric], task.labels, None if query_masks is None else query_masks[name]))
        return float(np.nanmean(values))


def fit_weights(by_name: Mapping[str, Task], objective: Objective, start: Sequence[float], *,
                query_masks: Mapping[str, np.ndarray] | None = None,
                target_masks: Mapping[str, np.ndarray] | None = None, steps: Sequence[float] = STEPS,
                min_gain: float = MIN_GAIN, fixed: Collection[int] = ()) -> tuple[np.ndarray, float]:
    """Steepest-ascent transfers of weight between features, on the simplex; returns (weights, objective).

    Features at the indices in `fixed` keep their starting weight; the others share the rest of the mass.
    """
    weights = np.asarray(start, dtype=float)
    weights = weights / weights.sum()
    best = objective(by_name, weights, query_masks, target_masks)
    free = [i for i in range(len(weights)) if i not in set(fixed)]
    for step in steps:
        while True:
            move, value = None, best + min_gain
            for to in free:
                for source in free:
                    amount = min(step, weights[source])
                    if to == source or amount <= 0:
                        continue
                    candidate = weights.copy()
                    candidate[to] += amount
                    candidate[source] -= amount
                    score = objective(by_name, candidate, query_masks, target_masks)
                    if score > value:
                        move, value = candidate, score
            if move is None:
                break
            weights, best = move, value
    return weights, best


def assign_folds(group_sizes: Mapping[str, int], n_folds: int, *, strata: Mapping[str, str] | None = None
                 ) -> dict[str, int]:
    """Group -> fold, balancing query counts: largest groups first, each to the fold with fewest queries so far.

    With `strata` (group -> stratum, e.g. its language), each stratum is spread over the folds on its own, so
    every fold holds some of each. Deterministic: ties go by group name and lowest fold number.
    """
    if n_folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    folds: dict[str, int] = {}
    for stratum in sorted(set((strata or {}).get(g, "") for g in group_sizes)):
        load = [0] * n_folds
        members = [g for g in group_sizes if (strata or {}).get(g, "") == stratum]
        for group in sorted(members, key=lambda g: (-group_sizes[g], g)):
            fold = min(range(n_folds), key=lambda f: (load[f], f))
            folds[group] = fold
            load[fold] += group_sizes[group]
    return folds
