"""Lifecycle definitions as data: load them from TOML or JSON, write them back.

A definition file holds the states, the events with their transitions, the
repeats, cycles, recurring events and deadlines, and the violation types that
only the file's rules report. The code it needs (guards, effects, payload classes,
the creation, limits and dates read from the data) is named, and looked up in a
:class:`~trajectory.engine.registry.Registry`. A new programme is one data file
and the guards it registers::

    >>> import attrs
    >>> from trajectory.engine.registry import Registry
    >>> registry = Registry()
    >>> @attrs.frozen
    ... class Board:
    ...     school: str
    >>> registry.register_creation("board", lambda payload, context: payload)
    >>> registry.register_payload(Board)
    >>> lifecycle = load_lifecycle('''
    ... name = "board"
    ... initial = "open"
    ... creation = { payload = "Board", build = "board" }
    ... states = [{ name = "open" }, { name = "closed", final = true }]
    ... [[events]]
    ... name = "close"
    ... transitions = [{ sources = ["open"], target = "closed" }]
    ... ''', registry)
    >>> lifecycle.routes["close"]["open"]
    'closed'

Where a file is wrong, :class:`~trajectory.DefinitionError` says where, in its
``path``: ``$.events[3].transitions[0].target``. The format itself is described by
a JSON Schema (:func:`definition_schema`, shipped as
``trajectory/engine/schemas/lifecycle-definition.schema.json``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from trajectory.engine.conversion import make_converter, read_json, read_toml, structure
from trajectory.engine.definition import (
    Creation,
    EventDefinition,
    Lifecycle,
    NoPayload,
    State,
    Transition,
)
from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.fields import describe
from trajectory.engine.registry import Argument, GuardCall, Registry
from trajectory.engine.repeats import (
    CYCLE_MAXIMUM,
    REPEAT_MAXIMUM,
    REPEAT_MINIMUM,
    RULE_VIOLATIONS,
    Cycle,
    Repeat,
)
from trajectory.engine.schedule import Deadline, Recurring
from trajectory.engine.schema import own_description
from trajectory.engine.serialization import Codec
from trajectory.engine.violations import ENGINE_VIOLATIONS, ViolationRegistry, ViolationType

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "LifecycleDocument",
    "definition_converter",
    "definition_schema",
    "document_of",
    "dump_lifecycle",
    "load_lifecycle",
    "shipped_definition_schema",
]

#: The version of the definition format.
FORMAT: Final = 1
#: The JSON Schema of the format, shipped in ``trajectory/engine/schemas``.
SCHEMA_FILE: Final = "lifecycle-definition.schema.json"

GuardReference = str | GuardCall
Bound = int | str | None


@attrs.frozen
class StateDocument:
    """A state: its name, whether it is final, a description and labels per language."""

    name: str
    final: bool = False
    description: str = ""
    labels: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class TransitionDocument:
    """From any of ``sources`` to ``target`` (none: the state stays)."""

    sources: tuple[str, ...]
    target: str | None = None


@attrs.frozen
class EventDocument:
    """An event: transitions, the payload class, guards and effect by name."""

    name: str
    transitions: tuple[TransitionDocument, ...]
    payload: str | None = None
    guards: tuple[GuardReference, ...] = ()
    effect: str | None = None
    description: str = ""


@attrs.frozen
class CreationDocument:
    """The creation: the payload class and the registered function that builds the data."""

    payload: str
    build: str
    name: str = "created"
    description: str = ""


@attrs.frozen
class ViolationDocument:
    """A violation type that the file's rules report."""

    code: str
    nl: str
    en: str
    description: str = ""


@attrs.frozen
class RepeatDocument:
    """A counted repeat (see :class:`~trajectory.engine.repeats.Repeat`); bounds are
    numbers or names of registered limits, violations are codes."""

    event: str
    maximum: Bound = None
    minimum: Bound = None
    required_by: tuple[str, ...] = ()
    within: str | None = None
    since: str | None = None
    maximum_violation: str | None = None
    minimum_violation: str | None = None
    description: str = ""


@attrs.frozen
class CycleDocument:
    """A cycle (see :class:`~trajectory.engine.repeats.Cycle`)."""

    name: str
    start: str
    maximum: Bound = None
    maximum_violation: str | None = None
    description: str = ""


