"""A complete leertraject for an example school, step by step: ``trajectory demo``.

It fires every kind of event along the way, shows the blockers a school meets
(with their messages) and ends with the figures: hours and subsidy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from trajectory.engine.errors import TrajectoryError
from trajectory.engine.history import ManualClock
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht.bootstrap import programme
from trajectory.ontwikkelkracht.labels import WORDING
from trajectory.ontwikkelkracht.lifecycle import new_trajectory
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.school import NETHERLANDS, School
from trajectory.store.base import Store

__all__ = ["EXAMPLE_SCHOOL", "walk", "walk_application"]

EXAMPLE_SCHOOL: Final = School(
    name="OBS De Linde", sector="po", board="Stichting Primair Onderwijs Voorbeeld", brin="12AB00"
)

_TEAM: Final = (
    ("Anna de Vries", "teacher", 180),
    ("Bram Jansen", "teacher", 160),
    ("Chloé Bakker", "support_staff", 120),
    ("Daan Visser", "school_leader", 200),
    ("Eva Smit", "teacher", 180),
)

#: Eva invests fewer hours than she planned: the settlement is then pro rata.
_INVESTED: Final = {"Eva Smit": 120}
_MONTH_ENDS: Final = (
    dt.date(2024, 9, 27),
    dt.date(2024, 10, 25),
    dt.date(2024, 11, 29),
    dt.date(2024, 12, 20),
    dt.date(2025, 1, 31),
    dt.date(2025, 2, 28),
    dt.date(2025, 3, 28),
    dt.date(2025, 4, 25),
    dt.date(2025, 5, 30),
    dt.date(2025, 6, 13),
)

Say = Callable[[str], None]


class _Walk:
    def __init__(self, say: Say, lang: str, store: Store | None) -> None:
        self.say = say
        self.lang = lang
        self.store = store
        self.clock = ManualClock(dt.datetime(2024, 4, 15, 9, 0, tzinfo=NETHERLANDS))
        self.t: Trajectory[Leertraject] = new_trajectory(
            school=EXAMPLE_SCHOOL,
            offer="leven-lang-lezen",
            school_year="2024-2025",
            clock=self.clock,
            actor="demo",
        )

    def on(self, day: dt.date) -> None:
        self.clock.set(dt.datetime.combine(day, dt.time(10, 0), tzinfo=NETHERLANDS))

    def save(self) -> None:
        if self.store is not None:
            self.store.save(self.t)

    def fire(self, event: str, **payload: Any) -> None:
        before = self.t.state
        self.t.fire(event, actor="demo", **payload)
        self.save()
        label = programme().leertraject.states[self.t.state].labels[self.lang]
        moved = f"{before} → {self.t.state}" if before != self.t.state else self.t.state
        self.say(f"  {self.clock().date()}  {event:<28} {moved}  ({label})")

    def attempt(self, event: str, **payload: Any) -> None:
        """Try an event that the school is not ready for, and show every reason."""
        violations = self.t.check(event, **payload)
        try:
            self.t.fire(event, actor="demo", **payload)
        except TrajectoryError:
            self.say(f"  {self.clock().date()}  {event:<28} refused:")
            for violation in violations:
                self.say(f"      [{violation.code}] {violation.message(self.lang)}")
        else:  # pragma: no cover - the walk is written so that this cannot happen
            raise AssertionError(f"{event} was expected to be refused")


def walk(
    say: Say = print, *, lang: str = "nl", store: Store | None = None
) -> Trajectory[Leertraject]:
    """Walk the example school through the whole lifecycle; returns the trajectory.

    With a ``store``, the trajectory is saved after every step and read back at the end.
    """
    w = _Walk(say, lang, store)
    t = w.t
    w.save()
    say(
        f"{EXAMPLE_SCHOOL.name} ({EXAMPLE_SCHOOL.brin}) — "
        f"{t.data.offer.title}, {t.data.school_year}"
    )
    say(f"  {w.clock().date()}  created                      {t.state}")

    say("Orientation and application")
    w.on(dt.date(2024, 4, 16))
    w.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 16))
    w.on(dt.date(2024, 4, 18))
    w.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 18),
        learning_question="How do we raise reading motivation across all groups?",
        conclusion="positive",
        report="The trajectory fits the learning question; the team supports it.",
    )
    w.fire("register")
    for name, role, hours in _TEAM[:3]:
        w.fire("add_participant", name=name, role=role, planned_hours=hours)
    w.attempt("submit_application")
    for name, role, hours in _TEAM[3:]:
        w.fire("add_participant", name=name, role=role, planned_hours=hours)
    w.fire(
        "write_activity_plan",
        report="Report of the orientation talk of 18 April.",
        willing_and_able="Two study afternoons a term are reserved in the annual plan.",
        leadership_commitment="The school leader and the board are committed.",
        team_support="The team voted 24 to 2 to take part.",
    )
    w.on(dt.date(2024, 5, 2))
    w.fire("submit_application")
    w.on(dt.date(2024, 5, 16))
    w.fire("request_completion")
    w.on(dt.date(2024, 5, 20))
    w.fire(
        "write_activity_plan",
        leadership_commitment="The school leader and the board signed the plan (attached).",
    )
    w.fire("complete_application")
    w.on(dt.date(2024, 7, 1))
    w.fire("grant")

    say("Preparation and intake")
    w.on(dt.date(2024, 8, 26))
    w.fire("start_preparation")
    w.fire("form_core_group", members=["Daan Visser", "Anna de Vries"])
    w.fire(
        "plan_calendar",
        intake=dt.date(2024, 9, 10),
        study_moments=[dt.date(2024, 10, 9), dt.date(2025, 1, 22), dt.date(2025, 4, 16)],
        guidance_moments=[dt.date(2024, 11, 13), dt.date(2025, 3, 12)],
    )
    w.on(dt.date(2024, 9, 10))
    w.fire("hold_intake")
    w.attempt("start_execution")
    w.fire(
        "write_development_plan",
        guidance="Monthly guidance of the core group by the expert school's trainers.",
        needs="A shared reading culture and time to read freely every day.",
        core_team="Daan Visser (school leader) and Anna de Vries (reading coordinator).",
        hours_deployment="Study afternoons, lesson visits and the reading-culture project.",
    )
    w.fire("start_execution")

    say("Execution")
    agenda: list[tuple[dt.date, str, dict[str, Any]]] = [
        (dt.date(2024, 10, 9), "hold_study_moment", {"form": "own_school"}),
        (dt.date(2024, 11, 13), "hold_guidance_moment", {}),
        (dt.date(2025, 1, 22), "hold_study_moment", {"form": "expert_school_visit"}),
        (dt.date(2025, 3, 12), "hold_guidance_moment", {}),
        (
            dt.date(2025, 4, 9),
            "record_knowledge_sharing",
            {"form": "school_visit", "with_whom": "CBS De Regenboog and KBS Sint Jozef"},
        ),
    ]
    w.attempt("hold_closing_talk", evaluation="Too early?")
    agenda += [(month_end, "log_hours", {}) for month_end in _MONTH_ENDS]
    for day, event, extra in sorted(agenda, key=lambda step: step[0]):
        w.on(day)
        if event != "log_hours":
            w.fire(event, date=day, **extra)
            continue
        for name, _, hours in _TEAM:  # a month's hours, logged quietly
            invested = _INVESTED.get(name, hours)
            w.t.fire("log_hours", participant=name, date=day, hours=Decimal(invested) / 10)
        w.save()
    say(
        f"  {w.clock().date()}  log_hours × {len(_MONTH_ENDS) * len(_TEAM):<22} "
        f"hours logged: {t.data.logged_hours} of {t.data.planned_hours} planned"
    )

    say("Closing")
    w.on(dt.date(2025, 6, 18))
    w.fire("hold_closing_talk", evaluation="Reading motivation rose in every group.")
    w.fire(
        "deliver_implementation_plan",
        plan="Free reading daily, a reading coordinator and yearly evaluation, "
        "without the expert school.",
    )
    w.on(dt.date(2025, 9, 1))
    w.fire("settle")

    settlement = t.data.settlement
    assert settlement is not None
    say("Figures")
    lang = w.lang
    leaders = WORDING.render(
        "{n:plural one:# school leader|other:# school leaders}"
        if lang == "en"
        else "{n:plural one:# schoolleider|other:# schoolleiders}",
        {"n": len(t.data.school_leaders)},
        lang,
    )
    say(f"  participants        {len(t.data.participants)} ({leaders})")
    say(f"  hours planned       {WORDING.number(t.data.planned_hours, lang)}")
    say(
        f"  hours logged        {WORDING.number(settlement.hours_logged, lang)} "
        f"(minimum {WORDING.number(settlement.hours_required, lang)})"
    )
    say(f"  subsidy granted     {WORDING.amount(settlement.amount_granted, lang)}")
    policy = WORDING.label("settlement_policy", settlement.policy, lang)
    say(f"  subsidy settled     {WORDING.amount(settlement.amount_settled, lang)} ({policy})")
    if settlement.hourly_cost is not None and settlement.reimbursed_share is not None:
        share = WORDING.number(settlement.reimbursed_share, lang)
        cost = WORDING.amount(settlement.hourly_cost, lang)
        say(f"  settled with        {share} of the hours reimbursed at {cost} an hour")
    say(f"  events in history   {len(t.history)}")
    if store is not None:
        stored = store.load(t.id)
        same = "the same" if stored == t else "NOT the same"
        say(f"  stored as           {t.id} ({stored.version} events, {same} when read back)")
    return t


_APPLICATION_TEXT: Final = {
    "nl": {
        "title": "De aanvraag van het bestuur: twee vestigingen in één ronde",
        "received": "ontvangen om {received}, vastgelegd om {recorded}",
        "requested": "aangevraagd",
        "order": "telt voor de volgorde van binnenkomst vanaf",
        "outcome": "besluit",
        "granted": "verleend",
        "partly_granted": "gedeeltelijk verleend",
        "rejected": "afgewezen",
    },
    "en": {
        "title": "The board's application: two locations in one round",
        "received": "received at {received}, recorded at {recorded}",
        "requested": "requested",
        "order": "counts for the order of receipt from",
        "outcome": "decision",
        "granted": "granted",
        "partly_granted": "partly granted",
        "rejected": "rejected",
    },
}


def walk_application(say: Say = print, *, lang: str = "nl") -> None:
    """A board applies for two of its locations in the 2024-2025 round: received at
    15:59 on the last day and recorded at 16:05, completed after a request, granted;
    each step moves the application and both locations together (in a store of its own,
    in memory)."""
    from trajectory._stores import open_store
    from trajectory.office import Office

    text = _APPLICATION_TEXT[lang]
    clock = ManualClock(dt.datetime(2024, 4, 20, 10, 0, tzinfo=NETHERLANDS))
    built = programme()
    application_states = built.application.states if built.application else {}
    with open_store("memory://", clock=clock) as store:
        office = Office(store, clock=clock)
        ids = []
        for name, brin in (("OBS De Linde", "12AB00"), ("OBS De Eik", "12AB01")):
            school = School(name=name, sector="po", board=EXAMPLE_SCHOOL.board, brin=brin)
            location = new_trajectory(
                school=school, offer="leven-lang-lezen", school_year="2024-2025", clock=clock
            )
            location.fire(
                "hold_orientation",
                date=dt.date(2024, 4, 20),
                learning_question="How do we raise reading motivation?",
                conclusion="positive",
                report="The trajectory fits.",
            )
            location.fire("register")
            for person, role, hours in _TEAM:
                location.fire("add_participant", name=person, role=role, planned_hours=hours)
            location.fire(
                "write_activity_plan",
                report="Report.",
                willing_and_able="Yes.",
                leadership_commitment="Signed.",
                team_support="The team voted for it.",
            )
            store.save(location)
            ids.append(location.id)

        def show(step: str, state: str, extra: str = "") -> None:
            label = application_states[state].labels[lang] if state in application_states else ""
            day = clock().astimezone(NETHERLANDS).date()
            say(f"  {day}  {step:<28} {state}  ({label}){extra}")

        say(text["title"])
        made = office.new_application(
            board=EXAMPLE_SCHOOL.board, round="2024-2025/main", locations=ids
        )
        office.record_talk(made.id, kind="exploratory_talk", date=dt.date(2024, 4, 20))
        requested = WORDING.amount(made.requested, lang)
        show("new_application", made.state, f"  {text['requested']} {requested}")
        clock.set(dt.datetime(2024, 6, 28, 16, 5, tzinfo=NETHERLANDS))
        received = dt.datetime(2024, 6, 28, 15, 59, tzinfo=NETHERLANDS)
        made = office.submit(made.id, received_at=received)
        shown = text["received"].format(received="15:59", recorded="16:05")
        show("submit", made.state, f"  {shown}")
        clock.set(dt.datetime(2024, 7, 1, 10, 0, tzinfo=NETHERLANDS))
        show("request_completion", office.request_completion(made.id).state)
        clock.set(dt.datetime(2024, 7, 8, 10, 0, tzinfo=NETHERLANDS))
        made = office.complete(made.id)
        order = made.order_moment.astimezone(NETHERLANDS).date() if made.order_moment else ""
        show("complete", made.state, f"  {text['order']} {order}")
        clock.set(dt.datetime(2024, 9, 2, 10, 0, tzinfo=NETHERLANDS))
        made = office.grant(made.id)
        outcome = text[str(made.outcome)]
        granted = WORDING.amount(made.granted, lang)
        show("grant", made.state, f"  {text['outcome']}: {outcome} ({granted})")
        for location_id in made.locations:
            location = store.load(location_id)
            label = built.leertraject.states[location.state].labels[lang]
            say(f"      {location.data.school.name:<26} {location.state}  ({label})")
