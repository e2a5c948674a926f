"""Bad input is refused with a clear TrajectoryError naming the field, and changes nothing.

Never a raw KeyError, TypeError or MachineError: every case below expects
:class:`~trajectory.InvalidData` (also a ``ValueError``) or its subclass
:class:`~trajectory.UnknownEvent`, with ``.field`` saying where the input is wrong.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import IN_WINDOW, SCHOOL, at_state, new
from trajectory import (
    InvalidData,
    ManualClock,
    PreconditionFailed,
    Trajectory,
    TrajectoryError,
    UnknownEvent,
    new_trajectory,
)
from trajectory.engine.fields import MAX_TEXT_LENGTH
from trajectory.ontwikkelkracht import Leertraject

T = Trajectory[Leertraject]
METHODS = ["check", "fire"]


def snapshot(t: T) -> tuple[Any, ...]:
    return (t.state, t.data, t.history, t.version)


def refused(t: T, method: str, event: Any, payload: dict[str, Any]) -> InvalidData:
    """Call ``t.check`` or ``t.fire``; expect InvalidData and an unchanged trajectory."""
    before = snapshot(t)
    with pytest.raises(InvalidData) as info:
        getattr(t, method)(event, **payload)
    assert before == snapshot(t)
    error = info.value
    assert isinstance(error, TrajectoryError)
    assert isinstance(error, ValueError)
    assert error.field in str(error)
    return error


# -- unknown events ------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "event", ["nope", "Submit_Application", "submit-application", "", "created", None, 5]
)
def test_unknown_event(method: str, event: Any) -> None:
    """An event name the lifecycle does not define raises UnknownEvent (an InvalidData
    naming the field 'event') that lists the known events."""
    t = at_state("application_in_preparation")
    error = refused(t, method, event, {})
    assert isinstance(error, UnknownEvent)
    assert "event" == error.field
    assert event == error.event
    assert "submit_application" in error.known
    assert "submit_application" in str(error)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("event", [["submit_application"], {"name": "grant"}])
def test_unhashable_event_name(method: str, event: Any) -> None:
    """An event name that is not even hashable is still refused with UnknownEvent, not a
    raw TypeError."""
    t = at_state("application_in_preparation")
    error = refused(t, method, event, {})
    assert isinstance(error, UnknownEvent)
    assert "event" == error.field


# -- fields that are unknown, missing or of the wrong type ---------------------------------


D = dt.date(2024, 4, 20)
ORIENTATION: dict[str, Any] = {
    "date": D,
    "learning_question": "Why?",
    "conclusion": "positive",
    "report": "Ok.",
}
PARTICIPANT: dict[str, Any] = {"name": "Zoë", "role": "teacher", "planned_hours": 10}
HOURS: dict[str, Any] = {"participant": "Anna", "date": dt.date(2024, 9, 10), "hours": 4}
CALENDAR: dict[str, Any] = {
    "intake": dt.date(2024, 9, 10),
    "study_moments": [dt.date(2024, 10, 9), dt.date(2025, 1, 22)],
    "guidance_moments": [dt.date(2024, 11, 13)],
}

SCORES: dict[str, int] = {
    "goede_koers": 2,
    "goede_start": 1,
    "goede_feedback": 2,
    "goede_ontwikkeling": 3,
    "goede_differentiatie": 2,
}
SELF_SCAN: dict[str, Any] = {
    "model": "lerende-organisatie",
    "date": dt.date(2024, 9, 10),
    "scores": SCORES,
}
BAD_FIELDS: list[Any] = [
    # unknown payload fields
    pytest.param(
        "application_in_preparation",
        "add_participant",
        {**PARTICIPANT, "email": "x@y"},
        "email",
        id="unknown-field",
    ),
    pytest.param("orientation_held", "register", {"when": D}, "when", id="field-for-no-payload"),
    pytest.param(
        "application_in_preparation",
        "submit_application",
        {"force": True},
        "force",
        id="field-for-submit",
    ),
    # missing payload fields
    pytest.param(
        "application_in_preparation",
        "add_participant",
        {"name": "Zoë", "role": "teacher"},
        "planned_hours",
        id="missing-hours",
    ),
    pytest.param(
        "orientation_requested",
        "hold_orientation",
        {k: v for k, v in ORIENTATION.items() if k != "report"},
        "report",
        id="missing-report",
    ),
    pytest.param("orientation_held", "decline", {}, "reason", id="missing-reason"),
    pytest.param(
        "in_progress", "log_hours", {"date": D, "hours": 1}, "participant", id="missing-participant"
    ),
    # wrong types
    pytest.param(
        "orientation_requested",
        "record_talk",
        {"kind": "exploratory_talk", "date": "2024-04-20"},
        "date",
        id="str-for-date",
    ),
    pytest.param(
        "orientation_requested",
        "record_talk",
        {"kind": "exploratory_talk", "date": dt.datetime(2024, 4, 20, 10, tzinfo=dt.UTC)},
        "date",
        id="datetime-for-date",
    ),
    pytest.param(
        "orientation_requested",
        "record_talk",
        {"kind": "coffee", "date": D},
        "kind",
        id="unknown-talk-kind",
    ),
    pytest.param(
        "application_in_preparation",
        "add_participant",
        {**PARTICIPANT, "name": 12},
        "name",
        id="int-for-name",
    ),
    pytest.param(
        "application_in_preparation",
        "add_participant",
        {**PARTICIPANT, "name": "   "},
        "name",
        id="blank-name",
    ),
    pytest.param(
        "application_in_preparation",
        "add_participant",
        {**PARTICIPANT, "role": "banana"},
        "role",
        id="banana-role",
    ),
    pytest.param(
        "application_in_preparation",
        "add_participant",
        {**PARTICIPANT, "role": None},
        "role",
        id="none-role",
    ),
    pytest.param(
        "orientation_requested",
        "hold_orientation",
        {**ORIENTATION, "conclusion": "maybe"},
        "conclusion",
        id="unknown-conclusion",
    ),
    pytest.param(
        "orientation_requested",
        "hold_orientation",
        {**ORIENTATION, "report": 3},
        "report",
        id="int-for-report",
    ),
    pytest.param("orientation_held", "decline", {"reason": None}, "reason", id="none-reason"),
    pytest.param(
        "in_progress",
        "hold_study_moment",
        {"date": dt.date(2024, 9, 10), "form": "garden"},
        "form",
        id="unknown-form",
    ),
    pytest.param(
        "application_submitted", "grant", {"amount": "lots"}, "amount", id="text-for-amount"
    ),
    pytest.param("application_submitted", "grant", {"amount": -1}, "amount", id="negative-amount"),
    pytest.param("application_submitted", "grant", {"amount": 10**9}, "amount", id="absurd-amount"),
    pytest.param(
        "application_submitted",
        "request_completion",
        {"deadline": "2024-05-10"},
        "deadline",
        id="str-for-deadline",
    ),
    pytest.param(
        "preparing",
        "plan_calendar",
        {**CALENDAR, "study_moments": "2024-10-09"},
        "study_moments",
        id="str-for-dates",
    ),
    pytest.param(
        "preparing",
        "plan_calendar",
        {**CALENDAR, "study_moments": [dt.date(2024, 10, 9), "2025-01-22"]},
        "study_moments[1]",
        id="str-in-dates",
    ),
    pytest.param(
        "preparing", "plan_calendar", {**CALENDAR, "intake": None}, "intake", id="none-intake"
    ),
    pytest.param("preparing", "form_core_group", {"members": "Anna"}, "members", id="str-members"),
    pytest.param(
        "preparing", "form_core_group", {"members": ["Anna", 3]}, "members[1]", id="int-member"
    ),
    pytest.param(
        "preparing", "form_core_group", {"members": ["Anna", " "]}, "members[1]", id="blank-member"
    ),
    # self-scans
    pytest.param(
        "intake",
        "record_self_scan",
        {**SELF_SCAN, "model": "lerende-school"},
        "model",
        id="self-scan-unknown-model",
    ),
    pytest.param(
        "intake",
        "record_self_scan",
        {**SELF_SCAN, "scores": [2, 2, 2, 2, 2]},
        "scores",
        id="self-scan-scores-not-a-mapping",
    ),
    pytest.param(
        "intake",
        "record_self_scan",
        {**SELF_SCAN, "scores": {**SCORES, "koers": 2}},
        "scores.koers",
        id="self-scan-aspect-of-the-other-model",
    ),
    pytest.param(
        "intake",
        "record_self_scan",
        {**SELF_SCAN, "scores": {**SCORES, "goede_start": 6}},
        "scores.goede_start",
        id="self-scan-level-above-5",
    ),
    pytest.param(
        "closing",
        "record_self_scan",
        {**SELF_SCAN, "scores": {**SCORES, "goede_start": True}},
        "scores.goede_start",
        id="self-scan-bool-level",
    ),
    pytest.param(
        "closing",
        "record_self_scan",
        {**SELF_SCAN, "scores": {k: v for k, v in SCORES.items() if k != "goede_feedback"}},
        "scores.goede_feedback",
        id="self-scan-aspect-without-level",
    ),
    # parts
    pytest.param(
        "application_in_preparation", "write_activity_plan", {}, "parts", id="activity-no-parts"
    ),
    pytest.param(
        "application_in_preparation",
        "write_activity_plan",
        {"report": None, "team_support": None},
        "parts",
        id="activity-only-none-parts",
    ),
    pytest.param("intake", "write_development_plan", {}, "parts", id="development-no-parts"),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("state", "event", "payload", "field"), BAD_FIELDS)
def test_bad_field(
    method: str, state: str, event: str, payload: dict[str, Any], field: str
) -> None:
    """An unknown, missing or wrongly typed field raises InvalidData naming that field,
    from check as from fire, and the trajectory is unchanged."""
    t = at_state(state)
    error = refused(t, method, event, payload)
    assert field == error.field


# -- hours: negative, absurd, not finite, not a number ------------------------------------


BAD_NUMBERS = [
    -1,
    Decimal("-0.5"),
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "Infinity",
    "sNaN",
    Decimal("NaN"),
    True,
    False,
    None,
    "abc",
    "",
    [],
    dt.date(2024, 1, 1),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("hours", [*BAD_NUMBERS, 5000, Decimal("1659.01"), 10**6])
def test_planned_hours_refused(method: str, hours: Any) -> None:
    """planned_hours that are negative, absurd (above the 1659-hour norm year), NaN,
    infinite, a bool or not a number raise InvalidData naming 'planned_hours'."""
    t = at_state("application_in_preparation")
    error = refused(t, method, "add_participant", {**PARTICIPANT, "planned_hours": hours})
    assert "planned_hours" == error.field


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("hours", [*BAD_NUMBERS, 0, 25, Decimal("24.01"), 1000])
def test_logged_hours_refused(method: str, hours: Any) -> None:
    """Hours logged on one date must be more than 0 and at most 24: anything else (25 in a
    day, 0, NaN, inf, bool …) raises InvalidData naming 'hours'."""
    t = at_state("in_progress")
    error = refused(t, method, "log_hours", {**HOURS, "hours": hours})
    assert "hours" == error.field


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(0, Decimal(0)), (1659, Decimal(1659)), ("12.5", Decimal("12.5")), (7.25, Decimal("7.25"))],
)
def test_planned_hours_accepted(hours: Any, expected: Decimal) -> None:
    """The bounds 0 and 1659 and numeric text or floats are accepted, as Decimal."""
    t = at_state("application_in_preparation")
    t.fire("add_participant", **{**PARTICIPANT, "planned_hours": hours})
    assert expected == t.data.participants[-1].planned_hours
    assert isinstance(t.data.participants[-1].planned_hours, Decimal)


@pytest.mark.parametrize("hours", [Decimal("0.25"), 24, "8"])
def test_logged_hours_accepted(hours: Any) -> None:
    """Hours from just above 0 up to 24 are logged."""
    t = at_state("in_progress")
    t.fire("log_hours", **{**HOURS, "hours": hours})
    assert Decimal(str(hours)) == t.data.hours[-1].hours


# -- clocks ---------------------------------------------------------------------------------


def test_naive_clock_refused_at_creation() -> None:
    """A clock that returns a naive datetime is refused when the trajectory is created."""
    with pytest.raises(InvalidData) as info:
        new(clock=lambda: dt.datetime(2024, 5, 2, 10, 0))  # type: ignore[arg-type]
    assert "clock" == info.value.field


def test_manual_clock_refuses_naive_datetimes() -> None:
    """ManualClock refuses a naive datetime, at construction and in set(); set() leaves
    the clock as it was."""
    with pytest.raises(InvalidData) as info:
        ManualClock(dt.datetime(2024, 5, 2, 10, 0))
    assert "now" == info.value.field
    clock = ManualClock(IN_WINDOW)
    with pytest.raises(InvalidData) as info:
        clock.set(dt.datetime(2024, 5, 3, 10, 0))
    assert "now" == info.value.field
    assert IN_WINDOW == clock()


class _TurningNaive:
    """A clock that starts aware and then returns naive datetimes."""

    def __init__(self) -> None:
        self.naive = False

    def __call__(self) -> dt.datetime:
        if self.naive:
            return dt.datetime(2024, 5, 2, 10, 0)
        return IN_WINDOW


@pytest.mark.parametrize("method", METHODS)
def test_naive_clock_refused_when_firing(method: str) -> None:
    """A clock that turns naive makes check and fire raise InvalidData naming 'clock',
    and nothing changes."""
    clock = _TurningNaive()
    t = new_trajectory(
        school=SCHOOL, offer="leven-lang-lezen", school_year="2024-2025", clock=clock
    )
    clock.naive = True
    error = refused(t, method, "record_talk", {"kind": "exploratory_talk", "date": D})
    assert "clock" == error.field


def test_failing_clock_is_wrapped() -> None:
    """A clock that raises is reported as InvalidData naming 'clock', not its raw error."""

    def broken() -> dt.datetime:
        raise KeyError("no time")

    with pytest.raises(InvalidData) as info:
        new_trajectory(
            school=SCHOOL, offer="leven-lang-lezen", school_year="2024-2025", clock=broken
        )
    assert "clock" == info.value.field


# -- participants ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Anna", "anna", "ANNA", " Anna ", "\tanna  "])
def test_duplicate_participant(name: str) -> None:
    """A participant whose name is taken (case-insensitively, surrounding blanks ignored)
    is the violation participants.duplicate, from check and fire; nothing is added."""
    t = at_state("application_in_preparation")
    fields: dict[str, Any] = {"name": name, "role": "teacher", "planned_hours": 10}
    before = snapshot(t)
    assert ["participants.duplicate"] == [v.code for v in t.check("add_participant", **fields)]
    with pytest.raises(PreconditionFailed) as info:
        t.fire("add_participant", **fields)
    assert ["participants.duplicate"] == [v.code for v in info.value.violations]
    assert before == snapshot(t)
    assert 5 == len(t.data.participants)


@pytest.mark.parametrize("name", ["Anna B", "Annabel", "Ann"])
def test_similar_name_is_not_a_duplicate(name: str) -> None:
    """A name that only resembles a participant's is a new participant."""
    t = at_state("application_in_preparation")
    t.fire("add_participant", name=name, role="teacher", planned_hours=10)
    assert name == t.data.participants[-1].name
    assert 6 == len(t.data.participants)


