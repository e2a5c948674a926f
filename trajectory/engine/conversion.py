"""The library's own cattrs converter (never cattrs' global one) and safe structuring.

Errors are reported with the path where the data is wrong, such as
``$.application_windows[1].closes``, in an :class:`InvalidData`.

Structuring is strict, as JSON and TOML data are typed: a text field takes only a
string (``null`` is not ``"None"``), a list field only an array (``"Ab"`` is not
``["A", "b"]``), a whole number only an integer (not ``true``), a date ISO text,
a mapping only an object. Data nested deeper than :data:`MAX_DEPTH` is refused
before it is structured, and :func:`read_json` and :func:`load_toml` refuse it while
parsing. Only text typed on a command line is read leniently, by
:func:`trajectory.engine.serialization.parse_payload`, which makes it data first.

A field typed ``Mapping[K, V]`` (read-only) is structured into an immutable
``frozendict``; one typed ``dict[K, V]`` into a ``dict``.

Nothing is registered on a shared converter: :func:`make_converter` builds the strict
base converter, and each programme builds its own from it (see
:class:`~trajectory.engine.programme.Programme`) and registers its hooks there. The
module's :data:`converter` is the engine's base converter, made on first use; cattrs
is imported only then.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Mapping, MutableSequence
from collections.abc import Set as AbstractSet
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, get_origin

from trajectory.engine.errors import InvalidData, TrajectoryError
from trajectory.engine.fields import describe

if TYPE_CHECKING:
    import cattrs

    #: The engine's base converter (see :func:`base_converter`), made on first use.
    converter: cattrs.Converter

__all__ = [
    "MAX_DEPTH",
    "base_converter",
    "check_depth",
    "converter",
    "load_toml",
    "make_converter",
    "no_constant",
    "no_duplicates",
    "read_json",
    "read_toml",
    "read_toml_source",
    "structure",
]

T = TypeVar("T")

#: The deepest nesting of arrays and objects (tables) that JSON or TOML input may have:
#: far more than any document of the library needs, far less than Python's recursion
#: limit.
MAX_DEPTH: Final = 32


def check_depth(data: object, *, path: str = "$", limit: int = MAX_DEPTH) -> None:
    """Raise :class:`InvalidData` if ``data`` nests lists, tuples or mappings more
    than ``limit`` levels deep (a scalar is level 0); without recursion, so any depth
    is measured safely."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth >= limit:
            raise InvalidData(
                _deepest_path(data, path, limit), f"nested more than {limit} levels deep"
            )
        stack.extend((child, depth + 1) for child in children)


def _deepest_path(data: object, path: str, limit: int) -> str:
    """The path of the first container found at ``limit`` levels deep."""
    stack: list[tuple[object, int, str]] = [(data, 0, path)]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, Mapping):
            children = [(item, f"{where}.{key}") for key, item in value.items()]
        elif isinstance(value, list | tuple):
            children = [(item, f"{where}[{index}]") for index, item in enumerate(value)]
        else:
            continue
        if depth >= limit:
            return where
        stack.extend((child, depth + 1, at) for child, at in reversed(children))
    return path


