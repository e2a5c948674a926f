"""Recurring events and deadlines: what is due at a moment, from the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from trajectory import (
    Context,
    Creation,
    DefinitionError,
    EventDefinition,
    InvalidData,
    Lifecycle,
    ManualClock,
    State,
    Transition,
)
from trajectory.engine.schedule import Deadline, Due, Recurring, shifted

START = dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)


@attrs.frozen
class Team:
    """The toy's data: a team with an optional date its plan is due."""

    name: str
    plan_due: dt.date | None = None


@attrs.frozen
class Formed:
    """The toy's creation payload."""

    name: str
    plan_due: dt.date | None = None


def _form(payload: Formed, context: Context) -> Team:
    return Team(payload.name, payload.plan_due)


def _event(name: str, sources: tuple[str, ...], target: str | None) -> EventDefinition[Any]:
    return EventDefinition(name, (Transition(sources, target),))


def lifecycle(
    *, recurring: tuple[Recurring, ...] = (), deadlines: tuple[Deadline, ...] = ()
) -> Lifecycle[Team]:
    return Lifecycle[Team](
        "team",
        states=(State("forming"), State("working"), State("done", final=True)),
        events=(
            _event("start", ("forming",), "working"),
            _event("board_session", ("working",), None),
            _event("write_plan", ("working",), None),
            _event("finish", ("working",), "done"),
        ),
        initial="forming",
        creation=Creation(Formed, _form),
        recurring=recurring,
        deadlines=deadlines,
    )


BOARD = Recurring("board_session", WEEK, "working")


def test_a_recurring_event_is_due_one_period_after_entering() -> None:
    """Outside its states nothing is due; inside, one period after entering, and
    overdue after that moment."""
    clock = ManualClock(START)
    made = lifecycle(recurring=(BOARD,))
    t = made.create(Formed("A"), clock=clock)
    assert () == made.due(t, START)
    t.fire("start")
    expected = Due("recurring", "board_session", START, START + WEEK, False)
    assert (expected,) == made.due(t, START + WEEK)
    assert () == made.overdue(t, START + WEEK)
    late = made.overdue(t, START + WEEK + dt.timedelta(minutes=1))
    assert [("board_session", START + WEEK, True)] == [(d.event, d.at, d.overdue) for d in late]


def test_a_trajectory_asks_what_is_due_on_its_own_clock() -> None:
    """t.due() and t.overdue() use the trajectory's clock unless given a moment, and
    agree with the lifecycle's query."""
    clock = ManualClock(START)
    made = lifecycle(recurring=(BOARD,))
    t = made.create(Formed("A"), clock=clock)
    t.fire("start")
    clock.advance(days=8)

    assert made.due(t, clock()) == t.due()
    assert ("board_session",) == tuple(item.event for item in t.overdue())
    assert () == t.overdue(START + dt.timedelta(days=1))


def test_each_occurrence_starts_the_next_period() -> None:
    """After a board session the next one is due a week after it."""
    clock = ManualClock(START)
    made = lifecycle(recurring=(BOARD,))
    t = made.create(Formed("A"), clock=clock)
    t.fire("start")
    clock.advance(days=5)
    t.fire("board_session")
    session = START + dt.timedelta(days=5)
    assert (Due("recurring", "board_session", session, session + WEEK, False),) == made.due(
        t, session + dt.timedelta(days=3)
    )


def test_leaving_the_states_ends_the_cadence() -> None:
    """In a final state nothing recurs any more."""
    made = lifecycle(recurring=(BOARD,))
    t = made.create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    t.fire("finish")
    assert () == made.due(t, START + 10 * WEEK)


def test_a_deadline_after_entering_a_state() -> None:
    """A deadline is pending from entering its state until the event occurs."""
    clock = ManualClock(START)
    made = lifecycle(deadlines=(Deadline("write_plan", "working", within=dt.timedelta(days=30)),))
    t = made.create(Formed("A"), clock=clock)
    t.fire("start")
    at = START + dt.timedelta(days=30)
    assert (Due("deadline", "write_plan", START, at, True),) == made.due(
        t, at + dt.timedelta(seconds=1)
    )
    t.fire("write_plan")
    assert () == made.due(t, at + dt.timedelta(seconds=1))


def test_a_deadline_from_the_data() -> None:
    """A deadline may be a date in the data: due at the end of that day."""
    rule = Deadline("write_plan", "working", date=lambda team: team.plan_due)
    made = lifecycle(deadlines=(rule,))
    t = made.create(Formed("A", plan_due=dt.date(2024, 9, 30)), clock=ManualClock(START))
    t.fire("start")
    (pending,) = made.due(t, dt.datetime(2024, 9, 30, 23, 0, tzinfo=dt.UTC))
    assert dt.datetime.combine(dt.date(2024, 9, 30), dt.time.max, tzinfo=dt.UTC) == pending.at
    assert not pending.overdue
    assert made.due(t, dt.datetime(2024, 10, 1, tzinfo=dt.UTC))[0].overdue


