"""Persistence: open a store by URL.

>>> store = open_store("memory://")
>>> store.list()
[]

- ``memory://``: in this process, for tests and simulations;
- ``sqlite:///path/to/file.db``: the embedded default, no server needed;
- ``postgresql://user@host:5432/db``: several application instances sharing one
  store (install ``trajectory[postgres]``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData, StoreError
from trajectory.engine.history import Clock
from trajectory.store.base import Blocked, OutboxEntry, Store, Subscriber, Summary
from trajectory.store.memory import MemoryStore

__all__ = [
    "DEFAULT_DB_ENV",
    "Blocked",
    "MemoryStore",
    "OutboxEntry",
    "Store",
    "Subscriber",
    "Summary",
    "default_store_url",
    "open_store",
]

#: The environment variable that names the default store's URL or SQLite file.
DEFAULT_DB_ENV: Final = "TRAJECTORY_DB"

_SYNCHRONOUS: Final = {"full": "FULL", "normal": "NORMAL"}


def default_store_url() -> str:
    """The embedded default store: ``$TRAJECTORY_DB`` (a URL or a file path), else
    ``trajectory.db`` in the user's data directory."""
    configured = os.environ.get(DEFAULT_DB_ENV, "").strip()
    if configured:
        return configured if "://" in configured else f"sqlite:///{Path(configured).resolve()}"
    import platformdirs

    folder = Path(platformdirs.user_data_dir("trajectory", appauthor=False))
    return f"sqlite:///{folder / 'trajectory.db'}"


def open_store(
    url: str | None = None,
    *,
    lifecycles: Iterable[Lifecycle[Any]] | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
) -> Store:
    """Open the store at ``url`` (default: :func:`default_store_url`; a plain path is
    an SQLite file), creating or upgrading its tables unless ``migrate`` is false (then
    a database whose tables are not at the current version is refused).
    ``lifecycles`` default to the leertraject."""
    if lifecycles is None:
        from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE

        lifecycles = (LIFECYCLE,)
    target = default_store_url() if url is None else url
    if not isinstance(target, str) or not target.strip():
        raise InvalidData("url", f"expected a store URL, got {target!r}")
    if "://" not in target:  # a plain path names an SQLite file
        target = f"sqlite:///{Path(target).resolve()}"
    scheme = urlsplit(target).scheme.lower()
    if scheme == "memory":
        return MemoryStore(lifecycles, clock=clock)
    if scheme == "sqlite":
        return _open_sql(_sqlite_engine(target), lifecycles, clock, migrate)
    if scheme.startswith("postgresql") or scheme == "postgres":
        return _open_sql(_postgres_engine(target), lifecycles, clock, migrate)
    raise InvalidData(
        "url", f"expected memory://, sqlite:///file.db or postgresql://…, got {target!r}"
    )


def _open_sql(
    engine: Any, lifecycles: Iterable[Lifecycle[Any]], clock: Clock | None, migrate: bool
) -> Store:
    from trajectory.store.sql import SqlStore

    try:
        return SqlStore(engine, lifecycles, clock=clock, upgrade=migrate)
    except BaseException:
        engine.dispose()  # a refused store leaves no connection open
        raise


def _sqlite_engine(url: str) -> Any:
    import sqlalchemy as sa

    parts = urlsplit(url)
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - {"synchronous", "busy_timeout"})
    if unknown:
        raise InvalidData("url", f"unknown SQLite option {unknown[0]!r} in {url!r}")
    synchronous = _SYNCHRONOUS.get(options.get("synchronous", ["full"])[0].lower())
    if synchronous is None:
        raise InvalidData("url", "synchronous must be full or normal")
    try:
        busy_ms = int(options.get("busy_timeout", ["60000"])[0])
    except ValueError:
        raise InvalidData("url", "busy_timeout must be a number of milliseconds") from None
    path = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not path or path == ":memory:":
        raise InvalidData("url", "an SQLite store needs a file: sqlite:///path/to/file.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        # SQLAlchemy's recipe: let SQLAlchemy, not pysqlite, emit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        _set_wal(cursor, busy_ms)
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Writers take the lock up front (no deadlock on upgrade); readers read a snapshot.
        if conn.get_execution_options().get("trajectory_read"):
            conn.exec_driver_sql("BEGIN DEFERRED")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _set_wal(cursor: Any, busy_ms: int) -> None:
    """Switch the database to WAL. Connections that open a new database at the same
    moment may find it locked while another switches (SQLite does not wait on the busy
    timeout for this): try again until the timeout. WAL mode is kept in the file, so
    once one connection has set it the others find it set."""
    import sqlite3

    deadline = time.monotonic() + busy_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _postgres_engine(url: str) -> Any:
    try:
        import psycopg  # noqa: F401 - only to say clearly what is missing
    except ImportError as err:
        raise StoreError("PostgreSQL needs psycopg 3: pip install 'trajectory[postgres]'") from err
    import sqlalchemy as sa

    parts = urlsplit(url)
    driver_url = parts._replace(scheme="postgresql+psycopg").geturl()
    try:
        engine = sa.create_engine(driver_url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ValueError) as err:
        raise InvalidData("url", f"not a usable PostgreSQL URL: {err}") from err
    return engine
