"""Lifecycle definitions: states, events, guards, effects, validated when built.

A :class:`Lifecycle` is compiled once into one shared :class:`transitions.Machine`
(``Lifecycle.machine``, with no model attached): ``transitions`` is what turns a
definition into its transition table, and what diagrams are drawn from. The engine's
dispatch table is read from that machine's own transitions (:func:`dispatch_table`),
and every trajectory of the lifecycle is routed through it; the runtime does not call
the machine's triggers, so ``transitions`` callbacks (``on_enter``, ``before``,
``after``, conditions …) are never run. The extension point is the lifecycle's
listeners (:meth:`Lifecycle.listen`, see :mod:`trajectory.engine.listeners`).
Trajectories themselves are plain records (see :mod:`trajectory.engine.runtime`):
nothing is injected into them, which keeps creating one cheap and small.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar, overload

import attrs
import transitions

from trajectory.engine.errors import DefinitionError, InvalidData, UnknownEvent, wrong_type
from trajectory.engine.fields import describe as _shown
from trajectory.engine.listeners import (
    AfterListener,
    BeforeListener,
    EventLog,
    Listeners,
    RefusedListener,
)
from trajectory.engine.repeats import RULE_VIOLATIONS, Cycle, Repeat
from trajectory.engine.schedule import Deadline, Due, Recurring, due
from trajectory.engine.violations import (
    ENGINE_VIOLATIONS,
    Violation,
    ViolationRegistry,
    ViolationType,
)
from trajectory.engine.wording import PLAIN, Wording

if TYPE_CHECKING:
    from trajectory.engine.history import Clock, Event
    from trajectory.engine.runtime import Trajectory
    from trajectory.engine.serialization import Codec

__all__ = [
    "ChangesAt",
    "Context",
    "Creation",
    "Effect",
    "EventDefinition",
    "Guard",
    "Lifecycle",
    "NoPayload",
    "State",
    "Transition",
    "dispatch_table",
    "guard_changes_at",
    "guard_reads_time",
    "reads_time",
]

D = TypeVar("D")
P = TypeVar("P")


class Context(NamedTuple):
    """What a guard or effect knows besides the data and the payload.

    Immutable; built for every check and fire, so it is a named tuple (the
    cheapest immutable record to build). ``history`` is the trajectory's history
    before the event (empty for the creation), a read-only view: read it during the
    call; it is not a copy to keep. ``counts`` are the counts the trajectory keeps
    for its lifecycle's repeat and cycle rules (see :meth:`Lifecycle.counted`), which
    the rules' guards read instead of counting the history.
    """

    now: dt.datetime
    """The moment of the event, from the trajectory's clock (timezone-aware)."""
    state: str | None
    """The state the event leaves (``None`` for the creation)."""
    target: str
    """The state the event leads to."""
    actor: str | None
    """Who fires the event, if given."""
    history: Sequence[Event] = ()
    """The events before this one, oldest first (a read-only view)."""
    counts: tuple[int, ...] = ()
    """The counts of the lifecycle's repeat and cycle rules before this event, in
    the order of :attr:`Lifecycle.counters`."""


#: A guard returns every violation it finds (an empty iterable when all is well).
Guard = Callable[[D, Any, Context], Iterable[Violation]]
#: An effect returns the new data; it must not change the data it was given.
Effect = Callable[[D, Any, Context], D]

G = TypeVar("G", bound=Callable[..., Any])

#: The attribute :func:`reads_time` sets on a guard.
_READS_TIME = "reads_time"


#: The attribute :func:`reads_time` sets for the function saying when a verdict changes.
_CHANGES_AT = "reads_time_changes_at"

#: When a guard that reads the time may next give another verdict, given the data,
#: the payload and the context it was asked in: a moment after ``context.now``, or
#: ``None`` when its verdict no longer changes with time.
ChangesAt = Callable[[Any, Any, Context], dt.datetime | None]


@overload
def reads_time(guard: G, /) -> G: ...


@overload
def reads_time(*, changes_at: ChangesAt) -> Callable[[G], G]: ...


