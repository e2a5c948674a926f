"""The Office: an application and its locations move together (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import trajectory
from trajectory import ManualClock, PreconditionFailed, Violation
from trajectory.ontwikkelkracht.school import NETHERLANDS, School
from trajectory.store import Store

BOARD = "Stichting Primair"


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NETHERLANDS)


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


TEAM = (
    ("Anna", "school_leader", 200),
    ("Bram", "teacher", 150),
    ("Chloé", "teacher", 150),
    ("Daan", "teacher", 150),
    ("Eva", "teacher", 150),
)
PLAN = {
    "report": "Report of the orientation talk.",
    "willing_and_able": "Willing and able.",
    "leadership_commitment": "Committed.",
    "team_support": "Supported.",
}


def location(store: Store, clock: ManualClock, name: str, brin: str, *, board: str = BOARD) -> str:
    """A leertraject ready to be submitted, without a talk of its own, saved."""
    school = School(name=name, sector="po", board=board, brin=brin)
    t = trajectory.new_trajectory(
        school=school, offer="leven-lang-lezen", school_year="2024-2025", clock=clock
    )
    t.fire(
        "hold_orientation",
        date=clock().date(),
        learning_question="How do we read more?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    for person, role, hours in TEAM:
        t.fire("add_participant", name=person, role=role, planned_hours=hours)
    t.fire("write_activity_plan", **PLAN)
    store.save(t)
    return t.id


def application(office: trajectory.Office, store: Store, clock: ManualClock, *brins: str) -> Any:
    ids = [location(store, clock, f"School {brin}", brin) for brin in brins]
    made = office.new_application(board=BOARD, round="2024-2025/main", locations=ids)
    office.record_talk(made.id, kind="exploratory_talk", date=clock().date())
    return made


def test_a_new_application_requests_the_fixed_amounts_together(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """An application for two locations requests twice the fixed amount and is in
    preparation."""
    made = application(office, store, clock, "12AB00", "12AB01")
    assert "in_preparation" == made.state
    assert 2 == len(made.locations)
    assert trajectory.rules_for("2024-2025").subsidy_amount * 2 == made.requested


def test_submitting_moves_the_application_and_its_locations_together(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Received at 15:59 on the last day and recorded at 16:05, the application is
    inside the window; it and both locations move, the talk on the application counting
    for each location."""
    made = application(office, store, clock, "12AB00", "12AB01")
    clock.set(at(dt.date(2024, 6, 28), 16, 5))
    received = at(dt.date(2024, 6, 28), 15, 59)
    submitted = office.submit(made.id, received_at=received)
    assert ("received", received) == (submitted.state, submitted.received_at)
    for location_id in made.locations:
        loaded = store.load(location_id)
        assert "application_submitted" == loaded.state
        assert received == loaded.data.submitted_at


