"""The leertraject's preconditions: every violation code raised and cleared.

Each test that shows a code *raised* is marked ``@raises(code)``, each test that
shows it *cleared* ``@clears(code)``; the last tests check that together they
cover every code the lifecycle declares, so none can be added untested.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pytest

from tests.builders import DEVELOPMENT_PARTS, IN_WINDOW, PLAN_PARTS, SCHOOL, TEAM, at_state, new
from tests.messages import identifiers, shown_figures
from trajectory import (
    InvalidData,
    ManualClock,
    PreconditionFailed,
    School,
    Trajectory,
    TransitionNotAllowed,
    Violation,
    new_trajectory,
)
from trajectory.ontwikkelkracht import (
    LIFECYCLE,
    VIOLATIONS,
    Catalog,
    Leertraject,
    Offer,
    rules_for,
)
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.school import SchoolYear
from trajectory.ontwikkelkracht.violations import APPLICATION_CODES

F = TypeVar("F", bound=Callable[..., Any])
T = Trajectory[Leertraject]

#: The codes some test shows raised / cleared (filled when the module is imported).
RAISED: set[str] = set()
CLEARED: set[str] = set()


def raises(*codes: str) -> Callable[[F], F]:
    """Mark a test as showing ``codes`` raised."""

    def mark(test: F) -> F:
        RAISED.update(codes)
        return test

    return mark


def clears(*codes: str) -> Callable[[F], F]:
    """Mark a test as showing ``codes`` cleared."""

    def mark(test: F) -> F:
        CLEARED.update(codes)
        return test

    return mark


# -- helpers ------------------------------------------------------------------------


def nl_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment in the Netherlands."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=NETHERLANDS)


def codes(violations: Iterable[Violation]) -> list[str]:
    return [v.code for v in violations]


def details(violations: Iterable[Violation], code: str) -> list[dict[str, Any]]:
    """The details of every violation with ``code``, in order."""
    return [dict(v.details) for v in violations if v.code == code]


def one(violations: Sequence[Violation], code: str) -> Violation:
    """The only violation with ``code``."""
    found = [v for v in violations if v.code == code]
    assert 1 == len(found), codes(violations)
    return found[0]


def assert_messages_show(violation: Violation) -> None:
    """Both messages are filled in, show every figure of the violation (formatted in
    the language, identifiers as their labels) and hold no code identifier."""
    for lang in ("nl", "en"):
        message = violation.message(lang)
        assert "{" not in message, message
        for shown in shown_figures(violation, lang):
            assert shown in message, (lang, message, shown)
        assert [] == identifiers(message), message
    assert violation.message("nl") != violation.message("en")


def snapshot(t: T) -> tuple[Any, ...]:
    return (t.state, t.data, t.history, t.version)


def assert_refused(t: T, event: str, **payload: Any) -> tuple[Violation, ...]:
    """``fire`` raises PreconditionFailed with exactly ``check``'s violations; nothing changes."""
    expected = t.check(event, **payload)
    before = snapshot(t)
    with pytest.raises(PreconditionFailed) as info:
        t.fire(event, **payload)
    assert tuple(expected) == info.value.violations
    assert event == info.value.event
    assert before == snapshot(t)
    return info.value.violations


def application(
    *,
    clock: ManualClock | None = None,
    team: Iterable[tuple[str, str, int]] = TEAM,
    talk: str | None = "exploratory_talk",
    plan: dict[str, str] | None = PLAN_PARTS,
    **creation: Any,
) -> T:
    """A trajectory in application_in_preparation, by default ready to submit (2024-2025)."""
    clock = clock or ManualClock(IN_WINDOW)
    arguments: dict[str, Any] = {
        "school": SCHOOL,
        "offer": "leven-lang-lezen",
        "school_year": "2024-2025",
        "clock": clock,
    }
    arguments.update(creation)
    t = new_trajectory(**arguments)
    today = clock().astimezone(NETHERLANDS).date()
    if talk is not None:
        t.fire("record_talk", kind=talk, date=today)
    t.fire(
        "hold_orientation",
        date=today,
        learning_question="How do we read more?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    for name, role, hours in team:
        t.fire("add_participant", name=name, role=role, planned_hours=hours)
    if plan is not None:
        t.fire("write_activity_plan", **plan)
    assert "application_in_preparation" == t.state
    return t


def preparing_without_group(clock: ManualClock) -> T:
    """A trajectory in preparing, without core group or calendar yet."""
    t = at_state("granted", clock)
    clock.set(nl_time(2024, 8, 26, 10))
    t.fire("start_preparation")
    return t


VALID_CALENDAR: dict[str, Any] = {
    "intake": dt.date(2024, 9, 10),
    "study_moments": [dt.date(2024, 10, 9), dt.date(2025, 1, 22)],
    "guidance_moments": [dt.date(2024, 11, 13)],
}


# -- the acceptance scenario ---------------------------------------------------


@raises("participants.minimum", "participants.school_leader", "hours.minimum")
def test_acceptance_three_participants_no_leader_600_hours() -> None:
    """Acceptance scenario: in application_in_preparation with 3 participants, none of them
    a school leader, and 600 planned hours, check('submit_application') returns at least
    participants.minimum (5/3), participants.school_leader (1/0) and hours.minimum
    (800/600); fire raises PreconditionFailed with the same violations and changes nothing."""
    t = application(
        team=(("Bram", "teacher", 200), ("Chloé", "teacher", 200), ("Daan", "support_staff", 200)),
        plan=None,
    )
    assert 3 == len(t.data.participants)
    assert Decimal(600) == t.data.planned_hours

    found = t.check("submit_application")

    assert [{"required": 5, "actual": 3}] == details(found, "participants.minimum")
    assert [{"required": 1, "actual": 0}] == details(found, "participants.school_leader")
    assert [{"required": 800, "actual": 600}] == details(found, "hours.minimum")
    before = snapshot(t)
    with pytest.raises(PreconditionFailed) as info:
        t.fire("submit_application")
    assert tuple(found) == info.value.violations
    assert "submit_application" == info.value.event
    assert "application_in_preparation" == info.value.state
    assert before == snapshot(t)
    assert "application_in_preparation" == t.state


@pytest.mark.parametrize(
    ("code", "figures"),
    [
        ("participants.minimum", {"nl": ("5 deelnemers", "3"), "en": ("5 participants", "3")}),
        (
            "participants.school_leader",
            {"nl": ("1 schoolleider", "geen"), "en": ("1 school leader", "none")},
        ),
        ("hours.minimum", {"nl": ("800 uur", "600 uur"), "en": ("800 hours", "600 hours")}),
    ],
)
def test_acceptance_messages_show_figures(code: str, figures: dict[str, tuple[str, str]]) -> None:
    """The acceptance scenario's violations say their figures in Dutch and in English,
    a count with its noun in the right plural ("1 schoolleider", "5 deelnemers")."""
    t = application(
        team=(("Bram", "teacher", 200), ("Chloé", "teacher", 200), ("Daan", "support_staff", 200)),
    )
    violation = one(t.check("submit_application"), code)
    for lang in ("nl", "en"):
        for figure in figures[lang]:
            assert figure in violation.message(lang)
    assert_messages_show(violation)


@clears("participants.minimum", "participants.school_leader", "hours.minimum")
def test_acceptance_cleared_by_two_more_participants_one_a_leader() -> None:
    """Adding two participants, one a school leader, to reach 800 hours clears all three
    and the application can be submitted."""
    t = application(
        team=(("Bram", "teacher", 200), ("Chloé", "teacher", 200), ("Daan", "support_staff", 200)),
    )
    t.fire("add_participant", name="Anna", role="school_leader", planned_hours=100)
    assert ["participants.minimum", "hours.minimum"] == codes(t.check("submit_application"))
    t.fire("add_participant", name="Eva", role="teacher", planned_hours=100)

    assert [] == t.check("submit_application")
    t.fire("submit_application")
    assert "application_submitted" == t.state


@raises("hours.minimum")
@clears("hours.minimum")
@pytest.mark.parametrize(
    ("last_hours", "expected"),
    [(139, [{"required": 800, "actual": 799}]), (140, []), (141, [])],
)
def test_hours_minimum_boundary(last_hours: int, expected: list[dict[str, Any]]) -> None:
    """hours.minimum holds below 800 planned hours and clears at exactly 800."""
    t = application(team=(*TEAM[:4], ("Eva", "teacher", last_hours)))
    assert expected == details(t.check("submit_application"), "hours.minimum")


# -- fire versus check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "event", "payload"),
    [
        ("orientation_held", "decline", {"reason": " "}),
        ("application_submitted", "grant", {"amount": 1000}),
        ("intake", "start_execution", {}),
        ("in_progress", "hold_closing_talk", {}),
        ("closing", "deliver_implementation_plan", {"plan": ""}),
    ],
)
def test_fire_carries_exactly_the_check_violations(
    state: str, event: str, payload: dict[str, Any]
) -> None:
    """A refused fire raises PreconditionFailed carrying exactly check()'s violations and
    leaves state, data, history and version unchanged."""
    t = at_state(state)
    violations = assert_refused(t, event, **payload)
    assert violations
    assert state == t.state


