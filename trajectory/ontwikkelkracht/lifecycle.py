"""The Ontwikkelkracht leertraject as a lifecycle definition, and how to start one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from trajectory.engine.definition import (
    Creation,
    EventDefinition,
    Lifecycle,
    NoPayload,
    State,
    Transition,
)
from trajectory.engine.errors import InvalidData
from trajectory.engine.history import Clock, Event
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import effects
from trajectory.ontwikkelkracht import guards as g
from trajectory.ontwikkelkracht import payloads as p
from trajectory.ontwikkelkracht.catalog import Catalog, Offer, catalog
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules, check_rules, rules_for
from trajectory.ontwikkelkracht.school import School, SchoolYear
from trajectory.ontwikkelkracht.violations import VIOLATIONS

__all__ = ["LIFECYCLE", "new_trajectory", "replay"]


def _state(name: str, nl: str, en: str, *, final: bool = False) -> State:
    return State(name, final=final, description=en, labels={"nl": nl, "en": en})


STATES: Final = (
    _state("orientation_requested", "aanvraag oriënterend gesprek", "orientation requested"),
    _state("orientation_held", "oriënterend gesprek gevoerd", "orientation talk held"),
    _state("not_pursued", "niet vervolgd", "not pursued", final=True),
    _state(
        "application_in_preparation",
        "aanmelding / activiteitenplan in voorbereiding",
        "application in preparation",
    ),
    _state("application_submitted", "subsidieaanvraag ingediend", "application submitted"),
    _state("application_incomplete", "aanvulling gevraagd", "completion requested"),
    _state("granted", "subsidie verleend", "subsidy granted"),
    _state("rejected", "afgewezen", "rejected", final=True),
    _state("preparing", "voorbereiding", "preparing"),
    _state("intake", "intakegesprek en werkbezoek", "intake held"),
    _state("in_progress", "uitvoering", "in progress"),
    _state("closing", "nagesprek", "closing talk held"),
    _state("completed", "afgerond", "completed"),
    _state("settled", "vastgesteld", "settled", final=True),
    _state("withdrawn", "teruggetrokken", "withdrawn", final=True),
    _state("stopped", "voortijdig beëindigd", "stopped early"),
)

BEFORE_GRANT: Final = (
    "orientation_requested",
    "orientation_held",
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
)
AFTER_GRANT: Final = ("granted", "preparing", "intake", "in_progress", "closing")
PARTICIPANT_STATES: Final = (
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
    "granted",
    "preparing",
    "intake",
    "in_progress",
)


def _to(sources: str | Iterable[str], target: str | None = None) -> tuple[Transition, ...]:
    return (Transition((sources,) if isinstance(sources, str) else tuple(sources), target),)


E = EventDefinition[Leertraject]

EVENTS: Final = (
    E(
        "hold_orientation",
        _to("orientation_requested", "orientation_held"),
        p.HoldOrientation,
        (g.orientation_report, g.not_in_future("date")),
        effects.hold_orientation,
        "The orientation talk with the expert school is held and reported.",
    ),
    E(
        "decline",
        _to("orientation_held", "not_pursued"),
        p.Decline,
        (g.reason_given("decline"),),
        effects.record_reason,
        "The school does not pursue the trajectory.",
    ),
    E(
        "register",
        _to("orientation_held", "application_in_preparation"),
        NoPayload,
        (g.orientation_positive,),
        None,
        "The school registers: it gathers participants and writes the activity plan.",
    ),
    E(
        "submit_application",
        _to("application_in_preparation", "application_submitted"),
        NoPayload,
        g.SUBMIT_GUARDS,
        effects.submit_application,
        "The school board submits the subsidy application.",
    ),
    E(
        "request_completion",
        _to("application_submitted", "application_incomplete"),
        p.RequestCompletion,
        (g.completion_deadline_valid,),
        effects.request_completion,
        "The funder asks for missing parts, with a deadline.",
    ),
    E(
        "complete_application",
        _to("application_incomplete", "application_submitted"),
        NoPayload,
        (g.completion_in_time, *g.SUBMIT_GUARDS),
        effects.complete_application,
        "The school completes its application before the deadline.",
    ),
    E(
        "grant",
        _to("application_submitted", "granted"),
        p.GrantSubsidy,
        (g.grant_amount,),
        effects.grant,
        "The subsidy is granted.",
    ),
    E(
        "reject",
        _to(("application_submitted", "application_incomplete"), "rejected"),
        p.Reject,
        (g.reason_given("reject"),),
        effects.record_reason,
        "The application is rejected (for example budget.exhausted).",
    ),
    E(
        "start_preparation",
        _to("granted", "preparing"),
        NoPayload,
        (),
        None,
        "Preparation with the expert school starts.",
    ),
    E(
        "hold_intake",
        _to("preparing", "intake"),
        NoPayload,
        (g.core_group_formed, g.calendar_planned),
        None,
        "The intake talk and work visit are held.",
    ),
    E(
        "start_execution",
        _to("intake", "in_progress"),
        NoPayload,
        (g.development_plan_complete, *g.PARTICIPANT_GUARDS),
        None,
        "Execution starts on the development plan.",
    ),
    E(
        "hold_study_moment",
        _to("in_progress", "in_progress"),
        p.HoldStudyMoment,
        (g.study_moments_below_maximum, g.not_in_future("date")),
        effects.hold_study_moment,
        "A collective study moment with the whole team.",
    ),
    E(
        "hold_guidance_moment",
        _to("in_progress", "in_progress"),
        p.HoldGuidanceMoment,
        (g.not_in_future("date"),),
        effects.hold_guidance_moment,
        "A guidance moment with the core group.",
    ),
    E(
        "hold_closing_talk",
        _to("in_progress", "closing"),
        p.HoldClosingTalk,
        (g.moments_held, *g.PARTICIPANT_GUARDS),
        effects.hold_closing_talk,
        "The closing talk (nagesprek) evaluates the trajectory.",
    ),
    E(
        "deliver_implementation_plan",
        _to("closing", "completed"),
        p.DeliverImplementationPlan,
        (g.implementation_plan_given,),
        effects.deliver_implementation_plan,
        "The implementation plan for the following year is delivered.",
    ),
    E(
        "settle",
        _to(("completed", "stopped"), "settled"),
        NoPayload,
        (g.hours_logged,),
        effects.settle,
        "The subsidy is settled against the hours actually invested.",
    ),
    E(
        "withdraw",
        (Transition(BEFORE_GRANT, "withdrawn"), Transition(AFTER_GRANT, "stopped")),
        p.Withdraw,
        (g.reason_given("withdraw"),),
        effects.record_reason,
        "Before the grant the school withdraws; after it, the trajectory stops early.",
    ),
    E(
        "record_talk",
        _to(("orientation_requested", "orientation_held", "application_in_preparation")),
        p.RecordTalk,
        (g.not_in_future("date"),),
        effects.record_talk,
        "Records a pre-application talk with the programme office.",
    ),
    E(
        "add_participant",
        _to(PARTICIPANT_STATES),
        p.AddParticipant,
        (g.participant_is_new,),
        effects.add_participant,
        "Records a participant with role and planned hours.",
    ),
    E(
        "remove_participant",
        _to(PARTICIPANT_STATES),
        p.RemoveParticipant,
        (g.participants_known("name"),),
        effects.remove_participant,
        "Removes a participant (and from the core group).",
    ),
    E(
        "write_activity_plan",
        _to(("application_in_preparation", "application_incomplete")),
        p.WriteActivityPlan,
        (),
        effects.write_activity_plan,
        "Writes one or more parts of the activity plan.",
    ),
    E(
        "form_core_group",
        _to(("granted", "preparing")),
        p.FormCoreGroup,
        (g.participants_known("members"),),
        effects.form_core_group,
        "Forms the core group from the participants.",
    ),
    E(
        "plan_calendar",
        _to("preparing"),
        p.PlanCalendar,
        (),
        effects.plan_calendar,
        "Plans the annual calendar: intake, study moments, guidance moments.",
    ),
    E(
        "write_development_plan",
        _to("intake"),
        p.WriteDevelopmentPlan,
        (),
        effects.write_development_plan,
        "Writes one or more parts of the development plan.",
    ),
    E(
        "log_hours",
        _to(("preparing", "intake", "in_progress", "closing")),
        p.LogHours,
        (g.participants_known("participant"), g.not_in_future("date"), g.hours_within_day),
        effects.log_hours,
        "Logs hours a participant invested on a date.",
    ),
    E(
        "record_self_scan",
        _to(("intake", "closing")),
        p.RecordSelfScan,
        (g.not_in_future("date"),),
        effects.record_self_scan,
        "Records a School aan Zet self-scan: the baseline at the intake, the result at "
        "the closing talk.",
    ),
)

#: The Ontwikkelkracht expert-school learning trajectory (leertraject).
LIFECYCLE: Final = Lifecycle[Leertraject](
    "ontwikkelkracht.leertraject",
    states=STATES,
    events=EVENTS,
    initial="orientation_requested",
    creation=Creation(
        p.Created, effects.create, description="A school asks for an orientation talk."
    ),
    violations=VIOLATIONS,
    data_type=Leertraject,
    person_fields=("name", "participant", "members"),
    describe=lambda data: {
        "school_year": str(data.school_year),
        "offer": data.offer.id,
        "board": data.school.board,
        "school": data.school.brin,
    },
    description="Ontwikkelkracht expert-school learning trajectory (leertraject)",
)


def new_trajectory(
    *,
    school: School,
    offer: str | Offer,
    school_year: str | SchoolYear,
    clock: Clock | None = None,
    rules: Rules | None = None,
    offers: Catalog | None = None,
    id: str | None = None,
    actor: str | None = None,
) -> Trajectory[Leertraject]:
    """Start a leertraject: the school asked the expert school for an orientation talk.

    ``offer`` is an offer id from the catalog (or an :class:`Offer`); ``rules``
    default to :func:`rules_for` the school year; ``offers`` to the shipped catalog;
    ``clock`` to the system clock in UTC.
    """
    if not isinstance(school, School):
        raise InvalidData("school", f"expected a School, got {school!r}")
    year = SchoolYear.parse(school_year)
    if isinstance(offer, str):
        chosen = (catalog() if offers is None else offers).get(offer)
    elif isinstance(offer, Offer):
        chosen = offer
    else:
        raise InvalidData("offer", f"expected an offer id or an Offer, got {offer!r}")
    if rules is None:
        year_rules = rules_for(year)
    elif isinstance(rules, Rules):
        check_rules(rules)
        year_rules = rules
    else:
        raise InvalidData("rules", f"expected Rules, got {rules!r}")
    if year_rules.school_year != year:
        raise InvalidData(
            "rules", f"the rules are for {year_rules.school_year}, the trajectory for {year}"
        )
    payload = p.Created(school, chosen, year, year_rules)
    return LIFECYCLE.create(payload, clock=clock, id=id, actor=actor)


def replay(events: Iterable[Event], *, clock: Clock | None = None) -> Trajectory[Leertraject]:
    """Rebuild a leertraject from its history (see :meth:`Lifecycle.replay`)."""
    return LIFECYCLE.replay(events, clock=clock)
