"""``memory://``: a store in this process's memory, for tests and simulations.

It keeps the same JSON documents as the SQL stores, so what it loads is a new,
independent trajectory, exactly as from a database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.history import Clock
from trajectory.store.base import EventRecord, Store, TrajectoryRecord
from trajectory.store.errors import ConcurrencyConflict
from trajectory.store.records import StoredEvent, Write

__all__ = ["MemoryStore"]


class MemoryStore(Store):
    """A thread-safe store in memory; nothing survives the process."""

    def __init__(self, lifecycles: Iterable[Lifecycle[Any]], *, clock: Clock | None = None) -> None:
        super().__init__(lifecycles, clock=clock)
        self._lock = threading.RLock()
        self._rows: dict[str, TrajectoryRecord] = {}
        self._events: dict[str, list[EventRecord]] = {}
        self._outbox_rows: list[tuple[int, str, int]] = []

    def _commit(self, writes: Sequence[Write]) -> None:
        with self._lock:
            rows: dict[str, TrajectoryRecord] = {}
            for write in writes:  # every check first: all or nothing
                record, expected = write.record, write.expected
                stored = rows.get(record.id, self._rows.get(record.id))
                actual = 0 if stored is None else stored.version
                if (
                    actual != expected
                    or (expected == 0 and stored is not None)
                    or (stored is not None and stored.generation != record.generation)
                ):
                    raise ConcurrencyConflict(record.id, expected, actual)
                if record.snapshot is None and stored is not None:  # keep the stored snapshot
                    record = attrs.evolve(record, snapshot=stored.snapshot)
                rows[record.id] = record
            self._rows.update(rows)
            for write in writes:
                self._events.setdefault(write.record.id, []).extend(write.events)
                for event in write.events:
                    position = len(self._outbox_rows) + 1
                    self._outbox_rows.append((position, event.trajectory_id, event.sequence))

    def _read(self, trajectory_id: str) -> tuple[TrajectoryRecord, list[StoredEvent]] | None:
        with self._lock:
            record = self._rows.get(trajectory_id)
            if record is None:
                return None
            return record, [
                (event.sequence, event.id, event.name, event.timestamp, event.body)
                for event in self._events[trajectory_id]
            ]

    def _records(
        self, columns: Mapping[str, str], index: Mapping[str, str]
    ) -> list[TrajectoryRecord]:
        with self._lock:
            records = list(self._rows.values())
        found = [
            record
            for record in records
            if all(getattr(record, key) == value for key, value in columns.items())
            and all(record.index.get(key) == value for key, value in index.items())
        ]
        return sorted(found, key=lambda r: (r.updated_at is None, r.updated_at, r.id))

    def _blocked_rows(self, states: bool = False) -> list[tuple[object, object, object, object]]:
        wanted = self._time_dependent_states if states else frozenset()
        return [
            (record.id, record.state, record.blocked, record.lifecycle)
            for record in self._records({}, {})
            if record.blocked != "{}" or record.state in wanted
        ]

    def _outbox(self, after: int, limit: int) -> list[tuple[int, str, int, str | None]]:
        with self._lock:
            rows = self._outbox_rows[after : after + limit]
            return [
                (position, trajectory_id, sequence, self._body(trajectory_id, sequence))
                for position, trajectory_id, sequence in rows
            ]

    def _body(self, trajectory_id: str, sequence: int) -> str | None:
        """The stored body of an event; None if it is missing."""
        stored = self._events.get(trajectory_id, [])
        return stored[sequence - 1].body if 0 < sequence <= len(stored) else None

    def _rewrite(
        self, rewrites: Sequence[tuple[TrajectoryRecord, Sequence[tuple[int, str]], int]]
    ) -> None:
        with self._lock:
            for record, _, expected in rewrites:  # every check first: all or nothing
                stored = self._rows.get(record.id)
                if (
                    stored is None
                    or stored.version != expected
                    or stored.generation != record.generation - 1
                ):
                    raise ConcurrencyConflict(
                        record.id, expected, None if stored is None else stored.version
                    )
            for record, bodies, _ in rewrites:
                self._rows[record.id] = record
                events = self._events[record.id]
                for sequence, body in bodies:
                    events[sequence - 1] = attrs.evolve(events[sequence - 1], body=body)