@pytest.mark.parametrize("method", METHODS)
def test_core_group_empty_members(method: str) -> None:
    """form_core_group with an empty members list is refused with InvalidData naming
    'members'."""
    t = at_state("preparing")
    error = refused(t, method, "form_core_group", {"members": []})
    assert "members" == error.field


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("members", [["Anna", "Anna"], ["Anna", "anna"], ["Bram", "Anna", " BRAM"]])
def test_core_group_duplicate_member(method: str, members: list[str]) -> None:
    """form_core_group naming a member twice (names compare like participants: case and
    surrounding blanks ignored) is refused with InvalidData naming the repeated item."""
    t = at_state("preparing")
    error = refused(t, method, "form_core_group", {"members": members})
    assert f"members[{len(members) - 1}]" == error.field


# -- creating and actors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"school": "OBS De Linde"}, "school"),
        ({"offer": 5}, "offer"),
        ({"offer": "no-such-offer"}, "offer"),
        ({"school_year": "2024/2025"}, "school_year"),
        ({"school_year": 2024}, "school_year"),
        ({"school_year": "2031-2032"}, "school_year"),
        ({"rules": {"minimum_participants": 5}}, "rules"),
        ({"id": ""}, "id"),
        ({"id": 7}, "id"),
        ({"id": "x" * 65}, "id"),
        ({"id": "a\x00b"}, "id"),
        ({"id": "a\ud800"}, "id"),
        ({"actor": "  "}, "actor"),
        ({"actor": "ada\ud800"}, "actor"),
        ({"actor": "ada\nlovelace"}, "actor"),
        ({"actor": "x" * 201}, "actor"),
    ],
)
def test_new_trajectory_bad_input(overrides: dict[str, Any], field: str) -> None:
    """new_trajectory refuses a bad school, offer, school year, rules, id or actor with
    InvalidData naming it."""
    with pytest.raises(InvalidData) as info:
        new(**overrides)
    assert field == info.value.field


