"""Typed payload fields that reject bad input with an :class:`InvalidData` naming the field,
and the limits every text that enters the library keeps.

The converters receive the field (``attrs.Converter(..., takes_field=True)``) so
their errors can name it. mypy's attrs plugin only understands converters that are
named functions, so fields using these carry ``# type: ignore[misc]``; their
``__init__`` parameter is then typed ``Any``, which is what a converter accepts.

Payloads are frozen attrs classes; their fields use these converters and
validators, so ``fire("log_hours", hours=-3)`` says ``hours: …`` instead of
raising a raw ``TypeError`` from deep inside.

**Text limits.** What the library accepts, every store can hold and give back equal,
so text is checked where it enters (payload fields, the school, the rules, the actor,
ids), by one set of rules:

- an identifier (:func:`identifier`, a trajectory or event id): at most
  :data:`MAX_ID_LENGTH` (64) characters, not blank, no control characters;
- a name or short text (:func:`person_name`, :func:`line`: a person, a school, a
  board, the actor, a label): at most :data:`MAX_NAME_LENGTH` (200) characters on
  one line, no control characters;
- a long text (:func:`text`: a report, a plan, a reason): at most
  :data:`MAX_TEXT_LENGTH` (100,000) characters, no control characters but tab, line
  feed and carriage return.

The JSON Schemas show these limits: a field typed :data:`Text`, :data:`Line`,
:data:`Name` or :data:`Identifier` (each a ``str``) has its ``maxLength`` and a
``pattern`` refusing the control characters.

No text may hold a lone surrogate (``"\\ud800"``: no valid Unicode, so no store can
write it). Names of persons are normalised when they enter (:func:`normalise_name`)
and compared by :func:`name_key`.

>>> normalise_name("  Chloe\u0301   \u00c5ngstro\u0308m\u200b ")
'Chloé Ångström'
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import re
import reprlib
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final, TypeAlias, TypeVar, cast

import attrs
import msgspec

from trajectory.engine.errors import InvalidData

__all__ = [
    "MAX_ID_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "Identifier",
    "Line",
    "Name",
    "Text",
    "aware_datetime",
    "calendar_date",
    "check_aware",
    "check_choice",
    "check_identifier",
    "check_line",
    "check_name",
    "check_text",
    "choice",
    "dates",
    "decimal_amount",
    "describe",
    "identifier",
    "line",
    "name_key",
    "names",
    "non_blank",
    "normalise_name",
    "optional",
    "person_name",
    "text",
    "with_field",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: The longest identifier (a trajectory id, an event id, the id of an offer).
MAX_ID_LENGTH: Final = 64
#: The longest name or short text (a person, a school, a board, an actor, a label).
MAX_NAME_LENGTH: Final = 200
#: The longest free text (a report, a plan, a reason, notes).
MAX_TEXT_LENGTH: Final = 100_000

# Control characters (Unicode category Cc) and lone surrogates (Cs). A long text may
# hold tab, line feed and carriage return; a line or an identifier none of them.
_LINE_REFUSED: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_TEXT_REFUSED: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The same in the JSON Schemas (which cannot hold a lone surrogate).
_LINE_PATTERN: Final = r"^[^\x00-\x1f\x7f-\x9f]*$"
_TEXT_PATTERN: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

#: A long text (a ``str``; its limits in the JSON Schemas).
Text: TypeAlias = Annotated[str, msgspec.Meta(max_length=MAX_TEXT_LENGTH, pattern=_TEXT_PATTERN)]
#: A short single-line text (a ``str``; its limits in the JSON Schemas).
Line: TypeAlias = Annotated[str, msgspec.Meta(max_length=MAX_NAME_LENGTH, pattern=_LINE_PATTERN)]
#: A person's name (a ``str``; its limits in the JSON Schemas).
Name: TypeAlias = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, pattern=_LINE_PATTERN)
]
#: An identifier (a ``str``; its limits in the JSON Schemas).
Identifier: TypeAlias = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_ID_LENGTH, pattern=_LINE_PATTERN)
]


class _BoundedRepr(reprlib.Repr):
    """``repr`` cut short: long texts, deep nesting and huge numbers stay readable
    (Python refuses to print an int of more than 4300 digits)."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = 80
        self.maxother = 80
        self.maxlong = 40
        self.maxdict = self.maxlist = self.maxtuple = self.maxset = 6
        self.maxfrozenset = self.maxdeque = self.maxarray = 6

    def repr_int(self, x: int, level: int) -> str:
        bits = x.bit_length()
        if bits > 128:  # the digits are not counted: converting them is what fails
            digits = int(bits * math.log10(2)) + 1
            return f"{'-' if x < 0 else ''}<a whole number of about {digits} digits>"
        return super().repr_int(x, level)


