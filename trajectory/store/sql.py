"""SQL stores on SQLAlchemy Core: SQLite (the embedded default) and PostgreSQL.

- ``sqlite:///path/to/file.db``: WAL journal, ``synchronous=FULL`` (a committed
  save survives a crash of the process and of the machine; ``?synchronous=normal``
  keeps it across a crash of the process only, and is faster). Writers take the
  database lock at ``BEGIN IMMEDIATE`` and wait for each other (``busy_timeout``).
- ``postgresql://user@host/db``: psycopg 3 (install ``trajectory-lifecycle[postgres]``), for
  several application instances sharing one store.

Optimistic concurrency: a save updates the trajectory's row only where the stored
version is the one the trajectory was loaded at, so of two racing writers one wins
and the other gets :class:`~trajectory.ConcurrencyConflict`, with nothing written.
Outbox positions: SQLite serialises its writers, so an autoincrement gives commit
order. PostgreSQL takes no lock: a position is the writing transaction's id
(``pg_current_xact_id()``) times 2**20 plus the entry's number in the transaction,
and :meth:`~trajectory.store.base.Store.read_outbox` gives only the entries of
transactions older than every transaction still running
(``pg_snapshot_xmin(pg_current_snapshot())``), so no entry can appear later below a
position already read. The order is that of the transactions' ids, which for one
trajectory is the order of its commits.

What each lifecycle declares it is indexed by (``Lifecycle.index_keys``) is kept
in ``trajectory_index`` (trajectory id, key, value), indexed on (key, value): a new
kind of aggregate, or a new key, needs no new column and no migration.

The tables are created and upgraded by the versioned migrations in
:data:`MIGRATIONS`; the applied version is kept in ``trajectory_schema``.

Erasure on the disk: every SQLite connection sets ``secure_delete`` (freed space is
overwritten with zeros, whatever the platform's compile-time default), and an
erasure ends with a checkpoint that truncates the write-ahead log, which held the
old pages. PostgreSQL keeps old row versions until ``VACUUM (FULL)``, which
:meth:`~trajectory.store.base.Store.purge_erased` runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, NamedTuple, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.engine import Connection, Engine

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.history import Clock
from trajectory.store.base import Store, TrajectoryRecord
from trajectory.store.errors import ConcurrencyConflict, CorruptRecord, StoreError
from trajectory.store.records import StoredEvent, Write

__all__ = ["MIGRATIONS", "SqlStore", "schema_version"]

_T = TypeVar("_T")

metadata = sa.MetaData()

schema_table = sa.Table(
    "trajectory_schema", metadata, sa.Column("version", sa.Integer, nullable=False)
)


def _trajectory_columns() -> list[sa.Column[Any]]:
    """The columns of ``trajectories`` as migration 1 created them."""
    return [
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("lifecycle", sa.String(100), nullable=False),
        sa.Column("state", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("school_year", sa.String(20)),
        sa.Column("offer", sa.String(200)),
        sa.Column("board", sa.String(300)),
        sa.Column("school", sa.String(20)),
        sa.Column("blocked", sa.Text, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        # ISO 8601 in UTC: sorts in time order in every database.
        sa.Column("updated_at", sa.String(40), nullable=False),
    ]


trajectories = sa.Table(
    "trajectories",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("lifecycle", sa.String(100), nullable=False),
    sa.Column("state", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("blocked", sa.Text, nullable=False),
    sa.Column("snapshot", sa.Text, nullable=False),
    # ISO 8601 in UTC: sorts in time order in every database.
    sa.Column("updated_at", sa.String(40), nullable=False),
    # Added by migration 3: raised by every rewrite of stored events (erasure).
    sa.Column("generation", sa.Integer, nullable=False, server_default="0"),
)

events = sa.Table(
    "trajectory_events",
    metadata,
    sa.Column("trajectory_id", sa.String(64), sa.ForeignKey("trajectories.id"), primary_key=True),
    sa.Column("sequence", sa.Integer, primary_key=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("timestamp", sa.String(40), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

outbox = sa.Table(
    "trajectory_outbox",
    metadata,
    sa.Column(
        "position",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("trajectory_id", sa.String(64), nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
)

#: Added by migration 4: what each trajectory is listed by, as its lifecycle declares.
index = sa.Table(
    "trajectory_index",
    metadata,
    sa.Column("trajectory_id", sa.String(64), sa.ForeignKey("trajectories.id"), primary_key=True),
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.String(300), nullable=False),
)

_STATE_INDEX = sa.Index("ix_trajectories_state", trajectories.c.state)
_INDEX_INDEX = sa.Index("ix_trajectory_index_key_value", index.c.key, index.c.value)

#: Rows with blockers, as blocked() asks for them (NULL-safe: a NULL is listed as corrupt).
_BLOCKED_WHERE: Final = {
    "sqlite": "blocked IS NOT '{}'",
    "postgresql": "blocked IS DISTINCT FROM '{}'",
}

#: The columns of ``trajectories`` that migration 4 moved into ``trajectory_index``.
_MOVED_COLUMNS: Final = ("school_year", "offer", "board", "school")

#: The tables whose rows hold personal data (names in snapshots and event bodies).
_PERSONAL_TABLES: Final = ("trajectories", "trajectory_events")

#: How many outbox entries one PostgreSQL transaction may write: a position is the
#: transaction's id times this, plus the entry's number in the transaction.
_PER_TRANSACTION: Final = 2**20

#: How long (seconds) read_outbox() waits on PostgreSQL for transactions that began
#: before committed entries to finish, before it gives the entries below them only.
_OUTBOX_WAIT: Final = 2.0

#: The key of the PostgreSQL advisory lock of migrations (an arbitrary, fixed number).
_MIGRATION_LOCK: Final = 7_301_002


def _create_tables(conn: Connection) -> None:
    # As released in version 1: the generation column comes with migration 3.
    first = sa.Table("trajectories", sa.MetaData(), *_trajectory_columns())
    for table in (first, events, outbox):
        conn.execute(sa.schema.CreateTable(table))  # the tables only: indexes come in 2


def _create_indexes(conn: Connection) -> None:
    _STATE_INDEX.create(conn)
    for name, column in (("school_year", "school_year"), ("board", "board")):
        conn.execute(sa.text(f"CREATE INDEX ix_trajectories_{name} ON trajectories ({column})"))


def _add_generation(conn: Connection) -> None:
    conn.execute(
        sa.text("ALTER TABLE trajectories ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")
    )


def _generic_index(conn: Connection) -> None:
    """Move the listing columns into ``trajectory_index``, and index the rows with
    blockers."""
    conn.execute(sa.schema.CreateTable(index))
    _INDEX_INDEX.create(conn)
    for column in _MOVED_COLUMNS:
        conn.execute(
            sa.text(
                "INSERT INTO trajectory_index (trajectory_id, key, value) "
                f"SELECT id, '{column}', {column} FROM trajectories WHERE {column} IS NOT NULL"
            )
        )
    for name in ("school_year", "board"):
        conn.execute(sa.text(f"DROP INDEX ix_trajectories_{name}"))
    for column in _MOVED_COLUMNS:
        conn.execute(sa.text(f"ALTER TABLE trajectories DROP COLUMN {column}"))
    where = _BLOCKED_WHERE[conn.dialect.name]
    conn.execute(
        sa.text(
            f"CREATE INDEX ix_trajectories_blocked ON trajectories (updated_at, id) WHERE {where}"
        )
    )


#: The schema migrations, in order; ``MIGRATIONS[n]`` takes the schema from version
#: ``n`` to ``n + 1``. Never change one that was released: add a new one.
MIGRATIONS: Final[tuple[Callable[[Connection], None], ...]] = (
    _create_tables,  # 1: the tables
    _create_indexes,  # 2: indexes for listing by state, school year and board
    _add_generation,  # 3: the generation of rewritten (erased) trajectories
    _generic_index,  # 4: trajectory_index (what lifecycles declare), rows with blockers
)


def schema_version(conn: Connection) -> int:
    """The schema version of the database behind ``conn`` (0 when empty)."""
    if not sa.inspect(conn).has_table(schema_table.name):
        return 0
    return int(conn.execute(sa.select(schema_table.c.version)).scalar_one_or_none() or 0)


def migrate(engine: Engine, *, target: int | None = None) -> int:
    """Apply the pending migrations (up to ``target``), in one transaction; returns
    the version reached. Safe to run from several instances at once."""
    goal = len(MIGRATIONS) if target is None else target
    if isinstance(goal, bool) or not isinstance(goal, int) or not 0 <= goal <= len(MIGRATIONS):
        raise InvalidData(
            "target", f"expected a table version 0 to {len(MIGRATIONS)}, got {goal!r}"
        )
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(_schema_lock(_MIGRATION_LOCK))
        current = schema_version(conn)
        if current > len(MIGRATIONS):
            raise InvalidData(
                "schema",
                f"the database's tables are at version {current}; this release knows "
                f"versions up to {len(MIGRATIONS)}: upgrade trajectory",
            )
        if current == 0 and not sa.inspect(conn).has_table(schema_table.name):
            schema_table.create(conn)
            conn.execute(sa.insert(schema_table).values(version=0))
        for step in range(current, goal):
            MIGRATIONS[step](conn)
        if goal > current:
            conn.execute(sa.update(schema_table).values(version=goal))
        return max(goal, current)


def _schema_lock(key: int) -> sa.Select[Any]:
    """A transaction-level advisory lock on ``key`` in the current schema only, so that
    stores in different schemas of one database do not wait for each other."""
    return sa.select(
        sa.func.pg_advisory_xact_lock(sa.literal(key), sa.func.hashtext(sa.func.current_schema()))
    )


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _moment(text: object) -> dt.datetime | None:
    """A stored time of last change; None when it cannot be read (load() reports the
    record as corrupt, a listing shows it as unknown)."""
    try:
        moment = dt.datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if moment.utcoffset() is None else moment  # written without its offset


def _record(row: Any, index_values: dict[str, str | None] | None = None) -> TrajectoryRecord:
    """A row as it is stored: the values are checked by the store when it reads them."""
    return TrajectoryRecord(
        id=row.id,
        lifecycle=row.lifecycle,
        state=row.state,
        version=row.version,
        updated_at=_moment(row.updated_at),
        index={} if index_values is None else index_values,
        blocked=row.blocked,
        snapshot=getattr(row, "snapshot", ""),
        generation=row.generation,
    )


def _stored_version(trajectory_id: str, found: object) -> int | None:
    """The stored version read back for a conflict; :class:`CorruptRecord` if it is
    not a whole number."""
    if found is None:
        return None
    if isinstance(found, bool) or not isinstance(found, int):
        raise CorruptRecord(
            trajectory_id, f"its column version holds a {type(found).__name__}, expected int"
        )
    return found


def _files(conn: Connection) -> dict[str, int]:
    """The file number of each table that holds personal data (it changes when
    PostgreSQL rewrites the table)."""
    return {
        table: conn.execute(
            sa.select(sa.func.pg_relation_filenode(sa.cast(sa.literal(table), REGCLASS)))
        ).scalar_one()
        for table in _PERSONAL_TABLES
    }


def _secure_delete(dbapi_connection: Any, _: Any) -> None:
    """Make SQLite overwrite deleted content with zeros on this connection (the
    default depends on how SQLite was compiled)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA secure_delete = ON")
    finally:
        cursor.close()


