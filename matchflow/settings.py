"""One validated settings object, read from `MATCHFLOW_*` environment variables and an optional `.env`.

Build it once at the entry point (CLI command, flow) with `get_settings()` and pass it down.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from matchflow.scoring import DEFAULT_WEIGHTS, validate_weights


def default_home() -> Path:
    """Per-user data folder, e.g. ~/.local/share/matchflow on Linux."""
    return platformdirs.user_data_path("matchflow")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHFLOW_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Data directory: embedded Postgres, files.")
    database_url: SecretStr | None = Field(
        default=None, description="Postgres 14+ with pgvector; unset = embedded Postgres under `home`."
    )
    database_url_block: str | None = Field(
        default=None, description="Prefect Secret block holding the database URL, read at run time (used when "
        "MATCHFLOW_DATABASE_URL is unset): how containers and other hosts get the URL without it in plain text.")
    file_store: Path | None = Field(default=None, description="Content-addressed file store; default home/files.")
    max_file_mb: float = Field(default=20.0, gt=0, description="Documents larger than this are refused.")

    embed_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embed_device: str = Field(default="auto", pattern="^(auto|cpu|cuda)$")
    embed_batch_size: int = Field(default=32, gt=0)
    embed_backend: Literal["auto", "torch", "torch-bf16", "onnx", "onnx-int8"] = Field(
        default="auto", description="Embedding runtime: torch, torch-bf16 (torch under bfloat16 autocast), ONNX "
        "Runtime fp32 or int8 (CPU); auto = the fastest that passes the quality check on this machine (measured "
        "once, cached under home/models).")
    embed_prompt: str | None = Field(default=None, description=(
        'Text put before every embedding input; unset = the model\'s own ("query: " for e5 models, see '
        'matchflow/embedding/prompts.py), empty = none. Part of the stored model identity.'))
    rerank_model: str | None = Field(default=None, description="Optional sentence-transformers CrossEncoder.")
    score_weights: dict[str, float] = Field(default_factory=dict, description=(
        'Score weight per category as a JSON object, e.g. {"salary": 0, "title": 0.2}; categories left out keep '
        "their defaults (matchflow/scoring.py DEFAULT_WEIGHTS); the result is renormalised to sum to 1."))
    top_k: int = Field(default=10, gt=0, le=200)
    lexical_retriever: Literal["bm25", "fts"] = Field(default="bm25", description=(
        "The lexical half of hybrid retrieval: bm25 (sparse BM25 vectors in Postgres) or fts (ts_rank_cd)."))
    bm25_query: Literal["text", "terms"] = Field(default="terms", description=(
        "What a BM25 query holds: the query document's whole text, or only its skills and titles."))

    gpu_pool: str = Field(default="matchflow-gpu", description="Work pool of the GPU host.")
    gpu_enabled: bool = Field(default=True, description="Hand embedding/rerank/analysis to the GPU pool when ready.")
    inference_deployment: str = "inference/matchflow-inference"
    gpu_handoff_timeout_s: float = Field(default=900.0, gt=0, description=(
        "How long a chain waits for its inference run; then the run is cancelled and the chain finishes on CPU."))
    parse_workers: int = Field(default=1, ge=1, le=32, description="Parser processes per batch.")
    redact_scoring_text: bool = Field(default=False, description=(
        "Remove names, contacts, birth dates, addresses, photo captions and personal details from the text that "
        "is embedded, full-text indexed and cross-encoded (bias reduction); applies to documents parsed after."))
    redact_explanations: bool = Field(default=True, description="Keep personal data out of match explanations.")

    # orchestration (prefect.yaml, `matchflow deploy`, flows/gpu_health.py, flows/maintenance.py)
    timezone: str | None = Field(default=None, description="Timezone of every cron schedule; unset = prefect.yaml's.")
    notification_block: str | None = Field(
        default=None, description="Prefect notification block ('block-type-slug/name') the automations notify.")
    gpu_starter: str = Field(default="none", pattern="^(none|docker|command|http)$",
                             description="How gpu-health starts the GPU host when no worker is online.")
    gpu_start_wait_s: float = Field(default=300.0, ge=0, description="How long gpu-health waits for the pool.")
    gpu_start_poll_s: float = Field(default=5.0, gt=0)
    gpu_start_command: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="command starter: argv (JSON list or a shell-like string; no shell).")
    gpu_stop_command: Annotated[list[str], NoDecode] = Field(default_factory=list)
    gpu_command_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["prefect", "docker", "systemctl", "ssh"],
        description="Executables the command starter may run: bare names (found on PATH) or absolute paths.")
    gpu_docker_image: str = "matchflow-worker:cuda"
    gpu_docker_container: str = "matchflow-gpu-worker"
    gpu_docker_network: str | None = None
    gpu_docker_gpus: int = Field(default=-1, description="GPUs requested from the NVIDIA runtime; -1 = all.")
    gpu_start_url: str | None = None
    gpu_stop_url: str | None = None
    gpu_http_token: SecretStr | None = Field(default=None, description="Bearer token for the http starter.")
    gpu_http_token_block: str | None = Field(default=None, description="Prefect Secret block holding the token.")
    gpu_http_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Hosts the http starter may reach over plain http (else https only).")
    gpu_idle_minutes: float = Field(default=60.0, gt=0, description="gpu-maintenance stops a host idle this long.")
    inference_flow: str = Field(default="inference", description="Flow name whose runs count as GPU activity.")
    retention_raw_file_days: int = Field(default=180, ge=1)
    retention_session_days: int = Field(default=90, ge=1)
    retention_failed_days: int = Field(default=30, ge=1)

    fillout_api_key: SecretStr | None = None
    fillout_api_key_block: str | None = Field(
        default=None, description="Prefect Secret block holding the Fillout API key (used instead of the variable).")
    fillout_base_url: str = "https://api.fillout.com/v1/api"
    fillout_resume_form_id: str | None = None
    fillout_job_form_id: str | None = None
    fillout_file_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fillout_mapping: Path | None = Field(default=None, description="Question-to-field mapping file.")
    fillout_update_lookback_hours: float = Field(
        default=72.0, ge=0, description="Re-read this window before the watermark to catch edited submissions.")
    fillout_allow_private_hosts: bool = Field(
        default=False, description="Allow file downloads from private/loopback addresses (tests, on-prem only).")

    @field_validator("fillout_file_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value

    @field_validator("gpu_start_command", "gpu_stop_command", mode="before")
    @classmethod
    def _split_argv(cls, value: object) -> object:
        """A JSON list, or a shell-like string split with shlex (it is never given to a shell)."""
        if isinstance(value, str):
            import json
            import shlex

            text = value.strip()
            return json.loads(text) if text.startswith("[") else shlex.split(text)
        return value

    @field_validator("gpu_command_allowlist", "gpu_http_allowed_hosts", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("score_weights")
    @classmethod
    def _check_weights(cls, value: dict[str, float]) -> dict[str, float]:
        """A typo'd category, a negative weight or all zeros fails at start-up, not in the middle of a run."""
        _merged_weights(value)
        return value

    @property
    def match_weights(self) -> dict[str, float]:
        """The reranker's weights: the defaults with the user's categories over them, summing to 1."""
        return _merged_weights(self.score_weights)

    @property
    def embedded_database(self) -> bool:
        """No database URL configured, directly or as a Secret block: the embedded Postgres under `home`."""
        return self.database_url is None and not self.database_url_block

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def files_dir(self) -> Path:
        return self.file_store or self.home / "files"

    @property
    def fillout_configured(self) -> bool:
        """An API key is set, directly or as a Prefect Secret block name."""
        return self.fillout_api_key is not None or bool(self.fillout_api_key_block)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


def _merged_weights(user_weights: dict[str, float]) -> dict[str, float]:
    return validate_weights({**DEFAULT_WEIGHTS, **user_weights})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