def test_check_changes_nothing() -> None:
    """check() only asks: state, data, history and version stay the same."""
    t = at_state("application_in_preparation")
    before = snapshot(t)
    assert [] == t.check("submit_application")
    assert before == snapshot(t)


# -- the engine's transition.not_allowed --------------------------------------------------


@raises("transition.not_allowed")
def test_transition_not_allowed_check() -> None:
    """check of an event that does not leave the state returns transition.not_allowed with
    the event, the state and where it is allowed."""
    t = new()
    violation = one(t.check("grant"), "transition.not_allowed")
    assert {
        "event": "grant",
        "state": "orientation_requested",
        "allowed_from": ["application_submitted"],
    } == dict(violation.details)
    assert_messages_show(violation)


def test_transition_not_allowed_fire() -> None:
    """fire of an event that does not leave the state raises TransitionNotAllowed with
    .event, .state and .allowed_from, and changes nothing."""
    t = new()
    before = snapshot(t)
    with pytest.raises(TransitionNotAllowed) as info:
        t.fire("grant")
    assert "grant" == info.value.event
    assert "orientation_requested" == info.value.state
    assert ("application_submitted",) == info.value.allowed_from
    assert before == snapshot(t)


@raises("transition.not_allowed")
def test_transition_not_allowed_from_final_state() -> None:
    """Nothing leaves a final state: withdraw from settled is not allowed."""
    t = at_state("settled")
    assert ["transition.not_allowed"] == codes(t.check("withdraw", reason="Too late."))
    with pytest.raises(TransitionNotAllowed):
        t.fire("withdraw", reason="Too late.")
    assert "settled" == t.state


@clears("transition.not_allowed")
def test_transition_allowed_in_its_source_state() -> None:
    """In the state the event leaves, transition.not_allowed is not reported."""
    t = at_state("application_submitted")
    assert [] == t.check("grant")
    t.fire("grant")
    assert "granted" == t.state


# -- orientation ------------------------------------------------------------------------


ORIENTATION: dict[str, Any] = {
    "date": dt.date(2024, 4, 22),
    "learning_question": "How do we raise reading motivation?",
    "conclusion": "positive",
}


@raises("orientation.report_missing")
@pytest.mark.parametrize("report", ["", "   ", "\n\t"])
def test_orientation_report_missing(report: str) -> None:
    """hold_orientation with an empty or blank report raises orientation.report_missing."""
    t = new()
    found = t.check("hold_orientation", **ORIENTATION, report=report)
    assert ["orientation.report_missing"] == codes(found)
    assert {} == dict(found[0].details)
    assert found[0].message("nl").startswith("Het verslag")
    assert found[0].message("en").startswith("The report")
    assert_refused(t, "hold_orientation", **ORIENTATION, report=report)


@clears("orientation.report_missing")
def test_orientation_report_given() -> None:
    """With a report, hold_orientation fires and keeps the report."""
    t = new()
    assert [] == t.check("hold_orientation", **ORIENTATION, report="It fits.")
    t.fire("hold_orientation", **ORIENTATION, report="It fits.")
    assert "orientation_held" == t.state
    assert t.data.orientation is not None
    assert "It fits." == t.data.orientation.report


@raises("orientation.negative")
def test_orientation_negative_blocks_register() -> None:
    """After a negative orientation talk, register raises orientation.negative; decline
    is still possible."""
    t = new()
    t.fire("hold_orientation", **{**ORIENTATION, "conclusion": "negative"}, report="No fit.")
    violation = one(t.check("register"), "orientation.negative")
    assert {"conclusion": "negative"} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "register")
    t.fire("decline", reason="The talk was negative.")
    assert "not_pursued" == t.state


@clears("orientation.negative")
def test_orientation_positive_allows_register() -> None:
    """After a positive orientation talk, register fires."""
    t = at_state("orientation_held")
    assert [] == t.check("register")
    t.fire("register")
    assert "application_in_preparation" == t.state


# -- date.in_future ----------------------------------------------------------------------


DATED_EVENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("orientation_requested", "record_talk", {"kind": "exploratory_talk"}),
    ("orientation_requested", "hold_orientation", {**ORIENTATION, "report": "Ok."}),
    ("in_progress", "hold_study_moment", {"form": "own_school"}),
    ("in_progress", "hold_guidance_moment", {}),
    ("in_progress", "log_hours", {"participant": "Anna", "hours": 4}),
]


@raises("date.in_future")
@pytest.mark.parametrize(("state", "event", "payload"), DATED_EVENTS)
def test_date_in_future(state: str, event: str, payload: dict[str, Any]) -> None:
    """A fact dated after today (in the Netherlands) raises date.in_future with the
    field, the date and today."""
    clock = ManualClock(IN_WINDOW)
    t = at_state(state, clock)
    clock.set(nl_time(2024, 9, 10, 10) if state == "in_progress" else IN_WINDOW)
    today = clock().date()
    tomorrow = today + dt.timedelta(days=1)
    fields = {**payload, "date": tomorrow}

    violation = one(t.check(event, **fields), "date.in_future")

    assert {
        "field": "date",
        "date": tomorrow,
        "today": today,
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, event, **fields)


@clears("date.in_future")
@pytest.mark.parametrize(("state", "event", "payload"), DATED_EVENTS)
def test_date_in_future_cleared_once_the_day_comes(
    state: str, event: str, payload: dict[str, Any]
) -> None:
    """The same date is accepted once it is today in the Netherlands, even while it is
    still the day before in UTC (22:30 UTC in summer is 00:30 in Amsterdam)."""
    clock = ManualClock(IN_WINDOW)
    t = at_state(state, clock)
    today = dt.date(2024, 9, 10) if state == "in_progress" else IN_WINDOW.date()
    tomorrow = today + dt.timedelta(days=1)
    clock.set(dt.datetime.combine(today, dt.time(22, 30), tzinfo=dt.UTC))
    fields = {**payload, "date": tomorrow}
    assert "date.in_future" not in codes(t.check(event, **fields))
    t.fire(event, **fields)
    assert t.history[-1].name == event


# -- dates against the trajectory: the school year and the intake ------------------------

#: The events whose date must lie inside the school year, with the state to fire them in
#: (the builders hold the intake on 2024-09-10) and the rest of their payload.
IN_SCHOOL_YEAR_EVENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("in_progress", "hold_study_moment", {"form": "own_school"}),
    ("in_progress", "hold_guidance_moment", {}),
    ("preparing", "log_hours", {"participant": "Anna", "hours": 4}),
    ("in_progress", "log_hours", {"participant": "Anna", "hours": 4}),
    ("in_progress", "record_knowledge_sharing", {"form": "presentation", "with_whom": "Us"}),
    ("closing", "record_knowledge_sharing", {"form": "publication", "with_whom": "All"}),
]


@raises("date.outside_school_year")
@pytest.mark.parametrize(("state", "event", "payload"), IN_SCHOOL_YEAR_EVENTS)
@pytest.mark.parametrize("day", [dt.date(2025, 8, 1), dt.date(2026, 3, 1)])
def test_date_after_the_school_year(
    state: str, event: str, payload: dict[str, Any], day: dt.date
) -> None:
    """A moment, hours or knowledge sharing dated after the school year (1 August 2024 –
    31 July 2025) is refused with one date.outside_school_year violation that gives the
    date and the year's bounds."""
    clock = ManualClock(IN_WINDOW)
    t = at_state(state, clock)
    clock.set(nl_time(2026, 3, 2, 10))  # the date is not in the future
    fields = {**payload, "date": day}
    found = assert_refused(t, event, **fields)
    assert ["date.outside_school_year"] == codes(found)
    assert {
        "field": "date",
        "date": day,
        "school_year": "2024-2025",
        "start": dt.date(2024, 8, 1),
        "end": dt.date(2025, 7, 31),
    } == dict(found[0].details)
    assert_messages_show(found[0])


@raises("date.outside_school_year")
def test_hours_before_the_school_year() -> None:
    """Hours dated before the school year (31 July 2024) are refused, even in preparing."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("preparing", clock)
    found = assert_refused(t, "log_hours", participant="Anna", date=dt.date(2024, 7, 31), hours=2)
    assert ["date.outside_school_year"] == codes(found)


@clears("date.outside_school_year")
@pytest.mark.parametrize(("state", "event", "payload"), IN_SCHOOL_YEAR_EVENTS)
def test_date_on_the_last_day_of_the_school_year(
    state: str, event: str, payload: dict[str, Any]
) -> None:
    """The last day of the school year (31 July 2025) lies inside it."""
    clock = ManualClock(IN_WINDOW)
    t = at_state(state, clock)
    clock.set(nl_time(2025, 8, 15, 10))
    fields = {**payload, "date": dt.date(2025, 7, 31)}
    assert [] == t.check(event, **fields)
    t.fire(event, **fields)
    assert event == t.history[-1].name


@clears("date.outside_school_year")
def test_hours_on_the_first_day_of_the_school_year() -> None:
    """Hours dated on 1 August 2024, the first day of the school year, are accepted."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("preparing", clock)
    t.fire("log_hours", participant="Anna", date=dt.date(2024, 8, 1), hours=2)
    assert Decimal(2) == t.data.logged_hours


