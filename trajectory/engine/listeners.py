"""Listeners: the one extension point of a lifecycle.

A lifecycle tells its listeners of every event fired on any of its trajectories,
as python-statemachine and ``transitions`` offer callbacks. Logging, test coverage
and metrics plug in here; nothing wraps or replaces :meth:`Trajectory.fire`.

- ``before(trajectory, event)``: an event is about to be applied; its guards
  passed and its effect ran, ``event`` is the :class:`~trajectory.Event` about to
  be recorded, and ``trajectory`` is still as it was. A before-listener may not
  change anything; it may veto: if it raises, nothing changes and ``fire`` raises
  :class:`~trajectory.engine.errors.ListenerVetoed` (an
  :class:`~trajectory.EffectFailed`, naming the listener) with the listener's error
  as ``__cause__`` (an error of the library's own tree passes unchanged, as from a
  guard or an effect).
  Listeners after it are not called.
- ``after(trajectory, event)``: the event was accepted; ``trajectory`` is in its
  new state and ``event`` (with ``from_state`` and ``to_state``) is the last of its
  history. An after-listener that raises is logged (``listener_failed``, with its
  name and the error's type) and does not undo the event or stop the listeners
  after it, as a store's subscribers are treated.
- ``refused(trajectory, refusal)``: the event was refused, by
  :class:`~trajectory.TransitionNotAllowed` or :class:`~trajectory.PreconditionFailed`
  (the :class:`Refusal` holds the error, the state and the violations); the
  trajectory is unchanged. A refused-listener that raises is logged as an
  after-listener is, and ``fire`` raises the refusal.

Listeners are called in the order they were registered, on the thread that fires.
Only :meth:`~trajectory.Trajectory.fire` notifies them: :meth:`Trajectory.check`
changes nothing, the creation is no fired event, and rebuilding a trajectory from
its history (replay, loading from a store) applies events already accepted, so it
notifies no one. Invalid input (:class:`~trajectory.InvalidData`,
:class:`~trajectory.UnknownEvent`) and a guard or effect that raises are errors, not
refusals: no listener hears of them.

Every lifecycle starts with one listener, :class:`EventLog`, which logs each accepted
and refused event (see :mod:`trajectory.engine.logs`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from trajectory.engine.errors import InvalidData, PreconditionFailed, TransitionNotAllowed
from trajectory.engine.logs import get_logger, qualified_name
from trajectory.engine.violations import TRANSITION_NOT_ALLOWED, Violation
from trajectory.engine.wording import Wording

if TYPE_CHECKING:
    from trajectory.engine.history import Event
    from trajectory.engine.runtime import Trajectory

__all__ = [
    "AfterListener",
    "BeforeListener",
    "EventLog",
    "Listener",
    "Listeners",
    "Refusal",
    "RefusedListener",
]

#: The entries of fired events keep the logger name they have always had.
_log: Final = get_logger("trajectory.engine.runtime")
_failures: Final = get_logger(__name__)


@attrs.frozen
class Refusal:
    """A refused event: the error ``fire`` raises, and where the event would have led.

    ``target`` is ``None`` when the event does not leave the current state
    (:class:`~trajectory.TransitionNotAllowed`).
    """

    error: TransitionNotAllowed | PreconditionFailed
    target: str | None = None
    wording: Wording | None = attrs.field(default=None, eq=False, repr=False)
    """The lifecycle's wording, for the ``transition.not_allowed`` violation."""

    @property
    def event(self) -> str:
        """The name of the refused event."""
        return self.error.event

    @property
    def state(self) -> str:
        """The state the trajectory is (and stays) in."""
        return self.error.state

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Why it was refused: a PreconditionFailed's violations, or the one
        ``transition.not_allowed`` violation (as :meth:`Trajectory.check` reports it)."""
        error = self.error
        if isinstance(error, PreconditionFailed):
            return error.violations
        return (
            TRANSITION_NOT_ALLOWED.worded(
                self.wording,
                event=error.event,
                state=error.state,
                allowed_from=list(error.allowed_from),
            ),
        )

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of :attr:`violations`."""
        error = self.error
        if isinstance(error, PreconditionFailed):
            return tuple(violation.code for violation in error.violations)
        return (TRANSITION_NOT_ALLOWED.code,)


class BeforeListener(Protocol):
    """Called with the trajectory (unchanged) and the event about to be recorded."""

    def __call__(self, trajectory: Trajectory[Any], event: Event, /) -> None: ...


class AfterListener(Protocol):
    """Called with the trajectory (in its new state) and the accepted event."""

    def __call__(self, trajectory: Trajectory[Any], event: Event, /) -> None: ...


class RefusedListener(Protocol):
    """Called with the trajectory (unchanged) and the refusal."""

    def __call__(self, trajectory: Trajectory[Any], refusal: Refusal, /) -> None: ...


