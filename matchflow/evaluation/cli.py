"""`matchflow eval ...`: quality on the real data in ../shared/data, in the evaluation's own databases.

    matchflow eval categories [--data PATH] [--home PATH] [--limit-resumes N] [--json]
    matchflow eval hires      [--data PATH] [--home PATH] [--json]
    matchflow eval applicants [--data PATH] [--home PATH] [--markdown FILE] [--json]
    matchflow eval all        [--data PATH] [--home PATH] [--markdown FILE] [--json]
    matchflow eval weights    [--data PATH] [--home PATH] [--folds N] [--objective NAME] [--markdown FILE] [--json]

Documents go into `<home>/<corpus>/` (default home: <MATCHFLOW_HOME>/eval), never the user's database;
the pipeline's stages are idempotent, so a second run reuses what was parsed and embedded. Each command
reads the settings once and passes what the evaluation needs (the embedder, the score weights) down.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from matchflow.embedding import Embedder
    from matchflow.settings import Settings

eval_app = typer.Typer(help="Measure matching quality on the real data in ../shared/data.", no_args_is_help=True)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

DATA_HELP = "The shared data folder (default: <repo>/../shared/data)."
HOME_HELP = "Where the evaluation's own databases live (default: <MATCHFLOW_HOME>/eval)."


def _paths(data: Path | None, home: Path | None, settings: Settings) -> tuple[Path, Path]:
    from matchflow.evaluation.datasets import default_data_dir
    from matchflow.evaluation.store import default_eval_home

    data_dir = (data or default_data_dir()).resolve()
    if not data_dir.is_dir():
        err_console.print(f"[bold red]error:[/] the shared data folder {data_dir} does not exist; "
                          "pass --data PATH (see its README.md for the expected layout)")
        raise typer.Exit(2)
    return data_dir, (home or default_eval_home(settings)).resolve()


def _settings() -> Settings:
    """The settings, read once per command (the process-wide copy)."""
    from matchflow.settings import get_settings

    return get_settings()


def _embedder(settings: Settings) -> Embedder:
    """The product's embedder, as the chains load it (model, device, batch size and backend from settings)."""
    from matchflow.pipeline.config import EmbedConfig
    from matchflow.pipeline.embed import load_embedder

    return load_embedder(EmbedConfig.from_settings(settings))


def _log(message: str) -> None:
    err_console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {message}", markup=True, highlight=False)


def _emit(reports: list[dict[str, Any]], *, as_json: bool, markdown: Path | None) -> None:
    from matchflow.evaluation.report import tables_of, to_markdown, to_rich
    from matchflow.evaluation.weight_report import weight_tables

    tables = [t for r in reports for t in (weight_tables(r) if r["dataset"] == "weights" else tables_of(r))]
    if markdown is not None:
        markdown.write_text("\n".join(to_markdown(t) for t in tables), encoding="utf-8")
        err_console.print(f"tables written to {markdown}")
    if as_json:
        console.print_json(json.dumps(reports[0] if len(reports) == 1 else reports))
        return
    for table in tables:
        console.print(to_rich(table))


def _run(what: str, data_dir: Path, home: Path, settings: Settings, *, limit_resumes: int | None = None,
         categories: list[str] | None = None, postings: int | None = None) -> dict[str, Any]:
    from matchflow.evaluation.applicant_runner import run_applicants
    from matchflow.evaluation.datasets import DataMissingError
    from matchflow.evaluation.runners import run_categories, run_hires

    embedder = _embedder(settings)
    _log(f"{what}: data {data_dir}, databases under {home}, model {embedder.model_name} "
         f"({embedder.backend}) on {embedder.device}")
    try:
        if what == "categories":
            return run_categories(data_dir, home, embedder, settings=settings,
                                  limit_resumes=limit_resumes, categories=categories, postings_per_category=postings,
                                  log=_log)
        if what == "applicants":
            return run_applicants(data_dir, home, embedder, settings=settings, log=_log)
        return run_hires(data_dir, home, embedder, settings=settings, log=_log)
    except DataMissingError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2) from None


@eval_app.command("categories")
def categories_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    limit_resumes: int | None = typer.Option(None, "--limit-resumes", min=1,
                                             help="At most N resumes per category (the first by id)."),
    category: list[str] | None = typer.Option(None, "--category", help="Only these categories (repeatable)."),
    postings: int | None = typer.Option(None, "--postings", min=1, help="Postings per category (default: map's)."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables as Markdown here."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Category retrieval on the dev resume PDFs: P@10 and nDCG@10 both ways, with and without the first line."""
    settings = _settings()
    data_dir, eval_home = _paths(data, home, settings)
    report = _run("categories", data_dir, eval_home, settings, limit_resumes=limit_resumes,
                  categories=category or None, postings=postings)
    _emit([report], as_json=as_json, markdown=markdown)


@eval_app.command("hires")
def hires_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables as Markdown here."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Hire prediction on talent_match_ru/dev.json: ROC AUC and nDCG@5 per vacancy (no names printed)."""
    settings = _settings()
    data_dir, eval_home = _paths(data, home, settings)
    _emit([_run("hires", data_dir, eval_home, settings)], as_json=as_json, markdown=markdown)


@eval_app.command("applicants")
def applicants_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables as Markdown here."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Applicant retrieval on talent_match_ru/dev.json: each vacancy ranks all resumes; P@10 and nDCG@10 against
    its own applicants and against its role family (role_families.toml), per vacancy and as macro means."""
    settings = _settings()
    data_dir, eval_home = _paths(data, home, settings)
    _emit([_run("applicants", data_dir, eval_home, settings)], as_json=as_json, markdown=markdown)


@eval_app.command("all")
def all_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables as Markdown here."),
    as_json: bool = typer.Option(False, "--json", help="Print every report as a JSON list."),
) -> None:
    """Every evaluation (categories, hires, applicants), one after the other."""
    settings = _settings()
    data_dir, eval_home = _paths(data, home, settings)
    reports = [_run(what, data_dir, eval_home, settings) for what in ("categories", "hires", "applicants")]
    _emit(reports, as_json=as_json, markdown=markdown)


@eval_app.command("weights")
def weights_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    home: Path | None = typer.Option(None, "--home", help=HOME_HELP),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds (groups: categories, families)."),
    objective: str = typer.Option("retrieval", "--objective",
                                  help="What the fit maximises: retrieval (default), retrieval+hires or english."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the tables as Markdown here."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Learn the reranker's feature weights on every dev set, cross-validated across jobs: per fold, the
    default weights against the learned ones and the baselines; then the weights fitted on all of it."""
    from matchflow.evaluation.datasets import DataMissingError
    from matchflow.evaluation.weights import OBJECTIVES, run_weights

    if objective not in OBJECTIVES:
        err_console.print(f"[bold red]error:[/] --objective must be one of {', '.join(OBJECTIVES)}")
        raise typer.Exit(2)
    settings = _settings()
    data_dir, eval_home = _paths(data, home, settings)
    embedder = _embedder(settings)
    _log(f"weights: data {data_dir}, databases under {eval_home}, model {embedder.model_name} ({embedder.backend})")
    try:
        report = run_weights(data_dir, eval_home, embedder, settings=settings, n_folds=folds, objective=objective,
                             log=_log)
    except DataMissingError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2) from None
    _emit([report], as_json=as_json, markdown=markdown)
