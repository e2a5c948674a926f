"""Trajectories: plain records that change only through events.

Firing an event validates its payload, finds the route in the lifecycle's shared
transition table, evaluates **every** guard, computes the new data, and only then
commits state, data, the counts of the repeat and cycle rules and history together
(one commit, the same for an event fired and for an event applied again from a
history). A refused event, or a guard or an effect that raises
(:class:`~trajectory.GuardFailed`, :class:`~trajectory.EffectFailed`), leaves the
trajectory exactly as it was. Events are recorded in the order of time: an event
never happens before the one before it.

No cost of an event grows with the length of the history: guards read the counts
the trajectory keeps (:attr:`Context.counts <trajectory.engine.definition.Context.counts>`)
instead of counting the history, which they see as a read-only view.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterable, Iterator
from typing import Any, Final, Generic, TypeVar

import attrs

from trajectory.engine.definition import (
    Context,
    EventDefinition,
    Guard,
    Lifecycle,
    guard_changes_at,
    guard_reads_time,
)
from trajectory.engine.errors import (
    EffectFailed,
    GuardFailed,
    InvalidData,
    ListenerVetoed,
    PreconditionFailed,
    TrajectoryError,
    TransitionNotAllowed,
    wrong_type,
)
from trajectory.engine.fields import check_identifier, check_line, describe
from trajectory.engine.history import (
    _FIRST_YEAR,
    _LAST_YEAR,
    _ZONES,
    Clock,
    Event,
    History,
    _Lazy,
    check_moment,
    new_event_id,
    new_id,
    system_clock,
    verify_history,
)
from trajectory.engine.listeners import Refusal, listener_failed
from trajectory.engine.schedule import Due
from trajectory.engine.violations import TRANSITION_NOT_ALLOWED, Violation

__all__ = ["Trajectory"]

D = TypeVar("D")

#: What _next_change gives when a guard that reads the time cannot say when it changes.
_UNKNOWN: Final = object()

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
    _counts: tuple[int, ...] = ()
    # The read-only view of _events that guards and effects are given as
    # Context.history; made on first use (creating a trajectory makes none).
    _past: History | None = attrs.field(default=None, init=False)
    # How the events of a loaded history that were not read yet are read: in
    # _events they are None, below the last (see History and stored_history).
    _lazy: _Lazy | None = attrs.field(default=None, init=False)
    # The JSON of the chunks of entries of this trajectory's last snapshot, by the
    # chunk's id (with the chunk): what encode_snapshot writes again as it was.
    _encoded: dict[int, tuple[tuple[Any, ...], bytes]] | None = attrs.field(
        default=None, init=False
    )

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
        """A new trajectory of ``lifecycle``; its first event is the creation.

        A ``payload`` that is not of the creation's payload class, or a wrong
        argument, raises :class:`InvalidData`; a creation that raises
        :class:`EffectFailed`.
        """
        _check_lifecycle(lifecycle)
        clock = _check_clock(clock)
        trajectory_id = new_id() if id is None else _check_id(id)
        _check_actor(actor)
        creation = lifecycle.creation
        if not isinstance(payload, creation.payload):
            raise wrong_type("payload", f"a {creation.payload.__name__}", payload)
        now = _now(clock)
        try:
            data = creation.build(payload, Context(now, None, lifecycle.initial, actor))
        except TrajectoryError:
            raise
        except Exception as err:
            raise EffectFailed(creation.name, None) from err
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
        return cls(
            lifecycle,
            trajectory_id,
            lifecycle.initial,
            data,
            [first],
            clock,
            counts=lifecycle.first_counts,
        )

    @classmethod
    def from_history(
        cls, lifecycle: Lifecycle[D], events: Iterable[Event], *, clock: Clock | None = None
    ) -> Trajectory[D]:
        """Rebuild a trajectory by applying its events again (guards are not re-run:
        the history is the authority on what was accepted).

        The events must form a history (see :func:`~trajectory.engine.history.verify_history`:
        one trajectory, sequence 1 to n, each leaving the state the one before reached,
        unique ids, timestamps that never go back); else :class:`InvalidData` names
        the first event that does not.
        """
        _check_lifecycle(lifecycle)
        clock = _check_clock(clock)
        history = verify_history(events, lifecycle)
        first = history[0]
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
            clock,
            counts=lifecycle.first_counts,
        )
        for event in history[1:]:
            trajectory._reapply(event)
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
        without replaying it; the history must be one (see
        :func:`~trajectory.engine.history.verify_history`) and match the snapshot."""
        return cls._from_snapshot(lifecycle, id, state, data, history, version, clock, exact=True)

    @classmethod
    def resume(
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
        """A trajectory from a snapshot (state and data at ``version``) and its whole
        history, which may go on after the snapshot: the history is verified once (see
        :func:`~trajectory.engine.history.verify_history`), the snapshot must match it,
        and the events after ``version`` are applied again (guards are not re-run).
        This is what loading a stored trajectory does.

        A stored history (:func:`~trajectory.engine.history.stored_history`: its
        rows verified when it was made) is not read whole: only the event at
        ``version`` and those after it are read now; the trajectory's
        :attr:`history` reads the others when they are asked for."""
        return cls._from_snapshot(lifecycle, id, state, data, history, version, clock, exact=False)

    @classmethod
    def _from_snapshot(
        cls,
        lifecycle: Lifecycle[D],
        id: str,
        state: str,
        data: D,
        history: Iterable[Event],
        version: int,
        clock: Clock | None,
        *,
        exact: bool,
    ) -> Trajectory[D]:
        """:meth:`restore` (``exact``: the history ends at ``version``) and
        :meth:`resume` (it may go on; the rest is applied again)."""
        _check_lifecycle(lifecycle)
        checked_clock = _check_clock(clock)
        _check_id(id)
        if type(version) is not int or version < 1:
            raise wrong_type("version", "a whole number from 1", version)
        if not isinstance(state, str) or state not in lifecycle.states:
            raise InvalidData("state", f"unknown state {describe(state)}")
        data_type = lifecycle.data_type
        if data_type is not None and not isinstance(data, data_type):
            raise wrong_type("data", f"a {data_type.__name__}", data)
        lazy = history._lazy if isinstance(history, History) else None
        if lazy is not None and lazy.lifecycle is lifecycle and lazy.trajectory_id == id:
            assert isinstance(history, History)  # a stored history: its rows were verified
            return cls._resumed(
                lifecycle, id, state, data, history, lazy, version, checked_clock, exact=exact
            )
        events = list(verify_history(history, lifecycle, trajectory_id=id))
        if len(events) < version or (exact and len(events) != version):
            raise InvalidData(
                "version", f"the snapshot is at version {version}, the history has {len(events)}"
            )
        if events[version - 1].to_state != state:
            raise InvalidData(
                "state",
                f"the snapshot is in {state!r}, the history ends in "
                f"{events[version - 1].to_state!r}",
            )
        counts = lifecycle.first_counts
        for event in events[1:version]:  # counted once, as replaying them would
            counts = lifecycle.counted(counts, event.name, event.from_state)
        trajectory = cls(lifecycle, id, state, data, events[:version], checked_clock, counts=counts)
        for event in events[version:]:
            trajectory._reapply(event)
        return trajectory

    @classmethod
    def _resumed(
        cls,
        lifecycle: Lifecycle[D],
        id: str,
        state: str,
        data: D,
        history: History,
        lazy: _Lazy,
        version: int,
        clock: Clock,
        *,
        exact: bool,
    ) -> Trajectory[D]:
        """:meth:`resume` (or, ``exact``, :meth:`restore`) of a stored history (its
        rows verified, see :func:`~trajectory.engine.history.stored_history`): the
        events up to ``version`` are not read (but the last of them), those after it
        are read and
        applied again."""
        size = len(history)
        if size < version or (exact and size != version):
            raise InvalidData(
                "version", f"the snapshot is at version {version}, the history has {size}"
            )
        states, rows = lazy.states, lazy.rows
        if states[version - 1] != state:
            raise InvalidData(
                "state",
                f"the snapshot is in {state!r}, the history ends in {states[version - 1]!r}",
            )
        counts = lifecycle.first_counts
        counting = lifecycle._counting
        names = list(map(operator.itemgetter(2), itertools.islice(rows, 1, version)))
        # Counted once, as replaying them would: only the events a rule counts reach
        # the loop's body (the others are passed over by the interpreter's own loops).
        for name, source in itertools.compress(
            zip(names, states, strict=False), map(counting.__contains__, names)
        ):
            counts = lifecycle.counted(counts, name, source)
        events = history._events[:version]
        own = lazy.bound(events)
        if events[-1] is None:
            own.event(version - 1)  # the last event is always read
        later = [lazy.read(index) for index in range(version, size)]
        # The entries not read yet are None (below the last): _lazy reads them.
        trajectory = cls(lifecycle, id, state, data, events, clock, counts=counts)  # type: ignore[arg-type]
        trajectory._lazy = own if own.left else None
        for event in later:
            trajectory._reapply(event)
        return trajectory

    def extend(self, events: Iterable[Event]) -> None:
        """Apply already-accepted events again after the current version (loading a
        snapshot and the events after it); guards are not re-run. Nothing changes if
        an event does not follow on (:class:`InvalidData` names it, counted from the
        start of the history, as :func:`~trajectory.engine.history.verify_history` does)."""
        start = len(self._events)
        try:
            added = tuple(events)
        except TypeError as err:
            raise wrong_type("events", "an iterable of Event", events) from err
        if not added:
            return
        verify_history((*self.history, *added), self._lifecycle)
        state, data, counts = self._state, self._data, self._counts
        try:
            for event in added:
                self._reapply(event)
        except BaseException:
            del self._events[start:]
            self._state, self._data, self._counts = state, data, counts
            raise

    def _reapply(self, event: Event) -> None:
        """Apply ``event`` again: its effect only (the history was verified)."""
        state, target = self._state, event.to_state
        definition = self._lifecycle.event(event.name)
        context = Context(
            event.timestamp, state, target, event.actor, self._history_view(), self._counts
        )
        self._commit(event, _effect(definition, self._data, event.payload, context, state))

    def _history_view(self) -> History:
        """The read-only view of the history (the events so far: before the commit,
        those before the event being applied)."""
        past = self._past
        if past is None or past._events is not self._events:
            past = self._past = History._view(self._events, self._lazy, None)
        return past

    def _commit(self, event: Event, data: D) -> None:
        """Record ``event`` (accepted, or applied again) with ``data``, its effect's:
        state, data, the counts and the history change here, together, and nowhere
        else."""
        self._counts = self._lifecycle.counted(self._counts, event.name, event.from_state)
        self._state, self._data = event.to_state, data
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
    def history(self) -> History:
        """Every accepted event, the creation first: a read-only sequence that does not
        change as the trajectory goes on (a slice of it is a tuple; it equals the
        tuple of its events). Of a trajectory loaded from a store, the events before
        its snapshot are read when they are first asked for (see
        :func:`~trajectory.engine.history.stored_history`)."""
        return History._view(self._events, self._lazy, len(self._events))

    @property
    def counts(self) -> tuple[int, ...]:
        """The counts of the lifecycle's repeat and cycle rules
        (:attr:`Lifecycle.counters`, in that order), kept as events are applied."""
        return self._counts

    def with_clock(self, clock: Clock) -> Trajectory[D]:
        """This trajectory on ``clock`` (the moment of what is fired on it from now on):
        itself when it runs on that clock already, else a copy at the same version,
        marked saved as far as this one is."""
        checked = _check_clock(clock)
        if checked is self._clock:
            return self
        moved = type(self).restore(
            self.lifecycle,
            self.id,
            self.state,
            self.data,
            self.history,
            version=self.version,
            clock=checked,
        )
        moved.mark_saved(self.saved_version, self.saved_generation)
        return moved

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
        return self.history[self._saved :]

    @property
    def saved_generation(self) -> int:
        """The store's generation of the trajectory when it was loaded: a store raises it
        when it rewrites stored events (erasure), so older copies can no longer be saved."""
        return self._generation

    def mark_saved(self, version: int, generation: int | None = None) -> None:
        """Record that the history up to ``version`` is in a store (stores call this)."""
        if type(version) is not int or not 0 <= version <= len(self._events):
            raise wrong_type("version", f"a whole number from 0 to {len(self._events)}", version)
        if generation is not None and (type(generation) is not int or generation < 0):
            raise wrong_type("generation", "a whole number from 0, or None", generation)
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
        leave the current state is reported as ``transition.not_allowed``; a guard
        that raises, :class:`GuardFailed`.
        """
        return self._check(event, payload, _now(self._clock))

    def _check(self, event: str, payload: dict[str, Any], now: dt.datetime) -> list[Violation]:
        """:meth:`check` at ``now``."""
        definition, routes = self._lifecycle.dispatch(event)
        fields = definition.build_payload(payload)
        target = routes.get(self._state)
        if target is None:
            return [self._not_allowed(event)]
        events = self._events
        last = events[-1].timestamp
        if now < last:  # as in fire(): an event never happens before the last one
            now = last
        context = Context(now, self._state, target, None, self._history_view(), self._counts)
        found = _violations(definition.guards, self._data, fields, context, event, self._state)
        return [] if found is None else found

    def blockers(self, now: dt.datetime | None = None) -> dict[str, list[Violation]]:
        """For each event that leaves the current state and takes no required
        payload: its violations, where there are any, at ``now`` (default: the
        trajectory's clock; a timezone-aware datetime, else :class:`InvalidData`)."""
        moment = _now(self._clock) if now is None else check_moment(now, "now")
        found: dict[str, list[Violation]] = {}
        for event in self.allowed_events():
            definition = self._lifecycle.events[event]
            if definition.needs_payload:
                continue
            try:
                violations = self._check(event, {}, moment)
            except InvalidData:  # a payload class whose defaults do not validate alone
                continue
            if violations:
                found[definition.name] = violations
        return found

    def blocker_schedule(
        self, now: dt.datetime | None = None, *, changes: int = 8
    ) -> tuple[tuple[tuple[dt.datetime, dict[str, list[Violation]]], ...], bool]:
        """The :meth:`blockers` from ``now`` on (default: the trajectory's clock), as
        they change with time while nothing happens: pairs of a moment and the
        blockers that hold from it until the next pair's moment, and whether the last
        pair holds for ever.

        A guard that reads the time says when its verdict may next change
        (``reads_time(changes_at=...)``); the schedule follows at most ``changes``
        changes. It is not for ever (``False``) when a guard that reads the time
        cannot say when its verdict changes, or after ``changes`` changes: from the
        last moment on, ask :meth:`blockers` again.
        """
        moment = _now(self._clock) if now is None else check_moment(now, "now")
        if type(changes) is not int or changes < 0:
            raise wrong_type("changes", "a whole number from 0", changes)
        schedule = []
        for _ in range(changes + 1):
            schedule.append((moment, self.blockers(moment)))
            following = self._next_change(moment)
            if following is _UNKNOWN:
                return tuple(schedule), False
            if following is None:
                return tuple(schedule), True
            assert isinstance(following, dt.datetime)
            moment = following
        return tuple(schedule), False

    def _next_change(self, moment: dt.datetime) -> dt.datetime | object | None:
        """The first moment after ``moment`` at which a guard that reads the time, of
        an event in :meth:`blockers`, may give another verdict; ``None`` if none
        will; ``_UNKNOWN`` if one cannot say."""
        earliest: dt.datetime | None = None
        last = self._events[-1].timestamp
        at = last if moment < last else moment
        for event in self.allowed_events():
            definition, routes = self._lifecycle.dispatch(event)
            if definition.needs_payload:
                continue
            timed = [guard for guard in definition.guards if guard_reads_time(guard)]
            if not timed:
                continue
            try:
                fields = definition.build_payload({})
            except InvalidData:  # not in blockers() either
                continue
            context = Context(
                at, self._state, routes[self._state], None, self._history_view(), self._counts
            )
            for guard in timed:
                changes_at = guard_changes_at(guard)
                if changes_at is None:
                    return _UNKNOWN
                try:
                    found = changes_at(self._data, fields, context)
                except TrajectoryError:
                    raise
                except Exception as err:
                    raise _guard_failed(guard, event, self._state) from err
                if found is None:
                    continue
                if not isinstance(found, dt.datetime) or found.tzinfo is None or found <= at:
                    return _UNKNOWN  # a change said to come now or before: ask again then
                if earliest is None or found < earliest:
                    earliest = found
        return earliest

    # -- changing ---------------------------------------------------------------

    def fire(self, event: str, /, *, actor: str | None = None, **payload: Any) -> Event:
        """Fire ``event``: all or nothing. Returns the recorded :class:`Event`.

        Raises :class:`UnknownEvent`, :class:`InvalidData`,
        :class:`TransitionNotAllowed`, :class:`PreconditionFailed` (with every
        violation), :class:`GuardFailed` or :class:`EffectFailed`; in each case
        nothing changes.

        An event never happens before the one before it: when the clock is behind
        the last event (the clocks of two machines differ), the event happens, for
        its guards and effect and in the history, at the last event's moment.

        The lifecycle's listeners (:meth:`Lifecycle.listen`) are told: ``before``
        once the event will be accepted (one that raises aborts it, as
        :class:`ListenerVetoed`), ``after`` once it was, ``refused`` of a
        :class:`TransitionNotAllowed` or :class:`PreconditionFailed`.
        """
        # The hot path: every step below is needed, and nothing is done twice.
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
            raise self._refused(TransitionNotAllowed(event, state, self._sources(event)), None)
        events = self._events
        now = _now(self._clock)
        if now < events[-1].timestamp:  # a history never goes back in time
            now = events[-1].timestamp
        context = _new_context(
            Context, (now, state, target, actor, self._history_view(), self._counts)
        )
        violations = _violations(definition.guards, self._data, fields, context, event, state)
        if violations:
            raise self._refused(PreconditionFailed(event, state, violations), target)
        data = _effect(definition, self._data, fields, context, state)
        recorded = Event(
            new_event_id(), self._id, len(events) + 1, now, event, state, target, fields, actor
        )
        listeners = lifecycle.listeners
        if listeners.before:
            self._before(listeners.before, recorded)
        self._commit(recorded, data)  # nothing before this line changed the trajectory
        for listener in listeners.after:  # a listener's failure does not undo the event
            try:
                listener(self, recorded)
            except Exception as err:
                listener_failed("after", listener, self, err)
        return recorded

    def _before(self, listeners: tuple[Any, ...], event: Event) -> None:
        """Tell the before-listeners of ``event``; one that raises aborts it (a
        ListenerVetoed, unless it raised a TrajectoryError)."""
        for listener in listeners:
            try:
                listener(self, event)
            except TrajectoryError:
                raise
            except Exception as err:
                raise ListenerVetoed(event.name, event.from_state, _name(listener)) from err

    def _refused(
        self, error: TransitionNotAllowed | PreconditionFailed, target: str | None
    ) -> TrajectoryError:
        """Tell the refused-listeners of ``error`` (the caller raises it)."""
        listeners = self._lifecycle.listeners.refused
        if listeners:
            refusal = Refusal(error, target, self._lifecycle.wording)
            for listener in listeners:
                try:
                    listener(self, refusal)
                except Exception as err:  # the refusal is what fire raises
                    listener_failed("refused", listener, self, err)
        return error

    # -- helpers ----------------------------------------------------------------

    def _sources(self, event: str) -> tuple[str, ...]:
        return tuple(self._lifecycle.routes[event])

    def _not_allowed(self, event: str) -> Violation:
        return TRANSITION_NOT_ALLOWED.worded(
            self._lifecycle.wording,
            event=event,
            state=self._state,
            allowed_from=list(self._sources(event)),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trajectory):
            return NotImplemented
        return (
            self._lifecycle is other._lifecycle
            and self._id == other._id
            and self._state == other._state
            and self._data == other._data
            and self.history == other.history
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<Trajectory {self._id} of {self._lifecycle.name!r}: {self._state}, "
            f"{len(self._events)} events>"
        )

    def __iter__(self) -> Iterator[Event]:
        """Iterate over the history."""
        return iter(self.history)


def _name(function: object) -> str:
    """The qualified name of ``function`` (its type's for an object without one)."""
    name = getattr(function, "__qualname__", None)
    return name if isinstance(name, str) else type(function).__qualname__


def _violations(
    guards: tuple[Guard[Any], ...],
    data: Any,
    payload: Any,
    context: Context,
    event: str,
    state: str,
) -> list[Violation] | None:
    """Every violation the ``guards`` report, or ``None`` when there is none.

    Guards run here, for :meth:`Trajectory.fire` and :meth:`Trajectory.check`: a guard that
    raises, other than a TrajectoryError (which passes), or reports something that
    is not a Violation, is a :class:`GuardFailed` naming it, with the cause.
    """
    violations: list[Violation] | None = None
    guard = None
    try:
        for guard in guards:
            found = guard(data, payload, context)
            if found:
                violations = _reported(violations, found)
    except TrajectoryError:
        raise
    except Exception as err:
        raise _guard_failed(guard, event, state) from err
    return violations


def _reported(violations: list[Violation] | None, found: Iterable[Violation]) -> list[Violation]:
    """``violations`` (a new list for ``None``) with what a guard reported added;
    TypeError for something that is not a Violation (the caller wraps it)."""
    added = [] if violations is None else violations
    for violation in found:
        if not isinstance(violation, Violation):
            raise TypeError(f"a guard reports Violations, not {violation!r}")
        added.append(violation)
    return added


def _guard_failed(guard: object, event: str, state: str) -> GuardFailed:
    """The error for ``guard``, which raised (the caller adds the cause)."""
    return GuardFailed(event, state, getattr(guard, "__qualname__", None) or repr(guard))


def _effect(
    definition: EventDefinition[D], data: D, payload: Any, context: Context, state: str
) -> D:
    """The new data from the effect of ``definition``: an effect that raises (other
    than a TrajectoryError, which passes) is an :class:`EffectFailed`."""
    effect = definition.effect
    if effect is None:
        return data
    try:
        return effect(data, payload, context)
    except TrajectoryError:
        raise
    except Exception as err:
        raise EffectFailed(definition.name, state) from err


def _now(clock: Clock) -> dt.datetime:
    """The clock's moment, checked (see :func:`~trajectory.engine.history.check_moment`)."""
    try:
        now = clock()
    except TrajectoryError:
        raise
    except Exception as err:
        raise InvalidData("clock", f"the clock raised {err!r}") from err
    # The usual moment passes the quick check; any other the full one.
    if (
        type(now) is dt.datetime
        and type(now.tzinfo) in _ZONES
        and _FIRST_YEAR < now.year < _LAST_YEAR
    ):
        return now
    return check_moment(now, "clock")


def _check_lifecycle(value: object) -> None:
    if not isinstance(value, Lifecycle):
        raise wrong_type("lifecycle", "a Lifecycle", value)


def _check_clock(value: Clock | None) -> Clock:
    if value is None:
        return system_clock
    if not callable(value):
        raise wrong_type("clock", "a callable returning a timezone-aware datetime", value)
    return value


def _check_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise wrong_type("id", "a non-blank string", value)
    return check_identifier(value, "id")  # the text limits: every store can hold it


def _check_actor(value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise wrong_type("actor", "a non-blank string or None", value)
    if value is not None:
        check_line(value, "actor")  # the text limits: every store can hold it
