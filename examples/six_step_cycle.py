"""Kwaliteit verbeteren in 6 stappen: a cyclic lifecycle written as a data file.

The definition is ``six_step_cycle.toml`` beside this file; this script registers the
code it names (payload classes, guards, effects, the creation and one limit) and
walks a school through two rounds of the cycle: the refused steps, what is due on
the way, and the round it is in. Run with ``python examples/six_step_cycle.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
from _walkthrough import step  # beside this file: fire an event, print the step

from trajectory import (
    Context,
    ManualClock,
    Registry,
    Trajectory,
    Violation,
    load_lifecycle,
)

DEFINITION = Path(__file__).with_suffix(".toml")
REGISTRY = Registry()

FINDINGS_MISSING = REGISTRY.violations.define(
    "situation.findings_missing",
    nl="Beschrijf wat de analyse van opbrengsten en processen laat zien.",
    en="Describe what the analysis of outcomes and processes shows.",
)
PARTIES_MISSING = REGISTRY.violations.define(
    "acknowledgement.parties_missing",
    nl="Noem wie de situatie erkent (bestuur, directie, team …).",
    en="Name who acknowledges the situation (board, management, team …).",
)
GOALS_MISSING = REGISTRY.violations.define(
    "plan.goals_missing",
    nl="Het verbeterplan heeft nog geen {missing}.",
    en="The improvement plan has no {missing} yet.",
)
NO_RESPONSIBLE = REGISTRY.violations.define(
    "activity.no_responsible",
    nl="Spreek eerst af wie verantwoordelijk is voor '{activity}'.",
    en="First agree who is responsible for '{activity}'.",
)
NOT_PLANNED = REGISTRY.violations.define(
    "activity.not_planned",
    nl="'{activity}' staat niet in de jaarkalender.",
    en="'{activity}' is not in the annual calendar.",
)


# -- the data and the payloads ------------------------------------------------------------


@REGISTRY.payload()
@attrs.frozen
class Start:
    """The creation: which school, and how many rounds it plans."""

    school: str
    rounds_allowed: int = 2


@attrs.frozen
class Improvement:
    """One school's improvement cycle; the plan and the activities of the current round."""

    school: str
    rounds_allowed: int
    findings: str = ""
    goals: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    responsible: tuple[tuple[str, str], ...] = ()
    calendar: tuple[tuple[str, dt.date], ...] = ()
    carried_out: tuple[str, ...] = ()


@REGISTRY.payload()
@attrs.frozen
class MapSituation:
    findings: str


@REGISTRY.payload()
@attrs.frozen
class Acknowledge:
    parties: tuple[str, ...]


@REGISTRY.payload()
@attrs.frozen
class SetGoals:
    goals: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()


@REGISTRY.payload()
@attrs.frozen
class AgreeResponsibility:
    activity: str
    responsible: str


@REGISTRY.payload()
@attrs.frozen
class PlanActivity:
    activity: str
    date: dt.date


@REGISTRY.payload()
@attrs.frozen
class CarryOut:
    activity: str


@REGISTRY.payload()
@attrs.frozen
class Review:
    results: str


REGISTRY.register_data_type(Improvement)
REGISTRY.register_creation(
    "start", lambda payload, context: Improvement(payload.school, payload.rounds_allowed)
)
REGISTRY.register_limit("rounds_allowed", lambda data: data.rounds_allowed)


# -- guards and effects ----------------------------------------------------------------------


@REGISTRY.guard()
def findings_given(data: Improvement, payload: MapSituation, context: Context) -> list[Violation]:
    return [] if payload.findings.strip() else [FINDINGS_MISSING()]


@REGISTRY.guard()
def parties_named(data: Improvement, payload: Acknowledge, context: Context) -> list[Violation]:
    return [] if payload.parties else [PARTIES_MISSING()]


@REGISTRY.guard()
def goals_and_measures(data: Improvement, payload: SetGoals, context: Context) -> list[Violation]:
    missing = [name for name in ("goals", "measures") if not getattr(payload, name)]
    return [GOALS_MISSING(missing=name) for name in missing]


