"""Every violation of the leertraject: a stable code, a Dutch and an English message.

The codes are an integration contract: integrators map them to their own screens.
Each message is filled in with the violation's details (the figures involved).
"""

from __future__ import annotations

from typing import Final

from trajectory.engine.violations import ViolationRegistry

__all__ = ["APPLICATION_CODES", "APPLICATION_VIOLATIONS", "VIOLATIONS"]

#: All violation types of the leertraject, by code.
VIOLATIONS: Final = ViolationRegistry()
_define = VIOLATIONS.define

# -- orientation -------------------------------------------------------------------

ORIENTATION_REPORT_MISSING: Final = _define(
    "orientation.report_missing",
    nl="Het verslag van het oriënterend gesprek ontbreekt.",
    en="The report of the orientation talk is missing.",
    description="hold_orientation: the report is empty.",
)
ORIENTATION_NEGATIVE: Final = _define(
    "orientation.negative",
    nl="Het oriënterend gesprek had een negatieve conclusie ({conclusion}); "
    "aanmelden kan alleen na een positieve conclusie.",
    en="The orientation talk's conclusion was negative ({conclusion}); "
    "registering needs a positive conclusion.",
    description="register: the orientation talk's conclusion was not positive.",
)
DATE_IN_FUTURE: Final = _define(
    "date.in_future",
    nl="De datum {date} ({field}) ligt na vandaag ({today}).",
    en="The date {date} ({field}) is after today ({today}).",
    description="Something that happened is dated in the future.",
)
DATE_OUTSIDE_SCHOOL_YEAR: Final = _define(
    "date.outside_school_year",
    nl="De datum {date} valt buiten schooljaar {school_year} ({start} – {end}).",
    en="The date {date} falls outside school year {school_year} ({start} – {end}).",
    description="hold_study_moment, hold_guidance_moment, log_hours, "
    "record_knowledge_sharing: dated outside the trajectory's school year.",
)
DATE_BEFORE_INTAKE: Final = _define(
    "date.before_intake",
    nl="De datum {date} ligt vóór het intakegesprek van {intake}.",
    en="The date {date} is before the intake, held on {intake}.",
    description="hold_study_moment, hold_guidance_moment: dated before the intake.",
)
REASON_MISSING: Final = _define(
    "reason.missing",
    nl="Geef een reden op voor '{event}'.",
    en="Give a reason for '{event}'.",
    description="decline, reject, withdraw: the reason is empty.",
)

# -- the application ---------------------------------------------------------------

TALKS_REQUIRED_MISSING: Final = _define(
    "talks.required_missing",
    nl="Voor de aanvraag in {school_year} is een gesprek met het programmabureau nodig: "
    "{required_any_of}. Vastgelegd: {recorded}.",
    en="Applying in {school_year} needs a talk with the programme office: "
    "{required_any_of}. Recorded: {recorded}.",
    description="submit_application: a pre-application talk the year's rules require "
    "is not recorded.",
)
ACTIVITY_PLAN_MISSING_PART: Final = _define(
    "activity_plan.missing_part",
    nl="Het activiteitenplan mist het onderdeel '{part}'.",
    en="The activity plan misses the part '{part}'.",
    description="submit_application: one violation per missing part of the activity plan.",
)
PARTICIPANTS_MINIMUM: Final = _define(
    "participants.minimum",
    nl="Minimaal {required} deelnemers nodig; er zijn er {actual}.",
    en="At least {required} participants are needed; there are {actual}.",
    description="Fewer participants than the year's rules require.",
)
PARTICIPANTS_SCHOOL_LEADER: Final = _define(
    "participants.school_leader",
    nl="Minimaal {required} schoolleider(s) moet(en) deelnemen; er zijn er {actual}.",
    en="At least {required} school leader(s) must take part; there are {actual}.",
    description="Fewer school leaders among the participants than required.",
)
HOURS_MINIMUM: Final = _define(
    "hours.minimum",
    nl="Minimaal {required} uur personele ruimte nodig; er is {actual} uur gepland.",
    en="At least {required} hours of staff time are needed; {actual} hours are planned.",
    description="submit_application: the participants' planned hours are below the minimum.",
)
WINDOW_CLOSED: Final = _define(
    "window.closed",
    nl="Aanvragen kan alleen in het aanvraagtijdvak ({windows}); nu is het {moment}.",
    en="Applications are accepted only in the application window ({windows}); it is now {moment}.",
    description="submit_application: outside every application window of the year.",
)
SECTOR_INELIGIBLE: Final = _define(
    "sector.ineligible",
    nl="De sector {sector} komt niet in aanmerking; wel: {eligible}.",
    en="The sector {sector} is not eligible; eligible are: {eligible}.",
    description="submit_application: the school's sector is not eligible in that year.",
)
OFFER_UNAVAILABLE: Final = _define(
    "offer.unavailable",
    nl="Het leertraject '{offer}' wordt in {school_year} niet aangeboden. De catalogus "
    "die met de bibliotheek wordt meegeleverd, bevat alleen het aanbod van 2024-2025; "
    "voor een later schooljaar leest u een eigen catalogus in met het aanbod van dat "
    "jaar en begint u het leertraject vanuit die catalogus.",
    en="The learning trajectory '{offer}' is not offered in {school_year}. The catalog "
    "that comes with the library holds the offers of 2024-2025 only; for a later school "
    "year, load a catalog of your own with that year's offers and start the learning "
    "trajectory from that catalog.",
    description="submit_application: the offer is not in the catalog for that year "
    "(the shipped catalog has 2024-2025 only).",
)
COMPLETION_DEADLINE_PASSED: Final = _define(
    "completion.deadline_passed",
    nl="De termijn voor aanvulling verliep op {deadline}; vandaag is {today}.",
    en="The completion period ended on {deadline}; today is {today}.",
    description="complete_application: after the completion deadline.",
)
COMPLETION_DEADLINE_INVALID: Final = _define(
    "completion.deadline_invalid",
    nl="De termijn voor aanvulling ({deadline}) moet na vandaag ({today}) liggen en "
    "uiterlijk {latest}.",
    en="The completion deadline ({deadline}) must be after today ({today}) and "
    "no later than {latest}.",
    description="request_completion: the deadline is not within the scheme's period.",
)
GRANT_AMOUNT_MISMATCH: Final = _define(
    "grant.amount_mismatch",
    nl="Het bedrag € {actual} wijkt af van het vaste bedrag € {expected}; "
    "geef een reden voor de afwijking.",
    en="The amount EUR {actual} differs from the fixed amount EUR {expected}; "
    "give a reason for the override.",
    description="grant: an amount other than the scheme's, without a reason.",
)

