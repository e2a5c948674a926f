"""Lifecycle definitions: a small toy lifecycle, its validation and its shared machine."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import attrs
import pytest
import transitions

from trajectory import (
    Context,
    Creation,
    DefinitionError,
    EventDefinition,
    InvalidData,
    Lifecycle,
    ManualClock,
    NoPayload,
    State,
    Trajectory,
    Transition,
    Violation,
    ViolationRegistry,
)
from trajectory.engine.definition import (
    dispatch_table,
    guard_changes_at,
    guard_reads_time,
    reads_time,
)
from trajectory.engine.repeats import Repeat

START = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


@attrs.frozen
class Door:
    """The toy's data: a door with a label and a log of notes."""

    label: str
    notes: tuple[str, ...] = ()


@attrs.frozen
class Install:
    """The toy's creation payload."""

    label: str


@attrs.frozen
class Note:
    """The payload of the toy's internal event."""

    text: str


def _install(payload: Install, context: Context) -> Door:
    return Door(payload.label)


def _note(data: Door, payload: Note, context: Context) -> Door:
    return attrs.evolve(data, notes=(*data.notes, payload.text))


CREATION = Creation(Install, _install)

STATES = (
    State("closed"),
    State("open"),
    State("removed", final=True),
)


def _event(
    name: str, sources: Iterable[str], target: str | None, payload: type = NoPayload, **kw: Any
) -> EventDefinition[Door]:
    return EventDefinition(name, (Transition(tuple(sources), target),), payload, **kw)


EVENTS = (
    _event("open_door", ["closed"], "open"),
    _event("close_door", ["open"], "closed"),
    _event("remove", ["closed", "open"], "removed"),
    _event("note", ["closed", "open"], None, Note, effect=_note),
)


def door(
    *,
    states: Iterable[State] = STATES,
    events: Iterable[EventDefinition[Door]] = EVENTS,
    initial: str = "closed",
    creation: Creation[Door] = CREATION,
) -> Lifecycle[Door]:
    """Build the toy lifecycle, with any part replaced."""
    return Lifecycle("toy.door", states=states, events=events, initial=initial, creation=creation)


def test_a_toy_lifecycle_builds_with_its_states_and_events() -> None:
    """A consistent definition builds; its states, events and finals are as defined."""
    lifecycle = door()

    assert ("closed", "open", "removed") == tuple(lifecycle.states)
    assert ("open_door", "close_door", "remove", "note") == tuple(lifecycle.events)
    assert "closed" == lifecycle.initial
    assert frozenset({"removed"}) == lifecycle.final_states


def test_a_toy_trajectory_starts_in_the_initial_state_with_built_data() -> None:
    """create() builds the data from the creation payload and starts in the initial state."""
    t = door().create(Install("front"), clock=ManualClock(START))

    assert "closed" == t.state
    assert Door("front") == t.data


def test_duplicate_state_names_are_refused() -> None:
    """Two states with the same name raise DefinitionError naming the state."""
    with pytest.raises(DefinitionError, match="'open'"):
        door(states=(*STATES, State("open")))


def test_duplicate_event_names_are_refused() -> None:
    """Two events with the same name raise DefinitionError naming the event."""
    with pytest.raises(DefinitionError, match="'remove'"):
        door(events=(*EVENTS, _event("remove", ["open"], "removed")))


def test_an_event_targeting_an_unknown_state_is_refused() -> None:
    """An event leading to a state that is not defined raises DefinitionError."""
    with pytest.raises(DefinitionError, match="'ajar'"):
        door(events=(*EVENTS, _event("push", ["closed"], "ajar")))


def test_an_event_leaving_an_unknown_state_is_refused() -> None:
    """An event leaving a state that is not defined raises DefinitionError."""
    with pytest.raises(DefinitionError, match="'ajar'"):
        door(events=(*EVENTS, _event("push", ["ajar"], "open")))


def test_an_unreachable_state_is_refused() -> None:
    """A state that no path from the initial state reaches raises DefinitionError."""
    with pytest.raises(DefinitionError, match="broken"):
        door(
            states=(*STATES, State("broken")),
            events=(*EVENTS, _event("repair", ["broken"], "closed")),
        )


