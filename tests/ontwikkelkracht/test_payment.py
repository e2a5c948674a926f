"""Payment, settlement and changes after the grant (SPEC §7.4), on one leertraject: the
rules' figures, the advance and the settlement route at the grant, the final payment or
the repayment at the settlement, and the report of changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs
import pytest

from tests.builders import IN_WINDOW, at_state
from trajectory import (
    InvalidData,
    ManualClock,
    PreconditionFailed,
    Trajectory,
    TransitionNotAllowed,
    load_rules,
    replay,
)
from trajectory.engine.conversion import structure
from trajectory.ontwikkelkracht import (
    ChangeKind,
    ChangeReport,
    Leertraject,
    Rules,
    SettlementRoute,
    programme,
    rules_for,
    shipped_school_years,
)
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.model import Grant
from trajectory.ontwikkelkracht.terms import advance_of, settlement_request_deadline

T = Trajectory[Leertraject]
GRANTED = Decimal("21200.00")
FIELDS = ("advance_share", "ex_officio_threshold", "settlement_request_weeks")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=NETHERLANDS)


def shipped() -> str:
    """The text of the shipped 2024-2025 rules file."""
    resource = resources.files("trajectory.ontwikkelkracht.data.rules") / "2024-2025.toml"
    return resource.read_text(encoding="utf-8")


def rules(**changes: Any) -> Rules:
    """The 2024-2025 rules with ``changes``."""
    return attrs.evolve(rules_for("2024-2025"), **changes)


# -- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [str(year) for year in shipped_school_years()])
def test_every_shipped_year_states_the_payment_figures_as_assumed(year: str) -> None:
    """Every shipped year: the whole amount as the advance, EUR 25,000 per decision as
    the threshold (the OCW framework regulation), 22 weeks for the request; each named
    in ``assumed`` with its source, since none is in the regulation."""
    found = rules_for(year)
    assert (Decimal("1.00"), Decimal("25000.00"), 22) == (
        found.advance_share,
        found.ex_officio_threshold,
        found.settlement_request_weeks,
    )
    for field in FIELDS:
        assert found.is_assumed(field)
        assert field in found.assumed
        assert "Not in the regulation" in found.assumed[field]
    assert "Kaderregeling" in found.assumed["ex_officio_threshold"]


def test_older_rules_without_the_payment_figures_load_with_the_defaults() -> None:
    """A rules file, and rules stored in a trajectory, written before the payment figures
    were kept load with the defaults: 1.00, EUR 25,000 and 22 weeks."""
    text = "\n".join(line for line in shipped().splitlines() if not line.startswith(FIELDS))
    loaded = load_rules(text)
    converter = programme().converter
    document = converter.unstructure(rules_for("2024-2025"))
    for field in FIELDS:
        del document[field]
        del document["assumed"][field]
    stored = structure(document, Rules, converter=converter)
    for older in (loaded, stored):
        assert (Decimal("1.00"), Decimal("25000.00"), 22) == (
            older.advance_share,
            older.ex_officio_threshold,
            older.settlement_request_weeks,
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"advance_share": Decimal("1.5")}, "advance_share"),
        ({"advance_share": Decimal(-1)}, "advance_share"),
        ({"advance_share": "most"}, "advance_share"),
        ({"ex_officio_threshold": Decimal(-1)}, "ex_officio_threshold"),
        ({"ex_officio_threshold": Decimal("Infinity")}, "ex_officio_threshold"),
        ({"settlement_request_weeks": 0}, "settlement_request_weeks"),
        ({"settlement_request_weeks": 10**6}, "settlement_request_weeks"),
        ({"settlement_request_weeks": True}, "settlement_request_weeks"),
        ({"settlement_request_weeks": "22"}, "settlement_request_weeks"),
    ],
)
def test_the_payment_figures_are_validated(changes: dict[str, Any], field: str) -> None:
    """An impossible share, threshold or term is InvalidData naming the field."""
    with pytest.raises(InvalidData) as info:
        rules(**changes)
    assert field == info.value.field


def test_a_rules_file_with_a_wrong_payment_figure_says_where() -> None:
    """A file with an advance share above 1 is refused, naming the field."""
    with pytest.raises(InvalidData) as info:
        load_rules(shipped().replace('advance_share = "1.00"', 'advance_share = "1.20"'))
    assert "$.advance_share" == info.value.field


def test_the_settlement_request_deadline() -> None:
    """22 weeks after 31 July 2025 is 1 January 2026; a wrong argument is InvalidData."""
    assert dt.date(2026, 1, 1) == settlement_request_deadline(dt.date(2025, 7, 31), weeks=22)
    with pytest.raises(InvalidData):
        settlement_request_deadline(dt.date(2025, 7, 31), weeks=0)
    with pytest.raises(InvalidData):
        settlement_request_deadline("2025-07-31", weeks=22)  # type: ignore[arg-type]
    assert Decimal("16960.00") == advance_of(GRANTED, Decimal("0.80"))


# -- the grant: advance and route --------------------------------------------------------------


def granted(decision: str | None = None, **changes: Any) -> T:
    t = at_state("application_submitted", rules=rules(**changes))
    t.fire("grant", decision_amount=decision)
    return t


@pytest.mark.parametrize(
    ("decision", "route"),
    [
        (None, SettlementRoute.EX_OFFICIO),  # one location: EUR 21,200
        ("25000.00", SettlementRoute.EX_OFFICIO),  # at the threshold
        ("25000.01", SettlementRoute.REQUEST),
        ("42400.00", SettlementRoute.REQUEST),  # two locations
    ],
)
def test_the_route_follows_the_whole_decision(decision: str | None, route: str) -> None:
    """At or below EUR 25,000 for the whole decision the grant is settled ex officio,
    above it on request: two locations (EUR 42,400) cross the threshold one does not."""
    t = granted(decision)
    grant = t.data.grant
    assert grant is not None
    assert route == t.data.settlement_route
    assert Decimal(decision or GRANTED) == grant.decision
    assert (None if decision is None else Decimal(decision)) == grant.decision_amount


@pytest.mark.parametrize(("share", "advance"), [("1.00", "21200.00"), ("0.80", "16960.00")])
def test_the_grant_pays_the_advance(share: str, advance: str) -> None:
    """The grant pays the advance: the rules' share of the amount granted."""
    t = granted(advance_share=Decimal(share))
    assert Decimal(advance) == t.data.advance


