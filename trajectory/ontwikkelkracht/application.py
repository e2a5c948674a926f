"""A school board's application (aanvraag) in a round, for one or more school locations.

SPEC §7.1: one board, one round, one or more locations, each of them a leertraject.
The record keeps what the application's events recorded: the talks held on behalf of
every location, the moment of receipt (which may be earlier than the moment it was
recorded), the completion requests with their deadlines and completion moments (the
decision term is suspended meanwhile, Awb 4:15), the moment that counts for the order
of receipt, the decision per location, the outcome, the objection and its decision.

The record copies the terms of its round when it is created (the window, the
completion, decision and objection terms, whether a completed application counts from
its completion), as a leertraject holds the rules of its school year: its guards read
nothing else.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import (
    Identifier,
    Line,
    Text,
    aware_datetime,
    boolean,
    calendar_date,
    check_identifier,
    decimal_amount,
    describe,
    identifier,
    line,
    optional,
    text,
    whole_number,
    with_field,
)
from trajectory.ontwikkelkracht import terms
from trajectory.ontwikkelkracht.model import Talk, TalkKind
from trajectory.ontwikkelkracht.rules import MAX_AMOUNT, MAX_PERIOD_WEEKS, ApplicationWindow
from trajectory.ontwikkelkracht.school import SchoolYear

__all__ = [
    "ApplicationCreated",
    "ApplicationData",
    "ApplicationLocation",
    "CompleteApplication",
    "CompletionRequest",
    "DecideApplication",
    "DecideObjection",
    "LocationDecision",
    "LodgeObjection",
    "Objection",
    "ObjectionDecision",
    "Outcome",
    "ReceiveApplication",
]


class Outcome(enum.StrEnum):
    """The outcome of a decided application, over its locations."""

    GRANTED = "granted"
    """Every location granted."""
    PARTLY_GRANTED = "partly_granted"
    """Some locations granted, some rejected."""
    REJECTED = "rejected"
    """Every location rejected."""


def _amount(allow_none: bool = False) -> Any:
    return decimal_amount(
        minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro", allow_none=allow_none
    )


def _codes(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of violation codes, got {describe(value)}")
    return tuple(
        check_identifier(code, f"{field.name}[{index}]") for index, code in enumerate(value)
    )


def _school_year(value: object) -> SchoolYear:
    return SchoolYear.parse(value)


@attrs.frozen
class ApplicationLocation:
    """A school location of an application: its leertraject and the fixed amount of
    its school year's rules."""

    trajectory: Identifier = attrs.field(validator=identifier)
    """The id of the location's leertraject."""
    amount: Decimal = attrs.field(converter=_amount())  # type: ignore[misc]
    """The fixed amount requested for the location, in euro."""
    school: Line = attrs.field(default="", validator=line)
    """The school's name, as people read it."""


@attrs.frozen
class LocationDecision:
    """The decision on one location: granted (with its amount) or rejected (with the
    violation codes that refused it, or a reason)."""

    location: Identifier = attrs.field(validator=identifier)
    """The id of the location's leertraject."""
    granted: bool = attrs.field(validator=boolean)
    amount: Decimal | None = attrs.field(default=None, converter=_amount(allow_none=True))  # type: ignore[misc]
    """The amount granted, in euro (``None`` for a rejection)."""
    codes: tuple[Identifier, ...] = attrs.field(
        default=(),
        converter=with_field(_codes),  # type: ignore[misc]
    )
    """The violation codes that refused a rejected location (``budget.exhausted`` …)."""
    reason: Text | None = attrs.field(default=None, validator=optional(text))
    """Why, in words (required for a rejection without codes)."""

    def __attrs_post_init__(self) -> None:
        if self.granted and self.amount is None:
            raise InvalidData("amount", "a granted location needs its amount")
        if not self.granted and self.amount is not None:
            raise InvalidData("amount", "a rejected location is granted no amount")
        if not self.granted and not self.codes and not (self.reason or "").strip():
            raise InvalidData("reason", "a rejection needs violation codes or a reason")


@attrs.frozen
class CompletionRequest:
    """A request for completion (aanvulling): when it was asked, its deadline and
    when the application was completed (``None`` while it is not)."""

    requested_at: dt.datetime = attrs.field(validator=aware_datetime)
    deadline: dt.date = attrs.field(validator=calendar_date)
    completed_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime))


@attrs.frozen
class Objection:
    """An objection (bezwaar) lodged against the decision."""

    lodged_at: dt.datetime = attrs.field(validator=aware_datetime)
    """When the objection was received."""
    grounds: Text | None = attrs.field(default=None, validator=optional(text))
    excuse: Text | None = attrs.field(default=None, validator=optional(text))
    """Why a late objection is excusable (Awb 6:11), where it is late."""


