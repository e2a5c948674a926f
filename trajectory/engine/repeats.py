"""Counted repeats and cycles, kept as events are applied.

A :class:`Repeat` says how often an event may occur (``maximum``) and how often it
must have occurred before another event may fire (``minimum``, checked when one of
``required_by`` fires). Occurrences are counted in the history, optionally only
``within`` the current stay in a state or ``since`` the last occurrence of an event.

A :class:`Cycle` names the event that starts each round of a lifecycle that loops
back; the iteration is the number of times that event was taken, and a cycle may
have a ``maximum`` number of iterations.

The engine turns both into guards of the events they concern, which run before the
event's own guards and report the engine's violations (``repeat.maximum``,
``repeat.minimum``, ``cycle.maximum``) or the ones the rule names.

A trajectory keeps the count of each rule as its events are applied (see
:meth:`Lifecycle.counted <trajectory.engine.definition.Lifecycle.counted>`) and hands
the counts to the guards in :attr:`Context.counts
<trajectory.engine.definition.Context.counts>`, so a guard never counts the history
again: its cost does not grow with the history's length. :func:`count` and
:func:`entered` say what those counts are, for a history given as a whole::

    >>> from trajectory.engine.history import Event
    >>> import datetime as dt
    >>> at = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    >>> history = [
    ...     Event("1", "t", 1, at, "created", None, "open", None),
    ...     Event("2", "t", 2, at, "visit", "open", "open", None),
    ...     Event("3", "t", 3, at, "visit", "open", "open", None),
    ... ]
    >>> count(history, "visit")
    2
    >>> count(history, "visit", since="visit")
    0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from trajectory.engine.errors import DefinitionError
from trajectory.engine.fields import describe as _shown
from trajectory.engine.violations import Violation, ViolationRegistry, ViolationType
from trajectory.engine.wording import Wording

if TYPE_CHECKING:
    from trajectory.engine.definition import Context
    from trajectory.engine.history import Event

__all__ = [
    "CYCLE_MAXIMUM",
    "REPEAT_MAXIMUM",
    "REPEAT_MINIMUM",
    "RULE_VIOLATIONS",
    "Cycle",
    "Limit",
    "Repeat",
    "Step",
    "count",
    "entered",
    "step",
]

#: A bound: a fixed number, or a function of the trajectory's data (a scheme value).
Limit = int | Callable[[Any], int]

#: The violations of repeat and cycle rules; a lifecycle declares those its rules use.
RULE_VIOLATIONS: Final = ViolationRegistry()

REPEAT_MAXIMUM: Final = RULE_VIOLATIONS.define(
    "repeat.maximum",
    nl="De stap ‘{event:event}’ is al {actual:plural one:# keer|other:# keer} gezet; "
    "het maximum is {maximum:number}.",
    en="The step ‘{event:event}’ has been taken "
    "{actual:plural one:once|other:# times} already; the maximum is {maximum:number}.",
    description="A counted event would occur more often than its maximum.",
)
REPEAT_MINIMUM: Final = RULE_VIOLATIONS.define(
    "repeat.minimum",
    nl="De stap ‘{event:event}’ moet minimaal "
    "{required:plural one:# keer|other:# keer} gezet zijn; dat is "
    "{actual:plural one:# keer|other:# keer}.",
    en="The step ‘{event:event}’ must have been taken at least "
    "{required:plural one:once|other:# times}; it has been taken "
    "{actual:plural one:once|other:# times}.",
    description="An event needs a counted event to have occurred at least a minimum of times.",
)
CYCLE_MAXIMUM: Final = RULE_VIOLATIONS.define(
    "cycle.maximum",
    nl="De cyclus ‘{cycle:cycle}’ is al {actual:plural one:# keer|other:# keer} doorlopen; "
    "het maximum is {maximum:number}.",
    en="The cycle ‘{cycle:cycle}’ has run {actual:plural one:once|other:# times} already; "
    "the maximum is {maximum:number}.",
    description="A new round of a cycle would exceed its maximum number of iterations.",
)


def count(
    history: Sequence[Event], event: str, *, within: str | None = None, since: str | None = None
) -> int:
    """How often ``event`` occurs in ``history``: all of it, or only since the
    trajectory last entered the state ``within``, or since the last ``since`` event
    (whichever is later)."""
    found = 0
    for past in reversed(history):
        if since is not None and past.name == since:
            return found
        if past.name == event:
            found += 1
        if within is not None and past.to_state == within and past.from_state != within:
            return found
    return found


def entered(history: Sequence[Event], states: str | Sequence[str]) -> Event | None:
    """The event by which the trajectory entered ``states`` (one state or several taken
    together) for its current stay there; ``None`` when it is not in them now."""
    inside = (states,) if isinstance(states, str) else tuple(states)
    if not history or history[-1].to_state not in inside:
        return None
    for index in range(len(history) - 1, -1, -1):
        if history[index].from_state not in inside:
            return history[index]
    return history[0]  # unreachable: the creation comes from no state


#: How an event changes a count: ``(True, n)`` sets it to ``n``, ``(False, 1)`` adds one;
#: ``None`` leaves it as it is.
Step = tuple[bool, int] | None


def step(
    counted: str,
    name: str,
    source: str | None,
    target: str,
    *,
    within: str | None = None,
    since: str | None = None,
) -> Step:
    """What the event ``name`` (from ``source`` to ``target``; the creation comes
    from ``None``) does to the count of ``counted`` that :func:`count` gives with
    ``within`` and ``since``: applied to the count before the event, it gives the
    count after it.

    >>> step("visit", "visit", "open", "open")
    (False, 1)
    >>> step("visit", "reopen", "closed", "open", within="open")
    (True, 0)
    >>> step("visit", "close", "open", "closed") is None
    True
    """
    if since is not None and name == since:
        return (True, 0)
    if within is not None and target == within and source != within:
        return (True, 1 if name == counted else 0)
    if name == counted:
        return (False, 1)
    return None


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _limit(limit: Limit, data: Any) -> int:
    return limit if isinstance(limit, int) else limit(data)


def _check_limit(limit: Limit | None, what: str) -> None:
    if limit is None or callable(limit):
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DefinitionError(
            f"{what}: expected a whole number from 0, or a function, got {_shown(limit)}"
        )


def _counter(
    counted: Callable[[Sequence[Event]], int], counter: int | None
) -> Callable[[Context], int]:
    """How a rule's guard finds its count in a context: the count the trajectory
    keeps at position ``counter`` of ``context.counts``, or, without a position,
    ``counted`` of the history."""
    if counter is None:
        return lambda context: counted(context.history)
    if type(counter) is not int or counter < 0:
        raise DefinitionError(f"a counter is a position from 0, got {_shown(counter)}")
    position = counter
    return lambda context: context.counts[position]


def _maximum_guard(
    maximum: Limit | None,
    counted: Callable[[Context], int],
    violation: ViolationType,
    engine_violation: ViolationType,
    wording: Wording | None,
    **names: str,
) -> Callable[[Any, Any, Context], list[Violation]]:
    """A guard refusing once ``counted`` reaches ``maximum``, with ``violation``
    given ``maximum`` and ``actual``; when that is the engine's own
    ``engine_violation``, also ``names`` (the event or the cycle)."""
    assert maximum is not None  # only asked for when there is one
    details = names if violation is engine_violation else {}

    def guard(data: Any, payload: Any, context: Context) -> list[Violation]:
        bound = _limit(maximum, data)
        actual = counted(context)
        if actual < bound:
            return []
        return [violation.worded(wording, **details, maximum=bound, actual=actual)]

    return guard


@attrs.frozen
class Repeat:
    """How often ``event`` may occur, and must have occurred before ``required_by``.

    ``maximum`` refuses ``event`` once it occurred that many times; ``minimum``
    refuses each event of ``required_by`` until it occurred that many times. Both
    are numbers or functions of the data (``lambda data: data.rules.maximum``).
    Occurrences count over the whole history, or ``within`` the current stay in a
    state, or ``since`` the last occurrence of another event (a cycle's start).
    ``maximum_violation`` and ``minimum_violation`` replace the engine's
    ``repeat.maximum`` and ``repeat.minimum``; they receive the figures,
    ``maximum`` or ``required``, and ``actual`` (the engine's own also ``event``).
    """

    event: str
    maximum: Limit | None = None
    minimum: Limit | None = None
    required_by: tuple[str, ...] = attrs.field(default=(), converter=_names)
    within: str | None = None
    since: str | None = None
    maximum_violation: ViolationType = REPEAT_MAXIMUM
    minimum_violation: ViolationType = REPEAT_MINIMUM
    description: str = ""

    def __attrs_post_init__(self) -> None:
        what = f"the repeat of {_shown(self.event)}"
        _check_limit(self.maximum, f"{what}: maximum")
        _check_limit(self.minimum, f"{what}: minimum")
        if self.maximum is None and self.minimum is None:
            raise DefinitionError(f"{what} has neither a maximum nor a minimum")
        if self.minimum is not None and not self.required_by:
            raise DefinitionError(f"{what} has a minimum but no event in required_by")
        if self.required_by and self.minimum is None:
            raise DefinitionError(f"{what} has events in required_by but no minimum")
        maximum, minimum = self.maximum, self.minimum
        if isinstance(maximum, int) and isinstance(minimum, int) and minimum > maximum:
            raise DefinitionError(f"{what}: the minimum {minimum} is above the maximum {maximum}")

    def occurrences(self, history: Sequence[Event]) -> int:
        """How often the event occurred in the counted part of ``history``."""
        return count(history, self.event, within=self.within, since=self.since)

    def step(self, name: str, source: str | None, target: str) -> Step:
        """What the event ``name`` from ``source`` to ``target`` does to the count of
        :meth:`occurrences` (see :func:`step`)."""
        return step(self.event, name, source, target, within=self.within, since=self.since)

    def maximum_guard(
        self, counter: int | None = None, *, wording: Wording | None = None
    ) -> Callable[[Any, Any, Context], list[Violation]]:
        """The guard of ``event``: refused once it occurred ``maximum`` times.

        With ``counter``, the guard reads the count at that position of
        :attr:`Context.counts <trajectory.engine.definition.Context.counts>` (the
        lifecycle passes the position of this rule's count); without it, it counts
        ``context.history``."""
        return _maximum_guard(
            self.maximum,
            _counter(self.occurrences, counter),
            self.maximum_violation,
            REPEAT_MAXIMUM,
            wording,
            event=self.event,
        )

    def minimum_guard(
        self, counter: int | None = None, *, wording: Wording | None = None
    ) -> Callable[[Any, Any, Context], list[Violation]]:
        """The guard of each ``required_by`` event: refused until ``event`` occurred
        ``minimum`` times (``counter`` as for :meth:`maximum_guard`)."""
        minimum = self.minimum
        assert minimum is not None  # only asked for when there is one
        violation = self.minimum_violation
        counted = _counter(self.occurrences, counter)

        def guard(data: Any, payload: Any, context: Context) -> list[Violation]:
            bound = _limit(minimum, data)
            actual = counted(context)
            if actual >= bound:
                return []
            if violation is REPEAT_MINIMUM:
                return [violation.worded(wording, event=self.event, required=bound, actual=actual)]
            return [violation.worded(wording, required=bound, actual=actual)]

        return guard


@attrs.frozen
class Cycle:
    """A lifecycle that loops back: ``start`` is the event that starts every round.

    The iteration is how often ``start`` was taken (0 before the first round).
    With a ``maximum`` (a number or a function of the data), ``start`` is refused
    once the cycle ran that often (``cycle.maximum`` with the details ``cycle``,
    ``maximum`` and ``actual``; or ``maximum_violation``, given ``maximum`` and
    ``actual``).
    """

    name: str
    start: str
    maximum: Limit | None = None
    maximum_violation: ViolationType = CYCLE_MAXIMUM
    description: str = ""

    def __attrs_post_init__(self) -> None:
        _check_limit(self.maximum, f"the cycle {_shown(self.name)}: maximum")

    def iteration(self, history: Sequence[Event]) -> int:
        """The round the trajectory is in: how often ``start`` was taken."""
        return count(history, self.start)

    def step(self, name: str, source: str | None, target: str) -> Step:
        """What the event ``name`` from ``source`` to ``target`` does to the count of
        :meth:`iteration` (see :func:`step`)."""
        return step(self.start, name, source, target)

    def maximum_guard(
        self, counter: int | None = None, *, wording: Wording | None = None
    ) -> Callable[[Any, Any, Context], list[Violation]]:
        """The guard of ``start``: refused once the cycle ran ``maximum`` times
        (``counter`` as for :meth:`Repeat.maximum_guard`)."""
        return _maximum_guard(
            self.maximum,
            _counter(self.iteration, counter),
            self.maximum_violation,
            CYCLE_MAXIMUM,
            wording,
            cycle=self.name,
        )
