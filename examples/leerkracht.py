"""Stichting leerKRACHT: a team's improvement cycles as a lifecycle written as data.

The definition is ``leerkracht.toml`` beside this file; this script registers the code
it names (payload classes, guards, effects and the creation) and walks one team of a
school through the preparation, the school-wide start and two periods of its cycle
(goals, actions, a lesson designed in pairs, the lesson observed, student feedback,
joint reflection) with its weekly board and work sessions, until a trained school
coach takes over the guidance from the expert coach. It then asks, for three teams
on one Monday, which weekly board sessions are overdue. Run with
``python examples/leerkracht.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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

THEMES_MISSING = REGISTRY.violations.define(
    "start.themes_missing",
    nl="Kies eerst de verbeterthema's waar het team aan gaat werken.",
    en="First choose the improvement themes the team will work on.",
    description="start_with_team: no improvement theme chosen.",
)
GOALS_MISSING = REGISTRY.violations.define(
    "period.goals_missing",
    nl="Stel de doelen voor deze periode.",
    en="Set the goals for this period.",
    description="set_goals: no goal named.",
)
ACTIONS_MISSING = REGISTRY.violations.define(
    "period.actions_missing",
    nl="Vertaal de doelen in concrete acties.",
    en="Translate the goals into concrete actions.",
    description="plan_actions: no action named.",
)
NOT_A_PAIR = REGISTRY.violations.define(
    "lesson.not_a_pair",
    nl="Een les wordt in tweetallen ontworpen; nu door {count}: {teachers}.",
    en="A lesson is designed in pairs; this one by {count}: {teachers}.",
    description="design_lesson: not exactly two different teachers.",
)
NOT_OF_THE_PAIR = REGISTRY.violations.define(
    "lesson.not_of_the_pair",
    nl="{teacher} heeft deze les niet ontworpen; dat deden {pair}.",
    en="{teacher} did not design this lesson; {pair} did.",
    description="observe_lesson: the lesson is given by a teacher of the pair.",
)
OBSERVER_IS_TEACHER = REGISTRY.violations.define(
    "lesson.observer_is_teacher",
    nl="Een collega observeert de les, niet {teacher} zelf.",
    en="A colleague observes the lesson, not {teacher} who gives it.",
    description="observe_lesson: the observer is the teacher giving the lesson.",
)
EFFECT_MISSING = REGISTRY.violations.define(
    "lesson.effect_missing",
    nl="Beschrijf wat het effect van de les op de leerlingen was.",
    en="Describe the effect the lesson had on the students.",
    description="observe_lesson: the observation does not say what the effect was.",
)
FEEDBACK_MISSING = REGISTRY.violations.define(
    "feedback.missing",
    nl="Vraag de leerlingen om feedback op de les.",
    en="Ask the students for feedback on the lesson.",
    description="collect_student_feedback: no feedback.",
)
CONCLUSIONS_MISSING = REGISTRY.violations.define(
    "reflection.conclusions_missing",
    nl="Leg vast wat het team uit de reflectie haalt.",
    en="Record what the team takes from its reflection.",
    description="reflect: no conclusions.",
)
NO_BOARD_SESSION = REGISTRY.violations.define(
    "work_session.no_board_session",
    nl="Een werksessie volgt op een bordsessie; er is geen bordsessie sinds de vorige werksessie.",
    en="A work session follows a board session; none was held since the last work session.",
    description="work_session: not right after a board session.",
)
COACH_NOT_TRAINED = REGISTRY.violations.define(
    "hand_over.coach_not_trained",
    nl="{coach} is (nog) niet opgeleid tot interne schoolcoach.",
    en="{coach} has not been trained as an internal school coach (yet).",
    description="hand_over: the guidance goes to a trained internal school coach.",
)


# -- the data and the payloads ------------------------------------------------------------


@REGISTRY.payload()
@attrs.frozen
class FormTeam:
    """The creation: the team, its school, its expert coach and the chosen themes."""

    school: str
    team: str
    expert_coach: str
    themes: tuple[str, ...] = ()


@attrs.frozen
class Team:
    """One team in leerKRACHT: who guides it, and the current period's work."""

    school: str
    team: str
    expert_coach: str
    guided_by: str
    themes: tuple[str, ...] = ()
    school_coaches: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    pair: tuple[str, ...] = ()


@REGISTRY.payload()
@attrs.frozen
class ChooseThemes:
    themes: tuple[str, ...]


@REGISTRY.payload()
@attrs.frozen
class TrainSchoolCoach:
    coach: str


@REGISTRY.payload()
@attrs.frozen
class SetGoals:
    goals: tuple[str, ...]


@REGISTRY.payload()
@attrs.frozen
class PlanActions:
    actions: tuple[str, ...]