@pytest.mark.parametrize("actor", ["", "  ", 5, "ada\x00", "\udc00", "x" * 201])
def test_fire_bad_actor(actor: Any) -> None:
    """fire with a blank or non-text actor, or one outside the text limits, raises
    InvalidData naming 'actor'; nothing changes."""
    t = at_state("orientation_held")
    before = snapshot(t)
    with pytest.raises(InvalidData) as info:
        t.fire("register", actor=actor)
    assert "actor" == info.value.field
    assert before == snapshot(t)


# -- text limits, huge numbers, immutability and names ---------------------------------------


TEXT_FIELDS: list[Any] = [
    ("hold_orientation", ORIENTATION, "learning_question"),
    ("hold_orientation", ORIENTATION, "report"),
    ("decline", {"reason": "r"}, "reason"),
    ("reject", {"reason": "r"}, "reason"),
    ("withdraw", {"reason": "r"}, "reason"),
    ("grant", {"amount": 100, "override_reason": "r"}, "override_reason"),
    ("hold_study_moment", {"date": D, "form": "own_school", "topic": "t"}, "topic"),
    ("hold_guidance_moment", {"date": D, "notes": "n"}, "notes"),
    ("hold_closing_talk", {"evaluation": "e"}, "evaluation"),
    ("deliver_implementation_plan", {"plan": "p"}, "plan"),
    ("add_participant", PARTICIPANT, "name"),
    ("remove_participant", {"name": "Anna"}, "name"),
    ("write_activity_plan", {"report": "r"}, "report"),
    ("write_development_plan", {"needs": "n"}, "needs"),
    ("log_hours", HOURS, "participant"),
    ("record_self_scan", SELF_SCAN, "model"),
]