_bounded_repr: Final = _BoundedRepr()


def describe(value: object) -> str:
    """``repr(value)`` bounded for an error message: long texts and containers are cut
    short and huge whole numbers give their size, so a message never fails to print.

    >>> describe(10**5000)
    '<a whole number of about 5001 digits>'
    >>> describe("x" * 1000)[:12]
    "'xxxxxxxxxxx"
    """
    return _bounded_repr.repr(value)


def _describe(value: object) -> str:
    return f"{describe(value)} ({type(value).__name__})"


def _refused(match: re.Match[str], multiline: bool) -> str:
    char, position = match.group(), match.start()
    if "\ud800" <= char <= "\udfff":
        return (
            f"contains the lone surrogate U+{ord(char):04X} at position {position}, "
            "which is not valid Unicode text"
        )
    allowed = "except tab and line breaks" if multiline else "(it is a single line)"
    return (
        f"contains the control character U+{ord(char):04X} at position {position}; "
        f"no control characters are allowed {allowed}"
    )


def check_text(
    value: object, field: str, *, maximum: int = MAX_TEXT_LENGTH, multiline: bool = True
) -> str:
    """Return ``value`` if it is text within the limits (see the module), else raise
    :class:`InvalidData` naming ``field``. A ``multiline`` text may hold tabs and line
    breaks. Blank text passes: preconditions judge the content."""
    if not isinstance(value, str):
        raise InvalidData(field, f"expected text (str), got {_describe(value)}")
    if len(value) > maximum:
        raise InvalidData(field, f"expected at most {maximum:,} characters, got {len(value):,}")
    found = (_TEXT_REFUSED if multiline else _LINE_REFUSED).search(value)
    if found is not None:
        raise InvalidData(field, _refused(found, multiline))
    return value


def check_line(value: object, field: str) -> str:
    """Return ``value`` if it is a short single-line text (at most
    :data:`MAX_NAME_LENGTH` characters, no control characters), else raise
    :class:`InvalidData`."""
    return check_text(value, field, maximum=MAX_NAME_LENGTH, multiline=False)


def check_identifier(value: object, field: str) -> str:
    """Return ``value`` if it is a non-blank identifier of at most
    :data:`MAX_ID_LENGTH` characters without control characters, else raise
    :class:`InvalidData`."""
    checked = check_text(value, field, maximum=MAX_ID_LENGTH, multiline=False)
    if not checked.strip():
        raise InvalidData(field, f"expected a non-blank identifier, got {checked!r}")
    return checked


def normalise_name(name: str) -> str:
    """A person's name as the library keeps it: invisible format characters (zero-width
    space, soft hyphen, byte order mark …: Unicode category Cf) removed, composed
    (Unicode NFC), and every run of white space one space, none around it.

    Two spellings of the same name that look alike become one text, so that the
    duplicate check and erasure find the person however the name was typed.
    """
    if name.isascii():  # the usual case: nothing to remove or compose
        return " ".join(name.split())
    if len(name) > _CACHED_NAME_LENGTH:
        return _normalise(name)
    return _normalise_cached(name)


def _normalise(name: str) -> str:
    visible = "".join(char for char in name if unicodedata.category(char) != "Cf")
    return " ".join(unicodedata.normalize("NFC", visible).split())


def _key(name: str) -> str:
    normalised = normalise_name(name)
    if normalised.isascii():
        return normalised.casefold()
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", normalised).casefold())


# A trajectory has few persons, named again and again: their names are worked out once.
# A name typed with more characters than this is refused before it is normalised (and
# is not cached): white space and invisible characters aside, it cannot fit.
_CACHED_NAME_LENGTH: Final = 4 * MAX_NAME_LENGTH
_normalise_cached: Final = functools.lru_cache(maxsize=4096)(_normalise)
_key_cached: Final = functools.lru_cache(maxsize=4096)(_key)


def name_key(name: str) -> str:
    """How names are compared: :func:`normalise_name`, then case ignored (Unicode
    canonical caseless matching), so ``"anna  de vries"`` and ``"Anna de Vries"``
    are one person."""
    if name.isascii():
        return " ".join(name.split()).casefold()
    return _key(name) if len(name) > _CACHED_NAME_LENGTH else _key_cached(name)


