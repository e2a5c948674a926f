"""Bad input at the engine's public boundary: wrong types and the ends of time.

Every public function refuses an argument of the wrong type with an InvalidData that
names the argument (never a raw TypeError, AttributeError or OverflowError) and
changes nothing; a clock near the end of time is refused or answered, never an
overflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import trajectory
from tests.builders import SCHOOL, at_state, new
from trajectory import InvalidData, ManualClock, Trajectory, UnknownEvent
from trajectory.engine import verify_history
from trajectory.engine.history import LAST_MOMENT
from trajectory.engine.schedule import shifted
from trajectory.ontwikkelkracht import LIFECYCLE

START = dt.datetime(2024, 5, 2, 10, 0, tzinfo=dt.UTC)
#: The last day whose moments have a date in every time zone.
LAST_DAY = dt.datetime(9999, 12, 30, 12, 0, tzinfo=dt.UTC)


def _leertraject(**overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "school": SCHOOL,
        "offer": "leven-lang-lezen",
        "school_year": "2024-2025",
        "clock": ManualClock(START),
    }
    arguments.update(overrides)
    return trajectory.new_trajectory(**arguments)


def _refused(call: Callable[[], object]) -> InvalidData:
    with pytest.raises(InvalidData) as refused:
        call()
    return refused.value


# -- new_trajectory and replay -------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("school", None),
        ("school", "OBS De Linde"),
        ("offer", 5),
        ("offer", None),
        ("offers", 5),
        ("offers", "leven-lang-lezen"),
        ("offers", {"leven-lang-lezen": None}),
        ("school_year", 2024),
        ("school_year", None),
        ("clock", 5),
        ("clock", "now"),
        ("rules", 5),
        ("rules", {"school_year": "2024-2025"}),
        ("actor", 5),
        ("actor", b"clerk"),
        ("id", 5),
        ("id", ""),
    ],
)
def test_new_trajectory_names_an_argument_of_the_wrong_type(argument: str, value: Any) -> None:
    """new_trajectory refuses a wrong-typed argument with InvalidData naming it."""
    assert argument == _refused(lambda: _leertraject(**{argument: value})).field


@pytest.mark.parametrize(
    "events",
    [None, 5, "created", [None], [{"name": "created"}], (1, 2)],
    ids=["None", "int", "text", "[None]", "[dict]", "tuple of ints"],
)
def test_replay_names_events_that_are_no_history(events: Any) -> None:
    """replay of something that is no iterable of events is InvalidData on 'events'
    or on the first item that is no Event."""
    assert _refused(lambda: trajectory.replay(events)).field in {"events", "events[0]"}


def test_replay_refuses_a_clock_that_is_not_callable() -> None:
    """replay(clock=...) takes a callable; anything else is InvalidData naming 'clock'."""
    history = new().history

    assert "clock" == _refused(lambda: trajectory.replay(history, clock=5)).field  # type: ignore[arg-type]


# -- a trajectory's methods ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda t: t.fire(123), "event"),
        (lambda t: t.fire(None), "event"),
        (lambda t: t.check(None), "event"),
        (lambda t: t.check(["register"]), "event"),
        (lambda t: t.fire("x", bad=object()), "event"),
        (lambda t: t.fire("hold_orientation", bad=object()), "bad"),
        (lambda t: t.fire("register", actor=5), "actor"),
        (lambda t: t.due(5), "now"),
        (lambda t: t.due(dt.datetime(2024, 5, 2)), "now"),
        (lambda t: t.overdue("2024-05-02"), "now"),
        (lambda t: t.iteration(5), "cycle"),
        (lambda t: t.mark_saved("1"), "version"),
        (lambda t: t.mark_saved(1.0), "version"),
        (lambda t: t.mark_saved(1, generation="2"), "generation"),
        (lambda t: t.extend(None), "events"),
        (lambda t: t.extend([None]), "events[1]"),
    ],
)
def test_a_trajectory_names_an_argument_of_the_wrong_type(
    call: Callable[[Trajectory[Any]], object], argument: str
) -> None:
    """Each method refuses a wrong-typed argument with InvalidData naming it, and the
    trajectory stays as it was."""
    t = new()
    before = (t.state, t.data, t.history, t.saved_version)

    assert argument == _refused(lambda: call(t)).field
    assert before == (t.state, t.data, t.history, t.saved_version)


def test_an_unknown_event_of_any_type_is_unknown_event() -> None:
    """A number or None as an event name is an UnknownEvent (an InvalidData)."""
    t = new()

    with pytest.raises(UnknownEvent) as unknown:
        t.fire(123)  # type: ignore[arg-type]

    assert 123 == unknown.value.event


# -- the lifecycle and the trajectory class ------------------------------------------------


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: LIFECYCLE.create(5), "payload"),
        (lambda: LIFECYCLE.create(None), "payload"),
        (lambda: LIFECYCLE.due(5, START), "trajectory"),
        (lambda: LIFECYCLE.overdue(None, START), "trajectory"),
        (lambda: LIFECYCLE.iteration(5, "cycle"), "trajectory"),
        (lambda: LIFECYCLE.replay(None), "events"),
        (lambda: Trajectory.from_history(5, []), "lifecycle"),  # type: ignore[arg-type]
        (lambda: Trajectory.start(None, None), "lifecycle"),  # type: ignore[arg-type]
    ],
)
def test_the_lifecycle_names_an_argument_of_the_wrong_type(
    call: Callable[[], object], argument: str
) -> None:
    """Lifecycle and Trajectory class methods refuse wrong-typed arguments by name."""
    assert argument == _refused(call).field


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"version": "3"}, "version"),
        ({"version": 0}, "version"),
        ({"state": 5}, "state"),
        ({"state": "nowhere"}, "state"),
        ({"data": "a record"}, "data"),
        ({"id": None}, "id"),
        ({"history": None}, "events"),
        ({"clock": "now"}, "clock"),
    ],
)
def test_restore_names_an_argument_of_the_wrong_type(change: dict[str, Any], argument: str) -> None:
    """Trajectory.restore refuses a wrong-typed argument by name."""
    t = at_state("application_in_preparation")
    arguments: dict[str, Any] = {
        "id": t.id,
        "state": t.state,
        "data": t.data,
        "history": t.history,
        "version": t.version,
    }
    arguments.update(change)

    assert argument == _refused(lambda: Trajectory.restore(LIFECYCLE, **arguments)).field


# -- the clock ------------------------------------------------------------------------------


def test_advancing_the_clock_by_1e308_days_is_invalid_data() -> None:
    """ManualClock.advance(days=1e308) is InvalidData naming 'delta', not OverflowError."""
    clock = ManualClock(START)

    assert "delta" == _refused(lambda: clock.advance(days=1e308)).field
    assert START == clock()


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC),
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime.min.replace(tzinfo=dt.UTC),
    ],
    ids=["9999-12-31 23:00", "datetime.max", "datetime.min"],
)
def test_a_clock_beyond_the_last_moment_is_invalid_data(moment: dt.datetime) -> None:
    """A clock that says a moment without a date in every zone (the guards ask for the
    date in the Netherlands) refuses create, check and fire with InvalidData naming the
    clock; nothing changes."""
    times = [START]
    t = _leertraject(clock=lambda: times[-1])
    before = (t.state, t.data, t.history)
    times.append(moment)

    for call in (
        lambda: t.check("withdraw", reason="Too late."),
        lambda: t.fire("withdraw", reason="Too late."),
        lambda: t.due(),
        lambda: _leertraject(clock=lambda: moment),
    ):
        assert "clock" == _refused(call).field
    assert before == (t.state, t.data, t.history)


def test_the_guards_answer_on_the_last_day() -> None:
    """On the last day with a date everywhere, the guards compute without overflowing:
    a completion deadline beyond the year 9999 is simply the last date there is."""
    clock = ManualClock(START)
    t = at_state("application_submitted", clock)
    clock.set(LAST_DAY)

    assert [] == t.check("request_completion", deadline=dt.date(9999, 12, 31))
    refused = t.check("request_completion", deadline=dt.date(9999, 12, 30))
    assert ["completion.deadline_invalid"] == [v.code for v in refused]
    t.fire("request_completion")
    assert dt.date.max == t.data.completion_deadline
    assert [] == t.check("withdraw", reason="Too late.")
    assert t == trajectory.replay(t.history, clock=clock)


def test_shifted_is_none_beyond_the_year_9999() -> None:
    """shifted() adds like + within the calendar and answers None beyond it, either way."""
    assert dt.date(2025, 1, 1) == shifted(dt.date(2024, 12, 31), dt.timedelta(days=1))
    assert None is shifted(dt.date.max, dt.timedelta(days=1))
    assert None is shifted(dt.date.min, dt.timedelta(days=-1))
    assert None is shifted(LAST_MOMENT, dt.timedelta(days=2))
    assert LAST_MOMENT + dt.timedelta(hours=1) == shifted(LAST_MOMENT, dt.timedelta(hours=1))


def test_an_event_name_too_long_to_print_is_unknown_event() -> None:
    """fire(10**5000) is an UnknownEvent whose message shows the number's size."""
    t = new()

    with pytest.raises(UnknownEvent) as unknown:
        t.fire(10**5000)  # type: ignore[arg-type]

    assert "digits" in str(unknown.value)


def test_verify_history_names_a_lifecycle_or_id_of_the_wrong_kind() -> None:
    """verify_history refuses a lifecycle that is none, and a trajectory_id that is no
    text, by name."""
    history = new().history

    assert "lifecycle" == _refused(lambda: verify_history(history, None)).field  # type: ignore[arg-type]
    assert (
        "trajectory_id"
        == _refused(
            lambda: verify_history(history, LIFECYCLE, trajectory_id=5)  # type: ignore[arg-type]
        ).field
    )


def test_events_from_a_state_of_the_wrong_kind_is_none() -> None:
    """No event leaves something that is no state's name, hashable or not."""
    assert () == LIFECYCLE.events_from(["granted"])  # type: ignore[arg-type]
    assert () == LIFECYCLE.events_from(5)  # type: ignore[arg-type]