@pytest.mark.parametrize("bad", ["\ud800", "\x00", "\x1b[31m"])
@pytest.mark.parametrize(("event", "payload", "field"), TEXT_FIELDS)
def test_a_text_a_store_cannot_hold_is_refused_naming_the_field(
    event: str, payload: dict[str, Any], field: str, bad: str
) -> None:
    """A lone surrogate (which made the trajectory unsaveable for good), a NUL (which only
    PostgreSQL refused, at save) or another control character is refused when the event
    is fired, naming the field; nothing changes."""
    t = at_state("application_in_preparation")
    error = refused(t, "fire", event, {**payload, field: f"Text {bad} more"})
    assert field == error.field


@pytest.mark.parametrize(("event", "payload", "field"), TEXT_FIELDS)
def test_an_over_long_text_is_refused_naming_the_field(
    event: str, payload: dict[str, Any], field: str
) -> None:
    """A text longer than its kind allows (an id 64, a name 200, a long text 100,000
    characters) is refused naming the field."""
    t = at_state("application_in_preparation")
    error = refused(t, "check", event, {**payload, field: "x" * (MAX_TEXT_LENGTH + 1)})
    assert field == error.field
    assert "at most" in error.reason


def test_core_group_members_keep_the_text_limits() -> None:
    """Each core group member is a name within the limits, refused naming its item."""
    t = at_state("preparing")
    assert (
        "members[1]" == refused(t, "fire", "form_core_group", {"members": ["Anna", "B\x00"]}).field
    )
    assert "members[0]" == refused(t, "fire", "form_core_group", {"members": ["x" * 201]}).field


