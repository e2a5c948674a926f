"""What each leertraject event records: ``effect(data, payload, context) -> new data``.

Effects are pure: they build a new :class:`Leertraject` and never change the one
they are given, so a refused or failing event leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

import attrs

from trajectory.engine.definition import Context
from trajectory.engine.fields import name_key
from trajectory.engine.records import appended, evolver
from trajectory.engine.schedule import shifted
from trajectory.ontwikkelkracht import payloads as p
from trajectory.ontwikkelkracht.guards import today
from trajectory.ontwikkelkracht.model import (
    Calendar,
    ChangeKind,
    ChangeReport,
    Grant,
    GuidanceMoment,
    HoursEntry,
    KnowledgeSharing,
    Orientation,
    Participant,
    SelfScan,
    Settlement,
    SettlementRequest,
    StudyMoment,
    Talk,
)
from trajectory.ontwikkelkracht.record import Leertraject, Participants
from trajectory.ontwikkelkracht.settlement import settlement_policy

_CENTS_ZERO: Final = Decimal("0.00")

#: attrs.evolve for Leertraject, its field list worked out once (effects run on every fire).
evolve = evolver(Leertraject)


def create(payload: p.Created, context: Context) -> Leertraject:
    """The data of a new trajectory."""
    return Leertraject(payload.school, payload.offer, payload.school_year, payload.rules)


def hold_orientation(
    data: Leertraject, payload: p.HoldOrientation, context: Context
) -> Leertraject:
    orientation = Orientation(
        payload.date, payload.learning_question, payload.conclusion, payload.report
    )
    return evolve(data, orientation=orientation)


def record_reason(data: Leertraject, payload: Any, context: Context) -> Leertraject:
    """Decline, reject, withdraw: keep the reason."""
    return evolve(data, reason=payload.reason)


def submit_application(
    data: Leertraject, payload: p.SubmitApplication, context: Context
) -> Leertraject:
    """Keep the moment of first receipt (applications are decided in order of receipt),
    the application the location is part of and the talks recorded on it."""
    received = context.now if payload.received_at is None else payload.received_at
    return evolve(
        data,
        submitted_at=received if data.submitted_at is None else data.submitted_at,
        application=payload.application,
        application_talks=payload.application_talks,
    )


def request_completion(
    data: Leertraject, payload: p.RequestCompletion, context: Context
) -> Leertraject:
    period = dt.timedelta(days=data.rules.completion_period_days)
    deadline = payload.deadline or shifted(today(context), period) or dt.date.max
    return evolve(data, completion_deadline=deadline)


def complete_application(data: Leertraject, payload: Any, context: Context) -> Leertraject:
    return evolve(data, completion_deadline=None)


def grant(data: Leertraject, payload: p.GrantSubsidy, context: Context) -> Leertraject:
    """Keep the amount and the whole decision's amount where given: with the rules they
    give the advance and the settlement route (``Leertraject.advance``,
    ``Leertraject.settlement_route``)."""
    amount = data.rules.subsidy_amount if payload.amount is None else payload.amount
    reason = payload.override_reason if amount != data.rules.subsidy_amount else None
    made = Grant(amount, today(context), reason, decision_amount=payload.decision_amount)
    return evolve(data, grant=made)


def withdraw(data: Leertraject, payload: p.Withdraw, context: Context) -> Leertraject:
    """Keep the reason; after the grant (the trajectory stops), record the report of
    the change too (meldingsplicht): a report of kind ``stopping`` with the reason."""
    if context.target != "stopped":
        return evolve(data, reason=payload.reason)
    report = ChangeReport(today(context), ChangeKind.STOPPING, payload.reason)
    return evolve(data, reason=payload.reason, change_reports=(*data.change_reports, report))


def report_change(data: Leertraject, payload: p.ReportChange, context: Context) -> Leertraject:
    report = ChangeReport(payload.date, payload.kind, payload.description)
    return evolve(data, change_reports=(*data.change_reports, report))


def request_settlement(
    data: Leertraject, payload: p.RequestSettlement, context: Context
) -> Leertraject:
    """Keep the request (a second one replaces the first; the history holds both)."""
    received = context.now if payload.received_at is None else payload.received_at
    request = SettlementRequest(received, payload.report, payload.excuse)
    return evolve(data, settlement_request=request)


def record_talk(data: Leertraject, payload: p.RecordTalk, context: Context) -> Leertraject:
    return evolve(data, talks=appended(data.talks, Talk(payload.kind, payload.date)))


def add_participant(data: Leertraject, payload: p.AddParticipant, context: Context) -> Leertraject:
    participant = Participant(payload.name.strip(), payload.role, payload.planned_hours)
    return data.with_participant(participant)


def remove_participant(
    data: Leertraject, payload: p.RemoveParticipant, context: Context
) -> Leertraject:
    """Remove the participant, and from the core group too."""
    key = name_key(payload.name)
    return evolve(
        data,
        participants=Participants.of(data.participants).without(payload.name),
        core_group=tuple(name for name in data.core_group if name_key(name) != key),
    )


def _merge(plan: Any, payload: Any) -> Any:
    written = {
        field.name: value
        for field in attrs.fields(type(payload))
        if (value := getattr(payload, field.name)) is not None
    }
    return attrs.evolve(plan, **written)


def write_activity_plan(
    data: Leertraject, payload: p.WriteActivityPlan, context: Context
) -> Leertraject:
    return evolve(data, activity_plan=_merge(data.activity_plan, payload))


def write_development_plan(
    data: Leertraject, payload: p.WriteDevelopmentPlan, context: Context
) -> Leertraject:
    return evolve(data, development_plan=_merge(data.development_plan, payload))


def form_core_group(data: Leertraject, payload: p.FormCoreGroup, context: Context) -> Leertraject:
    """The core group, with each name as the participant is registered."""
    members = tuple(
        found.name if (found := data.participant(name)) is not None else name
        for name in payload.members
    )
    return evolve(data, core_group=members)


def plan_calendar(data: Leertraject, payload: p.PlanCalendar, context: Context) -> Leertraject:
    calendar = Calendar(payload.intake, payload.study_moments, payload.guidance_moments)
    return evolve(data, calendar=calendar)


def hold_intake(data: Leertraject, payload: p.HoldIntake, context: Context) -> Leertraject:
    """Keep the day the intake was held, where given (else the calendar's day counts):
    study and guidance moments come after it."""
    if payload.date is None:
        return data
    return evolve(data, intake_held_on=payload.date)


def hold_study_moment(
    data: Leertraject, payload: p.HoldStudyMoment, context: Context
) -> Leertraject:
    moment = StudyMoment(payload.date, payload.form, payload.topic)
    return evolve(data, study_moments=appended(data.study_moments, moment))


def hold_guidance_moment(
    data: Leertraject, payload: p.HoldGuidanceMoment, context: Context
) -> Leertraject:
    moment = GuidanceMoment(payload.date, payload.notes)
    return evolve(data, guidance_moments=appended(data.guidance_moments, moment))


def hold_closing_talk(
    data: Leertraject, payload: p.HoldClosingTalk, context: Context
) -> Leertraject:
    return evolve(data, evaluation=payload.evaluation)


def log_hours(data: Leertraject, payload: p.LogHours, context: Context) -> Leertraject:
    found = data.participant(payload.participant)
    name = payload.participant if found is None else found.name
    return data.with_hours(HoursEntry(name, payload.date, payload.hours))


def record_knowledge_sharing(
    data: Leertraject, payload: p.RecordKnowledgeSharing, context: Context
) -> Leertraject:
    shared = KnowledgeSharing(payload.date, payload.form, payload.with_whom)
    return evolve(data, knowledge_sharing=appended(data.knowledge_sharing, shared))


def record_self_scan(data: Leertraject, payload: p.RecordSelfScan, context: Context) -> Leertraject:
    scan = SelfScan(context.target, payload.model, payload.date, payload.scores)
    return evolve(data, self_scans=(*data.self_scans, scan))


def deliver_implementation_plan(
    data: Leertraject, payload: p.DeliverImplementationPlan, context: Context
) -> Leertraject:
    return evolve(data, implementation_plan=payload.plan)


def settle(data: Leertraject, payload: Any, context: Context) -> Leertraject:
    """Settle the granted amount against the hours logged, by the rules' policy, with
    the rules' hourly staff cost and reimbursed share (kept in the settlement); the
    difference with the advance is the final payment or the repayment."""
    rules = data.rules
    granted = Decimal(0) if data.grant is None else data.grant.amount
    advance = data.advance or _CENTS_ZERO
    policy = settlement_policy(rules.settlement_policy)
    amount = policy(
        granted=granted,
        hours_required=rules.minimum_hours,
        hours_logged=data.logged_hours,
        hourly_cost=rules.hourly_cost,
        reimbursed_share=rules.reimbursed_share,
    )
    settlement = Settlement(
        policy=rules.settlement_policy,
        amount_granted=granted,
        amount_settled=amount,
        hours_required=rules.minimum_hours,
        hours_logged=data.logged_hours,
        participants=len(data.participants),
        participants_required=rules.minimum_participants,
        date=today(context),
        hourly_cost=rules.hourly_cost,
        reimbursed_share=rules.reimbursed_share,
        route=data.settlement_route,
        advance=advance,
        final_payment=max(amount - advance, _CENTS_ZERO),
        repayment=max(advance - amount, _CENTS_ZERO),
    )
    return evolve(data, settlement=settlement)
