"""A simulated round on the Office: the report agrees with the store, the ceiling holds,
the same seed gives the same report, and ties the budget does not cover are drawn by lot."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import structlog

import trajectory
from trajectory import InvalidData
from trajectory.ontwikkelkracht import draw_lots, rules_for
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.sim import RoundProbabilities, RoundReport, simulate_round
from trajectory.store import Store

AMOUNT = rules_for("2024-2025").subsidy_amount
ROUND = "2024-2025/main"


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info; a round fires hundreds."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@pytest.fixture
def store() -> Iterator[Store]:
    with trajectory.open_store("memory://") as opened:
        yield opened


def _crowded(store: Store | None = None, **chances: Any) -> RoundReport:
    """30 boards, a ceiling of 12 locations: the budget runs out."""
    return simulate_round(
        30,
        seed=11,
        ceiling=12 * AMOUNT,
        store=store,
        probabilities=RoundProbabilities(**chances),
    )


def test_the_report_agrees_with_the_store(store: Store) -> None:
    """Every figure of the report is what the store holds: the ledger commits the sum
    of the granted locations' amounts, never above the ceiling, and every location's
    state follows its application's decision."""
    report = _crowded(store)
    office = trajectory.Office(store)
    applications = [office.application(found) for found in report.application_ids]
    granted_amounts = [
        decision.amount
        for found in applications
        for decision in found.decisions
        if decision.granted and decision.amount is not None
    ]
    ledger = office.ledger(ROUND)
    assert sum(granted_amounts, Decimal(0)) == ledger.committed == report.ledger.committed
    assert ledger.committed <= ledger.ceiling == 12 * AMOUNT == report.ledger.ceiling
    assert report.granted == ledger.committed
    assert len(granted_amounts) == report.locations_granted
    assert sum(len(found.locations) for found in applications) == report.locations
    assert report.locations == report.locations_granted + report.locations_rejected + sum(
        len(found.locations)
        for found in applications
        if found.state in ("not_considered", "withdrawn")
    )
    assert 30 == sum(report.applications.values())
    for found in applications:
        states = [store.load(location).state for location in found.locations]
        if found.state in ("not_considered", "withdrawn"):
            assert [found.state] * len(states) == states
        else:
            expected = [
                "granted" if found.data.decision(location).granted else "rejected"  # type: ignore[union-attr]
                for location in found.locations
            ]
            assert expected == states


def test_the_budget_runs_out_and_refuses_with_budget_exhausted() -> None:
    """With more locations than the ceiling covers, the ceiling is used up and the
    rest is rejected with budget.exhausted."""
    report = _crowded(rejected=0.0)
    assert Decimal(0) == report.ledger.remaining
    assert report.locations_exhausted > 0
    assert report.applications["rejected"] > 0


def test_the_same_seed_gives_the_same_report() -> None:
    """Seeded: the same seed gives the same report, lotteries and ids included."""
    assert _crowded() == _crowded()


def test_another_seed_gives_another_report() -> None:
    """The seed matters (a report that ignored it would pass the test above)."""
    first = simulate_round(12, seed=1, ceiling=6 * AMOUNT)
    other = simulate_round(12, seed=2, ceiling=6 * AMOUNT)
    assert first != other


def test_a_lottery_orders_ties_the_budget_does_not_cover(store: Store) -> None:
    """Every board applies on the window's last day, more than the ceiling covers: a
    lottery is drawn, recorded with its seed, and its outcome is the order the seed
    draws; the first decided of the tied applications is the lottery's first."""
    report = simulate_round(
        8,
        seed=5,
        ceiling=3 * AMOUNT,
        locations=(1, 1),
        store=store,
        probabilities=RoundProbabilities(
            last_day=1.0, incomplete=0.0, withdrawn=0.0, rejected=0.0, objection=0.0
        ),
    )
    (drawn,) = report.lotteries
    assert 8 == len(drawn.candidates)
    assert draw_lots(drawn.candidates, seed=drawn.seed) == drawn.outcome
    office = trajectory.Office(store)
    granted = [found.id for found in office.in_order_of_receipt(ROUND) if found.granted == AMOUNT]
    assert list(drawn.outcome[:3]) == granted


def test_no_lottery_when_the_budget_covers_the_ties() -> None:
    """Ties that the budget covers are decided without a lottery."""
    report = simulate_round(
        5,
        seed=5,
        locations=(1, 1),
        probabilities=RoundProbabilities(last_day=1.0, incomplete=0.0, withdrawn=0.0),
    )
    assert () == report.lotteries
    assert 5 == report.locations


def test_completions_come_after_the_window(store: Store) -> None:
    """Completion is asked for after the window closed; completed applications count
    from their completion, the others are not considered."""
    report = simulate_round(
        10,
        seed=4,
        store=store,
        probabilities=RoundProbabilities(incomplete=1.0, completed=0.5, withdrawn=0.0),
    )
    closes = trajectory.ontwikkelkracht.programme().round(ROUND).closes
    assert 10 == report.completions_requested
    assert report.completions_completed == 10 - report.applications["not_considered"]
    office = trajectory.Office(store)
    for found in map(office.application, report.application_ids):
        (request,) = found.data.completions
        assert request.requested_at > closes
        if found.state != "not_considered":
            assert found.order_moment == request.completed_at
            assert found.order_moment is not None
            assert found.order_moment > closes


