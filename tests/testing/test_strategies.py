"""The strategies of trajectory.testing draw what they promise, on both sides of a check.

Valid payloads fire on a leertraject that a Walker brought to a state where the event
is allowed (and, given the trajectory's date and data, pass the preconditions that
judge the payload); invalid ones raise InvalidData and change nothing; the helpers
around a bound land just below, at and just above it, and the library agrees with
the side they land on.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any, Final

import pytest
import structlog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trajectory import (
    InvalidData,
    PreconditionFailed,
    UnknownEvent,
    new_trajectory,
    rules_for,
)
from trajectory.engine.fields import name_key
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import LIFECYCLE, Leertraject
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.walker import Walker
from trajectory.testing.strategies import (
    around,
    blank_texts,
    completion_deadlines,
    dates_around,
    participant_counts,
    participant_names,
    participants,
    payloads,
    planned_hours,
    school_leader_counts,
    schools,
    study_moment_counts,
    teams,
    texts,
    window_moments,
)

RULES: Final = rules_for("2024-2025")
FAST: Final = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
#: For each event, the state a Walker takes the trajectory to before firing it.
STATE_FOR: Final = {
    "hold_orientation": "orientation_requested",
    "decline": "orientation_held",
    "register": "orientation_held",
    "submit_application": "application_in_preparation",
    "request_completion": "application_submitted",
    "complete_application": "application_incomplete",
    "grant": "application_submitted",
    "reject": "application_submitted",
    "not_consider": "application_incomplete",
    "grant_on_objection": "rejected",
    "start_preparation": "granted",
    "hold_intake": "preparing",
    "start_execution": "intake",
    "hold_study_moment": "in_progress",
    "hold_guidance_moment": "in_progress",
    "hold_closing_talk": "in_progress",
    "deliver_implementation_plan": "closing",
    "settle": "completed",
    "withdraw": "granted",
    "record_talk": "orientation_requested",
    "add_participant": "application_in_preparation",
    "remove_participant": "application_submitted",
    "write_activity_plan": "application_in_preparation",
    "form_core_group": "granted",
    "plan_calendar": "preparing",
    "write_development_plan": "intake",
    "log_hours": "closing",
    "record_knowledge_sharing": "in_progress",
    "record_self_scan": "intake",
    "request_settlement": "completed",
    "report_change": "granted",
}
#: Events whose preconditions look at more than the payload: a Walker that only
#: reached the state has not prepared them, so they may be refused, but never for the
#: payload.
STATE_GUARDED: Final = frozenset(
    {
        "submit_application",
        "hold_intake",
        "start_execution",
        "hold_closing_talk",
        "not_consider",
        # a walked grant of one location is settled ex officio: no request is taken
        "request_settlement",
    }
)
#: The codes of the preconditions that judge the payload itself.
PAYLOAD_CODES: Final = frozenset(
    {
        "date.in_future",
        "date.outside_school_year",
        "date.before_intake",
        "reason.missing",
        "orientation.report_missing",
        "implementation_plan.missing",
        "participants.unknown",
        "participants.duplicate",
        "completion.deadline_invalid",
        "grant.amount_mismatch",
        "hours.day_maximum",
    }
)
EVENTS: Final = sorted(LIFECYCLE.events)

T = Trajectory[Leertraject]


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info; these tests fire thousands."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def walked(event: str, seed: int = 1) -> Walker:
    """A walker whose trajectory is where ``event`` may fire."""
    walker = Walker.start(seed=seed)
    walker.walk_to(STATE_FOR[event])
    return walker


def snapshot(t: T) -> tuple[Any, ...]:
    return (t.state, t.data, t.history, t.version)


def outcome(t: T, event: str, payload: dict[str, Any]) -> set[str] | None:
    """Fire ``event``: ``None`` if accepted, else the codes that refused it (and the
    trajectory unchanged)."""
    before = snapshot(t)
    try:
        t.fire(event, **payload)
    except PreconditionFailed as error:
        assert before == snapshot(t)
        return {violation.code for violation in error.violations}
    return None


def test_every_event_has_a_state_to_fire_from() -> None:
    """The table covers every event, and each may leave the state it names."""
    assert set(LIFECYCLE.events) == set(STATE_FOR)
    for event, state in STATE_FOR.items():
        assert event in LIFECYCLE.events_from(state), (event, state)


# -- payloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_valid_payloads_fire(event: str) -> None:
    """A payload drawn for the trajectory's date and data is accepted; events whose
    other preconditions the walk did not prepare are refused for those alone."""

    @FAST
    @given(data=st.data())
    def fires(data: st.DataObject) -> None:
        walker = walked(event, seed=data.draw(st.integers(0, 4), label="seed"))
        t = walker.trajectory
        payload = data.draw(payloads(event, today=walker.today(), data=t.data))
        refused = outcome(t, event, payload)
        if event in STATE_GUARDED:
            assert not (refused or set()) & PAYLOAD_CODES, (payload, refused)
        else:
            assert refused is None, (payload, refused)

    fires()


@pytest.mark.parametrize("event", EVENTS)
def test_valid_payloads_without_a_trajectory_are_accepted_by_the_payload_class(
    event: str,
) -> None:
    """Without date and data the payload class still accepts every drawn payload."""
    definition = LIFECYCLE.events[event]

    @FAST
    @given(payloads(event))
    def builds(payload: dict[str, Any]) -> None:
        definition.build_payload(payload)

    builds()


@pytest.mark.parametrize("event", EVENTS)
def test_invalid_payloads_raise_invalid_data_and_change_nothing(event: str) -> None:
    """A payload drawn with valid=False raises InvalidData naming a field, on a
    trajectory where the event is allowed, and the trajectory stays as it was."""
    t = walked(event).trajectory

    @settings(FAST, max_examples=60)
    @given(payloads(event, valid=False))
    def refused(payload: dict[str, Any]) -> None:
        before = snapshot(t)
        with pytest.raises(InvalidData) as info:
            t.fire(event, **payload)
        assert before == snapshot(t)
        assert info.value.field

    refused()


def test_an_unknown_event_has_no_payloads() -> None:
    """payloads() refuses an event the leertraject does not define."""
    with pytest.raises(UnknownEvent):
        payloads("fly")


def test_hours_are_drawn_where_the_day_has_room() -> None:
    """When a participant's day is full, log_hours payloads move to a day with room,
    so they pass hours.day_maximum."""
    walker = Walker.start(seed=2)
    t = walker.walk_to("in_progress")
    for participant in t.data.participants:
        for days in range(3):
            day = walker.today() - dt.timedelta(days=days)
            t.fire("log_hours", participant=participant.name, date=day, hours=24)

    @FAST
    @given(payloads("log_hours", today=walker.today(), data=t.data))
    def fits(payload: dict[str, Any]) -> None:
        assert payload["date"] <= walker.today() - dt.timedelta(days=3)
        assert [] == t.check("log_hours", **payload)

    fits()


# -- schools, participants, texts ------------------------------------------------------------


@FAST
@given(schools())
def test_schools_start_trajectories(school: Any) -> None:
    """Every drawn school starts a leertraject."""
    t = new_trajectory(school=school, offer="leven-lang-lezen", school_year="2024-2025")
    assert "orientation_requested" == t.state


@FAST
@given(schools(sectors=["so", "vso"]))
def test_schools_of_chosen_sectors(school: Any) -> None:
    """sectors= limits the sectors drawn."""
    assert school.sector in {"so", "vso"}


@FAST
@given(st.lists(participant_names(), max_size=4), st.data())
def test_participants_avoid_the_names_taken(taken: list[str], data: st.DataObject) -> None:
    """participants(exclude=…) never draws a name that is taken (case and blanks aside)."""
    payload = data.draw(participants(exclude=taken))
    assert name_key(payload["name"]) not in {name_key(name) for name in taken}
    LIFECYCLE.events["add_participant"].build_payload(payload)


@FAST
@given(participants(valid=False))
def test_invalid_participants_are_refused(payload: dict[str, Any]) -> None:
    """participants(valid=False) is refused by add_participant's payload class."""
    with pytest.raises(InvalidData):
        LIFECYCLE.events["add_participant"].build_payload(payload)


