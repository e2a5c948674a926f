"""The coverage recorder reports exactly the transitions taken and the codes met.

It sees every fire of every trajectory of its lifecycle while it records, whatever
the logging configuration, and nothing else: not events before or after, not
payloads refused as invalid, not other lifecycles.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from typing import Any, Final

import attrs
import pytest
import structlog

from trajectory import (
    Context,
    Creation,
    Event,
    EventDefinition,
    InvalidData,
    Lifecycle,
    ManualClock,
    PreconditionFailed,
    State,
    Trajectory,
    Transition,
    TransitionNotAllowed,
    UnknownEvent,
    Violation,
    ViolationRegistry,
)
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.walker import Walker
from trajectory.sim.paths import Step, transitions
from trajectory.testing.coverage import (
    APPLICATION_SHARED,
    CoverageRecorder,
    CoverageReport,
    own_codes,
)

START: Final = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """A host that filters info logs away: the recorder must not depend on them. (Not
    cache_logger_on_first_use: a cached logger would outlive the test.)"""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def steps_of(history: tuple[Event, ...]) -> Counter[Step]:
    """The transitions a history took, with how often (the creation is none)."""
    return Counter(
        Step(e.from_state, e.name, e.to_state) for e in history if e.from_state is not None
    )


def refused_codes(t: Trajectory[Any], event: str, **payload: Any) -> list[str]:
    try:
        t.fire(event, **payload)
    except PreconditionFailed as error:
        return [violation.code for violation in error.violations]
    except TransitionNotAllowed:
        return ["transition.not_allowed"]
    raise AssertionError(f"{event} was accepted")


# -- exactly what a scripted walk did -----------------------------------------------------------


def test_the_report_holds_exactly_the_transitions_of_a_walk() -> None:
    """A walk to in_progress: the covered transitions are those of its history, with
    their counts, in the lifecycle's order; every other one is missing."""
    with CoverageRecorder() as recorder:
        trajectory = Walker.start(seed=4).walk_to("in_progress")
    report = recorder.report()
    taken = steps_of(trajectory.history)
    assert dict(taken) == dict(report.transition_counts)
    assert [s for s in transitions(LIFECYCLE) if s in taken] == list(report.covered_transitions)
    assert set(transitions(LIFECYCLE)) - set(taken) == set(report.missing_transitions)
    assert () == report.covered_codes
    assert Step("intake", "start_execution", "in_progress") in report.covered_transitions


def test_refusals_count_their_codes() -> None:
    """A refused event counts each of its violation codes; an event that does not leave
    the state counts transition.not_allowed; no transition is counted for either."""
    walker = Walker.start(seed=2)
    t = walker.walk_to("application_in_preparation")
    with CoverageRecorder() as recorder:
        expected = Counter(refused_codes(t, "submit_application"))
        expected.update(refused_codes(t, "settle"))
        expected.update(refused_codes(t, "submit_application"))
    report = recorder.report()
    assert dict(expected) == dict(report.code_counts)
    assert {"participants.minimum", "transition.not_allowed"} <= set(report.covered_codes)
    assert {} == dict(report.transition_counts)


def test_invalid_payloads_and_unknown_events_count_nothing() -> None:
    """InvalidData and UnknownEvent are no transition and carry no violation code."""
    t = Walker.start(seed=1).trajectory
    with CoverageRecorder() as recorder:
        with pytest.raises(InvalidData):
            t.fire("hold_orientation", date="yesterday")
        with pytest.raises(UnknownEvent):
            t.fire("fly")
    report = recorder.report()
    assert {} == dict(report.transition_counts)
    assert {} == dict(report.code_counts)


def test_only_what_happens_while_recording_counts() -> None:
    """Events before start() and after stop() are not counted; the recorder can record
    again; it listens to its lifecycle while it records and no longer after, and
    Trajectory.fire is never replaced."""
    original = Trajectory.fire
    walker = Walker.start(seed=1)
    walker.take("hold_orientation")
    recorder = CoverageRecorder()
    listeners = recorder.lifecycle.listeners
    before = (len(listeners.after), len(listeners.refused))
    recorder.start()
    started = recorder.recording
    listening = (len(listeners.after), len(listeners.refused))
    walker.take("register")
    recorder.stop()
    assert (True, (before[0] + 1, before[1] + 1)) == (started, listening)
    assert not recorder.recording
    assert before == (len(listeners.after), len(listeners.refused))
    assert Trajectory.fire is original
    walker.take("withdraw")
    assert {Step("orientation_held", "register", "application_in_preparation"): 1} == dict(
        recorder.report().transition_counts
    )
    with recorder, pytest.raises(TransitionNotAllowed):
        walker.fire("register")
    assert {"transition.not_allowed": 1} == dict(recorder.report().code_counts)
    with recorder, pytest.raises(RuntimeError, match="recording already"):
        recorder.start()
    assert Trajectory.fire is original


