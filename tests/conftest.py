"""Test-wide fixtures: one real embedded Postgres per test session, data reset between tests.

MATCHFLOW_HOME points at a temporary folder for the whole session (set before matchflow is imported),
so CLI subprocesses started by tests use the same embedded server.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="matchflow-test-"))
os.environ["MATCHFLOW_HOME"] = str(_SESSION_HOME)
os.environ.pop("MATCHFLOW_DATABASE_URL", None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The app defaults to backend auto (export + calibration on first use, per MATCHFLOW_HOME); the suite runs on
# the torch reference so its figures do not depend on the machine. tests/embedding covers onnx, int8 and auto.
os.environ.setdefault("MATCHFLOW_EMBED_BACKEND", "torch")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()

# Dictionaries are seeded once per session and kept; everything else is emptied between tests.
KEPT_TABLES = {"alembic_version", "skills", "roles", "industries", "locations", "hiring_stages"}


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def settings():
    from matchflow.settings import Settings

    return Settings()


@pytest.fixture(scope="session")
def migrated_engine(settings):
    """The embedded server, migrated to head and seeded, shared by the whole session."""
    from storage.db import database_engine, dispose_engines, session_scope
    from storage.migrate import upgrade
    from storage.seed import seed_dictionaries

    engine = database_engine(settings)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_dictionaries(session=session)
    yield engine
    dispose_engines()


def reset_data(engine) -> None:
    """Empty every data table (dictionaries kept)."""
    import sqlalchemy as sa

    from storage.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEPT_TABLES]
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture
def engine(migrated_engine) -> Iterator:
    """A migrated database with empty data tables (dictionaries kept)."""
    yield migrated_engine
    reset_data(migrated_engine)
