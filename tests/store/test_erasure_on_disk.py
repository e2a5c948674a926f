"""Erased means erased: after ``erase_participant`` the name is gone from the disk.

SQLite: the bytes of the database file and of its ``-wal`` and ``-shm`` files are
read (what ``grep -a`` reads) while the store is open and after it is closed,
also where the platform's SQLite would not overwrite freed space by itself, and
where readers keep the write-ahead log busy. PostgreSQL: the old row versions of
an erasure stay in the table's pages until ``purge_erased()``; the pages are read
with ``pageinspect`` (the relation files themselves are not reachable over the
wire), and the tables must have been rewritten into new files.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.builders import at_state
from tests.store.conftest import with_search_path
from trajectory import ManualClock, StoreError, Trajectory, open_store
from trajectory.store.sql import SqlStore

#: The participant whose name is erased; it occurs in no free text of the builders.
NAME: Final = "Chloé"

#: How the name may stand in the files: UTF-8, and as JSON escapes it.
SPELLINGS: Final = (NAME.encode(), json.dumps(NAME)[1:-1].encode(), NAME.lower().encode())

#: Saves with the name before the erasure: each leaves copies of pages in the log.
SAVES: Final = 20


def occurrences(path: Path) -> dict[str, int]:
    """How often the name is in each of the database's files (what ``grep -a -c``
    counts), by file suffix; a file that does not exist is left out."""
    found = {}
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{path}{suffix}")
        if file.exists():
            data = file.read_bytes()
            found[suffix or "db"] = sum(data.count(spelling) for spelling in SPELLINGS)
    return found


def with_hours(store: Any) -> Trajectory[Any]:
    """A trajectory in which the participant logs hours, saved after each."""
    t = at_state("in_progress")
    store.save(t)
    clock = t.clock
    assert isinstance(clock, ManualClock)
    for _ in range(SAVES):
        clock.advance(days=1)
        t.fire("log_hours", participant=NAME, date=clock().date(), hours=1)
        store.save(t)
    return t


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


def secure_delete_off(store: SqlStore, *, first: bool) -> None:
    """Turn ``secure_delete`` off on the store's new connections: ``first``, before
    the store's own settings, as on a platform whose SQLite was compiled without it
    (Debian's has it on); else after them, as an older release left it. The
    connections open so far are closed."""

    def _off(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute("PRAGMA secure_delete = OFF")

    sa.event.listen(store.engine, "connect", _off, insert=first)
    store.engine.dispose()


def test_the_name_is_in_no_sqlite_file_after_an_erasure(db_path: Path) -> None:
    """The name is in the write-ahead log before the erasure; after it, in none of
    the database, -wal and -shm files, with the store open and after it closes."""
    with open_store(f"sqlite:///{db_path}") as store:
        t = with_hours(store)
        assert 0 < sum(occurrences(db_path).values())
        store.erase_participant(t.id, NAME)
        assert {"db": 0, "-wal": 0, "-shm": 0} == occurrences(db_path)
        assert NAME not in [p.name for p in store.load(t.id).data.participants]
    assert {"db": 0} == occurrences(db_path)


def test_the_store_overwrites_freed_space_whatever_the_platform_default(db_path: Path) -> None:
    """Where SQLite's compiled-in default leaves freed space as it was, the store
    still sets secure_delete on every connection, so the erasure leaves no copy in
    the database file."""
    with open_store(f"sqlite:///{db_path}") as store:
        assert isinstance(store, SqlStore)
        secure_delete_off(store, first=True)
        with store.engine.connect() as conn:
            assert 1 == conn.exec_driver_sql("PRAGMA secure_delete").scalar()
        t = with_hours(store)
        store.erase_participant(t.id, NAME)
        assert {"db": 0, "-wal": 0, "-shm": 0} == occurrences(db_path)


def test_purge_erased_clears_copies_left_in_freed_space(db_path: Path) -> None:
    """A file whose writers left freed space as it was (an older release on such a
    platform) keeps copies in the database file; purge_erased() rewrites it and
    empties the log, and every trajectory still loads."""
    with open_store(f"sqlite:///{db_path}") as store:
        assert isinstance(store, SqlStore)
        secure_delete_off(store, first=False)
        t = with_hours(store)
        store.erase_participant(t.id, NAME)
        assert 0 < occurrences(db_path)["db"]
        store.purge_erased()
        assert {"db": 0, "-wal": 0, "-shm": 0} == occurrences(db_path)
        assert t.version == store.load(t.id).version


@pytest.fixture
def reader(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection of another program, which closes at the end."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    yield conn
    conn.close()


def test_readers_that_keep_the_log_busy_are_reported(
    db_path: Path, reader: sqlite3.Connection
) -> None:
    """A reader in a long transaction keeps the log from being emptied: the erasure
    is done (the name is gone from the rows), StoreError says so and names
    purge_erased(), which empties the log once the reader is done."""
    with open_store(f"sqlite:///{db_path}?busy_timeout=100") as store:
        t = with_hours(store)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM trajectory_events").fetchall()
        with pytest.raises(StoreError) as caught:
            store.erase_participant(t.id, NAME)
        assert "purge_erased()" in str(caught.value)
        assert t.id in str(caught.value)
        erased = store.load(t.id)
        pseudonym = erased.history[-1].payload.participant
        assert pseudonym.startswith("pseudonym-")
        assert pseudonym in str(caught.value)
        assert 0 < occurrences(db_path)["-wal"]  # what the message warns of
        with pytest.raises(StoreError):
            store.purge_erased()
        reader.execute("COMMIT")
        store.purge_erased()
        assert {"db": 0, "-wal": 0, "-shm": 0} == occurrences(db_path)


# -- PostgreSQL ----------------------------------------------------------------------------------


def pages_with_the_name(store: SqlStore) -> dict[str, int]:
    """How often the name is in the raw pages of the tables that hold names, and of
    their TOAST tables, by relation (pageinspect's get_raw_page)."""
    found = {}
    with store.engine.connect() as conn:
        for table in ("trajectories", "trajectory_events"):
            relations = [table]
            toast = conn.execute(
                sa.text("SELECT reltoastrelid FROM pg_class WHERE oid = CAST(:t AS regclass)"),
                {"t": table},
            ).scalar()
            if toast:
                relations.append(
                    conn.execute(
                        sa.text("SELECT CAST(:o AS regclass)::text"), {"o": toast}
                    ).scalar()
                )
            for relation in relations:
                pages = conn.execute(
                    sa.text(
                        "SELECT public.get_raw_page(CAST(:r AS text), 'main', CAST(n AS integer)) "
                        "FROM generate_series(0, pg_relation_size(CAST(:r AS regclass)) "
                        "/ current_setting('block_size')::integer - 1) AS n"
                    ),
                    {"r": relation},
                ).scalars()
                found[relation] = sum(
                    bytes(page).count(spelling) for page in pages for spelling in SPELLINGS
                )
    return found


def files_of(store: SqlStore) -> dict[str, int]:
    """The file number (relfilenode) of each table that holds names."""
    with store.engine.connect() as conn:
        return {
            table: conn.execute(
                sa.text("SELECT pg_relation_filenode(CAST(:t AS regclass))"), {"t": table}
            ).scalar_one()
            for table in ("trajectories", "trajectory_events")
        }


@pytest.fixture
def pageinspect(postgres_server: str) -> None:
    """PostgreSQL's pageinspect extension in the test database (a superuser creates it)."""
    import psycopg

    try:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public")
    except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
        pass  # another test session created it at the same moment
    except psycopg.Error as err:
        pytest.skip(f"reading raw pages needs the pageinspect extension: {err}")


def test_postgres_purge_erased_rewrites_the_tables(postgres_url: str) -> None:
    """purge_erased() rewrites the tables that hold names into new files (the old
    ones, with the old row versions, are deleted), and every trajectory loads."""
    with open_store(postgres_url) as store:
        assert isinstance(store, SqlStore)
        t = with_hours(store)
        store.erase_participant(t.id, NAME)
        before = files_of(store)
        store.purge_erased()
        after = files_of(store)
        assert all(before[table] != after[table] for table in before)
        assert t.version == store.load(t.id).version


def test_postgres_pages_hold_no_erased_name_after_purge_erased(
    postgres_url: str, pageinspect: None
) -> None:
    """After the erasure the old row versions, with the name, are still in the
    pages (a plain VACUUM leaves them too); after purge_erased() no page of the
    tables or their TOAST tables holds the name."""
    with open_store(postgres_url) as store:
        assert isinstance(store, SqlStore)
        t = with_hours(store)
        store.erase_participant(t.id, NAME)
        assert 0 < pages_with_the_name(store)["trajectory_events"]
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM trajectories, trajectory_events")
        assert 0 < pages_with_the_name(store)["trajectory_events"]
        store.purge_erased()
        found = pages_with_the_name(store)
        assert [0] * len(found) == list(found.values())
        assert NAME not in [p.name for p in store.load(t.id).data.participants]


@pytest.fixture
def application_url(postgres_server: str, postgres_schema: str, postgres_url: str) -> Iterator[str]:
    """The URL of a login role that may read and write the rows of this test's tables
    (created by their owner first) but owns none of them, as the PostgreSQL page
    grants it."""
    import psycopg
    from psycopg import sql

    role = f"app_{uuid.uuid4().hex[:12]}"
    open_store(postgres_url).close()  # the owner creates the tables
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        for grant in (
            "GRANT USAGE ON SCHEMA {schema} TO {role}",
            "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        ):
            conn.execute(
                sql.SQL(grant).format(
                    schema=sql.Identifier(postgres_schema), role=sql.Identifier(role)
                )
            )
    server = urlsplit(postgres_server)
    as_role = server._replace(netloc=f"{role}@{server.hostname}:{server.port or 5432}")
    yield with_search_path(as_role.geturl(), postgres_schema)
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_postgres_purge_erased_refuses_to_pass_for_a_user_who_does_not_own_the_tables(
    application_url: str,
) -> None:
    """PostgreSQL's VACUUM skips a table it does not own with a mere warning: the
    store raises StoreError saying that purge_erased() needs the tables' owner,
    rather than report a purge that did not happen; the erasure itself works."""
    with open_store(application_url) as store:
        t = with_hours(store)
        store.erase_participant(t.id, NAME)
        with pytest.raises(StoreError) as caught:
            store.purge_erased()
        assert "needs the owner of the tables" in str(caught.value)
