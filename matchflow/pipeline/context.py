"""The run context: what every stage of one run needs, built once at the entry point and passed down.

    entry point (flow, CLI command, inference run)
        settings = get_settings()                      # the only place settings are read
        context = RunContext.from_settings(settings, match=...).with_model()
        task(context, ...) -> pipeline function(session=..., <plain values from context>)

Frozen, so a task cannot change what the next one sees. It holds the engine (one pooled engine per
process), the ingest limits, the Fillout source, the embed configuration, the whole match configuration
(top-K, filters, weights, redaction) and the embedding model's row, looked up once per run. Only
`match` crosses to another process (the GPU hand-off passes it as a flow-run parameter); everything else
is rebuilt there from that process's own settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from matchflow.pipeline.config import EmbedConfig, MatchConfig
from matchflow.pipeline.embed import current_model, known_model
from matchflow.pipeline.fetch import FilloutSource
from storage.db import database_engine, session_scope
from storage.models import EmbeddingModel

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from matchflow.settings import Settings


@dataclass(frozen=True)
class RunContext:
    engine: Engine
    files_dir: Path  # the content-addressed store of received files
    max_file_bytes: int  # larger documents are refused
    parse_workers: int
    redact_scoring_text: bool
    fillout: FilloutSource
    embed: EmbedConfig
    match: MatchConfig
    rerank_model: str | None = None  # the optional cross-encoder's name or path
    model: EmbeddingModel | None = None  # the embedding model's row; `with_model()` sets it

    @classmethod
    def from_settings(cls, settings: Settings, *, engine: Engine | None = None,
                      match: MatchConfig | None = None) -> RunContext:
        """The context for these settings (`engine` overrides the configured database, for tests and tools)."""
        return cls(engine=engine or database_engine(settings), files_dir=settings.files_dir,
                   max_file_bytes=settings.max_file_bytes, parse_workers=settings.parse_workers,
                   redact_scoring_text=settings.redact_scoring_text, fillout=FilloutSource.from_settings(settings),
                   embed=EmbedConfig.from_settings(settings), match=match or MatchConfig.from_settings(settings),
                   rerank_model=settings.rerank_model)

    def with_model(self, *, load: bool = True) -> RunContext:
        """This context with the embedding model's row, looked up without loading the weights when it is known.

        With `load=False` an unknown model stays None (a run with nothing to embed does not pay for loading it).
        """
        with session_scope(self.engine) as session:
            model = current_model(session=session, config=self.embed) if load else known_model(
                session=session, config=self.embed)
        return replace(self, model=model)

    def require_model(self) -> EmbeddingModel:
        """The model row, for stages that compare vectors; a bug (not a user error) when it was never looked up."""
        if self.model is None:
            raise RuntimeError("this run context has no embedding model: build it with .with_model()")
        return self.model
