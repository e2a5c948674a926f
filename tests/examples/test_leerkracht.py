"""examples/leerkracht: the definition file, each guard it names (raised and cleared),
the periods of the cycle, the weekly board session and the hand-over."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import jsonschema
import pytest

from trajectory import ManualClock, Trajectory, dump_lifecycle, load_lifecycle
from trajectory.engine.loader import definition_schema

from . import load_example

example = load_example("leerkracht")
LIFECYCLE = example.LEERKRACHT
START = dt.datetime(2024, 9, 2, 8, 30, tzinfo=dt.UTC)
CYCLE_STATES = (
    "goals_set",
    "actions_planned",
    "lesson_designed",
    "lesson_observed",
    "feedback_collected",
    "reflected",
)


def found(violations: Any) -> list[tuple[str, dict[str, Any]]]:
    """Violations as (code, details), to compare with what is expected."""
    return [(v.code, dict(v.details)) for v in violations]


def team(themes: tuple[str, ...] = ("rekenen",)) -> tuple[Trajectory[Any], ManualClock]:
    """A new team of a school, and the clock it runs on."""
    clock = ManualClock(START)
    payload = example.FormTeam("OBS De Regenboog", "team middenbouw", "the expert coach", themes)
    trajectory: Trajectory[Any] = LIFECYCLE.create(payload, clock=clock)
    return trajectory, clock


def with_goals() -> tuple[Trajectory[Any], ManualClock]:
    """A team that started and set the goals of its first period."""
    t, clock = team()
    t.fire("start_with_team")
    t.fire("set_goals", goals=("fluent tables",))
    return t, clock


def designed(pair: tuple[str, str] = ("Anouk", "Bram")) -> Trajectory[Any]:
    """A team whose lesson ``pair`` designed."""
    t, _ = with_goals()
    t.fire("plan_actions", actions=("daily practice",))
    t.fire("design_lesson", teachers=pair)
    return t


def complete_period(t: Trajectory[Any], goal: str = "fluent tables") -> None:
    """Take ``t`` from the start or a reflection through one whole period."""
    t.fire("set_goals", goals=(goal,))
    t.fire("plan_actions", actions=("daily practice",))
    t.fire("design_lesson", teachers=("Anouk", "Bram"))
    t.fire("observe_lesson", teacher="Anouk", observer="Bram", effect_on_students="Engaged.")
    t.fire("collect_student_feedback", feedback="More practice, please.")
    t.fire("reflect", conclusions="Keep it.")


# -- the definition file -------------------------------------------------------------------


def test_the_file_holds_the_cycle() -> None:
    """Preparing, the start, the six steps of a period and the end, in the file's order;
    a period leads from the reflection back to new goals."""
    expected = ["preparing", "started", *CYCLE_STATES, "stopped"]
    assert expected == list(LIFECYCLE.states)
    assert "goals_set" == LIFECYCLE.routes["set_goals"]["reflected"]
    assert ("set_goals",) == tuple(c.start for c in LIFECYCLE.cycles.values())


def test_the_file_is_valid_against_the_schema() -> None:
    """The TOML file is a valid lifecycle definition by the shipped JSON Schema."""
    data = tomllib.loads(example.DEFINITION.read_text(encoding="utf-8"))
    jsonschema.validate(data, definition_schema())


def test_the_registry_names_every_piece_of_code() -> None:
    """Written back to data and loaded again, the lifecycle has the same routes, rules
    and guards."""
    data = dump_lifecycle(LIFECYCLE, example.REGISTRY)
    again = load_lifecycle(data, example.REGISTRY)
    assert LIFECYCLE.routes == again.routes
    assert LIFECYCLE.repeats == again.repeats
    assert LIFECYCLE.recurring == again.recurring


# -- the guards --------------------------------------------------------------------------------


def test_the_start_needs_improvement_themes() -> None:
    """Without themes the start is refused; chosen, it is allowed."""
    t, _ = team(themes=())
    assert [("start.themes_missing", {})] == found(t.check("start_with_team"))
    t.fire("choose_themes", themes=("reading comprehension",))
    assert [] == t.check("start_with_team")


def test_a_period_needs_goals_and_actions() -> None:
    """Blank goals and blank actions are refused; named ones are allowed."""
    t, _ = team()
    t.fire("start_with_team")
    assert [("period.goals_missing", {})] == found(t.check("set_goals", goals=(" ",)))
    t.fire("set_goals", goals=("fluent tables",))
    assert [("period.actions_missing", {})] == found(t.check("plan_actions", actions=()))
    assert [] == t.check("plan_actions", actions=("daily practice",))


@pytest.mark.parametrize(
    ("teachers", "details"),
    [
        (("Anouk",), {"count": 1, "teachers": ["Anouk"]}),
        (("Anouk", "Anouk"), {"count": 1, "teachers": ["Anouk"]}),
        (("Chantal", "Anouk", "Bram"), {"count": 3, "teachers": ["Anouk", "Bram", "Chantal"]}),
    ],
)
def test_a_lesson_is_designed_in_pairs(teachers: tuple[str, ...], details: dict[str, Any]) -> None:
    """Not two different teachers: refused, with who they are."""
    t, _ = with_goals()
    t.fire("plan_actions", actions=("daily practice",))
    assert [("lesson.not_a_pair", details)] == found(t.check("design_lesson", teachers=teachers))
    assert [] == t.check("design_lesson", teachers=("Anouk", "Bram"))


def test_the_lesson_is_given_by_the_pair_and_observed_by_a_colleague() -> None:
    """All three reasons at once; a teacher of the pair observed by a colleague who
    describes the effect on the students clears them."""
    t = designed()
    expected = [
        ("lesson.not_of_the_pair", {"teacher": "Chantal", "pair": ["Anouk", "Bram"]}),
        ("lesson.observer_is_teacher", {"teacher": "Chantal"}),
        ("lesson.effect_missing", {}),
    ]
    refused = t.check(
        "observe_lesson", teacher="Chantal", observer="Chantal", effect_on_students=""
    )
    assert expected == found(refused)
    cleared = t.check(
        "observe_lesson", teacher="Bram", observer="Chantal", effect_on_students="Engaged."
    )
    assert [] == cleared


def test_student_feedback_and_the_reflection_are_recorded() -> None:
    """Blank feedback and blank conclusions are refused."""
    t = designed()
    t.fire("observe_lesson", teacher="Anouk", observer="Bram", effect_on_students="Engaged.")
    assert [("feedback.missing", {})] == found(t.check("collect_student_feedback", feedback=""))
    t.fire("collect_student_feedback", feedback="More practice, please.")
    assert [("reflection.conclusions_missing", {})] == found(t.check("reflect", conclusions=""))
    assert [] == t.check("reflect", conclusions="Keep it.")


def test_a_work_session_follows_a_board_session() -> None:
    """Refused before any board session and after the work session that followed it."""
    t, _ = with_goals()
    assert [("work_session.no_board_session", {})] == found(t.check("work_session"))
    t.fire("board_session", progress="on track")
    assert [] == t.check("work_session")
    t.fire("work_session")
    assert [("work_session.no_board_session", {})] == found(t.check("work_session"))


# -- the cycle and the hand-over --------------------------------------------------------------


def test_the_period_is_the_iteration_of_the_cycle() -> None:
    """0 before the first goals, then one more with every period."""
    t, _ = team()
    t.fire("start_with_team")
    assert 0 == LIFECYCLE.iteration(t, "period")
    complete_period(t)
    complete_period(t)
    t.fire("set_goals", goals=("a third goal",))
    assert 3 == LIFECYCLE.iteration(t, "period")


def test_the_hand_over_needs_two_completed_cycles_and_a_trained_school_coach() -> None:
    """After one cycle with no coach trained, both reasons; after two cycles with the
    coach trained, the school coach guides the team; a second hand-over is refused."""
    t, _ = team()
    t.fire("start_with_team")
    complete_period(t)
    expected = [
        ("hand_over.cycles_minimum", {"required": 2, "actual": 1}),
        ("hand_over.coach_not_trained", {"coach": "Dewi"}),
    ]
    assert expected == found(t.check("hand_over", coach="Dewi"))
    t.fire("train_school_coach", coach="Dewi")
    complete_period(t)
    assert [] == t.check("hand_over", coach="Dewi")
    t.fire("hand_over", coach="Dewi")
    assert "Dewi" == t.data.guided_by
    assert [("hand_over.done", {"maximum": 1, "actual": 1})] == found(
        t.check("hand_over", coach="Dewi")
    )


# -- the weekly board session ----------------------------------------------------------------


def test_no_board_session_is_due_before_the_goals() -> None:
    """Preparing and just started, the team has no goals to discuss yet."""
    t, clock = team()
    t.fire("start_with_team")
    clock.advance(days=30)
    assert () == LIFECYCLE.due(t, clock())


def test_the_board_session_is_weekly_and_overdue_when_missed() -> None:
    """Due a week after the goals are set, overdue after that; a session held makes
    the next one due a week later."""
    t, clock = with_goals()
    clock.advance(days=7)
    (due,) = LIFECYCLE.due(t, clock())
    assert ("board_session", START + dt.timedelta(days=7), False) == (
        due.event,
        due.at,
        due.overdue,
    )
    clock.advance(minutes=1)
    assert ["board_session"] == [d.event for d in LIFECYCLE.overdue(t, clock())]
    t.fire("board_session", progress="on track")
    (due,) = LIFECYCLE.due(t, clock())
    assert (clock() + dt.timedelta(days=7), False) == (due.at, due.overdue)


def test_the_board_session_stays_weekly_across_periods() -> None:
    """Moving through the period, and into the next, does not reset the cadence."""
    t, clock = with_goals()
    t.fire("board_session", progress="on track")
    clock.advance(days=3)
    t.fire("plan_actions", actions=("daily practice",))
    t.fire("design_lesson", teachers=("Anouk", "Bram"))
    t.fire("observe_lesson", teacher="Anouk", observer="Bram", effect_on_students="Engaged.")
    t.fire("collect_student_feedback", feedback="More practice, please.")
    t.fire("reflect", conclusions="Keep it.")
    t.fire("set_goals", goals=("the next goal",))
    (due,) = LIFECYCLE.due(t, clock())
    assert START + dt.timedelta(days=7) == due.at
