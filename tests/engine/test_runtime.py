"""Trajectories at runtime: check, fire (all or nothing), history, replay and logging."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from structlog.testing import capture_logs

import trajectory
from tests.builders import IN_WINDOW, PLAN_PARTS, TEAM, at_state, new
from trajectory import (
    Context,
    Creation,
    EffectFailed,
    Event,
    EventDefinition,
    GuardFailed,
    InvalidData,
    Lifecycle,
    ManualClock,
    NoPayload,
    PreconditionFailed,
    School,
    State,
    Trajectory,
    Transition,
    TransitionNotAllowed,
    UnknownEvent,
    Violation,
    ViolationRegistry,
)
from trajectory.engine import new_id
from trajectory.engine.errors import ListenerVetoed
from trajectory.engine.history import stored_history
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.guards import NETHERLANDS, not_in_future

START = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
HEX_ID = re.compile(r"[0-9a-f]{32}")

# -- a toy lifecycle: an order that is drafted, submitted and approved ----------------


@attrs.frozen
class Order:
    """The toy's data."""

    customer: str
    items: tuple[str, ...] = ()
    reviewer: str | None = None


@attrs.frozen
class Open:
    """The toy's creation payload."""

    customer: str


@attrs.frozen
class Item:
    """The payload of add_item."""

    name: str = attrs.field()

    @name.validator
    def _check(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InvalidData("name", f"expected a non-blank name, got {value!r}")


@attrs.frozen
class Reviewer:
    """The payload of assign."""

    name: str


TOY_VIOLATIONS = ViolationRegistry()
ITEMS_MISSING = TOY_VIOLATIONS.define(
    "order.items_missing",
    nl="Minstens {required} artikel nodig, er zijn er {actual}.",
    en="At least {required} item needed, there are {actual}.",
)
REVIEWER_MISSING = TOY_VIOLATIONS.define(
    "order.reviewer_missing", nl="Geen beoordelaar.", en="No reviewer."
)


def needs_items(data: Order, payload: Any, context: Context) -> list[Violation]:
    return [] if data.items else [ITEMS_MISSING(required=1, actual=0)]


def needs_reviewer(data: Order, payload: Any, context: Context) -> list[Violation]:
    return [] if data.reviewer else [REVIEWER_MISSING()]


def add_item(data: Order, payload: Item, context: Context) -> Order:
    return attrs.evolve(data, items=(*data.items, payload.name))


def assign(data: Order, payload: Reviewer, context: Context) -> Order:
    return attrs.evolve(data, reviewer=payload.name)


def explode(data: Order, payload: Any, context: Context) -> Order:
    raise RuntimeError("boom")


def refuse_data(data: Order, payload: Any, context: Context) -> Order:
    raise InvalidData("amount", "expected at most 10, got 11")


def _to(sources: tuple[str, ...], target: str | None) -> tuple[Transition, ...]:
    return (Transition(sources, target),)


TOY: Lifecycle[Order] = Lifecycle(
    "toy.order",
    states=(State("draft"), State("submitted"), State("approved", final=True)),
    events=(
        EventDefinition("add_item", _to(("draft",), None), Item, effect=add_item),
        EventDefinition("assign", _to(("draft",), None), Reviewer, effect=assign),
        EventDefinition(
            "submit", _to(("draft",), "submitted"), guards=(needs_items, needs_reviewer)
        ),
        EventDefinition("explode", _to(("draft",), "submitted"), effect=explode),
        EventDefinition("refuse_data", _to(("draft",), "submitted"), effect=refuse_data),
        EventDefinition("approve", _to(("submitted",), "approved")),
    ),
    initial="draft",
    creation=Creation(Open, lambda payload, context: Order(payload.customer)),
    violations=TOY_VIOLATIONS,
)


def toy(clock: ManualClock | None = None) -> Trajectory[Order]:
    """A new toy order with a manual clock."""
    return TOY.create(Open("ACME"), clock=clock or ManualClock(START), actor="system")


def snapshot(t: Trajectory[Any]) -> tuple[Any, ...]:
    """Everything that a refused event must leave as it was."""
    return (t.state, t.data, t.history, t.version, list(t))


def codes(violations: list[Violation] | tuple[Violation, ...]) -> Counter[str]:
    """The violation codes, with how often each occurs."""
    return Counter(v.code for v in violations)


def registered_only() -> Trajectory[Any]:
    """A leertraject that registered after a positive talk, with nothing else recorded."""
    t = new()
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question="How?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    return t


# -- check ------------------------------------------------------------------------


def test_check_returns_the_violations_of_every_failing_guard() -> None:
    """A toy event with two failing guards reports both violations, with their figures."""
    t = toy()

    violations = t.check("submit")

    assert ["order.items_missing", "order.reviewer_missing"] == [v.code for v in violations]
    assert {"required": 1, "actual": 0} == dict(violations[0].details)


def test_check_is_empty_when_the_event_may_fire() -> None:
    """When every guard holds, check returns no violation."""
    t = toy()
    t.fire("add_item", name="anvil")
    t.fire("assign", name="Wile")

    assert [] == t.check("submit")


def test_check_reports_an_event_that_does_not_leave_the_state() -> None:
    """An event that exists but does not leave the state is the transition.not_allowed violation."""
    t = toy()

    violations = t.check("approve")

    assert ["transition.not_allowed"] == [v.code for v in violations]
    assert {"event": "approve", "state": "draft", "allowed_from": ["submitted"]} == dict(
        violations[0].details
    )


def test_check_refuses_a_malformed_payload_and_an_unknown_event() -> None:
    """check raises InvalidData for a bad payload field and UnknownEvent for an unknown event."""
    t = toy()

    with pytest.raises(InvalidData) as bad:
        t.check("add_item", name="  ")
    with pytest.raises(InvalidData) as extra:
        t.check("submit", urgent=True)
    with pytest.raises(UnknownEvent):
        t.check("ship")

    assert "name" == bad.value.field
    assert "urgent" == extra.value.field


def test_check_changes_nothing() -> None:
    """Asking whether an event can fire leaves the trajectory as it was."""
    t = toy()
    before = snapshot(t)

    t.check("submit")

    assert before == snapshot(t)


def test_leertraject_check_returns_every_submit_violation() -> None:
    """submit_application on an empty application reports every unmet subsidy condition."""
    school = School(name="De Regenboog", sector="so", board="Stichting Speciaal", brin="12AB")
    clock = ManualClock(dt.datetime(2024, 4, 21, 10, 0, tzinfo=NETHERLANDS))
    t = new(clock, school=school)
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 20),
        learning_question="How?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    clock.set(dt.datetime(2024, 7, 15, 10, 0, tzinfo=NETHERLANDS))  # between the windows

    violations = t.check("submit_application")

    expected = Counter(
        {
            "talks.required_missing": 1,
            "activity_plan.missing_part": 4,
            "participants.minimum": 1,
            "participants.school_leader": 1,
            "hours.minimum": 1,
            "window.closed": 1,
            "sector.ineligible": 1,
        }
    )
    assert expected == codes(violations)
    parts = {v.details["part"] for v in violations if v.code == "activity_plan.missing_part"}
    assert set(PLAN_PARTS) == parts
    minimum = next(v for v in violations if v.code == "participants.minimum")
    assert (5, 0) == (minimum.details["required"], minimum.details["actual"])


