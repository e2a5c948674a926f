"""The store interface, and everything stores share.

:class:`Store` implements saving, loading, the queries, subscribers, the outbox
and erasure once, over a handful of primitive operations that each backend
(memory, SQL) provides. Every backend keeps the same JSON documents
(:mod:`trajectory.engine.serialization`), so they behave alike.

The event history is append-only and is the source of truth; the snapshot (the
state and data at the last version) only speeds up loading.

What a backend gives back is never trusted: every stored value is checked for its
type, every JSON document is parsed and validated, and a loaded history must chain
(the engine's :func:`~trajectory.engine.history.verify_history`, which
:meth:`Trajectory.restore` runs) and agree with its row (version, state, time of
the last change). Whatever does not is a :class:`CorruptRecord` naming the
trajectory, with the underlying error as its cause; a driver's error is a
:class:`StoreError`. No other error escapes a store's methods.
"""

from __future__ import annotations

import abc
import builtins
import datetime as dt
import json
import reprlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import msgspec

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import (
    CorruptRecord,
    InvalidData,
    StoreError,
    TrajectoryError,
    TrajectoryNotFound,
)
from trajectory.engine.fields import name_key
from trajectory.engine.history import Clock, Event, new_id, system_clock
from trajectory.engine.logs import get_logger
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import (
    dump_event,
    dump_snapshot,
    load_trajectory,
    upgrade_document,
)

__all__ = [
    "Blocked",
    "EventRecord",
    "OutboxEntry",
    "Store",
    "Subscriber",
    "Summary",
    "TrajectoryRecord",
]

logger = get_logger(__name__)

#: A subscriber is told of every committed save: the trajectory and its new events.
Subscriber = Callable[[Trajectory[Any], Sequence[Event]], None]

#: The query columns a lifecycle's ``describe`` may fill.
DESCRIBED: Final = ("school_year", "offer", "board", "school")

#: A save writes a new snapshot when the version passes a multiple of this (and on the
#: first save); loading applies the events after the snapshot again. A snapshot is the
#: largest part of a save, so this keeps saving cheap while loading stays short.
SNAPSHOT_EVERY: Final = 25


@attrs.frozen
class Summary:
    """A trajectory as listed: its id, state, version and query columns."""

    id: str
    lifecycle: str
    state: str
    version: int
    school_year: str | None
    offer: str | None
    board: str | None
    school: str | None
    updated_at: dt.datetime | None
    """When the trajectory was last changed; None if the stored value is unreadable."""


@attrs.frozen
class TrajectoryRecord(Summary):
    """One stored trajectory: a summary's columns, its blockers and its snapshot (JSON)."""

    blocked: str
    snapshot: str | None
    """The snapshot document (JSON); in a save, None keeps the stored one."""
    generation: int = 0
    """Raised by every rewrite of stored events (erasure); saves must match it."""

    def summary(self) -> Summary:
        """The record as listed (without blockers and snapshot)."""
        return Summary(**{field.name: getattr(self, field.name) for field in _SUMMARY_FIELDS})


@attrs.frozen
class EventRecord:
    """One stored event (its JSON document in ``body``)."""

    trajectory_id: str
    sequence: int
    id: str
    name: str
    timestamp: dt.datetime
    body: str


@attrs.frozen
class Blocked:
    """A trajectory whose next steps are refused, with the violation codes per event.

    The blockers are those found when the trajectory was last saved. A stored row
    whose blockers cannot be read is listed too, with ``corrupt`` saying why and no
    blockers: one damaged row hides no other, and its id says which to repair
    (:meth:`Store.load` raises the :class:`CorruptRecord` for it).
    """

    id: str
    state: str
    blockers: Mapping[str, tuple[str, ...]]
    corrupt: str | None = None
    """Why the stored row cannot be read; None when it can."""


@attrs.frozen
class OutboxEntry:
    """A committed event, at its position in the outbox (positions only grow)."""

    position: int
    trajectory_id: str
    sequence: int
    event: Mapping[str, Any]


_SUMMARY_FIELDS: Final = attrs.fields(Summary)


_ENCODER: Final = msgspec.json.Encoder()


#: What reading a stored document may raise when the document is not one this release
#: reads (the engine's own errors, and those of migrations and converters underneath).
_UNREADABLE: Final = (
    TrajectoryError,
    ValueError,  # json's errors and UnicodeError too
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,  # OverflowError and decimal's errors too
    RecursionError,
)


