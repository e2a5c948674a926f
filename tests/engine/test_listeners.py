"""A lifecycle's listeners hear of every fired event: before, after, on a refusal.

Registration returns a remover; listeners run in registration order; a before-listener
that raises aborts the event and changes nothing; an after- or refused-listener that
raises is logged and undoes nothing; check() and replay notify no one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from structlog.testing import capture_logs

from trajectory import (
    Creation,
    EffectFailed,
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
    ViolationRegistry,
)
from trajectory.engine.listeners import EventLog, Listeners, Refusal

START = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)

_VIOLATIONS = ViolationRegistry()
NO_GOAL = _VIOLATIONS.define("goals.missing", nl="Stel een doel.", en="Set a goal.")


@attrs.frozen
class Team:
    """The toy's data."""

    name: str
    goals: tuple[str, ...] = ()


@attrs.frozen
class Start:
    """The toy's creation payload."""

    team: str


@attrs.frozen
class SetGoal:
    """A goal to add."""

    goal: str


def _has_goal(data: Team, payload: Any, context: Any) -> list[Any]:
    return [] if data.goals else [NO_GOAL()]


def _add_goal(data: Team, payload: SetGoal, context: Any) -> Team:
    return attrs.evolve(data, goals=(*data.goals, payload.goal))


def _lifecycle() -> Lifecycle[Team]:
    """A fresh lesson-study lifecycle (its own listeners)."""
    return Lifecycle(
        "lesson_study",
        states=[State("planning"), State("observing"), State("stopped", final=True)],
        events=[
            EventDefinition("set_goal", (Transition(("planning",)),), SetGoal, effect=_add_goal),
            EventDefinition(
                "design_lesson", (Transition(("planning",), "observing"),), guards=(_has_goal,)
            ),
            EventDefinition("reflect", (Transition(("observing",), "planning"),)),
            EventDefinition("stop", (Transition(("planning", "observing"), "stopped"),)),
        ],
        initial="planning",
        creation=Creation(Start, lambda payload, context: Team(payload.team)),
        violations=_VIOLATIONS,
    )


def _team(lifecycle: Lifecycle[Team]) -> Trajectory[Team]:
    return lifecycle.create(Start("Groep 5"), clock=ManualClock(START))


class Recorder:
    """A listener object that writes down what it hears, with the state it saw."""

    def __init__(self, name: str, calls: list[tuple[Any, ...]]) -> None:
        self.name = name
        self.calls = calls

    def before(self, trajectory: Trajectory[Any], event: Event, /) -> None:
        self.calls.append((self.name, "before", event.name, trajectory.state, trajectory.version))

    def after(self, trajectory: Trajectory[Any], event: Event, /) -> None:
        self.calls.append((self.name, "after", event.name, trajectory.state, trajectory.version))

    def refused(self, trajectory: Trajectory[Any], refusal: Refusal, /) -> None:
        self.calls.append((self.name, "refused", refusal.event, refusal.state, refusal.codes))


def test_listeners_are_called_in_order_before_and_after_the_commit() -> None:
    """Each listener's before runs before the commit (the trajectory unchanged), its
    after once the event is recorded; listeners run in registration order."""
    lifecycle = _lifecycle()
    calls: list[tuple[Any, ...]] = []
    lifecycle.listen(Recorder("first", calls))
    lifecycle.listen(Recorder("second", calls))
    team = _team(lifecycle)

    team.fire("set_goal", goal="Read aloud.")
    team.fire("design_lesson")

    assert [
        ("first", "before", "set_goal", "planning", 1),
        ("second", "before", "set_goal", "planning", 1),
        ("first", "after", "set_goal", "planning", 2),
        ("second", "after", "set_goal", "planning", 2),
        ("first", "before", "design_lesson", "planning", 2),
        ("second", "before", "design_lesson", "planning", 2),
        ("first", "after", "design_lesson", "observing", 3),
        ("second", "after", "design_lesson", "observing", 3),
    ] == calls


def test_before_and_after_get_the_event_that_is_recorded() -> None:
    """before is given the very Event that is then recorded; after the same, with its
    from and to state."""
    lifecycle = _lifecycle()
    seen: dict[str, Event] = {}
    lifecycle.listen(
        before=lambda trajectory, event: seen.__setitem__("before", event),
        after=lambda trajectory, event: seen.__setitem__("after", event),
    )
    team = _team(lifecycle)
    team.fire("set_goal", goal="Read aloud.")

    recorded = team.fire("design_lesson")

    assert recorded is seen["before"] is seen["after"] is team.history[-1]
    assert ("planning", "observing") == (recorded.from_state, recorded.to_state)