HUGE = 10**5000


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("add_participant", {**PARTICIPANT, "planned_hours": HUGE}, "planned_hours"),
        ("add_participant", {**PARTICIPANT, "planned_hours": -HUGE}, "planned_hours"),
        ("add_participant", {**PARTICIPANT, "role": HUGE}, "role"),
        ("log_hours", {**HOURS, "hours": HUGE}, "hours"),
        ("log_hours", {**HOURS, "date": HUGE}, "date"),
        ("grant", {"amount": HUGE}, "amount"),
        ("record_talk", {"kind": "exploratory_talk", "date": HUGE}, "date"),
        ("record_self_scan", {**SELF_SCAN, "scores": {**SCORES, "goede_start": HUGE}}, "scores"),
        ("record_self_scan", {**SELF_SCAN, "model": HUGE}, "model"),
        ("decline", {"reason": HUGE}, "reason"),
        ("form_core_group", {"members": ["Anna", HUGE]}, "members[1]"),
    ],
)
def test_a_huge_whole_number_is_refused_naming_the_field(
    method: str, event: str, payload: dict[str, Any], field: str
) -> None:
    """A whole number of thousands of digits (which Python refuses to print) gives
    InvalidData naming the field, not the event, and a message that says its size."""
    t = at_state("application_in_preparation")
    error = refused(t, method, event, payload)
    assert error.field.startswith(field)
    assert "digits" in error.reason