def encode(document: Any) -> str:
    """A JSON document as compact UTF-8 text (msgspec: several times faster than the
    standard library on the documents a save writes)."""
    try:
        return _ENCODER.encode(document).decode("utf-8")
    except (TypeError, msgspec.EncodeError) as err:
        raise InvalidData("document", f"cannot be written as JSON: {err}") from err


class Store(abc.ABC):
    """Where trajectories are kept. Open one with :func:`trajectory.open_store`.

    ``lifecycles`` are the lifecycles whose trajectories the store may hold;
    ``clock`` is given to the trajectories it loads.
    """

    def __init__(self, lifecycles: Iterable[Lifecycle[Any]], *, clock: Clock | None = None) -> None:
        self._lifecycles = {lifecycle.name: lifecycle for lifecycle in lifecycles}
        if not self._lifecycles:
            raise InvalidData("lifecycles", "a store needs at least one lifecycle")
        self._clock = system_clock if clock is None else clock
        self._subscribers: list[Subscriber] = []
        self._subscribers_lock = threading.Lock()

    # -- the primitives a backend provides -------------------------------------------

    @abc.abstractmethod
    def _write(
        self, record: TrajectoryRecord, events: Sequence[EventRecord], expected: int
    ) -> None:
        """In one transaction: insert (``expected == 0``) or update the record where
        its stored version is ``expected`` and its generation ``record.generation``,
        append the events and their outbox entries. Raise :class:`ConcurrencyConflict`
        (nothing written) otherwise."""

    @abc.abstractmethod
    def _read(self, trajectory_id: str) -> tuple[TrajectoryRecord, list[str]] | None:
        """The record and its event bodies in order, read consistently; None if absent."""

    @abc.abstractmethod
    def _records(self, filters: Mapping[str, str]) -> list[TrajectoryRecord]:
        """Every record whose columns equal ``filters``, oldest update first."""

    @abc.abstractmethod
    def _blocked_records(self) -> list[TrajectoryRecord]:
        """Every record with blockers."""

    @abc.abstractmethod
    def _outbox(self, after: int, limit: int) -> list[tuple[int, str, int, str | None]]:
        """Outbox rows after ``after``: (position, trajectory id, sequence, event body);
        the body is None when the event is missing."""

    @abc.abstractmethod
    def _rewrite(
        self, record: TrajectoryRecord, bodies: Sequence[tuple[int, str]], expected: int
    ) -> None:
        """Replace the snapshot and event bodies (erasure) and set the generation to
        ``record.generation`` where the stored version is ``expected`` and the stored
        generation is one less; :class:`ConcurrencyConflict` otherwise."""

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

    # -- saving and loading ------------------------------------------------------------

    def save(self, trajectory: Trajectory[Any]) -> None:
        """Write the trajectory's new events and its snapshot in one transaction.

        Optimistic concurrency: if the stored trajectory moved past the version this
        one was loaded (or last saved) at, :class:`ConcurrencyConflict` is raised and
        nothing is written. Subscribers are told after the commit.
        """
        if not isinstance(trajectory, Trajectory):
            raise InvalidData("trajectory", f"expected a Trajectory, got {trajectory!r}")
        lifecycle = self._lifecycle(trajectory.lifecycle.name, trajectory.id)
        if lifecycle is not trajectory.lifecycle:
            raise InvalidData(
                "trajectory", f"this store holds another lifecycle named {lifecycle.name!r}"
            )
        new = trajectory.unsaved_events()
        if not new:
            return
        events = [
            EventRecord(
                trajectory.id,
                event.sequence,
                event.id,
                event.name,
                event.timestamp,
                encode(dump_event(event, lifecycle)),
            )
            for event in new
        ]
        saved = trajectory.saved_version
        snapshot_due = saved == 0 or trajectory.version // SNAPSHOT_EVERY != saved // SNAPSHOT_EVERY
        record = self.record_of(trajectory, snapshot=snapshot_due)
        self._guarded(trajectory.id, self._write, record, events, saved)
        trajectory.mark_saved(trajectory.version)
        self._notify(trajectory, new)

    def load(self, trajectory_id: str) -> Trajectory[Any]:
        """The trajectory with ``trajectory_id`` (from its snapshot and history).

        Raises :class:`TrajectoryNotFound`, or :class:`CorruptRecord` naming the
        trajectory when its stored records cannot be read: a value of the wrong type,
        a document that is not valid, a history that does not chain (sequence 1 to
        n, each event leaving the state the one before reached, ids unique; see
        :func:`~trajectory.engine.history.verify_history`), or a row that does not
        agree with its history (its version is the number of events, its state and
        time of last change those of the last event).
        """
        found = self._guarded(trajectory_id, self._read, _checked_id(trajectory_id))
        if found is None:
            raise TrajectoryNotFound(trajectory_id)
        record, bodies = found
        lifecycle, snapshot, events = self._documents(trajectory_id, record, bodies)
        trajectory = _rebuilt(trajectory_id, record, lifecycle, snapshot, events, self._clock)
        trajectory.mark_saved(trajectory.version, record.generation)
        return trajectory

    def history(self, trajectory_id: str) -> tuple[Event, ...]:
        """Every event of the trajectory, the creation first."""
        return self.load(trajectory_id).history

    def record_of(self, trajectory: Trajectory[Any], *, snapshot: bool = True) -> TrajectoryRecord:
        """The record a save writes for ``trajectory`` (query columns, blockers and, with
        ``snapshot``, a new snapshot)."""
        lifecycle = trajectory.lifecycle
        described = dict(lifecycle.describe(trajectory.data)) if lifecycle.describe else {}
        blockers = {
            event: sorted({violation.code for violation in violations})
            for event, violations in trajectory.blockers().items()
        }
        return TrajectoryRecord(
            id=trajectory.id,
            lifecycle=lifecycle.name,
            state=trajectory.state,
            version=trajectory.version,
            school_year=described.get("school_year"),
            offer=described.get("offer"),
            board=described.get("board"),
            school=described.get("school"),
            blocked=encode(blockers),
            snapshot=encode(dump_snapshot(trajectory)) if snapshot else None,
            updated_at=trajectory.last_event.timestamp,
            generation=trajectory.saved_generation,
        )

    # -- queries --------------------------------------------------------------------------

    def list(
        self,
        *,
        state: str | None = None,
        school_year: str | None = None,
        offer: str | None = None,
        board: str | None = None,
        school: str | None = None,
        lifecycle: str | None = None,
    ) -> list[Summary]:
        """The stored trajectories matching every filter given.

        A stored row whose columns are not of their types (an id, lifecycle or state
        that is not text, a version that is not a whole number) raises
        :class:`CorruptRecord` naming it; a time of last change that cannot be read
        is listed as None.
        """
        filters = {
            key: value
            for key, value in (
                ("state", state),
                ("school_year", school_year),
                ("offer", offer),
                ("board", board),
                ("school", school),
                ("lifecycle", lifecycle),
            )
            if value is not None
        }
        for key, value in filters.items():
            if not isinstance(value, str):
                raise InvalidData(key, f"expected text, got {value!r}")
        records = self._guarded("*", self._records, filters)
        summaries = []
        for record in records:
            _check_columns(record, _LISTED)
            summaries.append(record.summary())
        return summaries

    def blocked(self) -> builtins.list[Blocked]:
        """Every trajectory whose next step is refused, with its violation codes.

        A stored row whose blockers cannot be read is listed with ``corrupt`` saying
        why (see :class:`Blocked`), so one damaged row hides no other.
        """
        found: list[Blocked] = []
        for record in self._guarded("*", self._blocked_records):
            try:
                entry = _blocked(record)
            except CorruptRecord as err:
                state = record.state if isinstance(record.state, str) else ""
                entry = Blocked(err.trajectory_id, state, {}, corrupt=err.reason)
            if entry is not None:
                found.append(entry)
        return found

    # -- integration ------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Tell ``subscriber(trajectory, events)`` of every save, after its commit (never
        of a rolled-back one). Returns a function that unsubscribes it. A subscriber
        that raises is logged and does not affect the save or other subscribers."""
        if not callable(subscriber):
            raise InvalidData("subscriber", f"expected a callable, got {subscriber!r}")
        with self._subscribers_lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._subscribers_lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def read_outbox(self, after: int = 0, limit: int = 100) -> builtins.list[OutboxEntry]:
        """Committed events after position ``after``, in commit order, at most ``limit``.

        A consumer keeps the position of the last entry it handled and asks for the
        entries after it: it sees every committed event at least once, in order. The
        documents are given at the current schema version (older ones are upgraded).
        An entry that cannot be read (its event missing or damaged) raises
        :class:`CorruptRecord` naming its trajectory and position.
        """
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise InvalidData("after", f"expected a position ≥ 0, got {after!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise InvalidData("limit", f"expected 1 to 10000, got {limit!r}")
        entries = []
        for position, trajectory_id, sequence, body in self._guarded(
            "*", self._outbox, after, limit
        ):
            owner = _shown_id(trajectory_id)
            if not (_is_count(position) and isinstance(trajectory_id, str) and _is_count(sequence)):
                found = _types(position, trajectory_id, sequence)
                raise CorruptRecord(
                    owner,
                    f"outbox entry {_shown(position)} cannot be read: expected a position, a "
                    f"trajectory id and a sequence number, got {found}",
                )
            where = f"outbox entry {position} (event {sequence})"
            if body is None:
                raise CorruptRecord(owner, f"{where}: the event is missing")
            document = _decoded(owner, where, body)
            try:
                document = upgrade_document(document, "event")
            except _UNREADABLE as err:
                raise CorruptRecord(owner, f"{where}: {err}") from err
            if (
                document.get("trajectory_id") != trajectory_id
                or document.get("sequence") != sequence
            ):
                raise CorruptRecord(owner, f"{where}: the stored document is of another event")
            entries.append(OutboxEntry(position, trajectory_id, sequence, document))
        return entries

    # -- privacy ------------------------------------------------------------------------------

    def erase_participant(self, trajectory_id: str, name: str) -> str:
        """Erase a participant's personal data (AVG/GDPR): every occurrence of the name in
        the snapshot and in every stored event becomes one pseudonym, which is returned.

        The history keeps its count, order and shape, and still replays. Copies of the
        trajectory loaded before the erasure can no longer be saved
        (:class:`ConcurrencyConflict`): load it again. Free text (reports, plans) is not
        scanned. Raises :class:`InvalidData` if the name is no participant's (one of
        the lifecycle's ``person_fields`` in an event).

        On the disk: SQLite overwrites the freed space (``secure_delete``) and then
        empties its write-ahead log, so that the name is in none of the database's
        files when this returns (if readers keep the log busy past the busy timeout,
        :class:`StoreError` says that the erasure is done and :meth:`purge_erased`
        must finish it). PostgreSQL keeps the old row versions until
        :meth:`purge_erased` rewrites the tables: call it after erasing.
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidData("name", f"expected a non-blank name, got {name!r}")
        found = self._guarded(trajectory_id, self._read, _checked_id(trajectory_id))
        if found is None:
            raise TrajectoryNotFound(trajectory_id)
        record, bodies = found
        lifecycle, snapshot, events = self._documents(trajectory_id, record, bodies)
        _rebuilt(trajectory_id, record, lifecycle, snapshot, events, self._clock)
        pseudonym = f"pseudonym-{new_id()[:12]}"
        key = name_key(name)
        if not any(_names_person(event, key, lifecycle) for event in events):
            raise InvalidData("name", f"{name!r} is no participant of trajectory {trajectory_id}")
        replaced = [0]
        snapshot = _pseudonymise(snapshot, key, pseudonym, replaced)
        events = [_pseudonymise(event, key, pseudonym, replaced) for event in events]
        try:  # the erased trajectory must still load and replay
            _rebuilt(trajectory_id, record, lifecycle, snapshot, events, self._clock)
            load_trajectory(None, events, lifecycle)
        except _UNREADABLE as err:
            raise CorruptRecord(trajectory_id, f"erasure would break it: {err}") from err
        rewritten = attrs.evolve(
            record, snapshot=encode(snapshot), generation=record.generation + 1
        )
        bodies_out = [(index, encode(event)) for index, event in enumerate(events, start=1)]
        self._guarded(trajectory_id, self._rewrite, rewritten, bodies_out, record.version)
        logger.info("participant_erased", trajectory_id=trajectory_id, occurrences=replaced[0])
        if not self._guarded(trajectory_id, self._after_erasure):
            raise StoreError(
                f"trajectory {trajectory_id}: the participant is erased (now {pseudonym}), "
                "but readers kept the write-ahead log busy, so old copies of the name "
                "remain in it: call purge_erased() when they are done"
            )
        return pseudonym

    def purge_erased(self) -> None:
        """Rewrite the store's files so that no old copy of an erased name remains.

        PostgreSQL: ``VACUUM (FULL)`` of the tables that hold names (the old row
        versions an erasure leaves are removed; no transaction may still see them).
        It takes an exclusive lock on each table while it runs, and needs the
        tables' owner (else :class:`StoreError`: PostgreSQL skips a table it does not
        own with a mere warning). SQLite: ``VACUUM``, then the write-ahead log is emptied (for
        a database written without ``secure_delete``, such as by an older release;
        :meth:`erase_participant` does the rest itself). Memory: nothing to do.
        Raises :class:`StoreError` if the database could not finish it.
        """
        if not self._guarded("*", self._purge):
            raise StoreError(
                "the store: readers kept the write-ahead log busy, so old copies may "
                "remain in it: call purge_erased() again when they are done"
            )

    # -- helpers --------------------------------------------------------------------------------

    def _lifecycle(self, name: str, trajectory_id: str) -> Lifecycle[Any]:
        lifecycle = self._lifecycles.get(name)
        if lifecycle is None:
            raise CorruptRecord(
                trajectory_id,
                f"lifecycle {name!r} is not one this store was opened with "
                f"({', '.join(self._lifecycles)})",
            )
        return lifecycle

    def _documents(
        self, trajectory_id: str, record: TrajectoryRecord, bodies: Sequence[object]
    ) -> tuple[Lifecycle[Any], dict[str, Any], builtins.list[dict[str, Any]]]:
        """The lifecycle, the snapshot and the event documents of a stored trajectory,
        or :class:`CorruptRecord`."""
        _check_columns(record, _LOADED)
        if record.id != trajectory_id:
            raise CorruptRecord(trajectory_id, f"the store gave the row of {record.id!r}")
        lifecycle = self._lifecycle(record.lifecycle, trajectory_id)
        if record.updated_at is None:
            raise CorruptRecord(trajectory_id, "its time of last change cannot be read")
        snapshot = _decoded(trajectory_id, "its snapshot", record.snapshot)
        events = [
            _decoded(trajectory_id, f"event {index}", body)
            for index, body in enumerate(bodies, start=1)
        ]
        return lifecycle, snapshot, events

    def _notify(self, trajectory: Trajectory[Any], events: Sequence[Event]) -> None:
        with self._subscribers_lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(trajectory, events)
            except Exception as err:  # a subscriber's failure must not undo a committed save
                # Neither the message nor the traceback: both may hold personal data
                # (a name in an argument, in a local variable shown by the renderer).
                logger.error(
                    "subscriber_failed",
                    trajectory_id=trajectory.id,
                    subscriber=_qualified_name(subscriber),
                    error=type(err).__qualname__,
                )

    def _guarded(self, trajectory_id: str, operation: Callable[..., Any], *args: Any) -> Any:
        """Run a primitive; a driver error becomes a StoreError naming the trajectory."""
        try:
            return operation(*args)
        except TrajectoryError:
            raise
        except Exception as err:
            where = "the store" if trajectory_id == "*" else f"trajectory {trajectory_id}"
            raise StoreError(f"{where}: {type(err).__name__}: {err}") from err

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: The columns a load, a listing and blocked() read, with the types they must have.
_LOADED: Final = ("id", "lifecycle", "state", "version", "snapshot", "updated_at", "generation")
_LISTED: Final = (
    "id",
    "lifecycle",
    "state",
    "version",
    "school_year",
    "offer",
    "board",
    "school",
    "updated_at",
)
_BLOCKED: Final = ("id", "state", "blocked")

