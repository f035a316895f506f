"""Chain A: the best jobs for every new resume."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.chain import run_chain
from matchflow.domain import CHAIN_A


@flow(name=CHAIN_A.flow_name, description=CHAIN_A.description)
def resume_chain(source: str = "fillout", batch_size: int = 64, limit: int | None = None, since: str | None = None,
                 dry_run: bool = False, top_k: int | None = None, location: str | None = None,
                 remote_only: bool = False) -> Any:
    """Chain A, the eight steps of the seed system:

    0. fetch: candidate submissions from Fillout (or resume files from a folder), stored as received
    1. parse: resumes into text, sections and fields; four hashes to catch duplicates
    2. gpu-check: is the GPU pool ready?
    3. embed: on the GPU pool when ready, else here on CPU (jobs not yet embedded too)
    4. search: jobs for each new resume (pgvector HNSW + full-text, fused)
    5. rerank: feature reranker, plus the cross-encoder when configured
    6. analyze: match scoring, skills gap, sentiment of the free-text answers
    7. save: one match session per resume with its ranked, explained results

    Args:
        source: Where new resumes come from: "fillout" (the candidate form's submissions), or
            comma-separated folders or files of resumes.
        batch_size: Documents per task run, in every step.
        limit: Read at most this many submissions or files in step 0; empty: all of them.
        since: Fillout only: an ISO-8601 time; fetch the submissions made after it instead of those after
            the last run's watermark.
        dry_run: Only report what is pending (files found, documents per status); change nothing.
        top_k: Jobs kept per resume; empty: MATCHFLOW_TOP_K (10).
        location: Only jobs whose location contains this text (case-insensitive); empty: any location.
        remote_only: Only remote jobs.
    """
    return run_chain(CHAIN_A, source=source, batch_size=batch_size, limit=limit, since=since, dry_run=dry_run,
                     top_k=top_k, location=location, remote_only=remote_only)


if __name__ == "__main__":
    resume_chain(source="samples/resumes")