def reads_time(guard: G | None = None, /, *, changes_at: ChangesAt | None = None) -> Any:
    """Mark ``guard`` as one whose verdict depends on the moment it is asked
    (it reads ``context.now``), and return it.

    A state with an event leaving it that takes no required payload and has such a
    guard is time-dependent (:attr:`Lifecycle.time_dependent_states`): its blockers
    can change while nothing is saved, so a store works them out again when asked.
    A guard factory marks the guard it makes::

        def not_before(day: dt.date) -> Guard[Data]:
            @reads_time
            def guard(data: Data, payload: Any, context: Context) -> list[Violation]: ...

            return guard

    With ``changes_at`` (``@reads_time(changes_at=...)``), the guard also says when
    its verdict may next change (see :data:`ChangesAt`): a store then keeps a
    trajectory's blockers as a schedule over time
    (:meth:`~trajectory.engine.runtime.Trajectory.blocker_schedule`) and needs not
    load it to answer at another moment.
    """
    if guard is None:
        if changes_at is None or not callable(changes_at):
            raise DefinitionError(f"changes_at is a function, got {_shown(changes_at)}")
        chosen = changes_at
        return lambda marked: reads_time(_with_changes_at(marked, chosen))
    setattr(guard, _READS_TIME, True)
    return guard


def _with_changes_at(guard: G, changes_at: ChangesAt) -> G:
    setattr(guard, _CHANGES_AT, changes_at)
    return guard


def guard_changes_at(guard: object) -> ChangesAt | None:
    """The function saying when ``guard``'s verdict may next change, if it was
    marked with one (:func:`reads_time`)."""
    found = getattr(guard, _CHANGES_AT, None)
    return found if callable(found) else None


def guard_reads_time(guard: object) -> bool:
    """Whether ``guard`` was marked with :func:`reads_time`."""
    return getattr(guard, _READS_TIME, False) is True


@attrs.frozen
class NoPayload:
    """The payload of an event that takes no fields."""


_NO_PAYLOAD = NoPayload()


def _read_only(labels: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(labels))


@attrs.frozen
class State:
    """A state of a lifecycle; a final state has no events leaving it."""

    name: str
    final: bool = False
    description: str = ""
    labels: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only)


@attrs.frozen
class Transition:
    """Where an event leads: from any of ``sources`` to ``target``.

    A ``target`` of ``None`` keeps the trajectory in its state (an event that
    records a fact, such as adding a participant).
    """

    sources: tuple[str, ...]
    target: str | None = None


@attrs.frozen
class _PayloadShape:
    required: frozenset[str]
    names: frozenset[str]


@functools.cache
def _shape(payload: type) -> _PayloadShape:
    fields = attrs.fields(payload)
    return _PayloadShape(
        required=frozenset(f.name for f in fields if f.default is attrs.NOTHING and f.init),
        names=frozenset(f.name for f in fields if f.init),
    )


@attrs.frozen
class EventDefinition(Generic[D]):
    """An event: where it leads, what payload it takes, what must hold, what it does."""

    name: str
    transitions: tuple[Transition, ...]
    payload: type = NoPayload
    guards: tuple[Guard[D], ...] = ()
    effect: Effect[D] | None = None
    description: str = ""

    _shape: _PayloadShape = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if attrs.has(self.payload):  # Lifecycle reports a payload that is no attrs class
            object.__setattr__(self, "_shape", _shape(self.payload))

    @property
    def needs_payload(self) -> bool:
        """Whether the event has required payload fields."""
        return bool(self._shape.required) if attrs.has(self.payload) else False

    def build_payload(self, fields: Mapping[str, Any]) -> Any:
        """Validate ``fields`` into this event's payload class, or raise InvalidData."""
        if not fields and self.payload is NoPayload:
            return _NO_PAYLOAD
        try:  # the usual case first: the fields fit, the payload class validates them
            return self.payload(**fields)
        except InvalidData:
            raise
        except (TypeError, ValueError) as err:
            self._check_names(fields)
            attribute = err.args[1] if len(err.args) > 1 else None
            field = getattr(attribute, "name", self.name)
            raise InvalidData(field, str(err.args[0] if err.args else err)) from err

    def _check_names(self, fields: Mapping[str, Any]) -> None:
        """Raise InvalidData for a field the payload does not take or a missing one."""
        shape = self._shape
        for name in fields:
            if name not in shape.names:
                expected = ", ".join(sorted(shape.names)) or "no fields"
                raise InvalidData(
                    name, f"{self.name!r} takes no field {name!r}; it takes: {expected}"
                )
        missing = sorted(shape.required - fields.keys())
        if missing:
            raise InvalidData(missing[0], f"{self.name!r} needs the field {missing[0]!r}")


