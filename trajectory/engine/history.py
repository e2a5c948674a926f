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
import itertools
import operator
import os
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, overload
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
    "EventRow",
    "History",
    "ManualClock",
    "check_moment",
    "new_event_id",
    "new_id",
    "stored_history",
    "system_clock",
    "verify_history",
    "verify_rows",
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


# -- stored histories, read lazily ------------------------------------------------------


class EventRow(NamedTuple):
    """What a store keeps of an event beside its document: its sequence number, id,
    name and timestamp (columns of their own, read without the document).

    A store gives them as it read them: as this, or as tuples that begin with the
    four (a store's own rows), the timestamp as a moment or as its ISO text;
    :func:`verify_rows` checks their types.
    """

    sequence: int
    id: str
    name: str
    timestamp: dt.datetime


def verify_rows(rows: Sequence[tuple[Any, ...]], lifecycle: Lifecycle[Any]) -> tuple[str, ...]:
    """The state each event leads to, if the ``rows`` of a stored history form one
    trajectory's history of ``lifecycle`` as far as rows show it; else
    :class:`~trajectory.InvalidData` naming the position (``events[3].name``).

    It checks what :func:`verify_history` checks, of what a row holds: the first is
    the creation, at sequence 1; the sequence counts 1, 2, 3 … without gaps; every id
    is text of its own; every later event is one the lifecycle routes from the state
    the event before reached (the states follow from the names); timestamps are
    moments (see :func:`check_moment`) that never go back. What only an event's
    document holds (its trajectory, its states as written, its actor and payload) is
    checked when the event is read (see :func:`stored_history`).

    >>> from trajectory.ontwikkelkracht import LIFECYCLE
    >>> moment = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
    >>> verify_rows([EventRow(1, "a", "created", moment)], LIFECYCLE)
    ('orientation_requested',)
    >>> verify_rows([EventRow(1, "a", "created", moment), EventRow(3, "b", "decline", moment)],
    ...             LIFECYCLE)
    Traceback (most recent call last):
    trajectory.InvalidData: events[1].sequence: expected 2, got 3
    """
    _check_lifecycle(lifecycle)
    if not rows:
        raise InvalidData("events[0]", "a history starts with its creation event; got no events")
    quickly = _rows_quickly(rows, lifecycle)
    if quickly is not None:
        return quickly
    # Something is wrong: the complete check, row by row, names the position.
    creation = lifecycle.creation.name
    dispatch = lifecycle._dispatch
    states: list[str] = []
    ids: set[str] = set()
    state: str | None = None
    previous: dt.datetime | None = None
    for index, row in enumerate(rows):
        try:
            sequence, event_id, name, timestamp = row[:4]
        except (TypeError, ValueError, LookupError) as err:
            raise wrong_type(f"events[{index}]", "a row of four columns", row) from err
        if type(sequence) is not int or sequence != index + 1:
            raise InvalidData(
                f"events[{index}].sequence", f"expected {index + 1}, got {describe(sequence)}"
            )
        if type(event_id) is not str or not event_id.strip():
            raise wrong_type(f"events[{index}].id", "a non-blank string", event_id)
        if event_id in ids:
            raise InvalidData(
                f"events[{index}].id", f"the id {event_id!r} is taken by an earlier event"
            )
        ids.add(event_id)
        if state is None:
            if name != creation:
                raise InvalidData(
                    "events[0].name",
                    f"a history starts with {creation!r}, got {describe(name)}",
                )
            state = lifecycle.initial
        else:
            known = dispatch.get(name) if type(name) is str else None
            if known is None:
                raise InvalidData(
                    f"events[{index}].name",
                    f"{describe(name)} is not an event of {lifecycle.name!r}",
                )
            target = known[1].get(state)
            if target is None:
                raise InvalidData(
                    f"events[{index}].name",
                    f"{name!r} does not leave {state!r} (where the event before led)",
                )
            state = target
        states.append(state)
        if type(timestamp) is str:
            timestamp = _read_moment(timestamp)
        if not (
            type(timestamp) is dt.datetime
            and type(timestamp.tzinfo) in _ZONES
            and _FIRST_YEAR < timestamp.year < _LAST_YEAR
        ):
            timestamp = check_moment(timestamp, f"events[{index}].timestamp")
        if previous is not None and timestamp < previous:
            raise InvalidData(
                f"events[{index}].timestamp",
                f"expected no earlier than the event before, {previous}, got {timestamp}",
            )
        previous = timestamp
    return tuple(states)


