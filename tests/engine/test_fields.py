"""Payload field helpers: each refuses bad input with InvalidData naming the field."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs
import pytest

from trajectory import InvalidData
from trajectory.engine.fields import (
    aware_datetime,
    calendar_date,
    check_aware,
    choice,
    dates,
    decimal_amount,
    names,
    optional,
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
