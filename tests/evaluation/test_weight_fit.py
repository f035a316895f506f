"""The weight fit and its folds on small inputs shaped like the evaluation's: categories, postings, resumes."""

from __future__ import annotations

import numpy as np
import pytest

from matchflow.evaluation import metrics
from matchflow.evaluation.weight_fit import (
    HIRES,
    RETRIEVAL,
    Objective,
    QueryPool,
    assign_folds,
    bootstrap_difference,
    fit_weights,
    hit_metrics,
    list_metrics,
    pack,
    query_metrics,
)
from matchflow.evaluation.weights import cross_validate, fold_plan, training_masks
from matchflow.scoring import DEFAULT_WEIGHTS, FEATURES

CATEGORIES = ["ACCOUNTANT", "HR", "TEACHER", "CHEF", "SALES", "DESIGNER"]


def _corpus(seed: int = 0):
    """Six categories, each with 3 postings (ids 1000+) and 5 resumes (ids 1+); `title` marks the category."""
    rng = np.random.default_rng(seed)
    jobs = {1000 + 10 * c + j: cat for c, cat in enumerate(CATEGORIES) for j in range(3)}
    resumes = {1 + 10 * c + r: cat for c, cat in enumerate(CATEGORIES) for r in range(5)}

    def features(same: bool) -> dict[str, float]:
        values = {name: float(rng.random()) for name in FEATURES}
        values["title"] = float(0.6 + 0.4 * rng.random()) if same else float(0.5 * rng.random())
        return values

    def pools(queries: dict[int, str], targets: dict[int, str]) -> list[QueryPool]:
        out = []
        for query, label in queries.items():
            ids = list(targets)
            rng.shuffle(ids)
            relevant = frozenset(t for t, cat in targets.items() if cat == label)
            out.append(QueryPool(query=query, label=label, group=f"en:{label}", targets=ids,
                                 target_groups=[frozenset({f"en:{targets[t]}"}) for t in ids],
                                 features=[features(targets[t] == label) for t in ids], relevant=relevant,
                                 total_relevant=len(relevant)))
        return out

    by_job = pack("categories-full/job_to_resumes", RETRIEVAL, 10, pools(jobs, resumes), FEATURES)
    by_resume = pack("categories-full/resume_to_jobs", RETRIEVAL, 10, pools(resumes, jobs), FEATURES)
    return jobs, [by_job, by_resume]


def test_folds_keep_each_group_whole_and_balance_query_counts():
    folds = assign_folds({"en:A": 30, "en:B": 20, "en:C": 10, "en:D": 10, "ru:x": 3, "ru:y": 1}, 2,
                         strata={"en:A": "en", "en:B": "en", "en:C": "en", "en:D": "en", "ru:x": "ru", "ru:y": "ru"})
    assert folds == {"en:A": 0, "en:B": 1, "en:C": 1, "en:D": 0, "ru:x": 0, "ru:y": 1}
    with pytest.raises(ValueError):
        assign_folds({"en:A": 1}, 1)


def test_no_job_is_in_both_the_training_rows_and_the_validation_queries_of_a_fold():
    jobs, tasks = _corpus()
    by_job, by_resume = tasks
    folds = fold_plan(tasks, 3)
    assert len(set(folds.values())) == 3
    for fold in range(3):
        validation = {g for g, f in folds.items() if f == fold}
        query_masks, target_masks = training_masks(tasks, validation)
        # jobs a training row touches: job queries (job -> resumes) and job candidates (resume -> jobs)
        trained = {q for q, keep in zip(by_job.queries, query_masks[by_job.name], strict=True) if keep}
        rows = query_masks[by_resume.name][:, None] & target_masks[by_resume.name] & by_resume.valid
        trained |= {int(t) for t in by_resume.targets[rows]}
        # jobs the validation scores: its job queries, and every job relevant to its resume queries
        validated = {q for q, g in zip(by_job.queries, by_job.groups, strict=True) if g in validation}
        for q, g in enumerate(by_resume.groups):
            if g in validation:
                validated |= {int(t) for t in by_resume.targets[q][by_resume.relevant[q]]}
        assert validated and trained
        assert not trained & validated, f"fold {fold}: jobs {sorted(trained & validated)} leak"
        assert trained | validated <= set(jobs)


def test_the_fit_recovers_the_one_feature_that_decides_relevance():
    _, tasks = _corpus()
    by_name = {t.name: t for t in tasks}
    objective = Objective({t.name: "ndcg" for t in tasks})
    start = np.full(len(FEATURES), 1.0 / len(FEATURES))
    weights, value = fit_weights(by_name, objective, start)
    assert FEATURES[int(np.argmax(weights))] == "title"
    assert weights[FEATURES.index("title")] >= 0.5
    assert value > objective(by_name, start) and value == pytest.approx(1.0)
    assert weights.sum() == pytest.approx(1.0) and (weights >= 0).all()