def test_a_grant_on_objection_records_the_decision_amount() -> None:
    """A rejection changed on objection records the whole decision as a grant does: its
    advance and route follow."""
    t = at_state("rejected")
    t.fire("grant_on_objection", decision="Upheld.", decision_amount="42400.00")
    assert t.data.grant is not None
    assert Decimal("42400.00") == t.data.grant.decision_amount
    assert (GRANTED, SettlementRoute.REQUEST) == (t.data.advance, t.data.settlement_route)


def test_a_grant_recorded_before_the_decision_amount_was_kept() -> None:
    """A grant stored before the decision's amount was kept decided on its own amount:
    it pays the rules' share and is settled ex officio; its history replays to the same
    data."""
    t = at_state("granted", rules=rules(advance_share=Decimal("0.80")))
    old = attrs.evolve(t.data, grant=Grant(GRANTED, dt.date(2024, 7, 1)))
    assert (Decimal("16960.00"), SettlementRoute.EX_OFFICIO) == (
        old.advance,
        old.settlement_route,
    )
    assert t.data.grant is not None
    assert t.data.grant.decision_amount is None
    assert t == replay(t.history)


# -- the settlement: final payment or repayment ------------------------------------------------


def stopped_after(hours: int, clock: ManualClock, **changes: Any) -> T:
    """A trajectory that stopped in February with ``hours`` logged by Anna."""
    t = at_state("in_progress", clock, rules=rules(**changes))
    clock.set(at(2025, 2, 1))
    day = dt.date(2024, 12, 1)
    left = hours
    while left > 0:
        t.fire("log_hours", participant="Anna", date=day, hours=min(left, 24))
        left -= 24
        day += dt.timedelta(days=1)
    t.fire("withdraw", reason="The team could not free the hours.")
    clock.set(at(2025, 9, 1))
    return t


