"""Take a leertraject along any path, doing first what each step needs.

A :class:`Walker` knows, for every event of the leertraject, what satisfies its
preconditions under the trajectory's own rules (the talks the year requires, the
minimum participants, school leaders and hours, the application window, the calendar
inside the school year …), records that first, moves its clock forward to a sensible
moment, and fires the event. It is what :func:`trajectory.testing.make_trajectory`
and the simulator build on.

What an event needs first is a hint, a *preparation* ("enter the application window
before submitting"), registered beside the event in the registry its definition is
loaded with (:meth:`~trajectory.engine.registry.Registry.register_preparation`; the
leertraject's are registered by
:func:`~trajectory.ontwikkelkracht.lifecycle.leertraject_registry`). An event without
one is fired with a payload derived from its payload class
(:func:`~trajectory.engine.examples.example_payload`), so an event added to the
definition is walked without a hint of its own. A walker takes the leertraject's
:data:`~trajectory.ontwikkelkracht.lifecycle.LIFECYCLE` and the programme's registry
by default, or any lifecycle of the leertraject's data (a copy of its definition with
more events) and the registry it was loaded with.

A hint may read ``Walker.settings``, values the caller chose for this walk (the
simulator draws them per school): ``hours_share``, ``fewer_participants`` and
``plan_parts_missing`` for the first submission and ``window_minutes`` (how long after
the application window opens it is submitted), ``days_late`` for a completion,
``hours_share`` for the hours logged before the closing talk or a withdrawal.

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
import warnings
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData, wrong_type
from trajectory.engine.examples import example_payload
from trajectory.engine.history import Event, ManualClock
from trajectory.engine.paths import shortest_paths
from trajectory.engine.registry import Registry
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import lifecycle as _leertraject
from trajectory.ontwikkelkracht.catalog import Offer
from trajectory.ontwikkelkracht.lifecycle import new_trajectory
from trajectory.ontwikkelkracht.model import ActivityPlanPart, Role, SettlementRoute
from trajectory.ontwikkelkracht.payloads import MAX_HOURS_PER_DAY
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import NETHERLANDS, School, SchoolYear

if TYPE_CHECKING:
    #: Deprecated: the leertraject's hints, now registered in its registry
    #: (``programme().registry.preparations``).
    PREPARATIONS: Mapping[str, Preparation]

__all__ = [
    "FIRST_NAMES",
    "MAIN_PATH",
    "PREPARATIONS",
    "SCHOOL_NAMES",
    "SURNAMES",
    "Preparation",
    "Walker",
    "example_school",
    "prepare_closing_talk",
    "prepare_completion",
    "prepare_decline",
    "prepare_execution",
    "prepare_guidance_moment",
    "prepare_implementation_plan",
    "prepare_intake",
    "prepare_orientation",
    "prepare_preparation",
    "prepare_rejection",
    "prepare_settlement",
    "prepare_settlement_request",
    "prepare_study_moment",
    "prepare_submission",
    "prepare_withdrawal",
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
_PARTS: Final = tuple(str(part) for part in ActivityPlanPart)
_WHOLE: Final = Decimal(1)


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


def _whole_days(total: Decimal, participants: int) -> list[Decimal]:
    """``total`` hours shared out over ``participants`` in whole days of 24 hours, the
    rest of a day to the last: logged, they take ``ceil(total / 24)`` entries."""
    days, rest = divmod(total, MAX_HOURS_PER_DAY)
    base, extra = divmod(int(days), participants)
    shares = [MAX_HOURS_PER_DAY * (base + (number < extra)) for number in range(participants)]
    shares[-1] += rest
    return shares


def _percent(rng: random.Random, low: int, high: int) -> Decimal:
    """A share from ``low`` to ``high`` per cent, in whole per cents (exact)."""
    return Decimal(rng.randint(low, high)) / 100


#: What a walker does before it fires an event, and the payload it fires it with.
Preparation = Callable[["Walker"], Mapping[str, Any]]


def _registered() -> Mapping[str, Preparation]:
    """The hints registered in the programme's registry."""
    from trajectory.ontwikkelkracht.bootstrap import programme

    return programme().registry.preparations