class Listener(Protocol):
    """A listener object: its ``before``, ``after`` and ``refused`` methods are
    registered together (:meth:`Lifecycle.listen`). An object that has only some of
    them may be registered too: the ones it has are."""

    def before(self, trajectory: Trajectory[Any], event: Event, /) -> None:
        """An event is about to be applied (see the module's documentation)."""

    def after(self, trajectory: Trajectory[Any], event: Event, /) -> None:
        """An event was accepted."""

    def refused(self, trajectory: Trajectory[Any], refusal: Refusal, /) -> None:
        """An event was refused."""


class EventLog:
    """The built-in listener that logs every accepted and refused event: the entry is
    named after the event, with ``trajectory_id``, ``from_state``, ``to_state`` and
    ``outcome`` (``accepted`` or ``refused``; a refusal adds ``violations``, its codes),
    at level info, through :func:`~trajectory.engine.logs.get_logger` (quiet unless
    the host configured structlog or logging)."""

    __slots__ = ()

    def after(self, trajectory: Trajectory[Any], event: Event, /) -> None:
        """Log an accepted event."""
        _log.bind().info(
            event.name,
            trajectory_id=event.trajectory_id,
            from_state=event.from_state,
            to_state=event.to_state,
            outcome="accepted",
        )

    def refused(self, trajectory: Trajectory[Any], refusal: Refusal, /) -> None:
        """Log a refused event with the codes of its violations."""
        _log.bind().info(
            refusal.event,
            trajectory_id=trajectory.id,
            from_state=refusal.state,
            to_state=refusal.target,
            outcome="refused",
            violations=list(refusal.codes),
        )

    def __repr__(self) -> str:
        return "<EventLog>"


_KINDS: Final = ("before", "after", "refused")


class Listeners:
    """The listeners of one lifecycle (:attr:`Lifecycle.listeners`).

    ``before``, ``after`` and ``refused`` are tuples of the registered callables, in
    registration order; :meth:`add` replaces them (never changes them in place), so
    a fire that already read them is not disturbed by a registration on another
    thread.
    """

    __slots__ = ("_lock", "after", "before", "refused")

    def __init__(self) -> None:
        self.before: tuple[BeforeListener, ...] = ()
        self.after: tuple[AfterListener, ...] = ()
        self.refused: tuple[RefusedListener, ...] = ()
        self._lock = threading.Lock()

    def add(
        self,
        listener: object = None,
        *,
        before: BeforeListener | None = None,
        after: AfterListener | None = None,
        refused: RefusedListener | None = None,
    ) -> Callable[[], None]:
        """Register ``listener``'s ``before``, ``after`` and ``refused`` methods (those
        it has), and the callables given by keyword. Returns a function that removes
        exactly what this call registered (calling it again does nothing).

        A listener with none of the methods, or one that is not callable, is
        :class:`~trajectory.InvalidData`, and nothing is registered.
        """
        added: list[tuple[str, Callable[..., None]]] = []
        if listener is not None:
            for kind in _KINDS:
                method = getattr(listener, kind, None)
                if method is not None:
                    added.append((kind, _callable(f"listener.{kind}", method)))
            if not added:
                raise InvalidData(
                    "listener",
                    f"expected an object with a before, after or refused method, "
                    f"got {type(listener).__qualname__}",
                )
        for kind, function in (("before", before), ("after", after), ("refused", refused)):
            if function is not None:
                added.append((kind, _callable(kind, function)))
        if not added:
            raise InvalidData("listener", "expected a listener or a before, after or refused")
        with self._lock:
            for kind, function in added:
                setattr(self, kind, (*getattr(self, kind), function))

        def remove() -> None:
            with self._lock:
                for kind, function in added:
                    present: tuple[Any, ...] = getattr(self, kind)
                    # Only this registration: the same callable may be registered twice.
                    for index, item in enumerate(present):
                        if item is function:
                            setattr(self, kind, present[:index] + present[index + 1 :])
                            break
                added.clear()

        return remove

    def __repr__(self) -> str:
        return (
            f"<Listeners: {len(self.before)} before, {len(self.after)} after, "
            f"{len(self.refused)} refused>"
        )


def _callable(what: str, function: object) -> Callable[..., None]:
    if not callable(function):
        raise InvalidData(what, f"expected a callable, got {type(function).__qualname__}")
    return function


def listener_failed(
    kind: str, listener: object, trajectory: Trajectory[Any], error: Exception
) -> None:
    """Log that an after- or refused-listener raised (it does not undo the event).

    Neither the message nor the traceback are logged: both may hold personal data."""
    _failures.error(
        "listener_failed",
        trajectory_id=trajectory.id,
        kind=kind,
        listener=qualified_name(listener),
        error=type(error).__qualname__,
    )