def test_an_event_leaving_a_final_state_is_refused() -> None:
    """A final state cannot be left, not even by an internal event."""
    with pytest.raises(DefinitionError, match="final state 'removed'"):
        door(events=(*EVENTS, _event("reinstall", ["removed"], "closed")))
    with pytest.raises(DefinitionError, match="final state 'removed'"):
        door(events=(*EVENTS, _event("annotate", ["removed"], None, Note, effect=_note)))


def test_a_non_final_state_without_a_way_out_is_refused() -> None:
    """A non-final state with no event leading elsewhere raises DefinitionError."""
    states = (*STATES, State("jammed"))
    with pytest.raises(DefinitionError, match="jammed"):
        door(states=states, events=(*EVENTS, _event("jam", ["open"], "jammed")))
    # An internal event is no way out either.
    with pytest.raises(DefinitionError, match="jammed"):
        door(
            states=states,
            events=(
                *EVENTS,
                _event("jam", ["open"], "jammed"),
                _event("knock", ["jammed"], None),
            ),
        )


def test_an_initial_state_that_is_not_a_state_is_refused() -> None:
    """The initial state must be one of the states."""
    with pytest.raises(DefinitionError, match="'ajar'"):
        door(initial="ajar")


def test_an_event_named_like_the_creation_event_is_refused() -> None:
    """No event may take the creation event's name (default 'created', or a custom one)."""
    with pytest.raises(DefinitionError, match="'created'"):
        door(events=(*EVENTS, _event("created", ["closed"], "open")))
    with pytest.raises(DefinitionError, match="'open_door'"):
        door(creation=Creation(Install, _install, name="open_door"))


def test_a_payload_that_is_not_an_attrs_class_is_refused() -> None:
    """An event payload must be an attrs class."""

    class Plain:
        pass

    with pytest.raises(DefinitionError, match="'paint'"):
        door(events=(*EVENTS, _event("paint", ["closed"], None, Plain)))


def test_one_shared_machine_without_models() -> None:
    """A lifecycle compiles into one transitions Machine that holds no model."""
    lifecycle = door()

    assert isinstance(lifecycle.machine, transitions.Machine)
    assert [] == lifecycle.machine.models


def test_the_runtime_routes_exactly_what_the_machine_says() -> None:
    """For every event in every state it can be fired in, the runtime allows it where
    the compiled machine has a transition, leads it where the machine's dest says
    (its source for an internal one), and refuses it elsewhere; the dispatch table is
    the machine's own (dispatch_table of lifecycle.machine)."""
    lifecycle = door()
    machine = lifecycle.machine
    reach = {"closed": (), "open": ("open_door",)}  # the non-final states, and how to get there

    for state, path in reach.items():
        for name, event in machine.events.items():
            t = lifecycle.create(Install("front"), clock=ManualClock(START))
            for step in path:
                t.fire(step)
            payload = {"text": "oiled"} if name == "note" else {}
            found = event.transitions.get(state)
            if found is None:
                assert ["transition.not_allowed"] == [v.code for v in t.check(name, **payload)]
                continue
            assert [] == t.check(name, **payload)
            t.fire(name, **payload)
            assert (found[0].dest or state) == t.state

    assert dispatch_table(machine) == {
        name: dict(routes) for name, (_, routes) in lifecycle._dispatch.items()
    }


def test_a_transition_added_to_a_machine_changes_its_dispatch() -> None:
    """dispatch_table reads the machine: a machine with one more transition (added
    with add_transition) gives a table with exactly that route more."""
    machine = transitions.Machine(
        model=None,
        states=["closed", "open", "removed"],
        transitions=[
            {"trigger": "open_door", "source": ["closed"], "dest": "open"},
            {"trigger": "note", "source": ["closed", "open"], "dest": None},
        ],
        initial="closed",
        auto_transitions=False,
    )
    before = dispatch_table(machine)

    machine.add_transition("open_door", "open", "removed")
    machine.add_transition("paint", "closed", None)

    assert {"open_door": {"closed": "open"}, "note": {"closed": "closed", "open": "open"}} == before
    assert {
        "open_door": {"closed": "open", "open": "removed"},
        "note": {"closed": "closed", "open": "open"},
        "paint": {"closed": "closed"},
    } == dispatch_table(machine)