def test_fire_behaves_as_before_while_recording() -> None:
    """While recording, fire returns the recorded event and raises the same errors."""
    t = Walker.start(seed=1).walk_to("orientation_held")
    with CoverageRecorder():
        event = t.fire("decline", reason="Another focus this year.")
        with pytest.raises(TransitionNotAllowed) as info:
            t.fire("register")
    assert event is t.history[-1]
    assert "not_pursued" == info.value.state


def test_recorders_record_side_by_side() -> None:
    """Two recorders at once each see every event; the inner one only while it records."""
    walker = Walker.start(seed=1)
    with CoverageRecorder() as outer:
        walker.take("hold_orientation")
        with CoverageRecorder() as inner:
            walker.take("register")
        walker.take("withdraw")
    assert 3 == sum(outer.report().transition_counts.values())
    assert [Step("orientation_held", "register", "application_in_preparation")] == list(
        inner.report().transition_counts
    )


def test_histories_and_refusals_can_be_added_by_hand() -> None:
    """record_history and record_refusal count what happened where no recorder ran
    (another process, a trajectory loaded from a store) as if it had been recorded."""
    trajectory = Walker.start(seed=3).walk_to("granted")
    with CoverageRecorder() as live:
        Walker.start(seed=3).walk_to("granted")
    by_hand = CoverageRecorder()
    by_hand.record_history(trajectory.history)
    by_hand.record_refusal(TransitionNotAllowed("settle", "granted", ("completed",)))
    by_hand.record_refusal(UnknownEvent("fly", ()))
    assert live.report().transition_counts == by_hand.report().transition_counts
    assert {"transition.not_allowed": 1} == dict(by_hand.report().code_counts)
    by_hand.reset()
    assert 0.0 == by_hand.report().percent


# -- another lifecycle ---------------------------------------------------------------------------


@attrs.frozen
class Lamp:
    bulb: bool = True


@attrs.frozen
class Nothing:
    pass


LAMP_VIOLATIONS: Final = ViolationRegistry()
NO_BULB: Final = LAMP_VIOLATIONS.define("lamp.no_bulb", nl="Geen lamp.", en="No bulb.")


def needs_bulb(data: Lamp, payload: Any, context: Context) -> list[Violation]:
    return [] if data.bulb else [NO_BULB()]


LAMP: Final = Lifecycle[Lamp](
    "toy.lamp",
    states=(State("off"), State("on")),
    events=(
        EventDefinition("switch_on", (Transition(("off",), "on"),), guards=(needs_bulb,)),
        EventDefinition("switch_off", (Transition(("on",), "off"),)),
    ),
    initial="off",
    creation=Creation(Nothing, lambda payload, context: Lamp(bulb=False)),
    violations=LAMP_VIOLATIONS,
)


def test_a_recorder_sees_only_its_own_lifecycle() -> None:
    """A recorder for any lifecycle counts its trajectories and none of the others."""
    with CoverageRecorder(LAMP) as lamps, CoverageRecorder() as leertrajecten:
        lamp = LAMP.create(Nothing(), clock=ManualClock(START))
        with pytest.raises(PreconditionFailed):
            lamp.fire("switch_on")
        Walker.start(seed=1).take("hold_orientation")
    report = lamps.report()
    assert {"lamp.no_bulb": 1} == dict(report.code_counts)
    assert {} == dict(report.transition_counts)
    assert ("lamp.no_bulb",) == report.covered_codes
    assert "transition.not_allowed" in report.missing_codes
    assert 1 == sum(leertrajecten.report().transition_counts.values())
    assert {} == dict(leertrajecten.report().code_counts)


# -- the report ----------------------------------------------------------------------------------


def full_report() -> CoverageReport:
    """A recorder that saw every transition of the leertraject once, and every code."""
    recorder = CoverageRecorder()
    for n, step in enumerate(transitions(LIFECYCLE), start=2):
        recorder.record_event(Event("e", "t", n, START, step.event, step.source, step.target, None))
    recorder.record_codes(own_codes(LIFECYCLE))
    return recorder.report()


def test_percentages() -> None:
    """Transitions and codes each, and together; 100 when everything was seen."""
    empty = CoverageRecorder().report()
    assert (0.0, 0.0, 0.0) == (empty.transition_percent, empty.code_percent, empty.percent)
    assert not empty.complete
    full = full_report()
    assert (100.0, 100.0, 100.0) == (full.transition_percent, full.code_percent, full.percent)
    assert full.complete
    assert () == full.missing_transitions
    assert () == full.missing_codes
    with CoverageRecorder() as recorder:
        Walker.start(seed=1).take("hold_orientation")
    one = recorder.report()
    total = len(transitions(LIFECYCLE)) + len(own_codes(LIFECYCLE))
    assert round(100 / len(transitions(LIFECYCLE)), 1) == one.transition_percent
    assert round(100 / total, 1) == one.percent