@raises("date.before_intake")
@pytest.mark.parametrize(
    ("event", "payload"),
    [("hold_study_moment", {"form": "own_school"}), ("hold_guidance_moment", {})],
)
def test_moment_before_the_intake(event: str, payload: dict[str, Any]) -> None:
    """A study or guidance moment dated before the intake (held on 10 September 2024),
    though inside the school year, is refused with one date.before_intake violation that
    gives the date and the intake's."""
    t = at_state("in_progress")
    assert dt.date(2024, 9, 10) == t.data.intake_date
    fields = {**payload, "date": dt.date(2024, 9, 9)}
    found = assert_refused(t, event, **fields)
    assert ["date.before_intake"] == codes(found)
    assert {
        "field": "date",
        "date": dt.date(2024, 9, 9),
        "intake": dt.date(2024, 9, 10),
    } == dict(found[0].details)
    assert_messages_show(found[0])


@raises("date.before_intake", "date.outside_school_year")
def test_moment_before_the_school_year_is_before_the_intake_too() -> None:
    """A study moment dated before the school year breaks both rules: one violation each."""
    t = at_state("in_progress")
    found = assert_refused(t, "hold_study_moment", date=dt.date(2024, 7, 1), form="own_school")
    assert ["date.outside_school_year", "date.before_intake"] == codes(found)


@clears("date.before_intake")
@pytest.mark.parametrize(
    ("event", "payload"),
    [("hold_study_moment", {"form": "own_school"}), ("hold_guidance_moment", {})],
)
def test_moment_on_the_day_of_the_intake(event: str, payload: dict[str, Any]) -> None:
    """A moment on the day of the intake is accepted; hours need not wait for it."""
    t = at_state("in_progress")
    t.fire(event, date=dt.date(2024, 9, 10), **payload)
    t.fire("log_hours", participant="Anna", date=dt.date(2024, 9, 2), hours=3)
    assert (event, "log_hours") == (t.history[-2].name, t.history[-1].name)


def test_the_intake_date_is_planned_in_the_calendar() -> None:
    """Without a day given, the intake's date is the day the annual calendar planned
    for it; before a calendar, there is none."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    assert t.data.intake_date is None
    t.fire("plan_calendar", **VALID_CALENDAR)
    t.fire("form_core_group", members=["Anna", "Bram"])
    clock.set(nl_time(2024, 9, 12, 10))
    t.fire("hold_intake")
    assert (dt.date(2024, 9, 10), None) == (t.data.intake_date, t.data.intake_held_on)


def test_the_intake_date_is_the_day_given() -> None:
    """hold_intake given the day it was held keeps that day; moments are judged by it."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("plan_calendar", **VALID_CALENDAR)
    t.fire("form_core_group", members=["Anna", "Bram"])
    clock.set(nl_time(2024, 9, 20, 10))
    t.fire("hold_intake", date=dt.date(2024, 9, 17))
    assert dt.date(2024, 9, 17) == t.data.intake_date
    t.fire("write_development_plan", **DEVELOPMENT_PARTS)
    t.fire("start_execution")
    found = t.check("hold_guidance_moment", date=dt.date(2024, 9, 16))
    assert [
        {"field": "date", "date": dt.date(2024, 9, 16), "intake": dt.date(2024, 9, 17)}
    ] == details(found, "date.before_intake")


