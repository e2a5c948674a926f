"""The engine is not tied to the leertraject: a small lifecycle of its own.

A school requests a work visit; it can be planned once a date is known and a host
is named, and then held. Run with ``python examples/custom_lifecycle.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from trajectory import (
    Context,
    Creation,
    EventDefinition,
    Lifecycle,
    ManualClock,
    PreconditionFailed,
    State,
    Transition,
    ViolationRegistry,
)

VIOLATIONS = ViolationRegistry()
HOST_MISSING = VIOLATIONS.define(
    "visit.host_missing", nl="Er is nog geen gastheer.", en="No host has been named yet."
)
DATE_PASSED = VIOLATIONS.define(
    "visit.date_passed",
    nl="De datum {date} is al voorbij.",
    en="The date {date} has already passed.",
)


@attrs.frozen
class Visit:
    school: str
    host: str | None = None
    date: dt.date | None = None


@attrs.frozen
class Requested:
    school: str


@attrs.frozen
class NameHost:
    host: str


@attrs.frozen
class Plan:
    date: dt.date


def host_named(data: Visit, payload: Any, context: Context) -> list[Any]:
    return [] if data.host else [HOST_MISSING()]


def date_ahead(data: Visit, payload: Plan, context: Context) -> list[Any]:
    if payload.date > context.now.date():
        return []
    return [DATE_PASSED(date=payload.date.isoformat())]


WORK_VISIT = Lifecycle[Visit](
    "work_visit",
    states=[State("requested"), State("planned"), State("held", final=True)],
    events=[
        EventDefinition(
            "name_host",
            (Transition(("requested",), None),),
            NameHost,
            effect=lambda data, payload, context: attrs.evolve(data, host=payload.host),
        ),
        EventDefinition(
            "plan",
            (Transition(("requested",), "planned"),),
            Plan,
            guards=(host_named, date_ahead),
            effect=lambda data, payload, context: attrs.evolve(data, date=payload.date),
        ),
        EventDefinition("hold", (Transition(("planned",), "held"),)),
    ],
    initial="requested",
    creation=Creation(Requested, lambda payload, context: Visit(payload.school)),
    violations=VIOLATIONS,
)


def main() -> None:
    clock = ManualClock(dt.datetime(2024, 9, 1, 9, 0, tzinfo=dt.UTC))
    visit = WORK_VISIT.create(Requested("OBS De Linde"), clock=clock)
    try:
        visit.fire("plan", date=dt.date(2024, 8, 1))
    except PreconditionFailed as refused:
        for violation in refused.violations:
            print(f"refused: {violation.code}: {violation.message('en')}")
    visit.fire("name_host", host="RKBS Drie Koningen")
    visit.fire("plan", date=dt.date(2024, 9, 20))
    visit.fire("hold")
    print(f"{visit.data.school}: {visit.state} at {visit.data.host} on {visit.data.date}")


if __name__ == "__main__":
    main()
