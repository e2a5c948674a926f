"""Example values for a payload class, derived from its attrs fields.

A payload class says what its fields take: their types (``datetime.date``, a text
type of :mod:`trajectory.engine.fields` with its limits, ``Decimal``, an enum, a
tuple of these, ``… | None``), their converters and their validators. From that,
:func:`field_shapes` describes each field, :func:`valid_values` and
:func:`invalid_values` list values on both sides of its checks, and
:func:`example_payload` builds keyword arguments the class accepts: what a walker
fires for an event it has no hint for, and what test strategies start from.

Every value is checked against the field's own converter and validator before it
is offered (and every example payload against the whole class), so a value listed
as valid is never one the class refuses, whatever validator the field has:

>>> import attrs
>>> import datetime as dt
>>> from trajectory.engine.fields import Text, calendar_date, text
>>> Visit = attrs.make_class(
...     "Visit",
...     {
...         "date": attrs.field(type=dt.date, validator=calendar_date),
...         "notes": attrs.field(type=Text, validator=text),
...     },
...     frozen=True,
... )
>>> example_payload(Visit, today=dt.date(2025, 3, 4))
{'date': datetime.date(2025, 3, 4), 'notes': 'Written for the example.'}
>>> [shape.kind for shape in field_shapes(Visit)]
['date', 'text']
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
import re
import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.fields import MAX_ID_LENGTH

__all__ = [
    "EXAMPLE_DATE",
    "FieldShape",
    "accepts",
    "example_payload",
    "field_shapes",
    "invalid_values",
    "refuses",
    "valid_values",
]

#: The date examples are dated without a ``today``.
EXAMPLE_DATE: Final = dt.date(2024, 10, 1)

Kind = Literal[
    "text", "date", "datetime", "number", "integer", "boolean", "choice", "sequence",
    "mapping", "other",
]  # fmt: skip

_TEXTS: Final = ("Written for the example.", "Anna de Vries", "example-1", "X")


@attrs.frozen
class FieldShape:
    """What one field of a payload class takes, as far as its type and converter say."""

    name: str
    kind: Kind
    required: bool
    """Whether the field has no default."""
    optional: bool
    """Whether its type admits ``None``."""
    min_length: int = 0
    max_length: int | None = None
    multiline: bool = True
    """For a text: whether it may hold line breaks."""
    choices: tuple[Any, ...] = ()
    """For an enum: its members."""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    strict_minimum: bool = False
    item: FieldShape | None = None
    """For a sequence: the shape of one item."""


# -- reading a payload class ------------------------------------------------------------


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is _UnionType:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        optional = len(members) < len(typing.get_args(annotation))
        return (members[0] if len(members) == 1 else annotation), optional
    return annotation, False


_UnionType: Final = type(int | None)


def _limits(annotation: Any) -> tuple[Any, int, int | None, bool]:
    """The type under ``Annotated`` and the text limits its metadata gives."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return annotation, 0, None, True
    base, *metadata = typing.get_args(annotation)
    low, high, multiline = 0, None, True
    for meta in metadata:
        low = getattr(meta, "min_length", None) or low
        high = getattr(meta, "max_length", None) or high
        pattern = getattr(meta, "pattern", None)
        if isinstance(pattern, str):
            multiline = re.search(pattern, "a\nb") is not None
    return base, low, high, multiline


def _bounds(field: attrs.Attribute[Any]) -> tuple[Decimal | None, Decimal | None, bool]:
    """The bounds a number converter closes over (``minimum``, ``maximum``,
    ``strict_minimum``, as :func:`~trajectory.engine.fields.decimal_amount` has them)."""
    converter: Any = field.converter
    function = getattr(converter, "converter", converter)  # an attrs.Converter's function
    if not callable(function):
        return None, None, False
    try:
        found = inspect.getclosurevars(function).nonlocals
    except (TypeError, ValueError):
        return None, None, False
    low, high = found.get("minimum"), found.get("maximum")
    return (
        low if isinstance(low, Decimal) else None,
        high if isinstance(high, Decimal) else None,
        found.get("strict_minimum") is True,
    )


def _shape(name: str, annotation: Any, field: attrs.Attribute[Any] | None) -> FieldShape:
    annotation, optional = _strip_none(annotation)
    base, low, high, multiline = _limits(annotation)
    base, more_optional = _strip_none(base)
    optional = optional or more_optional
    required = field is None or field.default is attrs.NOTHING
    origin = typing.get_origin(base)
    shape = FieldShape(name, "other", required, optional)
    if base is str:
        return attrs.evolve(
            shape, kind="text", min_length=low, max_length=high, multiline=multiline
        )
    if base is bool:
        return attrs.evolve(shape, kind="boolean")
    if base is dt.datetime:
        return attrs.evolve(shape, kind="datetime")
    if base is dt.date:
        return attrs.evolve(shape, kind="date")
    if base is int:
        return attrs.evolve(shape, kind="integer")
    if base is Decimal or base is float:
        low_bound, high_bound, strict = _bounds(field) if field is not None else (None, None, False)
        return attrs.evolve(
            shape, kind="number", minimum=low_bound, maximum=high_bound, strict_minimum=strict
        )
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return attrs.evolve(shape, kind="choice", choices=tuple(base))
    if origin in (tuple, list, Sequence, typing.Sequence):
        args = [arg for arg in typing.get_args(base) if arg is not Ellipsis]
        item = _shape(f"{name}[0]", args[0], None) if len(args) == 1 else None
        return attrs.evolve(shape, kind="sequence", item=item)
    if origin in (dict, Mapping, typing.Mapping):
        return attrs.evolve(shape, kind="mapping")
    return shape


