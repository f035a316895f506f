"""Terminal and JSON rendering of summaries and matches (rich tables a recruiter can scan)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from matchflow.pipeline.summary import StageSummary


def summary_dict(summary: StageSummary) -> dict[str, Any]:
    data = summary.as_dict()
    data.pop("outcomes", None)
    return data


def print_summary(console: Console, title: str, summary: StageSummary) -> None:
    console.print(f"[bold]{title}[/]: {summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, "
                  f"{summary.duplicate} duplicate, {summary.failed} failed")
    if summary.failures:
        table = Table("document", "reason", "message", title="Failures", title_justify="left")
        for failure in summary.failures:
            table.add_row(failure.document, failure.reason, failure.message)
        console.print(table)


def print_json(console: Console, data: Any) -> None:
    console.print_json(json.dumps(data, default=str, ensure_ascii=False))


def matches_table(rows: list[dict[str, Any]], *, title: str, for_candidate: bool) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("job" if for_candidate else "candidate")
    table.add_column("matched skills")
    table.add_column("missing skills", style="yellow")
    table.add_column("why")
    for row in rows:
        who = (f"{row.get('job_title') or ''} (job {row['job_id']})" if for_candidate
               else f"candidate {row['candidate_id']} · {row.get('filename') or row.get('source_id') or ''}")
        style = "green" if row["score"] >= 75 else "" if row["score"] >= 50 else "dim"
        table.add_row(str(row["rank"]), f"[{style}]{row['score']:.0f}[/]" if style else f"{row['score']:.0f}",
                      who, ", ".join(row["matched_skills"][:8]), ", ".join(row["missing_skills"][:6]),
                      "; ".join(row["explanation"][:2]))
    return table


def run_table(result: dict[str, Any]) -> Table:
    """A chain run's statistics: one row per step."""
    table = Table(title=f"chain {result.get('chain')} · run {result.get('pipeline_run_id')} · "
                        f"{result.get('seconds', 0):.1f} s", title_justify="left")
    for column in ("step", "processed", "new", "unchanged", "duplicate", "failed", "seconds", "task runs", "device"):
        table.add_column(column, justify="left" if column in ("step", "device") else "right")
    for step, stats in result.get("stages", {}).items():
        table.add_row(step, *(str(stats[key]) for key in ("processed", "new", "unchanged", "duplicate", "failed")),
                      f"{stats['seconds']:.2f}", str(stats["task_runs"]), stats["device"])
    return table
