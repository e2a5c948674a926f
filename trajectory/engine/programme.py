"""A programme: the lifecycles of one scheme with everything they are built from.

A :class:`Programme` is the composition root's product (as cosmicpython's
``bootstrap.py``): one function builds it, and stores, the simulator, the command
line and a service receive it. It holds

- its lifecycles by name (:attr:`Programme.lifecycles`, :meth:`Programme.lifecycle`),
- the :class:`~trajectory.engine.registry.Registry` of the code they name,
- its own :class:`~trajectory.engine.serialization.Codec`: the cattrs converter its
  hooks are registered on (never a shared one), the
  :class:`~trajectory.engine.serialization.Migrations` of its older documents and
  the JSON Schema types of its documents.

Nothing here is built at import time. A programme iterates over its lifecycles, so
it can be given where lifecycles are asked for (``open_store(url, lifecycles=programme)``):

>>> import attrs
>>> from trajectory.engine.registry import Registry
>>> registry = Registry()
>>> @attrs.frozen
... class Board:
...     school: str
>>> registry.register_creation("board", lambda payload, context: payload)
>>> registry.register_payload(Board)
>>> boards = Programme.load("boards", ['''
... name = "board"
... initial = "open"
... creation = { payload = "Board", build = "board" }
... states = [{ name = "open" }, { name = "closed", final = true }]
... [[events]]
... name = "close"
... transitions = [{ sources = ["open"], target = "closed" }]
... '''], registry)
>>> boards
<Programme 'boards': board>
>>> boards.lifecycle("board").codec is boards.codec
True
>>> [lifecycle.name for lifecycle in boards]
['board']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe
from trajectory.engine.registry import Registry
from trajectory.engine.serialization import Codec, Migrations

if TYPE_CHECKING:
    import cattrs

__all__ = ["Programme"]


class Programme:
    """The lifecycles of one programme, its registry and its codec (converter,
    migrations, schema types).

    Every lifecycle must carry the programme's codec (load it with
    ``load_lifecycle(..., codec=programme_codec)``, or use :meth:`load`), so that its
    documents are read with the programme's converter and migrations.
    """

    def __init__(
        self,
        name: str,
        lifecycles: Iterable[Lifecycle[Any]],
        *,
        registry: Registry,
        codec: Codec,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise InvalidData("name", f"expected a programme's name, got {describe(name)}")
        if not isinstance(registry, Registry):
            raise InvalidData("registry", f"expected a Registry, got {describe(registry)}")
        if not isinstance(codec, Codec):
            raise InvalidData("codec", f"expected a Codec, got {describe(codec)}")
        given: object = lifecycles
        if isinstance(given, str | bytes) or not isinstance(given, Iterable):
            raise InvalidData("lifecycles", f"expected lifecycles, got {describe(given)}")
        found: dict[str, Lifecycle[Any]] = {}
        for index, lifecycle in enumerate(given):
            if not isinstance(lifecycle, Lifecycle):
                raise InvalidData(
                    f"lifecycles[{index}]", f"expected a Lifecycle, got {describe(lifecycle)}"
                )
            if lifecycle.name in found:
                raise InvalidData(
                    f"lifecycles[{index}]", f"a second lifecycle named {lifecycle.name!r}"
                )
            if lifecycle.codec is not codec:
                raise InvalidData(
                    f"lifecycles[{index}]",
                    f"the lifecycle {lifecycle.name!r} does not carry the programme's codec: "
                    "load it with load_lifecycle(..., codec=codec)",
                )
            found[lifecycle.name] = lifecycle
        if not found:
            raise InvalidData("lifecycles", "a programme needs at least one lifecycle")
        self.name = name
        #: The programme's lifecycles, by name, in the order given.
        self.lifecycles: Mapping[str, Lifecycle[Any]] = MappingProxyType(found)
        #: The code the lifecycles' definitions name.
        self.registry = registry
        #: How the lifecycles' documents are written and read.
        self.codec = codec

    @classmethod
    def load(
        cls,
        name: str,
        definitions: Iterable[str | Path | Mapping[str, Any]],
        registry: Registry,
        *,
        codec: Codec | None = None,
    ) -> Programme:
        """A programme of the lifecycles ``definitions`` define (each as
        :func:`~trajectory.engine.loader.load_lifecycle` reads it), with the code
        ``registry`` names and ``codec`` (default: a new standard one)."""
        from trajectory.engine.loader import load_lifecycle

        chosen = Codec() if codec is None else codec
        if isinstance(definitions, str | bytes | Mapping) or not isinstance(definitions, Iterable):
            raise InvalidData(
                "definitions", f"expected a list of definitions, got {describe(definitions)}"
            )
        lifecycles = [load_lifecycle(source, registry, codec=chosen) for source in definitions]
        return cls(name, lifecycles, registry=registry, codec=chosen)

    @property
    def converter(self) -> cattrs.Converter:
        """The programme's own cattrs converter (its hooks are registered on it)."""
        return self.codec.converter

    @property
    def migrations(self) -> Migrations:
        """The migrations of the programme's older documents."""
        return self.codec.migrations

    @property
    def schema_types(self) -> Mapping[str, Mapping[str, Any]]:
        """The JSON Schema of the types whose JSON form is not their attrs form."""
        return MappingProxyType(self.codec.schema_types)

    def lifecycle(self, name: str | None = None) -> Lifecycle[Any]:
        """The lifecycle named ``name`` (without a name: the only, or first, one);
        :class:`~trajectory.InvalidData` naming the known ones otherwise."""
        if name is None:
            return next(iter(self.lifecycles.values()))
        found = self.lifecycles.get(name) if isinstance(name, str) else None
        if found is None:
            known = ", ".join(self.lifecycles)
            raise InvalidData(
                "lifecycle", f"unknown lifecycle {describe(name)} in {self.name!r}; known: {known}"
            )
        return found

    def __iter__(self) -> Iterator[Lifecycle[Any]]:
        return iter(self.lifecycles.values())

    def __len__(self) -> int:
        return len(self.lifecycles)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}: {', '.join(self.lifecycles)}>"
