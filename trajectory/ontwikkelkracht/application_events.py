"""The application's guards and effects, and the registry of what its definition
file (``data/application.toml``) names.

Guards judge the application on its own record: the window on the moment of receipt
(once), a completion on its deadline, an objection on its term. What needs the other
applications of the round or its ledger (the order of receipt, the budget ceiling) is
judged where they are loaded together: :class:`trajectory.Office`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from trajectory.engine.definition import Context, Lifecycle, reads_time
from trajectory.engine.records import evolver
from trajectory.engine.registry import Registry
from trajectory.engine.serialization import Codec
from trajectory.engine.violations import Violation
from trajectory.ontwikkelkracht import violations as v
from trajectory.ontwikkelkracht.application import (
    ApplicationCreated,
    ApplicationData,
    CompleteApplication,
    CompletionRequest,
    DecideApplication,
    DecideObjection,
    LodgeObjection,
    Objection,
    ObjectionDecision,
    ReceiveApplication,
)
from trajectory.ontwikkelkracht.model import Talk
from trajectory.ontwikkelkracht.school import NETHERLANDS

__all__ = [
    "DEFINITION_FILE",
    "application_registry",
    "load_application",
]

#: The application's definition file, in ``trajectory.ontwikkelkracht.data``.
DEFINITION_FILE: Final = "application.toml"

evolve = evolver(ApplicationData)


def _today(context: Context) -> dt.date:
    return context.now.astimezone(NETHERLANDS).date()


def _moment(given: dt.datetime | None, context: Context) -> dt.datetime:
    return context.now if given is None else given


# -- guards -------------------------------------------------------------------------------


def _window_changes(data: ApplicationData, payload: Any, context: Context) -> dt.datetime | None:
    if payload.received_at is not None:
        return None
    later = [
        moment
        for moment in (data.window.opens, data.window.closes + dt.timedelta(microseconds=1))
        if moment > context.now
    ]
    return min(later, default=None)


@reads_time(changes_at=_window_changes)
def received_in_window(data: ApplicationData, payload: Any, context: Context) -> list[Violation]:
    """The moment of receipt lies inside the round's window (judged once, at ``submit``)."""
    received = _moment(payload.received_at, context)
    if received in data.window:
        return []
    window = data.window
    return [v.WINDOW_CLOSED(moment=received, windows=[(window.opens, window.closes)])]


def _deadline_changes(data: ApplicationData, payload: Any, context: Context) -> dt.datetime | None:
    request = data.open_completion
    if request is None:
        return None
    after = dt.datetime.combine(
        request.deadline + dt.timedelta(days=1), dt.time(0), tzinfo=NETHERLANDS
    )
    return after if after > context.now else None


@reads_time(changes_at=_deadline_changes)
def completed_in_time(data: ApplicationData, payload: Any, context: Context) -> list[Violation]:
    """The completion is received on or before the deadline."""
    request = data.open_completion
    if request is None:
        return []
    completed = _moment(payload.completed_at, context)
    found: list[Violation] = []
    if completed < request.requested_at:
        found.append(
            v.COMPLETION_BEFORE_REQUEST(completed=completed, requested=request.requested_at)
        )
    day = completed.astimezone(NETHERLANDS).date()
    if day > request.deadline:
        found.append(v.COMPLETION_DEADLINE_PASSED(deadline=request.deadline, today=day))
    return found


@reads_time(changes_at=_deadline_changes)
def completion_deadline_over(
    data: ApplicationData, payload: Any, context: Context
) -> list[Violation]:
    """The completion deadline has passed (before, the application cannot be left
    unconsidered)."""
    request = data.open_completion
    if request is None or _today(context) > request.deadline:
        return []
    return [v.COMPLETION_DEADLINE_NOT_PASSED(deadline=request.deadline)]


def completion_deadline_allowed(
    data: ApplicationData, payload: Any, context: Context
) -> list[Violation]:
    """A requested deadline lies after today and within the round's completion term."""
    if payload.deadline is None:
        return []
    today = _today(context)
    latest = today + dt.timedelta(days=data.completion_days)
    if today < payload.deadline <= latest:
        return []
    return [
        v.COMPLETION_DEADLINE_INVALID(
            deadline=payload.deadline.isoformat(),
            today=today.isoformat(),
            latest=latest.isoformat(),
        )
    ]


def decisions_cover_locations(
    data: ApplicationData, payload: Any, context: Context
) -> list[Violation]:
    """The decision is about every location of the application, and about no other
    (a decision on an objection may change some of them)."""
    named = {decision.location for decision in _decisions_of(payload)}
    locations = set(data.location_ids)
    if isinstance(payload, DecideObjection):
        complete = named <= locations and (not payload.upheld or bool(named))
    else:
        complete = named == locations
    if complete:
        return []
    return [v.DECISION_LOCATIONS(decided=len(named & locations), total=len(locations))]


def _decisions_of(payload: Any) -> tuple[Any, ...]:
    if isinstance(payload, DecideObjection):
        return payload.changes
    decisions: tuple[Any, ...] = payload.decisions
    return decisions