_COLUMN_TYPES: Final[Mapping[str, tuple[type, ...]]] = {
    "id": (str,),
    "lifecycle": (str,),
    "state": (str,),
    "version": (int,),
    "school_year": (str, type(None)),
    "offer": (str, type(None)),
    "board": (str, type(None)),
    "school": (str, type(None)),
    "blocked": (str,),
    "snapshot": (str,),
    "updated_at": (dt.datetime, type(None)),
    "generation": (int,),
}


#: The lowest value of the columns that count.
_LOWEST: Final = {"version": 1, "generation": 0}


def _check_columns(record: TrajectoryRecord, names: Iterable[str]) -> None:
    """:class:`CorruptRecord` unless each named column of the stored record holds a
    value of its type (versions from 1, generations from 0)."""
    for name in names:
        value: object = getattr(record, name)
        expected = _COLUMN_TYPES[name]
        if isinstance(value, bool) or not isinstance(value, expected):
            wanted = " or ".join(
                "NULL" if kind is type(None) else kind.__name__ for kind in expected
            )
            raise CorruptRecord(
                _shown_id(record.id),
                f"its column {name} holds a {type(value).__name__}, expected {wanted}",
            )
        lowest = _LOWEST.get(name)
        if lowest is not None and isinstance(value, int) and value < lowest:
            raise CorruptRecord(_shown_id(record.id), f"its column {name} holds {value}")