@attrs.frozen
class ObjectionDecision:
    """The decision on the objection: upheld (the decision changes) or dismissed."""

    decided_at: dt.datetime = attrs.field(validator=aware_datetime)
    upheld: bool = attrs.field(validator=boolean)
    reason: Text | None = attrs.field(default=None, validator=optional(text))
    changes: tuple[LocationDecision, ...] = ()
    """The locations whose decision changed on the objection."""


@attrs.frozen
class ApplicationData:
    """One board's application in one round, for one or more school locations.

    Immutable: every event that changes it produces a new one.
    """

    board: Line = attrs.field(validator=line)
    """The school board (bevoegd gezag) that applies."""
    round: Identifier = attrs.field(validator=identifier)
    """The round's id (``2024-2025/main``)."""
    school_year: SchoolYear = attrs.field(converter=_school_year)
    locations: tuple[ApplicationLocation, ...]
    window: ApplicationWindow
    """The round's application window: the moment of receipt must lie inside it."""
    completion_days: int = attrs.field(default=14, validator=whole_number(1, 3660))
    decision_weeks: int = attrs.field(default=13, validator=whole_number(1, MAX_PERIOD_WEEKS))
    objection_weeks: int = attrs.field(default=6, validator=whole_number(1, MAX_PERIOD_WEEKS))
    receipt_from_completion: bool = attrs.field(default=True, validator=boolean)
    """Whether a completed application counts, for the order of receipt, from the
    moment it was complete (an assumption of the round's data)."""
    talks: tuple[Talk, ...] = ()
    """Pre-application talks held on behalf of every location."""
    received_at: dt.datetime | None = None
    """The moment of receipt (ontvangstmoment)."""
    recorded_at: dt.datetime | None = None
    """When the receipt was recorded (on or after the moment of receipt)."""
    completions: tuple[CompletionRequest, ...] = ()
    order_moment: dt.datetime | None = None
    """The moment that counts for the order of receipt: the receipt, or the last
    completion where the round says so."""
    decisions: tuple[LocationDecision, ...] = ()
    decided_at: dt.datetime | None = None
    objection: Objection | None = None
    objection_decision: ObjectionDecision | None = None
    reason: Text | None = None
    """Why the board withdrew."""

    @property
    def location_ids(self) -> tuple[str, ...]:
        """The ids of the locations' leertrajects."""
        return tuple(location.trajectory for location in self.locations)

    @property
    def requested(self) -> Decimal:
        """The amount requested: the fixed amounts of the locations together."""
        return sum((location.amount for location in self.locations), Decimal(0))

    @property
    def talk_kinds(self) -> tuple[TalkKind, ...]:
        """The kinds of talk recorded on the application (for every location)."""
        return tuple(dict.fromkeys(talk.kind for talk in self.talks))

    def decision(self, location: str) -> LocationDecision | None:
        """The decision on ``location`` now (after an upheld objection: the changed one)."""
        found = None
        for decision in self.decisions:
            if decision.location == location:
                found = decision
        if self.objection_decision is not None:
            for decision in self.objection_decision.changes:
                if decision.location == location:
                    found = decision
        return found

    @property
    def outcome(self) -> Outcome | None:
        """Granted, partly granted or rejected, once decided (after an objection: the
        decision as it stands)."""
        if not self.decisions:
            return None
        granted = [
            found.granted
            for location in self.location_ids
            if (found := self.decision(location)) is not None
        ]
        if all(granted):
            return Outcome.GRANTED
        return Outcome.PARTLY_GRANTED if any(granted) else Outcome.REJECTED

    @property
    def granted_amount(self) -> Decimal:
        """The amounts granted, together."""
        return sum(
            (
                found.amount
                for location in self.location_ids
                if (found := self.decision(location)) is not None and found.amount is not None
            ),
            Decimal(0),
        )

    @property
    def open_completion(self) -> CompletionRequest | None:
        """The completion request still open, if any."""
        if self.completions and self.completions[-1].completed_at is None:
            return self.completions[-1]
        return None

    @property
    def suspensions(self) -> tuple[tuple[dt.datetime, dt.datetime | None], ...]:
        """The periods the decision term is suspended (Awb 4:15): from each completion
        request to its completion (``None`` while it is open)."""
        return tuple((request.requested_at, request.completed_at) for request in self.completions)

    def suspended_days(self) -> int | None:
        """How many days the decision term is suspended by completion requests;
        ``None`` while a request is open (not known yet)."""
        found = terms.suspended_days(self.suspensions)
        return None if found is None else len(found)

    def decision_due(self) -> dt.date | None:
        """The last day of the decision term (Awb 4:13): the round's weeks from the
        receipt, extended by the suspended days; ``None`` before the receipt and while
        a completion request is open."""
        if self.received_at is None:
            return None
        return terms.decision_due(
            self.received_at, weeks=self.decision_weeks, suspended=self.suspensions
        )

    @property
    def objection_deadline(self) -> dt.date | None:
        """The last day to object (Awb 6:7, 6:8): the round's weeks after the decision."""
        if self.decided_at is None:
            return None
        return terms.objection_deadline(self.decided_at, weeks=self.objection_weeks)


