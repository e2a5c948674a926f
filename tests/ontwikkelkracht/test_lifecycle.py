"""The leertraject lifecycle of SPEC §1: its states and events, where each event
leads, where the recording events are allowed, and the demo walk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import at_state
from trajectory import TransitionNotAllowed, replay
from trajectory.demo import walk
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.model import HoursEntry

#: SPEC §1, States: the ids, in the order of the table.
SPEC_STATES = [
    "orientation_requested",
    "orientation_held",
    "not_pursued",
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
    "granted",
    "rejected",
    "preparing",
    "intake",
    "in_progress",
    "closing",
    "completed",
    "settled",
    "withdrawn",
    "stopped",
    # SPEC §7.1: not completed in time (Awb 4:5)
    "not_considered",
]

#: SPEC §1, Events and their preconditions.
SPEC_STATE_EVENTS = [
    "hold_orientation",
    "decline",
    "register",
    "submit_application",
    "request_completion",
    "complete_application",
    "grant",
    "reject",
    # SPEC §7.1: the location follows its application
    "not_consider",
    "grant_on_objection",
    "start_preparation",
    "hold_intake",
    "start_execution",
    "hold_study_moment",
    "hold_guidance_moment",
    "hold_closing_talk",
    "deliver_implementation_plan",
    "settle",
    "withdraw",
]

#: SPEC §1, Recording events: where each is allowed ("a … b" spelled out along the path).
SPEC_RECORDING = {
    "record_talk": ("orientation_requested", "orientation_held", "application_in_preparation"),
    "add_participant": (
        "application_in_preparation",
        "application_submitted",
        "application_incomplete",
        "granted",
        "preparing",
        "intake",
        "in_progress",
    ),
    "remove_participant": (
        "application_in_preparation",
        "application_submitted",
        "application_incomplete",
        "granted",
        "preparing",
        "intake",
        "in_progress",
    ),
    "write_activity_plan": ("application_in_preparation", "application_incomplete"),
    "form_core_group": ("granted", "preparing", "intake", "in_progress"),
    "plan_calendar": ("preparing",),
    "write_development_plan": ("intake",),
    "log_hours": ("preparing", "intake", "in_progress", "closing"),
    "record_knowledge_sharing": ("in_progress", "closing"),
    "record_self_scan": ("intake", "closing"),
    # SPEC §7.4: the settlement request and the report of changes
    "request_settlement": ("completed", "stopped"),
    "report_change": ("granted", "preparing", "intake", "in_progress", "closing", "completed"),
}

BEFORE_GRANT = [
    "orientation_requested",
    "orientation_held",
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
]
AFTER_GRANT = ["granted", "preparing", "intake", "in_progress", "closing"]

#: SPEC §1, 'from → to' of every event that moves the trajectory.
SPEC_ROUTES: dict[str, dict[str, str]] = {
    "hold_orientation": {"orientation_requested": "orientation_held"},
    "decline": {"orientation_held": "not_pursued"},
    "register": {"orientation_held": "application_in_preparation"},
    "submit_application": {"application_in_preparation": "application_submitted"},
    "request_completion": {"application_submitted": "application_incomplete"},
    "complete_application": {"application_incomplete": "application_submitted"},
    "grant": {"application_submitted": "granted"},
    "reject": {"application_submitted": "rejected", "application_incomplete": "rejected"},
    "not_consider": {"application_incomplete": "not_considered"},
    "grant_on_objection": {"rejected": "granted"},
    "start_preparation": {"granted": "preparing"},
    "hold_intake": {"preparing": "intake"},
    "start_execution": {"intake": "in_progress"},
    "hold_study_moment": {"in_progress": "in_progress"},
    "hold_guidance_moment": {"in_progress": "in_progress"},
    "hold_closing_talk": {"in_progress": "closing"},
    "deliver_implementation_plan": {"closing": "completed"},
    "settle": {"completed": "settled", "stopped": "settled"},
    "withdraw": {
        **dict.fromkeys(BEFORE_GRANT, "withdrawn"),
        **dict.fromkeys(AFTER_GRANT, "stopped"),
    },
}


# -- the definition ------------------------------------------------------------------------


def test_states_are_the_spec_ids() -> None:
    """LIFECYCLE.states holds exactly the state ids of SPEC §1."""
    assert sorted(SPEC_STATES) == sorted(LIFECYCLE.states)
    assert "orientation_requested" == LIFECYCLE.initial


def test_events_are_the_spec_ids() -> None:
    """LIFECYCLE.events holds exactly the event ids of SPEC §1: the events that move the
    trajectory and the recording events (record_self_scan included)."""
    assert sorted([*SPEC_STATE_EVENTS, *SPEC_RECORDING]) == sorted(LIFECYCLE.events)


def test_final_states() -> None:
    """not_pursued, not_considered, settled and withdrawn are final; stopped is not (it
    is still settled), nor is rejected (a rejection can be changed on objection)."""
    assert frozenset({"not_pursued", "not_considered", "settled", "withdrawn"}) == (
        LIFECYCLE.final_states
    )
    assert "stopped" not in LIFECYCLE.final_states
    assert "rejected" not in LIFECYCLE.final_states


@pytest.mark.parametrize("state", SPEC_STATES)
def test_every_state_reachable_and_final_only_when_final(state: str) -> None:
    """Every state is reached along a valid path; only final states have no way out."""
    t = at_state(state)
    assert state == t.state
    assert (state in LIFECYCLE.final_states) == t.is_final
    assert (() == t.allowed_events()) == t.is_final


@pytest.mark.parametrize("state", SPEC_STATES)
def test_states_have_dutch_and_english_labels(state: str) -> None:
    """Every state has a Dutch and an English label."""
    labels = LIFECYCLE.states[state].labels
    assert {"nl", "en"} == set(labels)
    assert labels["nl"].strip()
    assert labels["en"].strip()


@pytest.mark.parametrize(("event", "routes"), sorted(SPEC_ROUTES.items()))
def test_routes_of_the_spec(event: str, routes: dict[str, str]) -> None:
    """Each event leads from exactly the SPEC's source states to the SPEC's target."""
    assert routes == dict(LIFECYCLE.routes[event])


def test_stopped_can_only_be_settled() -> None:
    """A stopped trajectory can only be settled (after the board's settlement request,
    where the grant is settled on request)."""
    assert ("settle", "request_settlement") == at_state("stopped").allowed_events()


# -- withdraw --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "target"),
    [(state, "withdrawn") for state in BEFORE_GRANT]
    + [(state, "stopped") for state in AFTER_GRANT],
)
def test_withdraw(state: str, target: str) -> None:
    """withdraw goes to withdrawn before the grant and to stopped after it, keeping the
    reason."""
    t = at_state(state)
    event = t.fire("withdraw", reason="The team has no time.")
    assert target == t.state
    assert (state, target) == (event.from_state, event.to_state)
    assert "The team has no time." == t.data.reason


@pytest.mark.parametrize(
    "state", ["completed", "stopped", "rejected", *sorted(LIFECYCLE.final_states)]
)
def test_withdraw_not_allowed_after_closing(state: str) -> None:
    """Once completed, stopped or final, a trajectory cannot be withdrawn."""
    t = at_state(state)
    with pytest.raises(TransitionNotAllowed) as info:
        t.fire("withdraw", reason="Too late.")
    assert (state, "withdraw") == (info.value.state, info.value.event)
    assert state == t.state


# -- recording events ----------------------------------------------------------------------


@pytest.mark.parametrize(("event", "states"), sorted(SPEC_RECORDING.items()))
def test_recording_event_routes(event: str, states: tuple[str, ...]) -> None:
    """Each recording event is allowed in exactly the states of the SPEC's table and keeps
    the trajectory in its state."""
    routes = dict(LIFECYCLE.routes.get(event, {}))
    assert {state: state for state in states} == routes


RECORDING_PAYLOADS: dict[str, dict[str, Any]] = {
    "record_talk": {"kind": "information_talk", "date": dt.date(2024, 4, 1)},
    "add_participant": {"name": "Zoë", "role": "intern_coach", "planned_hours": 40},
    "remove_participant": {"name": "Eva"},
    "write_activity_plan": {"team_support": "The team voted for it."},
    "form_core_group": {"members": ["Anna", "Bram"]},
    "plan_calendar": {
        "intake": dt.date(2024, 9, 10),
        "study_moments": [dt.date(2024, 10, 9), dt.date(2025, 1, 22)],
        "guidance_moments": [dt.date(2024, 11, 13)],
    },
    "write_development_plan": {"needs": "Time to read."},
    "log_hours": {"participant": "Anna", "date": dt.date(2024, 8, 20), "hours": 2},
    "record_knowledge_sharing": {
        "date": dt.date(2024, 9, 10),
        "form": "presentation",
        "with_whom": "The schools of the reading network",
    },
}


@pytest.mark.parametrize("state", SPEC_STATES)
@pytest.mark.parametrize("event", sorted(RECORDING_PAYLOADS))
def test_recording_event_fires_only_in_its_states(event: str, state: str) -> None:
    """A recording event fires in each state the SPEC lists, without changing the state;
    elsewhere it raises TransitionNotAllowed and nothing changes."""
    t = at_state(state)
    payload = RECORDING_PAYLOADS[event]
    before = (t.state, t.data, t.history)
    if state in SPEC_RECORDING[event]:
        recorded = t.fire(event, **payload)
        assert state == t.state
        assert (event, state, state) == (recorded.name, recorded.from_state, recorded.to_state)
        assert before[2] + (recorded,) == t.history
    else:
        with pytest.raises(TransitionNotAllowed) as info:
            t.fire(event, **payload)
        assert (event, state) == (info.value.event, info.value.state)
        assert set(SPEC_RECORDING[event]) == set(info.value.allowed_from)
        assert before == (t.state, t.data, t.history)


# -- participants and the core group --------------------------------------------------------


@pytest.mark.parametrize(("state", "name"), [("preparing", "Bram"), ("in_progress", " bram ")])
def test_remove_participant_also_leaves_core_group(state: str, name: str) -> None:
    """Removing a participant (name compared without case or blanks) also removes them from
    the core group."""
    t = at_state(state)
    assert ["Anna", "Bram"] == list(t.data.core_group)
    t.fire("remove_participant", name=name)
    assert ["Anna"] == list(t.data.core_group)
    assert ["Anna", "Chloé", "Daan", "Eva"] == [p.name for p in t.data.participants]


def test_removed_core_member_shows_at_the_intake() -> None:
    """A core group left with one member after a removal blocks the intake."""
    t = at_state("preparing")
    t.fire("remove_participant", name="Bram")
    assert [("core_group.missing", {"required": 2, "actual": 1})] == [
        (v.code, dict(v.details)) for v in t.check("hold_intake")
    ]


# -- history and the demo -------------------------------------------------------------------


def test_replay_rebuilds_the_trajectory() -> None:
    """Replaying a settled trajectory's history rebuilds the same trajectory."""
    t = at_state("settled")
    assert t == replay(t.history)


