"""Persistence: open a store by URL, for the lifecycles it holds.

>>> from trajectory.ontwikkelkracht import programme
>>> store = open_store("memory://", lifecycles=programme())
>>> store.list()
[]

A store is generic: it holds the lifecycles it is given (a programme, or lifecycles)
and knows no programme of its own. :func:`trajectory.open_store` is this function
with the lifecycles defaulting to the Ontwikkelkracht programme's.

- ``memory://``: in this process, for tests and simulations;
- ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` (three slashes
  and a relative path, four and an absolute one, as in SQLAlchemy), or a plain file
  path: the embedded default, no server needed. An SQLite URL names no host:
  ``sqlite://host/x.db`` is refused;
- ``postgresql://user@host:5432/db``: several application instances sharing one
  store (install ``trajectory-lifecycle[postgres]``).

``open_store(url, create=False)`` opens an existing store only: it creates no file,
folder or table, and refuses a store that is not there with a :class:`StoreError`.
A URL that is no store URL is an :class:`InvalidData`; an error of the operating
system or the database driver is a :class:`StoreError` with that error as its cause.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData, TrajectoryError
from trajectory.engine.fields import describe
from trajectory.engine.history import Clock
from trajectory.store.base import Blocked, OutboxEntry, Store, Subscriber, Summary, UnitOfWork
from trajectory.store.errors import StoreError
from trajectory.store.memory import MemoryStore

__all__ = [
    "DEFAULT_DB_ENV",
    "Blocked",
    "MemoryStore",
    "OutboxEntry",
    "Store",
    "Subscriber",
    "Summary",
    "UnitOfWork",
    "default_store_url",
    "open_store",
]

#: The environment variable that names the default store's URL or SQLite file.
DEFAULT_DB_ENV: Final = "TRAJECTORY_DB"

_SYNCHRONOUS: Final = {"full": "FULL", "normal": "NORMAL"}
_SQLITE_OPTIONS: Final = frozenset({"synchronous", "busy_timeout"})
_SQLITE_FORMS: Final = "sqlite:///relative/path.db or sqlite:////absolute/path.db"


def default_store_url() -> str:
    """The embedded default store: ``$TRAJECTORY_DB`` (a URL or a file path), else
    ``trajectory.db`` in the user's data directory."""
    configured = os.environ.get(DEFAULT_DB_ENV, "").strip()
    if configured:
        if "://" in configured:
            return configured
        return f"sqlite:///{_absolute(_checked_text(configured, DEFAULT_DB_ENV))}"
    import platformdirs

    folder = Path(platformdirs.user_data_dir("trajectory", appauthor=False))
    return f"sqlite:///{folder / 'trajectory.db'}"