@functools.cache
def field_shapes(payload_class: type) -> tuple[FieldShape, ...]:
    """What each field of ``payload_class`` (an attrs class) takes, in field order.

    Raises :class:`~trajectory.DefinitionError` for a class that is not an attrs
    class or whose annotations do not resolve.
    """
    if not attrs.has(payload_class):
        raise DefinitionError(f"the payload class {payload_class!r} is not an attrs class")
    try:
        hints = typing.get_type_hints(payload_class, include_extras=True)
    except (NameError, TypeError) as err:
        raise DefinitionError(
            f"the annotations of {payload_class.__qualname__} do not resolve: {err}"
        ) from err
    return tuple(
        _shape(field.name, hints.get(field.name, Any), field)
        for field in attrs.fields(payload_class)
        if field.init
    )


# -- checking one field -----------------------------------------------------------------


def _check(payload_class: type, name: str, value: object) -> None:
    """Run the field's converter and validator on ``value`` (the class's own checks
    across fields aside)."""
    field = attrs.fields_dict(payload_class)[name]
    converter: Any = field.converter
    if isinstance(converter, attrs.Converter):  # attrs' stubs do not show its parts
        arguments: list[Any] = [value]
        if getattr(converter, "takes_self", False):
            arguments.append(None)
        if getattr(converter, "takes_field", False):
            arguments.append(field)
        value = getattr(converter, "converter")(*arguments)  # noqa: B009
    elif converter is not None:
        value = converter(value)
    if field.validator is not None:
        field.validator(None, field, value)


def accepts(payload_class: type, name: str, value: object) -> bool:
    """Whether the field ``name`` of ``payload_class`` takes ``value``."""
    try:
        _check(payload_class, name, value)
    except Exception:  # any refusal: a value offered as valid must pass
        return False
    return True


def refuses(payload_class: type, name: str, value: object) -> bool:
    """Whether the field ``name`` of ``payload_class`` refuses ``value`` with
    :class:`~trajectory.InvalidData`."""
    try:
        _check(payload_class, name, value)
    except InvalidData:
        return True
    except Exception:
        return False
    return False


# -- values on both sides -------------------------------------------------------------------


def _texts(shape: FieldShape) -> list[str]:
    high = shape.max_length
    ordered = list(_TEXTS)
    if not shape.multiline:  # a name or an identifier rather than a sentence
        ordered.append(ordered.pop(0))
    if high is not None and high <= MAX_ID_LENGTH:  # an identifier rather than a name
        ordered.insert(0, ordered.pop(ordered.index("example-1")))
    values = [value[:high] if high is not None else value for value in ordered]
    return [value for value in values if len(value) >= max(shape.min_length, 1)]


def _numbers(shape: FieldShape) -> list[Any]:
    low, high = shape.minimum, shape.maximum
    candidates: list[Any] = [Decimal(1), Decimal(8), Decimal("0.5"), Decimal(100), Decimal(0)]
    if low is not None and high is not None:
        middle = ((low + high) / 2).quantize(Decimal("0.01"))
        candidates = [Decimal(1), middle, high, low, low + Decimal("0.01"), *candidates]
    return [number for number in candidates if low is None or number >= low]


def _candidates(shape: FieldShape, today: dt.date) -> list[Any]:
    if shape.kind == "text":
        return list(_texts(shape))
    if shape.kind == "date":
        return [today, today - dt.timedelta(days=1), today - dt.timedelta(days=7)]
    if shape.kind == "datetime":
        moment = dt.datetime.combine(today, dt.time(10, 0), tzinfo=dt.UTC)
        return [moment, moment - dt.timedelta(hours=1)]
    if shape.kind == "number":
        return _numbers(shape)
    if shape.kind == "integer":
        return [1, 0, 2, 10]
    if shape.kind == "boolean":
        return [True, False]
    if shape.kind == "choice":
        return list(shape.choices)
    if shape.kind == "sequence" and shape.item is not None:
        items = _candidates(shape.item, today)
        if items:
            return [tuple(items[:2]), (items[0],), tuple(items)]
    return []


def valid_values(
    payload_class: type, name: str, *, today: dt.date | None = None
) -> tuple[Any, ...]:
    """Values the field ``name`` of ``payload_class`` takes, the most ordinary first
    (dates on ``today``, default :data:`EXAMPLE_DATE`); empty when none can be derived
    (a mapping, a class of its own, a validator none of the candidates passes)."""
    shape = _field(payload_class, name)
    day = EXAMPLE_DATE if today is None else today
    return tuple(v for v in _candidates(shape, day) if accepts(payload_class, name, v))