def check_name(value: object, field: str) -> str:
    """``value`` as a person's name: text, normalised (:func:`normalise_name`), not blank
    and within the limits of a line; else :class:`InvalidData`."""
    if not isinstance(value, str):
        raise InvalidData(field, f"expected a name (str), got {_describe(value)}")
    if len(value) > _CACHED_NAME_LENGTH:
        raise InvalidData(
            field, f"expected at most {MAX_NAME_LENGTH:,} characters, got {len(value):,}"
        )
    name = normalise_name(value)
    if not name:
        raise InvalidData(field, f"expected a non-blank name, got {describe(value)}")
    return check_line(name, field)


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a long text within the limits (:func:`check_text`); it may be blank
    (preconditions judge the content)."""
    check_text(value, attribute.name)


def line(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a short single-line text within the limits (:func:`check_line`); it
    may be blank (combine with :func:`non_blank`)."""
    check_line(value, attribute.name)


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an identifier within the limits (:func:`check_identifier`)."""
    check_identifier(value, attribute.name)


def non_blank(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a text that is not empty or only white space."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidData(attribute.name, f"expected a non-blank text, got {describe(value)}")


def _person_name(value: object, field: attrs.Attribute[Any]) -> str:
    return check_name(value, field.name)


#: Converter: a person's name, normalised (:func:`check_name`).
person_name: Final[attrs.Converter[Any, str]] = attrs.Converter(_person_name, takes_field=True)


def whole_number(minimum: int, maximum: int) -> Validator:
    """A validator: a whole number (not a bool) from ``minimum`` to ``maximum``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise InvalidData(
                attribute.name,
                f"expected a whole number from {minimum} to {maximum}, got {describe(value)}",
            )

    return check


def boolean(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A validator: ``True`` or ``False``, nothing else."""
    if not isinstance(value, bool):
        raise InvalidData(attribute.name, f"expected true or false, got {describe(value)}")


def calendar_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a ``datetime.date`` that is not a ``datetime``."""
    if type(value) is dt.date:  # the usual case, checked first
        return
    if isinstance(value, dt.datetime):
        raise InvalidData(
            attribute.name, f"expected a date (datetime.date), got a datetime {describe(value)}"
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
        raise InvalidData(
            field, f"expected a timezone-aware datetime, got the naive {describe(value)}"
        )
    return value


def optional(validator: Validator) -> Validator:
    """Validator: ``None`` or what ``validator`` accepts."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def check_choice(enum_type: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``enum_type`` (a member, or its value such as
    ``"school_leader"``), else :class:`InvalidData` naming ``field``.

    The value is compared with the members' values, never hashed or printed whole, so
    any object (a structure nested thousands of levels deep too) is refused cleanly.
    """
    if isinstance(value, enum_type):
        return value
    for member in enum_type:
        if member.value == value and type(value) is not bool:
            return member
    allowed = ", ".join(str(member.value) for member in enum_type)
    raise InvalidData(field, f"expected one of {allowed}, got {_describe(value)}")


def choice(enum_type: type[E]) -> attrs.Converter[Any, E]:
    """Converter: a member of ``enum_type``, or its value (``"school_leader"``)."""
    by_text = {member.value: member for member in enum_type if type(member.value) is str}

    def convert(value: object, field: attrs.Attribute[Any]) -> E:
        if isinstance(value, enum_type):
            return value
        if type(value) is str:  # the usual case: a value, looked up (a str hashes safely)
            found = by_text.get(value)
            if found is not None:
                return found
        return check_choice(enum_type, value, field.name)

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
            raise InvalidData(
                field.name, f"expected a finite number of {unit}, got {describe(value)}"
            )
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise InvalidData(
                field.name, f"expected a number of {unit}, got {_describe(value)}"
            ) from None
        if not number.is_finite():
            raise InvalidData(
                field.name, f"expected a finite number of {unit}, got {describe(value)}"
            )
        too_low = number <= minimum if strict_minimum else number < minimum
        if too_low or number > maximum:
            raise InvalidData(
                field.name,
                f"expected {lower} {minimum} and at most {maximum} {unit}, got {describe(value)}",
            )
        return number

    return attrs.Converter(convert, takes_field=True)


def names(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    """Converter body: a non-empty sequence of persons' names (each as :func:`check_name`
    gives it), as a tuple; the same name twice (:func:`name_key`) is refused."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of names, got {_describe(value)}")
    result: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        name = check_name(item, f"{field.name}[{index}]")
        key = name_key(name)
        if key in seen:
            raise InvalidData(f"{field.name}[{index}]", f"{describe(name)} is listed twice")
        seen.add(key)
        result.append(name)
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