def _decoded(trajectory_id: str, what: str, text: object) -> dict[str, Any]:
    """A stored JSON object, or :class:`CorruptRecord` saying what is wrong with it."""
    if not isinstance(text, str):
        raise CorruptRecord(trajectory_id, f"{what} is a {type(text).__name__}, not JSON text")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as err:  # json's errors are ValueErrors
        raise CorruptRecord(trajectory_id, f"{what} is not JSON: {err}") from err
    if not isinstance(document, dict):
        raise CorruptRecord(
            trajectory_id, f"{what} is a JSON {type(document).__name__}, not an object"
        )
    return document


def _rebuilt(
    trajectory_id: str,
    record: TrajectoryRecord,
    lifecycle: Lifecycle[Any],
    snapshot: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    clock: Clock,
) -> Trajectory[Any]:
    """The trajectory of a stored snapshot and its events, checked against its row:
    :class:`CorruptRecord` unless the history chains (the engine checks that) and
    the row's version, state and time of last change are those of its last event."""
    try:
        trajectory = load_trajectory(snapshot, events, lifecycle, clock=clock)
    except _UNREADABLE as err:
        raise CorruptRecord(trajectory_id, f"cannot be read: {err}") from err
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


def _blocked(record: TrajectoryRecord) -> Blocked | None:
    """The stored record as blocked() lists it (None without blockers), or
    :class:`CorruptRecord`."""
    _check_columns(record, _BLOCKED)
    blockers = _decoded(record.id, "its blockers", record.blocked)
    if not blockers:
        return None
    for event, codes in blockers.items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise CorruptRecord(
                record.id, f"its blockers of {event!r} are not a list of violation codes"
            )
    return Blocked(
        record.id, record.state, {event: tuple(codes) for event, codes in blockers.items()}
    )


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _shown_id(trajectory_id: object) -> str:
    """A stored id as an error names it (a shortened repr, when it is not text)."""
    return trajectory_id if isinstance(trajectory_id, str) else _shown(trajectory_id)