@attrs.define
class Walker:
    """Walks one leertraject; ``trajectory`` and ``clock`` are its own.

    ``preparations`` are the hints by event (default: those registered in the
    programme's registry, :meth:`~trajectory.engine.registry.Registry.preparation_for`);
    an event without one is fired with a payload derived from its payload class.
    ``settings`` are values the hints read (see the module's description).
    """

    trajectory: Trajectory[Leertraject]
    clock: ManualClock
    rng: random.Random
    actor: str | None = None
    preparations: Mapping[str, Preparation] = attrs.field(factory=_registered, kw_only=True)
    settings: dict[str, Decimal] = attrs.field(factory=dict, kw_only=True)

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
        registry: Registry | None = None,
    ) -> Walker:
        """A new leertraject, created three weeks before the year's first application
        window opens, and a walker for it (``seed`` makes names and numbers repeat).

        ``lifecycle`` (default: the leertraject's) may be any lifecycle with the
        leertraject's creation; the hints are those registered in ``registry``, the
        registry it was loaded with (default: the programme's); ``preparations``
        replace them."""
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
        if registry is not None and not isinstance(registry, Registry):
            raise wrong_type("registry", "a Registry", registry)
        if preparations is not None:
            hints = preparations
        elif registry is not None:
            hints = registry.preparations
        else:
            hints = _registered()
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

    def take(self, event: str, **payload: Any) -> Event:
        """Prepare what ``event`` needs, then fire it; returns the recorded event.

        An event without a hint is fired with :meth:`example` (a payload derived from
        its payload class, dated today). ``payload`` replaces fields of the one the
        hint (or the example) gives."""
        prepared = self.prepare(event)
        if payload:
            prepared.update(payload)
        return self.fire(event, **prepared)

    def prepare(self, event: str) -> dict[str, Any]:
        """Do what ``event`` needs first (its hint); the payload to fire it with (the
        hint's, or :meth:`example`)."""
        hint = self.preparations.get(event)
        return dict(hint(self)) if hint is not None else self.example(event)

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

    def complete_application(
        self,
        *,
        fewer_participants: int = 0,
        hours_share: Decimal | None = None,
        plan_parts_missing: int = 0,
    ) -> None:
        """Record the required talks, enough participants and hours, and the whole
        activity plan, as far as the trajectory's state allows.

        The first participants plan their hours in whole days of 24 hours (the fewest
        entries when they are logged), ``hours_share`` of the minimum in all (default:
        100–105 %). ``fewer_participants`` and ``plan_parts_missing`` leave out that
        many participants and parts of the plan (a first submission that is refused)."""
        rules, data = self.data.rules, self.data
        state = self.state
        if state in self.lifecycle.routes.get("record_talk", ()):
            recorded = {talk.kind for talk in data.talks}
            for kinds in rules.required_talks:
                if not recorded.intersection(kinds):
                    self.fire("record_talk", kind=kinds[0], date=self.today())
        if not self.data.participants:
            self._first_participants(fewer_participants, hours_share)
        leaders = len(self.data.school_leaders)
        while leaders < rules.minimum_school_leaders and not fewer_participants:
            self._add(Role.SCHOOL_LEADER)
            leaders += 1
        while len(self.data.participants) < rules.minimum_participants and not fewer_participants:
            self._add(Role.TEACHER)
        shortfall = rules.minimum_hours - self.data.planned_hours
        if shortfall > 0 and hours_share is None and not fewer_participants:
            self._add(Role.TEACHER, hours=shortfall.to_integral_value(ROUND_CEILING))
        missing = list(self.data.activity_plan.missing_parts)
        if missing:
            left_out = min(max(plan_parts_missing, 0), len(missing) - 1, len(_PARTS) - 1)
            for part in self.rng.sample(missing, left_out) if left_out > 0 else ():
                missing.remove(part)
            self.fire("write_activity_plan", **dict.fromkeys(missing, _TEXT))

    def _first_participants(self, fewer: int, hours_share: Decimal | None) -> None:
        """The school leaders and teachers of a first application, their hours in
        whole days; ``fewer`` of them left out (but their hours shared as planned)."""
        rules = self.data.rules
        count = rules.minimum_participants
        if fewer > 0:
            count = max(count - fewer, rules.minimum_school_leaders, 1)
        share = _percent(self.rng, 100, 105) if hours_share is None else hours_share
        total = (rules.minimum_hours * share).to_integral_value(ROUND_CEILING)
        shares = _whole_days(total, max(rules.minimum_participants, 1))
        for number in range(count):
            role = Role.SCHOOL_LEADER if number < rules.minimum_school_leaders else Role.TEACHER
            self.fire(
                "add_participant",
                name=self.new_name(),
                role=role,
                planned_hours=shares[min(number, len(shares) - 1)],
            )

    def _add(self, role: Role, hours: Decimal | None = None) -> None:
        rules = self.data.rules
        if hours is None:
            share = rules.minimum_hours / rules.minimum_participants
            hours = Decimal(math.ceil(share * Decimal(self.rng.uniform(1.0, 1.2))))
        self.fire("add_participant", name=self.new_name(), role=role, planned_hours=hours)

    def enter_window(self) -> None:
        """Move the clock into the first application window that has not closed yet
        (an hour after it opens, when it has not opened yet)."""
        if not self.into_window():
            raise InvalidData("clock", f"every application window has closed by {self.clock()}")

    def into_window(self, minutes: int = 60) -> bool:
        """As :meth:`enter_window`, ``minutes`` after the window opens; ``False`` (the
        clock unmoved) when every window has closed."""
        now = self.clock()
        for window in self.data.rules.application_windows:
            if now <= window.closes:
                if now < window.opens:
                    self.clock.set(window.opens + dt.timedelta(minutes=minutes))
                return True
        return False

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

    def keep_a_leader_in_the_core_group(self) -> None:
        """Form the core group again where it no longer holds a school leader who takes
        part (one who left no longer counts), adding a school leader if none takes part."""
        rules = self.data.rules
        leaders = {p.name for p in self.data.school_leaders}
        in_group = [name for name in self.data.core_group if name in leaders]
        if len(in_group) >= rules.core_group_school_leaders:
            return
        while len(self.data.school_leaders) < max(rules.core_group_school_leaders, 1):
            self._add(Role.SCHOOL_LEADER)
        wanted = [p.name for p in self.data.school_leaders][: rules.core_group_school_leaders]
        members = [*dict.fromkeys([*self.data.core_group, *wanted])]
        self.fire("form_core_group", members=members)

    def share_knowledge(self) -> None:
        """Record how the school shared its knowledge with other schools, where the
        year's rules require it and nothing is recorded yet (dated today, at the
        latest on the last day of the school year)."""
        if not self.data.rules.knowledge_sharing_required or self.data.knowledge_sharing:
            return
        self.fire(
            "record_knowledge_sharing",
            date=min(self.today(), self.data.school_year.end),
            form=self.rng.choice(("school_visit", "presentation", "network_meeting")),
            with_whom=f"{self.rng.choice(SCHOOL_NAMES)} and other schools in the region",
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

    def log_hours(self, share: Decimal | float = 1) -> None:
        """Each participant logs ``share`` of their planned hours (whole hours), in as
        few entries as the day maximum allows, on dates from the start of the school
        year up to today."""
        share = share if isinstance(share, Decimal) else Decimal(str(share))
        trajectory, data, today = self.trajectory, self.data, self.today()
        earlier = {entry.participant for entry in data.hours}
        one_day = dt.timedelta(days=1)
        fire, actor = trajectory.fire, self.actor
        for participant in data.participants:
            name = participant.name
            remaining = (participant.planned_hours * share).to_integral_value(ROUND_DOWN)
            day = data.school_year.start
            if name not in earlier:  # every day is free: whole days, then the rest
                days = max(min(int(remaining // MAX_HOURS_PER_DAY), (today - day).days + 1), 0)
                for _ in range(days):
                    fire(
                        "log_hours",
                        actor=actor,
                        participant=name,
                        date=day,
                        hours=MAX_HOURS_PER_DAY,
                    )
                    day += one_day
                remaining -= MAX_HOURS_PER_DAY * days
                if remaining > 0 and day <= today:
                    fire("log_hours", actor=actor, participant=name, date=day, hours=remaining)
                continue
            while remaining > 0 and day <= today:
                hours = min(remaining, MAX_HOURS_PER_DAY - trajectory.data.hours_on(name, day))
                if hours > 0:
                    fire("log_hours", actor=actor, participant=name, date=day, hours=hours)
                    remaining -= hours
                day += one_day

    def setting(self, name: str) -> Decimal | None:
        """The value ``name`` of ``settings``, or ``None``."""
        return self.settings.get(name)


# -- the leertraject's hints (registered in its registry by leertraject_registry) ---------


def prepare_orientation(walker: Walker) -> dict[str, Any]:
    """``hold_orientation``: three days later, a positive talk."""
    walker.wait(days=3)
    return {
        "date": walker.today(),
        "learning_question": "How do we make this work for every group?",
        "conclusion": "positive",
        "report": "The trajectory fits the learning question; the team supports it.",
    }


def prepare_not_considered(walker: Walker) -> dict[str, Any]:
    """``not_consider``: the day after the completion deadline passed unused."""
    deadline = walker.data.completion_deadline
    if deadline is not None:
        walker.move_to(deadline + dt.timedelta(days=1))
    return {}


def prepare_objection_upheld(walker: Walker) -> dict[str, Any]:
    """``grant_on_objection``: the decision on the objection."""
    return {"decision": "The objection is upheld."}


def prepare_decline(walker: Walker) -> dict[str, Any]:
    """``decline``: the school's reason."""
    return {"reason": "The school chose another focus this year."}


def prepare_submission(walker: Walker) -> dict[str, Any]:
    """``submit_application``: complete the application (leaving out what the
    settings ``fewer_participants``, ``hours_share`` and ``plan_parts_missing`` say)
    and enter the application window, the setting ``window_minutes`` after it opens
    (an hour by default; the event is refused when every window has closed)."""
    walker.complete_application(
        fewer_participants=int(walker.setting("fewer_participants") or 0),
        hours_share=walker.setting("hours_share"),
        plan_parts_missing=int(walker.setting("plan_parts_missing") or 0),
    )
    walker.into_window(int(walker.setting("window_minutes") or 60))
    return {}


def prepare_completion(walker: Walker) -> dict[str, Any]:
    """``complete_application``: within a week, before the deadline (or the setting
    ``days_late`` days after it), add what is missing."""
    late = walker.setting("days_late")
    deadline = walker.data.completion_deadline
    if late is not None and deadline is not None:
        walker.move_to(deadline + dt.timedelta(days=int(late)))
    else:
        left = 7 if deadline is None else (deadline - walker.today()).days
        walker.wait(days=walker.rng.randint(0, min(7, max(left - 1, 0))))
    walker.complete_application()
    return {}


def prepare_rejection(walker: Walker) -> dict[str, Any]:
    """``reject``: the budget is used up."""
    return {"reason": "budget.exhausted"}


def prepare_preparation(walker: Walker) -> dict[str, Any]:
    """``start_preparation``: twenty days into the school year."""
    walker.move_to(walker.data.school_year.start + dt.timedelta(days=20))
    return {}


def prepare_intake(walker: Walker) -> dict[str, Any]:
    """``hold_intake``: a core group and a calendar, then the intake's date."""
    walker.plan_year()
    calendar = walker.data.calendar
    walker.move_to(calendar.intake if calendar and calendar.intake else walker.today())
    return {}


def prepare_execution(walker: Walker) -> dict[str, Any]:
    """``start_execution``: the whole development plan."""
    missing = walker.data.development_plan.missing_parts
    if missing:
        walker.fire("write_development_plan", **dict.fromkeys(missing, _TEXT))
    return {}


def prepare_study_moment(walker: Walker) -> dict[str, Any]:
    """``hold_study_moment``: two weeks later, at the school."""
    walker.wait(days=14)
    return {"date": walker.today(), "form": "own_school"}


def prepare_guidance_moment(walker: Walker) -> dict[str, Any]:
    """``hold_guidance_moment``: two weeks later."""
    walker.wait(days=14)
    return {"date": walker.today()}


def prepare_closing_talk(walker: Walker) -> dict[str, Any]:
    """``hold_closing_talk``: the moments the rules require, then 40 days before the
    year ends the hours are logged (the setting ``hours_share`` of them; all by
    default); first the core group is formed again where it lost its school leader."""
    walker.keep_a_leader_in_the_core_group()
    walker.hold_moments()
    walker.move_to(walker.data.school_year.end - dt.timedelta(days=40))
    walker.log_hours(walker.setting("hours_share") or _WHOLE)
    return {"evaluation": "The team evaluated the year with the trainers."}


def prepare_implementation_plan(walker: Walker) -> dict[str, Any]:
    """``deliver_implementation_plan``: the knowledge sharing the rules require is
    recorded first (``settle`` needs it, and it cannot be recorded once completed), then
    the plan."""
    walker.share_knowledge()
    return {"plan": "The core group secures the learning next year without the expert school."}


def prepare_settlement(walker: Walker) -> dict[str, Any]:
    """``settle``: a month after the school year ends; where the grant is settled on
    request (its decision is above the rules' threshold), the board files its
    settlement request first."""
    walker.move_to(walker.data.school_year.end + dt.timedelta(days=30))
    data = walker.data
    if data.settlement_route is SettlementRoute.REQUEST and data.settlement_request is None:
        walker.fire("request_settlement", **prepare_settlement_request(walker))
    return {}


def prepare_settlement_request(walker: Walker) -> dict[str, Any]:
    """``request_settlement``: a month after the school year ends, with the activity
    report."""
    walker.move_to(walker.data.school_year.end + dt.timedelta(days=30))
    return {"report": "The activities were carried out as planned; the hours are logged."}


def prepare_withdrawal(walker: Walker) -> dict[str, Any]:
    """``withdraw``: during the year, some time goes by and the participants log
    the setting ``hours_share`` of their hours (none without it) before the school
    stops."""
    share = walker.setting("hours_share")
    if walker.state == "in_progress" and share is not None:
        end = walker.data.school_year.end - dt.timedelta(days=45)
        left = max((end - walker.today()).days, 0)
        walker.move_to(walker.today() + dt.timedelta(days=walker.rng.randint(0, left)))
        walker.log_hours(share)
    return {"reason": "The school could not free the staff hours."}


def __getattr__(name: str) -> Any:
    """``PREPARATIONS``, deprecated: the hints registered in the programme's registry."""
    if name == "PREPARATIONS":
        warnings.warn(
            "walker.PREPARATIONS is deprecated: the hints are registered beside the events "
            "(programme().registry.preparations, Registry.register_preparation)",
            DeprecationWarning,
            stacklevel=2,
        )
        return _registered()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
