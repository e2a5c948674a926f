"""Damaged records: whatever a database gives back, only the library's errors come out.

A trajectory's stored row, its event bodies and its events themselves are damaged
behind the store's back, in every way we could think of: JSON that is not JSON or
not an object, NULLs, values of the wrong type, a history that no longer chains,
a row that no longer agrees with its history. Then every public method of the
store is called. Each either works or raises a ``TrajectoryError`` (``load()`` a
``CorruptRecord`` naming the trajectory and saying what is wrong); the other
trajectories are untouched; ``blocked()`` lists a damaged row with ``corrupt``
instead of failing.

Every case runs against memory, SQLite and PostgreSQL. PostgreSQL enforces the
types of its columns, so the cases that need a value of another type (text in a
version, bytes in a snapshot) run against the other two only; NULLs run against
all three (the test drops the NOT NULL constraint first, in its own schema).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, Final

import attrs
import pytest
import sqlalchemy as sa

from tests.builders import at_state, new
from trajectory import (
    CorruptRecord,
    ManualClock,
    Store,
    Trajectory,
    TrajectoryError,
    open_store,
)
from trajectory.engine.serialization import dump_event
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE
from trajectory.store import Blocked, MemoryStore
from trajectory.store.sql import SqlStore

#: The clock of the stores: after every date the victim fires with.
NOW: Final = dt.datetime(2024, 5, 2, 10, 0, tzinfo=NETHERLANDS)

#: The columns of ``trajectories`` that hold whole numbers; the others hold text.
INTEGER_COLUMNS: Final = frozenset({"version", "generation"})

#: The version of the victim's snapshot (its first save).
SNAPSHOT_VERSION: Final = 3

#: JSON nested deeper than the parser recurses.
TOO_DEEP: Final = "[" * 100_000 + "]" * 100_000


def victim_trajectory() -> Trajectory[Any]:
    """The trajectory that gets damaged: five events; blocked on its next step."""
    t = new(ManualClock(NOW))
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question="Reading?",
        conclusion="positive",
        report="It fits.",
    )
    return t


def finish_victim(t: Trajectory[Any]) -> None:
    """The two events the victim fires after its first save (so after its snapshot)."""
    t.fire("register")
    t.fire("add_participant", name="Anna", role="school_leader", planned_hours=200)


def body(t: Trajectory[Any], number: int, **changes: Any) -> str:
    """The stored body of event ``number`` of ``t``, with ``changes``."""
    document = dump_event(t.history[number - 1], LIFECYCLE)
    document.update(changes)
    return json.dumps(document)


@attrs.frozen
class Damage:
    """One way to damage the victim, and what the store then does.

    ``kind`` is ``"column"`` (a column of its row), ``"index"`` (the value it is
    listed by under the key ``column``), ``"body"`` (the body of its event
    ``sequence``), ``"event_column"`` (the column ``column`` of its event
    ``sequence``, beside the body) or ``"delete"`` (its event ``sequence`` is deleted).
    ``value`` computes the damaged value from the victim.
    """

    name: str
    kind: str
    value: Callable[[Trajectory[Any]], object]
    column: str = ""
    sequence: int = 0
    says: str = ""
    """Part of what load()'s CorruptRecord says; empty when load() still works."""
    lists: bool = True
    """Whether list() still lists every trajectory (else: CorruptRecord for the victim)."""
    blocked_corrupt: bool = False
    """Whether blocked() lists the victim as corrupt when it reads the stored blockers
    (the victim in a state whose blockers are read as saved)."""
    outbox: bool = True
    """Whether the outbox still reads (else: CorruptRecord for the victim)."""

    def read_with_the_history(self) -> bool:
        """Whether the damage is in the body of an event before the snapshot's own
        event (which every load reads, as it reads those after it): load() does not
        read it, the history does when that event is asked for."""
        return self.kind == "body" and self.sequence < SNAPSHOT_VERSION

    def needs_loose_types(self) -> bool:
        """Whether the damaged value is of a type the column does not hold."""
        victim = victim_trajectory()
        finish_victim(victim)
        value = self.value(victim)
        if value is None:
            return False
        if self.kind == "column" and self.column in INTEGER_COLUMNS:
            return not isinstance(value, int)
        if self.kind == "event_column" and self.column == "sequence":
            return not isinstance(value, int)
        return not isinstance(value, str)


