"""The leertraject's preconditions: each guard returns every violation it finds.

A guard is ``guard(data, payload, context) -> list[Violation]``; guards never
change anything and never do I/O. "Today" is the date in the Netherlands. A guard
that reads the moment (``context.now`` or :func:`today`) is marked with
:func:`~trajectory.engine.definition.reads_time`, so that a store works out the
blockers of its state again when asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Final

from trajectory.engine.definition import Context, Guard, reads_time
from trajectory.engine.fields import name_key
from trajectory.engine.schedule import shifted
from trajectory.engine.violations import Violation
from trajectory.ontwikkelkracht import violations as v
from trajectory.ontwikkelkracht.model import Conclusion, SettlementRoute
from trajectory.ontwikkelkracht.payloads import MAX_HOURS_PER_DAY
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.school import NETHERLANDS as NETHERLANDS

__all__ = ["NETHERLANDS", "SUBMIT_GUARDS", "today"]


LeertrajectGuard = Guard[Leertraject]


def today(context: Context) -> dt.date:
    """The date in the Netherlands at the moment of the event (worked out on each
    call: it costs less than a microsecond, and nothing is kept between events)."""
    return context.now.astimezone(NETHERLANDS).date()


_ONE_DAY: Final = dt.timedelta(days=1)
_INSTANT: Final = dt.timedelta(microseconds=1)


def _day_starts(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the Netherlands."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=NETHERLANDS)


def _first_after(moment: dt.datetime, moments: Iterable[dt.datetime | None]) -> dt.datetime | None:
    """The earliest of ``moments`` after ``moment``, if any."""
    later = [found for found in moments if found is not None and found > moment]
    return min(later, default=None)


def _days_start(context: Context, days: Iterable[dt.date | None]) -> dt.datetime | None:
    """The first moment after now at which one of ``days`` begins (a date-based
    verdict changes when its day comes)."""
    return _first_after(context.now, (_day_starts(day) for day in days if day is not None))


def _number(value: Any) -> int | float:
    """A JSON-friendly figure: whole numbers as ``int`` (messages read ``800``, not
    ``800.00``), others as ``float``."""
    return int(value) if value == int(value) else float(value)


# -- generic ---------------------------------------------------------------------


def not_in_future(*fields: str) -> LeertrajectGuard:
    """A guard: the payload's date ``fields`` are not after today."""

    def changes_at(data: Leertraject, payload: Any, context: Context) -> dt.datetime | None:
        return _days_start(context, (getattr(payload, field) for field in fields))

    @reads_time(changes_at=changes_at)
    def guard(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
        now = today(context)
        found: list[Violation] = []
        for field in fields:
            day = getattr(payload, field)
            if day is not None and day > now:
                found.append(v.DATE_IN_FUTURE(field=field, date=day, today=now))
        return found

    return guard


def in_school_year(*fields: str) -> LeertrajectGuard:
    """A guard: the payload's date ``fields`` lie inside the trajectory's school year."""

    def guard(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
        year = data.school_year
        found: list[Violation] = []
        for field in fields:
            day = getattr(payload, field)
            if day is not None and day not in year:
                found.append(
                    v.DATE_OUTSIDE_SCHOOL_YEAR(
                        field=field,
                        date=day,
                        school_year=str(year),
                        start=year.start,
                        end=year.end,
                    )
                )
        return found

    return guard


def not_before_intake(*fields: str) -> LeertrajectGuard:
    """A guard: the payload's date ``fields`` are not before the intake (its day held,
    else planned: :attr:`Leertraject.intake_date`; nothing to judge without either)."""

    def guard(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
        intake = data.intake_date
        if intake is None:
            return []
        found: list[Violation] = []
        for field in fields:
            day = getattr(payload, field)
            if day is not None and day < intake:
                found.append(v.DATE_BEFORE_INTAKE(field=field, date=day, intake=intake))
        return found

    return guard


def reason_given(event: str) -> LeertrajectGuard:
    """A guard: the payload's ``reason`` is not blank."""

    def guard(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
        return [] if payload.reason.strip() else [v.REASON_MISSING(event=event)]

    return guard


# -- orientation --------------------------------------------------------------------


def orientation_report(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The orientation talk has a non-empty report."""
    return [] if payload.report.strip() else [v.ORIENTATION_REPORT_MISSING()]


def orientation_positive(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The orientation talk's conclusion was positive."""
    conclusion = None if data.orientation is None else data.orientation.conclusion
    if conclusion is Conclusion.POSITIVE:
        return []
    return [v.ORIENTATION_NEGATIVE(conclusion=str(conclusion or "none"))]


# -- the application -----------------------------------------------------------------


def talks_required(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """Every pre-application talk that the year's rules require is recorded: on the
    trajectory, or on the application it is submitted with (which counts for all its
    locations)."""
    on_application = getattr(payload, "application_talks", None) or data.application_talks
    recorded = {talk.kind for talk in data.talks}.union(on_application)
    return [
        v.TALKS_REQUIRED_MISSING(
            school_year=str(data.school_year),
            required_any_of=[str(kind) for kind in kinds],
            recorded=sorted(str(kind) for kind in recorded),
        )
        for kinds in data.rules.required_talks
        if not recorded.intersection(kinds)
    ]


def activity_plan_complete(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The activity plan has all four parts (one violation per missing part)."""
    return [v.ACTIVITY_PLAN_MISSING_PART(part=part) for part in data.activity_plan.missing_parts]


def participants_minimum(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """At least the scheme's minimum number of participants."""
    required, actual = data.rules.minimum_participants, len(data.participants)
    return [v.PARTICIPANTS_MINIMUM(required=required, actual=actual)] if actual < required else []


def participants_school_leader(
    data: Leertraject, payload: Any, context: Context
) -> list[Violation]:
    """At least the scheme's minimum number of school leaders among the participants."""
    required, actual = data.rules.minimum_school_leaders, data.school_leader_count
    if actual < required:
        return [v.PARTICIPANTS_SCHOOL_LEADER(required=required, actual=actual)]
    return []


def hours_minimum(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """At least the scheme's minimum of staff hours committed."""
    required, actual = data.rules.minimum_hours, data.planned_hours
    if actual < required:
        return [v.HOURS_MINIMUM(required=_number(required), actual=_number(actual))]
    return []


def _window_changes(data: Leertraject, payload: Any, context: Context) -> dt.datetime | None:
    """When ``window_open`` may next say otherwise: a window opens, or closes (a
    window holds its closing moment); never, once judged on a moment of receipt."""
    if getattr(payload, "received_at", None) is not None or data.submitted_at is not None:
        return None
    boundaries: list[dt.datetime | None] = []
    for window in data.rules.application_windows:
        boundaries += [window.opens, shifted(window.closes, _INSTANT)]
    return _first_after(context.now, boundaries)


def _receipt(data: Leertraject, payload: Any, context: Context) -> dt.datetime:
    """The moment the window is judged on: the moment of receipt given, else that of
    an application already received (the window is judged once), else now."""
    given = getattr(payload, "received_at", None)
    if given is not None:
        return given  # type: ignore[no-any-return]
    return context.now if data.submitted_at is None else data.submitted_at


@reads_time(changes_at=_window_changes)
def window_open(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """Received inside one of the scheme's application windows, judged on the moment of
    receipt (which may be earlier than the moment it is recorded)."""
    received = _receipt(data, payload, context)
    if data.rules.window_at(received) is not None:
        return []
    windows = [(w.opens, w.closes) for w in data.rules.application_windows]
    return [v.WINDOW_CLOSED(moment=received, windows=windows)]


def sector_eligible(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The school's sector is eligible under the year's rules."""
    eligible = data.rules.eligible_sectors
    if data.school.sector in eligible:
        return []
    return [
        v.SECTOR_INELIGIBLE(
            sector=str(data.school.sector), eligible=sorted(str(s) for s in eligible)
        )
    ]


def offer_available(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The offer is in the catalog for the trajectory's school year."""
    if data.offer.offered_in(data.school_year):
        return []
    return [v.OFFER_UNAVAILABLE(offer=data.offer.id, school_year=str(data.school_year))]


#: The preconditions of submit_application (complete_application: all but window_open,
#: since the window is judged once, on receipt).
SUBMIT_GUARDS: Final[tuple[LeertrajectGuard, ...]] = (
    talks_required,
    activity_plan_complete,
    participants_minimum,
    participants_school_leader,
    hours_minimum,
    window_open,
    sector_eligible,
    offer_available,
)


def _deadline_changes(data: Leertraject, payload: Any, context: Context) -> dt.datetime | None:
    """When ``completion_deadline_valid`` may next say otherwise: the deadline comes
    within the period, or the deadline's day comes."""
    if payload.deadline is None:
        return None
    period = dt.timedelta(days=data.rules.completion_period_days)
    within = shifted(payload.deadline, -period)
    return _days_start(context, (within, payload.deadline))


@reads_time(changes_at=_deadline_changes)
def completion_deadline_valid(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """A requested completion deadline lies after today, within the scheme's period."""
    if payload.deadline is None:
        return []
    now = today(context)
    # Beyond the year 9999 (no date), every later date is within the period.
    latest = shifted(now, dt.timedelta(days=data.rules.completion_period_days)) or dt.date.max
    if now < payload.deadline <= latest:
        return []
    return [v.COMPLETION_DEADLINE_INVALID(deadline=payload.deadline, today=now, latest=latest)]


def _completion_changes(data: Leertraject, payload: Any, context: Context) -> dt.datetime | None:
    """When ``completion_in_time`` may next say otherwise: the day after the deadline."""
    deadline = data.completion_deadline
    return None if deadline is None else _days_start(context, (shifted(deadline, _ONE_DAY),))


@reads_time(changes_at=_completion_changes)
def completion_in_time(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The application is completed on or before its deadline."""
    deadline, now = data.completion_deadline, today(context)
    if deadline is None or now <= deadline:
        return []
    return [v.COMPLETION_DEADLINE_PASSED(deadline=deadline, today=now)]


@reads_time(changes_at=_completion_changes)
def completion_deadline_expired(
    data: Leertraject, payload: Any, context: Context
) -> list[Violation]:
    """The completion deadline has passed: only then is an application not completed
    left unconsidered (Awb 4:5)."""
    deadline = data.completion_deadline
    if deadline is None or today(context) > deadline:
        return []
    return [v.COMPLETION_DEADLINE_NOT_PASSED(deadline=deadline)]


def receipt_not_in_future(data: Any, payload: Any, context: Context) -> list[Violation]:
    """A moment of receipt given (of an application, a completion, an objection) is
    not after the moment it is recorded."""
    given = None
    for field in ("received_at", "completed_at", "lodged_at"):
        given = given or getattr(payload, field, None)
    if given is None or given <= context.now:
        return []
    return [v.RECEIPT_IN_FUTURE(received=given, recorded=context.now)]


def grant_amount(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The amount is the scheme's fixed amount, unless overridden with a reason; the
    whole decision's amount, where given, is not less than it."""
    expected = data.rules.subsidy_amount
    amount = expected if payload.amount is None else payload.amount
    found: list[Violation] = []
    decision = getattr(payload, "decision_amount", None)
    if decision is not None and decision < amount:
        found.append(v.GRANT_DECISION_AMOUNT_BELOW(decision=decision, amount=amount))
    if amount == expected:
        return found
    if payload.override_reason is not None and payload.override_reason.strip():
        return found
    return [v.GRANT_AMOUNT_MISMATCH(expected=expected, actual=payload.amount), *found]


# -- payment and settlement (SPEC §7.4) ---------------------------------------------------


def _decision_figures(data: Leertraject) -> dict[str, Any]:
    """The figures that chose the route: the decision's amount and the threshold."""
    decision = None if data.grant is None else data.grant.decision
    return {"decision": decision, "threshold": data.rules.ex_officio_threshold}


def _request_changes(data: Leertraject, payload: Any, context: Context) -> dt.datetime | None:
    """When ``settlement_request_in_time`` may next say otherwise: the day after the
    deadline (for a request received now)."""
    if getattr(payload, "received_at", None) is not None:
        return None
    return _days_start(context, (shifted(data.settlement_request_deadline, _ONE_DAY),))


@reads_time(changes_at=_request_changes)
def settlement_request_in_time(
    data: Leertraject, payload: Any, context: Context
) -> list[Violation]:
    """The grant is settled on request (not ex officio), and the request is received
    on or before the deadline (the rules' weeks after the school year), unless an excuse
    for the delay is recorded."""
    if data.settlement_route is not SettlementRoute.REQUEST:
        return [v.SETTLEMENT_REQUEST_EX_OFFICIO(**_decision_figures(data))]
    received = context.now if payload.received_at is None else payload.received_at
    deadline = data.settlement_request_deadline
    if received.astimezone(NETHERLANDS).date() <= deadline:
        return []
    if payload.excuse is not None and payload.excuse.strip():
        return []
    return [
        v.SETTLEMENT_REQUEST_LATE(
            deadline=deadline, received=received, weeks=data.rules.settlement_request_weeks
        )
    ]


def settlement_request_filed(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """A grant settled on request is settled once the board filed its request."""
    if data.settlement_route is not SettlementRoute.REQUEST or data.settlement_request:
        return []
    return [
        v.SETTLEMENT_REQUEST_MISSING(
            **_decision_figures(data), deadline=data.settlement_request_deadline
        )
    ]


# -- preparation and execution ---------------------------------------------------------


def core_group_formed(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """A core group of the minimum size that includes a school leader."""
    rules, members = data.rules, data.core_group
    found: list[Violation] = []
    if len(members) < rules.core_group_minimum:
        found.append(v.CORE_GROUP_MISSING(required=rules.core_group_minimum, actual=len(members)))
    return found + core_group_school_leader(data, payload, context)


def core_group_school_leader(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The core group still holds the scheme's minimum of school leaders who are
    current participants (one who left the trajectory no longer counts)."""
    required = data.rules.core_group_school_leaders
    leaders = {name_key(p.name) for p in data.school_leaders}
    in_group = sum(1 for member in data.core_group if name_key(member) in leaders)
    if in_group < required:
        return [v.CORE_GROUP_SCHOOL_LEADER(required=required, actual=in_group)]
    return []


def calendar_planned(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """An annual calendar with the intake, the study moments and the guidance moments,
    every date inside the school year."""
    rules, calendar = data.rules, data.calendar
    planned_intake = 0 if calendar is None or calendar.intake is None else 1
    studies = 0 if calendar is None else len(calendar.study_moments)
    guidance = 0 if calendar is None else len(calendar.guidance_moments)
    found: list[Violation] = []
    if planned_intake < 1:
        found.append(v.CALENDAR_INCOMPLETE(item="intake", required=1, actual=0))
    if not rules.study_moments_minimum <= studies <= rules.study_moments_maximum:
        found.append(
            v.CALENDAR_INCOMPLETE(
                item="study_moments",
                required=(rules.study_moments_minimum, rules.study_moments_maximum),
                actual=studies,
            )
        )
    if guidance < max(rules.guidance_moments_minimum, 1):
        found.append(
            v.CALENDAR_INCOMPLETE(
                item="guidance_moments",
                required=max(rules.guidance_moments_minimum, 1),
                actual=guidance,
            )
        )
    if calendar is not None:
        outside = [day for day in calendar.dates if day not in data.school_year]
        if outside:
            found.append(
                v.CALENDAR_OUTSIDE_SCHOOL_YEAR(
                    school_year=str(data.school_year),
                    start=data.school_year.start,
                    end=data.school_year.end,
                    dates=outside,
                )
            )
    return found


def development_plan_complete(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The development plan has all four parts (one violation per missing part)."""
    return [
        v.DEVELOPMENT_PLAN_MISSING_PART(part=part) for part in data.development_plan.missing_parts
    ]


def study_moments_maximum(data: Leertraject) -> int:
    """The scheme's maximum of study moments (a limit of the lifecycle's repeats)."""
    return data.rules.study_moments_maximum


def study_moments_minimum(data: Leertraject) -> int:
    """The scheme's minimum of study moments before the closing talk."""
    return data.rules.study_moments_minimum


def guidance_moments_minimum(data: Leertraject) -> int:
    """The guidance moments needed before the closing talk: the scheme's, at least one."""
    return max(data.rules.guidance_moments_minimum, 1)


def implementation_plan_given(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The implementation plan is not empty."""
    return [] if payload.plan.strip() else [v.IMPLEMENTATION_PLAN_MISSING()]


def hours_logged(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """A completed trajectory is settled against logged hours (a stopped one may have none)."""
    if context.state == "completed" and not data.hours:
        return [v.HOURS_NOT_LOGGED()]
    return []


def knowledge_shared(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """A completed trajectory is settled once its knowledge sharing with other schools
    is recorded, where the year's rules require it (a stopped one need not have any)."""
    if context.state != "completed" or not data.rules.knowledge_sharing_required:
        return []
    if data.knowledge_sharing:
        return []
    return [v.KNOWLEDGE_SHARING_MISSING(school_year=str(data.school_year), required=1, actual=0)]


def hours_loggable(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The participant is registered, and logs at most 24 hours on one date, together.

    (One guard for both: ``log_hours`` is the most frequent event, and both ask for
    the participant.)
    """
    found = data.participant(payload.participant)
    if found is None:
        return [v.PARTICIPANTS_UNKNOWN(names=[payload.participant])]
    # Entries keep the participant's registered spelling; the record keeps an index.
    total = data.hours_on(found.name, payload.date) + payload.hours
    if total <= MAX_HOURS_PER_DAY:
        return []
    return [
        v.HOURS_DAY_MAXIMUM(
            participant=payload.participant,
            date=payload.date,
            maximum=_number(MAX_HOURS_PER_DAY),
            actual=_number(total),
        )
    ]


# -- participants ------------------------------------------------------------------------


def participant_is_new(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """No participant has the same name yet."""
    if data.participant(payload.name) is None:
        return []
    return [v.PARTICIPANTS_DUPLICATE(name=payload.name)]


def participants_known(attribute: str) -> LeertrajectGuard:
    """A guard: every name in the payload's ``attribute`` is a participant."""

    def guard(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
        value = getattr(payload, attribute)
        if isinstance(value, str):  # one name: the usual case
            if data.participant(value) is not None:
                return []
            return [v.PARTICIPANTS_UNKNOWN(names=[value])]
        named: Sequence[str] = value
        unknown = [name for name in named if data.participant(name) is None]
        return [v.PARTICIPANTS_UNKNOWN(names=unknown)] if unknown else []

    return guard


#: The guards re-checked when a trajectory continues with its participants.
PARTICIPANT_GUARDS: Final[tuple[LeertrajectGuard, ...]] = (
    participants_minimum,
    participants_school_leader,
)
