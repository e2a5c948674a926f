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
Outbox positions are assigned in commit order (PostgreSQL: under a transaction-level
advisory lock; SQLite: writers are serialised anyway).

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.engine import Connection, Engine

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import ConcurrencyConflict, CorruptRecord, InvalidData, StoreError
from trajectory.engine.history import Clock
from trajectory.store.base import EventRecord, Store, TrajectoryRecord

__all__ = ["MIGRATIONS", "SqlStore", "schema_version"]

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
    *_trajectory_columns(),
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

_STATE_INDEX = sa.Index("ix_trajectories_state", trajectories.c.state)
_YEAR_INDEX = sa.Index("ix_trajectories_school_year", trajectories.c.school_year)
_BOARD_INDEX = sa.Index("ix_trajectories_board", trajectories.c.board)

#: The tables whose rows hold personal data (names in snapshots and event bodies).
_PERSONAL_TABLES: Final = ("trajectories", "trajectory_events")

#: Keys of the PostgreSQL advisory locks (arbitrary, fixed numbers).
_OUTBOX_LOCK: Final = 7_301_001
_MIGRATION_LOCK: Final = 7_301_002


def _create_tables(conn: Connection) -> None:
    # As released in version 1: the generation column comes with migration 3.
    first = sa.Table("trajectories", sa.MetaData(), *_trajectory_columns())
    for table in (first, events, outbox):
        conn.execute(sa.schema.CreateTable(table))  # the tables only: indexes come in 2


def _create_indexes(conn: Connection) -> None:
    for index in (_STATE_INDEX, _YEAR_INDEX, _BOARD_INDEX):
        index.create(conn)


def _add_generation(conn: Connection) -> None:
    conn.execute(
        sa.text("ALTER TABLE trajectories ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")
    )


