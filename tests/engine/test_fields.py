"""Payload field helpers: each refuses bad input with InvalidData naming the field."""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from decimal import Decimal
from typing import Any

import attrs
import pytest

from trajectory import InvalidData
from trajectory.engine.fields import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    aware_datetime,
    calendar_date,
    check_aware,
    check_identifier,
    check_line,
    check_name,
    check_text,
    choice,
    dates,
    decimal_amount,
    describe,
    identifier,
    line,
    name_key,
    names,
    non_blank,
    normalise_name,
    optional,
    person_name,
    text,
    with_field,
)

UTC_NOON = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


@attrs.frozen
class Sample:
    """A tiny payload using every helper."""

    title: str = attrs.field(default="Title", validator=text)
    day: dt.date = attrs.field(default=dt.date(2024, 5, 1), validator=calendar_date)
    moment: dt.datetime = attrs.field(default=UTC_NOON, validator=aware_datetime)
    note: str | None = attrs.field(default=None, validator=optional(text))
    colour: Colour = attrs.field(default=Colour.RED, converter=choice(Colour))  # type: ignore[misc]
    amount: Decimal = attrs.field(
        default=Decimal(1),
        converter=decimal_amount(minimum=Decimal(0), maximum=Decimal(100), unit="euro"),  # type: ignore[misc]
    )
    hours: Decimal = attrs.field(
        default=Decimal(1),
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=Decimal(24), unit="hours", strict_minimum=True
        ),
    )
    extra: Decimal | None = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=Decimal(10), unit="euro", allow_none=True
        ),
    )
    members: tuple[str, ...] = attrs.field(default=("Anna",), converter=with_field(names))  # type: ignore[misc]
    days: tuple[dt.date, ...] = attrs.field(default=(), converter=with_field(dates))  # type: ignore[misc]


def refused(**fields: Any) -> str:
    """The field named by the InvalidData that Sample(**fields) raises."""
    with pytest.raises(InvalidData) as error:
        Sample(**fields)
    return error.value.field


def test_valid_input_is_accepted_and_converted() -> None:
    """Good input builds the payload; converters normalise it."""
    sample = Sample(
        title="",
        colour="green",
        amount="12.50",
        hours=0.1,
        extra=None,
        members=["Anna", "Bram"],
        days=[dt.date(2024, 6, 1), dt.date(2024, 5, 1)],
        note="ok",
    )

    assert Colour.GREEN is sample.colour
    assert Decimal("12.50") == sample.amount
    assert Decimal("0.1") == sample.hours
    assert None is sample.extra
    assert ("Anna", "Bram") == sample.members
    assert (dt.date(2024, 5, 1), dt.date(2024, 6, 1)) == sample.days


@pytest.mark.parametrize("value", [3, None, b"bytes", ["a"]])
def test_text_refuses_what_is_not_a_string(value: Any) -> None:
    """text accepts any str (blank too) and refuses anything else, naming the field."""
    assert "title" == refused(title=value)


@pytest.mark.parametrize("value", [dt.datetime(2024, 5, 1, 9, 0), "2024-05-01", 20240501, None])
def test_calendar_date_refuses_datetimes_and_non_dates(value: Any) -> None:
    """calendar_date wants a date, not a datetime, a string or a number."""
    assert "day" == refused(day=value)


@pytest.mark.parametrize(
    "value", [dt.datetime(2024, 5, 1, 9, 0), dt.date(2024, 5, 1), "2024-05-01T09:00+00:00"]
)
def test_aware_datetime_refuses_naive_datetimes_and_non_datetimes(value: Any) -> None:
    """aware_datetime wants a timezone-aware datetime."""
    assert "moment" == refused(moment=value)


def test_check_aware_names_the_field_it_is_given() -> None:
    """check_aware returns an aware datetime and names the given field otherwise."""
    assert UTC_NOON is check_aware(UTC_NOON, "when")
    with pytest.raises(InvalidData) as error:
        check_aware(dt.datetime(2024, 5, 1), "events[3].timestamp")
    assert "events[3].timestamp" == error.value.field


def test_optional_allows_none_and_checks_anything_else() -> None:
    """optional(text) accepts None and a string, and refuses a number naming the field."""
    assert None is Sample(note=None).note
    assert "note" == refused(note=42)


@pytest.mark.parametrize("value", ["blue", "RED", 1, None])
def test_choice_refuses_values_outside_the_enum(value: Any) -> None:
    """choice converts a member's value and refuses anything else, listing what is allowed."""
    with pytest.raises(InvalidData) as error:
        Sample(colour=value)

    assert "colour" == error.value.field
    assert "red, green" in error.value.reason