@attrs.frozen
class RecurringDocument:
    """An event due every ``every_days`` while in ``states``."""

    event: str
    every_days: int
    states: tuple[str, ...]
    description: str = ""


@attrs.frozen
class DeadlineDocument:
    """An event due ``within_days`` after entering ``state``, or by a registered date."""

    event: str
    state: str
    within_days: int | None = None
    date: str | None = None
    description: str = ""


@attrs.frozen
class LifecycleDocument:
    """A lifecycle definition file (format version ``format``)."""

    name: str
    initial: str
    creation: CreationDocument
    states: tuple[StateDocument, ...]
    events: tuple[EventDocument, ...]
    format: int = FORMAT
    description: str = ""
    data_type: str | None = None
    describe: str | None = None
    person_fields: tuple[str, ...] = ()
    violations: tuple[ViolationDocument, ...] = ()
    repeats: tuple[RepeatDocument, ...] = ()
    cycles: tuple[CycleDocument, ...] = ()
    recurring: tuple[RecurringDocument, ...] = ()
    deadlines: tuple[DeadlineDocument, ...] = ()


_DOCUMENTS: Final = (
    StateDocument,
    TransitionDocument,
    EventDocument,
    CreationDocument,
    ViolationDocument,
    RepeatDocument,
    CycleDocument,
    RecurringDocument,
    DeadlineDocument,
    LifecycleDocument,
    GuardCall,
)


# -- reading the unions the format allows ------------------------------------------------


def _structure_reference(value: Any, _: type) -> GuardReference:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return definition_converter().structure(value, GuardCall)
    raise TypeError(f"expected a guard name or a table with name and args, got {describe(value)}")


def _structure_bound(value: Any, _: type) -> Bound:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number or the name of a limit, got {describe(value)}")
    return value


def _structure_argument(value: Any, _: type) -> Argument:
    if isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"expected a text, number or true/false, got {describe(value)}")


@functools.cache
def definition_converter() -> cattrs.Converter:
    """The converter of definition files: the engine's strict base with the unions
    the format allows, and documents written back without the values left at their
    default. Its own (no hook is registered on a shared one), made on first use."""
    from cattrs.gen import make_dict_unstructure_fn

    made = make_converter()
    made.register_structure_hook_func(lambda t: t == GuardReference, _structure_reference)
    made.register_structure_hook_func(lambda t: t == Bound, _structure_bound)
    made.register_structure_hook_func(lambda t: t == Argument, _structure_argument)
    for document in _DOCUMENTS:
        made.register_unstructure_hook(
            document, make_dict_unstructure_fn(document, made, _cattrs_omit_if_default=True)
        )
    return made


# -- loading -------------------------------------------------------------------------------


def _read(source: str | Path | Mapping[str, Any], format: str | None) -> tuple[Any, str]:
    if isinstance(source, Mapping):
        return source, "<data>"
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise DefinitionError(f"cannot read {source}: {err}", path="$") from err
        kind = format or source.suffix.lstrip(".").lower()
        name = str(source)
    elif isinstance(source, str):
        text, kind, name = source, format or "toml", "<text>"
    else:
        raise InvalidData("source", f"expected a Path, text or a mapping, got {describe(source)}")
    try:
        if kind == "toml":
            return read_toml(text, source=name), name
        if kind == "json":
            return read_json(text, source=name), name
    except InvalidData as err:  # no TOML or JSON, or nested too deep
        raise DefinitionError(err.reason, path=err.field) from err
    raise InvalidData("format", f"expected 'toml' or 'json', got {describe(kind)}")


def load_lifecycle(
    source: str | Path | Mapping[str, Any],
    registry: Registry,
    *,
    format: Literal["toml", "json"] | None = None,
    codec: Codec | None = None,
) -> Lifecycle[Any]:
    """Build the lifecycle that ``source`` defines, with the code ``registry`` names.

    ``source`` is a file (a :class:`~pathlib.Path`, TOML or JSON by its suffix),
    TOML or JSON text (``format``, default TOML), or the data already read.
    ``codec`` is how its documents are written and read: its programme's converter,
    migrations and schema types (default: a standard
    :class:`~trajectory.engine.serialization.Codec` of its own).
    Raises :class:`~trajectory.DefinitionError` with the ``path`` where it is wrong.
    """
    if codec is not None and not isinstance(codec, Codec):
        raise InvalidData("codec", f"expected a Codec, got {describe(codec)}")
    data, name = _read(source, format)
    try:
        document = structure(data, LifecycleDocument, source=name, converter=definition_converter())
    except InvalidData as err:
        raise DefinitionError(err.reason, path=err.field) from err
    return _Builder(document, registry, Codec() if codec is None else codec).build()