@raises("date.in_future", "date.outside_school_year")
@pytest.mark.parametrize(
    ("day", "code"),
    [(dt.date(2024, 9, 21), "date.in_future"), (dt.date(2024, 7, 20), "date.outside_school_year")],
)
def test_the_intake_day_given_is_checked(day: dt.date, code: str) -> None:
    """The day given for the intake is not in the future and lies inside the school year."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("plan_calendar", **VALID_CALENDAR)
    t.fire("form_core_group", members=["Anna", "Bram"])
    clock.set(nl_time(2024, 9, 20, 10))
    assert [code] == codes(assert_refused(t, "hold_intake", date=day))


# -- reasons ---------------------------------------------------------------------------


REASON_EVENTS = [
    ("orientation_held", "decline", "not_pursued"),
    ("application_submitted", "reject", "rejected"),
    ("application_incomplete", "reject", "rejected"),
    ("orientation_requested", "withdraw", "withdrawn"),
    ("in_progress", "withdraw", "stopped"),
]


@raises("reason.missing")
@pytest.mark.parametrize(("state", "event", "target"), REASON_EVENTS)
def test_reason_missing(state: str, event: str, target: str) -> None:
    """decline, reject and withdraw with a blank reason raise reason.missing naming the event."""
    t = at_state(state)
    violation = one(t.check(event, reason="  "), "reason.missing")
    assert {"event": event} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, event, reason="  ")


@clears("reason.missing")
@pytest.mark.parametrize(("state", "event", "target"), REASON_EVENTS)
def test_reason_given(state: str, event: str, target: str) -> None:
    """With a reason the event fires, reaches its state and keeps the reason."""
    t = at_state(state)
    assert [] == t.check(event, reason="budget.exhausted")
    t.fire(event, reason="budget.exhausted")
    assert target == t.state
    assert "budget.exhausted" == t.data.reason


# -- the application: talks ----------------------------------------------------------


@raises("talks.required_missing")
def test_talks_required_missing_2024() -> None:
    """For 2024-2025 submitting without an exploratory talk raises talks.required_missing
    with the year, the kinds required and what was recorded."""
    t = application(talk=None)
    violation = one(t.check("submit_application"), "talks.required_missing")
    assert {
        "school_year": "2024-2025",
        "required_any_of": ["exploratory_talk"],
        "recorded": [],
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "submit_application")


@raises("talks.required_missing")
@pytest.mark.parametrize("kind", ["information_talk", "information_meeting"])
def test_talks_2024_need_the_exploratory_talk(kind: str) -> None:
    """For 2024-2025 an information talk or meeting does not replace the exploratory talk."""
    t = application(talk=kind)
    violation = one(t.check("submit_application"), "talks.required_missing")
    assert [kind] == violation.details["recorded"]


@clears("talks.required_missing")
def test_talks_exploratory_talk_clears_2024() -> None:
    """Recording the exploratory talk clears talks.required_missing for 2024-2025."""
    t = application(talk=None)
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    assert [] == t.check("submit_application")


OFFER_2026 = Offer(
    id="leven-lang-lezen",
    title="Een leven lang lezen",
    expert_school="OBS Het Klokhuis",
    place="Beek en Donk",
    school_years=frozenset({SchoolYear(2026)}),
)
IN_WINDOW_2026 = nl_time(2026, 4, 1, 10)


@raises("talks.required_missing")
@pytest.mark.parametrize("kind", [None, "exploratory_talk"])
def test_talks_required_missing_2026(kind: str | None) -> None:
    """For 2026-2027 neither no talk nor an exploratory talk will do: an information talk
    or an information meeting is required."""
    t = application(
        clock=ManualClock(IN_WINDOW_2026), talk=kind, offer=OFFER_2026, school_year="2026-2027"
    )
    violation = one(t.check("submit_application"), "talks.required_missing")
    assert "2026-2027" == violation.details["school_year"]
    assert ["information_talk", "information_meeting"] == violation.details["required_any_of"]
    assert_messages_show(violation)


@clears("talks.required_missing")
@pytest.mark.parametrize("kind", ["information_talk", "information_meeting"])
def test_talks_2026_information_talk_or_meeting(kind: str) -> None:
    """For 2026-2027 either an information talk OR an information meeting clears
    talks.required_missing, and the application can be submitted."""
    t = application(
        clock=ManualClock(IN_WINDOW_2026), talk=kind, offer=OFFER_2026, school_year="2026-2027"
    )
    assert [] == t.check("submit_application")
    t.fire("submit_application")
    assert "application_submitted" == t.state


# -- the application: activity plan --------------------------------------------------


@raises("activity_plan.missing_part")
def test_activity_plan_missing_parts() -> None:
    """Without an activity plan, submit raises one activity_plan.missing_part per part."""
    t = application(plan=None)
    found = t.check("submit_application")
    assert [
        {"part": "report"},
        {"part": "willing_and_able"},
        {"part": "leadership_commitment"},
        {"part": "team_support"},
    ] == details(found, "activity_plan.missing_part")
    for violation in found:
        assert_messages_show(violation)


@raises("activity_plan.missing_part")
@clears("activity_plan.missing_part")
def test_activity_plan_parts_written_one_by_one() -> None:
    """Each part written clears its violation; a blank part still counts as missing."""
    t = application(plan=None)
    t.fire("write_activity_plan", report="Report.", willing_and_able="   ")
    assert [
        {"part": "willing_and_able"},
        {"part": "leadership_commitment"},
        {"part": "team_support"},
    ] == details(t.check("submit_application"), "activity_plan.missing_part")
    t.fire(
        "write_activity_plan",
        willing_and_able="Yes.",
        leadership_commitment="Yes.",
        team_support="Yes.",
    )
    assert [] == t.check("submit_application")


# -- the application: participants ----------------------------------------------------


@raises("participants.minimum", "participants.school_leader")
@clears("participants.minimum", "participants.school_leader")
def test_participants_minimum_after_the_grant() -> None:
    """Removing participants after the grant is allowed, but shows up as a violation of
    the next step that needs them (start_execution); adding them back clears it."""
    t = at_state("intake")
    t.fire("write_development_plan", guidance="a", needs="b", core_team="c", hours_deployment="d")
    t.fire("remove_participant", name="Eva")
    t.fire("remove_participant", name="Anna")
    found = t.check("start_execution")
    assert [{"required": 5, "actual": 3}] == details(found, "participants.minimum")
    assert [{"required": 1, "actual": 0}] == details(found, "participants.school_leader")
    assert_refused(t, "start_execution")
    t.fire("add_participant", name="Anna", role="school_leader", planned_hours=200)
    t.fire("add_participant", name="Eva", role="teacher", planned_hours=140)
    assert [] == t.check("start_execution")


@raises("participants.duplicate")
@pytest.mark.parametrize("name", ["Anna", "anna", "ANNA", "  Anna  "])
def test_participants_duplicate(name: str) -> None:
    """Adding someone whose name is already taken (case and blanks ignored) raises
    participants.duplicate, naming the name as it was normalised."""
    t = at_state("application_in_preparation")
    violation = one(
        t.check("add_participant", name=name, role="teacher", planned_hours=10),
        "participants.duplicate",
    )
    assert {"name": name.strip()} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "add_participant", name=name, role="teacher", planned_hours=10)


@clears("participants.duplicate")
def test_participants_duplicate_cleared_after_removal() -> None:
    """Once the participant is removed, the name can be added again."""
    t = at_state("application_in_preparation")
    t.fire("remove_participant", name="anna")
    assert [] == t.check("add_participant", name="ANNA", role="school_leader", planned_hours=5)
    t.fire("add_participant", name="ANNA", role="school_leader", planned_hours=5)
    assert ["Bram", "Chloé", "Daan", "Eva", "ANNA"] == [p.name for p in t.data.participants]


UNKNOWN_NAMES = [
    ("application_in_preparation", "remove_participant", {"name": "Zed"}, ["Zed"]),
    ("granted", "form_core_group", {"members": ["Anna", "Zed", "Yara"]}, ["Zed", "Yara"]),
    (
        "in_progress",
        "log_hours",
        {"participant": "Zed", "date": dt.date(2024, 9, 10), "hours": 2},
        ["Zed"],
    ),
]


@raises("participants.unknown")
@pytest.mark.parametrize(("state", "event", "payload", "unknown"), UNKNOWN_NAMES)
def test_participants_unknown(
    state: str, event: str, payload: dict[str, Any], unknown: list[str]
) -> None:
    """Naming someone who does not take part raises participants.unknown with the names."""
    t = at_state(state)
    violation = one(t.check(event, **payload), "participants.unknown")
    assert {"names": unknown} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, event, **payload)


@clears("participants.unknown")
@pytest.mark.parametrize(
    ("state", "event", "payload"),
    [
        ("application_in_preparation", "remove_participant", {"name": "eva"}),
        ("granted", "form_core_group", {"members": ["anna", "BRAM"]}),
        ("in_progress", "log_hours", {"participant": "anna", "date": dt.date(2024, 9, 10)}),
    ],
)
def test_participants_known(state: str, event: str, payload: dict[str, Any]) -> None:
    """Names of participants (case ignored) are accepted."""
    fields = {**payload, "hours": 2} if event == "log_hours" else payload
    t = at_state(state)
    assert [] == t.check(event, **fields)
    t.fire(event, **fields)
    assert event == t.history[-1].name


# -- the application: window -------------------------------------------------------------


WINDOWS_2024 = [
    (nl_time(2024, 4, 25), nl_time(2024, 6, 28, 16)),
    (nl_time(2024, 10, 1, 9), nl_time(2024, 11, 29, 16)),
]


@raises("window.closed")
@pytest.mark.parametrize(
    "moment",
    [
        nl_time(2024, 4, 24, 23, 59),
        nl_time(2024, 6, 28, 16, 1),
        nl_time(2024, 7, 1, 10),
        nl_time(2024, 9, 30, 12),
        nl_time(2024, 10, 1, 8, 59),
        nl_time(2024, 11, 29, 16, 1),
        dt.datetime(2024, 6, 28, 14, 1, tzinfo=dt.UTC),
        nl_time(2025, 3, 1, 10),
    ],
)
def test_window_closed(moment: dt.datetime) -> None:
    """Outside both 2024-2025 application windows submit raises window.closed with the
    moment (Dutch time) and the windows."""
    clock = ManualClock(min(IN_WINDOW, moment))  # a history never goes back in time
    t = application(clock=clock)
    clock.set(moment)
    violation = one(t.check("submit_application"), "window.closed")
    assert {
        "moment": moment,
        "windows": WINDOWS_2024,
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "submit_application")


@clears("window.closed")
@pytest.mark.parametrize(
    "moment",
    [
        nl_time(2024, 4, 25, 0, 0),
        IN_WINDOW,
        nl_time(2024, 6, 28, 16, 0),
        dt.datetime(2024, 6, 28, 14, 0, tzinfo=dt.UTC),
        nl_time(2024, 10, 1, 9, 0),
        nl_time(2024, 11, 1, 12, 0),
        nl_time(2024, 11, 29, 16, 0),
    ],
)
def test_window_open(moment: dt.datetime) -> None:
    """Inside the main window or the extra round for the expert-school pillar (1 Oct –
    29 Nov 2024 16:00) the application can be submitted."""
    clock = ManualClock(min(IN_WINDOW, moment))  # a history never goes back in time
    t = application(clock=clock)
    clock.set(moment)
    assert [] == t.check("submit_application")
    t.fire("submit_application")
    assert moment == t.data.submitted_at


# -- the application: sector and offer ---------------------------------------------------


@raises("sector.ineligible")
@pytest.mark.parametrize("sector", ["so", "vso"])
def test_sector_ineligible(sector: str) -> None:
    """A school in so (or vso) raises sector.ineligible under the 2024-2025 rules."""
    school = School(name="SO De Brug", sector=sector, board="Stichting Speciaal", brin="34CD")
    t = application(school=school)
    violation = one(t.check("submit_application"), "sector.ineligible")
    assert {"sector": sector, "eligible": ["po", "vo"]} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "submit_application")


@clears("sector.ineligible")
@pytest.mark.parametrize("sector", ["po", "vo"])
def test_sector_eligible(sector: str) -> None:
    """A school in po or vo is eligible."""
    school = School(name="De School", sector=sector, board="Stichting", brin="34CD01")
    assert [] == application(school=school).check("submit_application")


def _offer(*years: int) -> Offer:
    return Offer(
        id="rekenen-plus",
        title="Rekenen plus",
        expert_school="OBS De Teller",
        place="Utrecht",
        school_years=frozenset(SchoolYear(year) for year in years),
    )


@raises("offer.unavailable")
@pytest.mark.parametrize("via_catalog", [False, True])
def test_offer_unavailable(via_catalog: bool) -> None:
    """An offer whose school years lack the trajectory's year raises offer.unavailable,
    given as an Offer or by id from a custom catalog."""
    offer = _offer(2023, 2025)
    creation: dict[str, Any] = (
        {"offer": "rekenen-plus", "offers": Catalog((offer,))} if via_catalog else {"offer": offer}
    )
    t = application(**creation)
    violation = one(t.check("submit_application"), "offer.unavailable")
    assert {"offer": "rekenen-plus", "school_year": "2024-2025"} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "submit_application")


@clears("offer.unavailable")
@pytest.mark.parametrize("via_catalog", [False, True])
def test_offer_available(via_catalog: bool) -> None:
    """An offer offered in the trajectory's year is accepted."""
    offer = _offer(2024)
    creation: dict[str, Any] = (
        {"offer": "rekenen-plus", "offers": Catalog((offer,))} if via_catalog else {"offer": offer}
    )
    assert [] == application(**creation).check("submit_application")


# -- completion ----------------------------------------------------------------------------


@raises("completion.deadline_passed")
@pytest.mark.parametrize(
    "moment",
    [nl_time(2024, 5, 17, 10), dt.datetime(2024, 5, 16, 22, 30, tzinfo=dt.UTC)],
)
def test_completion_deadline_passed(moment: dt.datetime) -> None:
    """Completing after the deadline (2 weeks after the request, in Dutch dates) raises
    completion.deadline_passed with the deadline and today."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("application_incomplete", clock)
    assert dt.date(2024, 5, 16) == t.data.completion_deadline
    clock.set(moment)
    violation = one(t.check("complete_application"), "completion.deadline_passed")
    assert {"deadline": dt.date(2024, 5, 16), "today": dt.date(2024, 5, 17)} == dict(
        violation.details
    )
    assert_messages_show(violation)
    assert_refused(t, "complete_application")
    t.fire("reject", reason="completion.deadline_passed")
    assert "rejected" == t.state


@clears("completion.deadline_passed")
@pytest.mark.parametrize("moment", [nl_time(2024, 5, 10, 10), nl_time(2024, 5, 16, 23, 59)])
def test_completion_in_time(moment: dt.datetime) -> None:
    """Completing on or before the deadline is accepted; the deadline is then cleared."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("application_incomplete", clock)
    clock.set(moment)
    assert [] == t.check("complete_application")
    t.fire("complete_application")
    assert "application_submitted" == t.state
    assert t.data.completion_deadline is None


