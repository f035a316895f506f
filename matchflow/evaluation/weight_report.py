"""The tables of `matchflow eval weights`: weights per fold, each task per fold, and the out-of-fold summary.

Plain formatting of the report dict (no database code), like report.py.
"""

from __future__ import annotations

from typing import Any

from matchflow.evaluation.report import ReportTable, fmt

METRIC_TITLES = {"precision": "P@{k}", "ndcg": "nDCG@{k}", "p1": "P@1", "mrr": "MRR@{k}", "roc_auc": "AUC"}
FOLD_METRICS = {"hires": ("roc_auc", "ndcg")}  # per-fold tables: these two metrics; retrieval: P@k and nDCG@k
COLUMNS = ("default", "learned", "lexical", "bm25", "vector")
BASELINES = ("lexical", "bm25", "vector")


def _k(task: str) -> int:
    return 5 if task == "hires" else 10


def _title(metric: str, task: str) -> str:
    return METRIC_TITLES[metric].format(k=_k(task))


def weight_tables(report: dict[str, Any]) -> list[ReportTable]:
    """Learned weights per fold, every task's per-fold figures, then the out-of-fold summary."""
    features = report["features"]
    weights = ReportTable(title=f"Learned weights per fold ({report['folds']} folds; fit: mean of "
                                + ", ".join(f"{t} {m}" for t, m in report["fit_tasks"].items()) + ")",
                          headers=["fold", "held-out groups", *features, "train objective (default -> learned)"],
                          rows=[["default", "", *[fmt(report["default_weights"][f]) for f in features], ""]])
    for fold in report["per_fold"]:
        weights.rows.append([str(fold["fold"]), ", ".join(fold["validation_groups"]),
                             *[fmt(fold["weights"][f]) for f in features],
                             f"{fmt(fold['train_objective_default'])} -> {fmt(fold['train_objective'])}"])
    weights.rows.append(["**all**", "every group", *[fmt(report["final_weights"][f]) for f in features],
                         f"{fmt(report['default_objective'])} -> {fmt(report['final_objective'])}"])
    tables = [weights]
    for task, summary in report["out_of_fold"].items():
        metrics = FOLD_METRICS.get(task, ("precision", "ndcg"))
        table = ReportTable(title=f"{task}: validation folds (default weights, learned on the other folds, baselines)",
                            headers=["fold", "queries", *[f"{c} {_title(m, task)}" for m in metrics for c in COLUMNS]],
                            rows=[])
        for fold in report["per_fold"]:
            figures = fold["tasks"][task]["figures"]
            table.rows.append([str(fold["fold"]), str(fold["tasks"][task]["queries"]),
                               *[fmt(figures[m].get(c)) for m in metrics for c in COLUMNS]])
        figures = summary["figures"]
        table.rows.append(["**out of fold**", str(summary["queries"]),
                           *[fmt(figures[m].get(c)) for m in metrics for c in COLUMNS]])
        tables.append(table)
    tables.append(summary_table(report))
    return tables


def summary_table(report: dict[str, Any]) -> ReportTable:
    """Every task and metric over all queries: default, learned out of fold, learned in sample, baselines."""
    table = ReportTable(title="Out-of-fold summary: every query scored with weights fitted without its group",
                        headers=["task", "metric", "default", "learned (out of fold)", "learned (all data, in sample)",
                                 "learned - default [95 % CI]", *BASELINES, "learned - best of bm25, vector"],
                        rows=[])
    for task, summary in report["out_of_fold"].items():
        for metric, row in summary["figures"].items():
            best = max((row[b] for b in ("bm25", "vector") if row.get(b) is not None), default=None)
            gap = None if best is None or row.get("learned") is None else row["learned"] - best
            diff = (summary.get("learned_minus_default") or {}).get(metric)
            table.rows.append([task, _title(metric, task), fmt(row.get("default")), fmt(row.get("learned")),
                               fmt(row.get("learned_in_sample")),
                               "-" if diff is None else f"{diff[0]:+.3f} [{diff[1]:+.3f}, {diff[2]:+.3f}]",
                               *[fmt(row.get(b)) for b in BASELINES], "-" if gap is None else f"{gap:+.3f}"])
    return table
