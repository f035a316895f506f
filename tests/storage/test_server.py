"""The embedded server: shared between processes, and pgvector checks."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import sqlalchemy as sa

from storage.db import check_server


def test_check_server_reports_pgvector(engine):
    info = check_server(engine, embedded=True)
    assert info.pgvector
    assert int(info.version.split(".")[0]) >= 14


def test_two_processes_share_one_embedded_server(engine):
    """Two more processes join the running server: same postmaster pid, and the server outlives them."""
    script = textwrap.dedent(
        """
        from matchflow.settings import Settings
        from storage.db import database_engine
        import sqlalchemy as sa
        with database_engine(Settings()).connect() as conn:
            print(conn.execute(sa.text("SELECT pg_postmaster_start_time()")).scalar())
        """
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    with engine.connect() as conn:
        mine = str(conn.execute(sa.text("SELECT pg_postmaster_start_time()")).scalar())
    assert runs[0].stdout.strip() == runs[1].stdout.strip() == mine
