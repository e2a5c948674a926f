"""What is due when: recurring events with a cadence, and deadlines.

A :class:`Recurring` event should happen every so often while the trajectory is in
one of its states (a weekly board session); a :class:`Deadline` says an event must
happen within some days of entering a state, or before a date from the data.
:func:`due` answers, for a moment ``now`` from an injected clock, what is pending,
when it is due and whether it is overdue. Everything is computed from the history;
nothing is stored and nothing fires by itself.

A moment that would lie beyond the dates Python can represent (after the year 9999)
is never due: :func:`shifted` gives ``None`` for it, and :func:`due` leaves it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from trajectory.engine.errors import DefinitionError, wrong_type
from trajectory.engine.fields import check_aware, describe
from trajectory.engine.history import check_moment
from trajectory.engine.repeats import entered

if TYPE_CHECKING:
    from trajectory.engine.history import Event
    from trajectory.engine.runtime import Trajectory

__all__ = ["DateOf", "Deadline", "Due", "Recurring", "due", "shifted"]

#: A date (or moment) read from the trajectory's data; ``None`` when there is none.
DateOf = Callable[[Any], dt.date | dt.datetime | None]

Day = TypeVar("Day", bound=dt.date)


def shifted(value: Day, delta: dt.timedelta) -> Day | None:
    """``value + delta`` (a date or a datetime), or ``None`` when that lies beyond
    the dates Python can represent: after 9999-12-31 or before the year 1.

    Date arithmetic near the ends of time overflows; a deadline that far away is
    never due, so guards and schedules ask here instead of adding themselves.

    >>> shifted(dt.date(2024, 9, 1), dt.timedelta(days=30))
    datetime.date(2024, 10, 1)
    >>> shifted(dt.date(9999, 12, 1), dt.timedelta(days=60)) is None
    True
    """
    if not isinstance(value, dt.date):
        raise wrong_type("value", "a date or a datetime", value)
    if not isinstance(delta, dt.timedelta):
        raise wrong_type("delta", "a timedelta", delta)
    try:
        return value + delta
    except OverflowError:
        return None


def _states(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        raise DefinitionError(f"expected a state's name or several, got {describe(value)}")
    return tuple(value)


@attrs.frozen
class Recurring:
    """``event`` is due every ``every`` while the trajectory is in one of ``states``.

    The first time one period after entering the states, then one period after
    each occurrence.
    """

    event: str
    every: dt.timedelta
    states: tuple[str, ...] = attrs.field(converter=_states)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.every, dt.timedelta) or self.every <= dt.timedelta(0):
            raise DefinitionError(
                f"the recurring event {describe(self.event)} needs a positive period, "
                f"got {describe(self.every)}"
            )
        if not self.states:
            raise DefinitionError(f"the recurring event {self.event!r} names no states")


@attrs.frozen
class Deadline:
    """``event`` must happen within ``within`` of entering ``state``, or by the
    date that ``date`` reads from the data (the end of that day in the timezone
    of the moment asked about). It is pending while the trajectory is in ``state``
    and the event has not occurred since it entered."""

    event: str
    state: str
    within: dt.timedelta | None = None
    date: DateOf | None = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if (self.within is None) == (self.date is None):
            raise DefinitionError(
                f"the deadline of {self.event!r} needs either a period or a date, not "
                f"{'both' if self.within is not None else 'neither'}"
            )
        if self.within is not None and (
            not isinstance(self.within, dt.timedelta) or self.within < dt.timedelta(0)
        ):
            raise DefinitionError(
                f"the deadline of {describe(self.event)} needs a period from 0, "
                f"got {describe(self.within)}"
            )


@attrs.frozen
class Due:
    """One thing that is due: ``event`` at ``at``, pending ``since``; ``overdue``
    when ``now`` is past ``at``."""

    kind: Literal["recurring", "deadline"]
    event: str
    since: dt.datetime
    at: dt.datetime
    overdue: bool


def _end_of_day(value: dt.date | dt.datetime, now: dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return check_aware(value, "date")
    return dt.datetime.combine(value, dt.time.max, tzinfo=now.tzinfo)


def _since(history: Sequence[Event], start: int, event: str) -> Event | None:
    for index in range(len(history) - 1, start - 1, -1):
        if history[index].name == event:
            return history[index]
    return None


def _recurring(rule: Recurring, history: Sequence[Event], now: dt.datetime) -> Due | None:
    entry = entered(history, rule.states)
    if entry is None:
        return None
    last = _since(history, entry.sequence - 1, rule.event)
    since = entry.timestamp if last is None else last.timestamp
    at = shifted(since, rule.every)
    if at is None:  # beyond the year 9999: never due
        return None
    return Due("recurring", rule.event, since, at, now > at)


def _deadline(rule: Deadline, history: Sequence[Event], data: Any, now: dt.datetime) -> Due | None:
    entry = entered(history, rule.state)
    if entry is None:
        return None
    start = entry.sequence - 1
    if entry.name == rule.event or _since(history, start + 1, rule.event) is not None:
        return None
    if rule.within is not None:
        within = shifted(entry.timestamp, rule.within)
        if within is None:  # beyond the year 9999: never due
            return None
        at = within
    else:
        assert rule.date is not None  # checked when the deadline was made
        value = rule.date(data)
        if value is None:
            return None
        at = _end_of_day(value, now)
    return Due("deadline", rule.event, entry.timestamp, at, now > at)


def due(
    trajectory: Trajectory[Any],
    now: dt.datetime,
    *,
    recurring: Iterable[Recurring] = (),
    deadlines: Iterable[Deadline] = (),
) -> tuple[Due, ...]:
    """What is pending for ``trajectory`` at ``now`` (timezone-aware), soonest first.

    Usually called as :meth:`Lifecycle.due <trajectory.engine.Lifecycle.due>`, which
    passes the lifecycle's own rules.
    """
    from trajectory.engine.runtime import Trajectory  # runtime imports this module

    if not isinstance(trajectory, Trajectory):
        raise wrong_type("trajectory", "a Trajectory", trajectory)
    check_moment(now, "now")
    history = trajectory.history
    found = [d for rule in recurring if (d := _recurring(rule, history, now)) is not None]
    found += [
        d for rule in deadlines if (d := _deadline(rule, history, trajectory.data, now)) is not None
    ]
    return tuple(sorted(found, key=lambda item: (item.at, item.event)))
