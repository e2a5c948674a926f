"""The store interface: the repository of trajectories (saving, loading, the unit
of work), composed with its queries, integration and erasure.

A store holds the trajectories of several lifecycles (kinds of aggregate), keeps
the same JSON documents in every backend (:mod:`trajectory.engine.serialization`),
and implements everything once over a handful of primitives each backend (memory,
SQL) provides (:class:`~trajectory.store.core.StoreCore`):

- :mod:`trajectory.store.records`: the rows, and the checks of what is read back;
- :mod:`trajectory.store.queries`: :meth:`Store.list` and :meth:`Store.blocked`;
- :mod:`trajectory.store.outbox`: subscribers and the outbox;
- :mod:`trajectory.store.erasure`: erasing a person;
- :mod:`trajectory.store.errors`: the store's errors.

The event history is append-only and is the source of truth; the snapshot (the
state and data at the last version) only speeds up loading.

What a backend gives back is never trusted: every stored value is checked for its
type, every JSON document is parsed and validated when it is read, and a loaded
history must chain (the engine's :func:`~trajectory.engine.history.verify_rows`
over the events' columns, at once; each event's document is checked against its
row when it is read, see :func:`~trajectory.engine.history.stored_history`) and
agree with its row (version, state, time of the last change). Whatever does not
is a :class:`CorruptRecord` naming the trajectory, with the underlying error as its
cause; a driver's error is a :class:`StoreError`. No other error escapes a store's methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from trajectory.engine.errors import InvalidData
from trajectory.engine.history import Event
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import dump_event, encode_snapshot
from trajectory.store.core import Subscriber
from trajectory.store.erasure import Erasure
from trajectory.store.errors import TrajectoryNotFound
from trajectory.store.outbox import Integration
from trajectory.store.queries import Queries
from trajectory.store.records import (
    Blocked,
    EventRecord,
    OutboxEntry,
    Summary,
    TrajectoryRecord,
    Write,
    blocker_codes,
    checked_id,
    encode,
    scheduled_blockers,
)

__all__ = [
    "Blocked",
    "EventRecord",
    "OutboxEntry",
    "Store",
    "Subscriber",
    "Summary",
    "TrajectoryRecord",
    "UnitOfWork",
]

#: A save writes a new snapshot when the version passes a multiple of this (and on the
#: first save); loading applies the events after the snapshot again. A snapshot is the
#: largest part of a save, so this keeps saving cheap while loading stays short. Past
#: 256 events the interval grows with the history (see :func:`snapshot_bucket`).
SNAPSHOT_EVERY: Final = 25


def snapshot_bucket(version: int) -> tuple[int, int]:
    """Which snapshot a trajectory at ``version`` is on: a save writes a new one when
    the bucket of its new version differs from that of the version saved before.

    Every 25 versions up to 255; then 16 per doubling of the history (every 16
    from 256, every 32 from 512 …). A snapshot costs in proportion to the data,
    which grows with the history, so a save's share of the snapshots stays the
    same however long the history; a load applies at most one sixteenth of the
    history again after its snapshot.
    """
    length = version.bit_length()
    if length <= 8:
        return 0, version // SNAPSHOT_EVERY
    return length, version >> (length - 5)


class UnitOfWork:
    """Trajectories saved together: all or none (see :meth:`Store.unit_of_work`)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pending: list[Trajectory[Any]] = []
        self._open = True

    def save(self, trajectory: Trajectory[Any]) -> None:
        """Save ``trajectory``'s new events when the unit of work commits (saving the
        same object again adds nothing). :class:`InvalidData` for what is no
        trajectory of the store's lifecycles, or once the unit of work is done."""
        if not self._open:
            raise InvalidData("unit_of_work", "this unit of work is done: start a new one")
        self._store._checked(trajectory)
        if not any(pending is trajectory for pending in self._pending):
            self._pending.append(trajectory)

    def commit(self) -> None:
        """Write every saved trajectory in one transaction, then tell the subscribers.
        :class:`ConcurrencyConflict` (nothing written) if one of them was stale."""
        if not self._open:
            raise InvalidData("unit_of_work", "this unit of work is done: start a new one")
        self._open = False
        self._store._save_all(self._pending)

    def rollback(self) -> None:
        """Forget what was saved in this unit of work (nothing was written)."""
        self._open = False
        self._pending.clear()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None and self._open:
            self.commit()
        else:
            self.rollback()


