"""The history: every accepted event as an immutable, timestamped record.

Every moment the engine works with (a clock's time, an event's timestamp) lies
between :data:`FIRST_MOMENT` and :data:`LAST_MOMENT`: a day inside the ends of
Python's ``datetime``, so that the moment is a date in every time zone. A clock
outside them is refused with :class:`~trajectory.InvalidData`.

:func:`verify_history` checks that events form one trajectory's history, without
running any of its code: replays and stores call it before they trust events.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import attrs

from trajectory.engine.errors import InvalidData, wrong_type
from trajectory.engine.fields import check_aware, describe

if TYPE_CHECKING:
    from trajectory.engine.definition import Lifecycle

__all__ = [
    "FIRST_MOMENT",
    "LAST_MOMENT",
    "Clock",
    "Event",
    "ManualClock",
    "check_moment",
    "new_event_id",
    "new_id",
    "system_clock",
    "verify_history",
]

#: A clock is any callable returning the current time as a timezone-aware datetime.
Clock = Callable[[], dt.datetime]

#: The earliest moment the engine accepts: a day after the start of ``datetime``.
FIRST_MOMENT: Final = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
#: The latest moment the engine accepts: a day before the end of ``datetime``.
LAST_MOMENT: Final = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


#: Time zone classes whose offset is always known (the quick check of a moment).
_ZONES: Final = frozenset({dt.timezone, ZoneInfo})
_FIRST_YEAR: Final = FIRST_MOMENT.year
_LAST_YEAR: Final = LAST_MOMENT.year


def check_moment(value: object, field: str) -> dt.datetime:
    """``value`` if it is a timezone-aware datetime from :data:`FIRST_MOMENT` to
    :data:`LAST_MOMENT`; else :class:`~trajectory.InvalidData` naming ``field``.

    >>> check_moment(dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC), "now")
    Traceback (most recent call last):
    trajectory.InvalidData: now: expected a moment from 0001-01-02 00:00:00+00:00 to \
9999-12-30 23:59:59.999999+00:00, got 9999-12-31 12:00:00+00:00
    """
    moment = check_aware(value, field)
    if FIRST_MOMENT <= moment <= LAST_MOMENT:
        return moment
    raise InvalidData(
        field, f"expected a moment from {FIRST_MOMENT} to {LAST_MOMENT}, got {moment}"
    )


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
        check_moment(value, attribute.name)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by a ``timedelta(**delta)`` (``days=1``, ``hours=2`` …).

        A step that is not a timedelta's, goes back, or moves the clock past
        :data:`LAST_MOMENT` raises :class:`~trajectory.InvalidData`; the clock stays.
        """
        try:
            step = dt.timedelta(**delta)
        except (TypeError, ValueError, OverflowError) as err:
            raise InvalidData(
                "delta",
                f"expected a step a timedelta holds (days=1, hours=2 …), got {describe(delta)}",
            ) from err
        if step < dt.timedelta(0):
            raise InvalidData("delta", f"a clock does not go back ({step}); use set() to jump")
        if step > LAST_MOMENT - self.now:  # compared as durations: nothing can overflow
            raise InvalidData(
                "delta", f"{step} after {self.now} is past the last moment, {LAST_MOMENT}"
            )
        # An aware moment plus a timedelta is aware: no need to validate it again.
        object.__setattr__(self, "now", self.now + step)

    def set(self, now: dt.datetime) -> None:
        """Jump to ``now`` (timezone-aware, from :data:`FIRST_MOMENT` to :data:`LAST_MOMENT`)."""
        object.__setattr__(self, "now", check_moment(now, "now"))


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


