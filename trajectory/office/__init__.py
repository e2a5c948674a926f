"""The programme office's side of a round (SPEC §7): applications of school boards for
one or more school locations, decided in order of receipt within the round's budget.

:class:`Office` sits above the domain and the store (it loads and saves several
trajectories together in one unit of work), beside the command line in the dependency
rule: ``engine ← store ← ontwikkelkracht ← office``.
"""

from trajectory.office.office import Application, DueDecision, Office, Payment

__all__ = ["Application", "DueDecision", "Office", "Payment"]
