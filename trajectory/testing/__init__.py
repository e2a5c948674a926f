"""Helpers for testing code that uses trajectory (like ``structlog.testing``).

>>> from structlog.testing import capture_logs
>>> with capture_logs():
...     t = make_trajectory(state="in_progress", seed=7)
>>> t.state
'in_progress'

:func:`make_application` makes a board's application for one or more locations in any
of its states, on an :class:`~trajectory.Office` (see
:mod:`trajectory.testing.applications`).

With pytest, the plugin (registered as ``trajectory``) gives the fixtures
``trajectory_factory``, ``trajectory_clock`` and ``trajectory_store``.

- :mod:`trajectory.testing.strategies`: Hypothesis strategies for payloads on both
  sides of every precondition;
- :mod:`trajectory.testing.stateful`: ``LeertrajectMachine``, a Hypothesis state machine
  to subclass for your own wrapper;
- :mod:`trajectory.testing.application_machine`: ``ApplicationMachine``, a Hypothesis
  state machine of a round's applications on an Office;
- :mod:`trajectory.testing.coverage`: which transitions and violation codes a test run
  exercised.

The strategies and the machines need Hypothesis (``pip install
"trajectory-lifecycle[testing]"``; without it they raise
:class:`~trajectory.MissingDependency`); they are imported when first used, so the
pytest plugin works without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from trajectory.engine.history import ManualClock
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht.catalog import Offer
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import NETHERLANDS, School, SchoolYear
from trajectory.ontwikkelkracht.walker import MAIN_PATH, Walker
from trajectory.testing.applications import MadeApplication, make_application
from trajectory.testing.coverage import CoverageRecorder, CoverageReport

__all__ = [
    "DEFAULT_MOMENT",
    "MAIN_PATH",
    "ApplicationMachine",
    "CoverageRecorder",
    "CoverageReport",
    "LeertrajectMachine",
    "MadeApplication",
    "ManualClock",
    "Walker",
    "make_application",
    "make_trajectory",
    "strategies",
]


def __getattr__(name: str) -> Any:
    # Hypothesis is a test dependency: import what needs it only when it is asked for.
    if name == "strategies":
        import trajectory.testing.strategies as strategies

        return strategies
    if name == "LeertrajectMachine":
        from trajectory.testing.stateful import LeertrajectMachine

        return LeertrajectMachine
    if name == "ApplicationMachine":
        from trajectory.testing.application_machine import ApplicationMachine

        return ApplicationMachine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Inside the 2024-2025 application window, in Dutch time: a moment at which a new
#: leertraject can go all the way to its application.
DEFAULT_MOMENT: Final = dt.datetime(2024, 5, 2, 10, 0, tzinfo=NETHERLANDS)


def make_trajectory(
    state: str = "orientation_requested",
    *,
    seed: int = 0,
    school: School | None = None,
    offer: str | Offer = "leven-lang-lezen",
    school_year: str | SchoolYear = "2024-2025",
    rules: Rules | None = None,
    actor: str | None = None,
) -> Trajectory[Leertraject]:
    """A valid leertraject in ``state``, built along a shortest path with payloads
    that satisfy every precondition on the way.

    The same ``seed`` gives the same school, participants and dates. The trajectory's
    clock is a :class:`ManualClock` of its own (``t.clock``), which a test can move on.
    """
    walker = Walker.start(
        seed=seed, school=school, offer=offer, school_year=school_year, rules=rules, actor=actor
    )
    return walker.walk_to(state)