@FAST
@given(texts(), blank_texts())
def test_texts_and_blank_texts(text: str, blank: str) -> None:
    """texts() are never blank, blank_texts() always are."""
    assert text.strip()
    assert not blank.strip()


# -- both sides of a precondition --------------------------------------------------------------


def drawn_values(strategy: st.SearchStrategy[Any], examples: int = 40) -> set[Any]:
    """Every value a (small, finite) strategy produced in a derandomized run."""
    seen: set[Any] = set()

    @settings(FAST, max_examples=examples)
    @given(strategy)
    def collect(value: Any) -> None:
        seen.add(value)

    collect()
    return seen


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        (around(5), {4, 5, 6}),
        (around(0), {0, 1}),
        (around(0, floor=None), {-1, 0, 1}),
        (around(10, step=5), {5, 10, 15}),
        (participant_counts(RULES), {4, 5, 6}),
        (school_leader_counts(RULES), {0, 1, 2}),
        (planned_hours(RULES), {Decimal("799.5"), Decimal(800), Decimal("800.5")}),
        (study_moment_counts(RULES), {1, 2, 3, 4}),
        (dates_around(dt.date(2024, 5, 2)), {dt.date(2024, 5, d) for d in (1, 2, 3)}),
        (
            completion_deadlines(RULES, dt.date(2024, 5, 2)),
            {dt.date(2024, 5, d) for d in (2, 3, 16, 17)},
        ),
    ],
)
def test_around_a_bound(strategy: st.SearchStrategy[Any], expected: set[Any]) -> None:
    """The helpers land just below, at and just above their bound, and nowhere else."""
    assert expected == drawn_values(strategy)


