"""make_application: a board's application with its locations, in every state, made by
the Office's own steps."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
import structlog

import trajectory
from trajectory import InvalidData, ManualClock
from trajectory.ontwikkelkracht import programme, rules_for
from trajectory.testing import MadeApplication, make_application
from trajectory.testing.application_machine import FOLLOWS
from trajectory.testing.applications import APPLICATION_STATES

AMOUNT = rules_for("2024-2025").subsidy_amount


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@pytest.mark.parametrize("state", APPLICATION_STATES)
def test_an_application_in_every_state(state: str) -> None:
    """The application is in the state asked for, with its locations in the states that
    follow from it, and the store holds what the snapshot shows."""
    made = make_application(state, locations=3, seed=4)
    assert isinstance(made, MadeApplication)
    assert state == made.application.state == made.current().state
    assert 3 == len(made.application.locations)
    assert Decimal(3) * AMOUNT == made.application.requested
    states = [made.store.load(location).state for location in made.application.locations]
    expected = FOLLOWS.get(state, "granted")
    assert [expected] * 3 == states


def test_rejected_locations_and_an_upheld_objection() -> None:
    """``rejected`` locations are rejected at the decision; upheld, the objection
    grants them, and the ledger commits them."""
    decided = make_application("decided", locations=2, rejected=1)
    assert "partly_granted" == decided.application.outcome
    states = [decided.store.load(found).state for found in decided.application.locations]
    assert ["granted", "rejected"] == states
    upheld = make_application("objection_decided", locations=2, rejected=1, upheld=True)
    assert "granted" == upheld.application.outcome
    assert 2 * AMOUNT == upheld.office.ledger("2024-2025/main").committed
    rejected = make_application("decided", locations=2, rejected=2)
    assert "rejected" == rejected.application.outcome


def test_the_same_seed_makes_the_same_board_and_schools() -> None:
    """Seeded: the same board and schools again; another seed, another board or school."""

    def schools(seed: int) -> list[object]:
        made = make_application(seed=seed)
        return [made.application.board] + [
            made.store.load(found).data.school for found in made.application.locations
        ]

    assert schools(5) == schools(5)
    assert schools(5) != schools(6)


def test_a_store_and_clock_of_the_test() -> None:
    """Given a store and a clock, the application is made there, at that clock's moment."""
    opens = programme().round("2024-2025/main").opens
    clock = ManualClock(opens + dt.timedelta(days=10))
    with trajectory.open_store("memory://", clock=clock) as store:
        made = make_application("received", store=store, clock=clock)
        assert made.store is store
        assert made.clock is clock
        assert clock() == made.application.received_at
        assert [made.id] == [found.id for found in trajectory.Office(store).applications()]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("state", {"state": "granted"}),
        ("locations", {"locations": 0}),
        ("locations", {"locations": "2"}),
        ("rejected", {"rejected": 3}),
        ("seed", {"seed": "7"}),
        ("upheld", {"state": "objection_decided", "upheld": True}),
        ("clock", {"clock": "now"}),
        ("store", {"store": "memory://"}),
    ],
)
def test_bad_input_is_refused_clearly(field: str, kwargs: dict[str, object]) -> None:
    """Bad input raises InvalidData naming the field, before anything is made."""
    with pytest.raises(InvalidData) as info:
        make_application(**kwargs)  # type: ignore[arg-type]
    assert field == info.value.field


def test_granting_an_application_not_yet_received_is_refused_by_its_state() -> None:
    """A grant before the receipt is refused (transition.not_allowed) and moves nothing:
    the application machine found it failing an assertion in the order of receipt."""
    made = make_application("in_preparation", locations=1)
    with pytest.raises(trajectory.PreconditionFailed) as info:
        made.office.grant(made.id)
    assert "transition.not_allowed" in [found.code for found in info.value.violations]
    assert "in_preparation" == made.current().state
    assert Decimal(0) == made.office.ledger("2024-2025/main").committed
