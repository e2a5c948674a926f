"""The walk of a round from SPEC §7, step by step: receipt inside the window, completion
and the order of receipt, the budget ceiling, the order of decisions, a missed deadline,
and the decisions that are due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs
import pytest

import trajectory
from tests.office.test_office import BOARD, at, location
from trajectory import ManualClock, PreconditionFailed
from trajectory.ontwikkelkracht import programme
from trajectory.store import Store

AMOUNT = Decimal("21200.00")
ROUND = "2024-2025/main"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(dt.date(2024, 6, 10)))


@pytest.fixture
def store(clock: ManualClock) -> Iterator[Store]:
    with trajectory.open_store("memory://", clock=clock) as opened:
        yield opened


def test_the_walk_of_a_round(store: Store, clock: ManualClock) -> None:
    """SPEC §7's walk, in the order a programme office meets it."""
    from trajectory.ontwikkelkracht.ledger import open_ledger

    office = trajectory.Office(store, clock=clock)
    # The round's ceiling covers three locations.
    store.save(open_ledger(attrs.evolve(programme().round(ROUND), ceiling=3 * AMOUNT), clock=clock))

    def apply(*brins: str) -> str:
        ids = [location(store, clock, f"School {brin}", brin) for brin in brins]
        made = office.new_application(board=BOARD, round=ROUND, locations=ids)
        office.record_talk(made.id, kind="exploratory_talk", date=clock().date())
        return made.id

    # An earlier application for two locations, received on 20 June.
    clock.set(at(dt.date(2024, 6, 20)))
    earlier = apply("12AB10", "12AB11")
    office.submit(earlier)

    # The board applies for two locations: received at 15:59 on 28 June, recorded at 16:05.
    walk = apply("12AB00", "12AB01")
    other = apply("12AB20")
    clock.set(at(dt.date(2024, 6, 28), 16, 5))
    received = office.submit(walk, received_at=at(dt.date(2024, 6, 28), 15, 59))
    assert "received" == received.state
    office.submit(other, received_at=at(dt.date(2024, 6, 28), 15, 0))

    # Completion requested on 1 July, completed on 8 July: the order of receipt is 8 July.
    clock.set(at(dt.date(2024, 7, 1)))
    office.request_completion(walk)
    office.request_completion(other)
    clock.set(at(dt.date(2024, 7, 8)))
    completed = office.complete(walk)
    assert ("received", dt.date(2024, 7, 8)) == (completed.state, completed.order_moment.date())
    clock.set(at(dt.date(2024, 7, 10)))
    office.complete(other)
    assert [earlier, walk, other] == [found.id for found in office.in_order_of_receipt(ROUND)]

    # The earliest is granted: two of the three locations the ceiling covers.
    clock.set(at(dt.date(2024, 9, 2)))
    assert "granted" == office.grant(earlier).outcome
    assert AMOUNT == office.ledger(ROUND).remaining

    # Granting a later application before an earlier one is refused.
    with pytest.raises(PreconditionFailed) as info:
        office.grant(other)
    assert [("order_of_receipt.earlier_pending", walk)] == [
        (found.code, found.details.get("earlier"))
        for found in info.value.violations
        if found.code == "order_of_receipt.earlier_pending"
    ]

    # The next in order asks for two locations; the ceiling covers one more.
    with pytest.raises(PreconditionFailed) as exhausted:
        office.grant(walk)
    (violation,) = exhausted.value.violations
    assert ("budget.exhausted", completed.locations[1]) == (violation.code, violation.location)
    assert {
        "ceiling": Decimal("63600.00"),
        "committed": Decimal("63600.00"),
        "remaining": Decimal("0.00"),
        "requested": Decimal("21200.00"),
    }.items() <= dict(violation.details).items()
    assert "received" == office.application(walk).state
    assert AMOUNT * 2 == office.ledger(ROUND).committed

    # Granted for the location the budget covers, rejected for the other.
    partly = office.grant(walk, rejected={completed.locations[1]: "budget.exhausted"})
    assert ("partly_granted", AMOUNT) == (partly.outcome, partly.granted)
    assert Decimal(0) == office.ledger(ROUND).remaining


def test_a_missed_deadline_and_the_decisions_due(store: Store, clock: ManualClock) -> None:
    """A missed completion deadline ends in not_considered; due_decisions lists the
    application whose 13 weeks (plus the suspended days) end that week."""
    office = trajectory.Office(store, clock=clock)
    ids = [location(store, clock, f"School {brin}", brin) for brin in ("12AB00", "12AB01")]
    missed = office.new_application(board=BOARD, round=ROUND, locations=[ids[0]])
    due = office.new_application(board=BOARD, round=ROUND, locations=[ids[1]])
    for made in (missed, due):
        office.record_talk(made.id, kind="exploratory_talk", date=clock().date())
        office.submit(made.id)
    office.request_completion(missed.id)
    office.request_completion(due.id)
    clock.set(at(dt.date(2024, 6, 14)))
    office.complete(due.id)
    clock.set(at(dt.date(2024, 6, 25)))
    assert "not_considered" == office.not_consider(missed.id).state
    # Received 10 June, suspended 11 to 13 June: due on 9 September + 3 days.
    clock.set(at(dt.date(2024, 9, 9)))
    week = [item.due for item in office.due_decisions(dt.date(2024, 9, 15))]
    assert [dt.date(2024, 9, 12)] == week
    assert [] == office.due_decisions(dt.date(2024, 9, 11))
    clock.set(at(dt.date(2024, 9, 13)))
    (overdue,) = office.due_decisions(dt.date(2024, 9, 15))
    assert (due.id, True) == (overdue.application.id, overdue.overdue)