@REGISTRY.payload()
@attrs.frozen
class DesignLesson:
    teachers: tuple[str, ...]
    research: str = ""  # what educational research offers, looked at together


@REGISTRY.payload()
@attrs.frozen
class ObserveLesson:
    teacher: str
    observer: str
    effect_on_students: str


@REGISTRY.payload()
@attrs.frozen
class StudentFeedback:
    feedback: str


@REGISTRY.payload()
@attrs.frozen
class Reflect:
    conclusions: str


@REGISTRY.payload()
@attrs.frozen
class BoardSession:
    progress: str


@REGISTRY.payload()
@attrs.frozen
class HandOver:
    coach: str


REGISTRY.register_data_type(Team)
REGISTRY.register_creation(
    "form_team",
    lambda payload, context: Team(
        payload.school,
        payload.team,
        payload.expert_coach,
        guided_by=payload.expert_coach,
        themes=payload.themes,
    ),
)


def _named(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value for value in values if value.strip())


# -- guards ------------------------------------------------------------------------------------


@REGISTRY.guard()
def themes_chosen(data: Team, payload: object, context: Context) -> list[Violation]:
    return [] if data.themes else [THEMES_MISSING()]


@REGISTRY.guard()
def goals_named(data: Team, payload: SetGoals, context: Context) -> list[Violation]:
    return [] if _named(payload.goals) else [GOALS_MISSING()]


@REGISTRY.guard()
def actions_named(data: Team, payload: PlanActions, context: Context) -> list[Violation]:
    return [] if _named(payload.actions) else [ACTIONS_MISSING()]


@REGISTRY.guard()
def designed_in_pairs(data: Team, payload: DesignLesson, context: Context) -> list[Violation]:
    teachers = sorted(set(_named(payload.teachers)))
    if len(teachers) == 2:
        return []
    return [NOT_A_PAIR(count=len(teachers), teachers=teachers)]


@REGISTRY.guard()
def given_by_the_pair(data: Team, payload: ObserveLesson, context: Context) -> list[Violation]:
    if payload.teacher in data.pair:
        return []
    return [NOT_OF_THE_PAIR(teacher=payload.teacher, pair=list(data.pair))]


@REGISTRY.guard()
def observed_by_a_colleague(
    data: Team, payload: ObserveLesson, context: Context
) -> list[Violation]:
    if payload.observer.strip() and payload.observer != payload.teacher:
        return []
    return [OBSERVER_IS_TEACHER(teacher=payload.teacher)]


@REGISTRY.guard()
def effect_on_students_described(
    data: Team, payload: ObserveLesson, context: Context
) -> list[Violation]:
    return [] if payload.effect_on_students.strip() else [EFFECT_MISSING()]


@REGISTRY.guard()
def feedback_given(data: Team, payload: StudentFeedback, context: Context) -> list[Violation]:
    return [] if payload.feedback.strip() else [FEEDBACK_MISSING()]


@REGISTRY.guard()
def conclusions_drawn(data: Team, payload: Reflect, context: Context) -> list[Violation]:
    return [] if payload.conclusions.strip() else [CONCLUSIONS_MISSING()]


@REGISTRY.guard()
def follows_a_board_session(data: Team, payload: object, context: Context) -> list[Violation]:
    """The latest of the board and work sessions in the history is a board session."""
    for past in reversed(context.history):
        if past.name == "board_session":
            return []
        if past.name == "work_session":
            break
    return [NO_BOARD_SESSION()]


@REGISTRY.guard()
def school_coach_trained(data: Team, payload: HandOver, context: Context) -> list[Violation]:
    return [] if payload.coach in data.school_coaches else [COACH_NOT_TRAINED(coach=payload.coach)]


# -- effects -----------------------------------------------------------------------------------


@REGISTRY.effect()
def choose_themes(data: Team, payload: ChooseThemes, context: Context) -> Team:
    return attrs.evolve(data, themes=_named(payload.themes))


@REGISTRY.effect()
def train_school_coach(data: Team, payload: TrainSchoolCoach, context: Context) -> Team:
    if payload.coach in data.school_coaches:
        return data
    return attrs.evolve(data, school_coaches=(*data.school_coaches, payload.coach))


@REGISTRY.effect()
def new_period(data: Team, payload: SetGoals, context: Context) -> Team:
    """Every period starts with new goals, and no actions or lesson yet."""
    return attrs.evolve(data, goals=_named(payload.goals), actions=(), pair=())


@REGISTRY.effect()
def plan_actions(data: Team, payload: PlanActions, context: Context) -> Team:
    return attrs.evolve(data, actions=_named(payload.actions))


@REGISTRY.effect()
def design_lesson(data: Team, payload: DesignLesson, context: Context) -> Team:
    return attrs.evolve(data, pair=tuple(sorted(set(_named(payload.teachers)))))