@REGISTRY.guard()
def has_responsible(data: Improvement, payload: PlanActivity, context: Context) -> list[Violation]:
    if any(activity == payload.activity for activity, _ in data.responsible):
        return []
    return [NO_RESPONSIBLE(activity=payload.activity)]


@REGISTRY.guard()
def is_planned(data: Improvement, payload: CarryOut, context: Context) -> list[Violation]:
    if any(activity == payload.activity for activity, _ in data.calendar):
        return []
    return [NOT_PLANNED(activity=payload.activity)]


@REGISTRY.effect()
def new_round(data: Improvement, payload: MapSituation, context: Context) -> Improvement:
    """Every round starts with new findings and an empty plan."""
    return Improvement(data.school, data.rounds_allowed, findings=payload.findings)


@REGISTRY.effect()
def set_goals(data: Improvement, payload: SetGoals, context: Context) -> Improvement:
    return attrs.evolve(data, goals=payload.goals, measures=payload.measures)


@REGISTRY.effect()
def agree_responsibility(
    data: Improvement, payload: AgreeResponsibility, context: Context
) -> Improvement:
    entry = (payload.activity, payload.responsible)
    return attrs.evolve(data, responsible=(*data.responsible, entry))


@REGISTRY.effect()
def plan_activity(data: Improvement, payload: PlanActivity, context: Context) -> Improvement:
    return attrs.evolve(data, calendar=(*data.calendar, (payload.activity, payload.date)))


@REGISTRY.effect()
def carry_out(data: Improvement, payload: CarryOut, context: Context) -> Improvement:
    return attrs.evolve(data, carried_out=(*data.carried_out, payload.activity))


SIX_STEPS = load_lifecycle(DEFINITION, REGISTRY)


# -- walking the cycle ------------------------------------------------------------------------


def round_of(t: Trajectory[Any], clock: ManualClock, findings: str) -> None:
    step(t, "map_situation", findings=findings)
    print(f"round {SIX_STEPS.iteration(t, 'improvement')} of {t.data.school}")
    step(t, "acknowledge", parties=("directie", "team", "medezeggenschapsraad"))
    step(t, "set_goals", goals=("reading level 1F for 85% of pupils",))
    step(
        t,
        "set_goals",
        goals=("reading level 1F for 85% of pupils",),
        measures=("daily reading time",),
    )
    step(t, "start_work")
    today = clock().date()
    reading, evening = today + dt.timedelta(days=14), today + dt.timedelta(days=60)
    step(t, "plan_activity", activity="reading time", date=reading)
    step(t, "agree_responsibility", activity="reading time", responsible="team leader")
    step(t, "agree_responsibility", activity="parent evening", responsible="directie")
    step(t, "plan_activity", activity="reading time", date=reading)
    step(t, "plan_activity", activity="parent evening", date=evening)
    clock.advance(days=30)
    for due in SIX_STEPS.due(t, clock()):
        state = "overdue" if due.overdue else "due"
        print(f"  {state}: {due.event} ({due.kind}) at {due.at.date().isoformat()}")
    step(t, "carry_out_activity", activity="reading time")
    step(t, "discuss_plan")
    step(t, "review_progress", results="Reading levels rose in groups 4 and 5.")
    step(t, "carry_out_activity", activity="parent evening")
    step(t, "review_progress", results="Reading levels rose in groups 4 to 6.")
    step(t, "secure_quality")
    clock.advance(days=120)


def main() -> None:
    print(f"{SIX_STEPS.name}: {len(SIX_STEPS.states)} states, {len(SIX_STEPS.events)} events")
    clock = ManualClock(dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC))
    t = SIX_STEPS.create(Start("CSG De Waard", rounds_allowed=2), clock=clock)
    round_of(t, clock, "Reading outcomes below the norm in groups 4 to 6.")
    round_of(t, clock, "Reading is on level; writing lags behind.")
    step(t, "map_situation", findings="A third round.")
    step(t, "end")
    print(f"{t.data.school}: {t.state} after {SIX_STEPS.iteration(t, 'improvement')} rounds")


if __name__ == "__main__":
    main()
