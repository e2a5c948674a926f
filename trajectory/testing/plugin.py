"""The pytest plugin of trajectory (entry point ``pytest11``: ``trajectory``).

Fixtures:

- ``trajectory_factory``: ``trajectory_factory(state="in_progress", seed=…)`` makes a
  valid leertraject in any state (see :func:`trajectory.testing.make_trajectory`);
- ``trajectory_clock``: a :class:`~trajectory.ManualClock` at a moment inside the
  2024-2025 application window, for trajectories a test creates itself;
- ``trajectory_store``: an empty in-memory store, closed after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from trajectory.engine.history import ManualClock
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht.bootstrap import programme
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.store import Store, open_store
from trajectory.testing import DEFAULT_MOMENT, make_trajectory

__all__ = ["trajectory_clock", "trajectory_factory", "trajectory_store"]

Factory = Callable[..., Trajectory[Leertraject]]


@pytest.fixture
def trajectory_clock() -> ManualClock:
    """A manual clock at a moment inside the 2024-2025 application window."""
    return ManualClock(DEFAULT_MOMENT)


@pytest.fixture
def trajectory_factory() -> Factory:
    """Make valid leertrajecten in any state: ``trajectory_factory("granted", seed=3)``.

    Each call uses a new seed unless one is given, so two trajectories of one test
    differ; the run stays repeatable.
    """
    calls = iter(range(1_000_000))

    def make(state: str = "orientation_requested", **options: Any) -> Trajectory[Leertraject]:
        options.setdefault("seed", next(calls))
        return make_trajectory(state, **options)

    return make


@pytest.fixture
def trajectory_store() -> Iterator[Store]:
    """An empty in-memory store for the leertraject, closed after the test."""
    store = open_store("memory://", lifecycles=programme())
    yield store
    store.close()