def _values(record: TrajectoryRecord) -> dict[str, Any]:
    if record.updated_at is None:
        raise InvalidData("updated_at", f"trajectory {record.id} needs the time of its last change")
    return {
        "id": record.id,
        "lifecycle": record.lifecycle,
        "state": record.state,
        "version": record.version,
        "blocked": record.blocked,
        "snapshot": record.snapshot,
        "updated_at": _utc(record.updated_at),
        "generation": record.generation,
    }


#: The columns a load reads, in the order of :class:`_Row`.
_READ_COLUMNS: Final = (
    "id",
    "lifecycle",
    "state",
    "version",
    "blocked",
    "snapshot",
    "updated_at",
    "generation",
)


#: The columns of an event a load reads, in the order of a StoredEvent.
_EVENT_COLUMNS: Final = ("sequence", "id", "name", "timestamp", "body")


class _Row(NamedTuple):
    """A row of ``trajectories`` as a load reads it."""

    id: object
    lifecycle: object
    state: object
    version: object
    blocked: object
    snapshot: object
    updated_at: object
    generation: object


class _Reconnect(Exception):
    """The pooled connection was dead before the commit: nothing was written."""


def _reconnecting(read: Callable[..., _T]) -> Callable[..., _T]:
    """Run a read once more when its pooled connection was found dead (the engine
    does not ping a connection before each use: that costs a round trip)."""

    @functools.wraps(read)
    def reading(*args: Any) -> _T:
        try:
            return read(*args)
        except sa.exc.DBAPIError as err:
            if not err.connection_invalidated:
                raise
            return read(*args)

    return reading