def test_the_report_as_data() -> None:
    """as_dict() is JSON: totals, covered with counts, missing, percentages."""
    with CoverageRecorder() as recorder:
        t = Walker.start(seed=1).walk_to("orientation_held")
        with pytest.raises(TransitionNotAllowed):
            t.fire("grant")
    data = json.loads(json.dumps(recorder.report().as_dict()))
    assert "ontwikkelkracht.leertraject" == data["lifecycle"]
    assert len(transitions(LIFECYCLE)) == data["transitions"]["total"]
    assert [
        {
            "source": "orientation_requested",
            "event": "hold_orientation",
            "target": "orientation_held",
            "count": 1,
        }
    ] == data["transitions"]["covered"]
    assert {"transition.not_allowed": 1} == data["violation_codes"]["covered"]
    assert "transition.not_allowed" not in data["violation_codes"]["missing"]
    assert len(own_codes(LIFECYCLE)) - 1 == len(data["violation_codes"]["missing"])


def test_the_report_as_text() -> None:
    """render() gives the totals and what is missing; covered=True adds what was seen,
    with counts; a complete report lists nothing missing."""
    with CoverageRecorder() as recorder:
        walker = Walker.start(seed=1)
        walker.take("hold_orientation")
        with pytest.raises(TransitionNotAllowed):
            walker.fire("grant")
    report = recorder.report()
    text = report.render()
    assert text.startswith("Coverage of ontwikkelkracht.leertraject: ")
    assert "  transitions      1 of 71 (1.4%)" in text
    assert "orientation_held --decline--> not_pursued" in text
    assert "orientation_requested --hold_orientation--> orientation_held" not in text
    assert text == str(report)
    seen = report.render(covered=True)
    assert "Transitions taken (1):\n  1  orientation_requested --hold_orientation-->" in seen
    assert "Violation codes met (1):\n  1  transition.not_allowed" in seen
    complete = full_report().render()
    assert "not taken" not in complete
    assert "not met" not in complete
    assert "100.0%" in complete


def test_a_foreign_history_is_reported_apart() -> None:
    """Transitions and codes the lifecycle does not define are listed, not counted in."""
    recorder = CoverageRecorder()
    recorder.record_event(Event("e", "t", 2, START, "fly", "orientation_requested", "sky", None))
    recorder.record_codes(["order.items_missing"])
    report = recorder.report()
    assert (Step("orientation_requested", "fly", "sky"),) == report.unknown_transitions
    assert ("order.items_missing",) == report.unknown_codes
    assert 0.0 == report.percent
    assert "Codes the lifecycle does not declare (1):\n  order.items_missing" in report.render()


# -- per lifecycle ------------------------------------------------------------------------------


def test_each_lifecycle_of_the_programme_lists_its_own_codes() -> None:
    """The leertraject and the application share the programme's registry; each
    report lists its own codes: the leertraject's none of the application's own, the
    application's its own, the engine's and the leertraject's its guards report; the
    ledger's its own registry."""
    from trajectory.ontwikkelkracht import programme
    from trajectory.ontwikkelkracht.violations import APPLICATION_CODES, VIOLATIONS

    made = programme()
    leertraject = CoverageRecorder(made.leertraject).report().codes
    application = CoverageRecorder(made.application).report().codes
    ledger = CoverageRecorder(made.ledger).report().codes
    assert not APPLICATION_CODES & set(leertraject)
    assert set(VIOLATIONS) <= set(leertraject)
    assert APPLICATION_CODES <= set(application)
    assert {"transition.not_allowed", *APPLICATION_SHARED} <= set(application)
    assert {"participants.minimum", "hours.minimum", "budget.exhausted"}.isdisjoint(application)
    assert set(APPLICATION_SHARED) <= set(VIOLATIONS)
    assert ("transition.not_allowed", "budget.exhausted") == ledger[:2]


def test_the_application_codes_are_met_in_its_own_report() -> None:
    """An application's refusal counts in the application's report, not in the
    leertraject's; the Office's own refusals are added with record_refusal."""
    from trajectory.ontwikkelkracht import programme
    from trajectory.testing import make_application

    made = programme()
    with CoverageRecorder(made.application) as mine, CoverageRecorder() as theirs:
        decided = make_application("decided", locations=1)
        decided.clock.advance(weeks=10)
        with pytest.raises(PreconditionFailed) as late:
            decided.office.lodge_objection(decided.id)
        first = make_application("received", locations=1)
        first.clock.advance(days=1)
        later = make_application("received", store=first.store, clock=first.clock, seed=3)
        with pytest.raises(PreconditionFailed) as earlier:
            later.office.grant(later.id)
        mine.record_refusal(earlier.value)
    assert ["objection.late"] == [found.code for found in late.value.violations]
    report = mine.report()
    assert {"objection.late": 1} == {
        code: count for code, count in report.code_counts.items() if code == "objection.late"
    }
    assert "objection.late" not in theirs.report().code_counts
    assert 1 == report.code_counts["order_of_receipt.earlier_pending"]
    assert () == report.unknown_codes
