"""One validated settings object, read from `MATCHFLOW_*` environment variables and an optional `.env`.

Build it once at the entry point (CLI command, flow) with `get_settings()` and pass it down.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_home() -> Path:
    """Per-user data folder, e.g. ~/.local/share/matchflow on Linux."""
    return platformdirs.user_data_path("matchflow")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHFLOW_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Data directory: embedded Postgres, files.")
    database_url: SecretStr | None = Field(
        default=None, description="Postgres 14+ with pgvector; unset = embedded Postgres under `home`."
    )
    file_store: Path | None = Field(default=None, description="Content-addressed file store; default home/files.")
    max_file_mb: float = Field(default=20.0, gt=0, description="Documents larger than this are refused.")

    embed_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embed_device: str = Field(default="auto", pattern="^(auto|cpu|cuda)$")
    embed_batch_size: int = Field(default=32, gt=0)
    rerank_model: str | None = Field(default=None, description="Optional sentence-transformers CrossEncoder.")
    top_k: int = Field(default=10, gt=0, le=200)

    gpu_pool: str = Field(default="matchflow-gpu", description="Work pool of the GPU host.")
    gpu_enabled: bool = Field(default=True, description="Hand embedding/rerank/analysis to the GPU pool when ready.")
    inference_deployment: str = "inference/matchflow-inference"
    gpu_handoff_timeout_s: float = Field(default=900.0, gt=0)
    parse_workers: int = Field(default=1, ge=1, le=32, description="Parser processes per batch.")

    fillout_api_key: SecretStr | None = None
    fillout_base_url: str = "https://api.fillout.com/v1/api"
    fillout_resume_form_id: str | None = None
    fillout_job_form_id: str | None = None
    fillout_file_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fillout_mapping: Path | None = Field(default=None, description="Question-to-field mapping file.")
    fillout_allow_private_hosts: bool = Field(
        default=False, description="Allow file downloads from private/loopback addresses (tests, on-prem only).")

    @field_validator("fillout_file_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def files_dir(self) -> Path:
        return self.file_store or self.home / "files"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