@attrs.frozen
class _Statements:
    """The statements of a save and of blocked() as SQL text for the driver's cursor,
    written once per dialect: a save runs on the hot path of every application, and
    building and compiling SQLAlchemy statements each time cost more than the
    database's work."""

    insert: str
    update_with_snapshot: str
    update_keeping_snapshot: str
    insert_index: str
    upsert_index: str
    delete_index: str
    insert_events: str
    insert_outbox: str
    select_version: str
    blocked: str
    blocked_or_in: str
    read: str
    read_bodies: str

    @classmethod
    def for_dialect(cls, dialect: str, paramstyle: str, states: int = 0) -> _Statements:
        """The statements; ``blocked_or_in`` takes ``states`` state names."""
        mark = "?" if paramstyle == "qmark" else "%s"
        columns = [c.name for c in trajectories.c]
        kept = [name for name in columns if name != "id"]

        def update(names: list[str]) -> str:
            assignments = ", ".join(f"{name} = {mark}" for name in names)
            return (
                f"UPDATE trajectories SET {assignments} "
                f"WHERE id = {mark} AND version = {mark} AND generation = {mark}"
            )

        def insert(table: str, names: list[str]) -> str:
            marks = ", ".join(mark for _ in names)
            return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"

        where = _BLOCKED_WHERE.get(dialect, _BLOCKED_WHERE["sqlite"])
        if dialect == "postgresql":  # see the module's docs
            insert_outbox = (
                "INSERT INTO trajectory_outbox (position, trajectory_id, sequence) VALUES "
                f"(pg_current_xact_id()::text::bigint * {_PER_TRANSACTION} + %s, %s, %s)"
            )
        else:
            insert_outbox = insert("trajectory_outbox", ["trajectory_id", "sequence"])
        index_row = insert("trajectory_index", ["trajectory_id", "key", "value"])
        columns_read = ", ".join(_READ_COLUMNS)
        bodies = (
            f"SELECT {', '.join(_EVENT_COLUMNS)} FROM trajectory_events "
            f"WHERE trajectory_id = {mark} ORDER BY sequence"
        )
        if dialect == "postgresql":  # one statement: the row and its events at one moment
            arrays = ", ".join(
                f"array_agg({name} ORDER BY sequence) AS e_{name}" for name in _EVENT_COLUMNS
            )
            read = (
                f"SELECT {', '.join(f'trajectories.{name}' for name in _READ_COLUMNS)}, "
                f"{', '.join(f'e.e_{name}' for name in _EVENT_COLUMNS)} "
                f"FROM trajectories LEFT JOIN LATERAL (SELECT {arrays} FROM trajectory_events "
                "WHERE trajectory_events.trajectory_id = trajectories.id) AS e ON true "
                f"WHERE trajectories.id = {mark}"
            )
        else:
            read = f"SELECT {columns_read} FROM trajectories WHERE id = {mark}"
        return cls(
            insert=insert("trajectories", columns),
            update_with_snapshot=update(kept),
            update_keeping_snapshot=update([n for n in kept if n != "snapshot"]),
            insert_index=index_row,
            upsert_index=(
                f"{index_row} ON CONFLICT (trajectory_id, key) DO UPDATE SET value = "
                "excluded.value WHERE trajectory_index.value <> excluded.value"
            ),
            delete_index=(
                f"DELETE FROM trajectory_index WHERE trajectory_id = {mark} AND key = {mark}"
            ),
            insert_events=insert("trajectory_events", [c.name for c in events.c]),
            insert_outbox=insert_outbox,
            select_version=f"SELECT version FROM trajectories WHERE id = {mark}",
            read=read,
            read_bodies=bodies,
            blocked=(
                "SELECT id, state, blocked, lifecycle FROM trajectories "
                f"WHERE {where} ORDER BY updated_at, id"
            ),
            # Each part through its own index (ix_trajectories_blocked, ix_trajectories_state).
            blocked_or_in=(
                "SELECT id, state, blocked, lifecycle, updated_at FROM trajectories "
                f"WHERE {where} UNION ALL "
                "SELECT id, state, blocked, lifecycle, updated_at FROM trajectories "
                f"WHERE state IN ({', '.join(mark for _ in range(states))}) AND NOT ({where}) "
                "ORDER BY 5, 1"
            ),
        )


