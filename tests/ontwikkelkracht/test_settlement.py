"""Settlement (vaststelling): the pro-rata policy, settling from completed and from
stopped, the Settlement record, and a custom policy named in a rules file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any

import attrs
import pytest

from tests.builders import IN_WINDOW, at_state
from trajectory import InvalidData, ManualClock, load_rules, register_rules, rules_for
from trajectory.ontwikkelkracht import (
    Settlement,
    pro_rata,
    register_settlement_policy,
    unregister_rules,
)
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.model import SettlementRoute
from trajectory.ontwikkelkracht.settlement import settlement_policy, unregister_settlement_policy

GRANTED = Decimal("21200.00")
MINIMUM = Decimal(800)
COST = Decimal("53.00")
SHARE = Decimal("0.5")


def settled_with(
    granted: Decimal,
    logged: Decimal,
    *,
    required: Decimal = MINIMUM,
    cost: Decimal = COST,
    share: Decimal = SHARE,
) -> Decimal:
    """pro_rata with the 2024-2025 figures unless given."""
    return pro_rata(
        granted=granted,
        hours_required=required,
        hours_logged=logged,
        hourly_cost=cost,
        reimbursed_share=share,
    )


# -- pro rata ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        (Decimal(800), "21200.00"),
        (Decimal("800.00"), "21200.00"),
        (Decimal(801), "21200.00"),
        (Decimal(1659), "21200.00"),
        (Decimal(600), "15900.00"),
        (Decimal(400), "10600.00"),
        (Decimal(780), "20670.00"),
        (Decimal("799.99"), "21199.74"),
        (Decimal(1), "26.50"),
        (Decimal(0), "0.00"),
        (Decimal(-5), "0.00"),
    ],
)
def test_pro_rata(logged: Decimal, expected: str) -> None:
    """The full amount from the minimum hours on; below it the hours logged × EUR 53 ×
    0.5 (pro rata to the hours, since 21,200 = 800 × 0.5 × 53); never negative; always
    in cents."""
    settled = settled_with(GRANTED, logged)
    assert Decimal(expected) == settled
    assert expected == str(settled)
    if logged < MINIMUM:
        expected_pro_rata = GRANTED * max(logged, Decimal(0)) / MINIMUM
        assert expected_pro_rata.quantize(Decimal("0.01"), ROUND_HALF_UP) == settled


@pytest.mark.parametrize(
    ("granted", "required", "logged", "cost", "expected"),
    [
        (Decimal("100.00"), Decimal(3), Decimal(1), Decimal("66.666666"), "33.33"),
        (Decimal("100.00"), Decimal(3), Decimal(2), Decimal("66.666666"), "66.67"),
        (Decimal("0.05"), Decimal(2), Decimal(1), Decimal("0.05"), "0.03"),
        (Decimal("0.25"), Decimal(2), Decimal(1), Decimal("0.25"), "0.13"),
        (Decimal("21200"), Decimal(800), Decimal(800), COST, "21200.00"),
        (Decimal("1000.005"), Decimal(1), Decimal(1), Decimal("2000.01"), "1000.01"),
    ],
)
def test_pro_rata_rounds_half_up_to_cents(
    granted: Decimal, required: Decimal, logged: Decimal, cost: Decimal, expected: str
) -> None:
    """Amounts are rounded to cents, half up (0.025 → 0.03, not banker's 0.02)."""
    assert expected == str(settled_with(granted, logged, required=required, cost=cost))


@pytest.mark.parametrize(
    ("granted", "logged", "expected"),
    [
        (Decimal("10000.00"), Decimal(400), "10000.00"),  # 400 × 53 × 0.5 = 10,600: capped
        (Decimal("10000.00"), Decimal(300), "7950.00"),  # 300 × 53 × 0.5
        (Decimal("30000.00"), Decimal(700), "18550.00"),  # below the minimum: the hours
        (Decimal("30000.00"), Decimal(800), "30000.00"),  # the minimum reached: in full
    ],
)
def test_pro_rata_is_at_most_the_granted_amount(
    granted: Decimal, logged: Decimal, expected: str
) -> None:
    """Below the minimum the settled amount is min(granted, hours × cost × share): an
    overridden grant caps it; from the minimum on the granted amount is settled in full."""
    assert expected == str(settled_with(granted, logged))


def test_pro_rata_uses_the_share_and_the_cost() -> None:
    """Another share or hourly cost gives another amount for the same hours."""
    assert Decimal("12720.00") == settled_with(GRANTED, Decimal(400), share=Decimal("0.6"))
    assert Decimal("12000.00") == settled_with(GRANTED, Decimal(400), cost=Decimal(60))


# -- settling ------------------------------------------------------------------------------


def test_settle_from_completed() -> None:
    """From completed the subsidy is settled on the hours logged (the builders log 5 × 24 =
    120 hours: 120 × EUR 53 × 0.5 = 3180.00, which is 120/800 of EUR 21,200.00), with
    every figure in the record, the hourly cost and the share used too; the whole amount
    was paid as the advance, so the board repays the difference."""
    t = at_state("settled")
    assert "settled" == t.state
    assert t.is_final
    assert (
        Settlement(
            policy="pro_rata",
            amount_granted=GRANTED,
            amount_settled=Decimal("3180.00"),
            hours_required=MINIMUM,
            hours_logged=Decimal(120),
            participants=5,
            participants_required=5,
            date=dt.date(2025, 9, 1),
            hourly_cost=COST,
            reimbursed_share=SHARE,
            route=SettlementRoute.EX_OFFICIO,
            advance=GRANTED,
            final_payment=Decimal("0.00"),
            repayment=GRANTED - Decimal("3180.00"),
        )
        == t.data.settlement
    )


def _in_progress(clock: ManualClock) -> Any:
    t = at_state("in_progress", clock)
    clock.set(dt.datetime(2025, 2, 1, 10, tzinfo=NETHERLANDS))
    return t


def test_settle_full_amount_at_the_minimum() -> None:
    """A completed trajectory that logged the 800 hours settles the full amount."""
    clock = ManualClock(IN_WINDOW)
    t = _in_progress(clock)
    for day in range(33):
        when = dt.date(2024, 12, 1) + dt.timedelta(days=day)
        t.fire("log_hours", participant="Anna", date=when, hours=24)
    t.fire("log_hours", participant="Bram", date=dt.date(2025, 1, 31), hours=8)
    assert Decimal(800) == t.data.logged_hours
    t.fire("hold_study_moment", date=dt.date(2024, 10, 9), form="own_school")
    t.fire("hold_study_moment", date=dt.date(2025, 1, 22), form="joint_session")
    t.fire("hold_guidance_moment", date=dt.date(2024, 11, 13))
    t.fire("hold_closing_talk")
    t.fire("record_knowledge_sharing", date=dt.date(2025, 1, 30), form="other", with_whom="Us")
    t.fire("deliver_implementation_plan", plan="Secured.")
    t.fire("settle")
    assert t.data.settlement is not None
    assert Decimal("21200.00") == t.data.settlement.amount_settled


def test_settle_from_stopped_without_hours() -> None:
    """A trajectory stopped before any hours were logged settles at 0.00."""
    t = at_state("stopped")
    assert not t.is_final
    assert [] == t.check("settle")
    t.fire("settle")
    assert "settled" == t.state
    settled = t.data.settlement
    assert settled is not None
    assert "0.00" == str(settled.amount_settled)
    assert Decimal(0) == settled.hours_logged
    assert GRANTED == settled.amount_granted
    assert "Staff left." == t.data.reason


def test_settle_from_stopped_pro_rata() -> None:
    """A trajectory stopped after 200 hours settles a quarter of the grant."""
    clock = ManualClock(IN_WINDOW)
    t = _in_progress(clock)
    for day in range(1, 11):
        t.fire("log_hours", participant="Bram", date=dt.date(2025, 1, day), hours=20)
    t.fire("remove_participant", name="Eva")
    t.fire("withdraw", reason="The school leader left.")
    assert "stopped" == t.state
    t.fire("settle")
    settled = t.data.settlement
    assert settled is not None
    assert Decimal("5300.00") == settled.amount_settled
    assert Decimal(200) == settled.hours_logged
    assert (4, 5) == (settled.participants, settled.participants_required)
    assert dt.date(2025, 2, 1) == settled.date


def test_settle_with_the_figures_of_the_trajectorys_rules() -> None:
    """A trajectory settles with the hourly cost and share of the rules it was made with
    (here 60 an hour, 0.4 reimbursed: 800 × 0.4 × 60 = 19,200) and keeps them."""
    rules = attrs.evolve(
        rules_for("2024-2025"),
        subsidy_amount=Decimal("19200.00"),
        hourly_cost=Decimal("60.00"),
        reimbursed_share=Decimal("0.4"),
    )
    t = at_state("settled", rules=rules)
    settled = t.data.settlement
    assert settled is not None
    assert (Decimal("60.00"), Decimal("0.4")) == (settled.hourly_cost, settled.reimbursed_share)
    assert Decimal("2880.00") == settled.amount_settled  # 120 hours × 60 × 0.4


def test_settle_uses_the_granted_amount() -> None:
    """An overridden grant is what is settled against."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("application_submitted", clock)
    t.fire("grant", amount="10000", override_reason="Budget ceiling.")
    t.fire("withdraw", reason="Stopped.")
    t.fire("settle")
    assert t.data.settlement is not None
    assert Decimal(10000) == t.data.settlement.amount_granted
    assert Decimal("0.00") == t.data.settlement.amount_settled


# -- a custom policy -----------------------------------------------------------------------

POLICY = "test_settlement_half_always"


#: What the custom policy was called with.
CALLS: list[dict[str, Decimal]] = []


def _half_always(**figures: Decimal) -> Decimal:
    CALLS.append(figures)
    return (figures["granted"] / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.fixture
def half_policy() -> Iterator[None]:
    """A policy 'half always', registered and named in a registered 2024-2025 rules file,
    for the test only."""
    register_settlement_policy(POLICY, _half_always)
    text = (resources.files("trajectory.ontwikkelkracht.data.rules") / "2024-2025.toml").read_text(
        encoding="utf-8"
    )
    assert 'settlement_policy = "pro_rata"' in text
    rules = load_rules(text.replace('"pro_rata"', f'"{POLICY}"'))
    register_rules(rules)
    CALLS.clear()
    try:
        yield
    finally:
        unregister_rules("2024-2025")
        unregister_settlement_policy(POLICY)


def test_custom_policy_is_used(half_policy: None) -> None:
    """A policy registered with register_settlement_policy and named in a registered rules
    file settles the trajectory, and is given the granted amount and the hours."""
    assert POLICY == rules_for("2024-2025").settlement_policy
    t = at_state("settled")
    settled = t.data.settlement
    assert settled is not None
    assert POLICY == settled.policy
    assert Decimal("10600.00") == settled.amount_settled
    assert [
        {
            "granted": GRANTED,
            "hours_required": MINIMUM,
            "hours_logged": Decimal(120),
            "hourly_cost": COST,
            "reimbursed_share": SHARE,
        }
    ] == CALLS


def test_unknown_policy_in_rules_refused() -> None:
    """Rules naming a policy that is not registered are refused."""
    text = (resources.files("trajectory.ontwikkelkracht.data.rules") / "2024-2025.toml").read_text(
        encoding="utf-8"
    )
    with pytest.raises(InvalidData):
        load_rules(text.replace('"pro_rata"', '"never_registered_policy"'))


@pytest.mark.parametrize(
    ("name", "policy", "field"),
    [("", pro_rata, "name"), ("  ", pro_rata, "name"), (5, pro_rata, "name"), ("x", 5, "policy")],
)
def test_register_settlement_policy_refuses(name: Any, policy: Any, field: str) -> None:
    """A policy needs a non-blank name and a callable."""
    with pytest.raises(InvalidData) as info:
        register_settlement_policy(name, policy)
    assert field == info.value.field
    with pytest.raises(InvalidData):
        settlement_policy("x")


def _three_figures(*, granted: Decimal, hours_required: Decimal, hours_logged: Decimal) -> Decimal:
    return granted


def _positional(
    granted: Decimal,
    hours_required: Decimal,
    hours_logged: Decimal,
    hourly_cost: Decimal,
    reimbursed_share: Decimal,
    /,
) -> Decimal:
    return granted


def _more(
    *,
    granted: Decimal,
    hours_required: Decimal,
    hours_logged: Decimal,
    hourly_cost: Decimal,
    reimbursed_share: Decimal,
    region: str,
) -> Decimal:
    return granted


@pytest.mark.parametrize(
    ("policy", "said"),
    [
        (_three_figures, "it does not take hourly_cost, reimbursed_share"),
        (_positional, "it does not take granted"),
        (_more, "it needs region as well"),
    ],
)
def test_register_settlement_policy_refuses_a_policy_it_cannot_call(policy: Any, said: str) -> None:
    """A policy is called with five keyword arguments: one that does not take them all
    (the three of earlier releases), or needs more, is refused when it is registered,
    not when a trajectory is settled."""
    with pytest.raises(InvalidData) as info:
        register_settlement_policy("test_settlement_wrong", policy)
    assert "policy" == info.value.field
    assert said in info.value.reason
    with pytest.raises(InvalidData):
        settlement_policy("test_settlement_wrong")