# -- fire: all or nothing ------------------------------------------------------------


def test_fire_refused_by_guards_raises_every_violation_and_changes_nothing() -> None:
    """A refused toy event raises PreconditionFailed with both violations; nothing changes."""
    t = toy()
    t.fire("add_item", name="anvil")
    before = snapshot(t)

    with pytest.raises(PreconditionFailed) as refused:
        t.fire("submit")

    assert ["order.reviewer_missing"] == [v.code for v in refused.value.violations]
    assert ("submit", "draft") == (refused.value.event, refused.value.state)
    assert before == snapshot(t)


def test_fire_refused_with_two_violations_reports_both() -> None:
    """PreconditionFailed carries every violation, the same as check reports."""
    t = toy()
    expected = t.check("submit")

    with pytest.raises(PreconditionFailed) as refused:
        t.fire("submit")

    assert expected == list(refused.value.violations)
    assert 2 == len(refused.value.violations)


def test_an_effect_that_raises_becomes_effect_failed_and_changes_nothing() -> None:
    """A RuntimeError in an effect is wrapped in EffectFailed (cause kept); nothing changes."""
    t = toy()
    t.fire("add_item", name="anvil")
    before = snapshot(t)

    with pytest.raises(EffectFailed) as failed:
        t.fire("explode")

    assert isinstance(failed.value.__cause__, RuntimeError)
    assert "boom" == str(failed.value.__cause__)
    assert ("explode", "draft") == (failed.value.event, failed.value.state)
    assert before == snapshot(t)


def test_an_effect_raising_invalid_data_passes_it_through_unchanged() -> None:
    """An InvalidData raised by an effect is not wrapped; nothing changes."""
    t = toy()
    before = snapshot(t)

    with pytest.raises(InvalidData) as refused:
        t.fire("refuse_data")

    assert not isinstance(refused.value, EffectFailed)
    assert "amount" == refused.value.field
    assert before == snapshot(t)


# -- guards that fail -------------------------------------------------------------------


def _crash(data: Any, payload: Any, context: Context) -> list[Violation]:
    raise ZeroDivisionError("guard bug")


def _invalid(data: Any, payload: Any, context: Context) -> list[Violation]:
    raise InvalidData("customer", "expected a known customer, got 'ACME'")


def _reports_text(data: Any, payload: Any, context: Context) -> list[Any]:
    return ["order.items_missing"]


def guarded(*guards: Any, clock: ManualClock | None = None) -> Trajectory[Order]:
    """A toy order whose 'submit' runs ``guards`` after needs_items."""
    lifecycle: Lifecycle[Order] = Lifecycle(
        "toy.guarded",
        states=(State("draft"), State("submitted", final=True)),
        events=(
            EventDefinition("add_item", _to(("draft",), None), Item, effect=add_item),
            EventDefinition("submit", _to(("draft",), "submitted"), guards=(needs_items, *guards)),
        ),
        initial="draft",
        creation=Creation(Open, lambda payload, context: Order(payload.customer)),
        violations=TOY_VIOLATIONS,
    )
    return lifecycle.create(Open("ACME"), clock=clock or ManualClock(START))