@clears("window.closed")
def test_completion_after_the_window_closed_is_judged_on_content_only() -> None:
    """An application received on the last day of the window and asked to be completed
    is completed after the window closed: the window was judged on receipt and is not
    judged again; the content rules are (here the participants and their hours, until
    the participant is added again)."""
    clock = ManualClock(nl_time(2024, 6, 28, 10))
    t = application(clock=clock)
    t.fire("submit_application")
    t.fire("request_completion")
    assert dt.date(2024, 7, 12) == t.data.completion_deadline
    t.fire("remove_participant", name="Eva")
    clock.set(nl_time(2024, 7, 8, 10))
    assert t.data.rules.window_at(clock()) is None  # every window has closed
    assert ["participants.minimum", "hours.minimum"] == codes(
        assert_refused(t, "complete_application")
    )
    t.fire("add_participant", name="Eva", role="teacher", planned_hours=140)
    assert [] == t.check("complete_application")
    t.fire("complete_application")
    assert "application_submitted" == t.state


def test_completion_checks_submit_preconditions_again() -> None:
    """complete_application re-checks the submit preconditions."""
    t = at_state("application_incomplete")
    t.fire("remove_participant", name="Eva")
    assert [{"required": 5, "actual": 4}] == details(
        t.check("complete_application"), "participants.minimum"
    )


@raises("completion.deadline_invalid")
@pytest.mark.parametrize(
    "deadline", [dt.date(2024, 5, 1), dt.date(2024, 5, 2), dt.date(2024, 5, 17)]
)
def test_completion_deadline_invalid(deadline: dt.date) -> None:
    """A requested deadline not after today, or beyond the 14-day period, raises
    completion.deadline_invalid with the deadline, today and the latest allowed."""
    t = at_state("application_submitted")
    violation = one(t.check("request_completion", deadline=deadline), "completion.deadline_invalid")
    assert {
        "deadline": deadline,
        "today": dt.date(2024, 5, 2),
        "latest": dt.date(2024, 5, 16),
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "request_completion", deadline=deadline)


@clears("completion.deadline_invalid")
@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (dt.date(2024, 5, 3), dt.date(2024, 5, 3)),
        (dt.date(2024, 5, 16), dt.date(2024, 5, 16)),
        (None, dt.date(2024, 5, 16)),
    ],
)
def test_completion_deadline_valid(deadline: dt.date | None, expected: dt.date) -> None:
    """A deadline within the period (or the default, today + 14 days) is accepted."""
    t = at_state("application_submitted")
    assert [] == t.check("request_completion", deadline=deadline)
    t.fire("request_completion", deadline=deadline)
    assert expected == t.data.completion_deadline


# -- grant ----------------------------------------------------------------------------------


@raises("grant.amount_mismatch")
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_grant_amount_mismatch(reason: str | None) -> None:
    """Granting another amount than the scheme's 21200.00 without a reason raises
    grant.amount_mismatch with the expected and the actual amount."""
    t = at_state("application_submitted")
    violation = one(
        t.check("grant", amount="20000", override_reason=reason), "grant.amount_mismatch"
    )
    assert {"expected": Decimal("21200.00"), "actual": Decimal("20000")} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "grant", amount="20000", override_reason=reason)


@clears("grant.amount_mismatch")
def test_grant_amount_override_with_reason() -> None:
    """An override_reason clears grant.amount_mismatch; the grant keeps amount and reason."""
    t = at_state("application_submitted")
    payload: dict[str, Any] = {
        "amount": Decimal("20000"),
        "override_reason": "Budget ceiling reached.",
    }
    assert [] == t.check("grant", **payload)
    t.fire("grant", **payload)
    assert t.data.grant is not None
    assert Decimal("20000") == t.data.grant.amount
    assert "Budget ceiling reached." == t.data.grant.override_reason


@clears("grant.amount_mismatch")
@pytest.mark.parametrize("amount", [None, "21200", Decimal("21200.00"), 21200])
def test_grant_scheme_amount(amount: Any) -> None:
    """The scheme's amount (or none, meaning the scheme's) needs no reason."""
    t = at_state("application_submitted")
    assert [] == t.check("grant", amount=amount)
    t.fire("grant", amount=amount)
    assert t.data.grant is not None
    assert Decimal("21200.00") == t.data.grant.amount
    assert t.data.grant.override_reason is None


# -- preparation: core group and calendar --------------------------------------------------


@raises("core_group.missing", "core_group.school_leader")
@pytest.mark.parametrize(
    ("members", "size", "leaders"),
    [(None, 0, 0), (["Bram"], 1, 0), (["Anna"], 1, 1), (["Bram", "Chloé"], 2, 0)],
)
def test_core_group_violations(members: list[str] | None, size: int, leaders: int) -> None:
    """hold_intake needs a core group of at least 2 that includes a school leader:
    core_group.missing and core_group.school_leader say how far off it is."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("plan_calendar", **VALID_CALENDAR)
    if members is not None:
        t.fire("form_core_group", members=members)
    found = t.check("hold_intake")
    expected_missing = [] if size >= 2 else [{"required": 2, "actual": size}]
    expected_leader = [] if leaders >= 1 else [{"required": 1, "actual": leaders}]
    assert expected_missing == details(found, "core_group.missing")
    assert expected_leader == details(found, "core_group.school_leader")
    assert found
    for violation in found:
        assert_messages_show(violation)
    assert_refused(t, "hold_intake")


@clears("core_group.missing", "core_group.school_leader")
def test_core_group_formed() -> None:
    """A core group of a school leader and a teacher clears both core-group violations."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("plan_calendar", **VALID_CALENDAR)
    t.fire("form_core_group", members=["anna", "Bram"])
    assert ("Anna", "Bram") == t.data.core_group
    assert [] == t.check("hold_intake")


def _in_progress_with_moments() -> T:
    """In progress, with the moments the closing talk needs held, and a second school
    leader (Fenna) among the participants."""
    t = at_state("in_progress")
    t.fire("hold_study_moment", date=dt.date(2024, 9, 10), form="own_school")
    t.fire("hold_study_moment", date=dt.date(2024, 9, 10), form="joint_session")
    t.fire("hold_guidance_moment", date=dt.date(2024, 9, 10))
    t.fire("add_participant", name="Fenna", role="school_leader", planned_hours=100)
    return t


@raises("core_group.school_leader")
def test_closing_talk_needs_a_school_leader_who_still_takes_part() -> None:
    """The school leader of the core group (Anna) leaves the trajectory: she no longer
    counts, although another school leader takes part outside the core group, so the
    closing talk is refused with core_group.school_leader."""
    t = _in_progress_with_moments()
    assert [] == t.check("hold_closing_talk")
    t.fire("remove_participant", name="Anna")
    assert ("Bram",) == t.data.core_group
    found = assert_refused(t, "hold_closing_talk")
    assert [("core_group.school_leader", {"required": 1, "actual": 0})] == [
        (v.code, dict(v.details)) for v in found
    ]
    assert_messages_show(found[0])


@clears("core_group.school_leader")
@pytest.mark.parametrize("state", ["intake", "in_progress"])
def test_core_group_changes_until_the_closing_talk(state: str) -> None:
    """The core group may be formed again after the intake (a school leader leaves,
    another joins); with the new school leader the closing talk is held."""
    t = _in_progress_with_moments()
    if state == "intake":
        t = at_state("intake")
        t.fire("add_participant", name="Fenna", role="school_leader", planned_hours=100)
    t.fire("remove_participant", name="Anna")
    t.fire("form_core_group", members=["Bram", "fenna"])
    assert ("Bram", "Fenna") == t.data.core_group
    if state == "intake":
        t.fire("write_development_plan", **DEVELOPMENT_PARTS)
        t.fire("start_execution")
        t.fire("hold_study_moment", date=dt.date(2024, 9, 10), form="own_school")
        t.fire("hold_study_moment", date=dt.date(2024, 9, 10), form="joint_session")
        t.fire("hold_guidance_moment", date=dt.date(2024, 9, 10))
    assert [] == t.check("hold_closing_talk")
    t.fire("hold_closing_talk")
    assert "closing" == t.state


@raises("core_group.missing")
def test_core_group_one_person_named_twice_is_not_two_members() -> None:
    """A core group naming the same participant twice (in another case) is one person:
    either the payload is refused, or hold_intake still reports core_group.missing."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("plan_calendar", **VALID_CALENDAR)
    with contextlib.suppress(InvalidData):
        t.fire("form_core_group", members=["Anna", "anna"])
    assert "core_group.missing" in codes(t.check("hold_intake"))


@raises("calendar.incomplete")
def test_calendar_missing() -> None:
    """Without a calendar hold_intake raises calendar.incomplete for the intake, the
    study moments (2–3) and the guidance moments."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("form_core_group", members=["Anna", "Bram"])
    found = t.check("hold_intake")
    assert [
        {"item": "intake", "required": 1, "actual": 0},
        {"item": "study_moments", "required": (2, 3), "actual": 0},
        {"item": "guidance_moments", "required": 1, "actual": 0},
    ] == details(found, "calendar.incomplete")
    for violation in found:
        assert_messages_show(violation)
    assert_refused(t, "hold_intake")