@pytest.mark.parametrize(
    "value",
    [
        -1,
        "100.01",
        101,
        True,
        None,
        "twelve",
        float("nan"),
        float("inf"),
        "NaN",
        "Infinity",
        "sNaN",
        [1],
    ],
)
def test_decimal_amount_refuses_bad_numbers(value: Any) -> None:
    """decimal_amount wants a finite number within bounds, not a bool, None or text."""
    assert "amount" == refused(amount=value)


def test_decimal_amount_bounds_are_inclusive_unless_strict() -> None:
    """The bounds are inclusive; a strict minimum refuses the minimum itself."""
    assert Decimal(0) == Sample(amount=0).amount
    assert Decimal(100) == Sample(amount=100).amount
    assert Decimal(24) == Sample(hours=24).hours
    assert "hours" == refused(hours=0)
    assert "hours" == refused(hours="24.5")


def test_decimal_amount_allows_none_only_when_asked() -> None:
    """allow_none accepts None; without it None is refused."""
    assert None is Sample(extra=None).extra
    assert "extra" == refused(extra=11)
    assert "amount" == refused(amount=None)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("Anna", "members"),
        (42, "members"),
        (["Anna", ""], "members[1]"),
        (["Anna", "  "], "members[1]"),
        (["Anna", 7], "members[1]"),
        (["Anna", "Bram", "Anna"], "members[2]"),
    ],
)
def test_names_refuses_bad_lists_naming_the_item(value: Any, field: str) -> None:
    """names wants a list of non-blank, distinct names; errors name the item."""
    assert field == refused(members=value)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (dt.date(2024, 5, 1), "days"),
        ("2024-05-01", "days"),
        (5, "days"),
        ([dt.date(2024, 5, 1), "2024-05-02"], "days[1]"),
        ([dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)], "days[0]"),
    ],
)
def test_dates_refuses_bad_lists_naming_the_item(value: Any, field: str) -> None:
    """dates wants a list of dates (not datetimes); errors name the item."""
    assert field == refused(days=value)


def test_invalid_data_is_a_value_error_with_field_and_reason() -> None:
    """The error carries the field and a reason that says what arrived."""
    with pytest.raises(ValueError, match="amount") as error:
        Sample(amount="lots")

    assert isinstance(error.value, InvalidData)
    assert "'lots'" in error.value.reason


# -- the text limits ---------------------------------------------------------------------


@attrs.frozen
class Texts:
    """A payload with one field of each kind of text."""

    report: str = attrs.field(default="", validator=text)
    label: str = attrs.field(default="", validator=line)
    title: str = attrs.field(default="Title", validator=[line, non_blank])
    key: str = attrs.field(default="k1", validator=identifier)
    person: str = attrs.field(default="Anna", converter=person_name)  # type: ignore[misc]


def refused_text(**fields: Any) -> InvalidData:
    """The InvalidData that Texts(**fields) raises."""
    with pytest.raises(InvalidData) as error:
        Texts(**fields)
    return error.value


@pytest.mark.parametrize("field", ["report", "label", "title", "key", "person"])
@pytest.mark.parametrize("bad", ["\ud800", "ab\udfff", "\udc80 x"])
def test_a_lone_surrogate_is_refused_in_every_kind_of_text(field: str, bad: str) -> None:
    """A lone surrogate (no valid Unicode, so no store can write it) is refused in any
    text, naming the field."""
    error = refused_text(**{field: f"Ok {bad}"})
    assert field == error.field
    assert "surrogate" in error.reason


@pytest.mark.parametrize("field", ["report", "label", "title", "key", "person"])
@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x9f"])
def test_control_characters_are_refused_in_every_kind_of_text(field: str, control: str) -> None:
    """NUL and the other control characters (that PostgreSQL refuses, or that garble a
    terminal) are refused, naming the field and the character."""
    error = refused_text(**{field: f"Ok{control}ok"})
    assert field == error.field
    assert f"U+{ord(control):04X}" in error.reason


def test_a_long_text_may_hold_tabs_and_line_breaks_a_line_may_not() -> None:
    """Tab, line feed and carriage return are kept in a long text; in a short text or an
    identifier they are refused."""
    report = "First line\r\n\tindented\nlast"
    assert report == Texts(report=report).report
    for field in ("label", "title", "key"):
        assert field == refused_text(**{field: "two\nlines"}).field


