"""A Hypothesis state machine for the leertraject, to run as it is or to subclass.

:class:`LeertrajectMachine` owns one leertraject, created with
:func:`~trajectory.new_trajectory` on a :class:`~trajectory.ManualClock` a few days
before the year's first application window; in some runs a
:class:`~trajectory.ontwikkelkracht.walker.Walker` first takes it ahead along valid
events (a head start), so that short runs reach the later phases too. Its rules fire
random events at it —
mostly steps forward along the year with payloads that fit, sometimes any event with
a payload that does not, an unknown event, a junk payload or a bad actor — and move
the clock on by minutes to months. After every step it checks:

- **one current state**: a state of the lifecycle, the one the last event led to;
- **history only grows**: earlier events never change, sequences run 1, 2, 3 …;
- **replay equals live**: :func:`~trajectory.replay` of the history rebuilds an equal
  trajectory;
- **refused events change nothing**: state, data and history are as before;
- **invalid payloads are refused as such**: a payload drawn with
  ``payloads(event, valid=False)`` raises :class:`~trajectory.InvalidData`;
- **no guard or effect fails**: :class:`~trajectory.GuardFailed` or
  :class:`~trajectory.EffectFailed` means a bug in a guard or an effect;
- **no submission with a violated precondition**: ``submit_application`` and
  ``complete_application`` are accepted exactly when an oracle finds every subsidy
  condition met, and refused with exactly the violation codes it finds unmet. The
  oracle (:meth:`LeertrajectMachine.failing_conditions`) reads the figures of the
  year's rules but decides with logic of its own, not with the library's guards.

Run it as a test case::

    from trajectory.testing.stateful import LeertrajectMachine

    TestLeertraject = LeertrajectMachine.TestCase

**Subclass it for your own wrapper.** Override the hooks: :meth:`~LeertrajectMachine.create`
(how the trajectory is made), :meth:`~LeertrajectMachine.send` (how an event reaches
it: your service layer), :meth:`~LeertrajectMachine.after_fire` (what to check after
each event, accepted or refused), :meth:`~LeertrajectMachine.failing_conditions`
(the oracle), and add rules (``@rule``) and invariants (``@invariant``) of your own.
For example, a store that must hold exactly the live trajectory after every
event::

    from hypothesis import settings

    from trajectory import Event, open_store
    from trajectory.testing.stateful import LeertrajectMachine


    class StoredLeertraject(LeertrajectMachine):
        def create(self):
            self.store = open_store("memory://")
            trajectory = super().create()  # new_trajectory(..., clock=self.clock)
            self.store.save(trajectory)
            return trajectory

        def after_fire(self, event, payload, result):
            if isinstance(result, Event):  # accepted: save it
                self.store.save(self.trajectory)
            assert self.store.load(self.trajectory.id) == self.trajectory

        def teardown(self):
            if hasattr(self, "store"):
                self.store.close()
            super().teardown()


    TestStoredLeertraject = StoredLeertraject.TestCase
    TestStoredLeertraject.settings = settings(
        max_examples=50, stateful_step_count=40, deadline=None
    )

Settings belong to each class's own ``TestCase`` (set them as above); a subclass's
``TestCase`` starts from Hypothesis' defaults for state machines. Set ``school_year``
and ``offer`` on a subclass to test another year; the oracle follows its rules.

**Another definition.** Set ``lifecycle`` on a subclass to a lifecycle of the
leertraject's data (a copy of its definition with events of its own): the machine
fires its events with payloads derived from their payload classes
(:func:`~trajectory.testing.strategies.payloads`); :meth:`~LeertrajectMachine.after_fire`
sees each outcome::

    class Extended(LeertrajectMachine):
        lifecycle = load_lifecycle(extended_toml, extended_registry)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Final, TypeAlias
from zoneinfo import ZoneInfo

import attrs

from trajectory.engine.errors import MissingDependency

try:
    import hypothesis
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
except ImportError as err:  # an optional dependency: the testing extra installs it
    raise MissingDependency(
        "hypothesis", extra="testing", needed_for="trajectory.testing.stateful"
    ) from err

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import (
    EffectFailed,
    GuardFailed,
    InvalidData,
    PreconditionFailed,
    TrajectoryError,
)
from trajectory.engine.examples import field_shapes
from trajectory.engine.history import Event, ManualClock
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import lifecycle as _leertraject
from trajectory.ontwikkelkracht.lifecycle import new_trajectory
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules, rules_for
from trajectory.ontwikkelkracht.school import School
from trajectory.ontwikkelkracht.walker import FIRST_NAMES, Walker
from trajectory.testing.strategies import blank_texts, payloads, schools

__all__ = ["MAIN_STATES", "LeertrajectMachine", "Outcome"]

#: What firing an event came to: the recorded event, or the error that refused it.
Outcome: TypeAlias = Event | TrajectoryError

#: The states of the whole year, in order: how far a run got.
MAIN_STATES: Final = (
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

#: The events that enter application_submitted, and the state each leaves.
SUBMITTING: Final = {
    "submit_application": "application_in_preparation",
    "complete_application": "application_incomplete",
}
#: Events that end or undo progress; the progress rule leaves them to ``anything``.
SETBACKS: Final = frozenset({"withdraw", "decline", "reject", "remove_participant"})
#: What the school may neglect in a run, so that submissions are also refused.
NEGLECTS: Final = ("talk", "leader", "plan", "people", "hours")

_AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
_ACTIVITY_PLAN_PARTS: Final = (
    "report",
    "willing_and_able",
    "leadership_commitment",
    "team_support",
)
_DEVELOPMENT_PLAN_PARTS: Final = ("guidance", "needs", "core_team", "hours_deployment")
_OTHER_ROLES: Final = ("teacher", "teacher", "support_staff", "intern_coach", "other")
_JUNK: Final = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.lists(st.sampled_from(FIRST_NAMES[:7]), max_size=3),
)


def _plan(parts: tuple[str, ...], text: str = "Written with the expert school.") -> dict[str, str]:
    return dict.fromkeys(parts, text)


def _free_texts(payload_class: type) -> frozenset[str]:
    """The fields of ``payload_class`` that hold free text (which may be blank: the
    preconditions judge it)."""
    if not attrs.has(payload_class):
        return frozenset()
    return frozenset(
        shape.name
        for shape in field_shapes(payload_class)
        if shape.kind == "text" and shape.multiline and shape.min_length == 0
    )


def _payload_fields(lifecycle: Lifecycle[Any]) -> list[str]:
    """Every field name the lifecycle's payload classes have."""
    return sorted(
        {
            field.name
            for event in lifecycle.events.values()
            if attrs.has(event.payload)
            for field in attrs.fields(event.payload)
        }
    )


