"""Every violation of the leertraject: a stable code, a Dutch and an English message.

The codes are an integration contract: integrators map them to their own screens.
Each message is filled in with the violation's details (the figures involved), and
reads as a person writes in that language: no identifier, ISO date or Python value
inside a sentence.

Adding a violation: declare it here with ``_define(code, nl=..., en=...,
description=...)`` and report it from a guard with the figures as they are (a
:class:`~datetime.date`, an aware :class:`~datetime.datetime`, a
:class:`~decimal.Decimal` amount, a count, an identifier, a list of them). Each
figure's format spec says what it is (see :mod:`trajectory.engine.wording`):

- ``{deadline:date}``, ``{moment:datetime}`` (shown in the Netherlands' time zone),
  ``{amount:EUR}``, ``{hours:number}``, ``{names:list}``, ``{kinds:talk_kind or}``;
- an identifier names its label kind: ``{part:activity_plan_part}``, ``{event:event}``,
  ``{state:state}`` (the labels are in ``data/labels.toml``, see
  :mod:`trajectory.ontwikkelkracht.labels`; add the kind's table there for a new one);
- a count that meets a noun takes its plural by the language's rules:
  ``{required:plural one:# schoolleider|other:# schoolleiders}`` (``#`` is the number;
  ``=0:...`` for an exact number; a list counts its items).

``tests/ontwikkelkracht/test_messages.py`` renders every message of every code in
both languages with figures made from these specs, and fails on an identifier in a
sentence.
"""

from __future__ import annotations

from typing import Final

from trajectory.engine.violations import ViolationRegistry
from trajectory.ontwikkelkracht.labels import WORDING

__all__ = ["APPLICATION_CODES", "APPLICATION_VIOLATIONS", "VIOLATIONS"]

#: All violation types of the leertraject, by code (worded with the leertraject's
#: labels, times in the Netherlands).
VIOLATIONS: Final = ViolationRegistry(wording=WORDING)
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
    nl="Het oriënterend gesprek had als conclusie ‘{conclusion:conclusion}’; "
    "aanmelden kan alleen na een positieve conclusie.",
    en="The orientation talk's conclusion was ‘{conclusion:conclusion}’; "
    "registering needs a positive conclusion.",
    description="register: the orientation talk's conclusion was not positive.",
)
DATE_IN_FUTURE: Final = _define(
    "date.in_future",
    nl="De {field:field} {date:date} ligt na vandaag ({today:date}).",
    en="The {field:field} {date:date} is after today ({today:date}).",
    description="Something that happened is dated in the future.",
)
DATE_OUTSIDE_SCHOOL_YEAR: Final = _define(
    "date.outside_school_year",
    nl="De datum {date:date} valt buiten schooljaar {school_year} ({start:date} – {end:date}).",
    en="The date {date:date} falls outside school year {school_year} ({start:date} – {end:date}).",
    description="hold_study_moment, hold_guidance_moment, log_hours, "
    "record_knowledge_sharing: dated outside the trajectory's school year.",
)
DATE_BEFORE_INTAKE: Final = _define(
    "date.before_intake",
    nl="De datum {date:date} ligt vóór het intakegesprek van {intake:date}.",
    en="The date {date:date} is before the intake, held on {intake:date}.",
    description="hold_study_moment, hold_guidance_moment: dated before the intake.",
)
REASON_MISSING: Final = _define(
    "reason.missing",
    nl="Geef een reden op voor ‘{event:event}’.",
    en="Give a reason for ‘{event:event}’.",
    description="decline, reject, withdraw: the reason is empty.",
)

# -- the application ---------------------------------------------------------------