def test_routes_match_the_definition() -> None:
    """routes maps every event to {source: target} as defined; internal events keep the state."""
    expected = {
        "open_door": {"closed": "open"},
        "close_door": {"open": "closed"},
        "remove": {"closed": "removed", "open": "removed"},
        "note": {"closed": "closed", "open": "open"},
    }

    assert expected == {event: dict(routes) for event, routes in door().routes.items()}


def test_an_internal_event_keeps_the_state_and_changes_the_data() -> None:
    """An event with target None records its effect and stays in the state."""
    t = door().create(Install("front"), clock=ManualClock(START))
    t.fire("open_door")

    recorded = t.fire("note", text="squeaks")

    assert "open" == t.state
    assert ("open", "open") == (recorded.from_state, recorded.to_state)
    assert ("squeaks",) == t.data.notes


def test_events_from_lists_the_events_leaving_a_state_in_definition_order() -> None:
    """events_from(state) gives the events that can leave it; none for a final state."""
    lifecycle = door()

    assert ("open_door", "remove", "note") == lifecycle.events_from("closed")
    assert () == lifecycle.events_from("removed")


def test_an_event_with_several_transitions_routes_each_source() -> None:
    """One event may have several transitions, each from its own sources."""
    toggle = EventDefinition(
        "toggle", (Transition(("closed",), "open"), Transition(("open",), "closed"))
    )
    lifecycle = door(events=(*EVENTS[2:], toggle))

    assert {"closed": "open", "open": "closed"} == dict(lifecycle.routes["toggle"])


def test_an_event_leaving_a_state_twice_is_refused() -> None:
    """Two transitions of one event from the same source raise DefinitionError."""
    ambiguous = EventDefinition(
        "swing", (Transition(("closed",), "open"), Transition(("closed",), "removed"))
    )
    with pytest.raises(DefinitionError, match="'closed' twice"):
        door(events=(*EVENTS, ambiguous))


def test_a_violation_code_declared_twice_is_a_definition_error() -> None:
    """A lifecycle whose violations redeclare an engine code raises DefinitionError."""
    clashing = ViolationRegistry()
    clashing.define("transition.not_allowed", nl="Niet toegestaan.", en="Not allowed.")

    with pytest.raises(DefinitionError, match=re.escape("transition.not_allowed")):
        Lifecycle(
            "toy.door",
            states=STATES,
            events=EVENTS,
            initial="closed",
            creation=CREATION,
            violations=clashing,
        )


# -- parts of the wrong kind ----------------------------------------------------------


def _with_event(**kw: Any) -> dict[str, Any]:
    return {"events": (*EVENTS, EventDefinition("push", (Transition(("closed",), "open"),), **kw))}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"states": 5}, "states: expected an iterable of State, got 5"),
        ({"states": "closed"}, "states: expected an iterable of State"),
        ({"states": (*STATES, "ajar")}, "states[3]: expected a State, got 'ajar'"),
        ({"events": None}, "events: expected an iterable of EventDefinition, got None"),
        ({"events": (*EVENTS, 5)}, "events[4]: expected an EventDefinition, got 5"),
        ({"initial": ["closed"]}, "the initial state is a name"),
        ({"creation": None}, "the creation is a Creation, got None"),
        ({"creation": _install}, "the creation is a Creation"),
        (
            {"events": (*EVENTS, EventDefinition("push", 5))},
            "event 'push': transitions: expected an iterable of Transition",
        ),
        (
            {"events": (*EVENTS, EventDefinition("push", (Transition("closed", "open"),)))},
            "event 'push': the sources of a transition: expected an iterable of str",
        ),
        (
            {"events": (*EVENTS, EventDefinition("push", (Transition(("closed",), 3),)))},
            "event 'push': a target is a state's name, got 3",
        ),
        (_with_event(guards=5), "event 'push': guards: expected an iterable, got 5"),
        (_with_event(guards=("open",)), "event 'push': a guard is callable, got 'open'"),
        (_with_event(effect="note"), "event 'push': the effect is callable, got 'note'"),
        (_with_event(payload=5), "the payload of event 'push' is not an attrs class"),
    ],
)
def test_parts_of_the_wrong_kind_are_a_definition_error(
    parts: dict[str, Any], message: str
) -> None:
    """A lifecycle built from parts of the wrong kind raises DefinitionError saying which
    part and what arrived, never a raw TypeError or AttributeError."""
    with pytest.raises(DefinitionError) as refused:
        door(**parts)

    assert str(refused.value).startswith(message), str(refused.value)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("repeats", 5, "repeats: expected an iterable of Repeat"),
        ("cycles", [None], "cycles[0]: expected a Cycle, got None"),
        ("recurring", "weekly", "recurring: expected an iterable of Recurring"),
        ("deadlines", (7,), "deadlines[0]: expected a Deadline, got 7"),
        ("person_fields", "name", "person_fields: expected an iterable of str"),
        ("violations", 5, "the violations are a ViolationRegistry, got 5"),
    ],
)
def test_options_of_the_wrong_kind_are_a_definition_error(
    option: str, value: Any, message: str
) -> None:
    """The optional parts of a lifecycle are checked like the others."""
    with pytest.raises(DefinitionError) as refused:
        Lifecycle(
            "toy.door",
            states=STATES,
            events=EVENTS,
            initial="closed",
            creation=CREATION,
            **{option: value},
        )

    assert str(refused.value).startswith(message), str(refused.value)


