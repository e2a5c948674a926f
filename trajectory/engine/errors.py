"""The exceptions that trajectory raises.

Every error the library raises on purpose is a :class:`TrajectoryError`, so one
``except TrajectoryError`` catches them all::

    TrajectoryError
    ├── DefinitionError          a lifecycle definition is inconsistent
    ├── InvalidData              input that does not fit (also a ValueError)
    │   └── UnknownEvent         an event name the lifecycle does not define
    ├── TransitionNotAllowed     the event does not leave the current state
    ├── PreconditionFailed       one or more preconditions refused the event
    └── EffectFailed             an event's effect raised; nothing was changed

Errors of the libraries underneath (``transitions``, ``cattrs``, ``stdnum``) never
escape raw: they are wrapped in one of these, with the original as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trajectory.engine.violations import Violation

__all__ = [
    "DefinitionError",
    "EffectFailed",
    "InvalidData",
    "PreconditionFailed",
    "TrajectoryError",
    "TransitionNotAllowed",
    "UnknownEvent",
]


class TrajectoryError(Exception):
    """The base of every error that trajectory raises on purpose."""


class DefinitionError(TrajectoryError):
    """A lifecycle definition is inconsistent.

    Raised when a :class:`~trajectory.engine.Lifecycle` is built: unknown or
    unreachable states, events leaving a final state, duplicate names.
    """


class InvalidData(TrajectoryError, ValueError):
    """Input that does not fit: a payload field, a rules file, an identifier.

    ``field`` names where the input is wrong (``"hours"``,
    ``"$.application_windows[0].closes"``), ``reason`` says what was expected
    and what arrived.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class UnknownEvent(InvalidData):
    """An event name that the lifecycle does not define."""

    def __init__(self, event: object, known: Sequence[str]) -> None:
        self.event = event
        self.known = tuple(known)
        super().__init__(
            "event",
            f"unknown event {event!r}; expected one of: {', '.join(sorted(self.known))}",
        )


class TransitionNotAllowed(TrajectoryError):
    """The event exists but does not leave the trajectory's current state."""

    def __init__(self, event: str, state: str, allowed_from: Sequence[str]) -> None:
        self.event = event
        self.state = state
        self.allowed_from = tuple(allowed_from)
        super().__init__(
            f"event {event!r} is not allowed in state {state!r}; "
            f"it is allowed in: {', '.join(self.allowed_from)}"
        )


class PreconditionFailed(TrajectoryError):
    """One or more preconditions refused the event; ``violations`` holds them all."""

    def __init__(self, event: str, state: str, violations: Sequence[Violation]) -> None:
        self.event = event
        self.state = state
        self.violations = tuple(violations)
        codes = ", ".join(v.code for v in self.violations)
        super().__init__(f"event {event!r} refused in state {state!r}: {codes}")


class EffectFailed(TrajectoryError):
    """An event's effect raised an unexpected error; the trajectory is unchanged."""

    def __init__(self, event: str, state: str) -> None:
        self.event = event
        self.state = state
        super().__init__(
            f"the effect of event {event!r} in state {state!r} failed; nothing was changed"
        )


# Tracebacks and reprs show the names where users import them from.
for _error in (
    TrajectoryError,
    DefinitionError,
    InvalidData,
    UnknownEvent,
    TransitionNotAllowed,
    PreconditionFailed,
    EffectFailed,
):
    _error.__module__ = "trajectory"