TALKS_REQUIRED_MISSING: Final = _define(
    "talks.required_missing",
    nl="Voor de aanvraag in schooljaar {school_year} is een gesprek met het programmabureau "
    "nodig: {required_any_of:talk_kind or}. Vastgelegd: {recorded:talk_kind list}.",
    en="Applying in school year {school_year} needs a talk with the programme office: "
    "{required_any_of:talk_kind or}. Recorded: {recorded:talk_kind list}.",
    description="submit_application: a pre-application talk the year's rules require "
    "is not recorded.",
)
ACTIVITY_PLAN_MISSING_PART: Final = _define(
    "activity_plan.missing_part",
    nl="Het activiteitenplan mist het onderdeel ‘{part:activity_plan_part}’.",
    en="The activity plan misses the part ‘{part:activity_plan_part}’.",
    description="submit_application: one violation per missing part of the activity plan.",
)
PARTICIPANTS_MINIMUM: Final = _define(
    "participants.minimum",
    nl="Minimaal {required:plural one:# deelnemer|other:# deelnemers} nodig; "
    "er {actual:plural =0:zijn er geen|one:is er #|other:zijn er #}.",
    en="At least {required:plural one:# participant is|other:# participants are} needed; "
    "there {actual:plural =0:are none|one:is #|other:are #}.",
    description="Fewer participants than the year's rules require.",
)
PARTICIPANTS_SCHOOL_LEADER: Final = _define(
    "participants.school_leader",
    nl="Minimaal {required:plural one:# schoolleider moet|other:# schoolleiders moeten} "
    "deelnemen; nu {actual:plural =0:neemt er geen deel|one:neemt er # deel|"
    "other:nemen er # deel}.",
    en="At least {required:plural one:# school leader|other:# school leaders} must take part; "
    "{actual:plural =0:none does|one:# does|other:# do}.",
    description="Fewer school leaders among the participants than required.",
)
HOURS_MINIMUM: Final = _define(
    "hours.minimum",
    nl="Minimaal {required:plural one:# uur|other:# uur} personele ruimte nodig; "
    "er is {actual:plural one:# uur|other:# uur} gepland.",
    en="At least {required:plural one:# hour|other:# hours} of staff time must be planned; "
    "{actual:plural one:# hour is|other:# hours are} planned.",
    description="submit_application: the participants' planned hours are below the minimum.",
)
WINDOW_CLOSED: Final = _define(
    "window.closed",
    nl="Aanvragen kan alleen in het aanvraagtijdvak ({windows:datetime period list}); "
    "nu is het {moment:datetime}.",
    en="Applications are accepted only in the application window "
    "({windows:datetime period list}); it is now {moment:datetime}.",
    description="submit_application: outside every application window of the year.",
)
SECTOR_INELIGIBLE: Final = _define(
    "sector.ineligible",
    nl="De sector {sector:sector} komt niet in aanmerking; wel: {eligible:sector list}.",
    en="The sector {sector:sector} is not eligible; eligible are: {eligible:sector list}.",
    description="submit_application: the school's sector is not eligible in that year.",
)
OFFER_UNAVAILABLE: Final = _define(
    "offer.unavailable",
    nl="Het leertraject ‘{offer:offer}’ wordt in schooljaar {school_year} niet aangeboden. "
    "De catalogus die met de bibliotheek wordt meegeleverd, bevat alleen het aanbod van "
    "2024-2025; voor een later schooljaar leest u een eigen catalogus in met het aanbod "
    "van dat jaar en begint u het leertraject vanuit die catalogus.",
    en="The learning trajectory ‘{offer:offer}’ is not offered in school year {school_year}. "
    "The catalog that comes with the library holds the offers of 2024-2025 only; for a "
    "later school year, load a catalog of your own with that year's offers and start the "
    "learning trajectory from that catalog.",
    description="submit_application: the offer is not in the catalog for that year "
    "(the shipped catalog has 2024-2025 only).",
)
COMPLETION_DEADLINE_PASSED: Final = _define(
    "completion.deadline_passed",
    nl="De termijn voor aanvulling verliep op {deadline:date}; vandaag is het {today:date}.",
    en="The completion period ended on {deadline:date}; today is {today:date}.",
    description="complete_application: after the completion deadline.",
)
COMPLETION_DEADLINE_INVALID: Final = _define(
    "completion.deadline_invalid",
    nl="De termijn voor aanvulling ({deadline:date}) moet na vandaag ({today:date}) liggen "
    "en uiterlijk op {latest:date}.",
    en="The completion deadline ({deadline:date}) must be after today ({today:date}) "
    "and no later than {latest:date}.",
    description="request_completion: the deadline is not within the scheme's period.",
)
GRANT_AMOUNT_MISMATCH: Final = _define(
    "grant.amount_mismatch",
    nl="Het bedrag {actual:EUR} wijkt af van het vaste bedrag {expected:EUR}; "
    "geef een reden voor de afwijking.",
    en="The amount {actual:EUR} differs from the fixed amount {expected:EUR}; "
    "give a reason for the override.",
    description="grant: an amount other than the scheme's, without a reason.",
)

