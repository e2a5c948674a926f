"""What every part of a store shares: its lifecycles and clock, the primitive
operations a backend provides, and the one place where a driver's error becomes a
:class:`~trajectory.store.errors.StoreError`."""

from __future__ import annotations

import abc
import builtins
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData, TrajectoryError
from trajectory.engine.history import Clock, Event, History, stored_history, system_clock
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import (
    from_snapshot,
    load_event,
    load_snapshot,
    load_trajectory,
)
from trajectory.store.errors import CorruptRecord, StoreError
from trajectory.store.records import (
    LOADED,
    UNREADABLE,
    StoredEvent,
    TrajectoryRecord,
    Write,
    check_columns,
    decoded,
)

__all__ = ["StoreCore", "Subscriber"]

#: A subscriber is told of every committed save: the trajectory and its new events.
Subscriber = Callable[[Trajectory[Any], Sequence[Event]], None]


class StoreCore(abc.ABC):
    """The lifecycles, the clock and the backend's primitives (see :class:`Store`)."""

    def __init__(self, lifecycles: Iterable[Lifecycle[Any]], *, clock: Clock | None = None) -> None:
        self._lifecycles = {lifecycle.name: lifecycle for lifecycle in lifecycles}
        if not self._lifecycles:
            raise InvalidData("lifecycles", "a store needs at least one lifecycle")
        self._clock = system_clock if clock is None else clock
        self._subscribers: list[Subscriber] = []
        self._subscribers_lock = threading.Lock()
        #: Events and snapshots already read, by lifecycle and stored text (see
        #: :meth:`_restored`).
        self._events_read = ReadBefore(EVENTS_KEPT)
        self._snapshots_read = ReadBefore(SNAPSHOTS_KEPT)
        #: The (lifecycle, state) pairs whose blockers depend on the moment asked,
        #: and their states (see ``Lifecycle.time_dependent_states``).
        self._time_dependent = frozenset(
            (lifecycle.name, state)
            for lifecycle in self._lifecycles.values()
            for state in lifecycle.time_dependent_states
        )
        self._time_dependent_states = frozenset(state for _, state in self._time_dependent)
        #: Every key a lifecycle of this store declares it is indexed by.
        self._index_keys = frozenset(
            key for lifecycle in self._lifecycles.values() for key in index_keys_of(lifecycle)
        )

    # -- the primitives a backend provides -------------------------------------------

    @abc.abstractmethod
    def _commit(self, writes: Sequence[Write]) -> None:
        """In one transaction, for each write: insert its record (``expected == 0``) or
        update it where its stored version is ``expected`` and its generation
        ``record.generation``; replace its index values; append its events and their
        outbox entries. Raise :class:`ConcurrencyConflict` (nothing written) if one
        of them cannot be written."""

    @abc.abstractmethod
    def _read(self, trajectory_id: str) -> tuple[TrajectoryRecord, list[StoredEvent]] | None:
        """The record and its events in order, as (sequence, id, name, timestamp,
        body) (the timestamp as a moment or as the stored text), read consistently;
        None if absent."""

    @abc.abstractmethod
    def _records(
        self, columns: Mapping[str, str], index: Mapping[str, str]
    ) -> builtins.list[TrajectoryRecord]:
        """Every record (without its snapshot, with its index values) whose columns
        equal ``columns`` and whose index values equal ``index``, oldest update first."""

    @abc.abstractmethod
    def _blocked_rows(
        self, states: bool = False
    ) -> builtins.list[tuple[object, object, object, object]]:
        """(id, state, blockers, lifecycle) of every record with blockers, and with
        ``states`` also of every record in one of :attr:`_time_dependent_states`
        (each record once), oldest update first."""

    @abc.abstractmethod
    def _outbox(self, after: int, limit: int) -> builtins.list[tuple[int, str, int, str | None]]:
        """Outbox rows after ``after``: (position, trajectory id, sequence, event body);
        the body is None when the event is missing."""

    @abc.abstractmethod
    def _rewrite(
        self, rewrites: Sequence[tuple[TrajectoryRecord, Sequence[tuple[int, str]], int]]
    ) -> None:
        """In one transaction, for each (record, bodies, expected): replace the
        snapshot and event bodies (erasure) and set the generation to
        ``record.generation`` where the stored version is ``expected`` and the stored
        generation is one less; :class:`ConcurrencyConflict` (nothing written) otherwise."""

    def _after_erasure(self) -> bool:
        """Remove what an erasure's transaction left on the disk that a commit does not
        (SQLite: the old pages in the write-ahead log); False if it could not finish."""
        return True

    def _purge(self) -> bool:
        """Rewrite the stored tables so that no old version of a row remains in them;
        False if it could not finish."""
        return True

    def close(self) -> None:  # noqa: B027 - most backends have nothing to release
        """Release the store's resources."""

    # -- shared helpers ----------------------------------------------------------------

    def _lifecycle(self, name: str, trajectory_id: str) -> Lifecycle[Any]:
        lifecycle = self._lifecycles.get(name)
        if lifecycle is None:
            raise CorruptRecord(
                trajectory_id,
                f"lifecycle {name!r} is not one this store was opened with "
                f"({', '.join(self._lifecycles)})",
            )
        return lifecycle

    def _checked_row(self, trajectory_id: str, record: TrajectoryRecord) -> Lifecycle[Any]:
        """The lifecycle of the stored row ``record`` of ``trajectory_id``, once its
        columns are checked; :class:`CorruptRecord` otherwise."""
        check_columns(record, LOADED)
        if record.id != trajectory_id:
            raise CorruptRecord(trajectory_id, f"the store gave the row of {record.id!r}")
        lifecycle = self._lifecycle(record.lifecycle, trajectory_id)
        if record.updated_at is None:
            raise CorruptRecord(trajectory_id, "its time of last change cannot be read")
        return lifecycle

    def _documents(
        self, trajectory_id: str, record: TrajectoryRecord, bodies: Sequence[object]
    ) -> tuple[Lifecycle[Any], dict[str, Any], builtins.list[dict[str, Any]]]:
        """The lifecycle, the snapshot and the event documents of a stored trajectory,
        or :class:`CorruptRecord`."""
        lifecycle = self._checked_row(trajectory_id, record)
        snapshot = decoded(trajectory_id, "its snapshot", record.snapshot)
        events = [
            decoded(trajectory_id, f"event {index}", body)
            for index, body in enumerate(bodies, start=1)
        ]
        return lifecycle, snapshot, events

    def _restored(
        self, trajectory_id: str, record: TrajectoryRecord, events: Sequence[StoredEvent]
    ) -> Trajectory[Any]:
        """The trajectory of a stored row and its events, checked as :func:`rebuilt`
        checks it (but for the documents of the events up to the snapshot, checked
        when they are read: see :meth:`_history`); :class:`CorruptRecord` otherwise.

        A snapshot or an event body read before (the same text, for the same
        lifecycle) is not parsed and validated again: what was read then is used
        (events and data are immutable, and the text is the whole document).
        """
        lifecycle = self._checked_row(trajectory_id, record)
        history = self._history(trajectory_id, lifecycle, events)
        key = (lifecycle.name, record.snapshot)
        head = self._snapshots_read.get(key)  # type: ignore[arg-type]  # checked: str
        document = None if head is not None else decoded(trajectory_id, "its snapshot", key[1])
        try:
            if head is None:
                head = load_snapshot(document or {}, lifecycle)
                self._snapshots_read.remember(key, head)  # type: ignore[arg-type]
            trajectory = from_snapshot(lifecycle, head, history, clock=self._clock)
        except UNREADABLE as err:
            raise CorruptRecord(trajectory_id, f"cannot be read: {err}") from err
        return agreeing(trajectory_id, record, trajectory)

    def _history(
        self, trajectory_id: str, lifecycle: Lifecycle[Any], events: Sequence[StoredEvent]
    ) -> History:
        """The history of the stored events, read lazily: their columns (sequence,
        id, name, timestamp) are checked now (the engine's
        :func:`~trajectory.engine.history.verify_rows`), an event's body is parsed
        and checked against its columns when the event is first asked for
        (:func:`~trajectory.engine.history.stored_history`); :class:`CorruptRecord`
        naming the trajectory and the position for either."""
        reader = _EventReader(trajectory_id, lifecycle, events, self._events_read)
        try:
            return stored_history(
                events, reader.read, lifecycle, trajectory_id=trajectory_id, refuse=reader.refused
            )
        except InvalidData as err:
            raise CorruptRecord(trajectory_id, f"cannot be read: {err}") from err

    def _forget_events_read(self) -> None:
        """Forget every event and snapshot read (an erasure rewrote some of them)."""
        self._events_read.clear()
        self._snapshots_read.clear()

    def _guarded(self, trajectory_id: str, operation: Callable[..., Any], *args: Any) -> Any:
        """Run a primitive; a driver error becomes a StoreError naming the trajectory
        (the one place where the store translates its driver's errors)."""
        try:
            return operation(*args)
        except TrajectoryError:
            raise
        except Exception as err:
            where = "the store" if trajectory_id == "*" else f"trajectory {trajectory_id}"
            raise StoreError(f"{where}: {type(err).__name__}: {err}") from err