class Store(Queries, Integration, Erasure):
    """Where trajectories are kept. Open one with :func:`trajectory.open_store`.

    ``lifecycles`` are the lifecycles (kinds of aggregate) whose trajectories the
    store may hold; ``clock`` is given to the trajectories it loads.
    """

    # -- saving and loading ------------------------------------------------------------

    def unit_of_work(self) -> UnitOfWork:
        """Save several trajectories, of any of the store's lifecycles, in one
        transaction::

            with store.unit_of_work() as uow:
                uow.save(application)
                uow.save(budget)

        They are written when the block ends without an error: all of them, or
        (on a :class:`ConcurrencyConflict` of any one, or an error in the block)
        none. Subscribers are told after the commit."""
        return UnitOfWork(self)

    def save(self, trajectory: Trajectory[Any]) -> None:
        """Write the trajectory's new events and its snapshot in one transaction (a
        unit of work of one).

        Optimistic concurrency: if the stored trajectory moved past the version this
        one was loaded (or last saved) at, :class:`ConcurrencyConflict` is raised and
        nothing is written. Subscribers are told after the commit.
        """
        self._checked(trajectory)
        self._save_all((trajectory,))

    def load(self, trajectory_id: str) -> Trajectory[Any]:
        """The trajectory with ``trajectory_id`` (from its snapshot and history).

        The documents of the events after the snapshot (and of the snapshot's own
        event) are read now; those of the events before it when the trajectory's
        :attr:`~trajectory.engine.runtime.Trajectory.history` is first asked for
        them, each checked against its stored row then (a damaged one raises
        :class:`CorruptRecord` there, each time it is asked for).

        Raises :class:`TrajectoryNotFound`, or :class:`CorruptRecord` naming the
        trajectory when its stored records cannot be read: a value of the wrong type,
        a document that is not valid, a history whose events' columns do not chain
        (sequence 1 to n, each event one the lifecycle routes from the state the one
        before reached, ids unique, timestamps that never go back; see
        :func:`~trajectory.engine.history.verify_rows`), or a row that does not
        agree with its history (its version is the number of events, its state and
        time of last change those of the last event).
        """
        found = self._guarded(trajectory_id, self._read, checked_id(trajectory_id))
        if found is None:
            raise TrajectoryNotFound(trajectory_id)
        record, events = found
        trajectory = self._restored(trajectory_id, record, events)
        trajectory.mark_saved(trajectory.version, record.generation)
        return trajectory

    def history(self, trajectory_id: str) -> tuple[Event, ...]:
        """Every event of the trajectory, the creation first, each read and checked
        now (:class:`CorruptRecord` for one that cannot be read, as :meth:`load`)."""
        return tuple(self.load(trajectory_id).history)

    def record_of(self, trajectory: Trajectory[Any], *, snapshot: bool = True) -> TrajectoryRecord:
        """The record a save writes for ``trajectory`` (index values, blockers and,
        with ``snapshot``, a new snapshot)."""
        lifecycle = trajectory.lifecycle
        described = lifecycle.describe(trajectory.data) if lifecycle.describe else {}
        blocked: Any
        if trajectory.state in lifecycle.time_dependent_states:
            blocked = scheduled_blockers(trajectory)
        else:
            blocked = blocker_codes(trajectory.blockers())
        return TrajectoryRecord(
            id=trajectory.id,
            lifecycle=lifecycle.name,
            state=trajectory.state,
            version=trajectory.version,
            updated_at=trajectory.last_event.timestamp,
            index=_index_values(described),
            blocked=encode(blocked),
            snapshot=encode_snapshot(trajectory) if snapshot else None,
            generation=trajectory.saved_generation,
        )

    # -- the one path of every save ----------------------------------------------------------

    def _checked(self, trajectory: object) -> None:
        """:class:`InvalidData` unless ``trajectory`` is one of this store's lifecycles."""
        if not isinstance(trajectory, Trajectory):
            raise InvalidData("trajectory", f"expected a Trajectory, got {trajectory!r}")
        lifecycle = self._lifecycle(trajectory.lifecycle.name, trajectory.id)
        if lifecycle is not trajectory.lifecycle:
            raise InvalidData(
                "trajectory", f"this store holds another lifecycle named {lifecycle.name!r}"
            )

    def _save_all(self, trajectories: Iterable[Trajectory[Any]]) -> None:
        """Write the new events of ``trajectories`` in one transaction, mark them
        saved, then tell the subscribers."""
        writes: list[tuple[Trajectory[Any], list[Event], Write]] = []
        for trajectory in trajectories:
            new = list(trajectory.unsaved_events())
            if new:
                writes.append((trajectory, new, self._write_of(trajectory, new)))
        if not writes:
            return
        owner = writes[0][0].id if len(writes) == 1 else "*"
        self._guarded(owner, self._commit, [write for _, _, write in writes])
        for trajectory, _, _ in writes:
            trajectory.mark_saved(trajectory.version)
        for trajectory, new, _ in writes:
            self._notify(trajectory, new)

    def _write_of(self, trajectory: Trajectory[Any], new: Sequence[Event]) -> Write:
        lifecycle = trajectory.lifecycle
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
        snapshot_due = saved == 0 or snapshot_bucket(trajectory.version) != snapshot_bucket(saved)
        return Write(self.record_of(trajectory, snapshot=snapshot_due), events, saved)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _index_values(described: Mapping[str, object]) -> dict[str, str | None]:
    """What a lifecycle's ``describe`` gave, checked: text keys, text or None values."""
    values: dict[str, str | None] = {}
    for key, value in described.items():
        if not isinstance(key, str) or not isinstance(value, str | None):
            raise InvalidData(
                "describe", f"expected text keys and text values, got {key!r}: {value!r}"
            )
        values[key] = value
    return values
