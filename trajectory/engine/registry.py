"""Names for the code a lifecycle definition file refers to.

A definition file (see :mod:`trajectory.engine.loader`) holds states, events and
rules as data; the guards, effects, payload classes, the creation and the limits
read from the data are code, registered here under the names the file uses::

    >>> import attrs
    >>> registry = Registry()
    >>> @registry.payload()
    ... @attrs.frozen
    ... class Visit:
    ...     host: str
    >>> @registry.guard("host_named")
    ... def host_named(data, payload, context):
    ...     return []
    >>> registry.resolve_guard("host_named", "$.events[0].guards[0]") is host_named
    True
    >>> registry.payload_class("Visit", "$.events[0].payload") is Visit
    True

An event's walker hint (a *preparation*: what a walker does before it fires the
event, and the payload it fires it with) is registered beside it, under the event's
name; the walkers and the simulator read it from the registry::

    >>> @registry.preparation("record_visit")
    ... def visit_today(walker):
    ...     return {"host": "OBS De Linde"}
    >>> registry.preparation_for("record_visit") is visit_today
    True
    >>> registry.preparation_for("settle") is None
    True

An unknown name raises :class:`~trajectory.DefinitionError` naming where in the file
it was used. Parametrised guards are registered as factories and referred to with
their arguments (``{name = "not_in_future", args = ["date"]}``); each combination is
made once, so a loaded lifecycle can be written back to data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs

from trajectory.engine.definition import Effect, Guard
from trajectory.engine.errors import DefinitionError
from trajectory.engine.fields import describe as _shown
from trajectory.engine.repeats import Limit
from trajectory.engine.schedule import DateOf
from trajectory.engine.violations import ViolationRegistry, ViolationType

__all__ = ["GuardCall", "Preparation", "Registry"]

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)
W = TypeVar("W")

#: A walker hint: given the walker (of the programme's own kind), it does what the
#: event needs first and returns the payload to fire the event with.
Preparation = Callable[[W], Mapping[str, Any]]

#: A value a guard factory may be given in a definition file.
Argument = str | int | float | bool


@attrs.frozen
class GuardCall:
    """A parametrised guard in a definition file: a factory's name and its arguments."""

    name: str
    args: tuple[Argument, ...] = ()


_KINDS: Final = {
    "guard": "guard",
    "factory": "guard factory",
    "effect": "effect",
    "payload": "payload class",
    "creation": "creation",
    "limit": "limit",
    "date": "date",
    "data_type": "data type",
    "describe": "describe function",
    "preparation": "preparation",
}