def index_keys_of(lifecycle: Lifecycle[Any]) -> tuple[str, ...]:
    """The keys a lifecycle's trajectories are indexed by (its ``index_keys``)."""
    return tuple(getattr(lifecycle, "index_keys", ()))


#: How many events read a store keeps, so as not to parse and validate them again
#: when it loads the same trajectory again.
EVENTS_KEPT: Final = 50_000
#: How many snapshots read a store keeps (they are larger: the data at a version).
SNAPSHOTS_KEPT: Final = 256


class ReadBefore(dict[tuple[str, str], Any]):
    """Documents a store read, by lifecycle and stored text: at most ``most``, the
    oldest forgotten first (thread-safe)."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self._most = most
        self._lock = threading.Lock()

    def remember(self, key: tuple[str, str], value: Any) -> None:
        """Keep what was read of ``key``."""
        with self._lock:
            self[key] = value
            while len(self) > self._most:
                del self[next(iter(self))]


class _EventReader:
    """Reads the stored bodies of one trajectory's events into events, when its
    history asks for them (see :meth:`StoreCore._history`)."""

    __slots__ = ("_events", "_lifecycle", "_read_before", "_trajectory_id")

    def __init__(
        self,
        trajectory_id: str,
        lifecycle: Lifecycle[Any],
        events: Sequence[StoredEvent],
        read_before: ReadBefore,
    ) -> None:
        self._trajectory_id = trajectory_id
        self._lifecycle = lifecycle
        self._events = events
        self._read_before = read_before

    def read(self, index: int) -> Event:
        """The event of the body at ``index`` (from 0); :class:`CorruptRecord` if the
        body is no event document of the lifecycle."""
        body = self._events[index][4]
        name = self._lifecycle.name
        key = (name, body)
        event: Event | None = self._read_before.get(key) if type(body) is str else None  # type: ignore[arg-type]
        if event is None:
            document = decoded(self._trajectory_id, f"event {index + 1}", body)
            try:
                event = load_event(document, self._lifecycle)
            except UNREADABLE as err:
                raise self.refused(err) from err
            self._read_before.remember(key, event)  # type: ignore[arg-type]
        return event

    def refused(self, error: Exception) -> CorruptRecord:
        """The error for an event that cannot be read (``error`` says why)."""
        return CorruptRecord(self._trajectory_id, f"cannot be read: {error}")


def agreeing(
    trajectory_id: str, record: TrajectoryRecord, trajectory: Trajectory[Any]
) -> Trajectory[Any]:
    """``trajectory`` if its row agrees with it (its id, version, state and time of
    last change are those of its last event); :class:`CorruptRecord` otherwise."""
    last = trajectory.last_event
    if trajectory.id != trajectory_id:
        problem = f"its snapshot is of trajectory {trajectory.id!r}"
    elif record.version != trajectory.version:
        problem = (
            f"its row is at version {record.version}, its history has {trajectory.version} events"
        )
    elif record.state != last.to_state:
        problem = f"its row is in state {record.state!r}, its history ends in {last.to_state!r}"
    elif record.updated_at != last.timestamp:
        problem = (
            f"its row was last changed at {record.updated_at}, its last event at {last.timestamp}"
        )
    else:
        return trajectory
    raise CorruptRecord(trajectory_id, problem)


def rebuilt(
    trajectory_id: str,
    record: TrajectoryRecord,
    lifecycle: Lifecycle[Any],
    snapshot: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    clock: Clock,
) -> Trajectory[Any]:
    """The trajectory of a stored snapshot and its event documents, checked against
    its row: :class:`CorruptRecord` unless the history chains (the engine checks
    that) and the row agrees with it (:func:`agreeing`)."""
    try:
        trajectory = load_trajectory(snapshot, events, lifecycle, clock=clock)
    except UNREADABLE as err:
        raise CorruptRecord(trajectory_id, f"cannot be read: {err}") from err
    return agreeing(trajectory_id, record, trajectory)
