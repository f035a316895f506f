"""The embedded server: shared between processes, and pgvector checks."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

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


@contextlib.contextmanager
def _reachable_by_others(*paths: Path) -> Iterator[None]:
    """Let other users traverse (x, never read) the folders above `paths` for a while.

    Some machines keep Python under root's private home (pyenv in /root, mode 700), where no other user
    can start this interpreter at all; the modes are restored afterwards.
    """
    changed: dict[Path, int] = {}
    for path in paths:
        for folder in Path(os.path.realpath(path)).parents:
            mode = folder.stat().st_mode
            if folder not in changed and not mode & stat.S_IXOTH:
                changed[folder] = mode
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in changed.items():
            folder.chmod(stat.S_IMODE(mode))


def test_embedded_server_works_for_a_normal_user(migrated_engine):
    """As root the package runs Postgres as its own system user; a normal user runs it directly."""
    import pwd

    if os.geteuid() != 0:
        user = pwd.getpwuid(os.geteuid()).pw_name  # the whole suite already runs as a normal user
        prefix: list[str] = []
    else:
        user = "matchflow-test"
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)
        prefix = ["runuser", "-u", user, "--"]
    import shutil
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="mf-user-home-"))  # pytest's tmp_path is private to root
    home.chmod(0o777)
    env = {"MATCHFLOW_HOME": str(home / "matchflow"), "HOME": str(home), "PATH": os.environ["PATH"]}
    reachable = _reachable_by_others(Path(sys.executable), Path(sys.base_prefix) / "lib", Path(__file__)) \
        if prefix else contextlib.nullcontext()
    with reachable:
        result = subprocess.run([*prefix, "env", *(f"{k}={v}" for k, v in env.items()), sys.executable, "-m",
                                 "matchflow", "db", "upgrade"], capture_output=True, text=True, timeout=300)
    try:
        assert result.returncode == 0, (user, result.stderr)
        assert "skills" in result.stdout
        assert (home / "matchflow" / "pgdata" / "PG_VERSION").exists()
    finally:
        shutil.rmtree(home, ignore_errors=True)