@raises("calendar.incomplete")
@pytest.mark.parametrize(
    ("studies", "guidance", "expected"),
    [
        (1, 1, [{"item": "study_moments", "required": (2, 3), "actual": 1}]),
        (4, 1, [{"item": "study_moments", "required": (2, 3), "actual": 4}]),
        (2, 0, [{"item": "guidance_moments", "required": 1, "actual": 0}]),
    ],
)
def test_calendar_incomplete(studies: int, guidance: int, expected: list[dict[str, Any]]) -> None:
    """Too few or too many study moments, or no guidance moment, is calendar.incomplete."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("form_core_group", members=["Anna", "Bram"])
    t.fire(
        "plan_calendar",
        intake=dt.date(2024, 9, 10),
        study_moments=[dt.date(2024, 10, 1) + dt.timedelta(weeks=4 * i) for i in range(studies)],
        guidance_moments=[
            dt.date(2024, 11, 1) + dt.timedelta(weeks=4 * i) for i in range(guidance)
        ],
    )
    assert expected == details(t.check("hold_intake"), "calendar.incomplete")


@clears("calendar.incomplete", "calendar.outside_school_year")
@pytest.mark.parametrize("studies", [2, 3])
def test_calendar_complete(studies: int) -> None:
    """An intake, 2 or 3 study moments and a guidance moment, all inside the school year
    (its first and last day included), clear the calendar violations."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("form_core_group", members=["Anna", "Bram"])
    t.fire(
        "plan_calendar",
        intake=dt.date(2024, 8, 1),
        study_moments=[dt.date(2024, 10, 9), dt.date(2025, 1, 22), dt.date(2025, 4, 16)][:studies],
        guidance_moments=[dt.date(2025, 7, 31)],
    )
    assert [] == t.check("hold_intake")
    t.fire("hold_intake")
    assert "intake" == t.state


@raises("calendar.outside_school_year")
def test_calendar_outside_school_year() -> None:
    """Planned dates outside 1 Aug 2024 – 31 Jul 2025 raise calendar.outside_school_year
    listing them."""
    clock = ManualClock(IN_WINDOW)
    t = preparing_without_group(clock)
    t.fire("form_core_group", members=["Anna", "Bram"])
    t.fire(
        "plan_calendar",
        intake=dt.date(2024, 7, 31),
        study_moments=[dt.date(2024, 10, 9), dt.date(2025, 1, 22)],
        guidance_moments=[dt.date(2025, 8, 1)],
    )
    violation = one(t.check("hold_intake"), "calendar.outside_school_year")
    assert {
        "school_year": "2024-2025",
        "start": dt.date(2024, 8, 1),
        "end": dt.date(2025, 7, 31),
        "dates": [dt.date(2024, 7, 31), dt.date(2025, 8, 1)],
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "hold_intake")


# -- intake: development plan --------------------------------------------------------------


@raises("development_plan.missing_part")
def test_development_plan_missing_parts() -> None:
    """start_execution without a development plan raises one development_plan.missing_part
    per part: guidance, needs, core_team, hours_deployment."""
    t = at_state("intake")
    found = t.check("start_execution")
    assert [
        {"part": "guidance"},
        {"part": "needs"},
        {"part": "core_team"},
        {"part": "hours_deployment"},
    ] == details(found, "development_plan.missing_part")
    for violation in found:
        assert_messages_show(violation)
    assert_refused(t, "start_execution")


@raises("development_plan.missing_part")
@clears("development_plan.missing_part")
def test_development_plan_written_in_parts() -> None:
    """Parts written in several goes add up; when all four are there, execution starts."""
    t = at_state("intake")
    t.fire("write_development_plan", guidance="Monthly.", needs="Time.")
    assert [{"part": "core_team"}, {"part": "hours_deployment"}] == details(
        t.check("start_execution"), "development_plan.missing_part"
    )
    t.fire("write_development_plan", core_team="Anna, Bram.", hours_deployment="Afternoons.")
    assert [] == t.check("start_execution")
    t.fire("start_execution")
    assert "in_progress" == t.state


# -- execution: moments -------------------------------------------------------------------


@raises("study_moments.maximum")
def test_study_moments_maximum() -> None:
    """After 3 study moments (the scheme's maximum) a fourth raises study_moments.maximum."""
    t = at_state("in_progress")
    day = dt.date(2024, 9, 10)
    for _ in range(3):
        t.fire("hold_study_moment", date=day, form="own_school")
    violation = one(
        t.check("hold_study_moment", date=day, form="joint_session"), "study_moments.maximum"
    )
    assert {"maximum": 3, "actual": 3} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "hold_study_moment", date=day, form="joint_session")
    assert 3 == len(t.data.study_moments)


@clears("study_moments.maximum")
def test_study_moments_below_maximum() -> None:
    """With 2 study moments held, a third is accepted."""
    t = at_state("in_progress")
    day = dt.date(2024, 9, 10)
    for form in ("own_school", "expert_school_visit"):
        t.fire("hold_study_moment", date=day, form=form)
    assert [] == t.check("hold_study_moment", date=day, form="joint_session")
    t.fire("hold_study_moment", date=day, form="joint_session")
    assert 3 == len(t.data.study_moments)