@pytest.mark.parametrize("name", [None, "", 5])
def test_a_lifecycle_needs_a_name(name: Any) -> None:
    """A lifecycle's name is non-empty text."""
    with pytest.raises(DefinitionError, match="non-empty name"):
        Lifecycle(name, states=STATES, events=EVENTS, initial="closed", creation=CREATION)


# -- guards that read the time -----------------------------------------------------------


@reads_time
def _before_noon(data: Door, payload: Any, context: Context) -> list[Violation]:
    """A guard that reads the time: refused from noon on (UTC)."""
    return [] if context.now.hour < 12 else [Violation("door.after_noon")]


def _labelled(data: Door, payload: Any, context: Context) -> list[Violation]:
    """A guard that does not read the time."""
    return [] if data.label else [Violation("door.unlabelled")]


def _not_before(hour: int) -> Any:
    """A guard factory whose guards read the time."""

    @reads_time
    def guard(data: Door, payload: Any, context: Context) -> list[Violation]:
        return [] if context.now.hour >= hour else [Violation("door.too_early")]

    return guard


def test_reads_time_marks_a_guard_and_returns_it() -> None:
    """reads_time gives back the same function, marked; an unmarked guard is not."""
    assert guard_reads_time(_before_noon)
    assert not guard_reads_time(_labelled)
    assert [] == _before_noon(Door("front"), None, Context(START, "closed", "open", None))
    assert guard_reads_time(_not_before(8))
    assert not guard_reads_time(lambda data, payload, context: [])


def test_time_dependent_states_are_left_by_an_event_without_payload_with_a_timed_guard() -> None:
    """A state is time-dependent when an event leaving it takes no required payload
    and has a guard marked with reads_time; a guard without the mark, or a timed
    guard on an event that needs a payload, does not make its state so."""
    lifecycle = door(
        events=(
            _event("open_door", ["closed"], "open", guards=(_before_noon,)),
            _event("close_door", ["open"], "closed", guards=(_labelled,)),
            _event("remove", ["closed", "open"], "removed"),
            _event("note", ["closed", "open"], None, Note, effect=_note, guards=(_before_noon,)),
        )
    )
    assert frozenset({"closed"}) == lifecycle.time_dependent_states


def test_a_factorys_timed_guard_makes_its_state_time_dependent() -> None:
    """The guard a factory makes, marked, counts as reading the time."""
    lifecycle = door(
        events=(
            _event("open_door", ["closed"], "open"),
            _event("close_door", ["open"], "closed", guards=(_not_before(8),)),
            _event("remove", ["closed", "open"], "removed"),
        )
    )
    assert frozenset({"open"}) == lifecycle.time_dependent_states