def verify_history(
    events: Iterable[Event], lifecycle: Lifecycle[Any], *, trajectory_id: str | None = None
) -> tuple[Event, ...]:
    """``events`` as a tuple if they form one trajectory's history of ``lifecycle``;
    else :class:`~trajectory.InvalidData` naming the position (``events[3].from_state``).

    It checks, without running guards or effects: every item is an :class:`Event`
    with ids and names as text; the first is the creation (sequence 1, from no
    state to the initial state); the sequence counts 1, 2, 3 … without gaps; every
    event belongs to the same trajectory (``trajectory_id`` when given), has an id
    of its own, leaves the state the one before it reached, and goes where the
    lifecycle routes it; timestamps are moments (see :func:`check_moment`) that
    never go back; payloads are of the event's payload class.

    >>> from trajectory.ontwikkelkracht import LIFECYCLE
    >>> verify_history([], LIFECYCLE)
    Traceback (most recent call last):
    trajectory.InvalidData: events[0]: a history starts with its creation event; got no events
    """
    try:
        found = tuple(events)
    except TypeError as err:
        raise wrong_type("events", "an iterable of Event", events) from err
    if not found:
        raise InvalidData("events[0]", "a history starts with its creation event; got no events")
    first = found[0]
    if not isinstance(first, Event):
        raise wrong_type("events[0]", "an Event", first)
    if trajectory_id is not None and not isinstance(trajectory_id, str):
        raise wrong_type("trajectory_id", "text or None", trajectory_id)
    _check_lifecycle(lifecycle)
    owner = first.trajectory_id if trajectory_id is None else trajectory_id
    ids: set[str] = set()
    previous: Event | None = None
    for index, event in enumerate(found):
        # Every check passes quickly on a good event; the position is named (and the
        # slower, complete check made) only where one does not.
        if not isinstance(event, Event):
            raise wrong_type(f"events[{index}]", "an Event", event)
        if previous is None:
            payload_type = _check_creation(event, lifecycle)
        else:
            payload_type = _check_step(index, event, previous.to_state, lifecycle)
        if type(event.sequence) is not int or event.sequence != index + 1:
            raise InvalidData(
                f"events[{index}].sequence",
                f"expected {index + 1}, got {describe(event.sequence)}",
            )
        event_id, owned_by = event.id, event.trajectory_id
        for name, value in (("id", event_id), ("trajectory_id", owned_by)):
            if not isinstance(value, str) or not value.strip():
                raise wrong_type(f"events[{index}].{name}", "a non-blank string", value)
        if owned_by != owner:
            raise InvalidData(
                f"events[{index}].trajectory_id", f"expected {owner!r}, got {owned_by!r}"
            )
        if event_id in ids:
            raise InvalidData(
                f"events[{index}].id", f"the id {event_id!r} is taken by an earlier event"
            )
        ids.add(event_id)
        timestamp = event.timestamp
        if not (
            type(timestamp) is dt.datetime
            and type(timestamp.tzinfo) in _ZONES
            and _FIRST_YEAR < timestamp.year < _LAST_YEAR
        ):
            timestamp = check_moment(timestamp, f"events[{index}].timestamp")
        if previous is not None and timestamp < previous.timestamp:
            raise InvalidData(
                f"events[{index}].timestamp",
                f"expected no earlier than the event before, {previous.timestamp}, got {timestamp}",
            )
        if event.actor is not None and not isinstance(event.actor, str):
            raise wrong_type(f"events[{index}].actor", "a string or None", event.actor)
        if not isinstance(event.payload, payload_type):
            raise wrong_type(
                f"events[{index}].payload", f"a {payload_type.__name__}", event.payload
            )
        previous = event
    return found


def _check_creation(event: Event, lifecycle: Lifecycle[Any]) -> type:
    """The payload class of the creation ``event`` (the first of a history)."""
    creation = lifecycle.creation
    if event.name != creation.name or event.sequence != 1:
        raise InvalidData(
            "events[0]",
            f"a history starts with {creation.name!r} at sequence 1, "
            f"got {describe(event.name)} at sequence {describe(event.sequence)}",
        )
    if event.from_state is not None:
        raise InvalidData(
            "events[0].from_state",
            f"the creation comes from no state, got {describe(event.from_state)}",
        )
    if event.to_state != lifecycle.initial:
        raise InvalidData(
            "events[0].to_state",
            f"the creation leads to {lifecycle.initial!r}, got {describe(event.to_state)}",
        )
    return creation.payload


def _check_step(index: int, event: Event, state: str, lifecycle: Lifecycle[Any]) -> type:
    """The payload class of ``event`` (at ``index``), which follows an event that
    reached ``state``."""
    if event.from_state != state:
        raise InvalidData(
            f"events[{index}].from_state",
            f"expected {state!r} (where the event before led), got {describe(event.from_state)}",
        )
    known = lifecycle._dispatch.get(event.name) if isinstance(event.name, str) else None
    if known is None:
        raise InvalidData(
            f"events[{index}].name",
            f"{describe(event.name)} is not an event of {lifecycle.name!r}",
        )
    definition, routes = known
    target = routes.get(state)
    if target != event.to_state:
        raise InvalidData(
            f"events[{index}].to_state",
            f"{event.name!r} leads from {state!r} to {target!r}, got {describe(event.to_state)}",
        )
    return definition.payload


def _check_lifecycle(value: object) -> None:
    from trajectory.engine.definition import Lifecycle  # definition imports this module

    if not isinstance(value, Lifecycle):
        raise wrong_type("lifecycle", "a Lifecycle", value)