def _shown(value: object) -> str:
    """A stored value in a message: its repr, shortened; never raises."""
    try:
        return reprlib.repr(value)
    except Exception:  # an int too long to print, a repr that fails
        return f"<a {type(value).__name__}>"


def _types(*values: object) -> str:
    return ", ".join(type(value).__name__ for value in values)


def _qualified_name(function: object) -> str:
    name = getattr(function, "__qualname__", None)
    module = getattr(function, "__module__", None)
    if not isinstance(name, str):
        return type(function).__qualname__
    return f"{module}.{name}" if isinstance(module, str) else name


def _checked_id(trajectory_id: object) -> str:
    if not isinstance(trajectory_id, str) or not trajectory_id:
        raise InvalidData("trajectory_id", f"expected an id, got {trajectory_id!r}")
    return trajectory_id


def _names_person(event: Mapping[str, Any], key: str, lifecycle: Lifecycle[Any]) -> bool:
    """Whether the event document names the person in one of the lifecycle's
    person fields (such as a participant's name)."""
    payload = event.get("payload")
    if not isinstance(payload, dict):
        return False
    for field in lifecycle.person_fields:
        value = payload.get(field)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and name_key(item) == key for item in values):
            return True
    return False


def _pseudonymise(value: Any, key: str, pseudonym: str, replaced: list[int]) -> Any:
    """``value`` with every string equal to the name (``name_key``) replaced."""
    if isinstance(value, str):
        if name_key(value) == key:
            replaced[0] += 1
            return pseudonym
        return value
    if isinstance(value, list):
        return [_pseudonymise(item, key, pseudonym, replaced) for item in value]
    if isinstance(value, dict):
        return {k: _pseudonymise(item, key, pseudonym, replaced) for k, item in value.items()}
    return value