# -- preparation and execution ----------------------------------------------------

CORE_GROUP_MISSING: Final = _define(
    "core_group.missing",
    nl="Een kerngroep van minimaal {required} deelnemers is nodig; die telt er {actual}.",
    en="A core group of at least {required} participants is needed; it has {actual}.",
    description="hold_intake: the core group is too small.",
)
CORE_GROUP_SCHOOL_LEADER: Final = _define(
    "core_group.school_leader",
    nl="De kerngroep moet minimaal {required} schoolleider(s) bevatten; er zijn er {actual}.",
    en="The core group must include at least {required} school leader(s); it has {actual}.",
    description="hold_intake, hold_closing_talk: no current participant who is a school "
    "leader in the core group.",
)
CALENDAR_INCOMPLETE: Final = _define(
    "calendar.incomplete",
    nl="De jaarkalender is onvolledig: {item} — nodig {required}, gepland {actual}.",
    en="The annual calendar is incomplete: {item} — needed {required}, planned {actual}.",
    description="hold_intake: one violation per item of the calendar that is short.",
)
CALENDAR_OUTSIDE_SCHOOL_YEAR: Final = _define(
    "calendar.outside_school_year",
    nl="Deze datums vallen buiten schooljaar {school_year} ({start} – {end}): {dates}.",
    en="These dates fall outside school year {school_year} ({start} – {end}): {dates}.",
    description="hold_intake: planned dates outside the school year.",
)
DEVELOPMENT_PLAN_MISSING_PART: Final = _define(
    "development_plan.missing_part",
    nl="Het ontwikkelplan mist het onderdeel '{part}'.",
    en="The development plan misses the part '{part}'.",
    description="start_execution: one violation per missing part of the development plan.",
)
STUDY_MOMENTS_MAXIMUM: Final = _define(
    "study_moments.maximum",
    nl="Er zijn al {actual} studiemomenten gehouden; het maximum is {maximum}.",
    en="{actual} study moments have been held already; the maximum is {maximum}.",
    description="hold_study_moment: the year's maximum is reached.",
)
STUDY_MOMENTS_MINIMUM: Final = _define(
    "study_moments.minimum",
    nl="Minimaal {required} studiemomenten nodig; er zijn er {actual} gehouden.",
    en="At least {required} study moments are needed; {actual} were held.",
    description="hold_closing_talk: too few study moments held.",
)
GUIDANCE_MOMENTS_MINIMUM: Final = _define(
    "guidance_moments.minimum",
    nl="Minimaal {required} begeleidingsmoment(en) nodig; er zijn er {actual} gehouden.",
    en="At least {required} guidance moment(s) are needed; {actual} were held.",
    description="hold_closing_talk: too few guidance moments held.",
)
IMPLEMENTATION_PLAN_MISSING: Final = _define(
    "implementation_plan.missing",
    nl="Het implementatieplan ontbreekt: beschrijf hoe het geleerde het jaar erna zonder "
    "de expertschool wordt geïmplementeerd en geborgd.",
    en="The implementation plan is missing: describe how the learning is implemented and "
    "secured in the following year without the expert school.",
    description="deliver_implementation_plan: the plan is empty.",
)
HOURS_NOT_LOGGED: Final = _define(
    "hours.not_logged",
    nl="Er zijn geen uren verantwoord; vaststellen kan pas als de uren zijn vastgelegd.",
    en="No hours have been logged; settling needs the hours invested.",
    description="settle (from completed): no hours logged.",
)
KNOWLEDGE_SHARING_MISSING: Final = _define(
    "knowledge_sharing.missing",
    nl="In {school_year} deelt de school haar kennis actief met andere scholen. Voor de "
    "vaststelling moet minstens {required} keer zijn vastgelegd hoe dat gebeurde; "
    "vastgelegd: {actual}.",
    en="In {school_year} the school actively shares its knowledge with other schools. "
    "Settling needs at least {required} record of how it did so; recorded: {actual}.",
    description="settle (from completed): the year's rules require knowledge sharing "
    "with other schools and none is recorded.",
)

