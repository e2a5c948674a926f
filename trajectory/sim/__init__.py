"""Simulation: seeded cohorts of schools walking the leertraject, and path enumeration.

>>> from structlog.testing import capture_logs
>>> with capture_logs():
...     report = simulate(10, seed=1)
>>> report.schools
10
"""

from trajectory.sim.cohort import (
    DEFAULT,
    Executor,
    InProcess,
    Probabilities,
    simulate,
    simulate_school,
)
from trajectory.sim.paths import Step, shortest_path, shortest_paths, transitions
from trajectory.sim.report import Report

__all__ = [
    "DEFAULT",
    "Executor",
    "InProcess",
    "Probabilities",
    "Report",
    "Step",
    "shortest_path",
    "shortest_paths",
    "simulate",
    "simulate_school",
    "transitions",
]