def test_a_refused_submission_moves_nothing_and_places_each_violation(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """One location short of participants refuses the submission: the violation names
    that location, and neither the application nor any location moved."""
    made = application(office, store, clock, "12AB00", "12AB01")
    short = store.load(made.locations[1])
    short.fire("remove_participant", name="Eva")
    store.save(short)
    clock.set(at(dt.date(2024, 5, 1)))
    with pytest.raises(PreconditionFailed) as info:
        office.submit(made.id)
    assert [
        (made.locations[1], "participants.minimum"),
        (made.locations[1], "hours.minimum"),
    ] == [(found.location, found.code) for found in info.value.violations]
    assert "in_preparation" == office.application(made.id).state
    assert ["application_in_preparation"] * 2 == [
        store.load(found).state for found in made.locations
    ]


def test_the_blockers_are_what_the_next_step_would_meet(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """In preparation, the application's blockers are the submission's violations as
    the Office checks it: the talk recorded on the application counts for every
    location (a location alone still misses one), each violation is placed, and once
    they are gone the submission goes through. Being completed, the blockers are the
    completion's; decided, there are none."""
    made = application(office, store, clock, "12AB00", "12AB01")
    short = store.load(made.locations[1])
    short.fire("remove_participant", name="Eva")
    store.save(short)
    clock.set(at(dt.date(2024, 5, 1)))
    found = office.blockers(made.id)
    assert [
        (made.locations[1], "participants.minimum"),
        (made.locations[1], "hours.minimum"),
    ] == [(violation.location, violation.code) for violation in found]
    alone = store.load(made.locations[0]).blockers()["submit_application"]
    assert "talks.required_missing" in {violation.code for violation in alone}
    short = store.load(made.locations[1])
    short.fire("add_participant", name="Eva", role="teacher", planned_hours=150)
    store.save(short)
    assert [] == office.blockers(made.id)
    office.submit(made.id)
    office.request_completion(made.id, deadline=dt.date(2024, 5, 10))
    clock.set(at(dt.date(2024, 5, 13)))
    assert {"completion.deadline_passed"} <= {v.code for v in office.blockers(made.id)}
    clock.set(at(dt.date(2024, 5, 8)))
    assert [] == office.blockers(made.id)
    office.complete(made.id)
    office.grant(made.id)
    assert [] == office.blockers(made.id)


def test_a_receipt_after_the_window_is_refused_for_the_application(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Received at 16:01 on the last day, the application is refused with
    window.closed, for the application (location None) and for each location."""
    made = application(office, store, clock, "12AB00")
    clock.set(at(dt.date(2024, 6, 28), 16, 5))
    with pytest.raises(PreconditionFailed) as info:
        office.submit(made.id, received_at=at(dt.date(2024, 6, 28), 16, 1))
    assert [(None, "window.closed"), (made.locations[0], "window.closed")] == [
        (found.location, found.code) for found in info.value.violations
    ]


def test_completion_counts_for_the_order_and_suspends_the_term(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Completion requested on 1 July and completed on 8 July: the order of receipt is
    8 July and the decision term is 13 weeks from receipt plus the 6 days suspended (2 to
    7 July); while the application is being completed no decision is due."""
    made = application(office, store, clock, "12AB00", "12AB01")
    clock.set(at(dt.date(2024, 6, 28), 16, 5))
    office.submit(made.id, received_at=at(dt.date(2024, 6, 28), 15, 59))
    clock.set(at(dt.date(2024, 7, 1)))
    office.request_completion(made.id)
    assert [] == office.due_decisions(dt.date(2025, 1, 1))
    clock.set(at(dt.date(2024, 7, 8)))
    completed = office.complete(made.id)
    assert ("received", at(dt.date(2024, 7, 8))) == (completed.state, completed.order_moment)
    due = dt.date(2024, 6, 28) + dt.timedelta(weeks=13, days=6)
    assert [(made.id, due, False, 6)] == [
        (item.application.id, item.due, item.overdue, item.suspended_days)
        for item in office.due_decisions(due)
    ]
    assert [] == office.due_decisions(due - dt.timedelta(days=1))


def test_a_missed_completion_deadline_ends_in_not_considered(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Not completed by its deadline, the application and its locations are not
    considered; before the deadline that is refused."""
    made = application(office, store, clock, "12AB00")
    clock.set(at(dt.date(2024, 6, 3)))
    office.submit(made.id)
    office.request_completion(made.id)
    with pytest.raises(PreconditionFailed) as info:
        office.not_consider(made.id)
    assert {"completion.deadline_not_passed"} == {found.code for found in info.value.violations}
    clock.set(at(dt.date(2024, 6, 18)))
    with pytest.raises(PreconditionFailed) as late:
        office.complete(made.id)
    assert "completion.deadline_passed" in {found.code for found in late.value.violations}
    assert "not_considered" == office.not_consider(made.id).state
    assert "not_considered" == store.load(made.locations[0]).state


def test_a_violation_carries_its_location() -> None:
    """A violation placed at a location is not equal to the same one unplaced."""
    from trajectory.ontwikkelkracht.violations import PARTICIPANTS_MINIMUM

    plain: Violation = PARTICIPANTS_MINIMUM(required=5, actual=4)
    placed = plain.at("loc-1")
    assert (None, "loc-1") == (plain.location, placed.location)
    assert plain != placed
    assert plain == placed.at(None)
    assert plain.message("en") == placed.message("en")


def received_on(
    office: trajectory.Office, store: Store, clock: ManualClock, day: dt.date, *brins: str
) -> Any:
    made = application(office, store, clock, *brins)
    clock.set(at(day))
    return office.submit(made.id)


def test_decisions_follow_the_order_of_receipt(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Granting a later application before an earlier one is refused with
    order_of_receipt.earlier_pending, naming the earlier one in its details and its
    board and receipt in the message; once the earlier one is decided, it is granted."""
    first = received_on(office, store, clock, dt.date(2024, 5, 2), "12AB00")
    later = received_on(office, store, clock, dt.date(2024, 5, 3), "12AB01")
    assert [first.id, later.id] == [found.id for found in office.in_order_of_receipt(first.round)]
    with pytest.raises(PreconditionFailed) as info:
        office.grant(later.id)
    (violation,) = info.value.violations
    assert ("order_of_receipt.earlier_pending", None) == (violation.code, violation.location)
    assert first.id == violation.details["earlier"]
    assert "Stichting Primair" in violation.message("nl")
    assert first.id not in violation.message("en")
    assert "received" == office.application(later.id).state
    office.reject(first.id, reason="The activity plan does not fit the scheme.")
    granted = office.grant(later.id)
    assert ("decided", "granted") == (granted.state, granted.outcome)
    assert "granted" == store.load(later.locations[0]).state


def test_a_grant_may_reject_some_locations(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A grant with one location rejected is partly granted: each location moves to its
    own decision, in one unit of work."""
    made = received_on(office, store, clock, dt.date(2024, 5, 2), "12AB00", "12AB01")
    decided = office.grant(made.id, rejected={made.locations[1]: "The school is no po school."})
    assert "partly_granted" == decided.outcome
    assert decided.requested / 2 == decided.granted
    assert ["granted", "rejected"] == [store.load(found).state for found in made.locations]


def test_a_rejection_changed_on_objection(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """A late objection is refused without an excuse; upheld, the rejected location is
    granted after all, its history showing both decisions."""
    made = received_on(office, store, clock, dt.date(2024, 5, 2), "12AB00")
    clock.set(at(dt.date(2024, 7, 1)))
    office.reject(made.id, reason="Budget exhausted.", codes=["budget.exhausted"])
    clock.set(at(dt.date(2024, 8, 13)))
    with pytest.raises(PreconditionFailed) as info:
        office.lodge_objection(made.id, grounds="Budget was released.")
    assert ["objection.late"] == [found.code for found in info.value.violations]
    office.lodge_objection(
        made.id, grounds="Budget was released.", excuse="Sent to an old address."
    )
    decided = office.decide_objection(made.id, upheld=True, reason="Upheld: budget released.")
    assert ("objection_decided", "granted") == (decided.state, decided.outcome)
    location = store.load(made.locations[0])
    assert ["reject", "grant_on_objection"] == [event.name for event in location.history[-2:]]


def test_applications_received_the_same_day_are_ordered_by_lot(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """Two applications received on the same day while the budget covers one are
    ordered by a seeded draw, recorded in the ledger's history with its seed and
    outcome; the one drawn first is granted, the other waits for it."""
    import attrs

    from trajectory.ontwikkelkracht import programme
    from trajectory.ontwikkelkracht.ledger import open_ledger
    from trajectory.ontwikkelkracht.rounds import draw_lots

    amount = trajectory.rules_for("2024-2025").subsidy_amount
    store.save(
        open_ledger(attrs.evolve(programme().round("2024-2025/main"), ceiling=amount), clock=clock)
    )
    one = received_on(office, store, clock, dt.date(2024, 5, 2), "12AB00")
    clock.set(at(dt.date(2024, 5, 2), 14))
    other = office.submit(application(office, store, clock, "12AB01").id)
    clock.set(at(dt.date(2024, 9, 2)))
    codes: list[str] = []
    try:
        office.grant(one.id)
    except PreconditionFailed as refused:
        codes = [v.code for v in refused.violations]
    assert codes in ([], ["order_of_receipt.earlier_pending"])
    (lottery,) = office.ledger("2024-2025/main").lotteries
    assert sorted([one.id, other.id]) == sorted(lottery.candidates)
    assert draw_lots(lottery.candidates, seed=lottery.seed) == lottery.outcome
    first, second = lottery.outcome
    assert [first, second] == [found.id for found in office.in_order_of_receipt("2024-2025/main")]
    assert "ontwikkelkracht.ledger" == store.load(office_ledger_id()).lifecycle.name
    assert "draw_lots" in [event.name for event in store.history(office_ledger_id())]
    if office.application(first).state == "received":  # the other one was drawn first
        with pytest.raises(PreconditionFailed) as waiting:
            office.grant(second)
        assert "order_of_receipt.earlier_pending" in {v.code for v in waiting.value.violations}
        office.grant(first)
    assert "granted" == office.application(first).outcome
    with pytest.raises(PreconditionFailed) as exhausted:
        office.grant(second)
    assert ["budget.exhausted"] == [v.code for v in exhausted.value.violations]


def office_ledger_id() -> str:
    from trajectory.ontwikkelkracht.ledger import ledger_id

    return ledger_id("2024-2025/main")


def test_bad_input_is_invalid_data_and_changes_nothing(
    office: trajectory.Office, store: Store, clock: ManualClock
) -> None:
    """An unknown application, a location of another board or of another kind, an
    unknown round and a date that is no date are InvalidData naming the argument."""
    from trajectory import InvalidData

    other_board = location(store, clock, "OBS Elders", "12AB09", board="Stichting Elders")
    cases = [
        (lambda: office.submit("no-such-application"), "application"),
        (
            lambda: office.new_application(
                board=BOARD, round="2024-2025/main", locations=[other_board]
            ),
            "locations[0]",
        ),
        (
            lambda: office.new_application(board=BOARD, round="2024-2025/none", locations=[]),
            "round",
        ),
        (lambda: office.due_decisions("2024-09-01"), "by"),  # type: ignore[arg-type]
    ]
    for call, field in cases:
        with pytest.raises(InvalidData) as info:
            call()
        assert field == info.value.field
    assert [] == office.applications()
    made = application(office, store, clock, "12AB00")
    with pytest.raises(InvalidData) as info:
        office.submit(made.locations[0])
    assert "application" == info.value.field
    with pytest.raises(InvalidData):
        trajectory.Office("memory://")  # type: ignore[arg-type]
