"""Evaluation reports as tables: one list of rows per table, rendered for the terminal (rich) or Markdown.

The rows hold no personal data: categories, vacancy titles and numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table

from matchflow.evaluation.ranker_names import RANKERS

DIRECTION_TITLES = {"job_to_resumes": "job -> resumes", "resume_to_jobs": "resume -> jobs"}


@dataclass
class ReportTable:
    title: str
    headers: list[str]
    rows: list[list[str]]


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def category_tables(report: dict[str, Any], *, per_category: bool = True) -> list[ReportTable]:
    """A summary table (means per variant, direction and ranker), then one per-category table for each."""
    k = report["k"]
    summary = ReportTable(
        title=f"Category retrieval: macro mean over categories (P@{k} / nDCG@{k})",
        headers=["text", "direction", *[f"{name} P@{k}" for name in RANKERS],
                 *[f"{name} nDCG@{k}" for name in RANKERS]],
        rows=[])
    tables = [summary]
    for variant, result in report["variants"].items():
        for direction, by_ranker in ((d, result[d]) for d in DIRECTION_TITLES if d in result):
            summary.rows.append([variant, DIRECTION_TITLES[direction],
                                 *[fmt(by_ranker[name]["mean"]["precision"]) for name in RANKERS],
                                 *[fmt(by_ranker[name]["mean"]["ndcg"]) for name in RANKERS]])
            if not per_category:
                continue
            first = by_ranker[RANKERS[0]]["per_category"]
            table = ReportTable(
                title=f"{DIRECTION_TITLES[direction]}, {variant} text: per category",
                headers=["category", "queries", "relevant", *[f"{n} P@{k}" for n in RANKERS],
                         *[f"{n} nDCG@{k}" for n in RANKERS]],
                rows=[])
            for category in first:
                table.rows.append([category, str(first[category]["queries"]), str(first[category]["relevant_targets"]),
                                   *[fmt(by_ranker[n]["per_category"].get(category, {}).get("precision"))
                                     for n in RANKERS],
                                   *[fmt(by_ranker[n]["per_category"].get(category, {}).get("ndcg")) for n in RANKERS]])
            table.rows.append(["**mean**", str(by_ranker[RANKERS[0]]["mean"]["queries"]), "",
                               *[fmt(by_ranker[n]["mean"]["precision"]) for n in RANKERS],
                               *[fmt(by_ranker[n]["mean"]["ndcg"]) for n in RANKERS]])
            tables.append(table)
    return tables


def hire_tables(report: dict[str, Any]) -> list[ReportTable]:
    """One table: per vacancy ROC AUC and nDCG@k of every ranker, then the means."""
    k = report["k"]
    table = ReportTable(title=f"Hire prediction: each vacancy ranks its own resumes (ROC AUC / nDCG@{k})",
                        headers=["vacancy", "title", "resumes", "hired", *[f"{n} AUC" for n in RANKERS],
                                 *[f"{n} nDCG@{k}" for n in RANKERS]], rows=[])
    by_ranker = report["rankers"]
    for index, row in enumerate(by_ranker[RANKERS[0]]["per_vacancy"]):
        table.rows.append([row["vacancy"], row["title"][:48], str(row["resumes"]), str(row["hired"]),
                           *[fmt(by_ranker[n]["per_vacancy"][index]["roc_auc"]) for n in RANKERS],
                           *[fmt(by_ranker[n]["per_vacancy"][index]["ndcg"]) for n in RANKERS]])
    table.rows.append(["**mean**", "", "", "", *[fmt(by_ranker[n]["mean"]["roc_auc"]) for n in RANKERS],
                       *[fmt(by_ranker[n]["mean"]["ndcg"]) for n in RANKERS]])
    return [table]


RELEVANCE_TITLES = {"applied": "relevant = applied to this vacancy", "family": "relevant = same role family"}


def applicant_tables(report: dict[str, Any]) -> list[ReportTable]:
    """A summary (macro means per relevance and ranker), then a per-vacancy table for each relevance."""
    k = report["k"]
    headers = [*[f"{n} P@{k}" for n in RANKERS], *[f"{n} nDCG@{k}" for n in RANKERS]]
    summary = ReportTable(title=f"Applicant retrieval: each vacancy ranks all {report['searchable_resumes']} "
                                f"resumes, macro mean over vacancies (P@{k} / nDCG@{k})",
                          headers=["relevance", "vacancies", *headers], rows=[])
    tables = [summary]
    for relevance, by_ranker in report["relevances"].items():
        means = [by_ranker[n]["mean"] for n in RANKERS]
        summary.rows.append([RELEVANCE_TITLES.get(relevance, relevance), str(means[0]["vacancies"]),
                             *[fmt(m["precision"]) for m in means], *[fmt(m["ndcg"]) for m in means]])
        table = ReportTable(title=f"Applicant retrieval, {RELEVANCE_TITLES.get(relevance, relevance)}: per vacancy",
                            headers=["vacancy", "title", "family", "relevant", *headers], rows=[])
        for index, row in enumerate(by_ranker[RANKERS[0]]["per_vacancy"]):
            rows = [by_ranker[n]["per_vacancy"][index] for n in RANKERS]
            table.rows.append([row["vacancy"], row["title"][:48], row["family"] or "-", str(row["relevant"]),
                               *[fmt(r["precision"]) for r in rows], *[fmt(r["ndcg"]) for r in rows]])
        table.rows.append(["**mean**", "", "", "", *[fmt(m["precision"]) for m in means],
                           *[fmt(m["ndcg"]) for m in means]])
        tables.append(table)
    return tables


def tables_of(report: dict[str, Any]) -> list[ReportTable]:
    """The tables of any report, by its dataset."""
    builders = {"categories": category_tables, "hires": hire_tables, "applicants": applicant_tables}
    return builders[report["dataset"]](report)


def to_markdown(table: ReportTable) -> str:
    lines = [f"**{table.title}**", "", "| " + " | ".join(table.headers) + " |",
             "|" + "|".join("---" for _ in table.headers) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def to_rich(table: ReportTable) -> Table:
    rendered = Table(title=table.title, title_justify="left")
    for index, header in enumerate(table.headers):
        rendered.add_column(header, justify="left" if index < 2 else "right")
    for row in table.rows:
        rendered.add_row(*[cell.replace("**", "") for cell in row])
    return rendered
