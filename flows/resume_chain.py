"""Chain A: the best jobs for every new resume."""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.states import Cancelled

from flows.run_record import ChainAlreadyRunning, ChainRun
from flows.steps import embed_step, fetch_step, gpu_check_step, match_steps, parse_step
from matchflow.domain import DocumentKind
from matchflow.pipeline.match import MatchConfig
from matchflow.settings import get_settings
from storage.search import SearchFilters


@flow(name="resume-chain", description="Chain A: the best jobs for every new resume.")
def resume_chain(source: str = "fillout", batch_size: int = 64, limit: int | None = None,
                 since: str | None = None, dry_run: bool = False, top_k: int | None = None,
                 location: str | None = None, remote_only: bool = False) -> Any:
    """Chain A, the eight steps of the seed system:

    0. fetch: candidate submissions from Fillout (or resume files from a folder), stored as received
    1. parse: resumes into text, sections and fields; four hashes to catch duplicates
    2. gpu-check: is the GPU pool ready?
    3. embed: on the GPU pool when ready, else here on CPU (jobs not yet embedded too)
    4. search: jobs for each new resume (pgvector HNSW + full-text, fused)
    5. rerank: feature reranker, plus the cross-encoder when configured
    6. analyze: match scoring, skills gap, sentiment of the free-text answers
    7. save: one match session per resume with its ranked, explained results

    `source` is "fillout" or comma-separated folders/files; `dry_run` only reports what is pending;
    `location` / `remote_only` restrict the matches (substring of the job's or candidate's location).
    """
    settings = get_settings()
    if dry_run:
        from flows.dry_run import pending_work

        return pending_work(source, DocumentKind.RESUME, settings, limit=limit)
    config = MatchConfig.from_settings(settings, top_k=top_k,
                                       filters=SearchFilters(location=location, remote_only=remote_only))
    parameters = {"source": source, "batch_size": batch_size, "limit": limit, "since": since, "top_k": config.top_k}
    try:
        with ChainRun("A", parameters, settings) as run:
            fetch_step(run, source, DocumentKind.RESUME, settings, since=since, limit=limit,
                       batch_size=batch_size)  # 0
            parse_step(run, DocumentKind.RESUME, settings, batch_size=batch_size)  # 1
            gpu = gpu_check_step(run, settings)  # 2
            embed_step(run, [DocumentKind.RESUME, DocumentKind.JOB], settings, batch_size=batch_size, gpu=gpu)  # 3
            match_steps(run, "A", settings, config, batch_size=batch_size, gpu=gpu)  # 4-7
        return run.summary()
    except ChainAlreadyRunning as exc:
        return Cancelled(message=str(exc))


if __name__ == "__main__":
    resume_chain(source="samples/resumes")
