"""Every state and transition of a lifecycle, and a shortest path to each state
(kept here for existing imports: they live in :mod:`trajectory.engine.paths`).

>>> from trajectory.ontwikkelkracht import LIFECYCLE
>>> shortest_paths(LIFECYCLE)["granted"]
('hold_orientation', 'register', 'submit_application', 'grant')
"""

from __future__ import annotations

from trajectory.engine.paths import Step, shortest_path, shortest_paths, transitions

__all__ = ["Step", "shortest_path", "shortest_paths", "transitions"]
