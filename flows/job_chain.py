"""Chain B: the best resumes for every new job."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.chain import run_chain
from matchflow.domain import CHAIN_B


@flow(name=CHAIN_B.flow_name, description=CHAIN_B.description)
def job_chain(source: str = "fillout", batch_size: int = 64, limit: int | None = None, since: str | None = None,
              dry_run: bool = False, top_k: int | None = None, location: str | None = None,
              remote_only: bool = False) -> Any:
    """Chain B, the eight steps of the seed system:

    0. fetch: company submissions from Fillout (or job files and tables from a folder), stored as received
    1. parse: job descriptions into text, sections and fields; four hashes to catch duplicates
    2. gpu-check: is the GPU pool ready?
    3. embed: on the GPU pool when ready, else here on CPU (resumes not yet embedded too)
    4. search: resumes for each new job (pgvector HNSW + full-text, fused)
    5. rerank: feature reranker, plus the cross-encoder when configured
    6. analyze: match scoring and skills gap per candidate
    7. save: one match session per job with its ranked, explained results

    Args:
        source: Where new jobs come from: "fillout" (the company form's submissions), or comma-separated
            folders or files of job descriptions and job tables.
        batch_size: Documents per task run, in every step.
        limit: Read at most this many submissions or files in step 0; empty: all of them.
        since: Fillout only: an ISO-8601 time; fetch the submissions made after it instead of those after
            the last run's watermark.
        dry_run: Only report what is pending (files found, documents per status); change nothing.
        top_k: Resumes kept per job; empty: MATCHFLOW_TOP_K (10).
        location: Only candidates whose location contains this text (case-insensitive); empty: any location.
        remote_only: Only remote jobs; no effect on this chain, whose matches are resumes (kept for the
            chains' common signature).
    """
    return run_chain(CHAIN_B, source=source, batch_size=batch_size, limit=limit, since=since, dry_run=dry_run,
                     top_k=top_k, location=location, remote_only=remote_only)


if __name__ == "__main__":
    job_chain(source="samples/jobs")