def test_a_guard_that_raises_becomes_guard_failed_and_changes_nothing() -> None:
    """A guard raising an unexpected error is a GuardFailed naming the event, the state
    and the guard, with the error as its cause, from fire and from check; nothing changes."""
    t = guarded(_crash)
    before = snapshot(t)

    with pytest.raises(GuardFailed) as failed:
        t.fire("submit")
    with pytest.raises(GuardFailed) as checked:
        t.check("submit")

    for error in (failed.value, checked.value):
        assert ("submit", "draft", "_crash") == (error.event, error.state, error.guard)
        assert isinstance(error.__cause__, ZeroDivisionError)
        assert isinstance(error, trajectory.TrajectoryError)
    assert before == snapshot(t)


def test_a_guard_naming_a_field_the_payload_does_not_have_is_guard_failed() -> None:
    """A definition whose guard reads a field the payload does not have (not_in_future
    of a misspelt field) fails as GuardFailed, not as a raw AttributeError."""
    t = guarded(not_in_future("held_on"))

    with pytest.raises(GuardFailed) as failed:
        t.fire("submit")

    assert isinstance(failed.value.__cause__, AttributeError)
    assert "not_in_future.<locals>.guard" == failed.value.guard
    assert "draft" == t.state


def test_a_guard_reporting_something_else_than_violations_is_guard_failed() -> None:
    """A guard must report Violations: text instead is a GuardFailed (the refusal could
    not be reported), from fire and check alike."""
    t = guarded(_reports_text)
    t.fire("add_item", name="anvil")
    before = snapshot(t)

    with pytest.raises(GuardFailed):
        t.fire("submit")
    with pytest.raises(GuardFailed):
        t.check("submit")

    assert before == snapshot(t)


def test_a_guard_raising_a_library_error_passes_it_through() -> None:
    """A guard raising InvalidData (a TrajectoryError) is not wrapped; nothing changes."""
    t = guarded(_invalid)
    before = snapshot(t)

    with pytest.raises(InvalidData) as refused:
        t.fire("submit")

    assert not isinstance(refused.value, GuardFailed)
    assert "customer" == refused.value.field
    assert before == snapshot(t)


def test_the_guards_after_a_refusing_one_still_run() -> None:
    """Every guard runs: one that raises after a refusing guard is still reported, as
    GuardFailed (the violations so far are not enough to refuse on)."""
    t = guarded(_crash)

    with pytest.raises(GuardFailed):
        t.fire("submit")  # needs_items refuses first, then _crash raises


# -- the clock does not go back ------------------------------------------------------


def test_an_event_never_happens_before_the_last_one() -> None:
    """With the clock behind the last event (the clocks of two machines differ), an
    event happens at the last event's moment: for its effect and in the history, which
    so stays in the order of time and replays."""
    clock = ManualClock(START)
    t = toy(clock)
    t.fire("add_item", name="anvil")
    clock.set(START - dt.timedelta(seconds=1))

    recorded = t.fire("add_item", name="hammer")

    assert START == recorded.timestamp
    assert t == TOY.replay(t.history)
    clock.set(START + dt.timedelta(hours=1))
    assert START + dt.timedelta(hours=1) == t.fire("add_item", name="tongs").timestamp


def _moment(data: Any, payload: Any, context: Context) -> list[Violation]:
    """A guard that reports the moment it is asked at, as a violation's detail."""
    return [ITEMS_MISSING(required=context.now.isoformat(), actual=0)]


def test_guards_see_the_moment_the_event_would_happen_at() -> None:
    """check and fire give the guards the same moment: the clock's, or the last event's
    when the clock is behind it."""
    clock = ManualClock(START)
    t = guarded(_moment, clock=clock)
    t.fire("add_item", name="anvil")
    clock.set(START - dt.timedelta(days=1))

    checked = t.check("submit")
    with pytest.raises(PreconditionFailed) as refused:
        t.fire("submit")

    assert [START.isoformat()] == [v.details["required"] for v in checked]
    assert checked == list(refused.value.violations)


def test_a_clock_in_another_zone_is_compared_as_a_moment() -> None:
    """10:30 in Amsterdam in May (08:30 UTC) follows 08:00 UTC and is recorded as it is;
    09:59 in Amsterdam (07:59 UTC) is behind it, so the event happens at 08:00 UTC."""
    clock = ManualClock(dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC))
    t = toy(clock)
    clock.set(dt.datetime(2024, 5, 1, 9, 59, tzinfo=NETHERLANDS))
    assert dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC) == t.fire("add_item", name="a").timestamp

    later = dt.datetime(2024, 5, 1, 10, 30, tzinfo=NETHERLANDS)
    clock.set(later)
    assert later == t.fire("add_item", name="b").timestamp


def test_an_event_that_does_not_leave_the_state_is_not_allowed_and_changes_nothing() -> None:
    """TransitionNotAllowed names the event, the state and where the event is allowed."""
    t = toy()
    before = snapshot(t)

    with pytest.raises(TransitionNotAllowed) as refused:
        t.fire("approve")

    assert ("approve", "draft", ("submitted",)) == (
        refused.value.event,
        refused.value.state,
        refused.value.allowed_from,
    )
    assert before == snapshot(t)


