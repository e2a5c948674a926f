"""The library's converter: JSON and TOML data are structured strictly, nesting is bounded."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pytest
from frozendict import frozendict

from trajectory import InvalidData
from trajectory.engine.conversion import (
    MAX_DEPTH,
    check_depth,
    load_toml,
    read_json,
    read_toml,
    structure,
)


class Shade(enum.StrEnum):
    LIGHT = "light"
    DARK = "dark"


@attrs.frozen
class Record:
    """A document with a field of every kind the library structures."""

    title: str = "t"
    note: str | None = None
    tags: tuple[str, ...] = ()
    days: frozenset[dt.date] = frozenset()
    count: int = 0
    flag: bool = False
    amount: Decimal = Decimal(0)
    day: dt.date = dt.date(2024, 1, 1)
    moment: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    shade: Shade = Shade.LIGHT
    levels: Mapping[str, int] = attrs.field(factory=frozendict)
    table: dict[str, int] = attrs.field(factory=dict)


def refused(document: dict[str, Any]) -> InvalidData:
    """The InvalidData that structuring ``document`` into a Record raises."""
    with pytest.raises(InvalidData) as error:
        structure(document, Record)
    return error.value


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"title": None}, "$.title"),
        ({"title": 5}, "$.title"),
        ({"title": ["a"]}, "$.title"),
        ({"note": 5}, "$.note"),
        ({"tags": "Ab"}, "$.tags"),
        ({"tags": {"A": 1}}, "$.tags"),
        ({"tags": ["A", None]}, "$.tags[1]"),
        ({"days": "2024-01-01"}, "$.days"),
        ({"count": True}, "$.count"),
        ({"count": "3"}, "$.count"),
        ({"count": 3.0}, "$.count"),
        ({"flag": 1}, "$.flag"),
        ({"flag": "true"}, "$.flag"),
        ({"amount": True}, "$.amount"),
        ({"amount": "NaN"}, "$.amount"),
        ({"day": "01-01-2024"}, "$.day"),
        ({"day": 20240101}, "$.day"),
        ({"moment": "2024-01-01T10:00:00"}, "$.moment"),
        ({"shade": 1}, "$.shade"),
        ({"shade": "grey"}, "$.shade"),
        ({"levels": [["a", 1]]}, "$.levels"),
        ({"levels": {"a": "1"}}, "$.levels"),
        ({"table": "a=1"}, "$.table"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(
    document: dict[str, Any], field: str
) -> None:
    """null is no text ("None"), a string no list (("A", "b")), true no number, a number
    no text: each is refused at its path instead of being converted."""
    assert refused(document).field.startswith(field)


def test_values_of_the_right_json_types_are_structured() -> None:
    """What JSON and TOML give for each type is read: text, arrays as tuples and
    frozensets, ISO dates and times, amounts as numbers or text, enum values."""
    record = structure(
        {
            "title": "Report",
            "note": None,
            "tags": ["A", "b"],
            "days": ["2024-02-01", "2024-01-01"],
            "count": 3,
            "flag": True,
            "amount": "12.50",
            "day": "2024-10-01",
            "moment": "2024-10-01T10:00:00+02:00",
            "shade": "dark",
            "levels": {"a": 1},
            "table": {"b": 2},
        },
        Record,
    )
    assert ("A", "b") == record.tags
    assert frozenset({dt.date(2024, 1, 1), dt.date(2024, 2, 1)}) == record.days
    assert Decimal("12.50") == record.amount
    assert Shade.DARK is record.shade
    assert dt.date(2024, 10, 1) == record.day
    assert {"a": 1} == record.levels
    assert {"b": 2} == record.table


def test_a_read_only_mapping_is_structured_immutable() -> None:
    """A field typed Mapping becomes a frozendict (equal to the dict it came from); one
    typed dict stays a dict."""
    record = structure({"levels": {"a": 1}, "table": {"b": 2}}, Record)
    assert isinstance(record.levels, frozendict)
    with pytest.raises(TypeError):
        record.levels["a"] = 2  # type: ignore[index]
    assert type(record.table) is dict


def nested(depth: int) -> Any:
    """A list nested ``depth`` levels deep (depth 1 is ``[]``)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_check_depth_allows_the_limit_and_refuses_one_level_more() -> None:
    """Data nested exactly MAX_DEPTH levels passes; one level more is refused with the
    path of the container that is too deep."""
    check_depth({"a": nested(MAX_DEPTH - 1)})
    with pytest.raises(InvalidData) as error:
        check_depth({"a": nested(MAX_DEPTH)})
    assert "$.a" + "[0]" * (MAX_DEPTH - 1) == error.value.field
    assert str(MAX_DEPTH) in error.value.reason


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_structure_refuses_deep_data_before_structuring(depth: int) -> None:
    """Data nested deeper than the limit gives InvalidData, never a RecursionError,
    however deep it is."""
    error = refused({"tags": nested(depth)})
    assert error.field.startswith("$.tags")
    assert "levels deep" in error.reason


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_read_json_refuses_deep_nesting(depth: int) -> None:
    """JSON nested too deep is refused with InvalidData (also where Python's own parser
    would raise RecursionError)."""
    with pytest.raises(InvalidData) as error:
        read_json("[" * depth + "]" * depth)
    assert error.value.field.startswith("$")
    assert "levels deep" in error.value.reason


@pytest.mark.parametrize(
    "text", ["{", "", "NaN-ish", "1" * 5000, '{"a": ' + "9" * 5000 + "}", b"\xff\xfe{"]
)
def test_read_json_refuses_what_it_cannot_read(text: str | bytes) -> None:
    """Text that is no JSON, or holds an integer of more digits than Python converts,
    gives InvalidData at $."""
    with pytest.raises(InvalidData) as error:
        read_json(text)
    assert "$" == error.value.field


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"hours": NaN}', "NaN"),
        ('{"hours": Infinity}', "Infinity"),
        ('{"hours": 7, "hours": 8}', "'hours' appears twice"),
        ('[{"a": {"b": 1, "b": 1}}]', "'b' appears twice"),
    ],
)
def test_read_json_refuses_what_json_does_not_allow(text: str, says: str) -> None:
    """NaN and Infinity are no JSON numbers, and an object names each key once: Python's
    reader would take them (the last of two keys silently); read_json refuses them."""
    with pytest.raises(InvalidData) as error:
        read_json(text)
    assert says in error.value.reason


def test_read_json_reads_fractions_as_decimals() -> None:
    """Numbers with a fraction are read exactly."""
    assert {"hours": Decimal("7.1")} == read_json(json.dumps({"hours": 7.1}))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_toml_nested_too_deep_is_refused(depth: int) -> None:
    """TOML nested too deep is refused with InvalidData, by read_toml and load_toml."""
    text = "a = " + "[" * depth + "]" * depth
    with pytest.raises(InvalidData) as error:
        read_toml(text)
    assert error.value.field.startswith("$")
    with pytest.raises(InvalidData):
        load_toml(text, Record)


def test_a_toml_integer_of_too_many_digits_is_refused() -> None:
    """An integer Python will not convert gives InvalidData, not a ValueError."""
    with pytest.raises(InvalidData) as error:
        load_toml("count = " + "9" * 5000, Record)
    assert error.value.field.startswith("$")