class Registry:
    """The guards, effects, payload classes, creations, limits and dates a definition
    file may name, the violation types its guards report, and the walker hints
    (preparations) of its events."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {kind: {} for kind in _KINDS}
        self._names: dict[str, dict[int, str | GuardCall]] = {kind: {} for kind in _KINDS}
        self._made: dict[tuple[str, tuple[Argument, ...]], Guard[Any]] = {}
        #: The violation types the registered guards report, by code.
        self.violations = ViolationRegistry()

    # -- registering ----------------------------------------------------------------

    def _add(self, kind: str, name: str, item: Any) -> None:
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"a {_KINDS[kind]} needs a non-empty name, got {_shown(name)}")
        if name in self._items[kind]:
            raise DefinitionError(f"the {_KINDS[kind]} {name!r} is registered twice")
        self._items[kind][name] = item
        self._names[kind].setdefault(id(item), name)

    def _decorator(self, kind: str, name: str | None) -> Callable[[F], F]:
        def register(item: F) -> F:
            self._add(kind, item.__name__ if name is None else name, item)
            return item

        return register

    def register_guard(self, name: str, guard: Guard[Any]) -> None:
        """Register ``guard`` under ``name``."""
        self._add("guard", name, guard)

    def guard(self, name: str | None = None) -> Callable[[F], F]:
        """Decorator: register a guard under ``name`` (default: its function name)."""
        return self._decorator("guard", name)

    def register_guard_factory(self, name: str, factory: Callable[..., Guard[Any]]) -> None:
        """Register a function that makes a guard from the arguments in the file."""
        self._add("factory", name, factory)

    def register_effect(self, name: str, effect: Effect[Any]) -> None:
        """Register ``effect`` under ``name``."""
        self._add("effect", name, effect)

    def effect(self, name: str | None = None) -> Callable[[F], F]:
        """Decorator: register an effect under ``name`` (default: its function name)."""
        return self._decorator("effect", name)

    def register_payload(self, cls: type, name: str | None = None) -> None:
        """Register a payload class (an attrs class) under ``name`` (default: its name)."""
        if not attrs.has(cls):
            raise DefinitionError(f"the payload class {_shown(cls)} is not an attrs class")
        self._add("payload", cls.__name__ if name is None else name, cls)

    def payload(self, name: str | None = None) -> Callable[[C], C]:
        """Class decorator: register a payload class (default: under its class name)."""

        def register(cls: C) -> C:
            self.register_payload(cls, name)
            return cls

        return register

    def register_creation(self, name: str, build: Callable[[Any, Any], Any]) -> None:
        """Register how a trajectory's data is built from its creation payload."""
        self._add("creation", name, build)

    def register_limit(self, name: str, limit: Callable[[Any], int]) -> None:
        """Register a function of the data that gives a repeat's or cycle's bound."""
        self._add("limit", name, limit)

    def register_date(self, name: str, date: DateOf) -> None:
        """Register a function of the data that gives a deadline's date (or ``None``)."""
        self._add("date", name, date)

    def register_data_type(self, cls: type, name: str | None = None) -> None:
        """Register the class of the trajectories' data (default: under its name)."""
        self._add("data_type", cls.__name__ if name is None else name, cls)

    def register_describe(self, name: str, describe: Callable[[Any], Mapping[str, Any]]) -> None:
        """Register what a store may list the trajectories by."""
        self._add("describe", name, describe)

    def register_violations(self, violations: Mapping[str, ViolationType]) -> None:
        """Add violation types the registered guards report; a registry of them with a
        wording (labels, a time zone) gives it to the lifecycle too, unless one was
        given before."""
        self.violations.include(violations)
        wording = getattr(violations, "wording", None)
        if isinstance(violations, ViolationRegistry) and self.violations.wording is None:
            self.violations.wording = wording

    def register_preparation(self, event: str, preparation: Preparation[W]) -> None:
        """Register the walker hint of ``event`` (an event's name): what a walker does
        before it fires the event, and the payload it fires it with. An event without
        one is fired with a payload derived from its payload class."""
        if not callable(preparation):
            raise DefinitionError(
                f"the preparation of {_shown(event)} is not callable: {_shown(preparation)}"
            )
        self._add("preparation", event, preparation)

    def preparation(self, event: str) -> Callable[[F], F]:
        """Decorator: register a function as the walker hint of ``event``."""
        return self._decorator("preparation", event)

    # -- resolving ------------------------------------------------------------------

    def _get(self, kind: str, name: object, path: str) -> Any:
        found = self._items[kind].get(name) if isinstance(name, str) else None
        if found is None:
            known = ", ".join(sorted(self._items[kind])) or "none"
            raise DefinitionError(
                f"unknown {_KINDS[kind]} {_shown(name)}; registered: {known}", path=path
            )
        return found

    def resolve_guard(self, reference: str | GuardCall, path: str) -> Guard[Any]:
        """The guard a file names: a registered guard, or a factory's guard."""
        if not isinstance(reference, GuardCall):
            found: Guard[Any] = self._get("guard", reference, path)
            return found
        factory = self._get("factory", reference.name, path)
        key = (reference.name, reference.args)
        made = self._made.get(key)
        if made is None:
            try:
                made = factory(*reference.args)
            except (TypeError, ValueError) as err:
                raise DefinitionError(
                    f"the guard factory {reference.name!r} does not take "
                    f"{_shown(reference.args)}: {err}",
                    path=path,
                ) from err
            self._made[key] = made
            self._names["guard"].setdefault(id(made), reference)
        return made

    def resolve_effect(self, name: str, path: str) -> Effect[Any]:
        """The effect registered under ``name``."""
        found: Effect[Any] = self._get("effect", name, path)
        return found

    def payload_class(self, name: str, path: str) -> type:
        """The payload class registered under ``name``."""
        found: type = self._get("payload", name, path)
        return found

    def creation(self, name: str, path: str) -> Callable[[Any, Any], Any]:
        """The creation (data builder) registered under ``name``."""
        found: Callable[[Any, Any], Any] = self._get("creation", name, path)
        return found

    def limit(self, value: int | str, path: str) -> Limit:
        """A fixed bound, or the limit function registered under ``value``."""
        if isinstance(value, int):
            return value
        found: Limit = self._get("limit", value, path)
        return found

    def date(self, name: str, path: str) -> DateOf:
        """The date function registered under ``name``."""
        found: DateOf = self._get("date", name, path)
        return found

    def data_type(self, name: str, path: str) -> type:
        """The data class registered under ``name``."""
        found: type = self._get("data_type", name, path)
        return found

    def describe(self, name: str, path: str) -> Callable[[Any], Mapping[str, Any]]:
        """The describe function registered under ``name``."""
        found: Callable[[Any], Mapping[str, Any]] = self._get("describe", name, path)
        return found

    def preparation_for(self, event: str) -> Preparation[Any] | None:
        """The walker hint registered for ``event``, or ``None`` (the event is then
        fired with a payload derived from its payload class)."""
        name: object = event
        found: Preparation[Any] | None = (
            self._items["preparation"].get(name) if isinstance(name, str) else None
        )
        return found

    @property
    def preparations(self) -> Mapping[str, Preparation[Any]]:
        """The walker hints by event name (a read-only view)."""
        return MappingProxyType(self._items["preparation"])

    # -- naming (writing a lifecycle back to data) ------------------------------------

    def name_of(self, kind: str, item: object, what: str) -> str | GuardCall:
        """The name ``item`` is registered under as a ``kind`` (``"guard"``,
        ``"effect"``, ``"payload"``, ``"creation"``, ``"limit"``, ``"date"``,
        ``"data_type"``, ``"describe"``); :class:`DefinitionError` naming ``what``
        if it is not registered."""
        names = self._names.get(kind) if isinstance(kind, str) else None
        if names is None:
            known = ", ".join(_KINDS)
            raise DefinitionError(f"unknown kind {_shown(kind)}; expected one of: {known}")
        found = names.get(id(item))
        if found is None:
            raise DefinitionError(f"{what}: {_shown(item)} is not a registered {_KINDS[kind]}")
        return found