def test_a_bad_payload_or_actor_changes_nothing() -> None:
    """InvalidData for a payload field or a blank actor leaves the trajectory as it was."""
    t = toy()
    before = snapshot(t)

    with pytest.raises(InvalidData) as bad_field:
        t.fire("add_item", name="")
    with pytest.raises(InvalidData) as bad_actor:
        t.fire("add_item", name="anvil", actor="  ")

    assert ("name", "actor") == (bad_field.value.field, bad_actor.value.field)
    assert before == snapshot(t)


def test_leertraject_fire_refused_changes_nothing() -> None:
    """A refused submit_application leaves state, data and history of the leertraject alone."""
    t = registered_only()
    before = snapshot(t)
    expected = t.check("submit_application")

    with pytest.raises(PreconditionFailed) as refused:
        t.fire("submit_application")

    assert expected == list(refused.value.violations)
    assert before == snapshot(t)


def test_leertraject_event_not_allowed_changes_nothing() -> None:
    """Granting a trajectory that only asked for an orientation talk is not allowed."""
    t = new()
    before = snapshot(t)

    with pytest.raises(TransitionNotAllowed) as refused:
        t.fire("grant")

    assert ("grant", "orientation_requested") == (refused.value.event, refused.value.state)
    assert before == snapshot(t)


def test_leertraject_bad_payload_changes_nothing() -> None:
    """An invalid payload (negative hours) raises InvalidData naming the field."""
    t = at_state("application_in_preparation")
    before = snapshot(t)

    with pytest.raises(InvalidData) as refused:
        t.fire("add_participant", name="Fenna", role="teacher", planned_hours=-3)

    assert "planned_hours" == refused.value.field
    assert before == snapshot(t)


# -- history ---------------------------------------------------------------------------


def test_history_records_every_accepted_event_in_order() -> None:
    """Each event has a 32-hex id, a gapless sequence, the clock's time, the actor,
    the name, the states and the validated payload; the creation comes first."""
    clock = ManualClock(START)
    t = toy(clock)
    clock.advance(minutes=5)
    t.fire("add_item", name="anvil", actor="wile")
    clock.advance(hours=1)
    t.fire("assign", name="Road Runner")
    clock.advance(days=1)
    t.fire("submit", actor="wile")

    history = t.history

    assert [1, 2, 3, 4] == [e.sequence for e in history]
    assert ["created", "add_item", "assign", "submit"] == [e.name for e in history]
    assert [None, "draft", "draft", "draft"] == [e.from_state for e in history]
    assert ["draft", "draft", "draft", "submitted"] == [e.to_state for e in history]
    assert ["system", "wile", None, "wile"] == [e.actor for e in history]
    expected_times = [
        START,
        START + dt.timedelta(minutes=5),
        START + dt.timedelta(minutes=65),
        START + dt.timedelta(days=1, minutes=65),
    ]
    assert expected_times == [e.timestamp for e in history]
    assert all(e.timestamp.tzinfo is not None for e in history)
    assert [Open("ACME"), Item("anvil"), Reviewer("Road Runner"), NoPayload()] == [
        e.payload for e in history
    ]
    assert all(HEX_ID.fullmatch(e.id) for e in history)
    assert 4 == len({e.id for e in history})
    assert {t.id} == {e.trajectory_id for e in history}
    assert 4 == t.version


def test_fire_returns_the_recorded_event() -> None:
    """fire returns the same Event that is appended to the history."""
    t = toy()

    recorded = t.fire("add_item", name="anvil")

    assert recorded == t.history[-1]
    assert isinstance(recorded, Event)


def test_the_first_leertraject_event_is_the_creation() -> None:
    """A new leertraject's history holds one 'created' event into the initial state."""
    t = new()

    (first,) = t.history

    assert ("created", None, "orientation_requested", 1) == (
        first.name,
        first.from_state,
        first.to_state,
        first.sequence,
    )
    assert IN_WINDOW == first.timestamp
    assert HEX_ID.fullmatch(t.id)


def test_a_given_id_and_actor_are_used_for_the_creation() -> None:
    """create(id=…, actor=…) names the trajectory and the creation's actor."""
    t = TOY.create(Open("ACME"), clock=ManualClock(START), id="order-1", actor="clerk")

    assert "order-1" == t.id
    assert ("order-1", "clerk") == (t.history[0].trajectory_id, t.history[0].actor)


def test_a_naive_clock_is_refused_naming_the_clock() -> None:
    """A clock returning a naive datetime raises InvalidData with field 'clock'."""
    with pytest.raises(InvalidData) as refused:
        TOY.create(Open("ACME"), clock=lambda: dt.datetime(2024, 5, 1, 9, 0))

    assert "clock" == refused.value.field


def test_a_clock_turning_naive_refuses_the_event_and_changes_nothing() -> None:
    """When the clock returns a naive datetime at fire time, the event is refused."""
    times = [START]
    t = TOY.create(Open("ACME"), clock=lambda: times[-1])
    before = snapshot(t)
    times.append(dt.datetime(2024, 5, 2, 9, 0))

    with pytest.raises(InvalidData) as refused:
        t.fire("add_item", name="anvil")

    assert "clock" == refused.value.field
    assert before == snapshot(t)


