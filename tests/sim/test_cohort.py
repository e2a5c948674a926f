"""A simulated cohort: seeded, the same whatever the processes, a budget decided in
order of receipt, and a report that adds up."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from trajectory import InvalidData
from trajectory.ontwikkelkracht import rules_for
from trajectory.sim.cohort import (
    BUDGET_EXHAUSTED,
    DEFAULT,
    Probabilities,
    Report,
    simulate,
    simulate_school,
)

AMOUNT = rules_for("2024-2025").subsidy_amount
SCHOOLS = 120


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info, and a cohort fires thousands (the
    repository's conftest resets structlog after each test)."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@pytest.fixture(scope="module")
def report() -> Report:
    """The default cohort of 120 schools, seed 7, in this process."""
    with capture_logs():
        return simulate(SCHOOLS, seed=7)


def test_the_same_seed_gives_the_same_report(report: Report) -> None:
    """Run again, the report is equal, as a dict and as JSON; another seed differs."""
    again = simulate(SCHOOLS, seed=7)
    assert report == again
    assert report.to_dict() == again.to_dict()
    assert json.dumps(report.to_dict()) == json.dumps(again.to_dict())
    assert report.to_dict() != simulate(SCHOOLS, seed=8).to_dict()


def test_processes_do_not_change_the_report(report: Report) -> None:
    """Two worker processes, or a shipped rather than replayed first phase, give the
    same report as one process."""
    assert report.to_dict() == simulate(SCHOOLS, seed=7, processes=2).to_dict()
    replayed = simulate(SCHOOLS, seed=7, processes=2, continuation="replay")
    assert report.to_dict() == replayed.to_dict()


def test_any_executor_gives_the_same_report(report: Report) -> None:
    """The seam for other engines: any object with map(function, items), chunked for
    another number of workers, gives the same report."""
    calls: list[int] = []

    class Recording:
        def map(self, fn: Any, items: Any) -> Any:
            chunks = list(items)
            calls.append(len(chunks))
            return map(fn, chunks)

    assert report == simulate(SCHOOLS, seed=7, executor=Recording(), processes=3)
    assert 2 == len(calls)  # phase 1 and phase 3
    with ThreadPoolExecutor(max_workers=3) as threads:
        assert report == simulate(SCHOOLS, seed=7, executor=threads, processes=5)


def test_the_report_adds_up(report: Report) -> None:
    """Every school ends in a final state; the figures agree with each other."""
    assert SCHOOLS == report.schools == sum(report.final_states.values())
    assert {"not_pursued", "rejected", "settled", "withdrawn", "not_considered"} == set(
        report.final_states
    )
    assert report.granted == report.final_states["settled"]
    assert report.granted * AMOUNT == report.subsidy_granted
    assert 0 < report.subsidy_settled <= report.subsidy_granted
    assert 0 < report.hours_logged <= report.hours_planned
    assert 0 < report.stopped < report.final_states["settled"]
    orientation = report.days_in_state["orientation_requested"]
    assert SCHOOLS == orientation.trajectories
    assert orientation.total > 0
    assert "settled" not in report.days_in_state  # a final state is not left
    assert report.days_in_state["in_progress"].mean > 200
    expected = {"activity_plan.missing_part", "participants.minimum", "hours.minimum"}
    assert expected <= set(report.violations)


def test_each_school_is_the_one_simulate_school_walks(report: Report) -> None:
    """The report is the sum of the schools, each walked alone with simulate_school."""
    schools = [simulate_school(index, seed=7) for index in range(SCHOOLS)]
    finals = Counter(school.state for school in schools)
    assert {state: finals[state] for state in report.final_states} == report.final_states
    settled = sum(
        (s.data.settlement.amount_settled for s in schools if s.data.settlement is not None),
        Decimal(0),
    )
    assert report.subsidy_settled == settled
    assert report.events == sum(school.version for school in schools)


def _received(seed: int, schools: int) -> list[int]:
    """The schools whose complete application waits for a decision, in order of receipt."""
    waiting = []
    for index in range(schools):
        trajectory = simulate_school(index, seed=seed)
        if any(event.name == "grant" for event in trajectory.history):
            assert trajectory.data.submitted_at is not None
            waiting.append((trajectory.data.submitted_at, index))
    return [index for _, index in sorted(waiting)]


@pytest.mark.parametrize("grants", [0, 1, 40])
def test_a_budget_grants_the_earliest_applications(grants: int) -> None:
    """A budget for k grants: exactly the k earliest received are granted; the rest are
    rejected with budget.exhausted (counted as met). The report is that of the schools
    walked one by one with those decisions."""
    schools, seed = 80, 11
    budget = AMOUNT * grants + AMOUNT / 2  # half a grant left over: not enough for one more
    report = simulate(schools, seed=seed, budget=budget)
    received = _received(seed, schools)
    assert len(received) > 40
    earliest = set(received[:grants])
    assert grants == report.granted
    assert grants * AMOUNT == report.subsidy_granted
    assert len(received) - grants == report.violations.get(BUDGET_EXHAUSTED, 0)
    walked = [
        simulate_school(index, seed=seed, granted=index in earliest) for index in range(schools)
    ]
    finals = Counter(trajectory.state for trajectory in walked)
    assert {state: finals[state] for state in report.final_states} == report.final_states
    assert report.hours_logged == sum((t.data.logged_hours for t in walked), Decimal(0))
    assert report.events == sum(trajectory.version for trajectory in walked)
    reasons = Counter(t.data.reason for t in walked if t.state == "rejected")
    assert len(received) - grants == reasons[BUDGET_EXHAUSTED]


def test_granting_at_once_gives_the_report_of_the_three_phases(report: Report) -> None:
    """Without a ceiling each school walks on to its end at once; with an ample ceiling
    the cohort goes through the three phases (in one process or two, shipped or walked
    again): the same schools, the same figures."""
    expected = {key: value for key, value in report.to_dict().items() if key != "budget"}
    for options in ({}, {"processes": 2}, {"processes": 2, "continuation": "replay"}):
        with capture_logs():
            phased = simulate(SCHOOLS, seed=7, budget=AMOUNT * 1000, **options).to_dict()
        assert AMOUNT * 1000 == Decimal(phased["budget"])
        assert expected == {key: value for key, value in phased.items() if key != "budget"}


def test_a_budget_beyond_every_application_grants_them_all() -> None:
    """A ceiling that is never reached rejects nothing for the budget."""
    unlimited = simulate(60, seed=3)
    ample = simulate(60, seed=3, budget=AMOUNT * 1000)
    assert BUDGET_EXHAUSTED not in ample.violations
    assert unlimited.final_states == ample.final_states
    assert Decimal(AMOUNT * 1000) == ample.budget


def test_no_mishaps_settle_every_school_in_full() -> None:
    """With every probability 0, every school settles the full amount and meets no
    violation."""
    report = simulate(100, seed=5, probabilities=Probabilities.none())
    assert {
        "not_pursued": 0,
        "rejected": 0,
        "settled": 100,
        "withdrawn": 0,
        "not_considered": 0,
    } == (report.final_states)
    assert 100 * AMOUNT == report.subsidy_granted == report.subsidy_settled
    assert {} == report.violations
    assert 0 == report.stopped
    assert report.hours_logged == report.hours_planned >= 100 * 800


def test_a_negative_talk_for_everyone_pursues_nothing() -> None:
    """A negative-talk probability of 1: every school declines after its talk."""
    report = simulate(50, seed=5, probabilities=Probabilities(negative_talk=1, withdrawal={}))
    assert 50 == report.final_states["not_pursued"]
    assert Decimal(0) == report.subsidy_granted
    assert {"orientation_requested", "orientation_held"} == set(report.days_in_state)


def test_late_completions_are_refused_and_rejected() -> None:
    """Every application incomplete and completed late: refused with
    completion.deadline_passed, and rejected."""
    chances = Probabilities.none()
    late = Probabilities(**{**chances.to_dict(), "incomplete_application": 1, "completion_late": 1})
    report = simulate(30, seed=2, probabilities=late)
    assert 30 == report.final_states["rejected"]
    assert 30 <= report.violations["completion.deadline_passed"]
    assert "application_incomplete" in report.days_in_state


def test_withdrawal_per_phase() -> None:
    """Before the grant a school ends withdrawn; after it, stopped and then settled on
    the hours it logged (pro rata)."""
    before = Probabilities(
        **{**Probabilities.none().to_dict(), "withdrawal": {"application_in_preparation": 1}}
    )
    report = simulate(20, seed=1, probabilities=before)
    assert 20 == report.final_states["withdrawn"]
    after = Probabilities(**{**Probabilities.none().to_dict(), "withdrawal": {"in_progress": 1}})
    report = simulate(20, seed=1, probabilities=after)
    assert 20 == report.final_states["settled"] == report.stopped
    assert report.subsidy_settled < report.subsidy_granted
    assert report.hours_logged < report.hours_planned


def test_fewer_hours_settle_pro_rata() -> None:
    """Participants who log fewer hours than planned settle less than granted."""
    fewer = Probabilities(**{**Probabilities.none().to_dict(), "fewer_hours": 1})
    report = simulate(20, seed=4, probabilities=fewer)
    assert 20 == report.final_states["settled"]
    assert report.subsidy_settled < report.subsidy_granted
    assert report.hours_logged < report.hours_planned


def test_progress_counts_every_school_once() -> None:
    """The progress callback is told about every school, once, as it ends."""
    done: list[int] = []
    simulate(75, seed=1, progress=done.append)
    assert 75 == sum(done)
    assert all(step > 0 for step in done)


def test_the_report_as_json_and_as_a_table(report: Report) -> None:
    """to_dict() is JSON-ready with decimals as strings; the table names the figures."""
    data = json.loads(json.dumps(report.to_dict()))
    assert str(report.subsidy_settled) == data["subsidy_settled"]
    assert isinstance(data["days_in_state"]["in_progress"]["mean"], str)
    dutch, english = report.to_text(), report.to_text(lang="en")
    assert "vastgesteld" in dutch
    assert "not pursued" in english
    for text in (dutch, english):
        assert "activity_plan.missing_part" in text  # a code, in its column
    whole = f"{int(report.subsidy_granted):,}"
    assert re.search(rf"€\s?{re.escape(whole.replace(',', '.'))},\d\d", dutch)
    assert re.search(rf"€\s?{re.escape(whole)}\.\d\d", english)


def test_an_empty_cohort() -> None:
    """No schools: an empty report, not an error."""
    report = simulate(0, seed=1, processes=2)
    assert 0 == report.schools == report.events
    assert Decimal(0) == report.subsidy_granted
    assert "–" in report.to_text()


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"schools": -1}, "schools"),
        ({"schools": 1.5}, "schools"),
        ({"seed": "7"}, "seed"),
        ({"budget": Decimal(-1)}, "budget"),
        ({"budget": "lots"}, "budget"),
        ({"processes": 0}, "processes"),
        ({"school_year": "2030"}, "school_year"),
        ({"school_year": "2025-2026"}, "school_year"),
        ({"probabilities": {"negative_talk": 1}}, "probabilities"),
        ({"continuation": "teleport"}, "continuation"),
    ],
)
def test_bad_input_is_refused(arguments: dict[str, Any], field: str) -> None:
    """Bad input raises InvalidData naming the field."""
    given: dict[str, Any] = {"schools": 1, "seed": 1, **arguments}
    schools = given.pop("schools")
    with pytest.raises(InvalidData) as refused:
        simulate(schools, **given)
    assert field == refused.value.field


@pytest.mark.parametrize(
    "arguments",
    [
        {"negative_talk": 1.5},
        {"fewer_hours": -0.1},
        {"too_few_hours": float("nan")},
        {"missing_plan_parts": True},
        {"withdrawal": {"settled": 0.1}},
        {"withdrawal": {"in_progress": 2}},
        {"withdrawal": [("in_progress", 0.1)]},
    ],
)
def test_bad_probabilities_are_refused(arguments: dict[str, Any]) -> None:
    """Probabilities are from 0 to 1; withdrawal only in a state one can withdraw in."""
    with pytest.raises(InvalidData):
        Probabilities(**arguments)


def test_probabilities_read_back() -> None:
    """The default withdrawal chances per state; none where not given."""
    assert 0.03 == DEFAULT.withdraw_in("in_progress")
    assert 0.0 == DEFAULT.withdraw_in("closing")
    assert DEFAULT == Probabilities(**DEFAULT.to_dict())


@pytest.mark.parametrize(
    "budget",
    [-(10**5000), 10**5000, Decimal("1E+999999999"), "1e999999999", Decimal("-Infinity")],
    ids=["huge-negative", "huge", "decimal-huge", "text-huge", "minus-infinity"],
)
def test_a_budget_out_of_any_range_is_refused_naming_it(budget: Any) -> None:
    """A budget of thousands of digits, or beyond any budget, is InvalidData naming
    'budget' with a short message (never a ValueError from printing it, nor a
    decimal.InvalidOperation from dividing by it)."""
    with pytest.raises(InvalidData) as refused:
        simulate(1, seed=1, budget=budget)
    assert "budget" == refused.value.field
    assert len(str(refused.value)) < 200


def test_a_budget_is_decided_exactly_however_small_the_grant() -> None:
    """With a grant so small that the budget would pay for more of them than decimal
    arithmetic counts exactly, every application is decided (all granted) instead of
    the division failing."""
    import attrs

    from trajectory import register_rules
    from trajectory.ontwikkelkracht import unregister_rules

    # 800 hours × 0.5 × 2.5E-33 an hour = 1E-30: the figures agree.
    tiny_grant = {"subsidy_amount": Decimal("1E-30"), "hourly_cost": Decimal("2.5E-33")}
    register_rules(attrs.evolve(rules_for("2024-2025"), **tiny_grant))
    try:
        tiny = simulate(40, seed=5, budget=1)
        unlimited = simulate(40, seed=5)
    finally:
        unregister_rules("2024-2025")
    assert Decimal(1) == tiny.budget
    assert {k: v for k, v in unlimited.to_dict().items() if k != "budget"} == {
        k: v for k, v in tiny.to_dict().items() if k != "budget"
    }
