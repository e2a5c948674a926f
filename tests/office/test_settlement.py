"""The Office after the grant (SPEC §7.4): the settlement request of every granted
location together, the settlement with its release on the round's ledger in the same
unit of work, and a location that stops early."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest

import trajectory
from tests.office.test_office import application, at
from trajectory import InvalidData, ManualClock, PreconditionFailed
from trajectory.ontwikkelkracht import SettlementRoute
from trajectory.ontwikkelkracht.ledger import ledger_id
from trajectory.store import Store

GRANTED = Decimal("21200.00")
ROUND = "2024-2025/main"
DEVELOPMENT = {
    "guidance": "Monthly guidance.",
    "needs": "A reading culture.",
    "core_team": "Anna and Bram.",
    "hours_deployment": "Study afternoons.",
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(dt.date(2024, 4, 20)))


@pytest.fixture
def store(clock: ManualClock) -> Iterator[Store]:
    with trajectory.open_store("memory://", clock=clock) as opened:
        yield opened


@pytest.fixture
def office(store: Store, clock: ManualClock) -> trajectory.Office:
    return trajectory.Office(store, clock=clock)


def granted(
    office: trajectory.Office, store: Store, clock: ManualClock, *brins: str
) -> trajectory.Application:
    """An application for ``brins``, submitted and granted."""
    made = application(office, store, clock, *brins)
    clock.set(at(dt.date(2024, 5, 2)))
    office.submit(made.id)
    clock.set(at(dt.date(2024, 7, 1)))
    return office.grant(made.id)


def run_year(
    store: Store, clock: ManualClock, ids: Sequence[str], *, days: int = 7, stop: str = ""
) -> None:
    """Take the locations ``ids`` through the school year; each participant logs 24
    hours on ``days`` days (7: 840 hours, the minimum is 800). The location ``stop``
    stops in February instead of completing."""
    steps: list[tuple[dt.date, Any]] = [
        (
            dt.date(2024, 8, 26),
            lambda t: (
                t.fire("start_preparation"),
                t.fire("form_core_group", members=["Anna", "Bram"]),
                t.fire(
                    "plan_calendar",
                    intake=dt.date(2024, 9, 10),
                    study_moments=[dt.date(2024, 10, 9), dt.date(2025, 1, 22)],
                    guidance_moments=[dt.date(2024, 11, 13)],
                ),
            ),
        ),
        (
            dt.date(2024, 9, 10),
            lambda t: (
                t.fire("hold_intake"),
                t.fire("write_development_plan", **DEVELOPMENT),
                t.fire("start_execution"),
            ),
        ),
        (dt.date(2025, 2, 1), lambda t: log(t, days)),
        (dt.date(2025, 2, 1), lambda t: finish(t, stopping=t.id == stop)),
    ]
    for day, step in steps:
        clock.set(at(day))
        for location in ids:
            t = store.load(location)
            step(t)
            store.save(t)


def log(t: Any, days: int) -> None:
    for person in ("Anna", "Bram", "Chloé", "Daan", "Eva"):
        for number in range(days):
            t.fire("log_hours", participant=person, date=dt.date(2025, 1, 2 + number), hours=24)


def finish(t: Any, *, stopping: bool) -> None:
    if stopping:
        t.fire("withdraw", reason="The school leader left.")
        return
    t.fire("hold_study_moment", date=dt.date(2024, 10, 9), form="own_school")
    t.fire("hold_study_moment", date=dt.date(2025, 1, 22), form="joint_session")
    t.fire("hold_guidance_moment", date=dt.date(2024, 11, 13))
    t.fire(
        "record_knowledge_sharing",
        date=dt.date(2025, 1, 29),
        form="school_visit",
        with_whom="CBS De Regenboog",
    )
    t.fire("hold_closing_talk")
    t.fire("deliver_implementation_plan", plan="Secured next year.")


def states(store: Store, ids: Sequence[str]) -> list[str]:
    return [store.load(found).state for found in ids]


def snapshot(store: Store, ids: Sequence[str]) -> list[tuple[str, int]]:
    """The state and version of each of ``ids`` (the ledger's too)."""
    return [(store.load(found).state, store.load(found).version) for found in ids]


# -- the grant ---------------------------------------------------------------------------------


def test_one_location_is_settled_ex_officio_two_on_request(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """One location's EUR 21,200 is not above the EUR 25,000 threshold; two locations'
    EUR 42,400 are: each location's grant records the whole decision and its route, and
    the whole amount as its advance; the Application shows the payments."""
    one = granted(office, store, clock, "12AB00")
    two = granted(office, store, clock, "34CD00", "34CD01")
    for made, route, decision in (
        (one, SettlementRoute.EX_OFFICIO, GRANTED),
        (two, SettlementRoute.REQUEST, 2 * GRANTED),
    ):
        for location in made.locations:
            data = store.load(location).data
            assert (route, decision, GRANTED) == (
                data.settlement_route,
                data.grant.decision_amount,
                data.advance,
            )
        shown = office.application(made.id).payments
        assert [(found, route, GRANTED) for found in made.locations] == [
            (paid.location, paid.route, paid.advance) for paid in shown
        ]
        assert all(paid.settled is None for paid in shown)


def test_a_grant_that_rejects_a_location_decides_on_the_others_only(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A decision granting one of two locations is EUR 21,200: settled ex officio."""
    made = application(office, store, clock, "12AB00", "12AB01")
    clock.set(at(dt.date(2024, 5, 2)))
    office.submit(made.id)
    office.grant(made.id, rejected={made.locations[1]: "Not eligible."})
    data = store.load(made.locations[0]).data
    assert (SettlementRoute.EX_OFFICIO, GRANTED) == (
        data.settlement_route,
        data.grant.decision_amount,
    )


def test_a_grant_on_objection_decides_on_the_application_s_total(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A location granted on objection is part of a decision of the application's total
    granted amount: with the one granted before, EUR 42,400, settled on request."""
    made = application(office, store, clock, "12AB00", "12AB01")
    clock.set(at(dt.date(2024, 5, 2)))
    office.submit(made.id)
    office.grant(made.id, rejected={made.locations[1]: "Not eligible."})
    office.lodge_objection(made.id, grounds="It is eligible.")
    office.decide_objection(made.id, upheld=True, reason="Eligible after all.")
    data = store.load(made.locations[1]).data
    assert (SettlementRoute.REQUEST, 2 * GRANTED) == (
        data.settlement_route,
        data.grant.decision_amount,
    )


# -- the settlement request --------------------------------------------------------------------


def test_the_settlement_request_moves_all_granted_locations_or_none(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """While one location is still running, the request is refused for it (placed) and
    neither location records it; once both are completed, both do, received at the same
    moment."""
    made = granted(office, store, clock, "12AB00", "12AB01")
    run_year(store, clock, made.locations[:1])
    clock.set(at(dt.date(2025, 9, 1)))
    before = snapshot(store, made.locations)
    with pytest.raises(PreconditionFailed) as info:
        office.request_settlement(made.id, report="Carried out as planned.")
    assert [(made.locations[1], "transition.not_allowed")] == [
        (found.location, found.code) for found in info.value.violations
    ]
    assert before == snapshot(store, made.locations)
    run_year(store, clock, made.locations[1:])
    clock.set(at(dt.date(2025, 9, 1)))
    office.request_settlement(made.id, report="Carried out as planned.")
    for location in made.locations:
        request = store.load(location).data.settlement_request
        assert ("Carried out as planned.", at(dt.date(2025, 9, 1))) == (
            request.report,
            request.received_at,
        )


def test_a_late_settlement_request_needs_an_excuse(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Received after 1 January 2026 (22 weeks after the school year), the request is
    refused for each location, with the deadline; with an excuse it is filed."""
    made = granted(office, store, clock, "12AB00", "12AB01")
    run_year(store, clock, made.locations)
    clock.set(at(dt.date(2026, 1, 2)))
    with pytest.raises(PreconditionFailed) as info:
        office.request_settlement(made.id, report="Done.")
    assert [(found, "settlement_request.late") for found in made.locations] == [
        (found.location, found.code) for found in info.value.violations
    ]
    assert {dt.date(2026, 1, 1)} == {
        dict(found.details)["deadline"] for found in info.value.violations
    }
    office.request_settlement(made.id, report="Done.", excuse="The accountant fell ill.")
    assert all(
        store.load(found).data.settlement_request.excuse == "The accountant fell ill."
        for found in made.locations
    )


def test_a_settlement_request_is_refused_where_the_funder_settles_ex_officio(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A single location is settled ex officio: a request is refused, placed."""
    made = granted(office, store, clock, "12AB00")
    run_year(store, clock, made.locations)
    with pytest.raises(PreconditionFailed) as info:
        office.request_settlement(made.id, report="Done.")
    assert [(made.locations[0], "settlement_request.ex_officio")] == [
        (found.location, found.code) for found in info.value.violations
    ]


# -- the settlement and the ledger ------------------------------------------------------------


def test_settling_on_request_needs_the_request_and_moves_nothing_without_it(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Without the request no location is settled and the ledger keeps what it holds."""
    made = granted(office, store, clock, "12AB00", "12AB01")
    run_year(store, clock, made.locations)
    clock.set(at(dt.date(2025, 9, 1)))
    before = snapshot(store, [*made.locations, ledger_id(ROUND)])
    with pytest.raises(PreconditionFailed) as info:
        office.settle(made.id)
    assert [(found, "settlement_request.missing") for found in made.locations] == [
        (found.location, found.code) for found in info.value.violations
    ]
    assert before == snapshot(store, [*made.locations, ledger_id(ROUND)])


def test_settling_releases_on_the_ledger_what_each_location_no_longer_needs(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """One location logged the minimum (settled in full: nothing released), the other
    stopped with 120 hours (EUR 3,180 settled: EUR 18,020 released and repaid); the
    locations and the ledger are saved together."""
    made = granted(office, store, clock, "12AB00", "12AB01")
    full, short = made.locations
    run_year(store, clock, [full])
    run_year(store, clock, [short], days=1, stop=short)
    assert ["completed", "stopped"] == states(store, made.locations)
    clock.set(at(dt.date(2025, 9, 1)))
    office.request_settlement(made.id, report="One location stopped in February.")
    settled = office.settle(made.id)
    assert ["settled", "settled"] == states(store, made.locations)
    by_location = {paid.location: paid for paid in settled.payments}
    assert (GRANTED, Decimal("0.00"), Decimal("0.00")) == (
        by_location[full].settled,
        by_location[full].final_payment,
        by_location[full].repayment,
    )
    assert (Decimal("3180.00"), Decimal("0.00"), Decimal("18020.00")) == (
        by_location[short].settled,
        by_location[short].final_payment,
        by_location[short].repayment,
    )
    ledger = office.ledger(ROUND)
    assert Decimal("18020.00") == ledger.released
    assert GRANTED == ledger.commitment(made.id, full)
    assert Decimal("3180.00") == ledger.commitment(made.id, short)
    assert GRANTED + Decimal("3180.00") == ledger.committed


def test_settling_ex_officio_after_a_stop(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A single location stops through the Office (with its report of the change) and
    is settled ex officio on no hours: the whole commitment is released."""
    made = granted(office, store, clock, "12AB00")
    (location,) = made.locations
    clock.set(at(dt.date(2024, 9, 1)))
    stopped = office.stop(made.id, location, reason="The school merged.")
    t = store.load(location)
    assert "stopped" == t.state
    assert [("stopping", "The school merged.")] == [
        (report.kind, report.description) for report in t.data.change_reports
    ]
    assert [("stopped", SettlementRoute.EX_OFFICIO)] == [
        (paid.state, paid.route) for paid in stopped.payments
    ]
    office.settle(made.id)
    ledger = office.ledger(ROUND)
    assert (Decimal(0), GRANTED) == (ledger.committed, ledger.released)
    assert Decimal("0.00") == store.load(location).data.settlement.amount_settled


def test_settling_some_locations_leaves_the_others(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """``locations`` settles those only; a location that is no granted one of the
    application is InvalidData, and changes nothing."""
    made = granted(office, store, clock, "12AB00", "12AB01")
    run_year(store, clock, made.locations)
    clock.set(at(dt.date(2025, 9, 1)))
    office.request_settlement(made.id, report="Done.")
    with pytest.raises(InvalidData) as info:
        office.settle(made.id, locations=["elsewhere"])
    assert "locations" == info.value.field
    with pytest.raises(InvalidData):
        office.settle(made.id, locations=made.locations[0])  # one id, not a list
    assert ["completed", "completed"] == states(store, made.locations)
    office.settle(made.id, locations=[made.locations[1]])
    assert ["completed", "settled"] == states(store, made.locations)


def test_settling_what_cannot_be_settled_names_each_location(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """With no granted location completed or stopped, each is named with why; an
    application that granted none has nothing to settle."""
    made = granted(office, store, clock, "12AB00")
    with pytest.raises(PreconditionFailed) as info:
        office.settle(made.id)
    assert [(made.locations[0], "transition.not_allowed")] == [
        (found.location, found.code) for found in info.value.violations
    ]
    rejected = application(office, store, clock, "56EF00")
    clock.set(at(dt.date(2024, 7, 2)))
    office.submit(rejected.id, received_at=at(dt.date(2024, 6, 1)))
    office.reject(rejected.id, reason="Budget exhausted.")
    for action in (
        lambda: office.settle(rejected.id),
        lambda: office.request_settlement(rejected.id, report="Done."),
    ):
        with pytest.raises(PreconditionFailed) as refused:
            action()
        assert [(None, "settlement.nothing_granted")] == [
            (found.location, found.code) for found in refused.value.violations
        ]


def test_a_release_never_exceeds_the_commitment(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Where part of the commitment was released already, settling releases only what
    is still committed; and the ledger refuses a release above a commitment."""
    made = granted(office, store, clock, "12AB00")
    (location,) = made.locations
    ledger = store.load(ledger_id(ROUND))
    refused = ledger.check("release", application=made.id, location=location, amount="21200.01")
    assert ["release.exceeds_commitment"] == [found.code for found in refused]
    ledger.fire("release", application=made.id, location=location, amount="21000.00")
    store.save(ledger)
    clock.set(at(dt.date(2024, 9, 1)))
    office.stop(made.id, location, reason="The school merged.")
    office.settle(made.id)
    found = office.ledger(ROUND)
    assert (Decimal(0), GRANTED) == (found.commitment(made.id, location), found.released)


def test_stopping_before_the_grant_or_elsewhere_is_refused(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A location not yet granted cannot stop (``stop.not_granted``, placed); a location
    of another application is InvalidData."""
    made = application(office, store, clock, "12AB00")
    (location,) = made.locations
    with pytest.raises(PreconditionFailed) as info:
        office.stop(made.id, location, reason="No time.")
    assert [(location, "stop.not_granted")] == [
        (found.location, found.code) for found in info.value.violations
    ]
    assert "application_in_preparation" == store.load(location).state
    with pytest.raises(InvalidData) as wrong:
        office.stop(made.id, "elsewhere", reason="No time.")
    assert "location" == wrong.value.field


def test_settling_is_tried_again_when_another_process_saved_the_ledger_first(
    office: trajectory.Office, store: Store, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process changes the ledger between the Office's load and its save: the
    save is refused on the ledger's version, and the Office loads everything again and
    settles on what the other saved (both releases count, the location settled once)."""
    made = granted(office, store, clock, "12AB00")
    other = granted(office, store, clock, "34CD00")
    (location,) = made.locations
    clock.set(at(dt.date(2024, 9, 1)))
    office.stop(made.id, location, reason="The school merged.")
    loaded = office._stored_ledger
    interfered: list[str] = []

    def load_then_interfere(round_id: str) -> Any:
        found = loaded(round_id)
        if not interfered:  # the other process saves after this one loaded
            interfered.append(round_id)
            theirs = store.load(ledger_id(round_id))
            theirs.fire("release", application=other.id, location=other.locations[0], amount="1.00")
            store.save(theirs)
        return found

    monkeypatch.setattr(office, "_stored_ledger", load_then_interfere)
    office.settle(made.id)
    assert [ROUND] == interfered
    ledger = office.ledger(ROUND)
    assert GRANTED + Decimal("1.00") == ledger.released
    t = store.load(location)
    assert ("settled", 1) == (t.state, [event.name for event in t.history].count("settle"))