def test_a_clock_that_raises_is_reported_as_invalid_clock() -> None:
    """A clock that raises becomes InvalidData naming 'clock', with the cause kept."""

    def broken() -> dt.datetime:
        raise OSError("no time")

    with pytest.raises(InvalidData) as refused:
        TOY.create(Open("ACME"), clock=broken)

    assert "clock" == refused.value.field
    assert isinstance(refused.value.__cause__, OSError)


# -- allowed events and blockers ---------------------------------------------------------


def test_allowed_events_follow_the_state() -> None:
    """allowed_events lists the events leaving the current state, in definition order."""
    t = toy()
    assert ("add_item", "assign", "submit", "explode", "refuse_data") == t.allowed_events()

    t.fire("add_item", name="anvil")
    t.fire("assign", name="Road Runner")
    t.fire("submit")
    assert ("approve",) == t.allowed_events()

    t.fire("approve")
    assert () == t.allowed_events()
    assert t.is_final


def test_leertraject_allowed_events() -> None:
    """A new leertraject can hold the orientation talk, withdraw or record a talk."""
    assert ("hold_orientation", "withdraw", "record_talk") == new().allowed_events()
    assert () == at_state("settled").allowed_events()


@pytest.mark.parametrize("state", list(LIFECYCLE.states))
def test_leertraject_allowed_events_match_the_routes(state: str) -> None:
    """In every state the allowed events are exactly the events routed from that state."""
    expected = tuple(name for name, routes in LIFECYCLE.routes.items() if state in routes)

    assert expected == at_state(state).allowed_events()


def test_blockers_report_the_violations_of_events_without_payload() -> None:
    """blockers() maps each blocked event (taking no required payload) to its violations."""
    t = toy()

    blockers = t.blockers()

    assert ["submit"] == list(blockers)
    assert ["order.items_missing", "order.reviewer_missing"] == [v.code for v in blockers["submit"]]


def test_leertraject_blockers_before_and_after_preparing_the_application() -> None:
    """An empty application is blocked on submit; a complete one is not blocked."""
    t = registered_only()
    blocked = t.blockers()

    assert ["submit_application"] == list(blocked)
    expected = Counter(
        {
            "talks.required_missing": 1,
            "activity_plan.missing_part": 4,
            "participants.minimum": 1,
            "participants.school_leader": 1,
            "hours.minimum": 1,
        }
    )
    assert expected == codes(blocked["submit_application"])
    assert {} == at_state("application_in_preparation").blockers()


def test_blockers_at_a_moment_ask_the_time_reading_guards_then() -> None:
    """blockers(now) checks at ``now``: a complete application is blocked by the
    closed window after it closed and not before, and the trajectory's clock and
    state do not change."""
    t = at_state("application_in_preparation")
    version, moment = t.version, t.clock()
    after_window = dt.datetime(2024, 7, 1, 9, 0, tzinfo=NETHERLANDS)

    later = t.blockers(after_window)

    assert ["submit_application"] == list(later)
    assert Counter({"window.closed": 1}) == codes(later["submit_application"])
    assert {} == t.blockers(IN_WINDOW + dt.timedelta(days=1))
    assert {} == t.blockers()
    assert (version, moment) == (t.version, t.clock())


@pytest.mark.parametrize("now", [dt.datetime(2024, 7, 1, 9, 0), "2024-07-01", 5])
def test_blockers_refuse_a_moment_that_is_not_aware(now: Any) -> None:
    """A naive datetime or anything else as ``now`` is InvalidData naming it."""
    t = at_state("application_in_preparation")

    with pytest.raises(InvalidData) as caught:
        t.blockers(now)

    assert "now" == caught.value.field


# -- replay -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(LIFECYCLE.states))
def test_replay_rebuilds_the_trajectory_in_every_state(state: str) -> None:
    """Replaying a trajectory's history gives an equal trajectory, in every state."""
    t = at_state(state)

    rebuilt = trajectory.replay(t.history)

    assert rebuilt == t
    assert (state, t.data, t.history) == (rebuilt.state, rebuilt.data, rebuilt.history)


def test_replay_of_a_toy_trajectory() -> None:
    """Lifecycle.replay rebuilds a toy trajectory, internal events included."""
    t = toy()
    t.fire("add_item", name="anvil")
    t.fire("assign", name="Road Runner")
    t.fire("submit")

    assert t == TOY.replay(t.history)


def _history() -> list[Event]:
    """A leertraject history with state changes and recording events."""
    t = registered_only()
    for name, role, hours in TEAM[:2]:
        t.fire("add_participant", name=name, role=role, planned_hours=hours)
    return list(t.history)


def _refused(events: list[Any]) -> InvalidData:
    with pytest.raises(InvalidData) as refused:
        trajectory.replay(events)
    return refused.value


def test_replay_refuses_a_gap_in_the_sequence() -> None:
    """A history with an event left out is refused at the event after the gap."""
    history = _history()
    del history[3]

    assert "events[3].sequence" == _refused(history).field


def test_replay_refuses_a_repeated_event() -> None:
    """A history with an event twice is refused at the repetition."""
    history = _history()
    history.insert(4, history[3])

    assert "events[4].sequence" == _refused(history).field