def _wrong(shape: FieldShape) -> list[Any]:
    """Candidates on the other side of the field's checks."""
    if shape.kind == "text":
        values: list[Any] = [12345, b"bytes", ["a", "list"], "a\x00b", "\ud800"]
        if shape.max_length is not None:
            values.append("x" * (shape.max_length + 1))
        if not shape.multiline:
            values.append("two\nlines")
        values += ["", "   "]
        return values
    if shape.kind == "date":
        return [
            dt.datetime(2024, 10, 1, 10, tzinfo=dt.UTC),
            dt.datetime(2024, 10, 1, 10),
            "2024-10-01",
            20241001,
            [EXAMPLE_DATE],
        ]
    if shape.kind == "datetime":
        return [dt.datetime(2024, 10, 1, 10), EXAMPLE_DATE, "2024-10-01T10:00:00+00:00", 0]
    if shape.kind in ("number", "integer"):
        values = ["", "many", "1,5", True, False, float("nan"), float("inf"), Decimal("NaN"), []]
        if shape.minimum is not None:
            values += [shape.minimum - Decimal("0.01"), shape.minimum - 1]
            if shape.strict_minimum:
                values.append(shape.minimum)
        if shape.maximum is not None:
            values += [shape.maximum + Decimal("0.01"), shape.maximum * 1000 + 1]
        return values
    if shape.kind == "boolean":
        return ["yes", 1, 0]
    if shape.kind == "choice":
        texts = [str(member.value) for member in shape.choices]
        return [
            "",
            "unknown",
            0,
            *(t.upper() for t in texts if t != t.upper()),
            *(f" {t}" for t in texts),
        ]
    if shape.kind == "sequence":
        values = ["text", 1, []]
        if shape.item is not None:
            items = _candidates(shape.item, EXAMPLE_DATE)
            values += [[bad] for bad in _wrong(shape.item)]
            if items:
                values += [items[0], [items[0], items[0]]]
        return values
    if shape.kind == "mapping":
        return [[1, 2, 3], "3", 3]
    return []


def invalid_values(payload_class: type, name: str) -> tuple[Any, ...]:
    """Values the field ``name`` of ``payload_class`` refuses with
    :class:`~trajectory.InvalidData`: the wrong type, beyond a text's or a number's
    limits, an unknown choice, ``None`` where the field does not admit it …"""
    shape = _field(payload_class, name)
    candidates = [*_wrong(shape), *(() if shape.optional else (None,))]
    return tuple(v for v in candidates if refuses(payload_class, name, v))


def _field(payload_class: type, name: str) -> FieldShape:
    for shape in field_shapes(payload_class):
        if shape.name == name:
            return shape
    raise InvalidData("name", f"{payload_class.__qualname__} has no field {name!r}")


# -- a whole payload ---------------------------------------------------------------------------


def builds(payload_class: type, payload: Mapping[str, Any]) -> bool:
    """Whether ``payload_class(**payload)`` is accepted."""
    try:
        payload_class(**payload)
    except Exception:  # any refusal
        return False
    return True


def example_payload(payload_class: type, *, today: dt.date | None = None) -> dict[str, Any]:
    """Keyword arguments ``payload_class`` accepts: an ordinary value for every
    required field (dates on ``today``), and optional fields too when the class
    needs some of them (a plan that needs at least one part).

    Raises :class:`~trajectory.DefinitionError` when no value can be derived for a
    required field (register a hint for the event that gives one). The payloads of
    the recent classes and days are kept (their values are immutable): a walker or a
    simulator asks for the same ones again and again.
    """
    return dict(_example(payload_class, today if _dated(payload_class) else None))


@functools.cache
def _dated(payload_class: type) -> bool:
    """Whether an example of ``payload_class`` depends on the day (a date field)."""

    def dated(shape: FieldShape) -> bool:
        return shape.kind in ("date", "datetime") or (shape.item is not None and dated(shape.item))

    return any(dated(shape) for shape in field_shapes(payload_class))


@functools.lru_cache(maxsize=1024)
def _example(payload_class: type, today: dt.date | None) -> tuple[tuple[str, Any], ...]:
    """:func:`example_payload`, as items (kept)."""
    payload: dict[str, Any] = {}
    optional: list[tuple[str, Any]] = []
    for shape in field_shapes(payload_class):
        values = valid_values(payload_class, shape.name, today=today)
        if shape.required:
            if not values:
                raise DefinitionError(
                    f"no example value can be derived for {payload_class.__qualname__}."
                    f"{shape.name}; give the event a hint that supplies one"
                )
            payload[shape.name] = values[0]
        elif values:
            optional.append((shape.name, values[0]))
    if builds(payload_class, payload):
        return tuple(payload.items())
    for name, value in optional:
        payload[name] = value
        if builds(payload_class, payload):
            return tuple(payload.items())
    raise DefinitionError(
        f"no example payload of {payload_class.__qualname__} can be derived; "
        "give the event a hint that supplies one"
    )
