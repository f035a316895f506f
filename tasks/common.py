"""What every task needs: the process-wide engine for the settings it was given."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from matchflow.settings import Settings
from storage.db import database_engine


def engine_for(settings: Settings) -> Engine:
    return database_engine(settings)