def column(name: str, column: str, value: object, **expected: Any) -> Damage:
    """A damaged column of the victim's row."""
    return Damage(name, "column", lambda _: value, column=column, **expected)


def index_value(name: str, key: str, value: object, **expected: Any) -> Damage:
    """A damaged value the victim is listed by (``key`` of its index)."""
    return Damage(name, "index", lambda _: value, column=key, **expected)


def event_body(
    name: str, sequence: int, value: Callable[[Trajectory[Any]], object], **expected: Any
) -> Damage:
    """A damaged event body; the outbox cannot read it unless ``outbox`` says so."""
    expected.setdefault("outbox", False)
    return Damage(name, "body", value, sequence=sequence, **expected)


def event_column(name: str, sequence: int, column: str, value: object, says: str) -> Damage:
    """A damaged column of an event before the snapshot: load() refuses it from the
    columns, without reading any event's body."""
    return Damage(
        name, "event_column", lambda _: value, column=column, sequence=sequence, says=says
    )


DAMAGES: Final = (
    # the snapshot
    column("snapshot-null", "snapshot", None, says="column snapshot holds a NoneType"),
    column("snapshot-bytes", "snapshot", b"\x00\xff", says="column snapshot holds a bytes"),
    column("snapshot-empty", "snapshot", "", says="snapshot is not JSON"),
    column("snapshot-cut", "snapshot", '{"schema_version": 2, "ki', says="snapshot is not JSON"),
    column("snapshot-array", "snapshot", "[1, 2]", says="snapshot is a JSON list"),
    column("snapshot-too-deep", "snapshot", TOO_DEEP, says="snapshot is not JSON"),
    column("snapshot-schema-99", "snapshot", '{"schema_version": 99}', says="schema_version"),
    # the row's columns
    column("state-null", "state", None, says="column state", lists=False, blocked_corrupt=True),
    column(
        "state-bytes", "state", b"granted", says="column state", lists=False, blocked_corrupt=True
    ),
    column("state-another", "state", "granted", says="its row is in state 'granted'"),
    column("state-unknown", "state", "no_such_state", says="its row is in state"),
    column("version-null", "version", None, says="column version", lists=False),
    column("version-text", "version", "five", says="column version", lists=False),
    column("version-fraction", "version", 2.5, says="column version", lists=False),
    column("version-zero", "version", 0, says="column version holds 0", lists=False),
    column("version-negative", "version", -1, says="column version holds -1", lists=False),
    column("version-ahead", "version", 6, says="its row is at version 6, its history has 5"),
    column("version-behind", "version", 4, says="version"),
    column("lifecycle-null", "lifecycle", None, says="column lifecycle", lists=False),
    column("lifecycle-bytes", "lifecycle", b"x", says="column lifecycle", lists=False),
    column("lifecycle-unknown", "lifecycle", "no.such.lifecycle", says="no.such.lifecycle"),
    column("updated-at-null", "updated_at", None, says="time of last change"),
    column("updated-at-not-a-time", "updated_at", "not a time", says="time of last change"),
    column("updated-at-number", "updated_at", 5, says="time of last change"),
    column("updated-at-naive", "updated_at", "2024-05-02T08:00:00", says="time of last change"),
    column(
        "updated-at-another-time",
        "updated_at",
        "2030-01-01T00:00:00+00:00",
        says="its row was last changed at 2030-01-01",
    ),
    column("generation-null", "generation", None, says="column generation"),
    column("generation-text", "generation", "x", says="column generation"),
    column("generation-negative", "generation", -1, says="column generation holds -1"),
    column("blocked-null", "blocked", None, blocked_corrupt=True),
    column("blocked-bytes", "blocked", b"{}", blocked_corrupt=True),
    column("blocked-empty", "blocked", "", blocked_corrupt=True),
    column("blocked-cut", "blocked", '{"submit', blocked_corrupt=True),
    column("blocked-array", "blocked", "[]", blocked_corrupt=True),
    column("blocked-json-null", "blocked", "null", blocked_corrupt=True),
    column("blocked-too-deep", "blocked", TOO_DEEP, blocked_corrupt=True),
    column("blocked-codes-a-number", "blocked", '{"submit_application": 5}', blocked_corrupt=True),
    column("blocked-codes-numbers", "blocked", '{"submit_application": [5]}', blocked_corrupt=True),
    index_value("school-year-bytes", "school_year", b"2024-2025", lists=False),
    index_value("board-bytes", "board", b"Stichting", lists=False),
    # the event bodies: event 2 is before the snapshot (version 3), event 4 after it
    event_body("body-null", 4, lambda t: None, says="event 4 is a NoneType"),
    event_body("body-bytes", 4, lambda t: b"{}", says="event 4 is a bytes"),
    event_body("body-empty", 2, lambda t: "", says="event 2 is not JSON"),
    event_body("body-cut", 4, lambda t: body(t, 4)[:40], says="event 4 is not JSON"),
    event_body("body-number", 2, lambda t: "5", says="event 2 is a JSON int"),
    event_body("body-array", 4, lambda t: "[]", says="event 4 is a JSON list"),
    event_body("body-json-null", 2, lambda t: "null", says="event 2 is a JSON NoneType"),
    event_body("body-too-deep", 4, lambda t: TOO_DEEP, says="event 4 is not JSON"),
    event_body("body-schema-99", 2, lambda t: body(t, 2, schema_version=99), says="schema_version"),
    event_body(
        "body-payload-array", 4, lambda t: body(t, 4, payload=[1, 2]), outbox=True, says="payload"
    ),
    event_body(
        "from-state-changed-before-the-snapshot",
        2,
        lambda t: body(t, 2, from_state="orientation_held"),
        outbox=True,
        says="from_state",
    ),
    event_body(
        "from-state-changed-after-the-snapshot",
        4,
        lambda t: body(t, 4, from_state="orientation_requested"),
        outbox=True,
        says="from_state",
    ),
    event_body(
        "to-state-changed-before-the-snapshot",
        2,
        lambda t: body(t, 2, to_state="orientation_held"),
        outbox=True,
        says="to_state",
    ),
    event_body(
        "name-changed", 4, lambda t: body(t, 4, name="grant"), outbox=True, says="'grant' leads"
    ),
    event_body("name-unknown", 2, lambda t: body(t, 2, name="fly"), outbox=True, says="fly"),
    event_body(
        "id-of-another-event",
        3,
        lambda t: body(t, 3, id=t.history[1].id),
        outbox=True,
        says="id",
    ),
    event_body("sequence-changed", 2, lambda t: body(t, 2, sequence=7), says="sequence"),
    event_body("sequence-text", 2, lambda t: body(t, 2, sequence="2"), says="sequence"),
    event_body(
        "of-another-trajectory", 2, lambda t: body(t, 2, trajectory_id="other"), says="other"
    ),
    event_body(
        "timestamp-naive",
        4,
        lambda t: body(t, 4, timestamp="2024-05-02T08:00:00"),
        outbox=True,
        says="timestamp",
    ),
    event_body(
        "timestamp-garbage",
        2,
        lambda t: body(t, 2, timestamp="soon"),
        outbox=True,
        says="timestamp",
    ),
    # the columns beside the bodies of events before the snapshot
    attrs.evolve(  # the outbox entry of event 2 finds no event 2
        event_column("event-sequence-moved", 2, "sequence", 9, says="events[1].sequence"),
        outbox=False,
    ),
    event_column("event-id-blank", 2, "id", " ", says="events[1].id"),
    event_column("event-name-changed", 2, "name", "register", says="'register' does not leave"),
    event_column("event-name-unknown", 2, "name", "fly", says="'fly' is not an event"),
    event_column(
        "event-timestamp-earlier",
        3,
        "timestamp",
        "2020-01-01T00:00:00+00:00",
        says="events[2].timestamp: expected no earlier",
    ),
    event_column("event-timestamp-garbage", 2, "timestamp", "soon", says="events[1].timestamp"),
    event_column(
        "event-timestamp-naive", 2, "timestamp", "2024-04-20T10:00:00", says="events[1].timestamp"
    ),
    # events deleted
    Damage(
        "middle-event-deleted", "delete", lambda t: None, sequence=3, says="event", outbox=False
    ),
    Damage(
        "last-event-deleted",
        "delete",
        lambda t: None,
        sequence=5,
        says="its row is at version 5, its history has 4",
        outbox=False,
    ),
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give each backend the damages its database can hold."""
    if "damage" in metafunc.fixturenames:
        loose = getattr(metafunc.cls, "loose_types", True)
        cases = [d for d in DAMAGES if loose or not d.needs_loose_types()]
        metafunc.parametrize("damage", cases, ids=[d.name for d in cases])


class DamageContract:
    """The damages, against one backend (subclasses say which and how to damage)."""

    #: Whether the database holds a value of any type in any column.
    loose_types: bool = True

    @pytest.fixture
    def store_url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def store(self, store_url: str) -> Iterator[Store]:
        with open_store(store_url, clock=ManualClock(NOW)) as store:
            yield store

    def set_column(self, store: Store, trajectory_id: str, column: str, value: object) -> None:
        """Set a column of the trajectory's row, behind the store's back."""
        raise NotImplementedError

    def set_body(self, store: Store, trajectory_id: str, sequence: int, value: object) -> None:
        """Set the body of one stored event, behind the store's back."""
        raise NotImplementedError

    def set_index(self, store: Store, trajectory_id: str, key: str, value: object) -> None:
        """Set the value the trajectory is listed by under ``key``, behind the store's back."""
        raise NotImplementedError

    def delete_event(self, store: Store, trajectory_id: str, sequence: int) -> None:
        """Delete one stored event (its outbox entry stays), behind the store's back."""
        raise NotImplementedError

    def set_event_column(
        self, store: Store, trajectory_id: str, sequence: int, column: str, value: object
    ) -> None:
        """Set a column of one stored event (not its body), behind the store's back."""
        raise NotImplementedError

    def apply(self, store: Store, victim: Trajectory[Any], damage: Damage) -> None:
        value = damage.value(victim)
        if damage.kind == "column":
            self.set_column(store, victim.id, damage.column, value)
        elif damage.kind == "index":
            self.set_index(store, victim.id, damage.column, value)
        elif damage.kind == "body":
            self.set_body(store, victim.id, damage.sequence, value)
        elif damage.kind == "event_column":
            self.set_event_column(store, victim.id, damage.sequence, damage.column, value)
        else:
            self.delete_event(store, victim.id, damage.sequence)

    def test_every_method_gives_only_library_errors(self, store: Store, damage: Damage) -> None:
        """After the damage: load() and history() of the victim raise CorruptRecord
        naming it and saying what is wrong (or still work, when the damage is in a
        column they do not read; a damaged body of an event before the snapshot's is
        read, and raises, only when the loaded history is asked for that event);
        list() lists every trajectory or raises CorruptRecord naming the victim;
        blocked() lists the other blocked trajectory as before and the victim as
        corrupt when its row cannot be read;
        (or, in its time-dependent state, when it does not load); the outbox reads
        or raises CorruptRecord naming the victim; an erasure, a
        save of an older copy and a purge raise nothing but TrajectoryErrors; the
        other trajectories still load as they were."""
        victim = victim_trajectory()
        store.save(victim)  # the snapshot at version 3
        finish_victim(victim)
        store.save(victim)
        stuck = at_state("orientation_held")
        stuck.fire("register")
        ready = at_state("application_in_preparation")
        for other in (stuck, ready):
            store.save(other)
        before = store.blocked()
        copy = store.load(victim.id)
        self.apply(store, victim, damage)

        if damage.says and damage.read_with_the_history():
            loaded = store.load(victim.id)  # the damaged body is not read yet
            assert (victim.state, victim.data, victim.version) == (
                loaded.state,
                loaded.data,
                loaded.version,
            )
            position = damage.sequence - 1
            for read_history in (
                lambda: loaded.history[position],
                lambda: tuple(loaded.history),
                lambda: loaded == victim,
                lambda: store.history(victim.id),
            ):
                with pytest.raises(CorruptRecord) as lazily:
                    read_history()
                assert victim.id == lazily.value.trajectory_id
                assert damage.says in lazily.value.reason
            assert victim.history[position + 1 :] == loaded.history[position + 1 :]
        elif damage.says:
            for read in (store.load, store.history):
                with pytest.raises(CorruptRecord) as caught:
                    read(victim.id)
                assert victim.id == caught.value.trajectory_id
                assert damage.says in caught.value.reason
        else:
            assert victim == store.load(victim.id)
            assert victim.history == store.history(victim.id)

        if damage.lists:
            assert {victim.id, stuck.id, ready.id} == {s.id for s in store.list()}
        else:
            with pytest.raises(CorruptRecord) as listed:
                store.list()
            assert victim.id == listed.value.trajectory_id

        found = {entry.id: entry for entry in store.blocked()}
        expected = {entry.id: entry for entry in before}
        assert expected[stuck.id] == found[stuck.id]
        # The victim's state (application_in_preparation) is time-dependent: its row
        # keeps a schedule of its blockers, which blocked() reads without loading it,
        # so it is corrupt exactly when its stored blockers cannot be read.
        moved = damage.kind == "column" and damage.column in ("state", "lifecycle")
        if damage.blocked_corrupt:
            entry = found[victim.id]
            assert {} == entry.blockers
            assert entry.corrupt
        elif moved:
            assert None is found[victim.id].corrupt
        else:
            assert expected[victim.id] == found[victim.id]

        if damage.outbox:
            assert 5 + len(stuck.history) + len(ready.history) == len(
                store.read_outbox(limit=10_000)
            )
        else:
            with pytest.raises(CorruptRecord) as outbox:
                store.read_outbox(limit=10_000)
            assert victim.id == outbox.value.trajectory_id

        assert stuck == store.load(stuck.id)
        assert ready == store.load(ready.id)

        with contextlib.suppress(TrajectoryError):
            store.erase_participant(victim.id, "Anna")
        copy.fire("add_participant", name="Bram", role="teacher", planned_hours=160)
        with contextlib.suppress(TrajectoryError):
            store.save(copy)
        store.purge_erased()
        assert stuck == store.load(stuck.id)


class TestMemoryStore(DamageContract):
    """memory://: the damaged values are set on the records it keeps."""

    @pytest.fixture
    def store_url(self, memory_url: str) -> str:
        return memory_url

    def set_column(self, store: Store, trajectory_id: str, column: str, value: object) -> None:
        assert isinstance(store, MemoryStore)
        if column == "updated_at":  # kept as a moment: read as the SQL stores read it
            value = _moment(value)
        store._rows[trajectory_id] = attrs.evolve(store._rows[trajectory_id], **{column: value})

    def set_index(self, store: Store, trajectory_id: str, key: str, value: object) -> None:
        assert isinstance(store, MemoryStore)
        record = store._rows[trajectory_id]
        store._rows[trajectory_id] = attrs.evolve(record, index={**record.index, key: value})

    def set_body(self, store: Store, trajectory_id: str, sequence: int, value: object) -> None:
        assert isinstance(store, MemoryStore)
        events = store._events[trajectory_id]
        events[sequence - 1] = attrs.evolve(events[sequence - 1], body=value)

    def delete_event(self, store: Store, trajectory_id: str, sequence: int) -> None:
        assert isinstance(store, MemoryStore)
        del store._events[trajectory_id][sequence - 1]

    def set_event_column(
        self, store: Store, trajectory_id: str, sequence: int, column: str, value: object
    ) -> None:
        assert isinstance(store, MemoryStore)
        events = store._events[trajectory_id]
        if column == "timestamp":  # kept as a moment: as the SQL stores read it
            value = dt.datetime.fromisoformat(value) if value != "soon" else value  # type: ignore[arg-type]
        events[sequence - 1] = attrs.evolve(events[sequence - 1], **{column: value})
        if column == "sequence":  # kept in order, as the SQL stores read them
            events.sort(key=lambda event: (type(event.sequence) is not int, event.sequence))


def _moment(value: object) -> dt.datetime | None:
    """A stored time of last change as the SQL stores read it (None if unreadable)."""
    try:
        moment = dt.datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return moment if moment.utcoffset() is not None else None


class SqlDamage(DamageContract):
    """The SQL stores: the damage is done with SQL."""

    def loosen(self, store: SqlStore, table: str, column: str) -> None:
        """Let ``table.column`` hold NULL."""
        raise NotImplementedError

    def set_column(self, store: Store, trajectory_id: str, column: str, value: object) -> None:
        assert isinstance(store, SqlStore)
        if value is None:
            self.loosen(store, "trajectories", column)
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(f"UPDATE trajectories SET {column} = :v WHERE id = :id"),
                {"v": value, "id": trajectory_id},
            )

    def set_index(self, store: Store, trajectory_id: str, key: str, value: object) -> None:
        assert isinstance(store, SqlStore)
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE trajectory_index SET value = :v WHERE trajectory_id = :id AND key = :k"
                ),
                {"v": value, "id": trajectory_id, "k": key},
            )

    def set_body(self, store: Store, trajectory_id: str, sequence: int, value: object) -> None:
        assert isinstance(store, SqlStore)
        if value is None:
            self.loosen(store, "trajectory_events", "body")
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE trajectory_events SET body = :v "
                    "WHERE trajectory_id = :id AND sequence = :n"
                ),
                {"v": value, "id": trajectory_id, "n": sequence},
            )

    def set_event_column(
        self, store: Store, trajectory_id: str, sequence: int, column: str, value: object
    ) -> None:
        assert isinstance(store, SqlStore)
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(
                    f"UPDATE trajectory_events SET {column} = :v "
                    "WHERE trajectory_id = :id AND sequence = :n"
                ),
                {"v": value, "id": trajectory_id, "n": sequence},
            )

    def delete_event(self, store: Store, trajectory_id: str, sequence: int) -> None:
        assert isinstance(store, SqlStore)
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "DELETE FROM trajectory_events WHERE trajectory_id = :id AND sequence = :n"
                ),
                {"id": trajectory_id, "n": sequence},
            )