def test_window_moments_surround_every_opening_and_closing() -> None:
    """A minute before, at, and a minute after each end of each window."""
    minute = dt.timedelta(minutes=1)
    expected = {
        moment + offset
        for window in RULES.application_windows
        for moment in (window.opens, window.closes)
        for offset in (-minute, dt.timedelta(0), minute)
    }
    assert expected == drawn_values(window_moments(RULES), examples=60)


def ready_to_submit(seed: int = 1) -> Walker:
    """A walker in application_in_preparation with the talk and the activity plan done,
    but no participants yet."""
    walker = Walker.start(seed=seed)
    walker.walk_to("application_in_preparation")
    t = walker.trajectory
    t.fire("record_talk", kind="exploratory_talk", date=walker.today())
    parts = ("report", "willing_and_able", "leadership_commitment", "team_support")
    t.fire("write_activity_plan", **dict.fromkeys(parts, "Written."))
    return walker


@settings(FAST, max_examples=40)
@given(teams(RULES))
def test_teams_on_both_sides_of_the_minimums(team: list[dict[str, Any]]) -> None:
    """Submitting with a drawn team is refused for exactly the minimums it misses."""
    walker = ready_to_submit()
    for person in team:
        walker.trajectory.fire("add_participant", **person)
    walker.enter_window()
    leaders = sum(1 for person in team if str(person["role"]) == "school_leader")
    hours = sum((Decimal(person["planned_hours"]) for person in team), Decimal(0))
    expected = {
        code
        for code, short in (
            ("participants.minimum", len(team) < RULES.minimum_participants),
            ("participants.school_leader", leaders < RULES.minimum_school_leaders),
            ("hours.minimum", hours < RULES.minimum_hours),
        )
        if short
    }
    assert (expected or None) == outcome(walker.trajectory, "submit_application", {})


def test_teams_reach_every_side() -> None:
    """Across a run, teams land below, at and above each minimum."""
    sizes = drawn_values(teams(RULES).map(len), examples=60)
    assert {4, 5, 6} == sizes


@settings(FAST, max_examples=30)
@given(window_moments(RULES))
def test_window_moments_on_both_sides_of_window_closed(moment: dt.datetime) -> None:
    """Submitting at a drawn moment is refused with window.closed exactly outside."""
    walker = Walker.start(seed=1)
    walker.walk_to("application_in_preparation")
    walker.complete_application()
    walker.clock.set(moment)
    inside = any(w.opens <= moment <= w.closes for w in RULES.application_windows)
    refused = outcome(walker.trajectory, "submit_application", {})
    assert (None if inside else {"window.closed"}) == refused


@settings(FAST, max_examples=20)
@given(st.data())
def test_dates_around_today_on_both_sides_of_date_in_future(data: st.DataObject) -> None:
    """A moment dated the day after today is refused with date.in_future; today and
    the day before are accepted (a few days after the intake)."""
    walker = Walker.start(seed=1)
    t = walker.walk_to("in_progress")
    walker.wait(days=3)
    today = walker.today()
    day = data.draw(dates_around(today))
    refused = outcome(t, "hold_guidance_moment", {"date": day})
    assert (None if day <= today else {"date.in_future"}) == refused


@settings(FAST, max_examples=20)
@given(st.data())
def test_completion_deadlines_on_both_sides(data: st.DataObject) -> None:
    """A deadline is valid after today and within the completion period."""
    walker = Walker.start(seed=1)
    t = walker.walk_to("application_submitted")
    today = walker.today()
    deadline = data.draw(completion_deadlines(RULES, today))
    valid = today < deadline <= today + dt.timedelta(days=RULES.completion_period_days)
    refused = outcome(t, "request_completion", {"deadline": deadline})
    assert (None if valid else {"completion.deadline_invalid"}) == refused


@settings(FAST, max_examples=20)
@given(study_moment_counts(RULES))
def test_study_moment_counts_on_both_sides_of_the_calendar(count: int) -> None:
    """A calendar with a drawn number of study moments passes hold_intake's calendar
    check exactly within the year's minimum and maximum."""
    walker = Walker.start(seed=1)
    t = walker.walk_to("preparing")
    walker.plan_year()
    year = t.data.school_year
    days = [year.start + dt.timedelta(days=40 + 14 * n) for n in range(count)]
    calendar = t.data.calendar
    assert calendar is not None
    assert calendar.intake is not None
    t.fire(
        "plan_calendar",
        intake=calendar.intake,
        study_moments=days,
        guidance_moments=calendar.guidance_moments,
    )
    walker.clock.set(dt.datetime.combine(calendar.intake, dt.time(10), tzinfo=NETHERLANDS))
    within = RULES.study_moments_minimum <= count <= RULES.study_moments_maximum
    assert (None if within else {"calendar.incomplete"}) == outcome(t, "hold_intake", {})
