"""Take a leertraject along any path, doing first what each step needs.

A :class:`Walker` knows, for every event of the leertraject, what satisfies its
preconditions under the trajectory's own rules (the talks the year requires, the
minimum participants, school leaders and hours, the application window, the calendar
inside the school year …), records that first, moves its clock forward to a sensible
moment, and fires the event. It is what :func:`trajectory.testing.make_trajectory`
and the simulator build on.

What an event needs first is a hint (:data:`PREPARATIONS`: "enter the application
window before submitting"); an event without one is fired with a payload derived from
its payload class (:func:`~trajectory.engine.examples.example_payload`), so an event
added to the definition is walked without a hint of its own. A walker takes the
leertraject's :data:`~trajectory.ontwikkelkracht.lifecycle.LIFECYCLE` by default, or
any lifecycle of the leertraject's data (a copy of its definition with more events).

>>> from structlog.testing import capture_logs
>>> walker = Walker.start(seed=7)
>>> with capture_logs():
...     walker.walk_to("in_progress").state
'in_progress'
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.examples import example_payload
from trajectory.engine.history import Event, ManualClock
from trajectory.engine.paths import shortest_paths
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import lifecycle as _leertraject
from trajectory.ontwikkelkracht.catalog import Offer
from trajectory.ontwikkelkracht.lifecycle import new_trajectory
from trajectory.ontwikkelkracht.model import Role
from trajectory.ontwikkelkracht.payloads import MAX_HOURS_PER_DAY
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import NETHERLANDS, School, SchoolYear

__all__ = [
    "FIRST_NAMES",
    "MAIN_PATH",
    "PREPARATIONS",
    "SCHOOL_NAMES",
    "SURNAMES",
    "Preparation",
    "Walker",
    "example_school",
]

#: The whole year of a leertraject, from the orientation talk to the settlement.
MAIN_PATH: Final = (
    "hold_orientation",
    "register",
    "submit_application",
    "grant",
    "start_preparation",
    "hold_intake",
    "start_execution",
    "hold_closing_talk",
    "deliver_implementation_plan",
    "settle",
)

FIRST_NAMES: Final = (
    "Anna", "Bram", "Chloé", "Daan", "Eva", "Fenna", "Gijs", "Hanna", "Ilse", "Joris",
    "Kees", "Lotte", "Mees", "Noor", "Olaf", "Pien", "Quinten", "Roos", "Sem", "Tess",
)  # fmt: skip
SURNAMES: Final = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer",
)  # fmt: skip
SCHOOL_NAMES: Final = (
    "OBS De Linde", "CBS De Regenboog", "KBS Sint Jozef", "OBS Het Kompas",
    "Het Baken", "De Wegwijzer", "Montessorischool De Eik", "Daltonschool De Vlinder",
)  # fmt: skip
_TEXT: Final = "Written with the expert school."


def example_school(rng: random.Random, sector: str = "po") -> School:
    """A school with a random name, board and valid BRIN."""
    digits = rng.randrange(100)
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(2))
    return School(
        name=rng.choice(SCHOOL_NAMES),
        sector=sector,
        board=f"Stichting {rng.choice(SURNAMES).title()} Onderwijs",
        brin=f"{digits:02d}{letters}{rng.randrange(100):02d}",
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=NETHERLANDS)


#: What a walker does before it fires an event, and the payload it fires it with.
Preparation = Callable[["Walker"], dict[str, Any]]


@attrs.define
class Walker:
    """Walks one leertraject; ``trajectory`` and ``clock`` are its own.

    ``preparations`` are the hints by event (default: :data:`PREPARATIONS`); an event
    without one is fired with a payload derived from its payload class.
    """

    trajectory: Trajectory[Leertraject]
    clock: ManualClock
    rng: random.Random
    actor: str | None = None
    preparations: Mapping[str, Preparation] = attrs.field(
        factory=lambda: PREPARATIONS, kw_only=True
    )

    @classmethod
    def start(
        cls,
        *,
        seed: int = 0,
        school: School | None = None,
        offer: str | Offer = "leven-lang-lezen",
        school_year: str | SchoolYear = "2024-2025",
        rules: Rules | None = None,
        actor: str | None = None,
        id: str | None = None,
        lifecycle: Lifecycle[Leertraject] | None = None,
        preparations: Mapping[str, Preparation] | None = None,
    ) -> Walker:
        """A new leertraject, created three weeks before the year's first application
        window opens, and a walker for it (``seed`` makes names and numbers repeat).

        ``lifecycle`` (default: the leertraject's) may be any lifecycle with the
        leertraject's creation; ``preparations`` replace :data:`PREPARATIONS`."""
        rng = random.Random(seed)
        year = SchoolYear.parse(school_year)
        from trajectory.ontwikkelkracht.rules import rules_for

        year_rules = rules_for(year) if rules is None else rules
        if not year_rules.application_windows:
            raise InvalidData("rules", f"the rules of {year} have no application window")
        opens = year_rules.application_windows[0].opens
        clock = ManualClock(opens - dt.timedelta(days=21))
        trajectory = new_trajectory(
            school=school or example_school(rng),
            offer=offer,
            school_year=year,
            clock=clock,
            rules=rules,
            id=id,
            actor=actor,
        )
        if lifecycle is not None and lifecycle is not _leertraject.LIFECYCLE:
            # The same creation event, in the lifecycle asked for.
            trajectory = lifecycle.replay(trajectory.history, clock=clock)
        hints = PREPARATIONS if preparations is None else preparations
        return cls(trajectory, clock, rng, actor, preparations=hints)

    # -- walking -------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """The trajectory's state."""
        return self.trajectory.state

    @property
    def lifecycle(self) -> Lifecycle[Leertraject]:
        """The lifecycle the walker's trajectory follows."""
        return self.trajectory.lifecycle

    @property
    def data(self) -> Leertraject:
        """The trajectory's data."""
        return self.trajectory.data

    def today(self) -> dt.date:
        """The walker's date in the Netherlands."""
        return self.clock().astimezone(NETHERLANDS).date()

    def walk_to(self, state: str) -> Trajectory[Leertraject]:
        """Take a shortest path from the current state to ``state``."""
        here = shortest_paths(self.trajectory.lifecycle)
        if state not in here:
            raise InvalidData("state", f"unknown state {state!r}")
        done = here[self.state]
        path = here[state]
        if path[: len(done)] != done:
            raise InvalidData(
                "state", f"{state!r} does not lie ahead of {self.state!r} on a shortest path"
            )
        for event in path[len(done) :]:
            self.take(event)
        return self.trajectory

    def walk(self, events: tuple[str, ...] = MAIN_PATH) -> Trajectory[Leertraject]:
        """Take ``events`` in turn (by default the whole year, up to the settlement)."""
        for event in events:
            self.take(event)
        return self.trajectory

    def take(self, event: str) -> Event:
        """Prepare what ``event`` needs, then fire it; returns the recorded event.

        An event without a hint is fired with :meth:`example` (a payload derived from
        its payload class, dated today)."""
        prepare = self.preparations.get(event)
        payload = prepare(self) if prepare is not None else self.example(event)
        return self.fire(event, **payload)

    def example(self, event: str) -> dict[str, Any]:
        """A payload ``event``'s payload class accepts, dated today (``{}`` for an
        event without fields); :class:`~trajectory.UnknownEvent` for an event the
        lifecycle does not define."""
        definition = self.trajectory.lifecycle.event(event)
        if not attrs.has(definition.payload):
            return {}
        return example_payload(definition.payload, today=self.today())

    def fire(self, event: str, **payload: Any) -> Event:
        """Fire ``event`` as it is (no preparation)."""
        return self.trajectory.fire(event, actor=self.actor, **payload)

    def move_to(self, day: dt.date, hour: int = 10) -> None:
        """Move the clock forward to ``day`` (never back)."""
        moment = _at(day, hour)
        if moment > self.clock():
            self.clock.set(moment)

    def wait(self, days: int) -> None:
        """Move the clock forward by ``days``."""
        self.clock.advance(days=days)

    # -- what the steps need ------------------------------------------------------------------

    def new_name(self) -> str:
        """A name no participant has yet."""
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            if self.data.participant(name) is None:
                return name

    def complete_application(self) -> None:
        """Record the required talks, enough participants and hours, and the whole
        activity plan, as far as the trajectory's state allows."""
        rules, data = self.data.rules, self.data
        recorded = {talk.kind for talk in data.talks}
        if "record_talk" in self.trajectory.allowed_events():
            for kinds in rules.required_talks:
                if not recorded.intersection(kinds):
                    self.fire("record_talk", kind=kinds[0], date=self.today())
        leaders = len(self.data.school_leaders)
        while leaders < rules.minimum_school_leaders:
            self._add(Role.SCHOOL_LEADER)
            leaders += 1
        while len(self.data.participants) < rules.minimum_participants:
            self._add(Role.TEACHER)
        shortfall = rules.minimum_hours - self.data.planned_hours
        if shortfall > 0:
            self._add(Role.TEACHER, hours=shortfall)
        missing = self.data.activity_plan.missing_parts
        if missing:
            self.fire("write_activity_plan", **dict.fromkeys(missing, _TEXT))

    def _add(self, role: Role, hours: Decimal | None = None) -> None:
        rules = self.data.rules
        if hours is None:
            share = rules.minimum_hours / rules.minimum_participants
            hours = Decimal(math.ceil(share * Decimal(self.rng.uniform(1.0, 1.2))))
        self.fire("add_participant", name=self.new_name(), role=role, planned_hours=hours)

    def enter_window(self) -> None:
        """Move the clock into the first application window that has not closed yet."""
        now = self.clock()
        for window in self.data.rules.application_windows:
            if now <= window.closes:
                if now < window.opens:
                    self.clock.set(window.opens + dt.timedelta(hours=1))
                return
        raise InvalidData("clock", f"every application window has closed by {now}")

    def plan_year(self) -> None:
        """A core group (a school leader and another participant) and a calendar that
        fits the school year and the rules."""
        rules, year = self.data.rules, self.data.school_year
        while len(self.data.participants) < max(rules.core_group_minimum, 2):
            self._add(Role.TEACHER)
        if not self.data.school_leaders:
            self._add(Role.SCHOOL_LEADER)
        leader = self.data.school_leaders[0].name
        others = [p.name for p in self.data.participants if p.name != leader]
        members = [leader, *others[: max(rules.core_group_minimum - 1, 1)]]
        self.fire("form_core_group", members=members)
        intake = max(self.today(), year.start + dt.timedelta(days=30))
        end = year.end - dt.timedelta(days=45)
        studies = max(rules.study_moments_minimum, 1)
        guidance = max(rules.guidance_moments_minimum, 1)
        span = (end - intake).days

        def spread(count: int, offset: float) -> list[dt.date]:
            return [
                intake + dt.timedelta(days=int(span * (i + offset) / (count + 1)))
                for i in range(1, count + 1)
            ]

        self.fire(
            "plan_calendar",
            intake=intake,
            study_moments=spread(studies, 0.0),
            guidance_moments=spread(guidance, 0.3),
        )

    def hold_moments(self) -> None:
        """Hold the study and guidance moments the rules require, on their planned
        dates, moving the clock along."""
        rules = self.data.rules
        calendar = self.data.calendar
        studies = list(calendar.study_moments) if calendar else []
        guidance = list(calendar.guidance_moments) if calendar else []
        needed_studies = max(rules.study_moments_minimum - len(self.data.study_moments), 0)
        needed_guidance = max(rules.guidance_moments_minimum, 1) - len(self.data.guidance_moments)
        agenda = [(day, "hold_study_moment") for day in studies[:needed_studies]]
        agenda += [(day, "hold_guidance_moment") for day in guidance[: max(needed_guidance, 0)]]
        forms = ("own_school", "expert_school_visit", "joint_session")
        for day, event in sorted(agenda):
            self.move_to(day)
            if event == "hold_study_moment":
                self.fire(event, date=self.today(), form=self.rng.choice(forms))
            else:
                self.fire(event, date=self.today())

    def log_hours(self, share: float = 1.0) -> None:
        """Each participant logs ``share`` of their planned hours, at most a day's worth
        per date, on dates up to today."""
        start = self.data.school_year.start
        for participant in self.data.participants:
            remaining = participant.planned_hours * Decimal(str(share))
            day = start
            while remaining > 0 and day <= self.today():
                hours = min(
                    remaining, MAX_HOURS_PER_DAY - self.data.hours_on(participant.name, day)
                )
                if hours > 0:
                    self.fire("log_hours", participant=participant.name, date=day, hours=hours)
                    remaining -= hours
                day += dt.timedelta(days=1)


def _submit(walker: Walker) -> dict[str, Any]:
    walker.complete_application()
    walker.enter_window()
    return {}


def _complete(walker: Walker) -> dict[str, Any]:
    walker.wait(days=3)
    walker.complete_application()
    return {}


def _not_consider(walker: Walker) -> dict[str, Any]:
    deadline = walker.data.completion_deadline
    if deadline is not None:
        walker.move_to(deadline + dt.timedelta(days=1))
    return {}


def _orientation(walker: Walker) -> dict[str, Any]:
    walker.wait(days=3)
    return {
        "date": walker.today(),
        "learning_question": "How do we make this work for every group?",
        "conclusion": "positive",
        "report": "The trajectory fits the learning question; the team supports it.",
    }


def _preparation(walker: Walker) -> dict[str, Any]:
    walker.move_to(walker.data.school_year.start + dt.timedelta(days=20))
    return {}


def _intake(walker: Walker) -> dict[str, Any]:
    walker.plan_year()
    calendar = walker.data.calendar
    walker.move_to(calendar.intake if calendar and calendar.intake else walker.today())
    return {}


def _execution(walker: Walker) -> dict[str, Any]:
    missing = walker.data.development_plan.missing_parts
    if missing:
        walker.fire("write_development_plan", **dict.fromkeys(missing, _TEXT))
    return {}


def _closing(walker: Walker) -> dict[str, Any]:
    walker.hold_moments()
    walker.move_to(walker.data.school_year.end - dt.timedelta(days=40))
    walker.log_hours()
    return {"evaluation": "The team evaluated the year with the trainers."}


def _settle(walker: Walker) -> dict[str, Any]:
    walker.move_to(walker.data.school_year.end + dt.timedelta(days=30))
    return {}


def _reason(text: str) -> Callable[[Walker], dict[str, Any]]:
    return lambda walker: {"reason": text}


def _moment(event: str) -> Callable[[Walker], dict[str, Any]]:
    def prepare(walker: Walker) -> dict[str, Any]:
        walker.wait(days=14)
        if event == "hold_study_moment":
            return {"date": walker.today(), "form": "own_school"}
        return {"date": walker.today()}

    return prepare


#: The leertraject's hints: for each event, what to do first, and the payload to fire
#: it with. Events without a hint get a payload derived from their payload class.
PREPARATIONS: Final[Mapping[str, Preparation]] = {
    "hold_orientation": _orientation,
    "decline": _reason("The school chose another focus this year."),
    "submit_application": _submit,
    "complete_application": _complete,
    "not_consider": _not_consider,
    "grant_on_objection": lambda walker: {"decision": "The objection is upheld."},
    "reject": _reason("budget.exhausted"),
    "start_preparation": _preparation,
    "hold_intake": _intake,
    "start_execution": _execution,
    "hold_study_moment": _moment("hold_study_moment"),
    "hold_guidance_moment": _moment("hold_guidance_moment"),
    "hold_closing_talk": _closing,
    "deliver_implementation_plan": lambda walker: {
        "plan": "The core group secures the learning next year without the expert school."
    },
    "settle": _settle,
    "withdraw": _reason("The school could not free the staff hours."),
}