def no_constant(name: str) -> Any:
    """For ``json.loads(parse_constant=...)``: ``NaN`` and ``Infinity`` are no JSON."""
    raise ValueError(f"{name} is no JSON number")


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """For ``json.loads(object_pairs_hook=...)``: an object names each key once."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} appears twice")
        document[key] = value
    return document


def read_json(text: str | bytes, *, source: str | None = None) -> Any:
    """Parse JSON text (numbers with a fraction as :class:`~decimal.Decimal`), refusing
    what is no JSON (``NaN``, a key twice in one object), integers of more digits than
    Python converts, and nesting deeper than :data:`MAX_DEPTH`, with
    :class:`InvalidData` at ``$``.

    >>> read_json('{"hours": 7.5}')
    {'hours': Decimal('7.5')}
    >>> read_json('{"hours": 7.5, "hours": 8}')
    Traceback (most recent call last):
    trajectory.InvalidData: $: not valid JSON: the key 'hours' appears twice
    """
    import json  # the parsers are imported on first use, as cattrs is

    suffix = "" if source is None else f" in {source}"
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_constant=no_constant, object_pairs_hook=no_duplicates
        )
    except RecursionError:
        raise InvalidData("$", f"nested more than {MAX_DEPTH} levels deep{suffix}") from None
    except (ValueError, TypeError) as err:  # JSONDecodeError and UnicodeDecodeError too
        raise InvalidData("$", f"not valid JSON{suffix}: {err}") from err
    check_depth(data)
    return data


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise TypeError(f"expected a number, got {describe(value)}")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"expected a number, got {describe(value)}") from None
    if not number.is_finite():
        raise ValueError(f"expected a finite number, got {describe(value)}")
    return number


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {describe(value)}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {describe(value)}")
    return value


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text (a string), got {describe(value)}")
    return value


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(member.value) for member in cls)
        raise ValueError(
            f"{describe(value)} is not a valid {cls.__name__} (expected one of {allowed})"
        ) from None


def _from_iso(parse: Callable[[str], T], value: str, what: str) -> T:
    expected = f"expected {what} as ISO 8601 text, got {describe(value)}"
    if len(value) > _LONGEST_ISO:  # the parser's message would quote all of it
        raise ValueError(expected)
    try:
        return parse(value)
    except ValueError as err:
        raise ValueError(f"{expected}: {err}") from None


_LONGEST_ISO: Final = 64


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError(f"expected a date, got the datetime {describe(value)}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return _from_iso(dt.date.fromisoformat, value, "a date (2024-10-01)")
    raise TypeError(f"expected a date, got {describe(value)}")


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, str):
        value = _from_iso(dt.datetime.fromisoformat, value, "a date and time")
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {describe(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got the naive {describe(value)}")
    return value


def _strict_sequence(type_: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Lists and homogeneous tuples from an array only (never from a string)."""
    from cattrs.cols import list_structure_factory

    structure_items = list_structure_factory(type_, made)
    origin = get_origin(type_) or type_
    mutable = isinstance(origin, type) and issubclass(origin, MutableSequence)

    def structure_sequence(value: Any, cls: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise TypeError(f"expected an array, got {describe(value)}")
        items = structure_items(value, cls)
        return items if mutable else tuple(items)

    return structure_sequence


def _strict_set(type_: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Sets from an array (or a set) only."""
    from cattrs.cols import list_structure_factory

    structure_items = list_structure_factory(type_, made)
    origin = get_origin(type_) or type_
    kind: Callable[[Any], Any] = set if origin is set else frozenset

    def structure_set(value: Any, cls: Any) -> Any:
        if not isinstance(value, list | tuple | set | frozenset):
            raise TypeError(f"expected an array, got {describe(value)}")
        return kind(structure_items(list(value), cls))

    return structure_set


def _strict_mapping(type_: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Mappings from an object only; a read-only ``Mapping`` as a frozendict."""
    from cattrs.gen import mapping_structure_factory
    from frozendict import frozendict

    structure_items = mapping_structure_factory(type_, made)
    origin = get_origin(type_) or type_
    frozen = origin in (Mapping, frozendict)

    def structure_mapping(value: Any, cls: Any) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {describe(value)}")
        items = structure_items(value, cls)
        return frozendict(items) if frozen else items

    return structure_mapping


def make_converter() -> cattrs.Converter:
    """A new strict converter (``detailed_validation``, ``forbid_extra_keys``, the
    strict hooks this module describes) with nothing else registered: the base a
    programme builds its own converter on."""
    import cattrs
    from cattrs.cols import is_any_set, is_mapping, is_sequence

    made = cattrs.Converter(
        detailed_validation=True,
        forbid_extra_keys=True,
        # Sets become sorted JSON arrays, so the same data always gives the same JSON.
        unstruct_collection_overrides={AbstractSet: sorted},
    )
    made.register_structure_hook(bool, _structure_bool)
    made.register_structure_hook(int, _structure_int)
    made.register_structure_hook(str, _structure_str)
    # Enums after str and int: a StrEnum or IntEnum is read as its enum, not as text.
    for enum_type in (enum.Enum, enum.StrEnum, enum.IntEnum):
        made.register_structure_hook(enum_type, _structure_enum)
    made.register_structure_hook_factory(is_sequence, _strict_sequence)
    made.register_structure_hook_factory(is_any_set, _strict_set)
    made.register_structure_hook_factory(is_mapping, _strict_mapping)
    made.register_structure_hook(Decimal, _structure_decimal)
    made.register_unstructure_hook(Decimal, str)
    made.register_structure_hook(dt.date, _structure_date)
    made.register_unstructure_hook(dt.date, dt.date.isoformat)
    made.register_structure_hook(dt.datetime, _structure_datetime)
    made.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    return made


@functools.cache
def base_converter() -> cattrs.Converter:
    """The engine's own converter: :func:`make_converter`'s, made once, on first use.
    Nothing registers hooks on it; a programme uses a converter of its own."""
    return make_converter()


def __getattr__(name: str) -> Any:
    """``converter``, the engine's base converter, made on first use."""
    if name == "converter":
        return base_converter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _reason(exc: BaseException, type_: Any) -> str:
    """Keep the reason our own validators and hooks give; cattrs' wording otherwise."""
    import cattrs

    if isinstance(exc, InvalidData):
        return exc.reason
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, TypeError | ValueError) and str(exc):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)


