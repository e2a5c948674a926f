"""A second kind of aggregate for the store tests: a school board's budget round
with its ledger, indexed by board and round, naming people in its bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import attrs

from trajectory import (
    Creation,
    EventDefinition,
    Lifecycle,
    ManualClock,
    State,
    Trajectory,
    Transition,
    ViolationRegistry,
)

START: Final = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)

_VIOLATIONS = ViolationRegistry()
EMPTY_LEDGER: Final = _VIOLATIONS.define(
    "ledger.empty", nl="Boek eerst een bedrag.", en="Book an amount first."
)


@attrs.frozen
class Booking:
    """One line of the ledger."""

    amount: int
    by: str


@attrs.frozen
class BudgetRound:
    """The aggregate's data."""

    board: str
    round: str
    ledger: tuple[Booking, ...] = ()


@attrs.frozen
class Open:
    """The creation payload."""

    board: str
    round: str


@attrs.frozen
class Book:
    """A booking: an amount, by a person."""

    amount: int
    by: str


def _not_empty(data: BudgetRound, payload: Any, context: Any) -> list[Any]:
    return [] if data.ledger else [EMPTY_LEDGER()]


def _book(data: BudgetRound, payload: Book, context: Any) -> BudgetRound:
    return attrs.evolve(data, ledger=(*data.ledger, Booking(payload.amount, payload.by)))


class _Describe:
    """What a store lists a budget round by."""

    index_keys: Final = ("board", "round")

    def __call__(self, data: BudgetRound) -> dict[str, str | None]:
        return {"board": data.board, "round": data.round}


BUDGET: Final[Lifecycle[BudgetRound]] = Lifecycle(
    "test.budget_round",
    states=[State("open"), State("closed", final=True)],
    events=[
        EventDefinition("book", (Transition(("open",)),), Book, effect=_book),
        EventDefinition("close", (Transition(("open",), "closed"),), guards=(_not_empty,)),
    ],
    initial="open",
    creation=Creation(Open, lambda payload, context: BudgetRound(payload.board, payload.round)),
    violations=_VIOLATIONS,
    data_type=BudgetRound,
    describe=_Describe(),
    person_fields=("by",),
)


def budget_round(board: str = "Stichting Primair", round: str = "2025") -> Trajectory[BudgetRound]:
    """A new budget round of ``board``."""
    return BUDGET.create(Open(board, round), clock=ManualClock(START))
