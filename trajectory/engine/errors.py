"""The exceptions that trajectory raises.

Every error the library raises on purpose is a :class:`TrajectoryError`, so one
``except TrajectoryError`` catches them all. The engine's are defined here; the
stores' (``ConcurrencyConflict``, ``StoreError`` and its kinds) beside the stores, in
:mod:`trajectory.store.errors`, and all are importable from :mod:`trajectory`::

    TrajectoryError
    ├── DefinitionError          a lifecycle definition is inconsistent
    ├── InvalidData              input that does not fit (also a ValueError)
    │   └── UnknownEvent         an event name the lifecycle does not define
    ├── TransitionNotAllowed     the event does not leave the current state
    ├── PreconditionFailed       one or more preconditions refused the event
    ├── GuardFailed              an event's guard raised; nothing was changed
    ├── EffectFailed             an event's effect raised; nothing was changed
    │   └── ListenerVetoed       a before-listener raised: the event is not recorded
    ├── ConcurrencyConflict      a save based on a stale version; nothing was written (store)
    ├── StoreError               the store failed (the driver's error is the cause) (store)
    │   ├── TrajectoryNotFound   no trajectory with that id (also a KeyError) (store)
    │   └── CorruptRecord        a stored record cannot be read (store)
    └── MissingDependency        an optional dependency is not installed (also an ImportError)

Errors of the libraries underneath (``transitions``, ``cattrs``, ``stdnum``) never
escape raw: they are wrapped in one of these, with the original as ``__cause__``.
So are the errors of a lifecycle's own code: a guard that raises becomes
:class:`GuardFailed`, an effect that raises :class:`EffectFailed`, a before-listener
that raises :class:`ListenerVetoed`.

An argument of the wrong type is an :class:`InvalidData` naming the argument;
:func:`wrong_type` makes it, the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trajectory.engine.violations import Violation

__all__ = [
    "DefinitionError",
    "EffectFailed",
    "GuardFailed",
    "InvalidData",
    "ListenerVetoed",
    "MissingDependency",
    "PreconditionFailed",
    "TrajectoryError",
    "TransitionNotAllowed",
    "UnknownEvent",
    "wrong_type",
]


class TrajectoryError(Exception):
    """The base of every error that trajectory raises on purpose."""


class DefinitionError(TrajectoryError):
    """A lifecycle definition is inconsistent.

    Raised when a :class:`~trajectory.engine.Lifecycle` is built: unknown or
    unreachable states, events leaving a final state, duplicate names. When it is
    loaded from a definition file, ``path`` says where the file is wrong
    (``$.events[3].transitions[0].target``); otherwise it is ``None``.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.reason = message
        super().__init__(message if path is None else f"{path}: {message}")


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
        from trajectory.engine.fields import describe  # fields imports this module

        self.event = event
        self.known = tuple(known)
        super().__init__(
            "event",
            f"unknown event {describe(event)}; expected one of: {', '.join(sorted(self.known))}",
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


class GuardFailed(TrajectoryError):
    """An event's guard raised an unexpected error; the trajectory is unchanged.

    ``guard`` names the guard (its qualified name); the original error is the
    ``__cause__``. A guard reports what does not hold as violations; raising means
    a bug in the guard, or a definition naming something the data does not have.
    """

    def __init__(self, event: str, state: str, guard: str) -> None:
        self.event = event
        self.state = state
        self.guard = guard
        super().__init__(
            f"the guard {guard} of event {event!r} in state {state!r} failed; nothing was changed"
        )


class EffectFailed(TrajectoryError):
    """An event's effect raised an unexpected error; the trajectory is unchanged.

    ``state`` is ``None`` for the creation (which builds the data from no state).
    """

    def __init__(self, event: str, state: str | None) -> None:
        self.event = event
        self.state = state
        where = "" if state is None else f" in state {state!r}"
        super().__init__(f"the effect of event {event!r}{where} failed; nothing was changed")


class ListenerVetoed(EffectFailed):
    """A before-listener raised, so the event is not recorded; the trajectory is
    unchanged. ``listener`` names it (its qualified name); its error is the
    ``__cause__``. An :class:`EffectFailed`, so that ``except EffectFailed`` still
    catches a veto."""

    def __init__(self, event: str, state: str | None, listener: str) -> None:
        super().__init__(event, state)
        self.listener = listener
        where = "" if state is None else f" in state {state!r}"
        self.args = (f"the listener {listener} vetoed event {event!r}{where}; nothing was changed",)


class MissingDependency(TrajectoryError, ImportError):
    """A part of the library needs an optional dependency that is not installed;
    ``package`` names it and ``extra`` the extra that installs it.

    >>> raise MissingDependency("hypothesis", extra="testing", needed_for="trajectory.testing")
    Traceback (most recent call last):
    trajectory.MissingDependency: trajectory.testing needs hypothesis: \
pip install 'trajectory-lifecycle[testing]'
    """

    def __init__(self, package: str, *, extra: str, needed_for: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{needed_for} needs {package}: pip install 'trajectory-lifecycle[{extra}]'",
            name=package,
        )


def wrong_type(argument: str, expected: str, value: object) -> InvalidData:
    """The error for an argument of the wrong type: names ``argument``, says what was
    ``expected`` ("a Catalog", "a callable") and what arrived.

    >>> raise wrong_type("offers", "a Catalog", 3)
    Traceback (most recent call last):
    trajectory.InvalidData: offers: expected a Catalog, got 3 (int)
    """
    from trajectory.engine.fields import describe  # fields imports this module

    return InvalidData(
        argument, f"expected {expected}, got {describe(value)} ({type(value).__name__})"
    )


# Tracebacks and reprs show the names where users import them from.
for _error in (
    TrajectoryError,
    DefinitionError,
    InvalidData,
    UnknownEvent,
    TransitionNotAllowed,
    PreconditionFailed,
    GuardFailed,
    EffectFailed,
    ListenerVetoed,
    MissingDependency,
):
    _error.__module__ = "trajectory"
