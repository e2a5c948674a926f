"""The history: every accepted event as an immutable, timestamped record."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable
from typing import Any, Final

import attrs

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import check_aware

__all__ = ["Clock", "Event", "ManualClock", "new_event_id", "new_id", "system_clock"]

#: A clock is any callable returning the current time as a timezone-aware datetime.
Clock = Callable[[], dt.datetime]

_RANDOM_BYTES: Final = 16


def new_id() -> str:
    """A new opaque identifier: 128 random bits as 32 lowercase hex characters,
    from the operating system's source (unpredictable: fit for trajectory ids
    that appear in addresses)."""
    return os.urandom(_RANDOM_BYTES).hex()


# Event ids are made on every fire: they come from a generator seeded from the
# operating system, several times cheaper than a system call each. Unique (128
# bits), not secret. A forked process seeds its own, so processes never share ids.
_event_random = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _event_random.seed(os.urandom(32)))
_event_bits = _event_random.getrandbits


def new_event_id() -> str:
    """A new event identifier: 128 random bits as 32 lowercase hex characters."""
    return _event_bits(128).to_bytes(_RANDOM_BYTES, "little").hex()


def system_clock() -> dt.datetime:
    """The system's current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


@attrs.define
class ManualClock:
    """A clock that only moves when told to: for tests, simulations and replays.

    >>> clock = ManualClock(dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC))
    >>> clock.advance(days=1)
    >>> clock().isoformat()
    '2024-05-02T09:00:00+00:00'
    """

    now: dt.datetime = attrs.field()

    @now.validator
    def _check_now(self, attribute: attrs.Attribute[Any], value: object) -> None:
        check_aware(value, attribute.name)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by a ``timedelta(**delta)`` (``days=1``, ``hours=2`` …)."""
        try:
            step = dt.timedelta(**delta)
        except TypeError as err:
            raise InvalidData("delta", f"expected timedelta arguments, got {delta!r}") from err
        if step < dt.timedelta(0):
            raise InvalidData("delta", f"a clock does not go back ({step}); use set() to jump")
        # An aware moment plus a timedelta is aware: no need to validate it again.
        object.__setattr__(self, "now", self.now + step)

    def set(self, now: dt.datetime) -> None:
        """Jump to ``now`` (timezone-aware)."""
        object.__setattr__(self, "now", check_aware(now, "now"))


@attrs.frozen
class Event:
    """One accepted event in a trajectory's history.

    ``sequence`` counts from 1 (the creation) without gaps; ``from_state`` is
    ``None`` only for the creation; ``payload`` is the event's validated payload
    (a frozen attrs instance).
    """

    id: str
    trajectory_id: str
    sequence: int
    timestamp: dt.datetime
    name: str
    from_state: str | None
    to_state: str
    payload: Any
    actor: str | None = None