class SqlStore(Store):
    """A store in a SQL database (SQLite or PostgreSQL); see the module docs."""

    def __init__(
        self,
        engine: Engine,
        lifecycles: Iterable[Lifecycle[Any]],
        *,
        clock: Clock | None = None,
        upgrade: bool = True,
    ) -> None:
        super().__init__(lifecycles, clock=clock)
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        if engine.dialect.name == "sqlite" and not sa.event.contains(
            engine, "connect", _secure_delete
        ):
            # After the engine's own connect listeners: whatever they set, erased is erased.
            sa.event.listen(engine, "connect", _secure_delete)
        self._statements = _Statements.for_dialect(
            engine.dialect.name, engine.dialect.paramstyle, len(self._time_dependent_states)
        )
        self._integrity_error: type[Exception] = engine.dialect.loaded_dbapi.IntegrityError
        self._dbapi_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        if upgrade:
            self._guarded("*", migrate, engine)
        else:
            with engine.connect() as conn:
                found = self._guarded("*", schema_version, conn)
            if found != len(MIGRATIONS):
                raise InvalidData(
                    "schema",
                    f"the database's tables are at version {found}, expected {len(MIGRATIONS)}",
                )

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for the application's own health checks)."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    # -- primitives -----------------------------------------------------------------------

    def _commit(self, writes: Sequence[Write]) -> None:
        outbox_rows = [(e.trajectory_id, e.sequence) for write in writes for e in write.events]
        if self._postgres and len(outbox_rows) >= _PER_TRANSACTION:
            raise InvalidData(
                "unit_of_work", f"a transaction writes fewer than {_PER_TRANSACTION} events"
            )
        try:
            self._transaction(writes, outbox_rows)
        except _Reconnect:
            # The pooled connection had died (the server restarted, or closed it) before
            # anything was sent to commit: nothing was written, so once more on a new one.
            self._transaction(writes, outbox_rows)

    def _transaction(self, writes: Sequence[Write], outbox_rows: Sequence[tuple[str, int]]) -> None:
        """The one transaction of a unit of work, on the driver's connection from the
        pool (see _Statements); :class:`_Reconnect` if that connection was found dead
        before the commit."""
        sql = self._statements
        connection = self._engine.raw_connection()
        cursor = connection.cursor()
        current = writes[0].record.id
        committing = False
        try:
            if not self._postgres:
                cursor.execute("BEGIN IMMEDIATE")  # psycopg begins a transaction itself
            for write in writes:
                current = write.record.id
                self._write_one(cursor, write)
            if self._postgres:
                cursor.executemany(
                    sql.insert_outbox,
                    [(number, *row) for number, row in enumerate(outbox_rows, start=1)],
                )
            else:
                cursor.executemany(sql.insert_outbox, outbox_rows)
            committing = True
            connection.commit()
        except self._integrity_error as err:
            connection.rollback()
            # Another writer inserted the same trajectory or the same sequence first.
            expected = next(w.expected for w in writes if w.record.id == current)
            raise ConcurrencyConflict(current, expected, None) from err
        except self._dbapi_error as err:
            if not committing and self._disconnected(err, connection, cursor):
                connection.invalidate()
                raise _Reconnect from err
            connection.rollback()
            raise
        except BaseException:
            connection.rollback()
            raise
        finally:
            cursor.close()
            connection.close()  # back to the pool

    def _write_one(self, cursor: Any, write: Write) -> None:
        """One trajectory's row, index values and events, in the open transaction."""
        sql = self._statements
        record, expected = write.record, write.expected
        values = _values(record)
        present = [
            (record.id, key, value) for key, value in record.index.items() if value is not None
        ]
        if expected == 0:
            if values["snapshot"] is None:
                raise InvalidData("snapshot", f"the first save of {record.id} needs a snapshot")
            cursor.execute(sql.insert, [values[c.name] for c in trajectories.c])
            if present:
                cursor.executemany(sql.insert_index, present)
        else:
            keep = values["snapshot"] is None
            names = [
                c.name
                for c in trajectories.c
                if c.name != "id" and not (keep and c.name == "snapshot")
            ]
            statement = sql.update_keeping_snapshot if keep else sql.update_with_snapshot
            parameters = [values[name] for name in names]
            cursor.execute(statement, [*parameters, record.id, expected, record.generation])
            if cursor.rowcount != 1:
                cursor.execute(sql.select_version, [record.id])
                found = cursor.fetchone()
                raise ConcurrencyConflict(
                    record.id,
                    expected,
                    _stored_version(record.id, None if found is None else found[0]),
                )
            if present:
                cursor.executemany(sql.upsert_index, present)
            absent = [(record.id, key) for key, value in record.index.items() if value is None]
            if absent:
                cursor.executemany(sql.delete_index, absent)
        cursor.executemany(
            sql.insert_events,
            [
                (e.trajectory_id, e.sequence, e.id, e.name, _utc(e.timestamp), e.body)
                for e in write.events
            ],
        )

    @staticmethod
    def _version(conn: Connection, trajectory_id: str) -> int | None:
        found = conn.execute(
            sa.select(trajectories.c.version).where(trajectories.c.id == trajectory_id)
        ).scalar_one_or_none()
        return _stored_version(trajectory_id, found)

    def _reading(self) -> Connection:
        conn = self._engine.connect()
        if self._postgres:  # both selects see the same committed state
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        else:
            conn = conn.execution_options(trajectory_read=True)
        return conn

    def _read(self, trajectory_id: str) -> tuple[TrajectoryRecord, list[StoredEvent]] | None:
        """The row and every event (the store checks they match the row), on the
        driver's cursor and seen at one moment: SQLite in one read transaction,
        PostgreSQL in one statement (the events' columns as arrays)."""

        def read(cursor: Any) -> tuple[Any, Any]:
            cursor.execute(self._statements.read, [trajectory_id])
            row = cursor.fetchone()
            if row is None:
                return None, None
            if self._postgres:
                arrays = row[len(_READ_COLUMNS) :]
                if arrays[0] is None:  # no events
                    return row, []
                return row, list(zip(*arrays, strict=True))
            cursor.execute(self._statements.read_bodies, [trajectory_id])
            return row, cursor.fetchall()

        row, stored = self._on_cursor(read)
        if row is None:
            return None
        return _record(_Row(*row[: len(_READ_COLUMNS)])), stored

    def _on_cursor(self, read: Callable[[Any], _T]) -> _T:
        """``read(cursor)`` on the driver's own cursor, in one read transaction (SQLite)
        or as PostgreSQL runs a statement, rolled back after (a reader keeps nothing);
        on a connection found dead, once more on a new one. On a listing of many rows,
        SQLAlchemy's rows cost more than the query: hence the driver's cursor."""
        try:
            return self._on_cursor_once(read)
        except _Reconnect:
            return self._on_cursor_once(read)

    def _on_cursor_once(self, read: Callable[[Any], _T]) -> _T:
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                if not self._postgres:
                    cursor.execute("BEGIN DEFERRED")
                found = read(cursor)
                connection.rollback()  # a reader: nothing to keep
                return found
            except self._dbapi_error as err:
                if self._disconnected(err, connection, cursor):
                    connection.invalidate()
                    raise _Reconnect from err
                connection.rollback()
                raise
            finally:
                cursor.close()
        finally:
            connection.close()

    @_reconnecting
    def _records(
        self, columns: Mapping[str, str], index_values: Mapping[str, str]
    ) -> list[TrajectoryRecord]:
        # A listing needs no snapshots: leave the largest column in the database.
        listed = [column for column in trajectories.c if column.name != "snapshot"]
        query = (
            sa.select(*listed, index.c.key, index.c.value)
            .select_from(trajectories.outerjoin(index, index.c.trajectory_id == trajectories.c.id))
            .order_by(trajectories.c.updated_at, trajectories.c.id)
        )
        for key, value in columns.items():
            query = query.where(trajectories.c[key] == value)
        for key, value in index_values.items():
            query = query.where(
                trajectories.c.id.in_(
                    sa.select(index.c.trajectory_id).where(
                        index.c.key == key, index.c.value == value
                    )
                )
            )
        records: list[TrajectoryRecord] = []
        with self._reading() as conn, conn.begin():
            last: Any = None
            values: dict[str, str | None] = {}
            for row in conn.execute(query):
                if last is None or row.id != last.id:
                    if last is not None:
                        records.append(_record(last, values))
                    last, values = row, {}
                if row.key is not None:
                    values[row.key] = row.value
            if last is not None:
                records.append(_record(last, values))
        return records

    def _blocked_rows(self, states: bool = False) -> list[tuple[object, object, object, object]]:
        # An index of exactly the rows with blockers (ix_trajectories_blocked), and with
        # ``states`` the rows in a time-dependent state too (ix_trajectories_state).
        def read(cursor: Any) -> list[tuple[object, object, object, object]]:
            if states and self._time_dependent_states:
                cursor.execute(self._statements.blocked_or_in, sorted(self._time_dependent_states))
                return [row[:4] for row in cursor.fetchall()]
            cursor.execute(self._statements.blocked)
            return list(cursor.fetchall())

        return self._on_cursor(read)

    def _disconnected(self, err: Any, connection: Any, cursor: Any) -> bool:
        """Whether the driver's ``err`` says that the connection is dead."""
        return bool(self._engine.dialect.is_disconnect(err, connection.dbapi_connection, cursor))

    @_reconnecting
    def _outbox(self, after: int, limit: int) -> list[tuple[int, str, int, str | None]]:
        query = (
            sa.select(outbox.c.position, outbox.c.trajectory_id, outbox.c.sequence, events.c.body)
            .outerjoin(  # an entry whose event is missing is reported, not skipped
                events,
                sa.and_(
                    events.c.trajectory_id == outbox.c.trajectory_id,
                    events.c.sequence == outbox.c.sequence,
                ),
            )
            .where(outbox.c.position > after)
            .order_by(outbox.c.position)
            .limit(limit)
        )
        if not self._postgres:
            with self._reading() as conn, conn.begin():
                return [(p, t, s, b) for p, t, s, b in conn.execute(query)]
        # Only the entries below every transaction still running (see the module's
        # docs); committed entries above it wait, briefly, for those to finish.
        horizon: sa.ColumnElement[int] = sa.literal_column(
            f"pg_snapshot_xmin(pg_current_snapshot())::text::bigint * {_PER_TRANSACTION}"
        )
        query = query.add_columns(horizon.label("horizon"))
        deadline = time.monotonic() + _OUTBOX_WAIT
        while True:
            with self._reading() as conn, conn.begin():
                rows: list[Any] = list(conn.execute(query))
            # A position of the wrong type goes through, for read_outbox() to report.
            safe = [
                (p, t, s, b)
                for p, t, s, b, below in rows
                if not (isinstance(p, int) and p >= below)
            ]
            if len(safe) == len(rows) or time.monotonic() >= deadline:
                return safe
            time.sleep(0.005)

    def _rewrite(
        self, rewrites: Sequence[tuple[TrajectoryRecord, Sequence[tuple[int, str]], int]]
    ) -> None:
        with self._engine.begin() as conn:
            for record, bodies, expected in rewrites:
                done = conn.execute(
                    sa.update(trajectories)
                    .where(trajectories.c.id == record.id)
                    .where(trajectories.c.version == expected)
                    .where(trajectories.c.generation == record.generation - 1)
                    .values(snapshot=record.snapshot, generation=record.generation)
                )
                if done.rowcount != 1:
                    raise ConcurrencyConflict(record.id, expected, self._version(conn, record.id))
                for sequence, body in bodies:
                    conn.execute(
                        sa.update(events)
                        .where(events.c.trajectory_id == record.id)
                        .where(events.c.sequence == sequence)
                        .values(body=body)
                    )

    def _after_erasure(self) -> bool:
        if self._postgres:
            return True  # the old row versions stay until purge_erased()
        return self._checkpoint()

    def _purge(self) -> bool:
        if self._postgres:
            # VACUUM cannot run in a transaction block: one statement in autocommit.
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                before = _files(conn)
                conn.exec_driver_sql(f"VACUUM (FULL) {', '.join(_PERSONAL_TABLES)}")
                after = _files(conn)
            # VACUUM skips a table whose owner it does not run as, with a mere warning.
            kept = [table for table in _PERSONAL_TABLES if before[table] == after[table]]
            if kept:
                raise StoreError(
                    f"the store: VACUUM (FULL) did not rewrite {', '.join(kept)}: "
                    "purge_erased() needs the owner of the tables"
                )
            return True
        self._sqlite_outside_transaction("VACUUM")
        return self._checkpoint()

    def _checkpoint(self) -> bool:
        """Copy the write-ahead log into the database and truncate it to nothing
        (waiting for readers and writers up to the busy timeout); False if they kept
        it busy."""
        busy, _, _ = self._sqlite_outside_transaction("PRAGMA wal_checkpoint(TRUNCATE)")
        return bool(busy == 0)

    def _sqlite_outside_transaction(self, statement: str) -> Any:
        """Run ``statement`` on a connection of the pool outside any transaction (a
        checkpoint or a VACUUM cannot run inside one); its first row."""
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(statement)
                return cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()
