"""The application lifecycle (SPEC §7.1): its states, its events and the codes only an
application reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from trajectory import InvalidData, ManualClock, PreconditionFailed, Trajectory
from trajectory.ontwikkelkracht import programme
from trajectory.ontwikkelkracht.application import (
    ApplicationCreated,
    ApplicationData,
    ApplicationLocation,
    LocationDecision,
    Outcome,
)
from trajectory.ontwikkelkracht.rules import ApplicationWindow
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.ontwikkelkracht.violations import (
    APPLICATION_CODES,
    APPLICATION_VIOLATIONS,
    VIOLATIONS,
)

AMOUNT = Decimal("21200.00")


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NETHERLANDS)


WINDOW = ApplicationWindow(at(dt.date(2024, 4, 25), 0), at(dt.date(2024, 6, 28), 16), "main")


def new(clock: ManualClock, *locations: str) -> Trajectory[ApplicationData]:
    payload = ApplicationCreated(
        board="Stichting Primair",
        round="2024-2025/main",
        school_year="2024-2025",
        window=WINDOW,
        locations=tuple(ApplicationLocation(name, AMOUNT) for name in locations or ("loc-1",)),
    )
    lifecycle = programme().application
    assert lifecycle is not None
    return lifecycle.create(payload, clock=clock)


def refused(t: Trajectory[Any], event: str, **payload: Any) -> list[str]:
    with pytest.raises(PreconditionFailed) as info:
        t.fire(event, **payload)
    codes = [found.code for found in info.value.violations]
    for found in info.value.violations:
        for lang in ("nl", "en"):
            assert "{" not in found.message(lang)
    return codes


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(dt.date(2024, 5, 1)))


def test_the_lifecycle_has_the_states_of_the_spec() -> None:
    """The states of SPEC §7.1, with the final ones final."""
    lifecycle = programme().application
    assert lifecycle is not None
    assert [
        "in_preparation",
        "received",
        "incomplete",
        "not_considered",
        "decided",
        "objection_lodged",
        "objection_decided",
        "withdrawn",
    ] == list(lifecycle.states)
    assert {"not_considered", "objection_decided", "withdrawn"} == set(lifecycle.final_states)


def test_an_application_needs_a_location() -> None:
    """An application for no location is refused as InvalidData naming the field."""
    with pytest.raises(InvalidData) as info:
        ApplicationCreated(
            board="B", round="2024-2025/main", school_year="2024-2025", window=WINDOW, locations=()
        )
    assert "locations" == info.value.field


def test_the_moment_of_receipt_may_be_before_its_recording(clock: ManualClock) -> None:
    """Received at 15:59, recorded at 16:05 on the last day: inside the window; received
    at 16:01: window.closed."""
    t = new(clock)
    clock.set(at(dt.date(2024, 6, 28), 16, 5))
    assert ["window.closed"] == refused(t, "submit", received_at=at(dt.date(2024, 6, 28), 16, 1))
    t.fire("submit", received_at=at(dt.date(2024, 6, 28), 15, 59))
    assert at(dt.date(2024, 6, 28), 15, 59) == t.data.received_at == t.data.order_moment
    assert at(dt.date(2024, 6, 28), 16, 5) == t.data.recorded_at


def test_a_completion_counts_for_the_order_from_its_moment(clock: ManualClock) -> None:
    """Completed on 8 July, the application counts for the order of receipt from then;
    a completion dated before the request is refused (completion.before_request)."""
    t = new(clock)
    t.fire("submit")
    clock.set(at(dt.date(2024, 7, 1)))
    t.fire("request_completion")
    assert dt.date(2024, 7, 15) == t.data.completions[0].deadline
    clock.set(at(dt.date(2024, 7, 8)))
    assert ["completion.before_request"] == refused(
        t, "complete", completed_at=at(dt.date(2024, 6, 30))
    )
    t.fire("complete")
    assert at(dt.date(2024, 7, 8)) == t.data.order_moment
    assert dt.date(2024, 5, 1) + dt.timedelta(weeks=13, days=6) == t.data.decision_due()


def test_a_late_completion_is_refused_and_then_not_considered(clock: ManualClock) -> None:
    """After the deadline a completion is refused (completion.deadline_passed) and the
    application ends in not_considered."""
    t = new(clock)
    t.fire("submit")
    t.fire("request_completion")
    assert ["completion.deadline_not_passed"] == refused(t, "not_consider")
    clock.set(at(dt.date(2024, 5, 16)))
    assert ["completion.deadline_passed"] == refused(t, "complete")
    t.fire("not_consider")
    assert "not_considered" == t.state


def test_a_decision_covers_every_location(clock: ManualClock) -> None:
    """A decision on one of two locations is refused (decision.locations); on both it
    gives the outcome partly granted."""
    t = new(clock, "loc-1", "loc-2")
    t.fire("submit")
    granted = LocationDecision("loc-1", True, AMOUNT)
    assert ["decision.locations"] == refused(t, "decide", decisions=(granted,))
    rejected = LocationDecision("loc-2", False, codes=("budget.exhausted",))
    t.fire("decide", decisions=(granted, rejected))
    assert (Outcome.PARTLY_GRANTED, AMOUNT) == (t.data.outcome, t.data.granted_amount)


def _decided(clock: ManualClock) -> Trajectory[ApplicationData]:
    t = new(clock)
    t.fire("submit")
    clock.set(at(dt.date(2024, 9, 2)))
    t.fire("decide", decisions=(LocationDecision("loc-1", False, reason="Budget exhausted."),))
    return t


def test_an_objection_after_six_weeks_needs_an_excuse(clock: ManualClock) -> None:
    """Decided on 2 September, the objection term ends on 14 October: an objection
    received on 15 October is late (objection.late) unless an excuse is recorded."""
    t = _decided(clock)
    assert dt.date(2024, 10, 14) == t.data.objection_deadline
    clock.set(at(dt.date(2024, 10, 15)))
    assert ["objection.late"] == refused(t, "lodge_objection")
    t.fire("lodge_objection", excuse="The decision was sent to an old address.")
    assert "objection_lodged" == t.state


def test_an_objection_in_time_and_its_decision(clock: ManualClock) -> None:
    """An objection on the last day is in time; one dated before the decision is
    refused; upheld, the changed decision is the one that stands."""
    t = _decided(clock)
    clock.set(at(dt.date(2024, 10, 14)))
    assert ["objection.before_decision"] == refused(
        t, "lodge_objection", lodged_at=at(dt.date(2024, 9, 1))
    )
    t.fire("lodge_objection", grounds="Budget was released since.")
    assert ["decision.locations"] == refused(t, "decide_objection", upheld=True, reason="Upheld.")
    t.fire(
        "decide_objection",
        upheld=True,
        reason="Upheld.",
        changes=(LocationDecision("loc-1", True, AMOUNT),),
    )
    assert Outcome.GRANTED == t.data.outcome
    assert not t.data.decisions[0].granted


@pytest.mark.parametrize("code", sorted(APPLICATION_CODES))
def test_every_application_code_reads_as_a_person_wrote_it(code: str) -> None:
    """Each code only an application reports has a Dutch and an English message, and
    neither puts an identifier in its sentence (no field of the details named
    ``earlier`` or ``location`` is shown)."""
    declared = APPLICATION_VIOLATIONS[code]
    assert code not in VIOLATIONS  # not the leertraject's own
    assert programme().application.violations[code] is declared  # type: ignore[union-attr]
    assert declared.template("nl") != declared.template("en")
    for lang in ("nl", "en"):
        assert "{earlier}" not in declared.template(lang)
        assert "_" not in declared.template(lang).replace("{", " ").split("}")[-1]
