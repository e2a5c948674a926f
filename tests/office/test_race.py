"""Two processes deciding at the same moment never commit more than the round's budget
ceiling, on SQLite and on PostgreSQL (SPEC §7.3): the loser's save fails on the ledger's
version, and its Office loads everything again and checks again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

import trajectory
from tests.office.race_helpers import DECIDED_AT, decide_in_process
from tests.office.test_office import BOARD, location
from tests.store.reliability_helpers import (
    race_processes,
)
from trajectory.ontwikkelkracht import programme
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.store import Store

AMOUNT = Decimal("21200.00")
ROUND = "2024-2025/main"


def _received(store: Store, clock: trajectory.ManualClock, office: Any, brin: str) -> str:
    made = office.new_application(
        board=BOARD, round=ROUND, locations=[location(store, clock, f"School {brin}", brin)]
    )
    office.record_talk(made.id, kind="exploratory_talk", date=clock().date())
    return str(office.submit(made.id).id)


def _prepare(url: str, ceiling: Decimal, *, rejected: bool) -> list[str]:
    """Two applications of one location each, received on the same day, in a round
    whose ledger has ``ceiling``; with ``rejected``, both rejected and objected to."""
    from trajectory.ontwikkelkracht.ledger import open_ledger

    clock = trajectory.ManualClock(dt.datetime(2024, 5, 2, 10, 0, tzinfo=NETHERLANDS))
    with trajectory.open_store(url, clock=clock) as store:
        office = trajectory.Office(store, clock=clock)
        ids = [_received(store, clock, office, brin) for brin in ("12AB00", "12AB01")]
        small = attrs.evolve(programme().round(ROUND), ceiling=ceiling)
        store.save(open_ledger(small, clock=clock))
        if rejected:
            clock.set(DECIDED_AT - dt.timedelta(days=30))
            for application_id in ids:
                office.reject(
                    application_id, reason="Budget exhausted.", codes=["budget.exhausted"]
                )
                office.lodge_objection(application_id, grounds="Budget was released.")
    return ids


def _race(url: str, action: str, ids: list[str]) -> list[tuple[Any, ...]]:
    results = race_processes(decide_in_process, [(url, action, one) for one in ids])
    assert [] == [result for result in results if result[0] == "error"]
    return results


def _ledger(url: str) -> Any:
    with trajectory.open_store(url) as store:
        return trajectory.Office(store).ledger(ROUND)


def test_two_objections_upheld_at_once_commit_at_most_the_ceiling(backend_url: str) -> None:
    """Two rejected applications, both objected to, are upheld by two processes at
    once while the ceiling covers one location: one is granted, the other refused with
    budget.exhausted, and the ledger commits one amount."""
    ids = _prepare(backend_url, AMOUNT, rejected=True)
    results = _race(backend_url, "objection", ids)
    assert ["granted", "refused"] == sorted(result[0] for result in results)
    (refused,) = [result for result in results if result[0] == "refused"]
    assert ["budget.exhausted"] == refused[2]
    ledger = _ledger(backend_url)
    assert (AMOUNT, Decimal(0)) == (ledger.committed, ledger.remaining)


def test_two_grants_at_once_of_applications_received_the_same_day(backend_url: str) -> None:
    """Two applications received on the same day, the ceiling covering one, are granted
    by two processes at once: the lottery is drawn once (in the ledger's history, with
    its seed), one application is granted, the other refused, and the ledger commits
    one amount."""
    ids = _prepare(backend_url, AMOUNT, rejected=False)
    results = _race(backend_url, "grant", ids)
    assert ["granted", "refused"] == sorted(result[0] for result in results)
    (refused,) = [result for result in results if result[0] == "refused"]
    assert set(refused[2]) <= {"order_of_receipt.earlier_pending", "budget.exhausted"}
    ledger = _ledger(backend_url)
    assert AMOUNT == ledger.committed
    (lottery,) = ledger.lotteries
    assert sorted(ids) == sorted(lottery.outcome)