def test_a_recorded_self_scan_cannot_be_changed_afterwards() -> None:
    """The scores of a recorded self-scan are an immutable copy: changing the dict given
    to fire changes nothing, and the event's and the data's scores refuse changes."""
    t = at_state("intake")
    scores = dict(SCORES)
    event = t.fire("record_self_scan", **{**SELF_SCAN, "scores": scores})
    scores["goede_start"] = 5
    assert SCORES == event.payload.scores
    assert SCORES == t.data.self_scans[-1].scores
    with pytest.raises(TypeError):
        event.payload.scores["goede_start"] = 5
    with pytest.raises(TypeError):
        t.data.self_scans[-1].scores["goede_start"] = 5  # type: ignore[index]
    assert hash(event.payload) == hash(event.payload)  # a frozen payload, all the way down


def immutable(value: Any) -> bool:
    """Whether ``value`` and everything in it is of an immutable kind."""
    import enum

    import attrs
    from frozendict import frozendict

    if value is None or isinstance(
        value, str | int | Decimal | dt.date | dt.datetime | enum.Enum | bool
    ):
        return True
    if isinstance(value, tuple | frozenset):
        return all(immutable(item) for item in value)
    if isinstance(value, frozendict):
        return all(immutable(k) and immutable(v) for k, v in value.items())
    if attrs.has(type(value)):
        frozen = type(value).__setattr__ is not object.__setattr__
        return frozen and all(
            immutable(getattr(value, f.name)) for f in attrs.fields(type(value)) if f.init
        )
    return False


@pytest.mark.parametrize("state", ["settled", "stopped", "intake"])
def test_every_value_in_every_event_is_immutable(state: str) -> None:
    """Every payload of a history, the creation's school, offer and rules included, is
    built of immutable values only: the recorded history cannot change."""
    t = at_state(state)
    if state == "intake":
        t.fire("record_self_scan", **SELF_SCAN)
    for event in t.history:
        assert immutable(event.payload), event.name


NFD = "Chlo\u0065\u0301 \u0041\u030angstro\u0308m"


@pytest.mark.parametrize(
    "variant", [NFD, "Chloé\u200b Ångström", "\ufeffChloé  Ångström", "CHLOÉ ÅNGSTRÖM"]
)
def test_a_name_variant_is_the_same_person(variant: str) -> None:
    """The NFD spelling of a name, the name with a zero-width space or byte order mark,
    or in capitals, is the participant already there: participants.duplicate; hours
    are logged on them and removing them removes them."""
    t = at_state("application_in_preparation")
    t.fire("add_participant", name="Chloé Ångström", role="teacher", planned_hours=10)
    fields: dict[str, Any] = {"name": variant, "role": "teacher", "planned_hours": 10}
    assert ["participants.duplicate"] == [v.code for v in t.check("add_participant", **fields)]
    t.fire("remove_participant", name=variant)
    assert "Chloé Ångström" not in [p.name for p in t.data.participants]


def test_a_name_is_kept_normalised() -> None:
    """A participant's name is kept as NFC text without invisible characters and with
    single spaces, so every later comparison and erasure finds it."""
    t = at_state("application_in_preparation")
    t.fire("add_participant", name=f" {NFD}\u200b ", role="teacher", planned_hours=10)
    assert "Chloé Ångström" == t.data.participants[-1].name
    assert "Chloé Ångström" == t.history[-1].payload.name
