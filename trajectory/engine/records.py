"""Fast copies of immutable attrs records with some fields changed.

``attrs.evolve`` looks the fields up again on every call; effects run on every
fire, so :func:`evolver` generates, once per class, a function that does the same
with the field list compiled in (about 2.5× faster on a 22-field record). A record
without slots and without validators or converters is copied as its dictionary,
which skips ``__init__`` altogether (several times faster again).

>>> import attrs
>>> @attrs.frozen
... class Point:
...     x: int
...     y: int = 0
>>> evolve = evolver(Point)
>>> evolve(Point(1, 2), y=5)
Point(x=1, y=5)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from trajectory.engine.errors import wrong_type

__all__ = ["evolver"]

R = TypeVar("R")


_compiled: dict[type, Callable[..., Any]] = {}


def evolver(cls: type[R]) -> Callable[..., R]:
    """A function ``evolve(instance, **changes)`` for the attrs class ``cls``.

    It behaves like :func:`attrs.evolve` for that class: unchanged fields are
    copied, changed ones go through ``__init__`` (validators and converters run), and
    fields that ``__init__`` does not take start again at their defaults. A class
    with no slots and nothing for ``__init__`` to run is copied as its dictionary.
    An unknown field name raises ``TypeError``, as in ``attrs.evolve``; ``cls`` that
    is not an attrs class raises :class:`~trajectory.InvalidData`.
    """
    known = _compiled.get(cls)
    if known is not None:
        return known
    if not isinstance(cls, type) or not attrs.has(cls):
        raise wrong_type("cls", "an attrs class", cls)
    target: Any = cls
    evolve = _dict_copier(target) if _copies_dict(target) else _init_caller(target)
    evolve.__doc__ = f"A copy of a {cls.__qualname__} with the given fields changed."
    _compiled[cls] = evolve
    return evolve


def _copies_dict(cls: Any) -> bool:
    """Whether a copy may skip ``__init__``: no slots, and nothing that ``__init__``
    would run on a changed value (validators, converters, a post-init hook)."""
    return (
        "__slots__" not in cls.__dict__
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and all(
            field.validator is None
            and field.converter is None
            and (field.init or not isinstance(field.default, attrs.Factory))  # type: ignore[arg-type]
            for field in attrs.fields(cls)
        )
    )


def _dict_copier(cls: Any) -> Callable[..., Any]:
    # A copy of the instance dictionary, the changes on top, the fields that
    # __init__ does not take back at their defaults: as __init__ would build it.
    names = frozenset(field.alias for field in attrs.fields(cls) if field.init)
    aliases = {field.alias: field.name for field in attrs.fields(cls) if field.init}
    renamed = {alias: name for alias, name in aliases.items() if alias != name}
    resets = {field.name: field.default for field in attrs.fields(cls) if not field.init}
    new, set_dict = object.__new__, object.__setattr__

    def evolve(self: Any, /, **changes: Any) -> Any:
        if not names.issuperset(changes):
            unknown = sorted(set(changes) - names)[0]
            raise TypeError(
                f"{cls.__qualname__}.__init__() got an unexpected keyword argument {unknown!r}"
            )
        values = self.__dict__.copy()
        if renamed:
            changes = {renamed.get(key, key): value for key, value in changes.items()}
        values.update(changes)
        if resets:
            values.update(resets)
        copy = new(cls)
        set_dict(copy, "__dict__", values)
        return copy

    return evolve


def _init_caller(cls: Any) -> Callable[..., Any]:
    target = cls
    fields = [field for field in attrs.fields(target) if field.init]
    missing = object()
    parameters = ", ".join(f"{field.alias}=_missing" for field in fields)
    positional = [
        f"self.{field.name} if {field.alias} is _missing else {field.alias}"
        for field in fields
        if not field.kw_only
    ]
    keywords = [
        f"{field.alias}=self.{field.name} if {field.alias} is _missing else {field.alias}"
        for field in fields
        if field.kw_only
    ]
    source = (
        f"def evolve(self, *, {parameters}):\n"
        f"    return _cls({', '.join([*positional, *keywords])})\n"
    )
    namespace: dict[str, Any] = {"_missing": missing, "_cls": cls}
    exec(compile(source, f"<evolver {cls.__qualname__}>", "exec"), namespace)
    evolve: Callable[..., Any] = namespace["evolve"]
    return evolve