def _rows_quickly(
    rows: Sequence[tuple[Any, ...]], lifecycle: Lifecycle[Any]
) -> tuple[str, ...] | None:
    """What :func:`verify_rows` returns, worked out column by column (each check one
    pass of the interpreter's own loops: several times faster than row by row);
    None if any check fails or cannot be made (the complete check then says where)."""
    try:
        sequences, ids, names, moments = (
            tuple(map(operator.itemgetter(column), rows)) for column in range(4)
        )
        size = len(rows)
        if (
            len(sequences) != size
            or set(map(type, sequences)) != {int}
            or list(sequences) != list(range(1, size + 1))
            or set(map(type, ids)) != {str}
            or len(set(ids)) != size
            or not all(map(str.strip, ids))
            or set(map(type, names)) != {str}
            or names[0] != lifecycle.creation.name
        ):
            return None
        kinds = set(map(type, moments))
        if kinds == {str}:
            moments = tuple(map(dt.datetime.fromisoformat, moments))
        elif kinds != {dt.datetime}:
            return None
        if (
            not set(map(type, map(operator.attrgetter("tzinfo"), moments))) <= _ZONES
            or not all(map(operator.le, moments, itertools.islice(moments, 1, None)))
            or moments[0] < FIRST_MOMENT  # in order: the first is the earliest
            or moments[-1] > LAST_MOMENT
        ):
            return None
        state = lifecycle.initial
        states = [state]
        dispatch = lifecycle._dispatch
        for name in itertools.islice(names, 1, None):
            state = dispatch[name][1][state]
            states.append(state)
    except (TypeError, ValueError, LookupError, AttributeError, OverflowError):
        return None
    return tuple(states)


def stored_history(
    rows: Sequence[tuple[Any, ...]],
    read: Callable[[int], Event],
    lifecycle: Lifecycle[Any],
    *,
    trajectory_id: str,
    refuse: Callable[[InvalidData], Exception] | None = None,
) -> History:
    """A stored history that reads its events only when they are asked for.

    The ``rows`` are verified now (:func:`verify_rows`); event ``i`` (from 0) is read
    by ``read(i)`` the first time it is asked for, and kept. An event read is checked
    against its row and the states the rows lead through: its sequence, id, name and
    timestamp are its row's, it belongs to ``trajectory_id``, it leaves the state the
    event before reached for the one its name leads to, its actor is text or None and
    its payload of its event's payload class. An event that is not raises
    ``refuse(error)`` (default: the :class:`~trajectory.InvalidData` naming the
    position, such as ``events[3].from_state``), each time it is asked for.
    Together, the events read form a history :func:`verify_history` accepts.

    :meth:`Trajectory.resume <trajectory.engine.runtime.Trajectory.resume>` takes
    such a history and reads only the events after its snapshot (and the last one).
    """
    states = verify_rows(rows, lifecycle)
    if not isinstance(trajectory_id, str):
        raise wrong_type("trajectory_id", "text", trajectory_id)
    if not callable(read):
        raise wrong_type("read", "a function of an event's position", read)
    events: list[Event | None] = [None] * len(states)
    lazy = _Lazy(rows, states, read, refuse, lifecycle, trajectory_id, events)
    return History._view(events, lazy, len(events))


class _Lazy:
    """How the events of a stored history that were not read yet are read (see
    :func:`stored_history`): into ``events``, the list whose ``None`` entries they are."""

    __slots__ = (
        "_lock",
        "events",
        "left",
        "lifecycle",
        "read_event",
        "refuse",
        "rows",
        "states",
        "trajectory_id",
    )

    def __init__(
        self,
        rows: Sequence[tuple[Any, ...]],
        states: tuple[str, ...],
        read: Callable[[int], Event],
        refuse: Callable[[InvalidData], Exception] | None,
        lifecycle: Lifecycle[Any],
        trajectory_id: str,
        events: list[Event | None],
    ) -> None:
        self.rows = rows
        self.states = states
        self.read_event = read
        self.refuse = refuse
        self.lifecycle = lifecycle
        self.trajectory_id = trajectory_id
        self.events = events
        #: How many entries of ``events`` are still to be read.
        self.left = sum(map(operator.is_, events, itertools.repeat(None)))
        self._lock = threading.Lock()

    def bound(self, events: list[Event | None]) -> _Lazy:
        """The same reading, into another list (a trajectory's own)."""
        return _Lazy(
            self.rows,
            self.states,
            self.read_event,
            self.refuse,
            self.lifecycle,
            self.trajectory_id,
            events,
        )

    def event(self, index: int) -> Event:
        """The event at ``index``, read and checked now, and kept in ``events``."""
        event = self.read(index)
        with self._lock:
            if self.events[index] is None:
                self.events[index] = event
                self.left -= 1
        return event

    def read(self, index: int) -> Event:
        """The event at ``index``, read and checked (not kept)."""
        event = self.read_event(index)
        try:
            self._check(index, event)
        except InvalidData as err:
            if self.refuse is None:
                raise
            raise self.refuse(err) from err
        return event

    def _check(self, index: int, event: object) -> None:
        """:class:`~trajectory.InvalidData` unless ``event`` is the one its row and
        the states before it say (checked as :func:`verify_history` checks, with
        its messages)."""
        where = f"events[{index}]"
        if not isinstance(event, Event):
            raise wrong_type(where, "an Event", event)
        sequence, event_id, event_name, stored = self.rows[index][:4]
        timestamp = _read_moment(stored) if type(stored) is str else stored
        if type(event.sequence) is not int or event.sequence != sequence:
            raise InvalidData(
                f"{where}.sequence",
                f"expected {sequence} (its row's), got {describe(event.sequence)}",
            )
        if event.trajectory_id != self.trajectory_id:
            raise InvalidData(
                f"{where}.trajectory_id",
                f"expected {self.trajectory_id!r}, got {describe(event.trajectory_id)}",
            )
        lifecycle = self.lifecycle
        if index == 0:
            payload_type = _check_creation(event, lifecycle)
        else:  # where it leaves from and leads to, as its own name routes it
            payload_type = _check_step(index, event, self.states[index - 1], lifecycle)
        for name, expected, found in (("name", event_name, event.name), ("id", event_id, event.id)):
            if type(found) is not str or found != expected:
                raise InvalidData(
                    f"{where}.{name}", f"expected {expected!r} (its row's), got {describe(found)}"
                )
        if type(event.timestamp) is not dt.datetime or event.timestamp != timestamp:
            raise InvalidData(
                f"{where}.timestamp",
                f"expected {timestamp} (its row's), got {describe(event.timestamp)}",
            )
        if event.actor is not None and not isinstance(event.actor, str):
            raise wrong_type(f"{where}.actor", "a string or None", event.actor)
        if not isinstance(event.payload, payload_type):
            raise wrong_type(f"{where}.payload", f"a {payload_type.__name__}", event.payload)


