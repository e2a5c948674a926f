"""Two processes committing to a round's ledger at the same moment never commit more
than the ceiling: the store's optimistic concurrency on the ledger's version refuses
the stale save, on SQLite and PostgreSQL (a schema of its own on the server in
TRAJECTORY_TEST_POSTGRES_URL; skipped when that is unset)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from tests.store.ledger_race import commit_at_once
from tests.store.reliability_helpers import (
    NOW,
    opened,
    race_processes,
)
from trajectory import ManualClock
from trajectory.ontwikkelkracht import open_ledger, rules_for

AMOUNT = "21200.00"


@pytest.mark.parametrize("processes", [2, 3])
def test_processes_committing_at_once_never_pass_the_ceiling(
    backend_url: str, processes: int
) -> None:
    """A round's ceiling leaves room for one more grant. Processes (each with a store of
    its own) load the ledger, meet at a barrier and commit a grant each: each sees room
    for it, but exactly one save lands and exactly the others get ConcurrencyConflict.
    Loading again, each loser is refused with budget.exhausted. The stored ledger never
    holds more than the ceiling."""
    main = attrs.evolve(rules_for("2024-2025").round("2024-2025/main"), ceiling="50000.00")
    ledger = open_ledger(main, clock=ManualClock(NOW))
    ledger.fire("commit", application="A-0", location="00AA00", amount=AMOUNT)
    with opened(backend_url) as store:
        store.save(ledger)
    results = race_processes(
        commit_at_once,
        [(backend_url, ledger.id, f"A-{number}", AMOUNT) for number in range(1, processes + 1)],
    )
    assert [] == [result for result in results if result[1] == "error"]
    winners = [application for application, first, _ in results if first == "saved"]
    losers = {application: second for application, first, second in results if first != "saved"}
    assert 1 == len(winners)
    assert processes - 1 == len(losers)
    assert all(first in ("saved", "conflict") for _, first, _ in results)
    assert dict.fromkeys(losers, "budget.exhausted") == losers
    with opened(backend_url) as store:
        stored = store.load(ledger.id)
    assert Decimal("42400.00") == stored.data.committed
    assert stored.data.committed <= Decimal("50000.00")
    assert {"A-0", *winners} == {c.application for c in stored.data.commitments}
    assert 3 == stored.version  # opened, A-0, the winner's commit
