"""A Postgres server without pgvector, given by URL: matchflow says clearly what is missing.

Uses the distribution's PostgreSQL server binaries (Debian's postgresql-15 here; CI installs them), a
throw-away cluster in a temporary folder, run as an unprivileged user when the tests run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def _as_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "embedded_postgres", "--", *argv]  # Postgres refuses to run as root


@pytest.fixture
def plain_postgres(tmp_path_factory, migrated_engine):
    if not BINARIES:
        pytest.skip("no distribution PostgreSQL server binaries (apt-get install postgresql)")
    bin_dir = Path(BINARIES[-1]).parent
    sharedir = subprocess.run([str(bin_dir / "pg_config"), "--sharedir"], capture_output=True, text=True)
    if sharedir.returncode == 0 and Path(sharedir.stdout.strip(), "extension", "vector.control").exists():
        pytest.skip("the distribution's Postgres has pgvector installed")
    root = Path("/tmp") / f"mf-plainpg-{os.getpid()}"
    root.mkdir()
    data = root / "data"
    if os.geteuid() == 0:
        user = pwd.getpwnam("embedded_postgres")  # created by the embedded server the session started
        os.chown(root, user.pw_uid, user.pw_gid)
    subprocess.run(_as_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]),
                   check=True, capture_output=True)
    subprocess.run(_as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                             "-o", f"-h '' -k {root}", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@/postgres?host={root}"
    finally:
        subprocess.run(_as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_missing_pgvector_is_named_with_a_way_out(plain_postgres, monkeypatch):
    monkeypatch.setenv("MATCHFLOW_DATABASE_URL", plain_postgres)
    result = subprocess.run([sys.executable, "-m", "matchflow", "db", "upgrade"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "pgvector extension is not installed" in message
    assert "unset MATCHFLOW_DATABASE_URL" in message