def _problems(exc: BaseException, path: str) -> list[tuple[str, str]]:
    """Every problem in a cattrs error as (path, reason), like ``cattrs.transform_error``,
    but a validator's :class:`InvalidData` (raised inside ``__init__``, so cattrs only
    knows the class) extends the path with the field it names."""
    import cattrs

    if isinstance(exc, cattrs.IterableValidationError):
        with_index, without = exc.group_exceptions()
        found = [
            problem
            for inner, note in with_index
            for problem in _problems(inner, f"{path}[{note.index!r}]")
        ]
    elif isinstance(exc, cattrs.ClassValidationError):
        with_name, without = exc.group_exceptions()
        found = [
            problem
            for inner, note in with_name
            for problem in _problems(inner, f"{path}.{note.name}")
        ]
    else:
        return [(_leaf_path(exc, path), _reason(exc, None))]
    found += [(_leaf_path(inner, path), _reason(inner, None)) for inner in without]
    return found


def _leaf_path(exc: BaseException, path: str) -> str:
    if isinstance(exc, InvalidData) and not exc.field.startswith("$"):
        field = exc.field
        return path if path.endswith(f".{field}") else f"{path}.{field}"
    return path


def structure(
    data: Any,
    cls: type[T],
    *,
    path: str = "$",
    source: str | None = None,
    converter: cattrs.Converter | None = None,
) -> T:
    """Structure ``data`` into ``cls`` with ``converter`` (default: the engine's base
    converter); every problem goes into one :class:`InvalidData` whose ``field`` is
    the path of the first (``$.participants[2].planned_hours``).

    ``source`` names where the data came from (a file name) in the message. Data
    nested deeper than :data:`MAX_DEPTH` is refused before it is structured.
    """
    import cattrs

    made = base_converter() if converter is None else converter
    suffix = "" if source is None else f" (in {source})"
    try:
        check_depth(data, path=path)
    except InvalidData as err:
        raise InvalidData(err.field, err.reason + suffix) from None
    try:
        return made.structure(data, cls)
    except (cattrs.BaseValidationError, cattrs.ForbiddenExtraKeysError) as err:
        problems = _problems(err, path) or [(path, str(err))]
        if len(problems) == 1:  # the field names where
            described = problems[0][1]
        else:
            described = "; ".join(f"{reason} @ {where}" for where, reason in problems)
        raise InvalidData(problems[0][0], described + suffix) from err
    except InvalidData as err:
        raise InvalidData(f"{path}.{err.field}", err.reason + suffix) from err
    except TrajectoryError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as err:
        raise InvalidData(path, f"cannot be read: {err}{suffix}") from err


def load_toml(source: str | Path, cls: type[T], *, converter: cattrs.Converter | None = None) -> T:
    """Read ``cls`` from a TOML file (a :class:`~pathlib.Path`) or TOML text, with
    ``converter`` (default: the engine's base converter)."""
    document, name = read_toml_source(source)
    return structure(document, cls, source=name, converter=converter)


def read_toml_source(source: str | Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file (a :class:`~pathlib.Path`) or TOML text (see
    :func:`read_toml`); returns the document and the name to report it by (the
    path, or ``<text>``)."""
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InvalidData("path", f"cannot read {source}: {err}") from err
        name = str(source)
    elif isinstance(source, str):
        text, name = source, "<text>"
    else:
        raise InvalidData("source", f"expected a Path or TOML text, got {describe(source)}")
    return read_toml(text, source=name), name


def read_toml(text: str, *, source: str = "<text>") -> dict[str, Any]:
    """Parse TOML text, refusing what is no TOML and nesting deeper than
    :data:`MAX_DEPTH` (both :class:`InvalidData` at ``$``)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise InvalidData("$", f"nested more than {MAX_DEPTH} levels deep in {source}") from None
    except (tomllib.TOMLDecodeError, ValueError) as err:  # an integer of too many digits
        raise InvalidData("$", f"not valid TOML in {source}: {err}") from err
    check_depth(data)
    return data