def test_objections_and_decision_terms_are_counted(store: Store) -> None:
    """Every rejection is objected to and every objection upheld: those the budget
    allows are granted; every decision is in its term or late (one decision a day for
    30 boards: the early ones are late)."""
    report = simulate_round(
        30,
        seed=8,
        ceiling=10 * AMOUNT,
        store=store,
        decisions_per_day=1,
        probabilities=RoundProbabilities(objection=1.0, upheld=1.0, rejected=0.3, last_day=0.0),
    )
    office = trajectory.Office(store)
    found = [office.application(one) for one in report.application_ids]
    objected = [one for one in found if one.data.objection is not None]
    assert report.objections_lodged == len(objected) > 0
    assert report.objections_upheld + report.objections_dismissed == len(objected)
    upheld = [one for one in objected if one.data.objection_decision.upheld]  # type: ignore[union-attr]
    assert report.objections_upheld == len(upheld)
    decided = [one for one in found if one.data.decided_at is not None]
    assert report.decisions_in_term + report.decisions_late == len(decided)
    late = [
        one
        for one in decided
        if one.data.decided_at.astimezone(NETHERLANDS).date() > one.data.decision_due()  # type: ignore[union-attr,operator]
    ]
    assert report.decisions_late == len(late) > 0
    assert office.ledger(ROUND).committed <= 10 * AMOUNT


def test_the_report_renders_in_both_languages() -> None:
    """The summary names the round and its outcomes, in Dutch and in English."""
    report = simulate_round(3, seed=2)
    assert "3 besturen, 2024-2025/main, seed 2" in report.render()
    english = report.render("en")
    assert "3 boards" in english
    assert "granted" in english
    assert report.to_dict()["ledger"]["ceiling"] == str(report.ledger.ceiling)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("boards", {"boards": -1}),
        ("boards", {"boards": True}),
        ("seed", {"seed": -3}),
        ("locations", {"locations": (2, 1)}),
        ("locations", {"locations": (0, 2)}),
        ("decisions_per_day", {"decisions_per_day": 0}),
        ("probabilities", {"probabilities": {"last_day": 0.5}}),
        ("store", {"store": "memory://"}),
        ("ceiling", {"ceiling": "lots"}),
        ("lang", None),
    ],
)
def test_bad_input_is_refused_clearly(field: str, kwargs: dict[str, Any] | None) -> None:
    """Bad input raises InvalidData naming the field."""
    report = simulate_round(0)
    with pytest.raises(InvalidData) as info:
        report.render("fr") if kwargs is None else simulate_round(**{"boards": 1, **kwargs})
    assert field == info.value.field or field in str(info.value)


def test_a_chance_outside_zero_to_one_is_refused() -> None:
    """A probability is a chance from 0 to 1."""
    with pytest.raises(InvalidData):
        RoundProbabilities(objection=1.5)


def test_a_ceiling_for_a_store_that_holds_the_ledger_is_refused(store: Store) -> None:
    """A second simulation with its own ceiling on a store whose round has a ledger is
    refused: the ceiling stands."""
    simulate_round(1, seed=1, ceiling=AMOUNT, store=store)
    with pytest.raises(InvalidData, match="ledger"):
        simulate_round(1, seed=2, ceiling=AMOUNT, store=store)


def test_the_office_draws_the_seeds_it_is_given() -> None:
    """The Office's seeds keyword: a callable, or a clear error."""
    with trajectory.open_store("memory://") as opened:
        with pytest.raises(InvalidData):
            trajectory.Office(opened, seeds=7)  # type: ignore[arg-type]
        assert 7 == trajectory.Office(opened, seeds=lambda: 7).seeds()


def test_a_ceiling_that_covers_some_locations_grants_those() -> None:
    """An application for three locations with a ceiling of one: partly granted, the
    other two rejected for the budget ceiling."""
    report = simulate_round(
        1,
        seed=3,
        locations=(3, 3),
        ceiling=AMOUNT,
        probabilities=RoundProbabilities(
            incomplete=0.0, withdrawn=0.0, rejected=0.0, objection=0.0
        ),
    )
    assert 1 == report.applications["partly_granted"]
    assert (3, 1, 2, 2) == (
        report.locations,
        report.locations_granted,
        report.locations_rejected,
        report.locations_exhausted,
    )
    assert AMOUNT == report.granted == report.ledger.committed


def test_a_large_round_comes_to_an_end() -> None:
    """Many boards and few decisions a day: every complete application is decided."""
    report = simulate_round(120, seed=1, ceiling=30 * AMOUNT, decisions_per_day=1)
    assert 120 == sum(report.applications.values())
    assert report.decisions_late > 0
