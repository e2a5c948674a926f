"""Immutable records: copies with some fields changed, and sequences that grow cheaply.

:func:`evolver` makes, once per attrs class, a function that does what
:func:`attrs.evolve` does with the field list worked out beforehand: the record's
values are read in one call and the copy is built by the class's own ``__init__``
(validators and converters run), so it is about twice as fast as ``attrs.evolve`` on
a record of twenty fields. Nothing is generated as source and nothing skips
``__init__``.

>>> import attrs
>>> @attrs.frozen
... class Point:
...     x: int
...     y: int = 0
>>> evolve = evolver(Point)
>>> evolve(Point(1, 2), y=5)
Point(x=1, y=5)

:class:`Entries` is an immutable sequence that grows at its end in constant time:
each version shares what it holds with the one it grew from (a persistent map of
full chunks, :class:`immutables.Map`, and a short tail), and none is ever changed.
A record that collects entries as events arrive (hours, moments, participants)
holds one, so that recording the ten-thousandth entry costs what the first did.
It reads as any sequence, and equals the tuple of the same entries:

>>> first = Entries(["a", "b"])
>>> second = first.appended("c")
>>> (list(first), list(second), second[-1], second == ("a", "b", "c"))
(['a', 'b'], ['a', 'b', 'c'], 'c', True)
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, NoReturn, TypeVar, overload

import attrs
import immutables

from trajectory.engine.errors import wrong_type

__all__ = ["Entries", "appended", "evolver", "slot_setter"]

R = TypeVar("R")
T = TypeVar("T")

_compiled: dict[type, Callable[..., Any]] = {}


def evolver(cls: type[R]) -> Callable[..., R]:
    """A function ``evolve(instance, **changes)`` for the attrs class ``cls``.

    It behaves like :func:`attrs.evolve` for that class: unchanged fields are
    copied, and the copy is built by ``__init__`` (validators and converters run;
    fields that ``__init__`` does not take start again at their defaults). An
    unknown field name raises ``TypeError``, as in ``attrs.evolve``; ``cls`` that
    is not an attrs class raises :class:`~trajectory.InvalidData`.
    """
    known = _compiled.get(cls)
    if known is not None:
        return known
    if not isinstance(cls, type) or not attrs.has(cls):
        raise wrong_type("cls", "an attrs class", cls)
    evolve = _init_caller(cls)
    evolve.__doc__ = f"A copy of a {cls.__qualname__} with the given fields changed."
    _compiled[cls] = evolve
    return evolve


def _init_caller(cls: Any) -> Callable[..., Any]:
    # The values of every field __init__ takes, read in one call (attrgetter), the
    # changes put in their places, and __init__ called with them: positional
    # fields by position, keyword-only ones by their alias.
    fields = [field for field in attrs.fields(cls) if field.init]
    positional = [field for field in fields if not field.kw_only]
    keywords = tuple(field.alias for field in fields if field.kw_only)
    ordered = positional + [field for field in fields if field.kw_only]
    place = {field.alias: index for index, field in enumerate(ordered)}
    count = len(positional)
    names = [field.name for field in ordered]
    read: Callable[[Any], tuple[Any, ...]]
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        read = lambda instance: (single(instance),)  # noqa: E731 - one field
    elif names:
        read = operator.attrgetter(*names)
    else:
        read = lambda instance: ()  # noqa: E731 - no field
    qualname = cls.__qualname__

    def evolve(self: Any, /, **changes: Any) -> Any:
        values = list(read(self))
        for alias, value in changes.items():
            index = place.get(alias)
            if index is None:
                raise TypeError(
                    f"{qualname}.__init__() got an unexpected keyword argument {alias!r}"
                )
            values[index] = value
        if keywords:
            return cls(*values[:count], **dict(zip(keywords, values[count:], strict=True)))
        return cls(*values)

    return evolve


#: How many entries one chunk of an :class:`Entries` holds.
_CHUNK: Final = 32
_NO_CHUNKS: Final[immutables.Map[int, tuple[Any, ...]]] = immutables.Map()


class Entries(Sequence[T]):
    """An immutable sequence that grows at its end in constant time.

    Full chunks of 32 entries are kept in a persistent map by their number, the
    entries after them in a tuple (the tail); :meth:`appended` returns a new
    sequence that shares every chunk with this one. Reading an entry by position
    is a lookup in the map; iterating is as fast as over the chunks' tuples. Equal
    to another ``Entries`` or a tuple with the same entries (and hashed as that
    tuple); a slice is a tuple.
    """

    __slots__ = ("_chunks", "_size", "_tail")

    _chunks: immutables.Map[int, tuple[T, ...]]
    _tail: tuple[T, ...]
    _size: int

    def __init__(self, items: Iterable[T] = ()) -> None:
        entries = tuple(items)
        full = len(entries) - len(entries) % _CHUNK
        chunks = immutables.Map(
            {start // _CHUNK: entries[start : start + _CHUNK] for start in range(0, full, _CHUNK)}
        )
        self._set(chunks, entries[full:], len(entries))

    def _set(
        self, chunks: immutables.Map[int, tuple[T, ...]], tail: tuple[T, ...], size: int
    ) -> None:
        # Only while the sequence is being made: it is never changed afterwards.
        _set_chunks(self, chunks)
        _set_tail(self, tail)
        _set_size(self, size)

    def _grown(self, item: T) -> tuple[immutables.Map[int, tuple[T, ...]], tuple[T, ...], int]:
        """The parts of this sequence with ``item`` added at its end."""
        tail = (*self._tail, item)
        if len(tail) == _CHUNK:
            return self._chunks.set(self._size // _CHUNK, tail), (), self._size + 1
        return self._chunks, tail, self._size + 1

    def appended(self, item: T) -> Entries[T]:
        """A new sequence: these entries and ``item`` after them (this one is unchanged)."""
        grown: Entries[T] = Entries.__new__(Entries)
        grown._set(*self._grown(item))
        return grown

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        position = operator.index(index)
        size = self._size
        if position < 0:
            position += size
        if not 0 <= position < size:
            raise IndexError("Entries index out of range")
        full = size - len(self._tail)
        if position >= full:
            return self._tail[position - full]
        return self._chunks[position // _CHUNK][position % _CHUNK]

    def __iter__(self) -> Iterator[T]:
        chunks = map(self._chunks.__getitem__, range(self._size // _CHUNK))
        return itertools.chain(itertools.chain.from_iterable(chunks), self._tail)

    def __reversed__(self) -> Iterator[T]:
        chunks = map(self._chunks.__getitem__, range(self._size // _CHUNK - 1, -1, -1))
        return itertools.chain(
            reversed(self._tail), itertools.chain.from_iterable(map(reversed, chunks))
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entries):
            if self._size != other._size:
                return False
            if self._chunks is other._chunks and self._tail is other._tail:
                return True
            return tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return self._size == len(other) and tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (tuple(self),))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")


def slot_setter(cls: type, name: str) -> Any:
    """The setter of the slot ``name`` of ``cls``: how a class that refuses
    ``setattr`` (as :class:`Entries`) fills its slots while an instance is made."""
    return cls.__dict__[name].__set__


_set_chunks: Final = slot_setter(Entries, "_chunks")
_set_tail: Final = slot_setter(Entries, "_tail")
_set_size: Final = slot_setter(Entries, "_size")


def appended(items: Sequence[T], item: T) -> Entries[T]:
    """``items`` with ``item`` after them, as :class:`Entries` (in constant time
    when ``items`` already is one)."""
    entries = items if isinstance(items, Entries) else Entries(items)
    return entries.appended(item)
