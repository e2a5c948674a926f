"""A story is data: what a simulated school does, checked when it is made and against
the lifecycle it is walked on; a story of one's own drives the simulator."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
import structlog

from trajectory import InvalidData, PreconditionFailed
from trajectory.ontwikkelkracht import LIFECYCLE, rules_for
from trajectory.sim.cohort import simulate, simulate_school
from trajectory.sim.story import (
    BUDGET_EXHAUSTED,
    Branch,
    Decision,
    Draw,
    Outcome,
    Probabilities,
    Refusal,
    Step,
    Story,
    leertraject_story,
)

RULES = rules_for("2024-2025")


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def test_the_leertraject_story_is_made_from_the_probabilities() -> None:
    """Every chance of the probabilities is in the story, as data."""
    chances = Probabilities(negative_talk=0.3, withdrawal={"preparing": 0.5}, fewer_hours=0.7)
    story = leertraject_story(chances, RULES)
    assert 0.3 == story.outcomes["hold_orientation"][0].chance
    assert ["withdraw"] == [branch.step.event for branch in story.branches["preparing"]]
    assert 0.5 == story.branches["preparing"][0].chance
    assert 0.7 == story.draws["hold_closing_talk"][0].chance
    assert story.decision is not None
    assert RULES.subsidy_amount == story.decision.amount
    assert BUDGET_EXHAUSTED == story.decision.refuse.payload["reason"]
    story.check(LIFECYCLE)  # names only events and states the leertraject defines


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Step(""), "event"),
        (lambda: Step("settle", wait=(3, 1)), "wait"),
        (lambda: Step("settle", wait="soon"), "wait"),
        (lambda: Step("settle", payload=["reason"]), "payload"),
        (lambda: Branch(1.5, Step("withdraw")), "chance"),
        (lambda: Branch(0.5, Step("withdraw"), then=["settle"]), "then"),
        (lambda: Outcome(float("nan"), {}), "chance"),
        (lambda: Draw("hours_share", 0.5, 90, 50), "hours_share"),
        (lambda: Draw("hours_share", 0.5, 50, 90, scale=0), "hours_share"),
        (lambda: Story(path=()), "path"),
        (lambda: Story(path=("register",), extras={"record_visit": 2}), "extras['record_visit']"),
        (
            lambda: Story(path=("register",), branches={"preparing": "withdraw"}),
            "branches['preparing']",
        ),
        (lambda: Story(path=("register",), refusals={"grant": "again"}), "refusals"),
        (lambda: Probabilities(extras={"record_visit": -1}), "extras['record_visit']"),
    ],
)
def test_a_bad_story_is_refused_naming_the_part(make: Any, field: str) -> None:
    """Each part of a story is checked as it is made: InvalidData naming it."""
    with pytest.raises(InvalidData) as refused:
        make()
    assert field == refused.value.field


def test_a_story_naming_what_the_lifecycle_lacks_is_refused() -> None:
    """An event or a state the lifecycle does not define is refused by check() and by
    simulate(), before any school walks."""
    unknown_event = Story(path=("hold_orientation", "fly"))
    unknown_state = Story(
        path=("hold_orientation",), branches={"asleep": Branch(0.5, Step("withdraw"))}
    )
    for story, name in ((unknown_event, "'fly'"), (unknown_state, "'asleep'")):
        with pytest.raises(InvalidData) as refused:
            story.check(LIFECYCLE)
        assert name in str(refused.value)
        with pytest.raises(InvalidData):
            simulate(3, seed=1, story=story)
    with pytest.raises(InvalidData) as refused:
        simulate(3, seed=1, story="the leertraject")  # type: ignore[arg-type]
    assert "story" == refused.value.field


def _short_story(**parts: Any) -> Story:
    """The leertraject's path without budget decision: straight to the settlement."""
    return Story(path=leertraject_story(Probabilities.none(), RULES).path, **parts)


def test_a_story_of_ones_own_drives_the_simulator() -> None:
    """A story without a decision walks every school to its end in one go; a branch
    taken with certainty and an outcome change every school alike."""
    calm = simulate(10, seed=2, story=_short_story())
    assert 10 == calm.final_states["settled"] == calm.granted
    stop = Branch(1, Step("withdraw", (1, 2), {"reason": "The school stopped."}))
    stopped = simulate(10, seed=2, story=_short_story(branches={"in_progress": stop}))
    assert 10 == stopped.final_states["settled"] == stopped.stopped
    school = simulate_school(0, seed=2, story=_short_story(branches={"in_progress": stop}))
    withdrawal = next(event for event in school.history if event.name == "withdraw")
    assert "The school stopped." == withdrawal.payload.reason
    negative = Outcome(1, {"conclusion": "negative"}, then=(Step("decline"),))
    gloomy = simulate(10, seed=2, story=_short_story(outcomes={"hold_orientation": negative}))
    assert 10 == gloomy.final_states["not_pursued"]


def test_a_refused_event_without_a_rule_stops_the_walk() -> None:
    """A path event refused with no refusal rule raises the refusal: the story does
    not say how the school goes on."""
    hours = Draw("hours_share", 1, 10, 20, scale=100)
    with pytest.raises(PreconditionFailed, match=r"hours\.minimum"):
        simulate(2, seed=1, story=_short_story(draws={"submit_application": (hours,)}))
    retried = Refusal(retry=(1, 2), retries=1, then=Step("withdraw", payload={"reason": "No."}))
    report = simulate(
        5,
        seed=1,
        story=_short_story(
            draws={"submit_application": (hours,)}, refusals={"submit_application": retried}
        ),
    )
    assert 5 == report.final_states["settled"]  # fixed and submitted again
    assert 5 == report.violations["hours.minimum"]


def test_a_decision_of_ones_own() -> None:
    """The decision of a story: a budget of one grant's worth grants one school."""
    decision = Decision(
        state="application_submitted",
        received="submit_application",
        grant=Step("grant"),
        refuse=Step("reject", payload={"reason": "budget.exhausted"}),
        code="budget.exhausted",
        wait=(14, 20),
        amount=Decimal(1000),
    )
    report = simulate(4, seed=3, story=_short_story(decision=decision), budget=Decimal(1000))
    assert 1 == report.granted
    assert 3 == report.violations["budget.exhausted"] == report.final_states["rejected"]
