"""Simulation: seeded cohorts of schools walking the leertraject, rounds decided by the
programme office (:func:`simulate_round`), and path enumeration.

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
from trajectory.sim.rounds import (
    DrawnLottery,
    RoundLedger,
    RoundProbabilities,
    RoundReport,
    simulate_round,
)

__all__ = [
    "DEFAULT",
    "DrawnLottery",
    "Executor",
    "InProcess",
    "Probabilities",
    "Report",
    "RoundLedger",
    "RoundProbabilities",
    "RoundReport",
    "Step",
    "shortest_path",
    "shortest_paths",
    "simulate",
    "simulate_round",
    "simulate_school",
    "transitions",
]
