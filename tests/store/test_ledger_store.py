"""A round's ledger in every store: saved, loaded and listed like a trajectory."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.store.reliability_helpers import NOW
from trajectory import ConcurrencyConflict, ManualClock, Store, open_store
from trajectory.ontwikkelkracht import open_ledger, programme

AMOUNT = "21200.00"


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh store of each kind, for the programme's lifecycles (the default)."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    with open_store(url, clock=ManualClock(NOW)) as opened_store:
        yield opened_store


def test_every_store_holds_ledgers(store: Store) -> None:
    """A ledger is saved, loaded equal and listed by its round and school year, beside
    the leertrajecten, in a store opened with the default lifecycles."""
    assert {"round", "school_year"} <= store.index_keys
    assert "ontwikkelkracht.ledger" in programme().lifecycles
    ledger = open_ledger("2024-2025/main", clock=ManualClock(NOW))
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    ledger.fire("draw_lots", candidates=["A-2", "A-3"], seed=5)
    store.save(ledger)
    loaded = store.load(ledger.id)
    assert ledger.data == loaded.data
    assert ledger.history == loaded.history
    listed = store.list(round="2024-2025/main")
    assert [ledger.id] == [summary.id for summary in listed]
    assert [] == store.list(round="2024-2025/expert-schools")
    assert [ledger.id] == [
        s.id for s in store.list(school_year="2024-2025", lifecycle="ontwikkelkracht.ledger")
    ]
    loaded.fire("release", application="A-1", location="12AB00", amount="200")
    store.save(loaded)
    assert Decimal("21000.00") == store.load(ledger.id).data.committed


def test_a_round_has_one_ledger_in_a_store(store: Store) -> None:
    """Opening the ledger of a round twice and saving both: the second is refused."""
    store.save(open_ledger("2024-2025/main", clock=ManualClock(NOW)))
    with pytest.raises(ConcurrencyConflict):
        store.save(open_ledger("2024-2025/main", clock=ManualClock(NOW)))
