"""Typed payload fields that reject bad input with an :class:`InvalidData` naming the field.

The converters receive the field (``attrs.Converter(..., takes_field=True)``) so
their errors can name it. mypy's attrs plugin only understands converters that are
named functions, so fields using these carry ``# type: ignore[misc]``; their
``__init__`` parameter is then typed ``Any``, which is what a converter accepts.

Payloads are frozen attrs classes; their fields use these converters and
validators, so ``fire("log_hours", hours=-3)`` says ``hours: …`` instead of
raising a raw ``TypeError`` from deep inside.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

import attrs

from trajectory.engine.errors import InvalidData

__all__ = [
    "aware_datetime",
    "calendar_date",
    "choice",
    "dates",
    "decimal_amount",
    "name_key",
    "names",
    "optional",
    "text",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _describe(value: object) -> str:
    return f"{value!r} ({type(value).__name__})"


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a string (it may be blank; preconditions judge the content)."""
    if not isinstance(value, str):
        raise InvalidData(attribute.name, f"expected text (str), got {_describe(value)}")


def calendar_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a ``datetime.date`` that is not a ``datetime``."""
    if type(value) is dt.date:  # the usual case, checked first
        return
    if isinstance(value, dt.datetime):
        raise InvalidData(
            attribute.name, f"expected a date (datetime.date), got a datetime {value!r}"
        )
    if not isinstance(value, dt.date):
        raise InvalidData(
            attribute.name, f"expected a date (datetime.date), got {_describe(value)}"
        )


def aware_datetime(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a timezone-aware ``datetime``."""
    check_aware(value, attribute.name)


def check_aware(value: object, field: str) -> dt.datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise :class:`InvalidData`."""
    if not isinstance(value, dt.datetime):
        raise InvalidData(field, f"expected a datetime, got {_describe(value)}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidData(field, f"expected a timezone-aware datetime, got the naive {value!r}")
    return value


def optional(validator: Validator) -> Validator:
    """Validator: ``None`` or what ``validator`` accepts."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def choice(enum_type: type[E]) -> attrs.Converter[Any, E]:
    """Converter: a member of ``enum_type``, or its value (``"school_leader"``)."""
    allowed = ", ".join(str(member.value) for member in enum_type)

    def convert(value: object, field: attrs.Attribute[Any]) -> E:
        if isinstance(value, enum_type):
            return value
        try:
            return enum_type(value)
        except (ValueError, TypeError):
            raise InvalidData(
                field.name, f"expected one of {allowed}, got {_describe(value)}"
            ) from None

    return attrs.Converter(convert, takes_field=True)


def decimal_amount(
    *,
    minimum: Decimal,
    maximum: Decimal,
    unit: str,
    strict_minimum: bool = False,
    allow_none: bool = False,
) -> attrs.Converter[Any, Any]:
    """Converter: a finite number (int, Decimal, float or numeric str) within bounds
    (or ``None``, with ``allow_none``)."""
    lower = "more than" if strict_minimum else "at least"

    def convert(value: object, field: attrs.Attribute[Any]) -> Decimal | None:
        kind = type(value)
        if kind is int or kind is Decimal:  # the usual cases, checked first
            number = Decimal(cast(int, value)) if kind is int else cast(Decimal, value)
            if number.is_finite() and (
                (number > minimum if strict_minimum else number >= minimum) and number <= maximum
            ):
                return number
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            raise InvalidData(field.name, f"expected a number of {unit}, got {_describe(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidData(field.name, f"expected a finite number of {unit}, got {value!r}")
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise InvalidData(
                field.name, f"expected a number of {unit}, got {_describe(value)}"
            ) from None
        if not number.is_finite():
            raise InvalidData(field.name, f"expected a finite number of {unit}, got {value!r}")
        too_low = number <= minimum if strict_minimum else number < minimum
        if too_low or number > maximum:
            raise InvalidData(
                field.name,
                f"expected {lower} {minimum} and at most {maximum} {unit}, got {value!r}",
            )
        return number

    return attrs.Converter(convert, takes_field=True)


def name_key(name: str) -> str:
    """How names are compared: case and surrounding or repeated blanks ignored."""
    return " ".join(name.split()).casefold()


def names(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    """Converter body: a non-empty sequence of non-blank names, as a tuple; the same
    name twice (case and blanks ignored) is refused."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of names, got {_describe(value)}")
    result: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise InvalidData(
                f"{field.name}[{index}]", f"expected a non-blank name, got {_describe(item)}"
            )
        if name_key(item) in seen:
            raise InvalidData(f"{field.name}[{index}]", f"{item!r} is listed twice")
        seen.add(name_key(item))
        result.append(item.strip())
    if not result:
        raise InvalidData(field.name, "expected at least one name, got an empty list")
    return tuple(result)


def dates(value: object, field: attrs.Attribute[Any]) -> tuple[dt.date, ...]:
    """Converter body: a sequence of dates, as a sorted tuple."""
    if isinstance(value, str | dt.date) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of dates, got {_describe(value)}")
    result: list[dt.date] = []
    for index, item in enumerate(value):
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            raise InvalidData(
                f"{field.name}[{index}]", f"expected a date (datetime.date), got {_describe(item)}"
            )
        result.append(item)
    return tuple(sorted(result))


def with_field(body: Callable[[object, attrs.Attribute[Any]], T]) -> attrs.Converter[Any, T]:
    """Wrap a ``(value, field)`` function as an attrs converter that receives the field."""
    return attrs.Converter(body, takes_field=True)