# -- payloads ---------------------------------------------------------------------------


def _locations(value: object, field: attrs.Attribute[Any]) -> tuple[ApplicationLocation, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of locations, got {describe(value)}")
    found = tuple(value)
    if not found:
        raise InvalidData(field.name, "an application is for at least one school location")
    seen: set[str] = set()
    for index, location in enumerate(found):
        if not isinstance(location, ApplicationLocation):
            raise InvalidData(
                f"{field.name}[{index}]",
                f"expected an ApplicationLocation, got {describe(location)}",
            )
        if location.trajectory in seen:
            raise InvalidData(
                f"{field.name}[{index}]", f"the location {location.trajectory} is named twice"
            )
        seen.add(location.trajectory)
    return found


def _decisions(value: object, field: attrs.Attribute[Any]) -> tuple[LocationDecision, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of decisions, got {describe(value)}")
    found = tuple(value)
    seen: set[str] = set()
    for index, decision in enumerate(found):
        if not isinstance(decision, LocationDecision):
            raise InvalidData(
                f"{field.name}[{index}]", f"expected a LocationDecision, got {describe(decision)}"
            )
        if decision.location in seen:
            raise InvalidData(
                f"{field.name}[{index}]", f"the location {decision.location} is decided twice"
            )
        seen.add(decision.location)
    return found


def _window(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, ApplicationWindow):
        raise InvalidData(attribute.name, f"expected an ApplicationWindow, got {describe(value)}")


@attrs.frozen
class ApplicationCreated:
    """The creation of an application: the board, the round and its terms, the
    locations."""

    board: Line = attrs.field(validator=line)
    round: Identifier = attrs.field(validator=identifier)
    school_year: SchoolYear = attrs.field(converter=_school_year)
    window: ApplicationWindow = attrs.field(validator=_window)
    locations: tuple[ApplicationLocation, ...] = attrs.field(
        converter=with_field(_locations)  # type: ignore[misc]
    )
    completion_days: int = attrs.field(default=14, validator=whole_number(1, 3660))
    decision_weeks: int = attrs.field(default=13, validator=whole_number(1, MAX_PERIOD_WEEKS))
    objection_weeks: int = attrs.field(default=6, validator=whole_number(1, MAX_PERIOD_WEEKS))
    receipt_from_completion: bool = attrs.field(default=True, validator=boolean)

    def __attrs_post_init__(self) -> None:
        if not self.board.strip():
            raise InvalidData("board", "an application names its school board")


@attrs.frozen
class ReceiveApplication:
    """``submit`` of an application, and ``submit_application`` of each of its
    locations: the moment of receipt."""

    received_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime))
    """The moment of receipt (default: the moment it is recorded); the window is
    judged on it."""


@attrs.frozen
class CompleteApplication:
    """``complete``: the application is complete."""

    completed_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime))
    """The moment the completion was received (default: the moment it is recorded)."""


@attrs.frozen
class DecideApplication:
    """``decide``: the decision on every location of the application."""

    decisions: tuple[LocationDecision, ...] = attrs.field(
        converter=with_field(_decisions)  # type: ignore[misc]
    )


@attrs.frozen
class LodgeObjection:
    """``lodge_objection``: the board objects to the decision."""

    lodged_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime))
    """When the objection was received (default: the moment it is recorded)."""
    grounds: Text | None = attrs.field(default=None, validator=optional(text))
    excuse: Text | None = attrs.field(default=None, validator=optional(text))
    """Why a late objection is excusable (without it a late objection is refused)."""


@attrs.frozen
class DecideObjection:
    """``decide_objection``: the objection is upheld (the decisions in ``changes``
    replace the earlier ones) or dismissed."""

    upheld: bool = attrs.field(validator=boolean)
    reason: Text | None = attrs.field(default=None, validator=optional(text))
    changes: tuple[LocationDecision, ...] = attrs.field(
        default=(),
        converter=with_field(_decisions),  # type: ignore[misc]
    )

    def __attrs_post_init__(self) -> None:
        if not self.upheld and self.changes:
            raise InvalidData("changes", "a dismissed objection changes no decision")