@attrs.frozen
class Creation(Generic[D]):
    """How a trajectory comes to be: the payload of its first event and its data."""

    payload: type
    build: Callable[[Any, Context], D]
    name: str = "created"
    description: str = ""


class Lifecycle(Generic[D]):
    """A validated lifecycle definition, compiled once into a shared state machine.

    Raises :class:`DefinitionError` for unknown or unreachable states, duplicate
    names, events that leave a final state, non-final states without a way out, and
    parts of the wrong kind (``states`` that are not :class:`State` objects, a guard
    that is not callable …).
    """

    def __init__(
        self,
        name: str,
        *,
        states: Iterable[State],
        events: Iterable[EventDefinition[D]],
        initial: str,
        creation: Creation[D],
        violations: ViolationRegistry | None = None,
        data_type: type[D] | None = None,
        describe: Callable[[D], Mapping[str, str | None]] | None = None,
        person_fields: Iterable[str] = (),
        description: str = "",
        repeats: Iterable[Repeat] = (),
        cycles: Iterable[Cycle] = (),
        recurring: Iterable[Recurring] = (),
        deadlines: Iterable[Deadline] = (),
        codec: Codec | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"a lifecycle needs a non-empty name, got {_shown(name)}")
        self.name = name
        #: How its documents are written and read: its programme's converter,
        #: migrations and schema types (see :mod:`trajectory.engine.serialization`);
        #: ``None`` until first use for a lifecycle built without a programme.
        self.codec = codec
        if not isinstance(initial, str):
            raise DefinitionError(f"the initial state is a name, got {_shown(initial)}")
        if not isinstance(creation, Creation):
            raise DefinitionError(f"the creation is a Creation, got {_shown(creation)}")
        if violations is not None and not isinstance(violations, Mapping):
            raise DefinitionError(
                f"the violations are a ViolationRegistry, got {_shown(violations)}"
            )
        #: The class of the trajectories' data (needed to read snapshots).
        self.data_type = data_type
        #: What a store may list trajectories by (school_year, offer, board …).
        self.describe = describe
        #: The keys ``describe`` gives, which a store indexes and lists by: those it
        #: declares as its ``index_keys`` attribute (none when it declares none).
        self.index_keys: tuple[str, ...] = tuple(getattr(describe, "index_keys", ()))
        #: Payload fields that name people (erasable on request).
        self.person_fields = frozenset(_parts("person_fields", person_fields, str))
        self.description = description
        self.initial = initial
        self.creation = creation
        #: The states, by name, in definition order.
        self.states: Mapping[str, State] = MappingProxyType(
            _unique("state", _parts("states", states, State))
        )
        #: The events as defined, by name, in definition order.
        self.events: Mapping[str, EventDefinition[D]] = MappingProxyType(
            _unique("event", _parts("events", events, EventDefinition))
        )
        #: How often events may and must occur (see :mod:`trajectory.engine.repeats`).
        self.repeats: tuple[Repeat, ...] = _parts("repeats", repeats, Repeat)
        #: The cycles of a lifecycle that loops back, by name.
        self.cycles: Mapping[str, Cycle] = MappingProxyType(
            _unique("cycle", _parts("cycles", cycles, Cycle))
        )
        given = violations.wording if isinstance(violations, ViolationRegistry) else None
        #: How its violations are worded: the labels and time zone of the violations'
        #: registry, then its states' own labels (see :mod:`trajectory.engine.wording`).
        self.wording: Wording = (given or PLAIN).then(self._state_label)
        registry = ViolationRegistry(wording=given)
        registry.include(ENGINE_VIOLATIONS)
        if violations is not None:
            _parts("violations", violations.values(), ViolationType)
            registry.include(violations)
        for used in self._rule_violations():  # the engine's own, where its rules use them
            if used.code not in registry:
                registry.include({used.code: used})
        self.violations: Mapping[str, ViolationType] = registry
        #: Events due at a cadence, and deadlines (see :mod:`trajectory.engine.schedule`).
        self.recurring: tuple[Recurring, ...] = _parts("recurring", recurring, Recurring)
        self.deadlines: tuple[Deadline, ...] = _parts("deadlines", deadlines, Deadline)
        self._validate()
        self._validate_rules()
        self.machine = self._compile()
        table = dispatch_table(self.machine)
        #: For each event, where it leads from each state it leaves (source → target),
        #: as the compiled machine says (see :func:`dispatch_table`).
        self.routes: Mapping[str, Mapping[str, str]] = MappingProxyType(
            {event: MappingProxyType(dict(routes)) for event, routes in table.items()}
        )
        #: The rules whose counts a trajectory keeps as its events are applied, in the
        #: order of :attr:`Context.counts`: the repeats, then the cycles.
        self.counters: tuple[Repeat | Cycle, ...] = (*self.repeats, *self.cycles.values())
        self._counting = self._count_steps(table)
        #: The counts after the creation, before any other event.
        self.first_counts: tuple[int, ...] = self.counted(
            (0,) * len(self.counters), self.creation.name, None
        )
        # The hot path of fire(): one plain-dict lookup gives the definition and routes.
        # Events with repeat or cycle rules get the engine's guards in front of their own.
        self._dispatch: dict[str, tuple[EventDefinition[D], dict[str, str]]] = {
            name: (self._with_rules(self.events[name]), routes) for name, routes in table.items()
        }
        #: The states whose blockers depend on the moment they are asked: those with
        #: an event leaving them that takes no required payload and has a guard
        #: marked with :func:`reads_time` (the engine's repeat and cycle guards do
        #: not read the time).
        self.time_dependent_states: frozenset[str] = frozenset(
            state
            for state in self.states
            if any(
                not self._dispatch[event][0].needs_payload
                and any(guard_reads_time(guard) for guard in self._dispatch[event][0].guards)
                for event in self.events_from(state)
            )
        )
        #: Who is told of every fired event (see :meth:`listen`); the log first.
        self.listeners = Listeners()
        self.listeners.add(EventLog())

    @property
    def final_states(self) -> frozenset[str]:
        """The names of the final states."""
        return frozenset(name for name, state in self.states.items() if state.final)

    def event(self, name: str) -> EventDefinition[D]:
        """The definition of event ``name`` as it fires, or :class:`UnknownEvent`:
        as in :attr:`events`, with the guards of its repeat and cycle rules first."""
        found = self._dispatch.get(name) if isinstance(name, str) else None
        if found is None:
            raise UnknownEvent(name, tuple(self.events))
        return found[0]

    def dispatch(self, name: str) -> tuple[EventDefinition[D], dict[str, str]]:
        """The definition of event ``name`` and its routes (source → target)."""
        found = self._dispatch.get(name) if isinstance(name, str) else None
        if found is None:
            raise UnknownEvent(name, tuple(self.events))
        return found

    def listen(
        self,
        listener: object = None,
        *,
        before: BeforeListener | None = None,
        after: AfterListener | None = None,
        refused: RefusedListener | None = None,
    ) -> Callable[[], None]:
        """Tell a listener of every event fired on this lifecycle's trajectories.

        ``listener`` is an object whose ``before``, ``after`` and ``refused`` methods
        (those it has; see :class:`~trajectory.engine.listeners.Listener`) are
        registered; callables may be given by keyword too. Returns a function that
        removes what this call registered, as :meth:`Store.subscribe` does. What each
        kind is told, and what happens when a listener raises, is described in
        :mod:`trajectory.engine.listeners`. Listeners are called in the order they
        were registered, after the built-in :class:`~trajectory.engine.listeners.EventLog`.
        """
        return self.listeners.add(listener, before=before, after=after, refused=refused)

    def counted(self, counts: tuple[int, ...], name: str, source: str | None) -> tuple[int, ...]:
        """The counts of :attr:`counters` after the event ``name`` left ``source``
        (``None`` for the creation), given ``counts``, those before it: what a
        trajectory keeps as each event is applied, so that no guard counts its
        history again. An event that changes no count returns ``counts`` itself."""
        steps = self._counting.get(name)
        changes = None if steps is None else steps.get(source)
        if changes is None:
            return counts
        values = list(counts)
        for position, reset, amount in changes:
            values[position] = amount if reset else values[position] + amount
        return tuple(values)

    def events_from(self, state: str) -> tuple[str, ...]:
        """The events that can leave ``state``, in definition order."""
        try:
            return tuple(name for name, routes in self.routes.items() if state in routes)
        except TypeError:  # something unhashable is no state
            return ()

    def create(
        self,
        payload: Any,
        *,
        clock: Clock | None = None,
        id: str | None = None,
        actor: str | None = None,
    ) -> Trajectory[D]:
        """A new trajectory in the initial state, its creation the first event."""
        return _trajectory_class().start(self, payload, clock=clock, id=id, actor=actor)

    def replay(self, events: Iterable[Event], *, clock: Clock | None = None) -> Trajectory[D]:
        """Rebuild a trajectory from its history; see :func:`trajectory.replay`.

        Events that do not form a history of this lifecycle raise
        :class:`InvalidData` naming the first that does not (see
        :func:`~trajectory.engine.history.verify_history`).
        """
        return _trajectory_class().from_history(self, events, clock=clock)

    def iteration(self, trajectory: Trajectory[D], cycle: str) -> int:
        """The round of ``cycle`` that ``trajectory`` is in (0 before it started)."""
        if not isinstance(trajectory, _trajectory_class()):
            raise wrong_type("trajectory", "a Trajectory", trajectory)
        found = self.cycles.get(cycle) if isinstance(cycle, str) else None
        if found is None:
            known = ", ".join(self.cycles) or "none"
            raise InvalidData("cycle", f"unknown cycle {_shown(cycle)}; known: {known}")
        position = len(self.repeats) + list(self.cycles).index(cycle)
        return trajectory.counts[position]

    def due(self, trajectory: Trajectory[D], now: dt.datetime) -> tuple[Due, ...]:
        """What is pending for ``trajectory`` at ``now``: its recurring events and
        deadlines, soonest first, each with its date and whether it is overdue."""
        return due(trajectory, now, recurring=self.recurring, deadlines=self.deadlines)

    def overdue(self, trajectory: Trajectory[D], now: dt.datetime) -> tuple[Due, ...]:
        """What is overdue for ``trajectory`` at ``now`` (see :meth:`due`)."""
        return tuple(item for item in self.due(trajectory, now) if item.overdue)

    def __repr__(self) -> str:
        return f"<Lifecycle {self.name!r}: {len(self.states)} states, {len(self.events)} events>"

    # -- building ---------------------------------------------------------------

    def _validate(self) -> None:
        if not self.states:
            raise DefinitionError(f"lifecycle {self.name!r} has no states")
        if self.initial not in self.states:
            raise DefinitionError(f"initial state {self.initial!r} is not a state")
        if self.creation.name in self.events:
            raise DefinitionError(
                f"event {self.creation.name!r} has the name of the creation event"
            )
        for event in self.events.values():
            what = f"event {event.name!r}"
            transitions = _parts(f"{what}: transitions", event.transitions, Transition)
            if not transitions:
                raise DefinitionError(f"event {event.name!r} has no transitions")
            if not isinstance(event.payload, type) or not attrs.has(event.payload):
                raise DefinitionError(f"the payload of event {event.name!r} is not an attrs class")
            for guard in _parts(f"{what}: guards", event.guards, object):
                if not callable(guard):
                    raise DefinitionError(f"{what}: a guard is callable, got {_shown(guard)}")
            if event.effect is not None and not callable(event.effect):
                raise DefinitionError(f"{what}: the effect is callable, got {_shown(event.effect)}")
            seen: set[str] = set()
            for transition in transitions:
                _parts(f"{what}: the sources of a transition", transition.sources, str)
                if transition.target is not None and not isinstance(transition.target, str):
                    raise DefinitionError(
                        f"{what}: a target is a state's name, got {_shown(transition.target)}"
                    )
                for state in (*transition.sources, transition.target):
                    if state is not None and state not in self.states:
                        raise DefinitionError(
                            f"event {event.name!r} refers to the unknown state {state!r}"
                        )
                for source in transition.sources:
                    if source in seen:
                        raise DefinitionError(f"event {event.name!r} leaves state {source!r} twice")
                    seen.add(source)
                    if self.states[source].final:
                        raise DefinitionError(
                            f"event {event.name!r} leaves the final state {source!r}"
                        )
        self._check_reachable()

    def _state_label(self, kind: str, value: str, lang: str) -> str | None:
        """A state's label from the definition (the labels of kind ``state``)."""
        if kind != "state":
            return None
        state = self.states.get(value)
        return None if state is None else state.labels.get(lang)

    def _rule_violations(self) -> list[ViolationType]:
        used = [r.maximum_violation for r in self.repeats if r.maximum is not None]
        used += [r.minimum_violation for r in self.repeats if r.minimum is not None]
        used += [c.maximum_violation for c in self.cycles.values() if c.maximum is not None]
        return [v for v in used if RULE_VIOLATIONS.get(v.code) is v]

    def _validate_rules(self) -> None:
        def known_event(name: str, where: str) -> None:
            if name not in self.events:
                raise DefinitionError(f"{where} refers to the unknown event {_shown(name)}")

        def known_state(name: str, where: str) -> None:
            if name not in self.states:
                raise DefinitionError(f"{where} refers to the unknown state {_shown(name)}")

        def declared(violation: ViolationType, where: str) -> None:
            if self.violations.get(violation.code) is not violation:
                raise DefinitionError(
                    f"{where} reports {violation.code!r}, which the lifecycle does not declare"
                )

        for rule in self.repeats:
            where = f"the repeat of {_shown(rule.event)}"
            known_event(rule.event, where)
            for name in rule.required_by:
                known_event(name, where)
            if rule.since is not None:
                known_event(rule.since, where)
            if rule.within is not None:
                known_state(rule.within, where)
            if rule.maximum is not None:
                declared(rule.maximum_violation, where)
            if rule.minimum is not None:
                declared(rule.minimum_violation, where)
        for cycle in self.cycles.values():
            known_event(cycle.start, f"the cycle {cycle.name!r}")
            if cycle.maximum is not None:
                declared(cycle.maximum_violation, f"the cycle {cycle.name!r}")
        for recurring in self.recurring:
            known_event(recurring.event, f"the recurring event {recurring.event!r}")
            for state in recurring.states:
                known_state(state, f"the recurring event {recurring.event!r}")
        for deadline in self.deadlines:
            known_event(deadline.event, f"the deadline of {deadline.event!r}")
            known_state(deadline.state, f"the deadline of {deadline.event!r}")

    def _with_rules(self, definition: EventDefinition[D]) -> EventDefinition[D]:
        """``definition`` with the guards of the repeat and cycle rules on it first
        (each reading its count from :attr:`Context.counts`)."""
        rules: list[Guard[D]] = []
        for position, rule in enumerate(self.repeats):
            if rule.maximum is not None and rule.event == definition.name:
                rules.append(rule.maximum_guard(position, wording=self.wording))
            if definition.name in rule.required_by:
                rules.append(rule.minimum_guard(position, wording=self.wording))
        for position, cycle in enumerate(self.cycles.values(), start=len(self.repeats)):
            if cycle.maximum is not None and cycle.start == definition.name:
                rules.append(cycle.maximum_guard(position, wording=self.wording))
        if not rules:
            return definition
        return attrs.evolve(definition, guards=(*rules, *definition.guards))

    def _count_steps(
        self, table: Mapping[str, Mapping[str, str]]
    ) -> dict[str, dict[str | None, tuple[tuple[int, bool, int], ...]]]:
        """For each event and state it leaves (the creation from ``None``), how it
        changes the counts: ``(position, reset, amount)`` for each count it changes
        (see :func:`~trajectory.engine.repeats.step`); events that change none are
        left out, so that applying them costs nothing."""
        moves: list[tuple[str, str | None, str]] = [(self.creation.name, None, self.initial)]
        moves += [
            (name, source, target)
            for name, routes in table.items()
            for source, target in routes.items()
        ]
        steps: dict[str, dict[str | None, tuple[tuple[int, bool, int], ...]]] = {}
        for name, source, target in moves:
            changes = tuple(
                (position, *found)
                for position, rule in enumerate(self.counters)
                if (found := rule.step(name, source, target)) is not None
            )
            if changes:
                steps.setdefault(name, {})[source] = changes
        return steps

    def _check_reachable(self) -> None:
        edges: dict[str, set[str]] = {name: set() for name in self.states}
        for event in self.events.values():
            for transition in event.transitions:
                for source in transition.sources:
                    edges[source].add(transition.target or source)
        reached = {self.initial}
        frontier = [self.initial]
        while frontier:
            for target in edges[frontier.pop()]:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        unreachable = [name for name in self.states if name not in reached]
        if unreachable:
            raise DefinitionError(
                f"states not reachable from {self.initial!r}: {', '.join(unreachable)}"
            )
        stuck = [
            name
            for name, state in self.states.items()
            if not state.final and not (edges[name] - {name})
        ]
        if stuck:
            raise DefinitionError(f"non-final states without a way out: {', '.join(stuck)}")

    def _compile(self) -> transitions.Machine:
        try:
            return transitions.Machine(
                model=None,
                states=[{"name": s.name, "final": s.final} for s in self.states.values()],
                transitions=[
                    {"trigger": e.name, "source": list(t.sources), "dest": t.target}
                    for e in self.events.values()
                    for t in e.transitions
                ],
                initial=self.initial,
                auto_transitions=False,
            )
        except (ValueError, TypeError, transitions.MachineError) as err:
            raise DefinitionError(f"lifecycle {self.name!r} does not compile: {err}") from err