@raises("study_moments.minimum", "guidance_moments.minimum")
@pytest.mark.parametrize(
    ("studies", "guidance", "expected"),
    [
        (
            0,
            0,
            [
                ("study_moments.minimum", {"required": 2, "actual": 0}),
                ("guidance_moments.minimum", {"required": 1, "actual": 0}),
            ],
        ),
        (1, 1, [("study_moments.minimum", {"required": 2, "actual": 1})]),
        (2, 0, [("guidance_moments.minimum", {"required": 1, "actual": 0})]),
    ],
)
def test_moments_minimum(
    studies: int, guidance: int, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    """hold_closing_talk needs at least 2 study moments and 1 guidance moment held."""
    t = at_state("in_progress")
    day = dt.date(2024, 9, 10)
    for _ in range(studies):
        t.fire("hold_study_moment", date=day, form="own_school")
    for _ in range(guidance):
        t.fire("hold_guidance_moment", date=day)
    found = t.check("hold_closing_talk")
    assert expected == [(v.code, dict(v.details)) for v in found]
    for violation in found:
        assert_messages_show(violation)
    assert_refused(t, "hold_closing_talk")


@clears("study_moments.minimum", "guidance_moments.minimum")
def test_moments_held() -> None:
    """With 2 study moments and a guidance moment held, the closing talk is held."""
    t = at_state("in_progress")
    day = dt.date(2024, 9, 10)
    t.fire("hold_study_moment", date=day, form="own_school")
    t.fire("hold_study_moment", date=day, form="joint_session")
    t.fire("hold_guidance_moment", date=day)
    assert [] == t.check("hold_closing_talk", evaluation="Good.")
    t.fire("hold_closing_talk", evaluation="Good.")
    assert "closing" == t.state
    assert "Good." == t.data.evaluation


# -- closing and settlement ----------------------------------------------------------------


@raises("implementation_plan.missing")
@pytest.mark.parametrize("plan", ["", "  \n"])
def test_implementation_plan_missing(plan: str) -> None:
    """An empty implementation plan raises implementation_plan.missing."""
    t = at_state("closing")
    found = t.check("deliver_implementation_plan", plan=plan)
    assert ["implementation_plan.missing"] == codes(found)
    assert "implementatieplan" in found[0].message("nl")
    assert "implementation plan" in found[0].message("en")
    assert_refused(t, "deliver_implementation_plan", plan=plan)


@clears("implementation_plan.missing")
def test_implementation_plan_given() -> None:
    """A plan completes the trajectory and is kept."""
    t = at_state("closing")
    t.fire("deliver_implementation_plan", plan="Secured by the reading coordinator.")
    assert "completed" == t.state
    assert "Secured by the reading coordinator." == t.data.implementation_plan


def _completed(*, log_hours: bool, share_knowledge: bool = True, **creation: Any) -> T:
    """A completed trajectory whose moments were held, with or without hours logged and
    knowledge sharing recorded (both in the closing state)."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("in_progress", clock, **creation)
    clock.set(nl_time(2025, 2, 1, 10))
    t.fire("hold_study_moment", date=dt.date(2024, 10, 9), form="own_school")
    t.fire("hold_study_moment", date=dt.date(2025, 1, 22), form="joint_session")
    t.fire("hold_guidance_moment", date=dt.date(2024, 11, 13))
    t.fire("hold_closing_talk")
    if log_hours:
        t.fire("log_hours", participant="Anna", date=dt.date(2025, 1, 31), hours=8)
    if share_knowledge:
        t.fire(
            "record_knowledge_sharing",
            date=dt.date(2025, 1, 15),
            form="network_meeting",
            with_whom="The reading network of the region",
        )
    t.fire("deliver_implementation_plan", plan="Secured.")
    clock.set(nl_time(2025, 9, 1, 10))
    return t


@raises("hours.not_logged")
def test_hours_not_logged() -> None:
    """A completed trajectory without any hours logged cannot be settled: hours.not_logged."""
    t = _completed(log_hours=False)
    found = t.check("settle")
    assert ["hours.not_logged"] == codes(found)
    assert "uren" in found[0].message("nl")
    assert "hours" in found[0].message("en")
    assert_refused(t, "settle")


@clears("hours.not_logged")
def test_hours_logged_allows_settle() -> None:
    """With hours logged (here in the closing state) the trajectory is settled."""
    t = _completed(log_hours=True)
    assert [] == t.check("settle")
    t.fire("settle")
    assert "settled" == t.state


@raises("knowledge_sharing.missing")
def test_knowledge_sharing_missing() -> None:
    """2024-2025 requires the school to share its knowledge with other schools: a
    completed trajectory without any knowledge sharing recorded is not settled, and it
    can no longer be recorded once completed."""
    t = _completed(log_hours=True, share_knowledge=False)
    found = assert_refused(t, "settle")
    assert [
        ("knowledge_sharing.missing", {"school_year": "2024-2025", "required": 1, "actual": 0})
    ] == [(v.code, dict(v.details)) for v in found]
    assert_messages_show(found[0])
    assert "kennis" in found[0].message("nl")
    with pytest.raises(TransitionNotAllowed):
        t.fire("record_knowledge_sharing", date=dt.date(2025, 8, 1), form="other", with_whom="X")


@clears("knowledge_sharing.missing")
def test_knowledge_sharing_recorded_allows_settle() -> None:
    """With knowledge sharing recorded the trajectory is settled; the record keeps the
    date, the form and with whom."""
    t = _completed(log_hours=True)
    shared = t.data.knowledge_sharing
    assert [(dt.date(2025, 1, 15), "network_meeting", "The reading network of the region")] == [
        (entry.date, str(entry.form), entry.with_whom) for entry in shared
    ]
    t.fire("settle")
    assert "settled" == t.state


@clears("knowledge_sharing.missing")
def test_knowledge_sharing_not_required_by_the_rules() -> None:
    """Rules that do not require knowledge sharing settle without it."""
    rules = attrs.evolve(rules_for("2024-2025"), knowledge_sharing_required=False)
    t = _completed(log_hours=True, share_knowledge=False, rules=rules)
    assert [] == t.check("settle")
    t.fire("settle")
    assert "settled" == t.state


@clears("knowledge_sharing.missing")
def test_a_stopped_trajectory_settles_without_knowledge_sharing() -> None:
    """A trajectory that stopped early is settled on its hours, whether or not it shared
    its knowledge."""
    t = at_state("stopped")
    assert not t.data.knowledge_sharing
    t.fire("settle")
    assert "settled" == t.state


@pytest.mark.parametrize("with_whom", ["", "   "])
def test_knowledge_sharing_names_with_whom(with_whom: str) -> None:
    """Knowledge sharing without saying with whom is refused as invalid data."""
    t = at_state("in_progress")
    with pytest.raises(InvalidData) as info:
        t.fire(
            "record_knowledge_sharing", date=dt.date(2024, 9, 10), form="other", with_whom=with_whom
        )
    assert "with_whom" == info.value.field


# -- the registry itself -------------------------------------------------------------------


def test_lifecycle_declares_the_leertraject_and_engine_codes() -> None:
    """The lifecycle's violations are the leertraject's plus transition.not_allowed
    (and those of the application, whose lifecycle shares the programme's registry)."""
    expected = set(VIOLATIONS) | APPLICATION_CODES | {"transition.not_allowed"}
    assert expected == set(LIFECYCLE.violations)


@pytest.mark.parametrize("code", sorted(LIFECYCLE.violations))
def test_every_code_has_both_messages(code: str) -> None:
    """Every violation type has a Dutch and a different English message, and an unknown
    language is refused with InvalidData naming 'lang'."""
    declared = LIFECYCLE.violations[code]
    assert code == declared.code
    assert declared.template("nl").strip()
    assert declared.template("en").strip()
    assert declared.template("nl") != declared.template("en")
    with pytest.raises(InvalidData) as info:
        declared.template("fr")
    assert "lang" == info.value.field


def test_every_code_is_shown_raised() -> None:
    """No violation code is left without a test showing it raised (those only an
    application reports: in tests/ontwikkelkracht/test_application.py)."""
    assert set(LIFECYCLE.violations) - APPLICATION_CODES == RAISED
    assert set(VIOLATIONS) - RAISED == set()


def test_every_code_is_shown_cleared() -> None:
    """No violation code is left without a test showing it cleared (those only an
    application reports: in tests/ontwikkelkracht/test_application.py)."""
    assert set(LIFECYCLE.violations) - APPLICATION_CODES == CLEARED
    assert set(VIOLATIONS) - CLEARED == set()


# -- the moment of receipt and the location following its application (SPEC §7) ---------


def _ready_to_submit(on: dt.datetime) -> T:
    t = at_state("application_in_preparation")
    t.clock.set(on)  # type: ignore[attr-defined]
    return t


LAST_DAY = dt.date(2024, 6, 28)


@raises("receipt.in_future")
def test_a_moment_of_receipt_after_the_recording_is_refused() -> None:
    """A moment of receipt later than the moment it is recorded raises receipt.in_future."""
    t = _ready_to_submit(dt.datetime(2024, 6, 28, 15, 0, tzinfo=NETHERLANDS))
    later = dt.datetime(2024, 6, 28, 15, 30, tzinfo=NETHERLANDS)
    violation = one(t.check("submit_application", received_at=later), "receipt.in_future")
    recorded = dt.datetime(2024, 6, 28, 15, 0, tzinfo=NETHERLANDS)
    assert {"received": later, "recorded": recorded} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "submit_application", received_at=later)


@clears("receipt.in_future")
def test_an_application_received_before_the_window_closed_is_inside_it() -> None:
    """Received at 15:59 on the last day and recorded at 16:05, the application is inside
    the window: the window is judged on the moment of receipt, which is kept."""
    t = _ready_to_submit(dt.datetime.combine(LAST_DAY, dt.time(16, 5), NETHERLANDS))
    received = dt.datetime.combine(LAST_DAY, dt.time(15, 59), NETHERLANDS)
    assert ["window.closed"] == codes(t.check("submit_application"))
    t.fire("submit_application", received_at=received)
    assert received == t.data.submitted_at
    assert t.history[-1].timestamp > received


def test_a_completion_after_the_window_is_judged_on_the_receipt() -> None:
    """Completed after the window closed, an application received inside it is not
    refused with window.closed (the window is judged once, on the receipt)."""
    t = _ready_to_submit(dt.datetime.combine(LAST_DAY, dt.time(15, 0), NETHERLANDS))
    t.fire("submit_application")
    t.fire("request_completion")
    t.clock.set(dt.datetime(2024, 7, 8, 10, 0, tzinfo=NETHERLANDS))  # type: ignore[attr-defined]
    assert "window.closed" not in codes(t.check("complete_application"))


def test_a_talk_on_the_application_counts_for_the_location() -> None:
    """A location without a talk of its own is submitted with the talks recorded on its
    application (given in the payload), and keeps them for its completion."""
    t = at_state("orientation_requested")
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 16),
        learning_question="How?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    for name, role, hours in TEAM:
        t.fire("add_participant", name=name, role=role, planned_hours=hours)
    t.fire("write_activity_plan", **PLAN_PARTS)
    assert ["talks.required_missing"] == codes(t.check("submit_application"))
    t.fire("submit_application", application="a-1", application_talks=["exploratory_talk"])
    t.fire("request_completion")
    assert "talks.required_missing" not in codes(t.check("complete_application"))
    assert "a-1" == t.data.application


@raises("completion.deadline_not_passed")
def test_an_application_is_not_put_aside_before_its_deadline() -> None:
    """Before its completion deadline has passed, an incomplete application is not left
    unconsidered (completion.deadline_not_passed, with the deadline)."""
    t = at_state("application_incomplete")
    deadline = t.data.completion_deadline
    assert deadline is not None
    violation = one(t.check("not_consider"), "completion.deadline_not_passed")
    assert {"deadline": deadline} == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "not_consider")


@clears("completion.deadline_not_passed")
def test_an_application_not_completed_in_time_is_not_considered() -> None:
    """After the deadline the incomplete application ends in not_considered (final),
    not in rejected."""
    t = at_state("not_considered")
    assert t.is_final
    assert "not_consider" == t.history[-1].name


def test_a_rejection_is_changed_on_objection() -> None:
    """A rejected location is granted on objection: its own event, recorded with the
    decision on the objection; the history shows both decisions."""
    t = at_state("rejected")
    t.fire("grant_on_objection", decision="The objection is upheld: budget was released.")
    assert "granted" == t.state
    assert ["reject", "grant_on_objection"] == [e.name for e in t.history[-2:]]
    assert t.data.grant is not None


# -- hours per day ------------------------------------------------------------------------


@raises("hours.day_maximum")
def test_hours_day_maximum() -> None:
    """Two entries for one participant on one date that add up to more than 24 hours
    raise hours.day_maximum with the total (names compared case-insensitively)."""
    t = at_state("in_progress")
    t.fire("log_hours", participant="Anna", date=dt.date(2024, 9, 9), hours=20)
    payload = {"participant": "anna", "date": dt.date(2024, 9, 9), "hours": 5}
    violation = one(t.check("log_hours", **payload), "hours.day_maximum")
    assert {
        "participant": "anna",
        "date": dt.date(2024, 9, 9),
        "maximum": 24,
        "actual": 25,
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "log_hours", **payload)


