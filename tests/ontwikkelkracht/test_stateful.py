"""Random event sequences through the leertraject, checked against its invariants.

The state machine is the package's own (:class:`trajectory.testing.stateful.
LeertrajectMachine`, which integrators subclass): it fires random events with valid
and junk payloads and moves the clock, and checks after every step that there is
exactly one current state, the history only grows, replay equals the live trajectory,
a refused event changes nothing, and no trajectory reaches application_submitted while
an independent oracle (the year's rules, not the library's guards) finds a condition
unmet. The toolkit's own tests run it briefly; here it runs with more examples.
"""

from __future__ import annotations

from hypothesis import settings

from trajectory.testing.stateful import LeertrajectMachine


class Leertraject(LeertrajectMachine):
    """The package's machine, run with this suite's settings."""


TestLeertraject = Leertraject.TestCase
TestLeertraject.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