@contextlib.contextmanager
def _placed(path: str) -> Iterator[None]:
    """A :class:`DefinitionError` raised inside without a path is given ``path`` (the
    part of the file that made it); one that has a path goes on as it is."""
    try:
        yield
    except DefinitionError as err:
        if err.path is not None:
            raise
        raise DefinitionError(err.reason, path=path) from err


class _Builder:
    def __init__(self, document: LifecycleDocument, registry: Registry, codec: Codec) -> None:
        self.document = document
        self.registry = registry
        self.codec = codec
        self.states = {state.name for state in document.states}
        self.events = {event.name for event in document.events}
        self.violations = ViolationRegistry(wording=registry.violations.wording)
        self.violations.include(registry.violations)

    def state(self, name: str, path: str) -> None:
        if name not in self.states:
            known = ", ".join(sorted(self.states))
            raise DefinitionError(f"unknown state {name!r}; states: {known}", path=path)

    def event(self, name: str, path: str) -> None:
        if name not in self.events:
            known = ", ".join(sorted(self.events))
            raise DefinitionError(f"unknown event {name!r}; events: {known}", path=path)

    def violation(self, code: str | None, default: ViolationType, path: str) -> ViolationType:
        if code is None:
            return default
        found = RULE_VIOLATIONS.get(code) or self.violations.get(code)
        if found is None:
            raise DefinitionError(
                f"unknown violation code {code!r}; declare it under violations or register it",
                path=path,
            )
        return found

    def build(self) -> Lifecycle[Any]:
        document, registry = self.document, self.registry
        if document.format != FORMAT:
            raise DefinitionError(
                f"expected definition format {FORMAT}, got {document.format}", path="$.format"
            )
        for index, declared in enumerate(document.violations):
            try:
                self.violations.define(
                    declared.code, nl=declared.nl, en=declared.en, description=declared.description
                )
            except DefinitionError as err:
                raise DefinitionError(err.reason, path=f"$.violations[{index}].code") from err
        self.state(document.initial, "$.initial")
        states = [
            State(s.name, final=s.final, description=s.description, labels=s.labels)
            for s in document.states
        ]
        events = [self._event(index, event) for index, event in enumerate(document.events)]
        creation = document.creation
        made = Creation[Any](
            registry.payload_class(creation.payload, "$.creation.payload"),
            registry.creation(creation.build, "$.creation.build"),
            name=creation.name,
            description=creation.description,
        )
        with _placed("$"):
            return Lifecycle[Any](
                document.name,
                states=states,
                events=events,
                initial=document.initial,
                creation=made,
                violations=self.violations,
                data_type=None
                if document.data_type is None
                else registry.data_type(document.data_type, "$.data_type"),
                describe=None
                if document.describe is None
                else registry.describe(document.describe, "$.describe"),
                person_fields=document.person_fields,
                description=document.description,
                repeats=[self._repeat(i, r) for i, r in enumerate(document.repeats)],
                cycles=[self._cycle(i, c) for i, c in enumerate(document.cycles)],
                recurring=[self._recurring(i, r) for i, r in enumerate(document.recurring)],
                deadlines=[self._deadline(i, d) for i, d in enumerate(document.deadlines)],
                codec=self.codec,
            )

    def _event(self, index: int, event: EventDocument) -> EventDefinition[Any]:
        where = f"$.events[{index}]"
        for number, transition in enumerate(event.transitions):
            for source_index, source in enumerate(transition.sources):
                self.state(source, f"{where}.transitions[{number}].sources[{source_index}]")
            if transition.target is not None:
                self.state(transition.target, f"{where}.transitions[{number}].target")
        registry = self.registry
        return EventDefinition[Any](
            event.name,
            tuple(Transition(t.sources, t.target) for t in event.transitions),
            NoPayload
            if event.payload is None
            else registry.payload_class(event.payload, f"{where}.payload"),
            tuple(
                registry.resolve_guard(guard, f"{where}.guards[{number}]")
                for number, guard in enumerate(event.guards)
            ),
            None
            if event.effect is None
            else registry.resolve_effect(event.effect, f"{where}.effect"),
            event.description,
        )

    def _bound(self, value: Bound, path: str) -> Any:
        return None if value is None else self.registry.limit(value, path)

    def _repeat(self, index: int, repeat: RepeatDocument) -> Repeat:
        where = f"$.repeats[{index}]"
        self.event(repeat.event, f"{where}.event")
        for number, name in enumerate(repeat.required_by):
            self.event(name, f"{where}.required_by[{number}]")
        if repeat.since is not None:
            self.event(repeat.since, f"{where}.since")
        if repeat.within is not None:
            self.state(repeat.within, f"{where}.within")
        with _placed(where):
            return Repeat(
                repeat.event,
                maximum=self._bound(repeat.maximum, f"{where}.maximum"),
                minimum=self._bound(repeat.minimum, f"{where}.minimum"),
                required_by=repeat.required_by,
                within=repeat.within,
                since=repeat.since,
                maximum_violation=self.violation(
                    repeat.maximum_violation, REPEAT_MAXIMUM, f"{where}.maximum_violation"
                ),
                minimum_violation=self.violation(
                    repeat.minimum_violation, REPEAT_MINIMUM, f"{where}.minimum_violation"
                ),
                description=repeat.description,
            )

    def _cycle(self, index: int, cycle: CycleDocument) -> Cycle:
        where = f"$.cycles[{index}]"
        self.event(cycle.start, f"{where}.start")
        with _placed(where):
            return Cycle(
                cycle.name,
                cycle.start,
                maximum=self._bound(cycle.maximum, f"{where}.maximum"),
                maximum_violation=self.violation(
                    cycle.maximum_violation, CYCLE_MAXIMUM, f"{where}.maximum_violation"
                ),
                description=cycle.description,
            )

    def _recurring(self, index: int, recurring: RecurringDocument) -> Recurring:
        where = f"$.recurring[{index}]"
        self.event(recurring.event, f"{where}.event")
        for number, state in enumerate(recurring.states):
            self.state(state, f"{where}.states[{number}]")
        try:
            return Recurring(
                recurring.event,
                dt.timedelta(days=recurring.every_days),
                recurring.states,
                description=recurring.description,
            )
        except DefinitionError as err:
            raise DefinitionError(err.reason, path=f"{where}.every_days") from err

    def _deadline(self, index: int, deadline: DeadlineDocument) -> Deadline:
        where = f"$.deadlines[{index}]"
        self.event(deadline.event, f"{where}.event")
        self.state(deadline.state, f"{where}.state")
        with _placed(where):
            return Deadline(
                deadline.event,
                deadline.state,
                within=None
                if deadline.within_days is None
                else dt.timedelta(days=deadline.within_days),
                date=None
                if deadline.date is None
                else self.registry.date(deadline.date, f"{where}.date"),
                description=deadline.description,
            )


