"""Counted repeats and cycles: bounds counted in the history, the engine's violations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trajectory import (
    Context,
    Creation,
    DefinitionError,
    EventDefinition,
    InvalidData,
    Lifecycle,
    ManualClock,
    PreconditionFailed,
    State,
    Transition,
    Violation,
    ViolationRegistry,
)
from trajectory.engine.history import Event
from trajectory.engine.repeats import Cycle, Repeat, count, entered

START = dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC)


@attrs.frozen
class Team:
    """The toy's data: a team with a maximum of meetings per round."""

    name: str
    meetings_allowed: int = 2


@attrs.frozen
class Formed:
    """The toy's creation payload."""

    name: str
    meetings_allowed: int = 2


def _form(payload: Formed, context: Context) -> Team:
    return Team(payload.name, payload.meetings_allowed)


def _event(name: str, sources: tuple[str, ...], target: str | None) -> EventDefinition[Any]:
    return EventDefinition(name, (Transition(sources, target),))


STATES = (State("forming"), State("working"), State("reviewing"), State("done", final=True))
EVENTS = (
    _event("start", ("forming", "reviewing"), "working"),
    _event("meet", ("working",), None),
    _event("review", ("working",), "reviewing"),
    _event("close", ("reviewing",), "done"),
)


def lifecycle(
    *,
    repeats: tuple[Repeat, ...] = (),
    cycles: tuple[Cycle, ...] = (),
    violations: ViolationRegistry | None = None,
    events: tuple[EventDefinition[Any], ...] = EVENTS,
) -> Lifecycle[Team]:
    return Lifecycle[Team](
        "team",
        states=STATES,
        events=events,
        initial="forming",
        creation=Creation(Formed, _form),
        repeats=repeats,
        cycles=cycles,
        violations=violations,
    )


def codes(violations: list[Violation]) -> list[tuple[str, dict[str, Any]]]:
    return [(v.code, dict(v.details)) for v in violations]


# -- counting --------------------------------------------------------------------------------


def _history(*steps: tuple[str, str | None, str]) -> list[Event]:
    return [
        Event(str(n), "t", n, START, name, source, target, None)
        for n, (name, source, target) in enumerate(steps, start=1)
    ]


HISTORY = _history(
    ("created", None, "forming"),
    ("start", "forming", "working"),
    ("meet", "working", "working"),
    ("review", "working", "reviewing"),
    ("start", "reviewing", "working"),
    ("meet", "working", "working"),
    ("meet", "working", "working"),
)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [({}, 3), ({"within": "working"}, 2), ({"since": "review"}, 2), ({"since": "close"}, 3)],
)
def test_count_in_scope(scope: dict[str, str], expected: int) -> None:
    """count() counts the whole history, the current stay in a state, or since an event."""
    assert expected == count(HISTORY, "meet", **scope)


def test_entered_finds_the_start_of_the_current_stay() -> None:
    """entered() is the event that began the current stay, None when elsewhere."""
    assert HISTORY[4] == entered(HISTORY, "working")
    assert entered(HISTORY, "reviewing") is None


def test_entered_over_several_states() -> None:
    """Several states taken together are entered when the trajectory came from outside."""
    assert HISTORY[0] == entered(HISTORY, ("forming", "working", "reviewing"))
    assert HISTORY[3] == entered(HISTORY[:4], ("reviewing",))


# -- repeats ----------------------------------------------------------------------------------


def test_maximum_refuses_with_the_engine_violation() -> None:
    """Once 'meet' occurred the maximum number of times, it is refused with
    repeat.maximum and the figures; the nl and en messages show them."""
    t = lifecycle(repeats=(Repeat("meet", maximum=2),)).create(
        Formed("A"), clock=ManualClock(START)
    )
    t.fire("start")
    t.fire("meet")
    assert [] == t.check("meet")
    t.fire("meet")
    found = t.check("meet")
    assert [("repeat.maximum", {"event": "meet", "maximum": 2, "actual": 2})] == codes(found)
    assert "maximum is 2" in found[0].message("en")
    assert "maximum is 2" in found[0].message("nl")
    with pytest.raises(PreconditionFailed):
        t.fire("meet")
    assert 4 == t.version


