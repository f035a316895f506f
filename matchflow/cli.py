"""The `matchflow` command line. Each command builds the settings once and passes them down."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from matchflow import __version__
from matchflow.domain import CHAIN_A, CHAIN_B, CHAINS, DocumentKind, SearchFilters
from matchflow.settings import Settings, get_settings

if TYPE_CHECKING:
    from matchflow.pipeline.context import RunContext

# Prefect's ephemeral API server can take 20-30 s to start on two cores.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry calls from a closed network
# matchflow's module loggers (named by __name__) in the flow run's logs in the UI, as Prefect's own loggers are.
# Read once, when Prefect configures logging (the first `from prefect import flow/task/...`): nothing above
# imports Prefect. Workers need the same in their environment (the Dockerfile sets it; docs/orchestration.md).
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "matchflow,flows,tasks,storage")
# outside a flow or task run (most commands) those records only reach the console, without a warning each
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

app = typer.Typer(
    help="matchflow: match candidates' resumes and jobs (Prefect + Postgres/pgvector).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database: migrations, dictionaries, status.", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console(soft_wrap=True)
err_console = Console(stderr=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _open_database(settings: Settings):
    """Engine + server info, turning setup problems into one clear CLI error."""
    from storage.db import DatabaseError, check_server, database_engine

    try:
        engine = database_engine(settings)
        return engine, check_server(engine, embedded=settings.embedded_database)
    except DatabaseError as exc:
        raise _fail(str(exc)) from None


@app.callback(invoke_without_command=True)
def main(version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    """Masks secrets and contacts in every log line before any command runs."""
    import logging

    from pydantic import ValidationError

    from matchflow.logs import install_redaction

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        install_redaction(get_settings())
    except ValidationError as exc:
        problems = "; ".join(f"MATCHFLOW_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise _fail(f"invalid configuration: {problems}") from None
    if version:
        console.print(f"matchflow {__version__}")
        raise typer.Exit()


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("head", help="Target revision."),
    seed: bool = typer.Option(True, help="Upsert the dictionaries (skills, roles, industries, locations)."),
) -> None:
    """Apply migrations (idempotent) and seed the dictionaries."""
    from storage.db import session_scope
    from storage.migrate import migration_status, upgrade
    from storage.seed import seed_dictionaries

    settings = get_settings()
    engine, info = _open_database(settings)
    upgrade(engine, revision)
    status = migration_status(engine)
    console.print(f"database {info.url} (Postgres {info.version}, pgvector {info.pgvector}) at {status.current}")
    if seed:
        with session_scope(engine) as session:
            counts = seed_dictionaries(session=session)
        console.print("dictionaries: " + ", ".join(f"{count} {name}" for name, count in counts.items()))


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("-1", help="Target revision (default: one step back).")) -> None:
    """Undo migrations down to REVISION."""
    from storage.migrate import downgrade, migration_status

    engine, _ = _open_database(get_settings())
    downgrade(engine, revision)
    console.print(f"now at revision {migration_status(engine).current}")


@db_app.command("status")
def db_status() -> None:
    """Show the server in use and the schema revision."""
    from storage.migrate import migration_status

    settings = get_settings()
    engine, info = _open_database(settings)
    status = migration_status(engine)
    kind = f"embedded ({settings.pgdata})" if info.embedded else "external"
    console.print(f"server:   {info.url} ({kind})", markup=False)
    console.print(f"postgres: {info.version}   pgvector available: {info.pgvector}")
    state = "up to date" if status.up_to_date else "needs `matchflow db upgrade`"
    console.print(f"revision: {status.current or '(empty database)'} / head {status.head} ({state})")


class Kind(StrEnum):
    resume = "resume"
    job = "job"


Chain = StrEnum("Chain", {spec.slug: spec.slug for spec in CHAINS.values()})  # the chain slugs, as typed

def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"),
                    TimeElapsedColumn(), console=err_console, transient=True)


def _context(settings: Settings, engine, **match) -> RunContext:
    """The run context of one command, on the engine `_open_database` checked."""
    from matchflow.pipeline.config import MatchConfig
    from matchflow.pipeline.context import RunContext

    return RunContext.from_settings(settings, engine=engine, match=MatchConfig.from_settings(settings, **match))


def _ingest(paths: list[Path], kind: DocumentKind, context: RunContext):
    from matchflow.pipeline.ingest import ingest_paths

    with _progress() as progress:
        bars = {"receive": progress.add_task(f"receiving {kind.value}s", total=None),
                "parse": progress.add_task(f"parsing {kind.value}s", total=None)}
        return ingest_paths(paths, kind, context=context, progress=lambda stage, n: progress.advance(bars[stage], n))


def _ensure_schema(engine) -> None:
    from storage.db import session_scope
    from storage.migrate import migration_status, upgrade
    from storage.seed import seed_dictionaries

    if not migration_status(engine).up_to_date:
        upgrade(engine)
        with session_scope(engine) as session:
            seed_dictionaries(session=session)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files and folders (recursive); CSV/JSON tables of jobs."),
    kind: Kind = typer.Option(..., "--kind", help="What the documents are."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Store and parse documents from files and folders; exit 1 when any document failed."""
    from matchflow.report import print_json, print_summary, summary_dict

    settings = get_settings()
    engine, _ = _open_database(settings)
    _ensure_schema(engine)
    try:
        summary = _ingest(paths, DocumentKind(kind.value), _context(settings, engine))
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        print_json(console, summary_dict(summary))
    else:
        print_summary(console, f"ingested {kind.value}s", summary)
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def fetch(
    form: list[Kind] = typer.Option(None, "--form", help="Which form(s) to fetch; default both configured."),
    since: str | None = typer.Option(None, "--since", help="Re-read submissions after this ISO time."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Fetch new Fillout submissions and their files now, then parse them; exit 1 when any failed."""
    from datetime import datetime

    from matchflow.fillout.errors import FilloutError
    from matchflow.pipeline.fetch import fetch_form
    from matchflow.pipeline.ingest import parse_received
    from matchflow.report import print_json, print_summary, summary_dict

    settings = get_settings()
    forms = form or [f for f, configured in ((Kind.resume, settings.fillout_resume_form_id),
                                            (Kind.job, settings.fillout_job_form_id)) if configured]
    if not forms:
        raise _fail("no Fillout form configured: set MATCHFLOW_FILLOUT_RESUME_FORM_ID / MATCHFLOW_FILLOUT_JOB_FORM_ID")
    try:
        after = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise _fail(f"--since {since!r} is not an ISO date/time (e.g. 2026-11-01T00:00:00+00:00)") from None
    engine, _ = _open_database(settings)
    _ensure_schema(engine)
    context = _context(settings, engine)
    results, failed = {}, False
    for each in forms:
        kind = DocumentKind(each.value)
        try:
            with err_console.status(f"fetching {kind.value} submissions from Fillout..."):
                summary = fetch_form(kind, context=context, since=after)
        except FilloutError as exc:
            raise _fail(str(exc)) from None
        parsed = parse_received(kind, context=context, batch_size=32)
        summary.failed += parsed.failed
        summary.duplicate += parsed.duplicate
        summary.failures += parsed.failures
        failed = failed or bool(summary.failed)
        results[kind.value] = summary
    if as_json:
        print_json(console, {name: summary_dict(summary) for name, summary in results.items()})
    else:
        for name, summary in results.items():
            print_summary(console, f"fetched {name} submissions", summary)
    raise typer.Exit(1 if failed else 0)


def _resolve_document(ref: str, kind: DocumentKind, context: RunContext) -> int:
    """A document id for an ID (documents.id) or a PATH (ingested first)."""
    from storage.db import session_scope
    from storage.documents import get_document, original_document_for_path

    if ref.isdigit():
        with session_scope(context.engine) as session:
            document = get_document(session=session, document_id=int(ref), kind=kind)
            if document is None:
                raise _fail(f"no {kind.value} document with id {ref}")
            return document.id
    path = Path(ref)
    summary = _ingest([path], kind, context)
    if summary.failed:
        failure = summary.failures[0]
        raise _fail(f"{failure.document} could not be read ({failure.reason}): {failure.message}")
    with session_scope(context.engine) as session:
        document = original_document_for_path(session=session, path=str(path.resolve()), kind=kind)
        if document is None:
            raise _fail(f"{path} was not ingested")
        return document.id


@app.command()
def match(
    resume: str | None = typer.Option(None, "--resume-document",
                                      help="A resume: its document id (documents.id) or a PATH (ingested first)."),
    job: str | None = typer.Option(None, "--job-document",
                                   help="A job: its document id (documents.id) or a PATH (ingested first)."),
    top: int = typer.Option(10, "--top", min=1, max=200, help="How many matches to keep."),
    location: str | None = typer.Option(None, "--location", help="Only matches whose location contains this."),
    remote_only: bool = typer.Option(False, "--remote-only", help="Only remote jobs."),
    as_json: bool = typer.Option(False, "--json", help="Print the matches as JSON."),
) -> None:
    """Run steps 3-7 (embed, search, rerank, analyse, save) for one document now."""
    from matchflow.pipeline.embed import embed_batch, load_embedder, register_model
    from matchflow.pipeline.match import match_documents
    from matchflow.pipeline.rerank import load_cross_encoder
    from matchflow.report import matches_table, print_json
    from storage.db import session_scope
    from storage.documents import get_document
    from storage.matches import stored_matches

    if (resume is None) == (job is None):
        raise _fail("give exactly one of --resume-document or --job-document")
    settings = get_settings()
    engine, _ = _open_database(settings)
    _ensure_schema(engine)
    context = _context(settings, engine, top_k=top, filters=SearchFilters(location=location, remote_only=remote_only))
    chain = CHAIN_A if resume else CHAIN_B
    document_id = _resolve_document(resume or job, chain.query_kind, context)
    embedder = load_embedder(context.embed)
    with err_console.status("embedding documents that lack vectors..."):
        for each_kind in DocumentKind:
            while True:
                with session_scope(engine) as session:
                    if not embed_batch(session=session, embedder=embedder, kind=each_kind, limit=64).processed:
                        break
    with session_scope(engine) as session:
        model = register_model(session=session, embedder=embedder)
        summary = match_documents(session=session, chain=chain, model=model, config=context.match, limit=1,
                                  device=embedder.device, document_ids=[document_id],
                                  cross_encoder=load_cross_encoder(context.rerank_model))
        if not summary.processed:
            raise _fail(f"document {document_id} has no text to match (see `matchflow db status` and its failure)")
        document = get_document(session=session, document_id=document_id)
        owner = {"candidate_id": document.candidate_id} if chain is CHAIN_A else {"job_id": document.job_id}
        rows = stored_matches(session=session, top=top, **owner)
    if as_json:
        print_json(console, rows)
    else:
        console.print(matches_table(rows, title=f"Matches for {chain.query_kind.value} document {document_id}",
                                    for_candidate=chain is CHAIN_A))


@app.command()
def matches(
    candidate: int | None = typer.Option(None, "--candidate", help="Candidate id (candidates.id): their best jobs."),
    job: int | None = typer.Option(None, "--job", help="Job id (jobs.id): its best candidates."),
    top: int = typer.Option(10, "--top", min=1, max=200),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
) -> None:
    """Print the stored, scored and explained matches of a candidate or a job."""
    from matchflow.report import matches_table, print_json
    from storage.db import session_scope
    from storage.matches import stored_matches

    if (candidate is None) == (job is None):
        raise _fail("give exactly one of --candidate or --job")
    engine, _ = _open_database(get_settings())
    with session_scope(engine) as session:
        rows = stored_matches(session=session, candidate_id=candidate, job_id=job, top=top)
    if as_json:
        print_json(console, rows)
    elif not rows:
        console.print(f"no matches stored yet: run `matchflow run {CHAIN_A.slug}` / `{CHAIN_B.slug}` or "
                      "`matchflow match`")
    else:
        title = f"Best jobs for candidate {candidate}" if candidate is not None else f"Best candidates for job {job}"
        console.print(matches_table(rows, title=title, for_candidate=candidate is not None))


@app.command("run")
def run_chain(
    chain: Chain = typer.Argument(..., help=f"{CHAIN_A.slug}: jobs for new resumes; {CHAIN_B.slug}: resumes for "
                                            "new jobs."),
    source: str | None = typer.Option(None, "--source", help="Folder(s)/file(s), comma-separated; default Fillout."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most N files from the source."),
    batch_size: int = typer.Option(64, "--batch-size", min=1),
    since: str | None = typer.Option(None, "--since", help="Fillout: submissions after this ISO time."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what is pending; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's statistics as JSON."),
) -> None:
    """Run a chain in this process (Prefect's ephemeral API when no server is configured)."""
    settings = get_settings()
    if source is None and not settings.fillout_configured:
        raise _fail("no --source given and Fillout is not configured (MATCHFLOW_FILLOUT_API_KEY); "
                    "pass --source PATH to read a folder")
    engine, _ = _open_database(settings)
    _ensure_schema(engine)
    result = _run_flow(chain, source or "fillout", limit=limit, batch_size=batch_size, since=since, dry_run=dry_run)
    from matchflow.report import print_json, run_table

    if as_json or dry_run:
        print_json(console, result)
    else:
        console.print(run_table(result))


@contextlib.contextmanager
def _prefect_api() -> Iterator[None]:
    """Prefect's API for the flows run inside: PREFECT_API_URL when configured, else a temporary server that
    dies with this process, even by SIGKILL (Prefect's own ephemeral one would outlive it)."""
    from matchflow.prefect_api import ApiServerError, prefect_api

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(prefect_api())
        except ApiServerError as exc:
            raise _fail(str(exc)) from None
        yield


def _run_flow(chain: Chain, source: str, **parameters):
    from prefect.states import State

    if chain == CHAIN_A.slug:
        from flows.resume_chain import resume_chain as flow
    else:
        from flows.job_chain import job_chain as flow
    with err_console.status(f"running {chain.value} (starting Prefect if needed)..."), _prefect_api():
        state = flow(source=source, return_state=True, **parameters)
        result = state.result() if isinstance(state, State) and state.is_completed() else state
    if isinstance(state, State) and not state.is_completed():
        raise _fail(f"{chain.value} ended {state.name}: {state.message}", code=1)
    return result


def samples_dir() -> Path:
    """The sample documents: $MATCHFLOW_SAMPLES, else the repository's samples/ folder."""
    return Path(os.environ.get("MATCHFLOW_SAMPLES") or Path(__file__).resolve().parents[1] / "samples")


@app.command()
def demo(top: int = typer.Option(3, "--top", min=1, max=20, help="Matches shown per job.")) -> None:
    """Ingest the sample resumes and jobs, run chain B then chain A on CPU, print the top matches per job."""
    from matchflow.report import matches_table, print_summary, run_table
    from storage.db import session_scope
    from storage.entities import open_jobs
    from storage.matches import stored_matches

    settings = get_settings()
    folder = samples_dir()
    if not (folder / "resumes").is_dir():
        raise _fail(f"sample documents not found in {folder}; set MATCHFLOW_SAMPLES")
    engine, info = _open_database(settings)
    console.print(f"[bold]1/4[/] database: {info.url}")
    _ensure_schema(engine)
    console.print("[bold]2/4[/] ingesting the sample jobs and resumes")
    context = _context(settings, engine)
    print_summary(console, "jobs", _ingest([folder / "jobs"], DocumentKind.JOB, context))
    print_summary(console, "resumes", _ingest([folder / "resumes"], DocumentKind.RESUME, context))
    console.print("[bold]3/4[/] chain B (resumes for each job), then chain A (jobs for each resume)")
    with _prefect_api():  # one temporary API server for both chains
        for chain, source in ((Chain(CHAIN_B.slug), folder / "jobs"), (Chain(CHAIN_A.slug), folder / "resumes")):
            console.print(run_table(_run_flow(chain, str(source), limit=None, batch_size=64, since=None,
                                              dry_run=False)))
    console.print("[bold]4/4[/] top matches per job")
    with session_scope(engine) as session:
        for job_id, title in open_jobs(session=session):
            rows = stored_matches(session=session, job_id=job_id, top=top)
            console.print(matches_table(rows, title=f"{title} (job {job_id})", for_candidate=False))


class GpuPoolType(StrEnum):
    docker = "docker"
    process = "process"


@app.command()
def deploy(
    file: Path = typer.Option(Path("prefect.yaml"), "--file", help="The project file with the deployments."),
    gpu_pool_type: GpuPoolType = typer.Option(
        GpuPoolType.docker, "--gpu-pool-type",
        help="docker: containers with an NVIDIA device request; process: a worker on a GPU machine (or tests)."),
    pause_schedules: bool = typer.Option(False, "--pause-schedules", help="Create the cron schedules inactive."),
) -> None:
    """Create or update the work pools, queues, deployments and automations in PREFECT_API_URL (idempotent)."""
    from matchflow.deploy import DeployError
    from matchflow.deploy import deploy as apply_project

    try:
        changes = apply_project(file, get_settings(), gpu_pool_type=gpu_pool_type.value,
                                pause_schedules=pause_schedules)
    except DeployError as exc:
        raise _fail(str(exc)) from None
    colours = {"created": "green", "updated": "yellow", "unchanged": "dim", "skipped": "red"}
    for change in changes:
        note = f"  ({change.note})" if change.note else ""
        console.print(f"[{colours.get(change.action, 'white')}]{change.action:>9}[/] {change.kind:<10} "
                      f"{change.name}{note}")
    counts = {action: sum(c.action == action for c in changes) for action in colours}
    console.print(", ".join(f"{n} {action}" for action, n in counts.items() if n))


from matchflow.evaluation.cli import eval_app  # noqa: E402 - the sub-app is registered after the commands above

app.add_typer(eval_app, name="eval")
