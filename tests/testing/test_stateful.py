"""The reusable state machine runs as a test case, and integrators can subclass it.

LeertrajectMachine is the promoted, reusable form of tests/ontwikkelkracht/test_stateful.py:
these tests run it with small settings, show the subclass of the docs (a store that
must hold the live trajectory after every event), check that the hooks are called,
and that the checks have teeth: a wrong oracle and a wrapper that changes a trajectory
on a refusal are both caught.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Final

import pytest
import structlog
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from trajectory import Event, PreconditionFailed, Store, Trajectory, open_store
from trajectory.ontwikkelkracht import Leertraject
from trajectory.testing.stateful import LeertrajectMachine, Outcome

#: The repository, where ``python -m tests.testing.deep_states`` runs.
ROOT: Final = Path(__file__).resolve().parents[2]

SMALL: Final = settings(
    max_examples=15,
    stateful_step_count=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info; the machine fires thousands (the
    repository's conftest resets structlog after each test)."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


# -- the machine as it ships ------------------------------------------------------------------

TestLeertrajectMachine = LeertrajectMachine.TestCase
TestLeertrajectMachine.settings = SMALL


def test_the_random_runs_reach_deep_states() -> None:
    """In a fixed (derandomized) set of runs trajectories are submitted, granted and
    carried out, so the invariants and the oracle are exercised past the first states.
    The runs are made in a process of their own (``tests.testing.deep_states``), so
    what other tests imported cannot change them."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.testing.deep_states"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    reached = json.loads(done.stdout)
    assert {"application_submitted", "granted", "preparing", "in_progress"} <= set(reached)
    assert not LeertrajectMachine.reached.keys() & {"never"}  # each class counts on its own


# -- the subclass of the docs: a store that holds the live trajectory -----------------------------


class StoredLeertraject(LeertrajectMachine):
    """Saves after every accepted event; a load must always equal the live trajectory."""

    store: Store

    def create(self) -> Trajectory[Leertraject]:
        self.store = open_store("memory://")
        trajectory = super().create()
        self.store.save(trajectory)
        return trajectory

    def after_fire(self, event: str, payload: Mapping[str, Any], result: Outcome) -> None:
        if isinstance(result, Event):
            self.store.save(self.trajectory)
        assert self.store.load(self.trajectory.id) == self.trajectory

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.store.close()
        super().teardown()


TestStoredLeertraject = StoredLeertraject.TestCase
TestStoredLeertraject.settings = settings(SMALL, max_examples=10)


# -- the hooks ------------------------------------------------------------------------------------


class Counting(LeertrajectMachine):
    """Counts the calls of every hook, and sends events through a wrapper of its own."""

    calls: ClassVar[dict[str, int]] = {"create": 0, "send": 0, "after_fire": 0}
    outcomes: ClassVar[set[str]] = set()

    def create(self) -> Trajectory[Leertraject]:
        type(self).calls["create"] += 1
        return super().create()

    def send(self, event: str, payload: Mapping[str, Any], actor: str | None) -> Event:
        type(self).calls["send"] += 1
        return super().send(event, payload, actor)

    def after_fire(self, event: str, payload: Mapping[str, Any], result: Outcome) -> None:
        type(self).calls["after_fire"] += 1
        type(self).outcomes.add(type(result).__name__)
        assert (self.trajectory.history[-1] is result) == isinstance(result, Event)


def test_the_hooks_are_called() -> None:
    """create once per run; send and after_fire once per event, accepted or refused."""
    run_state_machine_as_test(Counting, settings=settings(SMALL, max_examples=5))
    assert 5 <= Counting.calls["create"]
    assert Counting.calls["send"] == Counting.calls["after_fire"] > 0
    assert {"Event", "InvalidData", "PreconditionFailed"} <= Counting.outcomes


# -- the checks have teeth ---------------------------------------------------------------------

FIND: Final = settings(SMALL, max_examples=100, phases=(Phase.generate,), print_blob=False)


class BlindOracle(LeertrajectMachine):
    """An oracle that believes every submission should be accepted."""

    def failing_conditions(self, event: str, data: Leertraject, now: Any) -> set[str]:
        return set()


def test_a_wrong_oracle_is_caught() -> None:
    """When the library refuses a submission that the oracle would accept, the run fails."""
    with pytest.raises(AssertionError, match=r"the oracle expects set\(\)"):
        run_state_machine_as_test(BlindOracle, settings=FIND)


class LeakyWrapper(LeertrajectMachine):
    """A wrapper that records a talk when a submission is refused: it changes the
    trajectory although the event was refused."""

    def send(self, event: str, payload: Mapping[str, Any], actor: str | None) -> Event:
        try:
            return super().send(event, payload, actor)
        except PreconditionFailed:
            if "record_talk" in self.trajectory.allowed_events():
                self.trajectory.fire("record_talk", kind="exploratory_talk", date=self.today())
            raise


def test_a_refusal_that_changes_the_trajectory_is_caught() -> None:
    """Refused events must change nothing: a wrapper that does is caught."""
    with pytest.raises(AssertionError, match="refused but changed"):
        run_state_machine_as_test(LeakyWrapper, settings=FIND)


class OtherYear(LeertrajectMachine):
    """The machine for 2026-2027, whose rules require an information talk or meeting."""

    school_year: ClassVar[str] = "2026-2027"


def test_another_school_year_follows_its_rules() -> None:
    """Set school_year on a subclass: the clock starts before that year's window and
    the oracle judges with that year's rules."""
    run_state_machine_as_test(OtherYear, settings=settings(SMALL, max_examples=10))
    assert "application_in_preparation" in OtherYear.reached