def open_store(
    url: str | None = None,
    *,
    lifecycles: Iterable[Lifecycle[Any]] | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
    create: bool = True,
) -> Store:
    """Open the store at ``url`` (default: :func:`default_store_url`; a plain path is
    an SQLite file).

    With ``create`` (the default) a missing SQLite file, its folders and the tables
    are created; with ``create=False`` only an existing store opens, and nothing is
    created (a missing file, or a database without the store's tables, is a
    :class:`StoreError`). The tables of an older release are upgraded unless
    ``migrate`` is false (then a database whose tables are not at the current version
    is refused). ``lifecycles`` are what the store holds: a
    :class:`~trajectory.engine.programme.Programme` or lifecycles (required here;
    :func:`trajectory.open_store` defaults them to the Ontwikkelkracht programme).

    Raises :class:`InvalidData` for a URL that names no store, and
    :class:`StoreError` (the cause attached) when the operating system or the
    database refuses.
    """
    for name, flag in (("migrate", migrate), ("create", create)):
        if not isinstance(flag, bool):
            raise InvalidData(name, f"expected True or False, got {describe(flag)}")
    if clock is not None and not callable(clock):
        raise InvalidData(
            "clock", f"expected a clock (a callable giving the time), got {describe(clock)}"
        )
    if lifecycles is None:
        raise InvalidData(
            "lifecycles",
            "a store holds the lifecycles it is given: pass a programme "
            "(trajectory.ontwikkelkracht.programme()) or lifecycles, or use "
            "trajectory.open_store, which defaults to the Ontwikkelkracht programme",
        )
    chosen = _checked_lifecycles(lifecycles)
    target = _checked_text(default_store_url() if url is None else url, "url")
    if "://" not in target:  # a plain path names an SQLite file
        return _open_sqlite(_absolute(target), {}, chosen, clock, migrate, create)
    parts = _split(target)
    scheme = parts.scheme.lower()
    if scheme == "memory":
        if parts.netloc or parts.path or parts.query or parts.fragment:
            raise InvalidData("url", f"memory:// takes nothing after it, got {describe(target)}")
        return MemoryStore(chosen, clock=clock)
    if scheme == "sqlite":
        path, options = _sqlite_target(parts, target)
        return _open_sqlite(path, options, chosen, clock, migrate, create)
    if scheme.startswith("postgresql") or scheme == "postgres":
        engine = _postgres_engine(parts)
        if not create:
            _require_tables(engine, target)
        return _open_sql(engine, chosen, clock, migrate)
    raise InvalidData(
        "url", f"expected memory://, sqlite:///file.db or postgresql://…, got {describe(target)}"
    )


def _checked_text(value: object, field: str) -> str:
    """``value`` if it is text that can name a store: not blank, no NUL character,
    no lone surrogate (the operating system and the drivers take neither)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidData(field, f"expected a store URL or file path, got {describe(value)}")
    if "\x00" in value:
        raise InvalidData(
            field, f"a store URL or file path holds no NUL character: {describe(value)}"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidData(
            field, f"expected text that can be written as UTF-8, got {describe(value)}"
        ) from None
    return value


def _checked_lifecycles(lifecycles: object) -> tuple[Lifecycle[Any], ...]:
    if isinstance(lifecycles, str | bytes) or not isinstance(lifecycles, Iterable):
        raise InvalidData("lifecycles", f"expected lifecycles, got {describe(lifecycles)}")
    chosen = tuple(lifecycles)
    wrong = [item for item in chosen if not isinstance(item, Lifecycle)]
    if wrong:
        raise InvalidData("lifecycles", f"expected lifecycles, got {describe(wrong[0])}")
    if not chosen:
        raise InvalidData("lifecycles", "a store needs at least one lifecycle")
    return chosen


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as err:  # such as "Invalid IPv6 URL" or a port out of range
        raise InvalidData("url", f"not a usable store URL: {err}: {describe(url)}") from err
    return parts


def _absolute(path: str) -> Path:
    """``path`` made absolute from the current directory (links resolved)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError) as err:  # a loop of links: RuntimeError before 3.13
        raise StoreError(f"cannot find the file {describe(path)}: {err}") from err


def _sqlite_target(parts: SplitResult, url: str) -> tuple[Path, dict[str, list[str]]]:
    """The file and the options an ``sqlite:`` URL names."""
    if parts.netloc:
        raise InvalidData(
            "url",
            f"an SQLite URL names no host ({describe(parts.netloc)} in {describe(url)}): "
            + _SQLITE_FORMS,
        )
    options = parse_qs(parts.query, keep_blank_values=True)
    path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
    if not path or path == ":memory:":
        raise InvalidData("url", f"an SQLite store needs a file: {_SQLITE_FORMS}")
    _checked_text(path, "url")  # %00 decodes to a NUL
    return _absolute(path), options


