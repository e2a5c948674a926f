"""The pytest plugin, as an integrator's own test suite sees it."""

from __future__ import annotations

import pytest

from trajectory import ManualClock, new_trajectory, replay
from trajectory.ontwikkelkracht import Leertraject
from trajectory.store import Store
from trajectory.testing import DEFAULT_MOMENT, make_trajectory
from trajectory.testing.plugin import Factory

pytest_plugins = ["pytester"]

INTEGRATOR_TESTS = """
import datetime as dt

from trajectory import new_trajectory, PreconditionFailed
from trajectory.testing import make_trajectory


def test_make_trajectory_needs_no_setup():
    t = make_trajectory(state="in_progress")
    assert t.state == "in_progress"
    assert "hold_study_moment" in t.allowed_events()


def test_the_factory_fixture(trajectory_factory):
    granted = trajectory_factory("granted")
    other = trajectory_factory("granted")
    assert granted.state == other.state == "granted"
    assert granted.id != other.id


def test_the_clock_fixture(trajectory_clock):
    t = new_trajectory(
        school=make_trajectory().data.school,
        offer="leven-lang-lezen",
        school_year="2024-2025",
        clock=trajectory_clock,
    )
    trajectory_clock.advance(days=1)
    t.fire("record_talk", kind="exploratory_talk", date=trajectory_clock().date())
    assert t.history[-1].timestamp == trajectory_clock()


def test_the_store_fixture(trajectory_store):
    t = make_trajectory(state="application_submitted")
    trajectory_store.save(t)
    assert trajectory_store.load(t.id) == t
"""


def test_an_integrator_uses_the_plugin_without_setup(pytester: pytest.Pytester) -> None:
    """A test file with no conftest and no imports of the plugin gets the fixtures
    (the plugin loads through its pytest11 entry point)."""
    pytester.makepyfile(test_integration=INTEGRATOR_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


@pytest.mark.parametrize(
    "state", ["orientation_requested", "application_incomplete", "in_progress", "settled"]
)
def test_make_trajectory_reaches_the_state(state: str) -> None:
    """make_trajectory gives a valid trajectory in the state asked for, which replays."""
    t = make_trajectory(state, seed=4)
    assert state == t.state
    assert t == replay(t.history)


def test_make_trajectory_repeats_with_its_seed() -> None:
    """The same seed gives the same data; the clock is the trajectory's own."""
    first = make_trajectory("granted", seed=11)
    again = make_trajectory("granted", seed=11)
    assert first.data == again.data
    assert isinstance(first.clock, ManualClock)
    assert first.clock is not again.clock


def test_the_fixtures_in_this_suite(
    trajectory_factory: Factory, trajectory_clock: ManualClock, trajectory_store: Store
) -> None:
    """The fixtures work here too: factory, a clock in the window, an empty store."""
    t: object = trajectory_factory("intake")
    assert isinstance(t, type(make_trajectory()))
    assert DEFAULT_MOMENT == trajectory_clock()
    assert [] == trajectory_store.list()
    fresh = new_trajectory(
        school=make_trajectory().data.school,
        offer="leven-lang-lezen",
        school_year="2024-2025",
        clock=trajectory_clock,
    )
    assert isinstance(fresh.data, Leertraject)
