"""Trajectories: plain records that change only through events.

Firing an event validates its payload, finds the route in the lifecycle's shared
transition table, evaluates **every** guard, computes the new data, and only then
commits state, data and history together. A refused event, or an effect that
raises, leaves the trajectory exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

import attrs
import structlog

from trajectory.engine.definition import Context, EventDefinition, Lifecycle
from trajectory.engine.errors import (
    EffectFailed,
    InvalidData,
    PreconditionFailed,
    TrajectoryError,
    TransitionNotAllowed,
)
from trajectory.engine.fields import check_aware, check_identifier, check_line
from trajectory.engine.history import Clock, Event, new_event_id, new_id, system_clock
from trajectory.engine.schedule import Due
from trajectory.engine.violations import TRANSITION_NOT_ALLOWED, Violation

__all__ = ["Trajectory"]

D = TypeVar("D")

logger = structlog.get_logger(__name__)

#: Context(...) without the named tuple's Python-level __new__ (fire's hot path).
_new_context = tuple.__new__


@attrs.define(eq=False, repr=False)
class Trajectory(Generic[D]):
    """One instance of a lifecycle: its state, its data and its history.

    Make one with :meth:`Lifecycle.create` (or :func:`trajectory.new_trajectory`
    for the leertraject); change it only with :meth:`fire`.
    """

    _lifecycle: Lifecycle[D]
    _id: str
    _state: str
    _data: D
    _events: list[Event]
    _clock: Clock
    _saved: int = 0
    _generation: int = 0

    # -- construction -----------------------------------------------------------

    @classmethod
    def start(
        cls,
        lifecycle: Lifecycle[D],
        payload: Any,
        *,
        clock: Clock | None = None,
        id: str | None = None,
        actor: str | None = None,
    ) -> Trajectory[D]:
        """A new trajectory of ``lifecycle``; its first event is the creation."""
        clock = system_clock if clock is None else clock
        trajectory_id = new_id() if id is None else _check_id(id)
        _check_actor(actor)
        now = _now(clock)
        creation = lifecycle.creation
        data = creation.build(payload, Context(now, None, lifecycle.initial, actor))
        first = Event(
            new_event_id(),
            trajectory_id,
            1,
            now,
            creation.name,
            None,
            lifecycle.initial,
            payload,
            actor,
        )
        return cls(lifecycle, trajectory_id, lifecycle.initial, data, [first], clock)

    @classmethod
    def from_history(
        cls, lifecycle: Lifecycle[D], events: Iterable[Event], *, clock: Clock | None = None
    ) -> Trajectory[D]:
        """Rebuild a trajectory by applying its events again (guards are not re-run:
        the history is the authority on what was accepted)."""
        iterator = iter(events)
        first = next(iterator, None)
        if not isinstance(first, Event):
            raise InvalidData("events[0]", f"expected the creation event, got {first!r}")
        if first.name != lifecycle.creation.name or first.sequence != 1:
            raise InvalidData(
                "events[0]",
                f"a history starts with {lifecycle.creation.name!r} at sequence 1, "
                f"got {first.name!r} at sequence {first.sequence}",
            )
        if first.from_state is not None:
            raise InvalidData(
                "events[0].from_state",
                f"the creation comes from no state, got {first.from_state!r}",
            )
        if first.to_state != lifecycle.initial:
            raise InvalidData(
                "events[0].to_state",
                f"the creation leads to {lifecycle.initial!r}, got {first.to_state!r}",
            )
        check_aware(first.timestamp, "events[0].timestamp")
        context = Context(first.timestamp, None, lifecycle.initial, first.actor)
        try:
            data = lifecycle.creation.build(first.payload, context)
        except TrajectoryError:
            raise
        except Exception as err:
            raise InvalidData("events[0].payload", f"does not rebuild: {err}") from err
        trajectory = cls(
            lifecycle,
            first.trajectory_id,
            lifecycle.initial,
            data,
            [first],
            system_clock if clock is None else clock,
        )
        for index, event in enumerate(iterator, start=1):
            trajectory._reapply(index, event)
        return trajectory

    @classmethod
    def restore(
        cls,
        lifecycle: Lifecycle[D],
        id: str,
        state: str,
        data: D,
        history: Iterable[Event],
        *,
        version: int,
        clock: Clock | None = None,
    ) -> Trajectory[D]:
        """A trajectory from a snapshot (state and data at ``version``) and its history,
        without replaying it; the history must match the snapshot."""
        events = list(history)
        if state not in lifecycle.states:
            raise InvalidData("state", f"unknown state {state!r}")
        if len(events) != version:
            raise InvalidData(
                "version", f"the snapshot is at version {version}, the history has {len(events)}"
            )
        for index, event in enumerate(events):
            if not isinstance(event, Event):
                raise InvalidData(f"events[{index}]", f"expected an Event, got {event!r}")
            if event.sequence != index + 1 or event.trajectory_id != id:
                raise InvalidData(
                    f"events[{index}]",
                    f"expected event {index + 1} of {id!r}, "
                    f"got event {event.sequence} of {event.trajectory_id!r}",
                )
        if events and events[-1].to_state != state:
            raise InvalidData(
                "state",
                f"the snapshot is in {state!r}, the history ends in {events[-1].to_state!r}",
            )
        return cls(lifecycle, id, state, data, events, system_clock if clock is None else clock)

    def extend(self, events: Iterable[Event]) -> None:
        """Apply already-accepted events again after the current version (loading a
        snapshot and the events after it); guards are not re-run. Nothing changes if
        an event does not follow on."""
        start = len(self._events)
        state, data = self._state, self._data
        try:
            for offset, event in enumerate(events):
                self._reapply(start + offset, event)
        except BaseException:
            del self._events[start:]
            self._state, self._data = state, data
            raise

    def _reapply(self, index: int, event: Event) -> None:
        where = f"events[{index}]"
        if not isinstance(event, Event):
            raise InvalidData(where, f"expected an Event, got {event!r}")
        if event.trajectory_id != self._id:
            raise InvalidData(
                f"{where}.trajectory_id", f"expected {self._id!r}, got {event.trajectory_id!r}"
            )
        expected = len(self._events) + 1
        if event.sequence != expected:
            raise InvalidData(f"{where}.sequence", f"expected {expected}, got {event.sequence}")
        if event.from_state != self._state:
            raise InvalidData(
                f"{where}.from_state", f"expected {self._state!r}, got {event.from_state!r}"
            )
        check_aware(event.timestamp, f"{where}.timestamp")
        definition = self._lifecycle.event(event.name)
        target = self._lifecycle.routes[event.name].get(self._state)
        if target is None or target != event.to_state:
            raise InvalidData(
                f"{where}.to_state",
                f"{event.name!r} leads from {self._state!r} to {target!r}, got {event.to_state!r}",
            )
        context = Context(event.timestamp, self._state, target, event.actor, self._events)
        data = self._effect(definition, event.payload, context)
        self._state, self._data = target, data
        self._events.append(event)

    # -- reading ----------------------------------------------------------------

    @property
    def id(self) -> str:
        """The trajectory's identifier."""
        return self._id

    @property
    def state(self) -> str:
        """The name of the current state."""
        return self._state

    @property
    def data(self) -> D:
        """The trajectory's data (immutable; replaced by every event that changes it)."""
        return self._data

    @property
    def history(self) -> tuple[Event, ...]:
        """Every accepted event, the creation first (a snapshot: it does not change)."""
        return tuple(self._events)

    @property
    def clock(self) -> Clock:
        """The clock the trajectory takes its timestamps from."""
        return self._clock

    @property
    def lifecycle(self) -> Lifecycle[D]:
        """The lifecycle this trajectory follows."""
        return self._lifecycle

    @property
    def last_event(self) -> Event:
        """The most recent event of the history."""
        return self._events[-1]

    @property
    def version(self) -> int:
        """The sequence number of the last event (the history's length)."""
        return len(self._events)

    @property
    def saved_version(self) -> int:
        """The version last saved to (or loaded from) a store; 0 if never saved.

        A store writes the events after it, and refuses the save with
        :class:`~trajectory.ConcurrencyConflict` if the stored version moved on.
        """
        return self._saved

    def unsaved_events(self) -> tuple[Event, ...]:
        """The events recorded since the trajectory was last saved or loaded."""
        return tuple(self._events[self._saved :])

    @property
    def saved_generation(self) -> int:
        """The store's generation of the trajectory when it was loaded: a store raises it
        when it rewrites stored events (erasure), so older copies can no longer be saved."""
        return self._generation

    def mark_saved(self, version: int, generation: int | None = None) -> None:
        """Record that the history up to ``version`` is in a store (stores call this)."""
        if not 0 <= version <= len(self._events):
            raise InvalidData("version", f"expected 0 to {len(self._events)}, got {version!r}")
        self._saved = version
        if generation is not None:
            self._generation = generation

    @property
    def is_final(self) -> bool:
        """Whether the trajectory has reached a final state."""
        return self._lifecycle.states[self._state].final

    def due(self, now: dt.datetime | None = None) -> tuple[Due, ...]:
        """What is pending at ``now`` (default: the trajectory's clock): its recurring
        events and deadlines, soonest first; see :meth:`Lifecycle.due`."""
        return self._lifecycle.due(self, _now(self._clock) if now is None else now)

    def overdue(self, now: dt.datetime | None = None) -> tuple[Due, ...]:
        """What is overdue at ``now`` (default: the trajectory's clock)."""
        return self._lifecycle.overdue(self, _now(self._clock) if now is None else now)

    def iteration(self, cycle: str) -> int:
        """The round of ``cycle`` this trajectory is in (0 before it started)."""
        return self._lifecycle.iteration(self, cycle)

    def allowed_events(self) -> tuple[str, ...]:
        """The events that leave the current state (their preconditions aside)."""
        return self._lifecycle.events_from(self._state)

    def check(self, event: str, /, **payload: Any) -> list[Violation]:
        """Every violation that would refuse ``event`` now; empty when it may fire.

        A malformed payload raises :class:`InvalidData`; an event that does not
        leave the current state is reported as ``transition.not_allowed``.
        """
        definition, routes = self._lifecycle.dispatch(event)
        fields = definition.build_payload(payload)
        target = routes.get(self._state)
        if target is None:
            return [self._not_allowed(event)]
        context = Context(_now(self._clock), self._state, target, None, self._events)
        return self._evaluate(definition, fields, context)

    def blockers(self) -> dict[str, list[Violation]]:
        """For each event that leaves the current state and takes no required
        payload: its violations, where there are any."""
        found: dict[str, list[Violation]] = {}
        for event in self.allowed_events():
            definition = self._lifecycle.events[event]
            if definition.needs_payload:
                continue
            try:
                violations = self.check(event)
            except InvalidData:  # a payload class whose defaults do not validate alone
                continue
            if violations:
                found[definition.name] = violations
        return found

    # -- changing ---------------------------------------------------------------

    def fire(self, event: str, /, *, actor: str | None = None, **payload: Any) -> Event:
        """Fire ``event``: all or nothing. Returns the recorded :class:`Event`.

        Raises :class:`UnknownEvent`, :class:`InvalidData`,
        :class:`TransitionNotAllowed`, :class:`PreconditionFailed` (with every
        violation) or :class:`EffectFailed`; in each case nothing changes.
        """
        # The hot path: every step below is needed, and nothing is done twice; the
        # usual case of each step is written out here rather than called.
        lifecycle = self._lifecycle
        known = lifecycle._dispatch.get(event) if type(event) is str else None
        definition, routes = lifecycle.dispatch(event) if known is None else known
        if payload:
            try:
                fields = definition.payload(**payload)
            except Exception:  # validators are pure: building again names the problem
                fields = definition.build_payload(payload)
        else:
            fields = definition.build_payload(payload)
        if actor is not None:
            _check_actor(actor)
        state = self._state
        target = routes.get(state)
        if target is None:
            self._refuse(event, state, None, [TRANSITION_NOT_ALLOWED.code])
            raise TransitionNotAllowed(event, state, self._sources(event))
        try:  # _now() inlined: this is the hot path
            now = self._clock()
        except TrajectoryError:
            raise
        except Exception as err:
            raise InvalidData("clock", f"the clock raised {err!r}") from err
        if type(now) is not dt.datetime or now.tzinfo is None:  # the exact type: fast
            now = _checked_now(now)  # a datetime subclass passes; anything else raises
        context = _new_context(Context, (now, state, target, actor, self._events))
        data = self._data
        violations: list[Violation] | None = None
        for guard in definition.guards:
            found = guard(data, fields, context)
            if found:
                if violations is None:
                    violations = []
                violations.extend(found)
        if violations:
            self._refuse(event, state, target, [v.code for v in violations])
            raise PreconditionFailed(event, state, violations)
        effect = definition.effect
        if effect is not None:  # _effect() inlined
            try:
                data = effect(data, fields, context)
            except TrajectoryError:
                raise
            except Exception as err:
                raise EffectFailed(event, state) from err
        events = self._events
        recorded = Event(
            new_event_id(), self._id, len(events) + 1, now, event, state, target, fields, actor
        )
        # The commit: nothing before this line changed the trajectory.
        self._state, self._data = target, data
        events.append(recorded)
        logger.bind().info(
            event, trajectory_id=self._id, from_state=state, to_state=target, outcome="accepted"
        )
        return recorded

    def _refuse(self, event: str, state: str, target: str | None, codes: list[str]) -> None:
        logger.bind().info(
            event,
            trajectory_id=self._id,
            from_state=state,
            to_state=target,
            outcome="refused",
            violations=codes,
        )

    # -- helpers ----------------------------------------------------------------

    def _evaluate(
        self, definition: EventDefinition[D], payload: Any, context: Context
    ) -> list[Violation]:
        data = self._data
        violations: list[Violation] = []
        for guard in definition.guards:
            violations.extend(guard(data, payload, context))
        return violations

    def _effect(self, definition: EventDefinition[D], payload: Any, context: Context) -> D:
        if definition.effect is None:
            return self._data
        try:
            return definition.effect(self._data, payload, context)
        except TrajectoryError:
            raise
        except Exception as err:
            raise EffectFailed(definition.name, self._state) from err

    def _sources(self, event: str) -> tuple[str, ...]:
        return tuple(self._lifecycle.routes[event])

    def _not_allowed(self, event: str) -> Violation:
        return TRANSITION_NOT_ALLOWED(
            event=event, state=self._state, allowed_from=list(self._sources(event))
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trajectory):
            return NotImplemented
        return (
            self._lifecycle is other._lifecycle
            and self._id == other._id
            and self._state == other._state
            and self._data == other._data
            and self._events == other._events
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<Trajectory {self._id} of {self._lifecycle.name!r}: {self._state}, "
            f"{len(self._events)} events>"
        )

    def __iter__(self) -> Iterator[Event]:
        """Iterate over the history."""
        return iter(tuple(self._events))


def _now(clock: Clock) -> dt.datetime:
    try:
        now = clock()
    except TrajectoryError:
        raise
    except Exception as err:
        raise InvalidData("clock", f"the clock raised {err!r}") from err
    return _checked_now(now)


def _checked_now(now: object) -> dt.datetime:
    if not isinstance(now, dt.datetime) or now.tzinfo is None:
        raise InvalidData(
            "clock", f"expected a timezone-aware datetime from the clock, got {now!r}"
        )
    return now


def _check_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidData("id", f"expected a non-blank string, got {value!r}")
    return check_identifier(value, "id")  # the text limits: every store can hold it


def _check_actor(value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidData("actor", f"expected a non-blank string or None, got {value!r}")
    if value is not None:
        check_line(value, "actor")  # the text limits: every store can hold it