HOURS_DAY_MAXIMUM: Final = _define(
    "hours.day_maximum",
    nl="{participant} zou op {date} {actual} uur hebben; een dag telt maximaal {maximum} uur.",
    en="{participant} would have {actual} hours on {date}; a day has at most {maximum} hours.",
    description="log_hours: more than 24 hours for one participant on one date.",
)

# -- participants --------------------------------------------------------------------

PARTICIPANTS_DUPLICATE: Final = _define(
    "participants.duplicate",
    nl="Er neemt al iemand deel met de naam '{name}'.",
    en="Someone named '{name}' already takes part.",
    description="add_participant: the name is taken.",
)
PARTICIPANTS_UNKNOWN: Final = _define(
    "participants.unknown",
    nl="Geen deelnemer(s) met de naam: {names}.",
    en="No participant(s) named: {names}.",
    description="remove_participant, form_core_group, log_hours: a name that does not take part.",
)

# -- the application (SPEC §7) -------------------------------------------------------

RECEIPT_IN_FUTURE: Final = _define(
    "receipt.in_future",
    nl="Het moment van ontvangst ({received}) ligt na het moment waarop het wordt "
    "vastgelegd ({recorded}).",
    en="The moment of receipt ({received}) is after the moment it is recorded ({recorded}).",
    description="submit, complete, lodge_objection: a moment of receipt in the future.",
)
COMPLETION_DEADLINE_NOT_PASSED: Final = _define(
    "completion.deadline_not_passed",
    nl="De termijn voor aanvulling loopt nog tot en met {deadline}; pas daarna kan de "
    "aanvraag buiten behandeling worden gesteld.",
    en="The completion period runs until {deadline}; only after it can the application "
    "be left unconsidered.",
    description="not_consider: the completion deadline has not passed (Awb 4:5).",
)

#: The violation types only an application (or the Office deciding it) reports, by
#: code: registered with the application lifecycle, not the leertraject's.
APPLICATION_VIOLATIONS: Final = ViolationRegistry()
_define_application = APPLICATION_VIOLATIONS.define

DECISION_LOCATIONS: Final = _define_application(
    "decision.locations",
    nl="Het besluit moet over elke vestiging van de aanvraag gaan: het gaat over "
    "{decided} van de {total} vestigingen.",
    en="The decision must cover every location of the application: it covers "
    "{decided} of the {total} locations.",
    description="decide, decide_objection: a decision that misses a location or names "
    "one that is not on the application.",
)
ORDER_OF_RECEIPT_EARLIER_PENDING: Final = _define_application(
    "order_of_receipt.earlier_pending",
    nl="Aanvragen worden besloten in volgorde van binnenkomst: de aanvraag van {board}, "
    "ontvangen op {received}, is eerder binnengekomen en nog niet besloten.",
    en="Applications are decided in order of receipt: the application of {board}, "
    "received on {received}, came in earlier and is not decided yet.",
    description="grant: an earlier complete application in the round is undecided; "
    "``earlier`` names it.",
)
OBJECTION_LATE: Final = _define_application(
    "objection.late",
    nl="Het bezwaar is ontvangen op {lodged}, na de bezwaartermijn van {weeks} weken "
    "die op {deadline} eindigde; leg vast waarom de termijnoverschrijding verschoonbaar is.",
    en="The objection was received on {lodged}, after the objection period of {weeks} "
    "weeks that ended on {deadline}; record why the delay is excusable.",
    description="lodge_objection: after the objection term (Awb 6:7) without an excuse.",
)
OBJECTION_BEFORE_DECISION: Final = _define_application(
    "objection.before_decision",
    nl="Het bezwaar ({lodged}) kan niet eerder zijn ontvangen dan het besluit ({decided}).",
    en="The objection ({lodged}) cannot have been received before the decision ({decided}).",
    description="lodge_objection: a moment of receipt before the decision.",
)
COMPLETION_BEFORE_REQUEST: Final = _define_application(
    "completion.before_request",
    nl="De aanvulling ({completed}) kan niet eerder zijn ontvangen dan de vraag om "
    "aanvulling ({requested}).",
    en="The completion ({completed}) cannot have been received before it was asked for "
    "({requested}).",
    description="complete: a completion moment before the request.",
)

#: The codes only an application reports.
APPLICATION_CODES: Final = frozenset(APPLICATION_VIOLATIONS)
