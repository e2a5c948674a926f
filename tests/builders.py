"""Build leertrajecten in any state along a valid path, for the tests.

``at_state("in_progress")`` returns a trajectory that reached ``in_progress`` by
firing valid events, with a ManualClock that the test can move on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from trajectory import ManualClock, School, Trajectory, new_trajectory
from trajectory.ontwikkelkracht import Leertraject
from trajectory.ontwikkelkracht.guards import NETHERLANDS

#: Inside the 2024-2025 application window.
IN_WINDOW: Final = dt.datetime(2024, 5, 2, 10, 0, tzinfo=NETHERLANDS)

SCHOOL: Final = School(name="OBS De Linde", sector="po", board="Stichting Primair", brin="12AB00")

TEAM: Final = (
    ("Anna", "school_leader", 200),
    ("Bram", "teacher", 160),
    ("Chloé", "teacher", 160),
    ("Daan", "support_staff", 140),
    ("Eva", "teacher", 140),
)

PLAN_PARTS: Final = {
    "report": "Report of the orientation talk.",
    "willing_and_able": "We reserve the time.",
    "leadership_commitment": "Leadership and board committed.",
    "team_support": "The team supports it.",
}

DEVELOPMENT_PARTS: Final = {
    "guidance": "Monthly guidance.",
    "needs": "A reading culture.",
    "core_team": "Anna and Bram.",
    "hours_deployment": "Study afternoons.",
}


def new(clock: ManualClock | None = None, **overrides: Any) -> Trajectory[Leertraject]:
    """A new 2024-2025 leertraject for the example school, clock inside the window."""
    arguments: dict[str, Any] = {
        "school": SCHOOL,
        "offer": "leven-lang-lezen",
        "school_year": "2024-2025",
        "clock": clock or ManualClock(IN_WINDOW),
    }
    arguments.update(overrides)
    return new_trajectory(**arguments)


def _on(t: Trajectory[Leertraject], day: dt.date) -> None:
    clock = t._clock  # the builders own the ManualClock they created
    assert isinstance(clock, ManualClock)
    clock.set(dt.datetime.combine(day, dt.time(10, 0), tzinfo=NETHERLANDS))


def _orientation(t: Trajectory[Leertraject]) -> None:
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question="How do we raise reading motivation?",
        conclusion="positive",
        report="It fits.",
    )


def _prepare_application(t: Trajectory[Leertraject]) -> None:
    t.fire("register")
    for name, role, hours in TEAM:
        t.fire("add_participant", name=name, role=role, planned_hours=hours)
    t.fire("write_activity_plan", **PLAN_PARTS)


def _prepare(t: Trajectory[Leertraject]) -> None:
    _on(t, dt.date(2024, 8, 26))
    t.fire("start_preparation")
    t.fire("form_core_group", members=["Anna", "Bram"])
    t.fire(
        "plan_calendar",
        intake=dt.date(2024, 9, 10),
        study_moments=[dt.date(2024, 10, 9), dt.date(2025, 1, 22)],
        guidance_moments=[dt.date(2024, 11, 13)],
    )


def _execute(t: Trajectory[Leertraject]) -> None:
    _on(t, dt.date(2024, 9, 10))
    t.fire("hold_intake")
    t.fire("write_development_plan", **DEVELOPMENT_PARTS)
    t.fire("start_execution")


def _moments(t: Trajectory[Leertraject]) -> None:
    _on(t, dt.date(2025, 2, 1))
    t.fire("hold_study_moment", date=dt.date(2024, 10, 9), form="own_school")
    t.fire("hold_study_moment", date=dt.date(2025, 1, 22), form="joint_session")
    t.fire("hold_guidance_moment", date=dt.date(2024, 11, 13))
    for name, _, hours in TEAM:
        t.fire("log_hours", participant=name, date=dt.date(2025, 1, 31), hours=min(hours, 24))
    t.fire(
        "record_knowledge_sharing",
        date=dt.date(2025, 1, 29),
        form="school_visit",
        with_whom="CBS De Regenboog",
    )


#: How to reach each state from the one before it on the main path.
_PATH: Final[dict[str, Callable[[Trajectory[Leertraject]], None]]] = {
    "orientation_held": _orientation,
    "application_in_preparation": _prepare_application,
    "application_submitted": lambda t: t.fire("submit_application"),
    "granted": lambda t: t.fire("grant"),
    "preparing": _prepare,
    "intake": lambda t: (_on(t, dt.date(2024, 9, 10)), t.fire("hold_intake")),
    "in_progress": lambda t: (
        t.fire("write_development_plan", **DEVELOPMENT_PARTS),
        t.fire("start_execution"),
    ),
    "closing": lambda t: (_moments(t), t.fire("hold_closing_talk")),
    "completed": lambda t: t.fire("deliver_implementation_plan", plan="Secured next year."),
    "settled": lambda t: (_on(t, dt.date(2025, 9, 1)), t.fire("settle")),
}

#: The states off the main path, with the state before them and the step to take.
_SIDE: Final[dict[str, tuple[str, Callable[[Trajectory[Leertraject]], None]]]] = {
    "not_pursued": ("orientation_held", lambda t: t.fire("decline", reason="Not now.")),
    "application_incomplete": (
        "application_submitted",
        lambda t: t.fire("request_completion"),
    ),
    "not_considered": (
        "application_incomplete",
        lambda t: (
            _on(t, (t.data.completion_deadline or dt.date.min) + dt.timedelta(days=1)),
            t.fire("not_consider"),
        ),
    ),
    "rejected": ("application_submitted", lambda t: t.fire("reject", reason="budget.exhausted")),
    "withdrawn": ("orientation_requested", lambda t: t.fire("withdraw", reason="No time.")),
    "stopped": ("in_progress", lambda t: t.fire("withdraw", reason="Staff left.")),
}


def at_state(
    state: str, clock: ManualClock | None = None, **creation: Any
) -> Trajectory[Leertraject]:
    """A trajectory that reached ``state`` along a valid path (created with ``creation``
    as overrides of :func:`new`, such as ``rules=``)."""
    if state in _SIDE:
        before, step = _SIDE[state]
        t = at_state(before, clock, **creation)
        step(t)
        assert t.state == state, (t.state, state)
        return t
    t = new(clock, **creation)
    for reached, step in _PATH.items():
        if t.state == state:
            break
        step(t)
        assert t.state == reached, (t.state, reached)
    assert t.state == state, (t.state, state)
    return t