def _open_sqlite(
    path: Path,
    options: dict[str, list[str]],
    lifecycles: tuple[Lifecycle[Any], ...],
    clock: Clock | None,
    migrate: bool,
    create: bool,
) -> Store:
    unknown = sorted(set(options) - _SQLITE_OPTIONS)
    if unknown:
        raise InvalidData("url", f"unknown SQLite option {describe(unknown[0])} for {path}")
    synchronous = _SYNCHRONOUS.get(options.get("synchronous", ["full"])[0].lower())
    if synchronous is None:
        raise InvalidData("url", "synchronous must be full or normal")
    try:
        busy_ms = int(options.get("busy_timeout", ["60000"])[0])
    except ValueError:
        raise InvalidData("url", "busy_timeout must be a number of milliseconds") from None
    if not 0 <= busy_ms <= 2**31 - 1:
        raise InvalidData("url", f"busy_timeout must be 0 to {2**31 - 1} milliseconds")
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the folder of {path}: {err.strerror or err}") from err
    else:
        _require_sqlite_store(path)
    engine = _sqlite_engine(path, synchronous, busy_ms, create=create)
    return _open_sql(engine, lifecycles, clock, migrate)


def _require_sqlite_store(path: Path) -> None:
    """Refuse ``path`` unless it is an SQLite file that holds a store's tables; read
    it without changing it (or creating anything)."""
    try:
        found_file, found_anything = path.is_file(), path.exists()
    except OSError as err:  # such as a name too long for the file system
        raise StoreError(f"no store at {path}: {err.strerror or err}") from err
    if not found_file:
        missing = "is no file" if found_anything else "does not exist"
        raise StoreError(f"no store at {path}: the file {missing}")
    try:
        with contextlib.closing(sqlite3.connect(f"{_file_uri(path)}?mode=ro", uri=True)) as conn:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trajectory_schema'"
            ).fetchone()
    except sqlite3.Error as err:
        raise StoreError(f"no store at {path}: {err}") from err
    if found is None:
        raise StoreError(f"no store at {path}: the database holds no trajectory tables")


def _file_uri(path: Path) -> str:
    return f"file:{quote(str(path))}"


def _require_tables(engine: Any, url: str) -> None:
    """Refuse a database without the store's tables (for ``create=False``)."""
    from trajectory.store.sql import schema_version

    try:
        with engine.connect() as conn:
            version = schema_version(conn)
    except TrajectoryError:
        engine.dispose()
        raise
    except Exception as err:  # the driver's errors
        engine.dispose()
        raise StoreError(f"the store: {type(err).__name__}: {err}") from err
    if version == 0:
        engine.dispose()
        raise StoreError(
            f"no store at {_without_password(url)}: the database holds no trajectory tables"
        )


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def _open_sql(
    engine: Any, lifecycles: Iterable[Lifecycle[Any]], clock: Clock | None, migrate: bool
) -> Store:
    from trajectory.store.sql import SqlStore

    try:
        return SqlStore(engine, lifecycles, clock=clock, upgrade=migrate)
    except BaseException:
        engine.dispose()  # a refused store leaves no connection open
        raise


def _sqlite_engine(path: Path, synchronous: str, busy_ms: int, *, create: bool) -> Any:
    import sqlalchemy as sa

    if create:
        url = sa.engine.URL.create("sqlite", database=str(path))
    else:  # read and write, but never create the file
        url = sa.engine.URL.create(
            "sqlite", database=_file_uri(path), query={"mode": "rw", "uri": "true"}
        )
    engine = sa.create_engine(url)

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
    deadline = time.monotonic() + busy_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _postgres_engine(parts: SplitResult) -> Any:
    try:
        import psycopg  # noqa: F401 - only to say clearly what is missing
    except ImportError as err:
        raise StoreError(
            "PostgreSQL needs psycopg 3: pip install 'trajectory-lifecycle[postgres]'"
        ) from err
    import sqlalchemy as sa

    driver_url = parts._replace(scheme="postgresql+psycopg").geturl()
    try:
        # No ping before each use (a round trip per save): the store runs a transaction
        # again on a new connection when it finds the pooled one dead before its commit.
        engine = sa.create_engine(driver_url)
    except (sa.exc.ArgumentError, ValueError) as err:
        raise InvalidData("url", f"not a usable PostgreSQL URL: {err}") from err
    return engine