def test_minimum_refuses_the_events_that_need_it() -> None:
    """An event in required_by is refused with repeat.minimum until the counted event
    occurred the minimum number of times."""
    t = lifecycle(repeats=(Repeat("meet", minimum=2, required_by=("review",)),)).create(
        Formed("A"), clock=ManualClock(START)
    )
    t.fire("start")
    t.fire("meet")
    expected = [("repeat.minimum", {"event": "meet", "required": 2, "actual": 1})]
    assert expected == codes(t.check("review"))
    t.fire("meet")
    assert [] == t.check("review")
    t.fire("review")
    assert "reviewing" == t.state


def test_limits_from_the_data() -> None:
    """A bound may be a function of the data (a scheme value)."""
    rule = Repeat("meet", maximum=lambda team: team.meetings_allowed)
    t = lifecycle(repeats=(rule,)).create(Formed("A", meetings_allowed=1), clock=ManualClock(START))
    t.fire("start")
    t.fire("meet")
    assert ["repeat.maximum"] == [v.code for v in t.check("meet")]


def test_counting_within_the_state_starts_again_each_stay() -> None:
    """With within=, a new stay in the state counts from zero."""
    rule = Repeat("meet", maximum=1, within="working")
    t = lifecycle(repeats=(rule,)).create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    t.fire("meet")
    assert ["repeat.maximum"] == [v.code for v in t.check("meet")]
    t.fire("review")
    t.fire("start")
    assert [] == t.check("meet")


def test_a_rule_may_name_its_own_violation_type() -> None:
    """A rule reports the lifecycle's own violation type, with the figures only."""
    own = ViolationRegistry()
    too_many = own.define(
        "meetings.maximum", nl="Maximaal {maximum}, al {actual}.", en="At most {maximum}, {actual}."
    )
    rule = Repeat("meet", maximum=1, maximum_violation=too_many)
    t = lifecycle(repeats=(rule,), violations=own).create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    t.fire("meet")
    found = t.check("meet")
    assert [("meetings.maximum", {"maximum": 1, "actual": 1})] == codes(found)
    assert "At most 1, 1." == found[0].message("en")


def test_rule_guards_run_before_the_events_own_guards() -> None:
    """The engine's rule guards come first, so their violations are listed first."""
    own = ViolationRegistry()
    busy = own.define("team.busy", nl="Bezet.", en="Busy.")
    meet = EventDefinition[Any](
        "meet", (Transition(("working",), None),), guards=(lambda d, p, c: [busy()],)
    )
    events = (EVENTS[0], meet, *EVENTS[2:])
    made = lifecycle(repeats=(Repeat("meet", maximum=0),), violations=own, events=events)
    t = made.create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    assert ["repeat.maximum", "team.busy"] == [v.code for v in t.check("meet")]
    assert made.events["meet"] is meet
    assert 1 == len(made.events["meet"].guards)
    assert 2 == len(made.event("meet").guards)


