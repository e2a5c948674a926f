"""The store interface, and everything stores share.

:class:`Store` implements saving, loading, the queries, subscribers, the outbox
and erasure once, over a handful of primitive operations that each backend
(memory, SQL) provides. Every backend keeps the same JSON documents
(:mod:`trajectory.engine.serialization`), so they behave alike.

The event history is append-only and is the source of truth; the snapshot (the
state and data at the last version) only speeds up loading.
"""

from __future__ import annotations

import abc
import builtins
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import msgspec
import structlog

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

logger = structlog.get_logger(__name__)

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

    The blockers are those found when the trajectory was last saved.
    """

    id: str
    state: str
    blockers: Mapping[str, tuple[str, ...]]


@attrs.frozen
class OutboxEntry:
    """A committed event, at its position in the outbox (positions only grow)."""

    position: int
    trajectory_id: str
    sequence: int
    event: Mapping[str, Any]


_SUMMARY_FIELDS: Final = attrs.fields(Summary)


_ENCODER: Final = msgspec.json.Encoder()


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
    def _outbox(self, after: int, limit: int) -> list[tuple[int, str, int, str]]:
        """Outbox rows after ``after``: (position, trajectory id, sequence, event body)."""

    @abc.abstractmethod
    def _rewrite(
        self, record: TrajectoryRecord, bodies: Sequence[tuple[int, str]], expected: int
    ) -> None:
        """Replace the snapshot and event bodies (erasure) and set the generation to
        ``record.generation`` where the stored version is ``expected`` and the stored
        generation is one less; :class:`ConcurrencyConflict` otherwise."""

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
        trajectory when its stored records cannot be read.
        """
        found = self._guarded(trajectory_id, self._read, _checked_id(trajectory_id))
        if found is None:
            raise TrajectoryNotFound(trajectory_id)
        record, bodies = found
        lifecycle = self._lifecycle(record.lifecycle, trajectory_id)
        if record.updated_at is None:
            raise CorruptRecord(trajectory_id, "its time of last change cannot be read")
        try:
            snapshot = json.loads(record.snapshot or "null")
            if not isinstance(snapshot, dict):
                raise InvalidData(
                    "$", f"a snapshot is a JSON object, got {(record.snapshot or '')[:40]!r}"
                )
            events = [json.loads(body) for body in bodies]
            trajectory = load_trajectory(snapshot, events, lifecycle, clock=self._clock)
        except (ValueError, RecursionError, TrajectoryError) as err:  # json errors are ValueErrors
            raise CorruptRecord(trajectory_id, f"cannot be read: {err}") from err
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
        """The stored trajectories matching every filter given."""
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
        return [record.summary() for record in records]

    def blocked(self) -> builtins.list[Blocked]:
        """Every trajectory whose next step is refused, with its violation codes."""
        found: list[Blocked] = []
        for record in self._guarded("*", self._blocked_records):
            try:
                blockers = json.loads(record.blocked)
                if not isinstance(blockers, dict):
                    raise ValueError(f"expected a JSON object, got {record.blocked[:40]!r}")
            except (ValueError, RecursionError) as err:  # one bad row hides no other
                logger.warning("corrupt_record_skipped", trajectory_id=record.id, reason=str(err))
                continue
            if blockers:
                found.append(
                    Blocked(
                        record.id,
                        record.state,
                        {event: tuple(codes) for event, codes in blockers.items()},
                    )
                )
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
        """
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise InvalidData("after", f"expected a position ≥ 0, got {after!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise InvalidData("limit", f"expected 1 to 10000, got {limit!r}")
        entries = []
        for position, trajectory_id, sequence, body in self._guarded(
            "*", self._outbox, after, limit
        ):
            try:
                document = upgrade_document(json.loads(body), "event")
            except (ValueError, RecursionError) as err:  # InvalidData is a ValueError
                raise CorruptRecord(trajectory_id, f"outbox entry {position}: {err}") from err
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
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidData("name", f"expected a non-blank name, got {name!r}")
        found = self._guarded(trajectory_id, self._read, _checked_id(trajectory_id))
        if found is None:
            raise TrajectoryNotFound(trajectory_id)
        record, bodies = found
        lifecycle = self._lifecycle(record.lifecycle, trajectory_id)
        pseudonym = f"pseudonym-{new_id()[:12]}"
        key = name_key(name)
        try:
            snapshot = json.loads(record.snapshot or "null")
            events = [json.loads(body) for body in bodies]
        except (ValueError, RecursionError) as err:
            raise CorruptRecord(trajectory_id, f"cannot be read: {err}") from err
        if not any(_names_person(event, key, lifecycle) for event in events):
            raise InvalidData("name", f"{name!r} is no participant of trajectory {trajectory_id}")
        replaced = [0]
        snapshot = _pseudonymise(snapshot, key, pseudonym, replaced)
        events = [_pseudonymise(event, key, pseudonym, replaced) for event in events]
        try:  # the erased trajectory must still load and replay
            load_trajectory(snapshot, events, lifecycle)
            load_trajectory(None, events, lifecycle)
        except TrajectoryError as err:
            raise CorruptRecord(trajectory_id, f"erasure would break it: {err}") from err
        rewritten = attrs.evolve(
            record, snapshot=encode(snapshot), generation=record.generation + 1
        )
        bodies_out = [(event["sequence"], encode(event)) for event in events]
        self._guarded(trajectory_id, self._rewrite, rewritten, bodies_out, record.version)
        logger.info("participant_erased", trajectory_id=trajectory_id, occurrences=replaced[0])
        return pseudonym

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

    def _notify(self, trajectory: Trajectory[Any], events: Sequence[Event]) -> None:
        with self._subscribers_lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(trajectory, events)
            except Exception:  # a subscriber's failure must not undo a committed save
                logger.exception("subscriber_failed", trajectory_id=trajectory.id)

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