def test_no_date_no_deadline() -> None:
    """When the data has no date, nothing is due."""
    rule = Deadline("write_plan", "working", date=lambda team: team.plan_due)
    made = lifecycle(deadlines=(rule,))
    t = made.create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    assert () == made.due(t, START)


def test_due_is_sorted_soonest_first() -> None:
    """Recurring events and deadlines come together, soonest first."""
    made = lifecycle(
        recurring=(BOARD,),
        deadlines=(Deadline("write_plan", "working", within=dt.timedelta(days=3)),),
    )
    t = made.create(Formed("A"), clock=ManualClock(START))
    t.fire("start")
    assert ["write_plan", "board_session"] == [d.event for d in made.due(t, START)]


def test_now_must_be_aware() -> None:
    """A naive moment raises InvalidData naming 'now'."""
    made = lifecycle(recurring=(BOARD,))
    t = made.create(Formed("A"), clock=ManualClock(START))
    with pytest.raises(InvalidData) as info:
        made.due(t, dt.datetime(2024, 9, 2))
    assert "now" == info.value.field


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Recurring("board_session", dt.timedelta(0), "working"), "positive period"),
        (lambda: Recurring("board_session", WEEK, ()), "names no states"),
        (lambda: Deadline("write_plan", "working"), "neither"),
        (
            lambda: Deadline("write_plan", "working", within=WEEK, date=lambda team: team.plan_due),
            "both",
        ),
        (lambda: Deadline("write_plan", "working", within=-WEEK), "from 0"),
    ],
)
def test_inconsistent_schedules_are_refused(make: Any, message: str) -> None:
    """A period that is not positive, no states, or not exactly one of period and date,
    is a DefinitionError."""
    with pytest.raises(DefinitionError, match=message):
        make()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"recurring": (Recurring("chat", WEEK, "working"),)}, "unknown event 'chat'"),
        ({"recurring": (Recurring("board_session", WEEK, "resting"),)}, "unknown state"),
        ({"deadlines": (Deadline("chat", "working", within=WEEK),)}, "unknown event 'chat'"),
        ({"deadlines": (Deadline("write_plan", "resting", within=WEEK),)}, "unknown state"),
    ],
)
def test_schedules_refer_to_known_names(arguments: dict[str, Any], message: str) -> None:
    """Recurring events and deadlines naming an unknown event or state are refused."""
    with pytest.raises(DefinitionError, match=message):
        lifecycle(**arguments)


# -- near the end of time --------------------------------------------------------------


def test_what_falls_beyond_the_year_9999_is_never_due() -> None:
    """A recurrence or a deadline whose moment would lie after 9999-12-31 is never due:
    due() leaves it out instead of overflowing, while the ones that fit are still due."""
    late = dt.datetime(9999, 6, 1, tzinfo=dt.UTC)
    clock = ManualClock(late)
    made = lifecycle(
        recurring=(BOARD, Recurring("write_plan", dt.timedelta(days=400), "working")),
        deadlines=(Deadline("finish", "working", within=dt.timedelta(days=999_999_999)),),
    )
    t = made.create(Formed("A"), clock=clock)
    t.fire("start")

    found = made.due(t, late + dt.timedelta(days=8))

    assert [("board_session", late + WEEK, True)] == [(d.event, d.at, d.overdue) for d in found]


def test_due_refuses_what_is_not_a_trajectory_or_a_moment() -> None:
    """due() names a wrong trajectory or a moment outside the range of moments."""
    made = lifecycle(recurring=(BOARD,))
    t = made.create(Formed("A"), clock=ManualClock(START))

    with pytest.raises(InvalidData) as not_one:
        made.due("team A", START)  # type: ignore[arg-type]
    with pytest.raises(InvalidData) as too_late:
        made.due(t, dt.datetime.max.replace(tzinfo=dt.UTC))

    assert ("trajectory", "now") == (not_one.value.field, too_late.value.field)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: Recurring("board_session", WEEK, 5), DefinitionError),
        (lambda: Recurring("board_session", 10**5000, "working"), DefinitionError),
        (lambda: Deadline("write_plan", "working", within=10**5000), DefinitionError),
        (lambda: shifted(None, WEEK), InvalidData),
        (lambda: shifted(dt.date(2024, 1, 1), 7), InvalidData),
    ],
    ids=["states 5", "a huge period", "a huge within", "shifted(None)", "shifted by 7"],
)
def test_schedules_of_the_wrong_kind_are_library_errors(make: Any, error: type) -> None:
    """A schedule or a shift made of the wrong kinds raises a library error, never a raw
    TypeError or a ValueError from printing a huge number."""
    with pytest.raises(error):
        make()