def test_only_used_rule_violations_are_declared() -> None:
    """A lifecycle declares the engine's rule violations its rules use, no others."""
    assert {"transition.not_allowed"} == set(lifecycle().violations)
    made = lifecycle(repeats=(Repeat("meet", minimum=1, required_by=("review",)),))
    assert {"transition.not_allowed", "repeat.minimum"} == set(made.violations)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "neither a maximum nor a minimum"),
        ({"minimum": 1}, "no event in required_by"),
        ({"maximum": 1, "required_by": ("review",)}, "no minimum"),
        ({"maximum": 1, "minimum": 2, "required_by": ("review",)}, "above the maximum"),
        ({"maximum": -1}, "from 0"),
        ({"maximum": True}, "from 0"),
    ],
)
def test_inconsistent_repeats_are_refused(arguments: dict[str, Any], message: str) -> None:
    """A repeat without bounds, with a minimum above its maximum, or a negative bound,
    is a DefinitionError."""
    with pytest.raises(DefinitionError, match=message):
        Repeat("meet", **arguments)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Repeat("chat", maximum=1), "unknown event 'chat'"),
        (Repeat("meet", minimum=1, required_by=("leave",)), "unknown event 'leave'"),
        (Repeat("meet", maximum=1, since="leave"), "unknown event 'leave'"),
        (Repeat("meet", maximum=1, within="resting"), "unknown state 'resting'"),
    ],
)
def test_repeats_refer_to_known_names(rule: Repeat, message: str) -> None:
    """A repeat naming an unknown event or state is a DefinitionError."""
    with pytest.raises(DefinitionError, match=message):
        lifecycle(repeats=(rule,))


def test_an_undeclared_violation_type_is_refused() -> None:
    """A rule's own violation type must be declared by the lifecycle."""
    stray = ViolationRegistry().define("meetings.maximum", nl="x", en="y")
    with pytest.raises(DefinitionError, match=r"meetings\.maximum"):
        lifecycle(repeats=(Repeat("meet", maximum=1, maximum_violation=stray),))


# -- cycles -------------------------------------------------------------------------------------


def test_iteration_counts_the_cycle_start() -> None:
    """The iteration is how often the cycle's start event was taken."""
    made = lifecycle(cycles=(Cycle("round", "start"),))
    t = made.create(Formed("A"), clock=ManualClock(START))
    assert 0 == made.iteration(t, "round")
    t.fire("start")
    assert 1 == made.iteration(t, "round")
    t.fire("review")
    t.fire("start")
    assert 2 == made.iteration(t, "round")
    assert 2 == made.cycles["round"].iteration(t.history)
    assert 2 == t.iteration("round")


def test_cycle_maximum() -> None:
    """A cycle with a maximum refuses another round with cycle.maximum."""
    made = lifecycle(cycles=(Cycle("round", "start", maximum=2),))
    t = made.create(Formed("A"), clock=ManualClock(START))
    for _ in range(2):
        t.fire("start")
        t.fire("review")
    expected = [("cycle.maximum", {"cycle": "round", "maximum": 2, "actual": 2})]
    assert expected == codes(t.check("start"))
    t.fire("close")
    assert "done" == t.state


def test_guards_read_the_iteration_from_the_context() -> None:
    """A guard of the lifecycle's own reads the iteration from context.history."""
    own = ViolationRegistry()
    first_round = own.define("review.first_round", nl="Eerste ronde.", en="First round.")
    cycle = Cycle("round", "start")

    def not_in_first_round(data: Team, payload: Any, context: Context) -> list[Violation]:
        return [first_round()] if cycle.iteration(context.history) < 2 else []

    close = EventDefinition[Any](
        "close", (Transition(("reviewing",), "done"),), guards=(not_in_first_round,)
    )
    made = lifecycle(cycles=(cycle,), violations=own, events=(*EVENTS[:3], close))
    t = made.create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    t.fire("review")
    assert ["review.first_round"] == [v.code for v in t.check("close")]
    t.fire("start")
    t.fire("review")
    assert [] == t.check("close")


def test_unknown_cycle() -> None:
    """Asking for the iteration of an unknown cycle raises InvalidData naming 'cycle'."""
    made = lifecycle()
    t = made.create(Formed("A"), clock=ManualClock(START))
    with pytest.raises(InvalidData) as info:
        made.iteration(t, "round")
    assert "cycle" == info.value.field


def test_cycles_are_checked() -> None:
    """A cycle whose start is unknown, or a name used twice, is a DefinitionError."""
    with pytest.raises(DefinitionError, match="unknown event 'begin'"):
        lifecycle(cycles=(Cycle("round", "begin"),))
    with pytest.raises(DefinitionError, match="defined twice"):
        lifecycle(cycles=(Cycle("round", "start"), Cycle("round", "review")))


