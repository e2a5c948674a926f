"""Every state and transition of a lifecycle, and a shortest path to each state.

These work on any :class:`~trajectory.engine.definition.Lifecycle`: they read its
routes only.

>>> import attrs
>>> from trajectory.engine.loader import load_lifecycle
>>> from trajectory.engine.registry import Registry
>>> registry = Registry()
>>> @registry.payload()
... @attrs.frozen
... class Made:
...     pass
>>> registry.register_creation("begin", lambda payload, context: None)
>>> door = load_lifecycle('''
... name = "door"
... initial = "closed"
... [creation]
... payload = "Made"
... build = "begin"
... [[states]]
... name = "closed"
... [[states]]
... name = "open"
... [[states]]
... name = "gone"
... final = true
... [[events]]
... name = "open"
... [[events.transitions]]
... sources = ["closed"]
... target = "open"
... [[events]]
... name = "remove"
... [[events.transitions]]
... sources = ["open"]
... target = "gone"
... ''', registry)
>>> shortest_paths(door)["gone"]
('open', 'remove')
>>> transitions(door)[0]
Step(source='closed', event='open', target='open')
"""

from __future__ import annotations

from collections import deque
from typing import Any

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData

__all__ = ["Step", "shortest_path", "shortest_paths", "transitions"]


@attrs.frozen(order=True)
class Step:
    """One transition: ``event`` takes a trajectory from ``source`` to ``target``
    (``source == target`` for an event that records a fact)."""

    source: str
    event: str
    target: str


def transitions(lifecycle: Lifecycle[Any]) -> tuple[Step, ...]:
    """Every (source, event, target) of the lifecycle, in definition order."""
    return tuple(
        Step(source, event, target)
        for event, routes in lifecycle.routes.items()
        for source, target in routes.items()
    )


def shortest_paths(lifecycle: Lifecycle[Any]) -> dict[str, tuple[str, ...]]:
    """For every state, the events of a shortest path to it from the initial state
    (breadth first, in definition order, so the result is always the same)."""
    paths: dict[str, tuple[str, ...]] = {lifecycle.initial: ()}
    queue = deque([lifecycle.initial])
    steps = transitions(lifecycle)
    while queue:
        state = queue.popleft()
        for step in steps:
            if step.source == state and step.target not in paths:
                paths[step.target] = (*paths[state], step.event)
                queue.append(step.target)
    return {state: paths[state] for state in lifecycle.states if state in paths}


def shortest_path(lifecycle: Lifecycle[Any], state: str) -> tuple[str, ...]:
    """The events of a shortest path from the initial state to ``state``."""
    if state not in lifecycle.states:
        raise InvalidData(
            "state", f"unknown state {state!r}; states: {', '.join(lifecycle.states)}"
        )
    return shortest_paths(lifecycle)[state]