def test_refusals_by_transition_not_allowed_and_precondition_failed_are_reported() -> None:
    """A refusal tells the refused-listeners: the event, the state, the target, the
    violations and the error that fire raises; no before or after is called."""
    lifecycle = _lifecycle()
    calls: list[tuple[Any, ...]] = []
    refusals: list[Refusal] = []
    lifecycle.listen(Recorder("r", calls))
    lifecycle.listen(refused=lambda trajectory, refusal: refusals.append(refusal))
    team = _team(lifecycle)

    with pytest.raises(TransitionNotAllowed) as not_allowed:
        team.fire("reflect")
    with pytest.raises(PreconditionFailed) as failed:
        team.fire("design_lesson")

    assert [
        ("r", "refused", "reflect", "planning", ("transition.not_allowed",)),
        ("r", "refused", "design_lesson", "planning", ("goals.missing",)),
    ] == calls
    first, second = refusals
    assert (not_allowed.value, None) == (first.error, first.target)
    assert team.check("reflect") == list(first.violations)  # as check() reports it
    assert (failed.value, "observing") == (second.error, second.target)
    assert failed.value.violations == second.violations
    assert 1 == team.version


def test_invalid_input_and_unknown_events_are_no_refusals() -> None:
    """InvalidData and UnknownEvent reach no listener: they are errors, not refusals."""
    lifecycle = _lifecycle()
    calls: list[tuple[Any, ...]] = []
    lifecycle.listen(Recorder("r", calls))
    team = _team(lifecycle)

    with pytest.raises(InvalidData):
        team.fire("set_goal", aim="Read aloud.")
    with pytest.raises(UnknownEvent):
        team.fire("fly")

    assert [] == calls


def test_removing_a_listener_stops_it_and_only_it() -> None:
    """The remover takes away exactly what its registration added (the same callable
    registered twice stays once); calling it again does nothing."""
    lifecycle = _lifecycle()
    heard: list[str] = []

    def listener(trajectory: Trajectory[Any], event: Event) -> None:
        heard.append(event.name)

    remove_first = lifecycle.listen(after=listener)
    lifecycle.listen(after=listener)
    team = _team(lifecycle)
    team.fire("set_goal", goal="Read aloud.")
    remove_first()
    remove_first()
    team.fire("set_goal", goal="Count aloud.")

    assert ["set_goal", "set_goal", "set_goal"] == heard
    assert 1 + 1 == len(lifecycle.listeners.after)  # the log and the one left


def test_a_removed_listener_object_hears_nothing() -> None:
    """After removal, none of an object's methods is called any more."""
    lifecycle = _lifecycle()
    calls: list[tuple[Any, ...]] = []
    remove = lifecycle.listen(Recorder("r", calls))
    remove()
    team = _team(lifecycle)

    team.fire("set_goal", goal="Read aloud.")
    with pytest.raises(TransitionNotAllowed):
        team.fire("reflect")

    assert [] == calls
    assert (0, 1, 1) == tuple(
        len(kind)
        for kind in (
            lifecycle.listeners.before,
            lifecycle.listeners.after,
            lifecycle.listeners.refused,
        )
    )


def test_a_raising_before_listener_aborts_the_event() -> None:
    """A before-listener that raises makes fire raise EffectFailed (the error is the
    cause); the trajectory is unchanged and no later listener is called."""
    lifecycle = _lifecycle()
    calls: list[tuple[Any, ...]] = []

    def veto(trajectory: Trajectory[Any], event: Event) -> None:
        raise RuntimeError("no")

    lifecycle.listen(before=veto)
    lifecycle.listen(Recorder("later", calls))
    team = _team(lifecycle)

    with pytest.raises(EffectFailed) as info:
        team.fire("set_goal", goal="Read aloud.")

    assert ("set_goal", "planning") == (info.value.event, info.value.state)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert (1, (), []) == (team.version, team.data.goals, calls)


def test_a_before_listener_raising_a_library_error_passes_it_unchanged() -> None:
    """A TrajectoryError from a before-listener is raised as it is (as from a guard)."""
    lifecycle = _lifecycle()
    error = InvalidData("goal", "not today")

    def veto(trajectory: Trajectory[Any], event: Event) -> None:
        raise error

    lifecycle.listen(before=veto)
    team = _team(lifecycle)

    with pytest.raises(InvalidData) as info:
        team.fire("set_goal", goal="Read aloud.")

    assert error is info.value
    assert 1 == team.version