def test_fixed_features_keep_their_weight():
    _, tasks = _corpus()
    by_name = {t.name: t for t in tasks}
    start = np.array([DEFAULT_WEIGHTS[n] for n in FEATURES])
    fixed = [FEATURES.index("location"), FEATURES.index("salary")]
    weights, _ = fit_weights(by_name, Objective({t.name: "ndcg" for t in tasks}), start, fixed=fixed)
    assert weights[fixed] == pytest.approx(start[fixed])
    assert weights[FEATURES.index("title")] > start[FEATURES.index("title")]


def test_cross_validation_reports_every_fold_and_beats_the_default_out_of_fold():
    _, tasks = _corpus(seed=1)
    report = cross_validate(tasks, n_folds=3, fit_tasks={t.name: "ndcg" for t in tasks})
    assert [f["fold"] for f in report["per_fold"]] == [1, 2, 3]
    assert sorted(g for f in report["per_fold"] for g in f["validation_groups"]) == sorted(
        f"en:{c}" for c in CATEGORIES)
    for task in tasks:
        row = report["out_of_fold"][task.name]["figures"]["ndcg"]
        assert row["learned"] > row["default"]
    assert report["fixed_features"] == ["location", "salary"]


def test_vectorised_metrics_match_the_evaluation_metrics():
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(3, 15))
        hits = rng.random(n) < 0.4
        total = int(hits.sum() + rng.integers(0, 3))
        got = hit_metrics(hits[None, :], np.ones((1, n), dtype=bool), np.array([total]), RETRIEVAL, 10)
        if total:
            assert got["precision"][0] == pytest.approx(metrics.precision_at_k(list(hits), 10))
            assert got["ndcg"][0] == pytest.approx(metrics.ndcg_at_k(list(hits), 10, total))
        ranked = list(range(n))
        auc = hit_metrics(hits[None, :], np.ones((1, n), dtype=bool), np.array([hits.sum()]), HIRES, 5)["roc_auc"][0]
        scores = metrics.ranking_scores(ranked, ranked)
        expected = metrics.roc_auc([scores[d] for d in ranked], list(hits))
        assert (np.isnan(auc) and expected is None) or auc == pytest.approx(expected)


def test_list_metrics_rank_a_baselines_missing_candidates_last():
    got = list_metrics([3, 1], [1, 2, 3], {2}, 1, HIRES, 5)
    assert got["roc_auc"] == 0.0  # the hired resume 2 was not ranked: below both others
    assert list_metrics([2], [1, 2, 3], {2}, 1, HIRES, 5)["roc_auc"] == 1.0


def test_pools_rank_by_weighted_features_with_ties_in_pool_order():
    pool = QueryPool(query=1, label="A", group="en:A", targets=[10, 11, 12], target_groups=[frozenset()] * 3,
                     features=[{"x": 0.5}, {"x": 0.5}, {"x": 0.9}], relevant=frozenset({11}), total_relevant=1)
    task = pack("t", RETRIEVAL, 10, [pool], ["x"])
    assert query_metrics(task, np.array([1.0]))["mrr"][0] == pytest.approx(1 / 3)  # 12 first, then 10, 11
    task.features[0, 2, 0] = 0.5  # all tied: pool order, 10 then 11
    assert query_metrics(task, np.array([1.0]))["mrr"][0] == 0.5


def test_bootstrap_difference_brackets_the_macro_difference():
    labels = np.array(["a", "a", "b", "c"])
    diff, low, high = bootstrap_difference(np.array([1.0, 0.0, 1.0, 0.5]), np.array([0.5, 0.0, 0.5, 0.5]), labels)
    assert diff == pytest.approx((0.25 + 0.5 + 0.0) / 3)
    assert low <= diff <= high


def test_the_report_renders_a_row_per_fold_and_a_summary():
    from matchflow.evaluation.report import to_markdown
    from matchflow.evaluation.weight_report import weight_tables
    from matchflow.evaluation.weights import _plain

    _, tasks = _corpus(seed=2)
    report = _plain(cross_validate(tasks, n_folds=3, fit_tasks={t.name: "ndcg" for t in tasks}))
    tables = weight_tables(report)
    assert [row[0] for row in tables[0].rows] == ["default", "1", "2", "3", "**all**"]
    assert len(tables) == 1 + len(tasks) + 1
    assert "learned - default [95 % CI]" in to_markdown(tables[-1])


def test_the_weights_command_refuses_an_unknown_objective():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "matchflow", "eval", "weights", "--objective", "nope"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "--objective must be one of retrieval" in result.stderr