class TestSqliteStore(SqlDamage):
    """sqlite:///file.db: SQLite keeps a value of any type in any column."""

    @pytest.fixture
    def store_url(self, sqlite_url: str) -> str:
        return sqlite_url

    def loosen(self, store: SqlStore, table: str, column: str) -> None:
        # SQLite cannot drop a constraint: edit the table's definition in the schema
        # (the documented writable_schema way), then let the pool reconnect.
        path = store.engine.url.database
        assert path is not None
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA writable_schema = ON")
            version = conn.execute("PRAGMA schema_version").fetchone()[0]
            conn.execute(
                "UPDATE sqlite_schema SET sql = replace(sql, 'NOT NULL', '') WHERE name = ?",
                (table,),
            )
            conn.execute(f"PRAGMA schema_version = {version + 1}")
            conn.execute("PRAGMA writable_schema = OFF")
        finally:
            conn.close()
        store.engine.dispose()


class TestPostgresStore(SqlDamage):
    """postgresql://…: the types of the columns hold; NULL once the constraint is dropped."""

    loose_types = False

    @pytest.fixture
    def store_url(self, postgres_url: str) -> str:
        return postgres_url

    def loosen(self, store: SqlStore, table: str, column: str) -> None:
        with store.engine.begin() as conn:
            conn.execute(sa.text(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL"))


def test_a_corrupt_row_is_listed_by_blocked_beside_the_others(memory_url: str) -> None:
    """blocked() with one unreadable row lists that row with ``corrupt`` saying why,
    and every other blocked trajectory as before."""
    with open_store(memory_url, clock=ManualClock(NOW)) as store:
        trajectories = []
        for _ in range(3):  # blocked in a state whose blockers are read as saved
            t = at_state("in_progress")
            store.save(t)
            trajectories.append(t)
        before = {entry.id: entry for entry in store.blocked()}
        bad = trajectories[1]
        assert isinstance(store, MemoryStore)
        store._rows[bad.id] = attrs.evolve(store._rows[bad.id], blocked='{"submit": 5}')
        found = {entry.id: entry for entry in store.blocked()}
        assert {t.id for t in trajectories} == set(found)
        for t in (trajectories[0], trajectories[2]):
            assert before[t.id] == found[t.id]
        assert (
            Blocked(
                bad.id,
                "in_progress",
                {},
                corrupt="its blockers of 'submit' are not a list of violation codes",
            )
            == found[bad.id]
        )
