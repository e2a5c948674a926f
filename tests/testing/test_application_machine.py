"""The application machine runs as a test case, and its checks have teeth."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

import pytest
import structlog
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from trajectory.testing.application_machine import ApplicationMachine

SMALL: Final = settings(
    max_examples=20,
    stateful_step_count=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info; the machine fires hundreds."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


TestApplicationMachine = ApplicationMachine.TestCase
TestApplicationMachine.settings = SMALL


def test_the_runs_grant_and_refuse_for_the_budget() -> None:
    """In a fixed (derandomized) set of runs applications are granted, and grants are
    refused by the ceiling and by the order of receipt: the invariants meet real work."""
    seen: set[str] = set()

    class Watching(ApplicationMachine):
        def act(self, application: str, step: Callable[[], Any]) -> bool:
            accepted = super().act(application, step)
            state = self.office.application(application).state
            seen.add(state if accepted else "refused")
            return accepted

    run_state_machine_as_test(Watching, settings=settings(SMALL, max_examples=40))
    assert {"received", "decided", "refused"} <= seen, seen


def test_a_ledger_that_commits_without_a_grant_is_caught() -> None:
    """An Office that commits more than it grants breaks 'the ledger adds up'."""

    class Leaky(ApplicationMachine):
        def act(self, application: str, step: Callable[[], Any]) -> bool:
            accepted = super().act(application, step)
            ledger = self.office._ledger_for(self.round.id)
            ledger.fire("commit", application="ghost", location="ghost", amount="1.00")
            self.store.save(ledger)
            return accepted

    with pytest.raises(AssertionError, match="committed"):
        run_state_machine_as_test(
            Leaky, settings=settings(SMALL, max_examples=10, phases=[Phase.generate])
        )


def test_a_grant_out_of_order_is_caught() -> None:
    """A grant that skips an earlier complete application breaks the order of receipt:
    here an Office whose order check is switched off."""

    class Disorderly(ApplicationMachine):
        def __init__(self) -> None:
            super().__init__()
            self.office._earlier_pending = lambda *args: []  # type: ignore[method-assign]

    with pytest.raises(AssertionError, match="granted"):
        run_state_machine_as_test(
            Disorderly,
            settings=settings(
                SMALL, max_examples=200, stateful_step_count=40, phases=[Phase.generate]
            ),
        )
