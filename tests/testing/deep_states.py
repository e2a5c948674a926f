"""The derandomized runs of the deep-states test, run in a process of their own.

Derandomized runs are fixed for a Hypothesis version and the code a process has
imported: newer versions also draw constants found in the loaded modules' code, so in a
test session what the other tests imported changes the runs. A process that imports
only this module runs the same examples whatever else the suite runs.

``python -m tests.testing.deep_states`` prints the states the machine's own events
reached, as JSON: ``{state: runs}``.
"""

from __future__ import annotations

import json
import logging
import sys

import structlog
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from trajectory.testing.stateful import LeertrajectMachine


class Deep(LeertrajectMachine):
    """Started where the submission, the completion and the work come next."""

    head_starts = (
        None,
        "application_in_preparation",
        "application_incomplete",
        "granted",
        "intake",
    )


def reached(examples: int = 100) -> dict[str, int]:
    """The states the machine's own events entered, with in how many runs."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    run_state_machine_as_test(
        Deep,
        settings=settings(
            max_examples=examples,
            stateful_step_count=50,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    return dict(Deep.reached)


if __name__ == "__main__":
    json.dump(reached(), sys.stdout)