def objection_in_time(data: ApplicationData, payload: Any, context: Context) -> list[Violation]:
    """The objection is received within the objection term after the decision
    (Awb 6:7), unless an excuse for the delay is recorded (Awb 6:11)."""
    lodged = _moment(payload.lodged_at, context)
    deadline = data.objection_deadline
    if data.decided_at is None or deadline is None:
        return []
    if lodged < data.decided_at:
        return [v.OBJECTION_BEFORE_DECISION(lodged=lodged, decided=data.decided_at)]
    day = lodged.astimezone(NETHERLANDS).date()
    if day <= deadline or (payload.excuse or "").strip():
        return []
    return [v.OBJECTION_LATE(lodged=day, weeks=data.objection_weeks, deadline=deadline)]


# -- effects --------------------------------------------------------------------------------


def create(payload: ApplicationCreated, context: Context) -> ApplicationData:
    """The data of a new application."""
    return ApplicationData(
        board=payload.board,
        round=payload.round,
        school_year=payload.school_year,
        locations=payload.locations,
        window=payload.window,
        completion_days=payload.completion_days,
        decision_weeks=payload.decision_weeks,
        objection_weeks=payload.objection_weeks,
        receipt_from_completion=payload.receipt_from_completion,
    )


def record_application_talk(
    data: ApplicationData, payload: Any, context: Context
) -> ApplicationData:
    """A talk held on behalf of every location."""
    return evolve(data, talks=(*data.talks, Talk(payload.kind, payload.date)))


def receive(
    data: ApplicationData, payload: ReceiveApplication, context: Context
) -> ApplicationData:
    """The moment of receipt, and when it was recorded; it counts for the order."""
    received = _moment(payload.received_at, context)
    return evolve(data, received_at=received, recorded_at=context.now, order_moment=received)


def ask_completion(data: ApplicationData, payload: Any, context: Context) -> ApplicationData:
    """A completion request with its deadline (default: the round's completion term)."""
    deadline = payload.deadline or _today(context) + dt.timedelta(days=data.completion_days)
    request = CompletionRequest(context.now, deadline)
    return evolve(data, completions=(*data.completions, request))


def complete(
    data: ApplicationData, payload: CompleteApplication, context: Context
) -> ApplicationData:
    """The open request is completed; where the round says so, the application counts
    for the order of receipt from this moment."""
    completed = _moment(payload.completed_at, context)
    requests = data.completions
    if requests and requests[-1].completed_at is None:
        last = CompletionRequest(requests[-1].requested_at, requests[-1].deadline, completed)
        requests = (*requests[:-1], last)
    order = completed if data.receipt_from_completion else data.order_moment
    return evolve(data, completions=requests, order_moment=order)


def decide(data: ApplicationData, payload: DecideApplication, context: Context) -> ApplicationData:
    return evolve(data, decisions=payload.decisions, decided_at=context.now)


def lodge_objection(
    data: ApplicationData, payload: LodgeObjection, context: Context
) -> ApplicationData:
    objection = Objection(_moment(payload.lodged_at, context), payload.grounds, payload.excuse)
    return evolve(data, objection=objection)


def decide_objection(
    data: ApplicationData, payload: DecideObjection, context: Context
) -> ApplicationData:
    decision = ObjectionDecision(context.now, payload.upheld, payload.reason, payload.changes)
    return evolve(data, objection_decision=decision)


def record_reason(data: ApplicationData, payload: Any, context: Context) -> ApplicationData:
    return evolve(data, reason=payload.reason)


class _Describe:
    """What a store indexes and lists an application by: its round, school year and board."""

    index_keys: Final = ("round", "school_year", "board")

    def __call__(self, data: ApplicationData) -> dict[str, str | None]:
        return {"round": data.round, "school_year": str(data.school_year), "board": data.board}


def application_registry(registry: Registry) -> Registry:
    """Add to ``registry`` the code the application's definition file names (its
    guards, effects, payloads, creation, data type and what a store indexes) and the
    violation types only an application reports (the programme's lifecycles share
    one registry, so they are declared, not reported, by the leertraject too)."""
    from trajectory.ontwikkelkracht import application as a

    for guard in (
        received_in_window,
        completed_in_time,
        completion_deadline_over,
        completion_deadline_allowed,
        decisions_cover_locations,
        objection_in_time,
    ):
        registry.register_guard(guard.__name__, guard)
    for effect in (
        record_application_talk,
        receive,
        ask_completion,
        complete,
        decide,
        lodge_objection,
        decide_objection,
    ):
        registry.register_effect(effect.__name__, effect)
    registry.register_effect("record_application_reason", record_reason)
    for payload in (
        a.ApplicationCreated,
        a.ReceiveApplication,
        a.CompleteApplication,
        a.DecideApplication,
        a.LodgeObjection,
        a.DecideObjection,
    ):
        registry.register_payload(payload)
    registry.register_creation("create_application", create)
    registry.register_data_type(ApplicationData)
    registry.register_describe("application", _Describe())
    registry.register_violations(v.APPLICATION_VIOLATIONS)
    return registry


def load_application(registry: Registry, codec: Codec) -> Lifecycle[ApplicationData]:
    """The application lifecycle, built from ``data/application.toml`` with
    ``registry`` (see :func:`application_registry`) and the programme's ``codec``."""
    from importlib import resources

    from trajectory.engine.loader import load_lifecycle

    text = (resources.files("trajectory.ontwikkelkracht.data") / DEFINITION_FILE).read_text(
        encoding="utf-8"
    )
    return load_lifecycle(text, registry, codec=codec)
