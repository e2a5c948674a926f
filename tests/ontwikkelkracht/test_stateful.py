"""Random event sequences over the leertraject, checked against invariants and an oracle.

A Hypothesis rule-based state machine fires random events with random (mostly
valid-looking, sometimes junk) payloads while a ManualClock moves forward. After
every step: one current state, a history that only grows, replay equals the live
trajectory; and no trajectory ever enters ``application_submitted`` while a
subsidy condition, judged by an oracle written here independently of the
library's guards, did not hold.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs
import hypothesis
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import trajectory
from trajectory import ManualClock, PreconditionFailed, School, Trajectory, TrajectoryError
from trajectory.ontwikkelkracht import LIFECYCLE, Leertraject
from trajectory.ontwikkelkracht.guards import NETHERLANDS

START: Final = dt.datetime(2024, 4, 20, 10, 0, tzinfo=NETHERLANDS)
SUMMER: Final = dt.timezone(dt.timedelta(hours=2))
WINTER: Final = dt.timezone(dt.timedelta(hours=1))

# -- the oracle: the subsidy conditions of 2024-2025, written down independently ----------

#: The application windows of 2024-2025 (both ends included), from the regulation.
WINDOWS_2024_2025: Final = (
    (dt.datetime(2024, 4, 25, 0, 0, tzinfo=SUMMER), dt.datetime(2024, 6, 28, 16, 0, tzinfo=SUMMER)),
    (
        dt.datetime(2024, 10, 1, 9, 0, tzinfo=SUMMER),
        dt.datetime(2024, 11, 29, 16, 0, tzinfo=WINTER),
    ),
)
ACTIVITY_PLAN_PARTS: Final = ("report", "willing_and_able", "leadership_commitment", "team_support")


def submit_conditions_failing(data: Leertraject, now: dt.datetime) -> list[str]:
    """The subsidy conditions of 2024-2025 that ``data`` does not meet at ``now``."""
    failing = []
    if len(data.participants) < 5:
        failing.append("participants")
    if not any(str(p.role) == "school_leader" for p in data.participants):
        failing.append("school_leader")
    if sum((Decimal(p.planned_hours) for p in data.participants), Decimal(0)) < 800:
        failing.append("hours")
    plan = data.activity_plan
    if any(not (getattr(plan, part) or "").strip() for part in ACTIVITY_PLAN_PARTS):
        failing.append("activity_plan")
    if not any(str(talk.kind) == "exploratory_talk" for talk in data.talks):
        failing.append("exploratory_talk")
    if not any(opens <= now <= closes for opens, closes in WINDOWS_2024_2025):
        failing.append("window")
    if str(data.school.sector) not in {"po", "vo"}:
        failing.append("sector")
    return failing


#: The violation code the library reports for each condition of the oracle.
CODES: Final = {
    "participants": "participants.minimum",
    "school_leader": "participants.school_leader",
    "hours": "hours.minimum",
    "activity_plan": "activity_plan.missing_part",
    "exploratory_talk": "talks.required_missing",
    "window": "window.closed",
    "sector": "sector.ineligible",
}
#: The events that enter application_submitted, and the state they leave.
SUBMITTING: Final = {
    "submit_application": "application_in_preparation",
    "complete_application": "application_incomplete",
}


# -- payloads ------------------------------------------------------------------------------

NAMES: Final = ("Anna", "Bram", "Chloé", "Daan", "Eva", "Fenna", "Gijs")
ROLES: Final = (
    "school_leader",
    "school_leader",
    "teacher",
    "teacher",
    "support_staff",
    "intern_coach",
    "other",
)
TEXTS: Final = ("Written.", "It fits the team.", "", "   ")
DEVELOPMENT_PARTS: Final = ("guidance", "needs", "core_team", "hours_deployment")
PAYLOAD_FIELDS: Final = sorted(
    {field.name for event in LIFECYCLE.events.values() for field in attrs.fields(event.payload)}
)
#: Events that end or undo progress; the progress rule leaves them to the random rule.
SETBACKS: Final = frozenset({"withdraw", "decline", "reject", "remove_participant"})

MAIN_PATH: Final = (
    "orientation_requested",
    "orientation_held",
    "application_in_preparation",
    "application_submitted",
    "granted",
    "preparing",
    "intake",
    "in_progress",
    "closing",
    "completed",
    "settled",
)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.lists(st.sampled_from(NAMES), max_size=3),
)
long_ago = st.dates(dt.date(2024, 4, 1), dt.date(2025, 7, 31))
some_text = st.one_of(st.sampled_from(TEXTS), st.text(max_size=8))


def parts(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, str]]:
    """Some parts of a plan with a text each; most often all of them, well written."""
    written = st.fixed_dictionaries({name: st.sampled_from(TEXTS[:2]) for name in names})
    some = st.dictionaries(st.sampled_from(names), some_text, min_size=1)
    return st.one_of(written, written, some)


class LeertrajectMachine(RuleBasedStateMachine):
    """Fires random events at one leertraject and checks it after every step."""

    #: In how many runs each state was reached (see test_the_random_runs_reach_deep_states).
    reach: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.t: Trajectory[Leertraject] | None = None
        self.seen: tuple[Any, ...] = ()
        self.visited: set[str] = set()
        self.neglect: str | None = None

    # -- setting up ---------------------------------------------------------------

    @initialize(
        sector=st.sampled_from(("po", "po", "po", "po", "vo", "vo", "so", "vso")),
        neglect=st.sampled_from((*[None] * 6, "talk", "leader", "plan", "people", "hours")),
    )
    def start(self, sector: str, neglect: str | None) -> None:
        """A new leertraject; ``neglect`` is the condition the school will not see to."""
        self.neglect = neglect
        school = School(name="OBS De Linde", sector=sector, board="Stichting", brin="12AB00")
        self.t = trajectory.new_trajectory(
            school=school, offer="leven-lang-lezen", school_year="2024-2025", clock=self.clock
        )
        self.seen = self.t.history
        self.visited = {self.t.state}

    @property
    def trajectory(self) -> Trajectory[Leertraject]:
        assert self.t is not None
        return self.t

    # -- payloads that look valid -------------------------------------------------

    def today(self) -> dt.date:
        return self.clock().astimezone(NETHERLANDS).date()

    def day(self, data: st.DataObject) -> dt.date:
        """A date: mostly recent (up to a month ago), sometimes any day of the period."""
        recent = st.integers(0, 30).map(lambda days: self.today() - dt.timedelta(days=days))
        return data.draw(st.one_of(recent, recent, long_ago))

    def payload(self, event: str, data: st.DataObject) -> dict[str, Any]:
        """A payload for ``event`` that looks valid (its content may still fail a guard)."""
        d = data.draw
        participants = [p.name for p in self.trajectory.data.participants]
        people = st.sampled_from(participants) if participants else st.sampled_from(NAMES)
        if event == "hold_orientation":
            return {
                "date": self.day(data),
                "learning_question": d(some_text),
                "conclusion": d(st.sampled_from(("positive", "positive", "negative"))),
                "report": d(st.sampled_from(TEXTS)),
            }
        if event in {"decline", "reject", "withdraw"}:
            return {"reason": d(st.sampled_from(("Not now.", "budget.exhausted", "", " ")))}
        if event == "request_completion":
            deadline = st.integers(-3, 20).map(lambda n: self.today() + dt.timedelta(days=n))
            return d(st.one_of(st.just({}), st.fixed_dictionaries({"deadline": deadline})))
        if event == "grant":
            amount = st.sampled_from((Decimal("21200.00"), 21200, 15000, "20000.50"))
            reason = st.one_of(st.none(), st.sampled_from(TEXTS))
            override = st.fixed_dictionaries({"amount": amount, "override_reason": reason})
            return d(st.one_of(st.just({}), st.just({}), override))
        if event in {"hold_study_moment", "hold_guidance_moment"}:
            fields: dict[str, Any] = {"date": self.day(data)}
            if event == "hold_study_moment":
                forms = ("own_school", "expert_school_visit", "joint_session")
                fields["form"] = d(st.sampled_from(forms))
            return fields
        if event == "hold_closing_talk":
            return d(st.one_of(st.just({}), st.fixed_dictionaries({"evaluation": some_text})))
        if event == "deliver_implementation_plan":
            return {"plan": d(st.sampled_from(TEXTS))}
        if event == "record_talk":
            kinds = (
                "exploratory_talk",
                "exploratory_talk",
                "information_talk",
                "information_meeting",
            )
            return {"kind": d(st.sampled_from(kinds)), "date": self.day(data)}
        if event == "add_participant":
            hours = st.one_of(st.integers(0, 400), st.decimals(0, 400, places=1))
            return {
                "name": d(st.sampled_from(NAMES)),
                "role": d(st.sampled_from(ROLES)),
                "planned_hours": d(hours),
            }
        if event == "remove_participant":
            return {"name": d(st.one_of(people, st.sampled_from(NAMES)))}
        if event == "write_activity_plan":
            return d(parts(ACTIVITY_PLAN_PARTS))
        if event == "write_development_plan":
            return d(parts(DEVELOPMENT_PARTS))
        if event == "form_core_group":
            members = st.lists(st.one_of(people, people, st.sampled_from(NAMES)), unique=True)
            return {"members": d(members.filter(bool) | st.just(participants[:2]))}
        if event == "plan_calendar":
            in_year = st.dates(dt.date(2024, 8, 1), dt.date(2025, 7, 31))
            any_day = st.one_of(in_year, in_year, in_year, long_ago)
            return {
                "intake": d(any_day),
                "study_moments": d(st.lists(any_day, min_size=1, max_size=4)),
                "guidance_moments": d(st.lists(any_day, max_size=2)),
            }
        if event == "log_hours":
            return {
                "participant": d(people),
                "date": self.day(data),
                "hours": d(st.one_of(st.integers(1, 24), st.decimals("0.5", 24, places=1))),
            }
        return {}  # events without fields

    # -- firing -------------------------------------------------------------------

    def fire(self, event: str, payload: dict[str, Any], actor: Any = None) -> None:
        """Fire ``event``. A refused event must change nothing. Entering
        application_submitted must be accepted exactly when the oracle finds every
        condition met, and refused with exactly the conditions the oracle finds unmet."""
        t = self.trajectory
        before = (t.state, t.data, t.history)
        failing = submit_conditions_failing(t.data, self.clock())
        submitting = SUBMITTING.get(event) == t.state and not payload and actor is None
        refusal: TrajectoryError | None = None
        try:
            t.fire(event, actor=actor, **payload)
        except TrajectoryError as error:
            refusal = error
        if refusal is not None:
            assert before == (t.state, t.data, t.history), f"{event} refused but changed"
            if submitting:
                assert isinstance(refusal, PreconditionFailed), repr(refusal)
                found = {v.code for v in refusal.violations} - {"completion.deadline_passed"}
                assert {CODES[condition] for condition in failing} == found
            return
        if t.state == "application_submitted" and before[0] != "application_submitted":
            assert [] == failing, f"{event} entered application_submitted despite {failing}"
        hypothesis.event(f"accepted {event}")
        if t.state not in self.visited:
            self.visited.add(t.state)
            type(self).reach[t.state] += 1

    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """Fire an event that leaves the current state, with a valid-looking payload."""
        choices = [e for e in self.trajectory.allowed_events() if e not in SETBACKS]
        if not choices:
            return
        event = data.draw(st.sampled_from(choices), label="event")
        self.fire(event, self.payload(event, data))

    @rule(data=st.data())
    def next_step(self, data: st.DataObject) -> None:
        """Take the next step along the main path, with drawn (mostly valid) figures."""
        event, payload = self.next_event(data)
        self.fire(event, payload)

    @rule(data=st.data())
    def next_step_again(self, data: st.DataObject) -> None:
        """The same as next_step: more weight for moving forward."""
        self.next_step(data)

    @rule(data=st.data())
    def next_step_once_more(self, data: st.DataObject) -> None:
        """The same as next_step: more weight for moving forward."""
        self.next_step(data)

    def next_event(self, data: st.DataObject) -> tuple[str, dict[str, Any]]:
        """The event that moves the trajectory on from where it is, and its payload."""
        t, d = self.trajectory, data.draw
        facts = t.data
        names = [p.name for p in facts.participants]
        leaders = [p.name for p in facts.participants if str(p.role) == "school_leader"]
        talked = any(str(talk.kind) == "exploratory_talk" for talk in facts.talks)
        state = t.state
        if state == "orientation_requested":
            if not talked and self.neglect != "talk" and d(st.booleans(), label="talk first"):
                return "record_talk", {"kind": "exploratory_talk", "date": self.day(data)}
            return "hold_orientation", {
                "date": self.day(data),
                "learning_question": "How do we raise reading motivation?",
                "conclusion": d(st.sampled_from(("positive",) * 5 + ("negative",))),
                "report": d(st.sampled_from(("It fits.",) * 5 + ("",))),
            }
        if state == "application_in_preparation":
            # Prepare in a random order, and sometimes submit before everything is ready:
            # the submit guards must then refuse what the oracle says is missing.
            planned = sum((p.planned_hours for p in facts.participants), Decimal(0))
            unused = [n for n in NAMES if n not in names]
            todo = []
            if not talked and self.neglect != "talk":
                todo.append("talk")
            if unused and (len(names) < (4 if self.neglect == "people" else 5) or planned < 800):
                todo.append("participant")
            if unused and not leaders and self.neglect != "leader":
                todo.append("leader")
            if len(facts.activity_plan.missing_parts) > (self.neglect == "plan"):
                todo.append("plan")
            task = d(st.sampled_from([*todo, "submit"]), label="task")
            if task == "talk":
                return "record_talk", {"kind": "exploratory_talk", "date": self.day(data)}
            if task in {"participant", "leader"}:
                role = "school_leader" if task == "leader" else d(st.sampled_from(ROLES[2:]))
                most = 100 if self.neglect == "hours" else 400
                hours = d(st.integers(most // 4, most), label="planned_hours")
                return "add_participant", {"name": unused[0], "role": role, "planned_hours": hours}
            if task == "plan" and self.neglect == "plan":
                left_out = d(st.sampled_from(ACTIVITY_PLAN_PARTS), label="left out")
                return "write_activity_plan", {
                    p: "Written." for p in ACTIVITY_PLAN_PARTS if p != left_out
                }
            if task == "plan":
                return "write_activity_plan", d(parts(ACTIVITY_PLAN_PARTS))
            self.wait_for_a_window(data)
            return "submit_application", {}
        if state == "application_submitted":
            return d(st.sampled_from(("grant", "grant", "grant", "request_completion"))), {}
        if state == "preparing":
            blocked = {v.code.split(".")[0] for v in t.check("hold_intake")}
            if "core_group" in blocked and leaders:
                others = [n for n in names if n != leaders[0]]
                return "form_core_group", {"members": [leaders[0], *others[:1]]}
            if "calendar" in blocked:
                in_year = st.dates(dt.date(2024, 8, 1), dt.date(2025, 7, 31))
                return "plan_calendar", {
                    "intake": d(in_year),
                    "study_moments": d(st.lists(in_year, min_size=2, max_size=3)),
                    "guidance_moments": d(st.lists(in_year, min_size=1, max_size=2)),
                }
            return "hold_intake", {}
        if state == "intake" and facts.development_plan.missing_parts:
            return "write_development_plan", d(parts(DEVELOPMENT_PARTS))
        if state in {"in_progress", "closing"} and not facts.hours and names:
            return "log_hours", self.payload("log_hours", data)
        if state == "in_progress":
            if len(facts.study_moments) < 2:
                return "hold_study_moment", self.payload("hold_study_moment", data)
            if not facts.guidance_moments:
                return "hold_guidance_moment", self.payload("hold_guidance_moment", data)
        forward = {
            "orientation_held": "register",
            "application_incomplete": "complete_application",
            "granted": "start_preparation",
            "intake": "start_execution",
            "in_progress": "hold_closing_talk",
            "closing": "deliver_implementation_plan",
            "completed": "settle",
            "stopped": "settle",
        }
        event = forward.get(state, "settle")
        return event, self.payload(event, data)

    def wait_for_a_window(self, data: st.DataObject) -> None:
        """Before a window opens, the school waits until it does (give or take a day)."""
        now = self.clock()
        upcoming = [opens for opens, _ in WINDOWS_2024_2025 if now < opens]
        if upcoming and not any(a <= now <= b for a, b in WINDOWS_2024_2025):
            wait = upcoming[0] - now + dt.timedelta(minutes=data.draw(st.integers(-60, 24 * 60)))
            self.clock.advance(minutes=max(wait.total_seconds() // 60, 0))

    @rule(
        data=st.data(),
        event=st.sampled_from([*LIFECYCLE.events, "fly", ""]),
        actor=st.sampled_from([None, None, "programme office", "", "  "]),
    )
    def anything(self, data: st.DataObject, event: str, actor: str | None) -> None:
        """Fire any event, allowed or not, with a valid-looking or a junk payload."""
        if event in LIFECYCLE.events and data.draw(st.booleans(), label="valid-looking"):
            payload = self.payload(event, data)
        else:
            payload = data.draw(st.dictionaries(st.sampled_from(PAYLOAD_FIELDS), junk, max_size=4))
        self.fire(event, payload, actor)

    @rule(
        minutes=st.one_of(
            st.integers(0, 6 * 60),
            st.integers(0, 3 * 24 * 60),
            st.integers(0, 10 * 24 * 60),
            st.integers(0, 120 * 24 * 60).filter(lambda m: m % 3 == 0),  # a rare big jump
        )
    )
    def advance_clock(self, minutes: int) -> None:
        """Time passes: minutes to weeks."""
        self.clock.advance(minutes=minutes)

    # -- invariants ---------------------------------------------------------------

    @invariant()
    def one_known_current_state(self) -> None:
        """Exactly one current state, a state of the lifecycle, where the last event led."""
        t = self.trajectory
        assert isinstance(t.state, str)
        assert t.state in LIFECYCLE.states
        assert t.state == t.history[-1].to_state

    @invariant()
    def history_only_grows(self) -> None:
        """The history never shrinks and its earlier events never change."""
        history = self.trajectory.history
        assert len(history) >= len(self.seen)
        assert self.seen == history[: len(self.seen)]
        assert list(range(1, len(history) + 1)) == [e.sequence for e in history]
        self.seen = history

    @invariant()
    def replay_equals_live(self) -> None:
        """Replaying the history rebuilds the same trajectory."""
        assert trajectory.replay(self.trajectory.history) == self.trajectory

    def teardown(self) -> None:
        if self.t is None:
            return
        depth = max(MAIN_PATH.index(s) for s in self.visited if s in MAIN_PATH)
        hypothesis.event(f"deepest: {MAIN_PATH[depth]}")  # see --hypothesis-show-statistics


LeertrajectMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=50, deadline=None
)
TestLeertraject = LeertrajectMachine.TestCase


def test_the_random_runs_reach_deep_states() -> None:
    """The machine gets past the application: in a fixed (derandomized) set of runs,
    trajectories are submitted, granted and carried out, so the invariants and the
    oracle are exercised beyond the first states."""
    LeertrajectMachine.reach.clear()

    run_state_machine_as_test(
        LeertrajectMachine,
        settings=settings(
            max_examples=60, stateful_step_count=50, deadline=None, derandomize=True, database=None
        ),
    )

    reached = set(LeertrajectMachine.reach)
    assert {"application_submitted", "granted", "preparing", "in_progress"} <= reached