def test_a_raising_after_listener_is_logged_and_undoes_nothing() -> None:
    """An after-listener that raises is logged as listener_failed (its name and the
    error's type, not its message); the event stays and later listeners still run."""
    lifecycle = _lifecycle()
    heard: list[str] = []

    def broken(trajectory: Trajectory[Any], event: Event) -> None:
        raise RuntimeError("secret name")

    lifecycle.listen(after=broken)
    lifecycle.listen(after=lambda trajectory, event: heard.append(event.name))
    team = _team(lifecycle)

    with capture_logs() as logs:
        recorded = team.fire("set_goal", goal="Read aloud.")

    assert (recorded, ["set_goal"]) == (team.history[-1], heard)
    (failure,) = [entry for entry in logs if entry["event"] == "listener_failed"]
    assert {
        "event": "listener_failed",
        "trajectory_id": team.id,
        "kind": "after",
        "listener": f"{__name__}.{broken.__qualname__}",
        "error": "RuntimeError",
        "log_level": "error",
    } == failure


def test_a_raising_refused_listener_is_logged_and_the_refusal_raised() -> None:
    """A refused-listener that raises is logged; fire raises the refusal itself."""
    lifecycle = _lifecycle()

    def broken(trajectory: Trajectory[Any], refusal: Refusal) -> None:
        raise RuntimeError("boom")

    lifecycle.listen(refused=broken)
    team = _team(lifecycle)

    with capture_logs() as logs, pytest.raises(PreconditionFailed):
        team.fire("design_lesson")

    assert [("refused", "RuntimeError")] == [
        (entry["kind"], entry["error"]) for entry in logs if entry["event"] == "listener_failed"
    ]
    assert 1 == team.version


def test_check_notifies_no_one() -> None:
    """check() changes nothing and tells no listener, whatever it finds."""
    lifecycle = _lifecycle()
    calls: list[tuple[Any, ...]] = []
    lifecycle.listen(Recorder("r", calls))
    team = _team(lifecycle)

    found = [[v.code for v in team.check(event)] for event in ("design_lesson", "reflect", "stop")]

    assert [["goals.missing"], ["transition.not_allowed"], []] == found
    assert [] == calls


def test_replay_and_extend_notify_no_one() -> None:
    """Rebuilding a trajectory from its history applies accepted events again and
    tells no listener (nor does the creation)."""
    lifecycle = _lifecycle()
    team = _team(lifecycle)
    team.fire("set_goal", goal="Read aloud.")
    team.fire("design_lesson")
    calls: list[tuple[Any, ...]] = []
    lifecycle.listen(Recorder("r", calls))

    replayed = lifecycle.replay(team.history)
    partial = lifecycle.replay(team.history[:1])
    partial.extend(team.history[1:])
    _team(lifecycle)

    assert (team, team) == (replayed, partial)
    assert [] == calls


def test_the_built_in_log_is_a_listener_of_every_lifecycle() -> None:
    """A new lifecycle has the EventLog as its only listener: refused and accepted
    events are logged with the usual keys."""
    lifecycle = _lifecycle()
    listeners = lifecycle.listeners
    team = _team(lifecycle)

    with capture_logs() as logs:
        with pytest.raises(PreconditionFailed):
            team.fire("design_lesson")
        team.fire("set_goal", goal="Read aloud.")

    assert (0, 1, 1) == (len(listeners.before), len(listeners.after), len(listeners.refused))
    assert isinstance(getattr(listeners.after[0], "__self__", None), EventLog)
    assert [
        {
            "event": "design_lesson",
            "trajectory_id": team.id,
            "from_state": "planning",
            "to_state": "observing",
            "outcome": "refused",
            "violations": ["goals.missing"],
            "log_level": "info",
        },
        {
            "event": "set_goal",
            "trajectory_id": team.id,
            "from_state": "planning",
            "to_state": "planning",
            "outcome": "accepted",
            "log_level": "info",
        },
    ] == logs


def test_lifecycles_have_listeners_of_their_own() -> None:
    """A listener of one lifecycle hears nothing of another's trajectories."""
    one, other = _lifecycle(), _lifecycle()
    calls: list[tuple[Any, ...]] = []
    one.listen(Recorder("r", calls))

    _team(other).fire("set_goal", goal="Read aloud.")

    assert [] == calls


@pytest.mark.parametrize(
    ("listener", "keywords", "field"),
    [
        (object(), {}, "listener"),
        (None, {}, "listener"),
        (None, {"after": "not callable"}, "after"),
        (type("Half", (), {"after": 3})(), {}, "listener.after"),
    ],
    ids=["no-methods", "nothing", "not-callable", "method-not-callable"],
)
def test_what_is_no_listener_is_invalid_data(
    listener: object, keywords: dict[str, Any], field: str
) -> None:
    """An object with no listener method, no listener at all, or something not callable
    is InvalidData naming it, and nothing is registered."""
    listeners = Listeners()

    with pytest.raises(InvalidData) as info:
        listeners.add(listener, **keywords)

    assert field == info.value.field
    assert ((), (), ()) == (listeners.before, listeners.after, listeners.refused)