def test_without_timed_guards_no_state_is_time_dependent() -> None:
    """Neither the toy (no guards) nor a lifecycle with only unmarked guards and the
    engine's own repeat rules has a time-dependent state."""
    assert frozenset() == door().time_dependent_states
    lifecycle = Lifecycle(
        "toy.door",
        states=STATES,
        events=(
            _event("open_door", ["closed"], "open", guards=(_labelled,)),
            _event("close_door", ["open"], "closed"),
            _event("remove", ["closed", "open"], "removed"),
        ),
        initial="closed",
        creation=CREATION,
        repeats=(Repeat("open_door", maximum=2),),
    )
    assert frozenset() == lifecycle.time_dependent_states


def test_the_leertrajects_time_dependent_states() -> None:
    """The leertraject's states left by submit_application (application window),
    request_completion (deadline after today), complete_application (in time) and
    hold_intake (a day given for the intake is not in the future)."""
    from trajectory.ontwikkelkracht import LIFECYCLE

    assert (
        frozenset(
            {
                "application_in_preparation",
                "application_submitted",
                "application_incomplete",
                "preparing",
            }
        )
        == LIFECYCLE.time_dependent_states
    )


# -- blockers as a schedule over time --------------------------------------------------------


def _next_noon(data: Door, payload: Any, context: Context) -> dt.datetime | None:
    """When _before_noon_scheduled may next say otherwise: noon, then midnight (UTC)."""
    day = context.now.date()
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    if context.now < noon:
        return noon
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)


_AFTER_NOON = ViolationRegistry().define(
    "door.after_noon",
    nl="De deur gaat na twaalf uur niet meer open.",
    en="The door does not open after noon.",
    description="Refused from noon on.",
)


@reads_time(changes_at=_next_noon)
def _before_noon_scheduled(data: Door, payload: Any, context: Context) -> list[Violation]:
    """Refused from noon on (UTC), and it says when its verdict changes."""
    return [] if context.now.hour < 12 else [_AFTER_NOON()]


def _scheduled_door(guard: Any) -> Trajectory[Door]:
    lifecycle = door(
        events=(
            _event("open_door", ["closed"], "open", guards=(guard,)),
            _event("close_door", ["open"], "closed"),
            _event("remove", ["closed", "open"], "removed"),
        )
    )
    return lifecycle.create(Install("front"), clock=ManualClock(START))


def test_a_schedule_follows_the_changes_its_guards_announce() -> None:
    """blocker_schedule gives the blockers from now on with the moments they change,
    as the timed guard announces them, up to ``changes`` changes (then not for ever)."""
    t = _scheduled_door(_before_noon_scheduled)
    start = dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC)

    schedule, forever = t.blocker_schedule(start, changes=3)

    moments = [moment for moment, _ in schedule]
    codes = [[v.code for v in found.get("open_door", [])] for _, found in schedule]
    assert [
        start,
        dt.datetime(2024, 9, 2, 12, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 9, 3, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 9, 3, 12, 0, tzinfo=dt.UTC),
    ] == moments
    assert [[], ["door.after_noon"], [], ["door.after_noon"]] == codes
    assert forever is False


def test_a_timed_guard_that_cannot_say_when_it_changes_ends_the_schedule() -> None:
    """A guard marked reads_time without changes_at: the schedule holds the blockers
    now, and is not for ever; a state without timed guards is for ever as it is."""
    start = dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC)
    unknown = _scheduled_door(_before_noon)
    untimed = _scheduled_door(_labelled)

    assert ((start, {}),) == unknown.blocker_schedule(start)[0]
    assert unknown.blocker_schedule(start)[1] is False
    assert (((start, {}),), True) == untimed.blocker_schedule(start)


def test_reads_time_needs_a_function_for_changes_at() -> None:
    """reads_time(changes_at=...) takes a function; something else is a DefinitionError."""
    with pytest.raises(DefinitionError, match="changes_at"):
        reads_time(changes_at=5)  # type: ignore[call-overload]
    assert _next_noon is guard_changes_at(_before_noon_scheduled)
    assert guard_changes_at(_before_noon) is None


@pytest.mark.parametrize("changes", [-1, 1.5, "2", True])
def test_a_schedule_of_a_wrong_number_of_changes_is_refused(changes: Any) -> None:
    """``changes`` is a whole number from 0: InvalidData otherwise."""
    with pytest.raises(InvalidData, match="changes"):
        _scheduled_door(_before_noon_scheduled).blocker_schedule(changes=changes)
