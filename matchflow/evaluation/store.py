"""The evaluation's own databases: one embedded Postgres per corpus under the eval home, never the user's.

Each corpus (categories with the full text, categories without the first line, hires) lives in
`<eval home>/<corpus>/` with its own server and file store, filled by the pipeline's own idempotent stages
(receive -> parse -> embed), so a second run finds everything stored and only searches again.

Restricting a search to part of a corpus uses the pipeline's own filters (only active candidates, only
open jobs): `scope` flips those statuses inside a transaction that is always rolled back
(`storage.evaluation.read_only_session`). The SQL itself lives in `storage.evaluation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from matchflow.domain import DocumentKind
from matchflow.embedding import Embedder
from matchflow.pipeline.bm25 import index_documents
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.embed import embed_batch, register_model
from matchflow.pipeline.ingest import ingest_paths, parse_received
from matchflow.pipeline.receive import receive_batch
from matchflow.pipeline.summary import StageSummary
from matchflow.sources.base import IncomingDocument
from storage import evaluation as queries
from storage.db import check_server, session_scope

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from matchflow.settings import Settings
    from storage.models import Document, EmbeddingModel

Log = Callable[[str], None]


def default_eval_home(settings: Settings) -> Path:
    """<matchflow home>/eval: the eval folder of the user's MATCHFLOW_HOME."""
    return settings.home / "eval"


@dataclass
class EvalStore:
    name: str
    context: RunContext  # the corpus's own database and file store, with the user's other settings

    @property
    def engine(self) -> Engine:
        return self.context.engine


def open_store(home: Path, name: str, *, settings: Settings) -> EvalStore:
    """The corpus database `<home>/<name>`, started, migrated and seeded (all idempotent).

    Always an embedded server of its own, whatever database the user's settings name.
    """
    from storage.migrate import migration_status, upgrade
    from storage.seed import seed_dictionaries

    corpus = settings.model_copy(update={"home": home / name, "database_url": None, "database_url_block": None,
                                         "file_store": None})
    context = RunContext.from_settings(corpus)
    check_server(context.engine, embedded=True)
    if not migration_status(context.engine).up_to_date:
        upgrade(context.engine)
        with session_scope(context.engine) as session:
            seed_dictionaries(session=session)
    return EvalStore(name=name, context=context)


def ingest_files(store: EvalStore, paths: list[Path], kind: DocumentKind) -> StageSummary:
    """Receive and parse files, as `matchflow ingest` does; unchanged files cost one lookup each."""
    return ingest_paths(paths, kind, context=store.context, batch_size=32)


def ingest_items(store: EvalStore, items: list[IncomingDocument], kind: DocumentKind) -> StageSummary:
    """Receive and parse in-memory documents (rendered postings, resumes), 64 per transaction."""
    summary = StageSummary()
    for start in range(0, len(items), 64):
        with session_scope(store.engine) as session:
            summary.merge(receive_batch(items[start:start + 64], session=session,
                                        files_dir=store.context.files_dir))
    parsed = parse_received(kind, context=store.context, batch_size=32)
    summary.processed, summary.failures = parsed.processed, summary.failures + parsed.failures
    summary.failed += parsed.failed
    summary.duplicate += parsed.duplicate
    return summary


def embed_all(store: EvalStore, embedder: Embedder, log: Log | None = None) -> EmbeddingModel:
    """Embed every document lacking this model's vectors, 64 per transaction; returns the model row."""
    for kind in DocumentKind:
        done = 0
        while True:
            with session_scope(store.engine) as session:
                processed = embed_batch(session=session, embedder=embedder, kind=kind, limit=64).processed
            if not processed:
                break
            done += processed
            if log:
                log(f"{store.name}: embedded {done} {kind.value}s")
        while True:  # BM25 weights of documents embedded before they existed (the backfill; idempotent)
            with session_scope(store.engine) as session:
                if not index_documents(session=session, kind=kind, limit=256):
                    break
    with session_scope(store.engine) as session:
        return register_model(session=session, embedder=embedder)


def searchable_documents(session: Session, kind: DocumentKind, model_id: int) -> list[Document]:
    """Current documents of `kind` with a vector of the model: what a search can return."""
    return queries.searchable_documents(session=session, kind=kind, model_id=model_id)


def scope(session: Session, *, resume_ids: list[int], job_ids: list[int]) -> None:
    """Make only these resume documents' candidates active and these job documents' jobs open.

    The searches' own filters (storage.search) then return nothing else; call inside `read_only_session`.
    """
    queries.scope_search(session=session, resume_ids=resume_ids, job_ids=job_ids)


def status_counts(store: EvalStore) -> dict[str, int]:
    """`kind:status` -> documents in the corpus: why some inputs are not searchable (duplicate, failed, ...)."""
    with session_scope(store.engine) as session:
        rows = queries.status_counts(session=session)
    return {f"{kind}:{status}": count for kind, status, count in rows}


def resume_texts(store: EvalStore, source_paths: list[str]) -> list[tuple[str, str]]:
    """(source path, parsed text) of the corpus's resumes read from these files."""
    with session_scope(store.engine) as session:
        return queries.resume_texts(session=session, source_paths=source_paths)