# -- writing back ---------------------------------------------------------------------------


def _days(value: dt.timedelta, what: str) -> int:
    if value % dt.timedelta(days=1):
        raise DefinitionError(f"{what}: {value} is not a whole number of days")
    return value.days


def document_of(lifecycle: Lifecycle[Any], registry: Registry) -> LifecycleDocument:
    """The definition document of ``lifecycle``, every piece of code named by
    ``registry``; :class:`~trajectory.DefinitionError` for code it does not know."""

    def named(kind: str, item: object, what: str) -> str:
        found = registry.name_of(kind, item, what)
        if not isinstance(found, str):  # only guards have factories
            raise DefinitionError(f"{what}: {item!r} is not a registered {kind}")
        return found

    def bound(value: Any, what: str) -> Bound:
        return value if value is None or isinstance(value, int) else named("limit", value, what)

    def code(violation: ViolationType, default: ViolationType) -> str | None:
        return None if violation is default else violation.code

    own = [
        declared
        for declared in lifecycle.violations.values()
        if declared.code not in ENGINE_VIOLATIONS
        and declared.code not in RULE_VIOLATIONS
        and declared.code not in registry.violations
    ]
    creation = lifecycle.creation
    return LifecycleDocument(
        name=lifecycle.name,
        initial=lifecycle.initial,
        description=lifecycle.description,
        data_type=None
        if lifecycle.data_type is None
        else named("data_type", lifecycle.data_type, "the data type"),
        describe=None
        if lifecycle.describe is None
        else named("describe", lifecycle.describe, "describe"),
        person_fields=tuple(sorted(lifecycle.person_fields)),
        creation=CreationDocument(
            payload=named("payload", creation.payload, "the creation's payload"),
            build=named("creation", creation.build, "the creation"),
            name=creation.name,
            description=creation.description,
        ),
        states=tuple(
            StateDocument(s.name, s.final, s.description, dict(s.labels))
            for s in lifecycle.states.values()
        ),
        events=tuple(
            EventDocument(
                name=e.name,
                transitions=tuple(TransitionDocument(t.sources, t.target) for t in e.transitions),
                payload=None
                if e.payload is NoPayload
                else named("payload", e.payload, f"the payload of {e.name!r}"),
                guards=tuple(
                    registry.name_of("guard", guard, f"a guard of {e.name!r}") for guard in e.guards
                ),
                effect=None
                if e.effect is None
                else named("effect", e.effect, f"the effect of {e.name!r}"),
                description=e.description,
            )
            for e in lifecycle.events.values()
        ),
        violations=tuple(ViolationDocument(v.code, v.nl, v.en, v.description) for v in own),
        repeats=tuple(
            RepeatDocument(
                event=r.event,
                maximum=bound(r.maximum, f"the maximum of the repeat of {r.event!r}"),
                minimum=bound(r.minimum, f"the minimum of the repeat of {r.event!r}"),
                required_by=r.required_by,
                within=r.within,
                since=r.since,
                maximum_violation=code(r.maximum_violation, REPEAT_MAXIMUM),
                minimum_violation=code(r.minimum_violation, REPEAT_MINIMUM),
                description=r.description,
            )
            for r in lifecycle.repeats
        ),
        cycles=tuple(
            CycleDocument(
                name=c.name,
                start=c.start,
                maximum=bound(c.maximum, f"the maximum of the cycle {c.name!r}"),
                maximum_violation=code(c.maximum_violation, CYCLE_MAXIMUM),
                description=c.description,
            )
            for c in lifecycle.cycles.values()
        ),
        recurring=tuple(
            RecurringDocument(
                r.event, _days(r.every, f"the recurring {r.event!r}"), r.states, r.description
            )
            for r in lifecycle.recurring
        ),
        deadlines=tuple(
            DeadlineDocument(
                event=d.event,
                state=d.state,
                within_days=None
                if d.within is None
                else _days(d.within, f"the deadline of {d.event!r}"),
                date=None if d.date is None else named("date", d.date, f"the date of {d.event!r}"),
                description=d.description,
            )
            for d in lifecycle.deadlines
        ),
    )


def dump_lifecycle(lifecycle: Lifecycle[Any], registry: Registry) -> dict[str, Any]:
    """``lifecycle`` as definition data (JSON-ready; values at their default left
    out), which :func:`load_lifecycle` with the same registry builds back."""
    unstructured: dict[str, Any] = definition_converter().unstructure(
        document_of(lifecycle, registry)
    )
    return unstructured


def shipped_definition_schema() -> str:
    """The text of the shipped ``lifecycle-definition.schema.json``."""
    from importlib import resources

    resource = resources.files("trajectory.engine.schemas") / SCHEMA_FILE
    return resource.read_text(encoding="utf-8")


def definition_schema() -> dict[str, Any]:
    """The JSON Schema of a lifecycle definition file."""
    import msgspec

    (ref,), components = msgspec.json.schema_components(
        [LifecycleDocument], ref_template="#/$defs/{name}"
    )
    components = {
        name: {**own_description(component), "additionalProperties": False}
        for name, component in components.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:trajectory:lifecycle-definition:{FORMAT}",
        "title": "trajectory lifecycle definition",
        **ref,
        "$defs": components,
    }