def test_replay_refuses_a_wrong_from_state() -> None:
    """An event claiming to leave another state than the trajectory was in is refused."""
    history = _history()
    history[2] = attrs.evolve(history[2], from_state="granted")

    assert "events[2].from_state" == _refused(history).field


def test_replay_refuses_a_wrong_to_state() -> None:
    """An event claiming to lead elsewhere than the lifecycle routes it is refused."""
    history = _history()
    assert "register" == history[2].name
    history[2] = attrs.evolve(history[2], to_state="granted")

    assert "events[2].to_state" == _refused(history).field


def test_replay_refuses_a_creation_with_a_wrong_to_state() -> None:
    """A creation event claiming to lead elsewhere than the initial state is refused."""
    history = _history()
    history[0] = attrs.evolve(history[0], to_state="granted")

    assert "events[0].to_state" == _refused(history).field


def test_replay_refuses_a_creation_with_a_from_state() -> None:
    """The creation leaves no state: a creation event with a from_state is refused."""
    history = _history()
    history[0] = attrs.evolve(history[0], from_state="granted")

    assert "events[0].from_state" == _refused(history).field


def test_replay_refuses_a_foreign_trajectory_id() -> None:
    """An event of another trajectory in the history is refused."""
    history = _history()
    history[3] = attrs.evolve(history[3], trajectory_id=new_id())

    assert "events[3].trajectory_id" == _refused(history).field


def test_replay_refuses_an_item_that_is_not_an_event() -> None:
    """Anything but an Event in the history is refused, first or later."""
    history = _history()

    assert "events[3]" == _refused([*history[:3], attrs.asdict(history[3])]).field
    assert "events[0]" == _refused(["created", *history[1:]]).field


def test_replay_refuses_an_empty_history() -> None:
    """Without a creation event there is nothing to rebuild."""
    assert "events[0]" == _refused([]).field


def test_replay_refuses_a_history_that_does_not_start_with_the_creation() -> None:
    """A history starting with another event than the creation is refused."""
    assert "events[0]" == _refused(_history()[1:]).field


def test_replay_refuses_a_naive_timestamp() -> None:
    """An event with a naive timestamp is refused, naming the timestamp."""
    history = _history()
    history[3] = attrs.evolve(history[3], timestamp=history[3].timestamp.replace(tzinfo=None))

    assert "events[3].timestamp" == _refused(history).field


def test_replay_refuses_an_event_id_used_twice() -> None:
    """Two events with the same id are refused at the second (a store keys events by id)."""
    history = _history()
    history[4] = attrs.evolve(history[4], id=history[3].id)

    refused = _refused(history)

    assert "events[4].id" == refused.field
    assert history[3].id in refused.reason


def test_replay_refuses_a_timestamp_that_goes_back() -> None:
    """An event recorded before the event it follows is refused at that event."""
    history = _history()
    history[4] = attrs.evolve(history[4], timestamp=history[3].timestamp - dt.timedelta(hours=1))

    assert "events[4].timestamp" == _refused(history).field


@pytest.mark.parametrize("events", [None, 42, dt.date(2024, 5, 1)], ids=["None", "int", "date"])
def test_replay_refuses_something_that_is_no_history(events: Any) -> None:
    """replay of something that is not an iterable of events is InvalidData naming
    'events', not a raw TypeError."""
    assert "events" == _refused(events).field


def test_resume_applies_the_events_after_the_snapshot_again() -> None:
    """resume takes a snapshot at a version and the whole history: it equals the
    trajectory the history replays to, with the same counts, and it verifies the
    history (a broken chain after the snapshot is refused, naming the event)."""
    t = registered_only()
    version = 3
    at_snapshot = LIFECYCLE.replay(t.history[:version])

    resumed = Trajectory.resume(
        LIFECYCLE, t.id, at_snapshot.state, at_snapshot.data, t.history, version=version
    )

    assert t == resumed
    assert t.counts == resumed.counts
    broken = list(t.history)
    broken[-1] = attrs.evolve(broken[-1], from_state="granted")
    with pytest.raises(InvalidData) as refused:
        Trajectory.resume(
            LIFECYCLE, t.id, at_snapshot.state, at_snapshot.data, broken, version=version
        )
    assert f"events[{len(broken) - 1}].from_state" == refused.value.field


@pytest.mark.parametrize(
    ("version", "field"), [(99, "version"), (2, "state")], ids=["too-long", "other-state"]
)
def test_resume_refuses_a_snapshot_the_history_does_not_match(version: int, field: str) -> None:
    """A snapshot beyond the history, or in another state than the history reached
    at its version, is InvalidData naming what does not match."""
    t = registered_only()
    at_three = LIFECYCLE.replay(t.history[:3])
    assert at_three.state != t.history[1].to_state  # so version 2 cannot match

    with pytest.raises(InvalidData) as refused:
        Trajectory.resume(
            LIFECYCLE, t.id, at_three.state, at_three.data, t.history, version=version
        )

    assert field == refused.value.field


def test_restore_verifies_the_history_it_is_given() -> None:
    """restore trusts the snapshot's state and data but not its events: a history whose
    events do not chain (a from_state changed afterwards) is refused."""
    t = registered_only()
    history = list(t.history)
    history[2] = attrs.evolve(history[2], from_state="granted")

    with pytest.raises(InvalidData) as refused:
        Trajectory.restore(LIFECYCLE, t.id, t.state, t.data, history, version=len(history))

    assert "events[2].from_state" == refused.value.field
    restored = Trajectory.restore(LIFECYCLE, t.id, t.state, t.data, t.history, version=t.version)
    assert restored == t


