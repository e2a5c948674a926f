"""Integration: subscribers told of every committed save, and the outbox that a
consumer in another process reads in commit order."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

from trajectory.engine.errors import InvalidData
from trajectory.engine.history import Event
from trajectory.engine.logs import get_logger, qualified_name
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import upgrade_document
from trajectory.store.core import StoreCore, Subscriber
from trajectory.store.errors import CorruptRecord
from trajectory.store.records import (
    UNREADABLE,
    OutboxEntry,
    decoded,
    is_count,
    shown,
    shown_id,
    types,
)

__all__ = ["Integration"]

logger = get_logger("trajectory.store.base")


class Integration(StoreCore):
    """Subscribers and the outbox (part of :class:`Store`)."""

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
            owner = shown_id(trajectory_id)
            if not (is_count(position) and isinstance(trajectory_id, str) and is_count(sequence)):
                found = types(position, trajectory_id, sequence)
                raise CorruptRecord(
                    owner,
                    f"outbox entry {shown(position)} cannot be read: expected a position, a "
                    f"trajectory id and a sequence number, got {found}",
                )
            where = f"outbox entry {position} (event {sequence})"
            if body is None:
                raise CorruptRecord(owner, f"{where}: the event is missing")
            document = decoded(owner, where, body)
            try:
                document = upgrade_document(document, "event")
            except UNREADABLE as err:
                raise CorruptRecord(owner, f"{where}: {err}") from err
            if (
                document.get("trajectory_id") != trajectory_id
                or document.get("sequence") != sequence
            ):
                raise CorruptRecord(owner, f"{where}: the stored document is of another event")
            entries.append(OutboxEntry(position, trajectory_id, sequence, document))
        return entries

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
                    subscriber=qualified_name(subscriber),
                    error=type(err).__qualname__,
                )