#: The schema migrations, in order; ``MIGRATIONS[n]`` takes the schema from version
#: ``n`` to ``n + 1``. Never change one that was released: add a new one.
MIGRATIONS: Final[tuple[Callable[[Connection], None], ...]] = (
    _create_tables,  # 1: the tables
    _create_indexes,  # 2: indexes for listing by state, school year and board
    _add_generation,  # 3: the generation of rewritten (erased) trajectories
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


def _record(row: Any) -> TrajectoryRecord:
    """A row as it is stored: the values are checked by the store when it reads them."""
    try:
        updated_at: dt.datetime | None = dt.datetime.fromisoformat(row.updated_at)
    except (TypeError, ValueError):
        updated_at = None  # listed as unknown; load() reports the record as corrupt
    if updated_at is not None and updated_at.utcoffset() is None:
        updated_at = None  # written without its offset: not a moment
    return TrajectoryRecord(
        id=row.id,
        lifecycle=row.lifecycle,
        state=row.state,
        version=row.version,
        school_year=row.school_year,
        offer=row.offer,
        board=row.board,
        school=row.school,
        blocked=row.blocked,
        snapshot=getattr(row, "snapshot", ""),
        updated_at=updated_at,
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
        "school_year": record.school_year,
        "offer": record.offer,
        "board": record.board,
        "school": record.school,
        "blocked": record.blocked,
        "snapshot": record.snapshot,
        "updated_at": _utc(record.updated_at),
        "generation": record.generation,
    }


@attrs.frozen
class _SaveStatements:
    """The statements of a save as SQL text for the driver's cursor, written once per
    dialect: a save runs on the hot path of every application, and building and
    compiling SQLAlchemy statements each time cost more than the database's work."""

    insert: str
    update_with_snapshot: str
    update_keeping_snapshot: str
    insert_events: str
    insert_outbox: str
    select_version: str
    outbox_lock: str

    @classmethod
    def for_dialect(cls, paramstyle: str) -> _SaveStatements:
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

        return cls(
            insert=insert("trajectories", columns),
            update_with_snapshot=update(kept),
            update_keeping_snapshot=update([n for n in kept if n != "snapshot"]),
            insert_events=insert("trajectory_events", [c.name for c in events.c]),
            insert_outbox=insert("trajectory_outbox", ["trajectory_id", "sequence"]),
            select_version=f"SELECT version FROM trajectories WHERE id = {mark}",
            outbox_lock=f"SELECT pg_advisory_xact_lock({mark}, hashtext(current_schema()))",
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
        self._statements = _SaveStatements.for_dialect(engine.dialect.paramstyle)
        self._integrity_error: type[Exception] = engine.dialect.loaded_dbapi.IntegrityError
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

    def _write(
        self, record: TrajectoryRecord, new_events: Sequence[EventRecord], expected: int
    ) -> None:
        values = _values(record)
        if expected == 0 and values["snapshot"] is None:
            raise InvalidData("snapshot", f"the first save of {record.id} needs a snapshot")
        sql = self._statements
        rows = [
            (e.trajectory_id, e.sequence, e.id, e.name, _utc(e.timestamp), e.body)
            for e in new_events
        ]
        # The driver's connection from the pool, in one transaction (see _SaveStatements).
        connection = self._engine.raw_connection()
        cursor = connection.cursor()
        try:
            if not self._postgres:
                cursor.execute("BEGIN IMMEDIATE")  # psycopg begins a transaction itself
            if expected == 0:
                cursor.execute(sql.insert, [values[c.name] for c in trajectories.c])
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
            cursor.executemany(sql.insert_events, rows)
            if self._postgres:  # positions in commit order: one outbox writer at a time
                cursor.execute(sql.outbox_lock, [_OUTBOX_LOCK])
            cursor.executemany(sql.insert_outbox, [(row[0], row[1]) for row in rows])
            connection.commit()
        except self._integrity_error as err:
            connection.rollback()
            # Another writer inserted the same trajectory or the same sequence first.
            raise ConcurrencyConflict(record.id, expected, None) from err
        except BaseException:
            connection.rollback()
            raise
        finally:
            cursor.close()
            connection.close()  # back to the pool

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

    def _read(self, trajectory_id: str) -> tuple[TrajectoryRecord, list[str]] | None:
        with self._reading() as conn, conn.begin():
            row = conn.execute(
                sa.select(trajectories).where(trajectories.c.id == trajectory_id)
            ).one_or_none()
            if row is None:
                return None
            bodies = conn.execute(  # all of them: the store checks they match the row
                sa.select(events.c.body)
                .where(events.c.trajectory_id == trajectory_id)
                .order_by(events.c.sequence)
            ).scalars()
            return _record(row), list(bodies)

    def _records(self, filters: Mapping[str, str]) -> list[TrajectoryRecord]:
        # A listing needs no snapshots: leave the largest column in the database.
        columns = [column for column in trajectories.c if column.name != "snapshot"]
        query = sa.select(*columns).order_by(trajectories.c.updated_at, trajectories.c.id)
        for key, value in filters.items():
            query = query.where(trajectories.c[key] == value)
        with self._reading() as conn, conn.begin():
            return [_record(row) for row in conn.execute(query)]

    def _blocked_records(self) -> list[TrajectoryRecord]:
        query = (
            sa.select(trajectories)
            # A NULL is no "{}" either: such a row is reported as corrupt, not left out.
            .where(sa.or_(trajectories.c.blocked.is_(None), trajectories.c.blocked != "{}"))
            .order_by(trajectories.c.updated_at, trajectories.c.id)
        )
        with self._reading() as conn, conn.begin():
            return [_record(row) for row in conn.execute(query)]

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
        with self._reading() as conn, conn.begin():
            return [(p, t, s, b) for p, t, s, b in conn.execute(query)]

    def _rewrite(
        self, record: TrajectoryRecord, bodies: Sequence[tuple[int, str]], expected: int
    ) -> None:
        with self._engine.begin() as conn:
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