def test_replay_keeps_the_counts() -> None:
    """A replayed trajectory counts the same history, so it refuses the same events."""
    made = lifecycle(repeats=(Repeat("meet", maximum=1),))
    t = made.create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    t.fire("meet")
    again = made.replay(t.history, clock=ManualClock(START))
    assert ["repeat.maximum"] == [v.code for v in again.check("meet")]
    assert codes(t.check("meet")) == codes(again.check("meet"))


# -- counts kept as events are applied ---------------------------------------------------------

COUNTED = (
    Repeat("meet", maximum=1000),
    Repeat("meet", maximum=1000, within="working"),
    Repeat("meet", maximum=1000, since="review"),
    Repeat("meet", maximum=1000, within="working", since="review"),
    Repeat("start", maximum=1000, within="working"),
    Repeat("review", maximum=1000, since="review"),
)
#: Each step from each state, as a walk may take it.
MOVES = {"forming": ("start",), "working": ("meet", "review"), "reviewing": ("start", "close")}


@given(choices=st.lists(st.integers(min_value=0, max_value=1), max_size=40))
def test_the_counts_kept_equal_the_counts_of_the_history(choices: list[int]) -> None:
    """After every event of any walk, each count a trajectory keeps equals what
    count() gives for its history; so do the cycle's iteration, and the counts of
    a trajectory replayed from, or restored with, that history."""
    made = lifecycle(repeats=COUNTED, cycles=(Cycle("round", "start"),))
    t = made.create(Formed("Blue"), clock=ManualClock(START))
    for choice in choices:
        if t.is_final:
            break
        options = MOVES[t.state]
        t.fire(options[choice % len(options)])
        expected = (*(rule.occurrences(t.history) for rule in COUNTED), count(t.history, "start"))
        assert expected == t.counts
        assert count(t.history, "start") == t.iteration("round")
    assert t.counts == made.replay(t.history).counts
    restored = type(t).restore(made, t.id, t.state, t.data, t.history, version=t.version)
    assert t.counts == restored.counts


def test_a_refused_event_changes_no_count() -> None:
    """An event refused by a rule's guard leaves the counts as they were."""
    made = lifecycle(repeats=(Repeat("meet", maximum=1),))
    t = made.create(Formed("Blue"), clock=ManualClock(START))
    t.fire("start")
    t.fire("meet")
    before = t.counts

    with pytest.raises(PreconditionFailed):
        t.fire("meet")

    assert (1,) == before == t.counts


def test_the_rules_guards_read_the_counts_not_the_history() -> None:
    """The guards the lifecycle puts in front of an event read Context.counts: given
    a count that the history does not hold, they report it."""
    rule = Repeat("meet", maximum=2)
    made = lifecycle(repeats=(rule,))
    guard = made.event("meet").guards[0]
    context = Context(START, "working", "working", None, (), (2,))

    found = list(guard(Team("Blue"), None, context))

    assert [("repeat.maximum", {"event": "meet", "maximum": 2, "actual": 2})] == codes(found)
    assert [] == list(rule.maximum_guard()(Team("Blue"), None, context))  # counts the history


def test_a_guard_is_given_a_read_only_history() -> None:
    """Context.history holds the events before the one fired, and cannot be changed."""
    seen: list[Any] = []

    def look(data: Team, payload: Any, context: Context) -> list[Violation]:
        seen.append((len(context.history), context.history[-1].name, list(context.history)))
        assert not hasattr(context.history, "append")
        return []

    events = (*EVENTS[:1], EventDefinition("meet", (Transition(("working",)),), guards=(look,)))
    t = lifecycle(events=(*events, *EVENTS[2:])).create(Formed("Blue"), clock=ManualClock(START))
    t.fire("start")
    t.fire("meet")

    assert [(2, "start", list(t.history[:2]))] == seen