@clears("hours.day_maximum")
def test_hours_day_maximum_cleared() -> None:
    """Up to 24 hours on one date, and any hours on another date, are accepted."""
    t = at_state("in_progress")
    t.fire("log_hours", participant="Anna", date=dt.date(2024, 9, 9), hours=20)
    t.fire("log_hours", participant="Anna", date=dt.date(2024, 9, 9), hours=4)
    assert [] == t.check("log_hours", participant="Anna", date=dt.date(2024, 9, 8), hours=24)
    assert Decimal(24) == sum(e.hours for e in t.data.hours if e.date == dt.date(2024, 9, 9))


def test_a_guard_that_finds_nothing_returns_a_new_list_each_time() -> None:
    """A guard's empty answer is its own: changing it changes no later answer (no
    list shared between calls), for the leertraject's guards and the engine's rules."""
    from trajectory.engine.definition import Context
    from trajectory.ontwikkelkracht import guards as g

    t = at_state("in_progress")
    context = Context(t.clock(), "in_progress", "closing", None, t.history, t.counts)
    rules = LIFECYCLE.event("hold_study_moment").guards[:1]  # the maximum of study moments
    for guard in (g.hours_minimum, g.participants_school_leader, g.offer_available, *rules):
        first = guard(t.data, None, context)
        assert [] == first
        first.append("changed")  # type: ignore[attr-defined]
        assert [] == guard(t.data, None, context)


def test_today_is_the_dutch_date_of_each_events_own_moment() -> None:
    """today() gives the date in the Netherlands of the moment it is given, whatever
    was asked before (nothing is kept between calls)."""
    from trajectory.engine.definition import Context
    from trajectory.ontwikkelkracht.guards import today

    late = dt.datetime(2024, 9, 1, 22, 30, tzinfo=dt.UTC)  # 00:30 on 2 September in Amsterdam
    early = dt.datetime(2024, 9, 1, 21, 30, tzinfo=dt.UTC)  # 23:30 on 1 September
    for moment, expected in ((late, 2), (early, 1), (late, 2), (late.replace(), 2)):
        assert dt.date(2024, 9, expected) == today(Context(moment, None, "x", None))


# -- when the guards that read the time change their verdict ------------------------------


def _codes_over_time(t: Any) -> list[tuple[dt.datetime, dict[str, list[str]]]]:
    schedule, _ = t.blocker_schedule()
    return [
        (moment, {event: sorted({v.code for v in found}) for event, found in blockers.items()})
        for moment, blockers in schedule
    ]


def test_an_incomplete_application_is_blocked_from_the_day_after_its_deadline() -> None:
    """completion_in_time says its verdict changes when the day after the completion
    deadline begins in the Netherlands: the schedule of an incomplete application
    is unblocked until then, and blocked on completion.deadline_passed from then."""
    t = at_state("application_incomplete")
    deadline = t.data.completion_deadline
    assert deadline is not None

    schedule = _codes_over_time(t)

    day_after = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), NETHERLANDS)
    assert {"not_consider": ["completion.deadline_not_passed"]} == schedule[0][1]
    assert day_after == schedule[1][0]
    assert ["completion.deadline_passed"] == schedule[1][1]["complete_application"][:1]
    assert "not_consider" not in schedule[1][1]


def test_a_complete_application_is_blocked_the_moment_after_its_window_closes() -> None:
    """window_open says its verdict changes as a window opens and just after it
    closes (a window holds its closing moment)."""
    t = at_state("application_in_preparation")
    windows = t.data.rules.application_windows

    moments = [moment for moment, _ in _codes_over_time(t)]

    first_close = windows[0].closes + dt.timedelta(microseconds=1)
    assert first_close in moments
    assert windows[1].opens in moments
    codes = dict(_codes_over_time(t))
    assert ["window.closed"] == codes[first_close]["submit_application"]
    assert "submit_application" not in codes[windows[1].opens]


# -- payment and settlement (SPEC §7.4) ------------------------------------------------------


def request_rules() -> Any:
    """The 2024-2025 rules with a threshold below one location's amount: a single
    location's grant is settled on request."""
    return attrs.evolve(rules_for("2024-2025"), ex_officio_threshold=Decimal("20000.00"))


#: The last day to file a settlement request for 2024-2025: 22 weeks after 31 July 2025.
REQUEST_DEADLINE = dt.date(2026, 1, 1)


def completed_on_request(clock: ManualClock) -> T:
    """A completed trajectory whose grant is settled on request."""
    t = at_state("completed", clock, rules=request_rules())
    assert "request" == t.data.settlement_route
    return t


@raises("settlement_request.late")
def test_a_settlement_request_after_the_term_is_refused() -> None:
    """Received the day after the term (22 weeks after the school year), the request is
    refused with the deadline, the moment received and the weeks as figures."""
    clock = ManualClock(IN_WINDOW)
    t = completed_on_request(clock)
    clock.set(nl_time(2026, 1, 2, 9))
    violation = one(t.check("request_settlement", report="Done."), "settlement_request.late")
    assert {
        "deadline": REQUEST_DEADLINE,
        "received": nl_time(2026, 1, 2, 9),
        "weeks": 22,
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "request_settlement", report="Done.")


@clears("settlement_request.late")
@pytest.mark.parametrize(
    ("moment", "payload"),
    [
        (nl_time(2026, 1, 1, 23, 59), {}),
        (nl_time(2026, 3, 1, 9), {"excuse": "The report was lost in the post."}),
        (nl_time(2026, 3, 1, 9), {"received_at": nl_time(2026, 1, 1, 16)}),
    ],
    ids=["last-day", "excused", "received-in-time"],
)
def test_a_settlement_request_in_time_or_excused_is_filed(
    moment: dt.datetime, payload: dict[str, Any]
) -> None:
    """On the last day, late with an excuse, or received in time and recorded later,
    the request is filed: with its report, the moment received and the excuse."""
    clock = ManualClock(IN_WINDOW)
    t = completed_on_request(clock)
    clock.set(moment)
    assert [] == t.check("request_settlement", report="Done.", **payload)
    t.fire("request_settlement", report="Done.", **payload)
    request = t.data.settlement_request
    assert request is not None
    assert ("Done.", payload.get("received_at", moment), payload.get("excuse")) == (
        request.report,
        request.received_at,
        request.excuse,
    )
    assert "completed" == t.state


@raises("settlement_request.ex_officio")
def test_a_settlement_request_for_a_grant_settled_ex_officio_is_refused() -> None:
    """One location's EUR 21,200 is not above the EUR 25,000 threshold: the funder
    settles it ex officio, and a settlement request is refused."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("completed", clock)
    clock.set(nl_time(2025, 9, 1, 9))
    violation = one(t.check("request_settlement", report="Done."), "settlement_request.ex_officio")
    assert {"decision": Decimal("21200.00"), "threshold": Decimal("25000.00")} == dict(
        violation.details
    )
    assert_messages_show(violation)
    assert_refused(t, "request_settlement", report="Done.")


@clears("settlement_request.ex_officio")
def test_a_stopped_location_on_request_files_its_request() -> None:
    """A stopped location whose grant is settled on request files its request too."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("stopped", clock, rules=request_rules())
    assert [] == t.check("request_settlement", report="Stopped in February.")
    t.fire("request_settlement", report="Stopped in February.")
    assert t.data.settlement_request is not None


@raises("settlement_request.missing")
def test_settling_on_request_needs_the_request() -> None:
    """A grant settled on request is not settled before the board filed its request:
    the violation names the decision's amount, the threshold and the deadline."""
    clock = ManualClock(IN_WINDOW)
    t = completed_on_request(clock)
    clock.set(nl_time(2025, 9, 1, 9))
    violation = one(t.check("settle"), "settlement_request.missing")
    assert {
        "decision": Decimal("21200.00"),
        "threshold": Decimal("20000.00"),
        "deadline": REQUEST_DEADLINE,
    } == dict(violation.details)
    assert_messages_show(violation)
    assert_refused(t, "settle")


@clears("settlement_request.missing")
def test_settling_on_request_after_the_request() -> None:
    """Once the request is filed, the grant is settled, on request."""
    clock = ManualClock(IN_WINDOW)
    t = completed_on_request(clock)
    clock.set(nl_time(2025, 9, 1, 9))
    t.fire("request_settlement", report="Done.")
    t.fire("settle")
    assert t.data.settlement is not None
    assert ("settled", "request") == (t.state, t.data.settlement.route)


@raises("grant.decision_amount_below")
def test_a_decision_amount_below_the_location_s_own_is_refused() -> None:
    """The whole decision cannot be less than the location's own amount."""
    t = at_state("application_submitted")
    violation = one(t.check("grant", decision_amount="1000.00"), "grant.decision_amount_below")
    assert {"decision": Decimal("1000.00"), "amount": Decimal("21200.00")} == dict(
        violation.details
    )
    assert_messages_show(violation)
    assert_refused(t, "grant", decision_amount="1000.00")


@clears("grant.decision_amount_below")
@pytest.mark.parametrize("decision", ["21200.00", "42400.00", None])
def test_a_decision_amount_of_at_least_the_location_s_own(decision: str | None) -> None:
    """The location's own amount or more (or none: its own) is a valid decision amount."""
    t = at_state("application_submitted")
    assert [] == t.check("grant", decision_amount=decision)
    t.fire("grant", decision_amount=decision)
    assert "granted" == t.state
