"""The step the example programmes walk their trajectories with.

``step(t, "submit")`` fires an event and prints the transition it made, or prints why
it was refused: every violation with its code and English message, or that the event
does not leave the current state. The examples import it from beside them
(``from _walkthrough import step``), as a script finds the modules in its own folder.
"""

from __future__ import annotations

from typing import Any

from trajectory import PreconditionFailed, Trajectory, TransitionNotAllowed


def step(t: Trajectory[Any], event: str, **payload: Any) -> None:
    """Fire ``event`` and print the step, or print why it is refused."""
    try:
        done = t.fire(event, **payload)
    except PreconditionFailed as refused:
        for violation in refused.violations:
            print(f"  refused {event}: {violation.code}: {violation.message('en')}")
        return
    except TransitionNotAllowed as refused:
        print(f"  refused {event}: transition.not_allowed: {refused}")
        return
    print(f"  {done.name}: {done.from_state} → {done.to_state}")