def test_demo_walk_ends_settled() -> None:
    """The demo walks the example school to settled, with EUR 20670.00 settled on 780 of the
    800 hours, after showing refused steps with their violation codes."""
    lines: list[str] = []
    t = walk(lines.append, lang="en")
    assert "settled" == t.state
    settled = t.data.settlement
    assert settled is not None
    assert Decimal("20670.00") == settled.amount_settled
    assert Decimal(780) == settled.hours_logged
    assert Decimal("21200.00") == settled.amount_granted
    assert any("[participants.minimum]" in line for line in lines)
    assert any("20,670.00" in line and "€" in line for line in lines)


def test_demo_walk_silent() -> None:
    """The demo also runs with a sink that drops every line, as documented."""
    t = walk(lambda line: None, lang="en")
    assert "settled" == t.state
    assert t.data.settlement is not None
    assert Decimal("20670.00") == t.data.settlement.amount_settled


def test_hours_per_day_stay_right_along_two_lines_of_copies() -> None:
    """Two copies of one record log different hours: each counts only its own.

    The records of a trajectory share one index of hours per participant and date;
    a record copied twice (two lines) must not see the other line's entries.
    """
    data = at_state("in_progress").data
    name = data.participants[0].name
    day = dt.date(2024, 9, 2)
    assert Decimal(0) == data.hours_on(name, day)  # builds the index

    first = data.with_hours(HoursEntry(name, day, Decimal(4)))
    second = data.with_hours(HoursEntry(name, day, Decimal(6)))
    first_more = first.with_hours(HoursEntry(name, day, Decimal(1)))

    assert Decimal(0) == data.hours_on(name, day)
    assert Decimal(4) == first.hours_on(name, day)
    assert Decimal(6) == second.hours_on(name, day)
    assert Decimal(5) == first_more.hours_on(name, day)
    assert Decimal(7) == second.with_hours(HoursEntry(name, day, Decimal(1))).hours_on(name, day)