def dispatch_table(machine: transitions.Machine) -> dict[str, dict[str, str]]:
    """The dispatch table of ``machine``: for each of its events, where it leads from
    each state it leaves (source → target; an internal transition, ``dest=None``,
    keeps the state). A :class:`Lifecycle` routes its trajectories through the table
    of its own compiled machine, and through nothing else."""
    return {
        name: {source: found[0].dest or source for source, found in event.transitions.items()}
        for name, event in machine.events.items()
    }


@functools.cache
def _trajectory_class() -> type[Trajectory[Any]]:
    # runtime imports this module; importing it back at call time avoids the cycle.
    from trajectory.engine.runtime import Trajectory

    return Trajectory


def _parts(what: str, items: object, kind: type[P]) -> tuple[P, ...]:
    """``items`` as a tuple, each a ``kind``; else DefinitionError naming ``what``."""
    name = kind.__name__
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        several = "" if kind is object else f" of {name}"
        raise DefinitionError(f"{what}: expected an iterable{several}, got {_shown(items)}")
    found = tuple(items)
    for index, item in enumerate(found):
        if not isinstance(item, kind):
            article = "an" if name[0].lower() in "aeiou" else "a"
            raise DefinitionError(f"{what}[{index}]: expected {article} {name}, got {_shown(item)}")
    return found


def _unique(kind: str, items: Iterable[Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in items:
        name = item.name
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"a {kind} needs a non-empty name, got {_shown(name)}")
        if name in result:
            raise DefinitionError(f"{kind} {name!r} is defined twice")
        result[name] = item
    return result
