"""The bodies of the service's requests that are no event's payload.

Each is an attrs class read strictly by the programme's own converter (as an event's
payload is read by :func:`~trajectory.engine.serialization.load_payload`): dates and
moments as ISO text, amounts as numbers or decimal text, no field it does not name.
The OpenAPI document takes their JSON Schemas from the same classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe
from trajectory.ontwikkelkracht.school import School

__all__ = [
    "ApplicationToGrant",
    "ApplicationToReject",
    "ApplicationToWithdraw",
    "Completion",
    "CompletionRequest",
    "NewApplication",
    "NewTrajectory",
    "NoFields",
    "Objection",
    "ObjectionDecision",
    "Receipt",
    "SettlementRequest",
    "Settling",
    "Stopping",
    "Talk",
    "read_body",
    "read_query",
]


@attrs.frozen
class NewTrajectory:
    """A new leertraject: the school location, the offer (its id in the catalog) and
    the school year (``2024-2025``), whose rules it takes."""

    school: School
    offer: str
    school_year: str


@attrs.frozen
class NewApplication:
    """A board's application in a round (``2024-2025/main``) for the leertrajects of
    its locations (their ids)."""

    board: str
    round: str
    locations: tuple[str, ...]


@attrs.frozen
class Talk:
    """A pre-application talk (its ``kind``, such as ``exploratory_talk``, and its
    ``date``): it counts for every location of the application."""

    kind: str
    date: dt.date


@attrs.frozen
class Receipt:
    """The application is received: at ``received_at`` (default: now)."""

    received_at: dt.datetime | None = None


@attrs.frozen
class CompletionRequest:
    """Missing parts are asked for, by ``deadline`` (default: the round's completion
    term from today)."""

    deadline: dt.date | None = None


@attrs.frozen
class Completion:
    """The application is complete: at ``completed_at`` (default: now)."""

    completed_at: dt.datetime | None = None


@attrs.frozen
class NoFields:
    """An action that takes no fields."""


@attrs.frozen
class ApplicationToGrant:
    """The application is granted: each location its fixed amount (or its amount in
    ``amounts``, with ``override_reason``), except the locations in ``rejected``
    (location id → reason)."""

    rejected: dict[str, str] = attrs.field(factory=dict)
    amounts: dict[str, Decimal] = attrs.field(factory=dict)
    override_reason: str | None = None


@attrs.frozen
class ApplicationToReject:
    """The application and every location are rejected, with ``reason`` and the
    violation ``codes`` that refused it."""

    reason: str
    codes: tuple[str, ...] = ()


@attrs.frozen
class Objection:
    """The board objects to the decision: received at ``lodged_at`` (default: now),
    with its ``grounds``, and ``excuse`` saying why a late objection is excusable."""

    lodged_at: dt.datetime | None = None
    grounds: str | None = None
    excuse: str | None = None


@attrs.frozen
class ObjectionDecision:
    """The objection is decided: ``upheld`` or not, with ``reason``; upheld, the
    rejected locations in ``grant`` (default: every rejected one) are granted."""

    upheld: bool
    reason: str
    grant: tuple[str, ...] | None = None


@attrs.frozen
class ApplicationToWithdraw:
    """The board withdraws the application, and its locations, with ``reason``."""

    reason: str


@attrs.frozen
class SettlementRequest:
    """The board files the settlement request (aanvraag tot vaststelling) with its
    activity ``report``, received at ``received_at`` (default: now), for every granted
    location; ``excuse`` says why a late request is excusable."""

    report: str
    received_at: dt.datetime | None = None
    excuse: str | None = None


@attrs.frozen
class Settling:
    """The granted locations (or those in ``locations``) are settled, and what each no
    longer needs is released on the round's ledger."""

    locations: tuple[str, ...] | None = None


@attrs.frozen
class Stopping:
    """A granted ``location`` stops early, with ``reason``: the report of the change is
    recorded."""

    location: str
    reason: str


def read_body(document: Any, cls: type[Any], converter: Any) -> Any:
    """``document`` (a JSON object) as ``cls``, read strictly by ``converter``; an
    :class:`InvalidData` with the path of the first problem."""
    from trajectory.engine.conversion import structure

    if not isinstance(document, dict):
        raise InvalidData("$", f"expected a JSON object, got {describe(document)}")
    names = {field.name for field in attrs.fields(cls)}
    for name in document:
        if name not in names:
            expected = ", ".join(sorted(names)) or "no fields"
            raise InvalidData(f"$.{name}", f"no such field; the fields are: {expected}")
    return structure(document, cls, path="$", converter=converter)


def read_query(pairs: Iterable[tuple[str, str]], known: set[str]) -> dict[str, str]:
    """The query's parameters (its ``(name, value)`` pairs), each of them one of
    ``known`` and given once; an ``invalid-query`` problem otherwise."""
    from trajectory.service.problems import Problem

    params: dict[str, str] = {}
    for key, value in pairs:
        if key not in known:
            raise Problem(
                "invalid-query",
                f"no parameter {key!r}; the parameters are: {', '.join(sorted(known))}",
            )
        if key in params:
            raise Problem("invalid-query", f"the parameter {key!r} is given twice")
        params[key] = value
    return params