def test_extend_verifies_the_events_it_applies_and_changes_nothing() -> None:
    """extend refuses events that repeat an id or go back in time, naming them as
    positions of the whole history; the trajectory stays as it was."""
    whole = _history()
    base = trajectory.replay(whole[:3])
    before = snapshot(base)
    repeated = attrs.evolve(whole[3], id=whole[1].id)
    late = attrs.evolve(whole[4], timestamp=whole[2].timestamp - dt.timedelta(days=1))

    with pytest.raises(InvalidData) as refused:
        base.extend([repeated, whole[4]])
    with pytest.raises(InvalidData) as back:
        base.extend([whole[3], late])

    assert ("events[3].id", "events[4].timestamp") == (refused.value.field, back.value.field)
    assert before == snapshot(base)
    base.extend(whole[3:])
    assert trajectory.replay(whole) == base


# -- logging -------------------------------------------------------------------------------


def _entries(logs: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [entry for entry in logs if entry.get("event") == event]


def test_an_accepted_event_is_logged_with_its_states() -> None:
    """fire logs the event name as structlog's 'event' with id, states and 'accepted'."""
    t = toy()

    with capture_logs() as logs:
        t.fire("add_item", name="anvil")

    (entry,) = _entries(logs, "add_item")
    assert {
        "event": "add_item",
        "trajectory_id": t.id,
        "from_state": "draft",
        "to_state": "draft",
        "outcome": "accepted",
    } == {
        key: entry[key] for key in ("event", "trajectory_id", "from_state", "to_state", "outcome")
    }


def test_a_refused_event_is_logged_with_its_violation_codes() -> None:
    """A precondition failure logs outcome 'refused' and the codes of every violation."""
    t = toy()

    with capture_logs() as logs, pytest.raises(PreconditionFailed):
        t.fire("submit")

    (entry,) = _entries(logs, "submit")
    assert ("refused", ["order.items_missing", "order.reviewer_missing"]) == (
        entry["outcome"],
        entry["violations"],
    )
    assert (t.id, "draft", "submitted") == (
        entry["trajectory_id"],
        entry["from_state"],
        entry["to_state"],
    )


def test_an_event_not_allowed_is_logged_as_refused() -> None:
    """TransitionNotAllowed is logged with outcome 'refused' and transition.not_allowed."""
    t = new()

    with capture_logs() as logs, pytest.raises(TransitionNotAllowed):
        t.fire("grant")

    (entry,) = _entries(logs, "grant")
    assert ("refused", ["transition.not_allowed"]) == (entry["outcome"], entry["violations"])
    assert (t.id, "orientation_requested") == (entry["trajectory_id"], entry["from_state"])


def test_leertraject_events_are_logged() -> None:
    """A leertraject event is logged like any other: name, id, states, outcome."""
    t = registered_only()

    with capture_logs() as logs:
        t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))

    (entry,) = _entries(logs, "record_talk")
    assert ("accepted", "application_in_preparation", "application_in_preparation") == (
        entry["outcome"],
        entry["from_state"],
        entry["to_state"],
    )


class _ConfigureCalls(ast.NodeVisitor):
    """Finds structlog.configure(...) calls with the function each stands in."""

    def __init__(self) -> None:
        self.functions: list[str | None] = [None]
        self.found: list[str | None] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "configure"
            and isinstance(func.value, ast.Name)
            and func.value.id == "structlog"
        ):
            self.found.append(self.functions[-1])
        self.generic_visit(node)


def test_the_library_never_configures_structlog() -> None:
    """No module of the package calls structlog.configure, except the command line (an
    application); the simulator's workers are quiet without configuring it. The CLI's
    own call is found, so the search does see a call where there is one."""
    package = Path(trajectory.__file__).parent
    calls = []
    for path in sorted(package.rglob("*.py")):
        visitor = _ConfigureCalls()
        visitor.visit(ast.parse(path.read_text("utf-8")))
        calls += [(str(path.relative_to(package)), function) for function in visitor.found]
    offenders = [call for call in calls if Path(call[0]).parts[0] != "cli"]
    assert [] == offenders
    assert any(Path(call[0]).parts[0] == "cli" for call in calls)


def test_a_before_listener_that_raises_vetoes_the_event_as_listener_vetoed() -> None:
    """A before-listener that raises is reported as ListenerVetoed, an EffectFailed
    that names the listener, with its error as the cause; nothing changes."""
    lifecycle = Lifecycle(
        "toy.vetoed",
        states=TOY.states.values(),
        events=TOY.events.values(),
        initial="draft",
        creation=TOY.creation,
        violations=TOY_VIOLATIONS,
    )

    def closed_on_sundays(trajectory: Trajectory[Any], event: Event) -> None:
        raise RuntimeError("closed")

    lifecycle.listen(before=closed_on_sundays)
    t = lifecycle.create(Open("ACME"), clock=ManualClock(START))
    before = snapshot(t)

    with pytest.raises(ListenerVetoed) as info:
        t.fire("add_item", name="chair")

    assert isinstance(info.value, EffectFailed)
    assert ("add_item", "draft") == (info.value.event, info.value.state)
    assert info.value.listener.endswith("closed_on_sundays")
    assert "closed_on_sundays" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert before == snapshot(t)