# -- preparation and execution ----------------------------------------------------

CORE_GROUP_MISSING: Final = _define(
    "core_group.missing",
    nl="Een kerngroep van minimaal {required:plural one:# deelnemer|other:# deelnemers} is "
    "nodig; die telt er {actual:number}.",
    en="A core group of at least {required:plural one:# participant|other:# participants} "
    "is needed; it has {actual:number}.",
    description="hold_intake: the core group is too small.",
)
CORE_GROUP_SCHOOL_LEADER: Final = _define(
    "core_group.school_leader",
    nl="De kerngroep moet minimaal {required:plural one:# schoolleider|other:# schoolleiders} "
    "bevatten; nu {actual:plural =0:zit er geen in|one:zit er # in|other:zitten er # in}.",
    en="The core group must include at least "
    "{required:plural one:# school leader|other:# school leaders}; "
    "it has {actual:plural =0:none|one:#|other:#}.",
    description="hold_intake, hold_closing_talk: no current participant who is a school "
    "leader in the core group.",
)
CALENDAR_INCOMPLETE: Final = _define(
    "calendar.incomplete",
    nl="De jaarkalender is onvolledig: {item:calendar_item} — nodig: "
    "{required:number period}, gepland: {actual:number}.",
    en="The annual calendar is incomplete: {item:calendar_item} — needed: "
    "{required:number period}, planned: {actual:number}.",
    description="hold_intake: one violation per item of the calendar that is short.",
)
CALENDAR_OUTSIDE_SCHOOL_YEAR: Final = _define(
    "calendar.outside_school_year",
    nl="{dates:plural one:Deze datum valt|other:Deze datums vallen} buiten schooljaar "
    "{school_year} ({start:date} – {end:date}): {dates:date list}.",
    en="{dates:plural one:This date falls|other:These dates fall} outside school year "
    "{school_year} ({start:date} – {end:date}): {dates:date list}.",
    description="hold_intake: planned dates outside the school year.",
)
DEVELOPMENT_PLAN_MISSING_PART: Final = _define(
    "development_plan.missing_part",
    nl="Het ontwikkelplan mist het onderdeel ‘{part:development_plan_part}’.",
    en="The development plan misses the part ‘{part:development_plan_part}’.",
    description="start_execution: one violation per missing part of the development plan.",
)
STUDY_MOMENTS_MAXIMUM: Final = _define(
    "study_moments.maximum",
    nl="Er {actual:plural one:is al # studiemoment|other:zijn al # studiemomenten} gehouden; "
    "het maximum is {maximum:number}.",
    en="{actual:plural one:# study moment has|other:# study moments have} been held already; "
    "the maximum is {maximum:number}.",
    description="hold_study_moment: the year's maximum is reached.",
)
STUDY_MOMENTS_MINIMUM: Final = _define(
    "study_moments.minimum",
    nl="Minimaal {required:plural one:# studiemoment|other:# studiemomenten} nodig; "
    "er {actual:plural one:is er # gehouden|other:zijn er # gehouden}.",
    en="At least {required:plural one:# study moment is|other:# study moments are} needed; "
    "{actual:plural one:# was|other:# were} held.",
    description="hold_closing_talk: too few study moments held.",
)
GUIDANCE_MOMENTS_MINIMUM: Final = _define(
    "guidance_moments.minimum",
    nl="Minimaal {required:plural one:# begeleidingsmoment|other:# begeleidingsmomenten} "
    "nodig; er {actual:plural one:is er # gehouden|other:zijn er # gehouden}.",
    en="At least {required:plural one:# guidance moment is|other:# guidance moments are} "
    "needed; {actual:plural one:# was|other:# were} held.",
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
GRANT_DECISION_AMOUNT_BELOW: Final = _define(
    "grant.decision_amount_below",
    nl="Het bedrag van het hele besluit ({decision:EUR}) kan niet lager zijn dan het bedrag "
    "voor deze vestiging ({amount:EUR}).",
    en="The amount of the whole decision ({decision:EUR}) cannot be less than the amount "
    "for this location ({amount:EUR}).",
    description="grant, grant_on_objection: a decision amount below the location's own.",
)

# -- payment and settlement (SPEC §7.4) ----------------------------------------------

SETTLEMENT_REQUEST_LATE: Final = _define(
    "settlement_request.late",
    nl="De aanvraag tot vaststelling is ontvangen op {received:datetime}, na de termijn van "
    "{weeks:plural one:# week|other:# weken} na het schooljaar die op {deadline:date} "
    "eindigde; leg vast waarom de termijnoverschrijding verschoonbaar is.",
    en="The settlement request was received on {received:datetime}, after the term of "
    "{weeks:plural one:# week|other:# weeks} after the school year that ended on "
    "{deadline:date}; record why the delay is excusable.",
    description="request_settlement: received after the rules' weeks after the end of "
    "the school year, without an excuse.",
)
SETTLEMENT_REQUEST_EX_OFFICIO: Final = _define(
    "settlement_request.ex_officio",
    nl="Deze subsidie wordt ambtshalve vastgesteld: het besluit van {decision:EUR} ligt "
    "niet boven de grens van {threshold:EUR}, dus een aanvraag tot vaststelling is niet "
    "nodig.",
    en="This subsidy is settled ex officio: the decision of {decision:EUR} is not above "
    "the threshold of {threshold:EUR}, so no settlement request is needed.",
    description="request_settlement: the grant is settled ex officio (its decision is at "
    "or below the rules' threshold).",
)
SETTLEMENT_REQUEST_MISSING: Final = _define(
    "settlement_request.missing",
    nl="Het besluit van {decision:EUR} ligt boven de grens van {threshold:EUR}: de subsidie "
    "wordt vastgesteld op aanvraag. De aanvraag tot vaststelling met het "
    "activiteitenverslag is nog niet ingediend (de termijn loopt tot en met "
    "{deadline:date}).",
    en="The decision of {decision:EUR} is above the threshold of {threshold:EUR}: the "
    "subsidy is settled on request. The settlement request with the activity report has "
    "not been filed yet (the term runs until {deadline:date}).",
    description="settle: the grant is settled on request and no settlement request is filed.",
)

HOURS_DAY_MAXIMUM: Final = _define(
    "hours.day_maximum",
    nl="{participant} zou op {date:date} {actual:plural one:# uur|other:# uur} hebben; "
    "een dag telt maximaal {maximum:plural one:# uur|other:# uur}.",
    en="{participant} would have {actual:plural one:# hour|other:# hours} on {date:date}; "
    "a day has at most {maximum:plural one:# hour|other:# hours}.",
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
    nl="{names:plural one:Er is geen deelnemer met de naam #|other:Er zijn geen deelnemers "
    "met de namen #}.",
    en="{names:plural one:No participant is named #|other:No participants are named #}.",
    description="remove_participant, form_core_group, log_hours: a name that does not take part.",
)

# -- the application (SPEC §7) -------------------------------------------------------

RECEIPT_IN_FUTURE: Final = _define(
    "receipt.in_future",
    nl="Het moment van ontvangst ({received:datetime}) ligt na het moment waarop het "
    "wordt vastgelegd ({recorded:datetime}).",
    en="The moment of receipt ({received:datetime}) is after the moment it is recorded "
    "({recorded:datetime}).",
    description="submit, complete, lodge_objection: a moment of receipt in the future.",
)
COMPLETION_DEADLINE_NOT_PASSED: Final = _define(
    "completion.deadline_not_passed",
    nl="De termijn voor aanvulling loopt nog tot en met {deadline:date}; pas daarna kan de "
    "aanvraag buiten behandeling worden gesteld.",
    en="The completion period runs until {deadline:date}; only after it can the application "
    "be left unconsidered.",
    description="not_consider: the completion deadline has not passed (Awb 4:5).",
)

#: The violation types only an application (or the Office deciding it) reports, by
#: code: registered with the application lifecycle, not the leertraject's.
APPLICATION_VIOLATIONS: Final = ViolationRegistry(wording=WORDING)
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
    "ontvangen op {received:datetime}, is eerder binnengekomen en nog niet besloten.",
    en="Applications are decided in order of receipt: the application of {board}, "
    "received on {received:datetime}, came in earlier and is not decided yet.",
    description="grant: an earlier complete application in the round is undecided; "
    "``earlier`` names it.",
)
OBJECTION_LATE: Final = _define_application(
    "objection.late",
    nl="Het bezwaar is ontvangen op {lodged:date}, na de bezwaartermijn van "
    "{weeks:plural one:# week|other:# weken} die op {deadline:date} eindigde; leg vast "
    "waarom de termijnoverschrijding verschoonbaar is.",
    en="The objection was received on {lodged:date}, after the objection period of "
    "{weeks:plural one:# week|other:# weeks} that ended on {deadline:date}; record why "
    "the delay is excusable.",
    description="lodge_objection: after the objection term (Awb 6:7) without an excuse.",
)
OBJECTION_BEFORE_DECISION: Final = _define_application(
    "objection.before_decision",
    nl="Het bezwaar ({lodged:datetime}) kan niet eerder zijn ontvangen dan het besluit "
    "({decided:datetime}).",
    en="The objection ({lodged:datetime}) cannot have been received before the decision "
    "({decided:datetime}).",
    description="lodge_objection: a moment of receipt before the decision.",
)
COMPLETION_BEFORE_REQUEST: Final = _define_application(
    "completion.before_request",
    nl="De aanvulling ({completed:datetime}) kan niet eerder zijn ontvangen dan de vraag "
    "om aanvulling ({requested:datetime}).",
    en="The completion ({completed:datetime}) cannot have been received before it was "
    "asked for ({requested:datetime}).",
    description="complete: a completion moment before the request.",
)
SETTLEMENT_NOTHING_GRANTED: Final = _define_application(
    "settlement.nothing_granted",
    nl="Aan geen enkele vestiging van deze aanvraag is subsidie verleend; er valt niets "
    "vast te stellen.",
    en="No location of this application was granted a subsidy; there is nothing to settle.",
    description="request_settlement, settle (the Office): the application grants no location.",
)
STOP_NOT_GRANTED: Final = _define_application(
    "stop.not_granted",
    nl="Alleen een vestiging met een verleende subsidie die nog loopt kan voortijdig "
    "stoppen; deze is in de fase ‘{state:state}’.",
    en="Only a location with a granted subsidy that is still running can stop early; "
    "this one is at ‘{state:state}’.",
    description="stop (the Office): the location is not between the grant and the closing talk.",
)

#: The codes only an application reports.
APPLICATION_CODES: Final = frozenset(APPLICATION_VIOLATIONS)