class History(Sequence[Event]):
    """A trajectory's history, read-only: every accepted event, the creation first.

    :attr:`Trajectory.history <trajectory.engine.runtime.Trajectory.history>` is
    one: it does not change when the trajectory goes on. A history loaded from a
    store reads its events when they are first asked for (see
    :func:`stored_history`), and raises the store's error for one that cannot be
    read. It reads as any sequence (a slice is a tuple), and equals a history, a
    tuple or a list of the same events.

    >>> History([]) == ()
    True
    """

    __slots__ = ("_events", "_lazy", "_stop")

    _events: list[Event | None]
    _lazy: _Lazy | None
    _stop: int | None

    def __init__(self, events: Iterable[Event] = ()) -> None:
        found = _events_of(events)
        self._events = found
        self._lazy = None
        self._stop = len(found)

    @classmethod
    def _view(cls, events: list[Any], lazy: _Lazy | None, stop: int | None) -> History:
        """The first ``stop`` entries of ``events`` (all of them, as they grow, for
        ``None``), the ``None`` ones read by ``lazy``."""
        made = cls.__new__(cls)
        made._events, made._lazy, made._stop = events, lazy, stop
        return made

    def _read_all(self) -> bool:
        """Whether every entry is an event (none is left to read)."""
        lazy = self._lazy
        return lazy is None or lazy.left == 0

    def __len__(self) -> int:
        stop = self._stop
        return len(self._events) if stop is None else stop

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...

    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        size = len(self)
        if isinstance(index, slice):
            start, stop, step = index.indices(size)
            if step == 1 and self._read_all():  # only the part asked for is copied
                return tuple(self._events[start:stop])  # type: ignore[arg-type]
            return tuple(map(self._at, range(start, stop, step)))
        position = operator.index(index)
        if position < 0:
            position += size
        if not 0 <= position < size:
            raise IndexError("history index out of range")
        return self._at(position)

    def _at(self, position: int) -> Event:
        event = self._events[position]
        if event is None:
            assert self._lazy is not None  # only a stored history has entries to read
            return self._lazy.event(position)
        return event

    def __iter__(self) -> Iterator[Event]:
        if self._read_all():
            events: Iterator[Any] = iter(self._events)
            return events if self._stop is None else itertools.islice(events, self._stop)
        return map(self._at, range(len(self)))

    def __reversed__(self) -> Iterator[Event]:
        return map(self._at, range(len(self) - 1, -1, -1))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History | tuple | list):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __add__(self, other: object) -> tuple[Event, ...]:
        """This history's events and ``other``'s (a history, a tuple or a list), as a
        tuple (as a tuple's ``+`` gives one)."""
        if isinstance(other, History | tuple | list):
            return (*self, *other)
        return NotImplemented

    def __radd__(self, other: object) -> tuple[Event, ...]:
        if isinstance(other, tuple | list):
            return (*other, *self)
        return NotImplemented

    def __hash__(self) -> int:
        if self._stop is None:
            raise TypeError("the history a trajectory is still adding to is not hashable")
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"<history of {len(self)} events>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (History, (tuple(self),))


def _read_moment(text: str) -> dt.datetime | str:
    """A moment from its ISO text; the text itself if it is none (the caller's
    check then says what is wrong with it)."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


def _events_of(events: Iterable[Event]) -> list[Event | None]:
    """``events`` as a list, if every one is an :class:`Event`; else
    :class:`~trajectory.InvalidData` naming the first that is not."""
    try:
        found: list[Event | None] = list(events)
    except TypeError as err:
        raise wrong_type("events", "an iterable of Event", events) from err
    for index, event in enumerate(found):
        if not isinstance(event, Event):
            raise wrong_type(f"events[{index}]", "an Event", event)
    return found