@pytest.mark.parametrize(
    ("field", "maximum"),
    [
        ("report", MAX_TEXT_LENGTH),
        ("label", MAX_NAME_LENGTH),
        ("title", MAX_NAME_LENGTH),
        ("key", MAX_ID_LENGTH),
        ("person", MAX_NAME_LENGTH),
    ],
)
def test_each_kind_of_text_has_a_maximum_length(field: str, maximum: int) -> None:
    """A text of exactly the maximum number of characters (astral ones count as one) is
    accepted; one more is refused, saying the maximum and the length."""
    longest = "\U0001f600" + "é" * (maximum - 1)
    assert longest == getattr(Texts(**{field: longest}), field)
    error = refused_text(**{field: longest + "x"})
    assert field == error.field
    assert f"{maximum:,}" in error.reason
    assert f"{maximum + 1:,}" in error.reason


def test_the_checks_return_the_text_they_accept_and_name_the_given_field() -> None:
    """check_text, check_line, check_identifier and check_name return what they accept
    and name the field they are given."""
    assert "a\tb" == check_text("a\tb", "notes")
    assert "a b" == check_line("a b", "label")
    assert "abc-1" == check_identifier("abc-1", "id")
    assert "Anna de Vries" == check_name(" Anna  de\tVries ", "name")
    for check, value in (
        (check_text, 3),
        (check_line, "a\tb"),
        (check_identifier, "  "),
        (check_name, "\u200b "),
    ):
        with pytest.raises(InvalidData) as error:
            check(value, "events[2].payload")  # type: ignore[operator]
        assert "events[2].payload" == error.value.field


# -- names ------------------------------------------------------------------------------


NFC_NAME = "Chloé Ångström"


@pytest.mark.parametrize(
    "variant",
    [
        unicodedata.normalize("NFD", NFC_NAME),
        "Chloé\u200b Ångström",
        "\ufeffChloé Ångström\u00ad",
        "Chlo\u2060é\u00a0\u00a0Ångström",
        "  Chloé \t Ångström\u3000",
    ],
)
def test_a_name_spelled_differently_is_normalised_to_one_text(variant: str) -> None:
    """The decomposed (NFD) spelling, invisible format characters (zero-width space, byte
    order mark, soft hyphen, word joiner) and any white space give the one NFC text."""
    assert variant != NFC_NAME
    assert NFC_NAME == normalise_name(variant)
    assert NFC_NAME == Texts(person=variant).person
    assert name_key(NFC_NAME) == name_key(variant)


def test_name_key_ignores_case_but_keeps_different_names_apart() -> None:
    """Names compare without case (also beyond ASCII), and other letters stay other."""
    assert name_key("ÅNGSTRÖM") == name_key("ångström")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("Chloé") != name_key("Chloe")


def test_names_refuses_the_same_person_spelled_twice() -> None:
    """names normalises each name and refuses the same person twice, however spelled."""
    nfd = unicodedata.normalize("NFD", NFC_NAME)
    assert (NFC_NAME, "Bram") == Sample(members=[nfd, " Bram "]).members
    assert "members[1]" == refused(members=[NFC_NAME, nfd + "\u200b"])


# -- messages -----------------------------------------------------------------------------


def test_describe_bounds_what_it_shows() -> None:
    """describe never fails and stays short: huge whole numbers (which Python refuses to
    print), long texts and deep nesting are cut short."""
    assert "<a whole number of about 5001 digits>" == describe(10**5000)
    assert "-<a whole number of about 5001 digits>" == describe(-(10**5000))
    assert "123" == describe(123)
    assert len(describe("x" * 100_000)) < 100
    deep: list[Any] = []
    for _ in range(10_000):
        deep = [deep]
    assert len(describe(deep)) < 100


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": 10**5000},
        {"amount": -(10**5000)},
        {"hours": 10**5000},
        {"colour": 10**5000},
        {"day": 10**5000},
        {"title": 10**5000},
        {"members": ["Anna", 10**5000]},
    ],
)
def test_a_huge_whole_number_is_refused_naming_the_field(fields: dict[str, Any]) -> None:
    """A whole number of thousands of digits gives InvalidData naming the field (its
    message says how many digits), not a ValueError from printing it."""
    with pytest.raises(InvalidData) as error:
        Sample(**fields)
    (name,) = fields
    assert error.value.field.startswith(name)
    assert "5001 digits" in error.value.reason


def test_choice_refuses_any_object_without_hashing_or_printing_it_whole() -> None:
    """A value nested thousands of levels deep (a list, or a tuple whose hash would
    recurse) is refused by choice with InvalidData, not a RecursionError from the enum's
    own lookup or message."""
    deep_list: Any = []
    deep_tuple: Any = ()
    for _ in range(100_000):
        deep_list, deep_tuple = [deep_list], (deep_tuple,)
    assert "colour" == refused(colour=deep_list)
    assert "colour" == refused(colour=deep_tuple)
    assert "colour" == refused(colour=True)