@REGISTRY.effect()
def hand_over(data: Team, payload: HandOver, context: Context) -> Team:
    return attrs.evolve(data, guided_by=payload.coach)


LEERKRACHT = load_lifecycle(DEFINITION, REGISTRY)


# -- walking a team through its cycles --------------------------------------------------------


def week(t: Trajectory[Team], clock: ManualClock, progress: str) -> None:
    """A week later: the board session, and the work session right after it."""
    clock.advance(days=7)
    step(t, "board_session", progress=progress)
    step(t, "work_session")


def period(t: Trajectory[Team], clock: ManualClock, goal: str, *, first: bool) -> None:
    """One period of the cycle; in the first, the steps that are refused on the way."""
    step(t, "set_goals", goals=(goal,))
    number = LEERKRACHT.iteration(t, "period")
    print(f"period {number} of {t.data.team}, guided by {t.data.guided_by}")
    step(t, "plan_actions", actions=("daily check for understanding", "exit tickets"))
    week(t, clock, "actions planned")
    if first:
        step(t, "design_lesson", teachers=("Anouk", "Bram", "Chantal"))
    step(t, "design_lesson", teachers=("Anouk", "Bram"), research="worked examples")
    week(t, clock, "lesson designed")
    if first:
        step(t, "observe_lesson", teacher="Chantal", observer="Chantal", effect_on_students="")
    step(
        t,
        "observe_lesson",
        teacher="Anouk",
        observer="Bram",
        effect_on_students="Most students explained the steps in their own words.",
    )
    step(t, "collect_student_feedback", feedback="The examples helped; more time to practise.")
    week(t, clock, "lesson observed, feedback in")
    step(t, "reflect", conclusions="Keep the worked examples; practise in pairs.")


def walk_one_team() -> None:
    clock = ManualClock(dt.datetime(2024, 8, 26, 15, 0, tzinfo=dt.UTC))
    school = "Daltonschool De Vlieger"
    t: Trajectory[Team] = LEERKRACHT.create(
        FormTeam(school, "team bovenbouw", expert_coach="the expert coach"), clock=clock
    )
    print(f"{t.data.team} of {t.data.school}: {t.state}")
    step(t, "start_with_team")
    step(t, "choose_themes", themes=("reading comprehension", "feedback to students"))
    clock.advance(days=7)
    step(t, "start_with_team")
    period(t, clock, "80% of group 7 summarises a text in three sentences", first=True)
    step(t, "work_session")
    step(t, "hand_over", coach="Dewi")
    step(t, "train_school_coach", coach="Dewi")
    period(t, clock, "Students give each other feedback with success criteria", first=False)
    step(t, "hand_over", coach="Dewi")
    step(t, "hand_over", coach="Dewi")
    completed = sum(1 for event in t.history if event.name == "reflect")
    print(
        f"{t.data.team}: {LEERKRACHT.iteration(t, 'period')} periods, {completed} completed, "
        f"guided by {t.data.guided_by}"
    )


def overdue_board_sessions() -> None:
    """Three teams of one school, and one question on a Monday: which board sessions
    are overdue?"""
    clock = ManualClock(dt.datetime(2024, 9, 2, 8, 30, tzinfo=dt.UTC))
    teams: dict[str, Trajectory[Team]] = {}
    for name in ("team onderbouw", "team middenbouw", "team bovenbouw"):
        t: Trajectory[Team] = LEERKRACHT.create(
            FormTeam("OBS De Regenboog", name, "the expert coach", themes=("rekenen",)),
            clock=clock,
        )
        t.fire("start_with_team")
        t.fire("set_goals", goals=("fluent tables of multiplication",))
        teams[name] = t
    # Weekly sessions: onderbouw every week, middenbouw missed the last two, bovenbouw
    # held none since it set its goals.
    for weeks in range(1, 5):
        clock.advance(days=7)
        teams["team onderbouw"].fire("board_session", progress=f"week {weeks}")
        if weeks <= 2:
            teams["team middenbouw"].fire("board_session", progress=f"week {weeks}")
    clock.advance(hours=1)
    now = clock()
    print(f"\nWhich weekly board sessions are overdue on {now.date().isoformat()}?")
    for name, t in teams.items():
        overdue = [due for due in LEERKRACHT.overdue(t, now) if due.event == "board_session"]
        if overdue:
            (due,) = overdue
            days = (now - due.at).days
            print(f"  {name}: due {due.at.date().isoformat()}, {days} days overdue")
        else:
            (due,) = LEERKRACHT.due(t, now)
            print(f"  {name}: on time, next due {due.at.date().isoformat()}")


def main() -> None:
    print(f"{LEERKRACHT.name}: {len(LEERKRACHT.states)} states, {len(LEERKRACHT.events)} events")
    walk_one_team()
    overdue_board_sessions()


if __name__ == "__main__":
    main()