class LeertrajectMachine(RuleBasedStateMachine):
    """Fires random events at one leertraject and checks it after every step.

    Class attributes a subclass may set: ``lifecycle`` (``None``: the leertraject's;
    any lifecycle of its data, such as a copy of its definition with more events),
    ``school_year`` and ``offer`` (which trajectory :meth:`create` makes),
    ``sectors`` (the sectors its school is drawn from, repeated for weight;
    ineligible ones make submissions fail),
    ``head_starts`` (the states a run may start in, ``None`` for the beginning,
    repeated for weight; ``(None,)`` always starts from the beginning).

    Instance attributes: ``clock`` (the :class:`~trajectory.ManualClock` the
    trajectory must use), ``year_rules``; drawn at the start: ``school``,
    ``head_start``, ``seed`` and ``neglect``; ``trajectory``.
    """

    lifecycle: ClassVar[Lifecycle[Leertraject] | None] = None
    school_year: ClassVar[str] = "2024-2025"
    offer: ClassVar[str] = "leven-lang-lezen"
    sectors: ClassVar[tuple[str, ...]] = ("po", "po", "po", "po", "vo", "vo", "so", "vso")
    head_starts: ClassVar[tuple[str | None, ...]] = (
        *[None] * 4,
        "application_in_preparation",
        "application_submitted",
        "application_incomplete",
        "granted",
        "preparing",
        "intake",
        "in_progress",
        "closing",
    )

    #: In how many runs the machine's own events entered each state (one counter per
    #: class; a head start does not count).
    reached: ClassVar[Counter[str]] = Counter()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.reached = Counter()

    def __init__(self) -> None:
        super().__init__()
        #: The lifecycle this machine fires at: ``lifecycle``, or the leertraject's.
        self.definition: Lifecycle[Leertraject] = type(self).lifecycle or _leertraject.LIFECYCLE
        self.year_rules: Rules = rules_for(self.school_year)
        self.clock = ManualClock(self.start_moment())
        self.school: School | None = None
        self.head_start: str | None = None
        # The payload of the submission being fired, for the oracle (its moment of receipt).
        self._payload: Mapping[str, Any] = {}
        self.seed = 0
        self.neglect: str | None = None
        self._trajectory: Trajectory[Leertraject] | None = None
        self.seen: Sequence[Event] = ()
        self.visited: set[str] = set()

    # -- hooks --------------------------------------------------------------------------------

    def start_moment(self) -> dt.datetime:
        """Where the clock starts: five days before the year's first application window
        opens (or two months before the school year without windows)."""
        windows = self.year_rules.application_windows
        if windows:
            return windows[0].opens - dt.timedelta(days=5)
        start = self.year_rules.school_year.start - dt.timedelta(days=60)
        return dt.datetime.combine(start, dt.time(10, 0), tzinfo=_AMSTERDAM)

    def school_strategy(self) -> st.SearchStrategy[School]:
        """The schools a run starts with (by default from ``sectors``)."""
        return st.sampled_from(self.sectors).flatmap(lambda sector: schools(sectors=[sector]))

    def create(self) -> Trajectory[Leertraject]:
        """Make the trajectory of this run; ``self.school`` and ``self.head_start`` are
        drawn already. It must use ``self.clock``: the rules move it, and the oracle
        reads it.

        By default a new leertraject that a
        :class:`~trajectory.ontwikkelkracht.walker.Walker` takes to the head start
        along valid events (as far as the year's rules let it: a school of an
        ineligible sector stops before its submission), so that short runs also
        reach the later phases.
        """
        assert self.school is not None
        trajectory = new_trajectory(
            school=self.school, offer=self.offer, school_year=self.school_year, clock=self.clock
        )
        if self.definition is not _leertraject.LIFECYCLE:  # the same creation, in it
            trajectory = self.definition.replay(trajectory.history, clock=self.clock)
        if self.head_start is not None:
            walker = Walker(trajectory, self.clock, random.Random(self.seed))
            # The walk stops where a precondition of the year refuses it.
            with contextlib.suppress(TrajectoryError):
                walker.walk_to(self.head_start)
        return trajectory

    def send(self, event: str, payload: Mapping[str, Any], actor: str | None) -> Event:
        """Fire ``event`` at the trajectory; override to go through your own wrapper.

        If the wrapper works on a copy (say it loads, fires and saves), assign the
        result to ``self.trajectory`` before returning: the checks read it.
        """
        return self.trajectory.fire(event, actor=actor, **payload)

    def after_fire(self, event: str, payload: Mapping[str, Any], result: Outcome) -> None:
        """Called after every event, accepted (``result`` is the recorded
        :class:`~trajectory.Event`) or refused (``result`` is the error), once the
        machine's own checks passed. Does nothing by default."""

    def failing_conditions(self, event: str, data: Leertraject, now: dt.datetime) -> set[str]:
        """The oracle: the violation codes that must refuse ``event`` (a submission)
        for ``data`` at ``now``; empty when it must be accepted.

        Written apart from the library's guards: the figures come from the year's rules
        (data, tested against the regulation on their own), the judgement from here.
        """
        rules = data.rules
        failing: set[str] = set()
        people = data.participants
        if len(people) < rules.minimum_participants:
            failing.add("participants.minimum")
        leaders = sum(1 for person in people if str(person.role) == "school_leader")
        if leaders < rules.minimum_school_leaders:
            failing.add("participants.school_leader")
        if sum((Decimal(p.planned_hours) for p in people), Decimal(0)) < rules.minimum_hours:
            failing.add("hours.minimum")
        plan = data.activity_plan
        if any(not (getattr(plan, part) or "").strip() for part in _ACTIVITY_PLAN_PARTS):
            failing.add("activity_plan.missing_part")
        payload = self._payload
        talked = {str(talk.kind) for talk in data.talks}
        given_talks = payload.get("application_talks")
        if isinstance(given_talks, list | tuple):  # a bad value is InvalidData's to refuse
            talked |= {str(kind) for kind in given_talks}
        talked |= {str(kind) for kind in data.application_talks}
        if any(not talked & {str(kind) for kind in kinds} for kinds in rules.required_talks):
            failing.add("talks.required_missing")
        # The window is judged once, on the moment of receipt (the one given, else now):
        # a completion is not held to it.
        if event == "submit_application":
            given = payload.get("received_at")
            if not isinstance(given, dt.datetime) or given.utcoffset() is None:
                given = None  # none given (or one InvalidData refuses)
            received = given or now
            if given is not None and given > now:
                failing.add("receipt.in_future")
            if not any(w.opens <= received <= w.closes for w in rules.application_windows):
                failing.add("window.closed")
        if str(data.school.sector) not in {str(sector) for sector in rules.eligible_sectors}:
            failing.add("sector.ineligible")
        if data.school_year not in data.offer.school_years:
            failing.add("offer.unavailable")
        deadline = data.completion_deadline
        today = now.astimezone(_AMSTERDAM).date()
        if event == "complete_application" and deadline is not None and today > deadline:
            failing.add("completion.deadline_passed")
        return failing

    # -- the trajectory -----------------------------------------------------------------------

    @property
    def trajectory(self) -> Trajectory[Leertraject]:
        """The trajectory of this run."""
        if self._trajectory is None:
            raise RuntimeError("the machine has not created its trajectory yet")
        return self._trajectory

    @trajectory.setter
    def trajectory(self, value: Trajectory[Leertraject]) -> None:
        self._trajectory = value

    def today(self) -> dt.date:
        """The clock's date in the Netherlands."""
        return self.clock().astimezone(_AMSTERDAM).date()

    def fire(
        self,
        event: str,
        payload: Mapping[str, Any],
        actor: str | None = None,
        *,
        invalid: bool = False,
    ) -> Outcome:
        """Fire ``event`` through :meth:`send` and check the outcome (``invalid``: the
        payload was drawn invalid, so it must raise InvalidData)."""
        t = self.trajectory
        before = (t.state, t.data, t.history)
        submitting = SUBMITTING.get(event) == t.state
        self._payload = payload if submitting and not invalid else {}
        expected = self.failing_conditions(event, t.data, self.clock()) if submitting else None
        result: Outcome
        try:
            result = self.send(event, payload, actor)
        except TrajectoryError as error:
            result = error
        t = self.trajectory
        assert not isinstance(result, EffectFailed), f"the effect of {event} failed: {result!r}"
        assert not isinstance(result, GuardFailed), f"a guard of {event} failed: {result!r}"
        if invalid:
            assert isinstance(result, InvalidData), f"{event} took invalid {payload!r}: {result!r}"
        if isinstance(result, TrajectoryError):
            assert before == (t.state, t.data, t.history), f"{event} was refused but changed"
            if expected is not None and isinstance(result, PreconditionFailed):
                found = {violation.code for violation in result.violations}
                assert expected == found, f"{event}: the oracle expects {expected}, got {found}"
        else:
            assert t.history[-1] == result, f"{event} was accepted but not recorded"
            if expected is not None:
                assert not expected, f"{event} entered {t.state} despite {sorted(expected)}"
            hypothesis.event(f"accepted {event}")
            if t.state not in self.visited:
                self.visited.add(t.state)
                type(self).reached[t.state] += 1
        self.after_fire(event, payload, result)
        return result

    # -- payloads ---------------------------------------------------------------------------------

    def payload_for(self, event: str, data: st.DataObject) -> dict[str, Any]:
        """A payload that the payload class accepts: mostly one that fits the trajectory
        (dates up to today, known participants …), sometimes a loose one (any date, any
        name) or one with blank texts, so that preconditions refuse it."""
        t = self.trajectory
        kind = data.draw(st.sampled_from(("fits", "fits", "fits", "loose", "blank")), label="kind")
        if kind == "loose":
            payload = dict(data.draw(payloads(event, lifecycle=self.definition), label="payload"))
            known = [p.name for p in t.data.participants]
            if event == "add_participant" and known:
                payload["name"] = data.draw(st.sampled_from(known), label="taken name")
            return payload
        fitting = payloads(event, today=self.today(), data=t.data, lifecycle=self.definition)
        payload = dict(data.draw(fitting, label="payload"))
        if kind == "blank":
            free = _free_texts(self.definition.event(event).payload)
            for field, value in payload.items():
                if field in free and isinstance(value, str):
                    payload[field] = data.draw(blank_texts(), label=field)
        return payload

    # -- rules ------------------------------------------------------------------------------------

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        """A new leertraject (see :meth:`create`); ``neglect`` is a condition the school
        will not see to."""
        self.school = data.draw(self.school_strategy(), label="school")
        self.head_start = data.draw(st.sampled_from(self.head_starts), label="head start")
        self.seed = data.draw(st.integers(0, 2**16), label="seed")
        self.neglect = data.draw(st.sampled_from((*[None] * 6, *NEGLECTS)), label="neglect")
        self.trajectory = self.create()
        self.seen = self.trajectory.history
        self.visited = {event.to_state for event in self.seen}

    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """Fire an event that leaves the current state, with a payload the class accepts."""
        choices = [e for e in self.trajectory.allowed_events() if e not in SETBACKS]
        if choices:
            event = data.draw(st.sampled_from(choices), label="event")
            self.fire(event, self.payload_for(event, data))

    @rule(data=st.data())
    def next_step(self, data: st.DataObject) -> None:
        """Take the next step along the year, with drawn (mostly fitting) figures."""
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

    @rule(data=st.data())
    def invalid_payload(self, data: st.DataObject) -> None:
        """Fire any event with a payload its class refuses: it must raise InvalidData."""
        event = data.draw(st.sampled_from(sorted(self.definition.events)), label="event")
        refused = payloads(event, valid=False, lifecycle=self.definition)
        payload = data.draw(refused, label="invalid payload")
        self.fire(event, payload, invalid=True)

    @rule(
        data=st.data(),
        actor=st.sampled_from([None, None, "programme office", "", "  "]),
    )
    def anything(self, data: st.DataObject, actor: str | None) -> None:
        """Fire any event, allowed or not, with a fitting or a junk payload and any actor."""
        names = [*self.definition.events, "fly", ""]
        event = data.draw(st.sampled_from(names), label="event")
        if event in self.definition.events and data.draw(st.booleans(), label="fitting"):
            payload = self.payload_for(event, data)
        else:
            fields = st.sampled_from(_payload_fields(self.definition))
            payload = data.draw(st.dictionaries(fields, _JUNK, max_size=4), label="junk")
        self.fire(event, payload, actor)

    @rule(
        minutes=st.one_of(
            st.integers(0, 6 * 60),
            st.integers(0, 3 * 24 * 60),
            st.integers(0, 10 * 24 * 60),
            st.integers(0, 40 * 24 * 60).map(lambda m: m * 3),  # a rare big jump
        )
    )
    def advance_clock(self, minutes: int) -> None:
        """Time passes: minutes to months."""
        self.clock.advance(minutes=minutes)

    # -- the scripted way forward -----------------------------------------------------------------

    def next_event(self, data: st.DataObject) -> tuple[str, dict[str, Any]]:
        """The event that moves the trajectory on from where it is, and its payload."""
        t, draw = self.trajectory, data.draw
        facts, state = t.data, t.state
        if state == "orientation_requested":
            missing = self._missing_talk()
            if missing and draw(st.booleans(), label="talk first"):
                return "record_talk", {"kind": missing, "date": self._day(data)}
            return "hold_orientation", {
                "date": self._day(data),
                "learning_question": "How do we raise reading motivation?",
                "conclusion": draw(st.sampled_from(("positive",) * 5 + ("negative",))),
                "report": draw(st.sampled_from(("It fits.",) * 5 + ("",))),
            }
        if state == "application_in_preparation":
            return self._prepare_application(data)
        if state == "application_submitted":
            return draw(st.sampled_from(("grant", "grant", "grant", "request_completion"))), {}
        if state == "preparing":
            return self._prepare_intake(data)
        if state == "intake" and facts.development_plan.missing_parts:
            return "write_development_plan", _plan(_DEVELOPMENT_PLAN_PARTS)
        if state in {"in_progress", "closing"} and not facts.hours and facts.participants:
            return "log_hours", self.payload_for("log_hours", data)
        if state == "in_progress":
            rules = facts.rules
            if len(facts.study_moments) < rules.study_moments_minimum:
                return "hold_study_moment", self.payload_for("hold_study_moment", data)
            if len(facts.guidance_moments) < max(rules.guidance_moments_minimum, 1):
                return "hold_guidance_moment", self.payload_for("hold_guidance_moment", data)
            leaders = [p.name for p in facts.participants if str(p.role) == "school_leader"]
            if leaders and not set(leaders) & set(facts.core_group):
                return "form_core_group", {"members": [*facts.core_group, leaders[0]]}
        if (
            state in {"in_progress", "closing"}
            and facts.rules.knowledge_sharing_required
            and not facts.knowledge_sharing
            and draw(st.booleans(), label="share knowledge")
        ):
            return "record_knowledge_sharing", self.payload_for("record_knowledge_sharing", data)
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
        needs = self.definition.events[event].needs_payload
        return event, self.payload_for(event, data) if needs else {}

    def _day(self, data: st.DataObject) -> dt.date:
        """A recent date: up to a month ago."""
        days = data.draw(st.integers(0, 30), label="days ago")
        return self.today() - dt.timedelta(days=days)

    def _missing_talk(self) -> str | None:
        """A kind of talk the year requires and the school has not had, unless it
        neglects the talks."""
        if self.neglect == "talk":
            return None
        talked = {str(talk.kind) for talk in self.trajectory.data.talks}
        for kinds in self.trajectory.data.rules.required_talks:
            if not talked & {str(kind) for kind in kinds}:
                return str(kinds[0])
        return None

    def _prepare_application(self, data: st.DataObject) -> tuple[str, dict[str, Any]]:
        """Prepare in a random order, and sometimes submit before everything is ready:
        the submit guards must then refuse what the oracle says is missing."""
        facts, rules, draw = self.trajectory.data, self.trajectory.data.rules, data.draw
        names = [p.name for p in facts.participants]
        leaders = [p.name for p in facts.participants if str(p.role) == "school_leader"]
        unused = [
            name for name in FIRST_NAMES[: rules.minimum_participants + 2] if name not in names
        ]
        wanted = rules.minimum_participants - (self.neglect == "people")
        todo = []
        missing_talk = self._missing_talk()
        if missing_talk:
            todo.append("talk")
        if unused and (len(names) < wanted or facts.planned_hours < rules.minimum_hours):
            todo.append("participant")
        if unused and len(leaders) < rules.minimum_school_leaders and self.neglect != "leader":
            todo.append("leader")
        if len(facts.activity_plan.missing_parts) > (self.neglect == "plan"):
            todo.append("plan")
        task = draw(st.sampled_from([*todo, "submit"]), label="task")
        if task == "talk":
            return "record_talk", {"kind": missing_talk, "date": self._day(data)}
        if task in {"participant", "leader"}:
            role = "school_leader" if task == "leader" else draw(st.sampled_from(_OTHER_ROLES))
            share = math.ceil(rules.minimum_hours / rules.minimum_participants)
            low, high = (share // 2, share * 5 // 2)
            if self.neglect == "hours":
                low, high = share // 8, share // 2
            hours = draw(st.integers(low, max(high, low)), label="planned_hours")
            return "add_participant", {"name": unused[0], "role": role, "planned_hours": hours}
        if task == "plan":
            parts: tuple[str, ...] = _ACTIVITY_PLAN_PARTS
            if self.neglect == "plan":
                left_out = draw(st.sampled_from(parts), label="left out")
                parts = tuple(part for part in parts if part != left_out)
            return "write_activity_plan", _plan(parts)
        self._wait_for_a_window(data)
        return "submit_application", {}

    def _prepare_intake(self, data: st.DataObject) -> tuple[str, dict[str, Any]]:
        t, draw = self.trajectory, data.draw
        facts, rules = t.data, t.data.rules
        blocked = {violation.code.split(".")[0] for violation in t.check("hold_intake")}
        leaders = [p.name for p in facts.participants if str(p.role) == "school_leader"]
        if "core_group" in blocked and leaders:
            others = [p.name for p in facts.participants if p.name != leaders[0]]
            size = max(rules.core_group_minimum - 1, 1)
            return "form_core_group", {"members": [leaders[0], *others[:size]]}
        if "calendar" in blocked:
            year = facts.school_year
            day = st.dates(year.start, year.end)
            fewest, most = rules.study_moments_minimum, rules.study_moments_maximum
            return "plan_calendar", {
                "intake": draw(day),
                "study_moments": draw(st.lists(day, min_size=fewest, max_size=most)),
                "guidance_moments": draw(st.lists(day, min_size=1, max_size=2)),
            }
        return "hold_intake", {}

    def _wait_for_a_window(self, data: st.DataObject) -> None:
        """Before a window opens, the school waits until it does (give or take a day)."""
        now = self.clock()
        windows = self.year_rules.application_windows
        upcoming = [w.opens for w in windows if now < w.opens]
        if upcoming and not any(w.opens <= now <= w.closes for w in windows):
            minutes = data.draw(st.integers(-60, 24 * 60), label="minutes after opening")
            wait = upcoming[0] - now + dt.timedelta(minutes=minutes)
            self.clock.advance(minutes=max(wait.total_seconds() // 60, 0))

    # -- invariants -------------------------------------------------------------------------------

    @invariant()
    def one_current_state(self) -> None:
        """Exactly one current state, a state of the lifecycle, where the last event led."""
        t = self.trajectory
        assert isinstance(t.state, str)
        assert t.state in self.definition.states
        assert t.state == t.history[-1].to_state

    @invariant()
    def history_only_grows(self) -> None:
        """The history never shrinks and its earlier events never change."""
        history = self.trajectory.history
        assert len(history) >= len(self.seen)
        assert self.seen == history[: len(self.seen)]
        assert list(range(1, len(history) + 1)) == [event.sequence for event in history]
        self.seen = history

    @invariant()
    def replay_equals_live(self) -> None:
        """Replaying the history rebuilds the same trajectory."""
        assert self.definition.replay(self.trajectory.history) == self.trajectory

    def teardown(self) -> None:
        """Reports how far the run got (``--hypothesis-show-statistics``)."""
        if self._trajectory is None:
            return
        depth = max((MAIN_STATES.index(s) for s in self.visited if s in MAIN_STATES), default=0)
        hypothesis.event(f"deepest: {MAIN_STATES[depth]}")