@pytest.mark.parametrize(
    ("share", "hours", "settled", "final_payment", "repayment"),
    [
        ("0.80", 800, "21200.00", "4240.00", "0.00"),  # the rest is paid
        ("0.80", 640, "16960.00", "0.00", "0.00"),  # the advance was exactly right
        ("0.80", 200, "5300.00", "0.00", "11660.00"),  # some is paid back
        ("1.00", 800, "21200.00", "0.00", "0.00"),
        ("1.00", 0, "0.00", "0.00", "21200.00"),  # nothing carried out: all back
    ],
)
def test_the_settlement_records_the_final_payment_or_the_repayment(
    share: str, hours: int, settled: str, final_payment: str, repayment: str
) -> None:
    """The difference between the settled amount and the advance is one of the final
    payment and the repayment, the other 0; ``balance`` is it signed."""
    t = stopped_after(hours, ManualClock(IN_WINDOW), advance_share=Decimal(share))
    t.fire("settle")
    settlement = t.data.settlement
    assert settlement is not None
    assert (
        Decimal(settled),
        Decimal(final_payment),
        Decimal(repayment),
        SettlementRoute.EX_OFFICIO,
    ) == (
        settlement.amount_settled,
        settlement.final_payment,
        settlement.repayment,
        settlement.route,
    )
    assert settlement.advance is not None
    assert settlement.advance == advance_of(GRANTED, Decimal(share))
    assert settlement.balance == Decimal(final_payment) - Decimal(repayment)


# -- the report of changes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", ["granted", "preparing", "intake", "in_progress", "closing", "completed"]
)
def test_a_change_is_reported_after_the_grant(state: str) -> None:
    """From the grant until the trajectory is completed, the board reports a change: it
    is kept with its date, kind and description; the state does not change."""
    t = at_state(state)
    day = t.clock().astimezone(NETHERLANDS).date()
    t.fire(
        "report_change",
        date=day,
        kind="below_minimum_participants",
        description="Eva left the school.",
    )
    assert state == t.state
    assert (
        ChangeReport(day, ChangeKind.BELOW_MINIMUM_PARTICIPANTS, "Eva left the school."),
    ) == t.data.change_reports


@pytest.mark.parametrize("state", ["application_submitted", "settled", "stopped"])
def test_a_change_is_not_reported_outside_its_states(state: str) -> None:
    """Before the grant, once settled and once stopped (withdraw reported it), no change
    is reported: the refusal names the event."""
    t = at_state(state)
    with pytest.raises(TransitionNotAllowed) as info:
        t.fire("report_change", date=dt.date(2024, 5, 1), kind="other", description="x")
    assert "report_change" == info.value.event


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "holiday"}, "kind"),
        ({"description": "  "}, "description"),
        ({"date": "soon"}, "date"),
    ],
)
def test_a_wrong_report_is_invalid_data(payload: dict[str, Any], field: str) -> None:
    """An unknown kind, a blank description or no date is InvalidData naming the field."""
    t = at_state("granted")
    fields = {"date": dt.date(2024, 5, 1), "kind": "other", "description": "Changed."}
    with pytest.raises(InvalidData) as info:
        t.fire("report_change", **{**fields, **payload})
    assert field == info.value.field
    assert () == t.data.change_reports


def test_a_change_dated_in_the_future_is_refused() -> None:
    """A change is not reported before it happened."""
    t = at_state("granted")
    later = t.clock().astimezone(NETHERLANDS).date() + dt.timedelta(days=1)
    with pytest.raises(PreconditionFailed) as info:
        t.fire("report_change", date=later, kind="other", description="Planned.")
    assert ["date.in_future"] == [found.code for found in info.value.violations]


def test_withdrawing_after_the_grant_records_the_report() -> None:
    """Stopping after the grant records a report of kind stopping, with the reason."""
    clock = ManualClock(IN_WINDOW)
    t = at_state("in_progress", clock)
    t.fire("withdraw", reason="The school leader left.")
    assert "stopped" == t.state
    day = clock().astimezone(NETHERLANDS).date()
    assert (ChangeReport(day, ChangeKind.STOPPING, "The school leader left."),) == (
        t.data.change_reports
    )


def test_withdrawing_before_the_grant_reports_nothing() -> None:
    """Before the grant there is nothing to report: withdraw keeps its reason only."""
    t = at_state("application_submitted")
    t.fire("withdraw", reason="No time.")
    assert ("withdrawn", ()) == (t.state, t.data.change_reports)