def test_fire_and_replay_keep_the_same_counts_and_history_view() -> None:
    """A guard sees the history before its event as a read-only view of the right
    length, in fire, in check and when a history is applied again (replay)."""
    seen: list[tuple[str, int, str]] = []

    def look(data: Order, payload: Any, context: Context) -> list[Violation]:
        seen.append(("guard", len(context.history), context.history[-1].name))
        return []

    def note(data: Order, payload: Item, context: Context) -> Order:
        seen.append(("effect", len(context.history), context.history[-1].name))
        return add_item(data, payload, context)

    lifecycle = Lifecycle(
        "toy.viewed",
        states=(State("draft"), State("done", final=True)),
        events=(
            EventDefinition("add_item", _to(("draft",), None), Item, (look,), note),
            EventDefinition("finish", _to(("draft",), "done")),
        ),
        initial="draft",
        creation=TOY.creation,
    )
    t = lifecycle.create(Open("ACME"), clock=ManualClock(START))
    t.check("add_item", name="a")
    t.fire("add_item", name="a")
    t.fire("add_item", name="b")
    lifecycle.replay(t.history)

    assert [
        ("guard", 1, "created"),
        ("guard", 1, "created"),
        ("effect", 1, "created"),
        ("guard", 2, "add_item"),
        ("effect", 2, "add_item"),
        ("effect", 1, "created"),
        ("effect", 2, "add_item"),
    ] == seen


# -- resuming a stored history -----------------------------------------------------------


def _stored_history(t: Trajectory[Any], reads: list[int]) -> Any:
    """``t``'s history as a store gives it: rows now, each event read (and counted in
    ``reads``) when asked for."""
    events = list(t.history)

    def read(index: int) -> Event:
        reads.append(index)
        return events[index]

    rows = [(e.sequence, e.id, e.name, e.timestamp) for e in events]
    return stored_history(rows, read, LIFECYCLE, trajectory_id=t.id)


@pytest.mark.parametrize("version", [1, 9, 14, 15])
def test_resume_reads_only_the_events_after_its_snapshot_and_the_last(version: int) -> None:
    """Resuming from a snapshot at ``version`` with a stored history reads the event at
    the snapshot's version and those after it, not those before; the trajectory equals
    the live one, with its counts, and reads the others when its history is asked."""
    t = at_state("closing")  # two study moments and a guidance moment: counted
    at = LIFECYCLE.replay(list(t.history)[:version])
    reads: list[int] = []

    resumed = Trajectory.resume(
        LIFECYCLE, t.id, at.state, at.data, _stored_history(t, reads), version=version
    )

    assert list(range(version - 1, t.version)) == reads
    assert (t.state, t.data, t.counts, t.version) == (
        resumed.state,
        resumed.data,
        resumed.counts,
        resumed.version,
    )
    assert t.history[0] == resumed.history[0]
    assert t == resumed
    assert sorted(set(reads)) == list(range(t.version))


def test_restore_of_a_stored_history_needs_the_snapshot_at_its_end() -> None:
    """restore() of a stored history reads only its last event, and refuses a
    snapshot that is not at the history's end, as it does a history of events."""
    t = at_state("closing")
    reads: list[int] = []

    restored = Trajectory.restore(
        LIFECYCLE, t.id, t.state, t.data, _stored_history(t, reads), version=t.version
    )

    assert ([t.version - 1], t) == (reads, restored)
    with pytest.raises(InvalidData) as refused:
        Trajectory.restore(
            LIFECYCLE, t.id, t.state, t.data, _stored_history(t, []), version=t.version - 1
        )
    assert "version" == refused.value.field


def test_resume_refuses_a_snapshot_in_another_state_than_its_stored_rows_lead_to() -> None:
    """The state of the snapshot must be the one the rows lead to at its version."""
    t = at_state("closing")
    with pytest.raises(InvalidData) as refused:
        Trajectory.resume(
            LIFECYCLE, t.id, "granted", t.data, _stored_history(t, []), version=t.version
        )
    assert "state" == refused.value.field


def test_with_clock_moves_a_trajectory_onto_another_clock() -> None:
    """On another clock, a copy at the same version, state, data and saved version,
    whose next event takes its time from the new clock; on its own clock, itself; a
    clock that is no callable is refused."""
    first = trajectory.ManualClock(IN_WINDOW)
    t = at_state("application_in_preparation", clock=first)
    t.mark_saved(t.version)
    assert t is t.with_clock(first)
    later = trajectory.ManualClock(IN_WINDOW + dt.timedelta(days=3))
    moved = t.with_clock(later)
    assert moved is not t
    assert (t.state, t.data, t.version, t.saved_version) == (
        moved.state,
        moved.data,
        moved.version,
        moved.saved_version,
    )
    event = moved.fire("add_participant", name="Zoë Visser", role="teacher", planned_hours=10)
    assert later() == event.timestamp
    assert t.version + 1 == moved.version
    with pytest.raises(InvalidData, match="clock"):
        t.with_clock(7)  # type: ignore[arg-type]
