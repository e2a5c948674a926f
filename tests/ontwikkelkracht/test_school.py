"""The school (BRIN via python-stdnum, sector, board) and the Dutch school year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from trajectory import InvalidData, School, SchoolYear, Sector


def school(**overrides: Any) -> School:
    fields: dict[str, Any] = {
        "name": "OBS De Linde",
        "sector": "po",
        "board": "Stichting Primair",
        "brin": "12AB00",
    }
    fields.update(overrides)
    return School(**fields)


# -- BRIN --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("brin", "expected"),
    [
        ("12AB", "12AB"),
        ("12ab", "12AB"),
        ("12AB00", "12AB00"),
        ("12ab00", "12AB00"),
        ("12ab 00", "12AB00"),
        ("99ZZ07", "99ZZ07"),
    ],
)
def test_brin_valid_and_normalised(brin: str, expected: str) -> None:
    """A BRIN of 2 digits and 2 letters, optionally with a 2-digit location number, is
    accepted and normalised (upper case, no blanks) by python-stdnum."""
    assert expected == school(brin=brin).brin


@pytest.mark.parametrize(
    ("brin", "institution", "location"),
    [("12AB", "12AB", None), ("12ab00", "12AB", "00"), ("34CD07", "34CD", "07")],
)
def test_brin_institution_and_location(brin: str, institution: str, location: str | None) -> None:
    """The BRIN splits into the institution (4 characters) and the location number."""
    made = school(brin=brin)
    assert institution == made.institution
    assert location == made.location


@pytest.mark.parametrize(
    "brin",
    ["1234", "12AB0", "ABCD", "12A", "12AB000", "AB12", "12AB0X", "", "12ÄB", 12, None, b"12AB"],
)
def test_brin_invalid(brin: Any) -> None:
    """An invalid BRIN (wrong form or length, or not text at all) raises InvalidData
    naming 'brin', never a raw stdnum error."""
    with pytest.raises(InvalidData) as info:
        school(brin=brin)
    assert "brin" == info.value.field
    assert isinstance(info.value, ValueError)


# -- sector, name, board --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "expected"),
    [("po", Sector.PO), ("vo", Sector.VO), ("so", Sector.SO), ("vso", Sector.VSO)]
    + [(member, member) for member in Sector],
)
def test_sector_converted(sector: Any, expected: Sector) -> None:
    """The sector is given as its id or as a Sector and stored as a Sector."""
    made = school(sector=sector)
    assert expected is made.sector
    assert expected.value == str(made.sector)


def test_sector_ids() -> None:
    """The sectors are exactly po, vo, so and vso."""
    assert ["po", "vo", "so", "vso"] == [member.value for member in Sector]


@pytest.mark.parametrize("sector", ["mbo", "", None, 1, "primary"])
def test_sector_invalid(sector: Any) -> None:
    """An unknown sector raises InvalidData naming 'sector'."""
    with pytest.raises(InvalidData) as info:
        school(sector=sector)
    assert "sector" == info.value.field


@pytest.mark.parametrize(("field", "value"), [("name", ""), ("name", "  "), ("board", None)])
def test_blank_name_or_board(field: str, value: Any) -> None:
    """A school needs a non-blank name and board."""
    with pytest.raises(InvalidData) as info:
        school(**{field: value})
    assert field == info.value.field


def test_school_is_immutable_and_comparable() -> None:
    """Schools with the same (normalised) fields are equal; they cannot be changed."""
    assert school(brin="12ab00") == school(brin="12AB00")
    with pytest.raises(AttributeError):
        school().name = "Other"  # type: ignore[misc]


# -- the school year --------------------------------------------------------------------


def test_school_year_parse() -> None:
    """'2024-2025' parses to the year that starts in 2024; a SchoolYear is kept as it is;
    surrounding blanks are ignored."""
    year = SchoolYear.parse("2024-2025")
    assert 2024 == year.first_year
    assert year is SchoolYear.parse(year)
    assert year == SchoolYear.parse(" 2024-2025 ")
    assert SchoolYear(2024) == year


@pytest.mark.parametrize(
    "text",
    [
        "2024-2026",
        "2024-2024",
        "2025-2024",
        "2024/2025",
        "2024 - 2025",
        "24-25",
        "2024",
        "",
        2024,
        None,
        dt.date(2024, 8, 1),
    ],
)
def test_school_year_bad_forms(text: Any) -> None:
    """Anything but 'YYYY-YYYY' with consecutive years raises InvalidData naming
    'school_year'."""
    with pytest.raises(InvalidData) as info:
        SchoolYear.parse(text)
    assert "school_year" == info.value.field


@pytest.mark.parametrize("first_year", [1899, 3000, True, "2024", 2024.0])
def test_school_year_first_year_checked(first_year: Any) -> None:
    """The first year is a whole number from 1900 to 2999."""
    with pytest.raises(InvalidData) as info:
        SchoolYear(first_year)
    assert "school_year" == info.value.field


def test_school_year_start_end_str() -> None:
    """A school year runs 1 August – 31 July and is written '2024-2025'."""
    year = SchoolYear(2024)
    assert dt.date(2024, 8, 1) == year.start
    assert dt.date(2025, 7, 31) == year.end
    assert "2024-2025" == str(year)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 8, 1), "2024-2025"),
        (dt.date(2024, 12, 31), "2024-2025"),
        (dt.date(2025, 1, 1), "2024-2025"),
        (dt.date(2025, 7, 31), "2024-2025"),
        (dt.date(2025, 8, 1), "2025-2026"),
        (dt.date(2024, 7, 31), "2023-2024"),
    ],
)
def test_school_year_containing(day: dt.date, expected: str) -> None:
    """containing() finds the school year a date falls in (the year turns on 1 August)."""
    assert expected == str(SchoolYear.containing(day))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2024, 8, 1), True),
        (dt.date(2025, 7, 31), True),
        (dt.date(2024, 7, 31), False),
        (dt.date(2025, 8, 1), False),
        (dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC), True),
        (dt.datetime(2025, 8, 1, 0, 0), False),
        ("2025-01-01", False),
        (None, False),
    ],
)
def test_school_year_contains(value: Any, expected: bool) -> None:
    """``in`` tells whether a date (or datetime) falls in the school year."""
    assert expected is (value in SchoolYear(2024))


def test_school_years_are_ordered() -> None:
    """School years sort by their first year."""
    years = [SchoolYear.parse(text) for text in ("2026-2027", "2024-2025", "2025-2026")]
    assert ["2024-2025", "2025-2026", "2026-2027"] == [str(y) for y in sorted(years)]
    assert SchoolYear(2024) < SchoolYear(2025)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "OBS\ud800"),
        ("name", "OBS\x00De Linde"),
        ("name", "OBS\nDe Linde"),
        ("name", "x" * 201),
        ("board", "Stichting\udfff"),
        ("board", "Stichting\x00"),
        ("board", "x" * 201),
        ("brin", "12AB\x00"),
        ("brin", "1" * 100_000),
        pytest.param("brin", 10**5000, id="brin-huge"),
    ],
)
def test_a_school_keeps_the_text_limits(field: str, value: Any) -> None:
    """A school's name and board are one line of at most 200 characters without control
    characters or lone surrogates; anything else is refused naming the field."""
    fields: dict[str, Any] = {
        "name": "OBS De Linde",
        "sector": "po",
        "board": "Stichting Primair",
        "brin": "12AB00",
        field: value,
    }
    with pytest.raises(InvalidData) as info:
        School(**fields)
    assert field == info.value.field
    assert len(info.value.reason) < 400


def test_a_school_name_of_the_longest_length_is_kept() -> None:
    """200 characters, any script, are a valid name and board."""
    longest = "Ø" * 199 + "\U0001f3eb"
    school = School(name=longest, sector="po", board=longest, brin="12AB00")
    assert (longest, longest) == (school.name, school.board)


@pytest.mark.parametrize("year", [10**5000, -(10**5000)], ids=["huge", "huge-negative"])
def test_a_school_year_of_a_huge_number_is_refused(year: int) -> None:
    """A year of thousands of digits is InvalidData naming school_year."""
    with pytest.raises(InvalidData) as info:
        SchoolYear(year)
    assert "school_year" == info.value.field
    assert "digits" in info.value.reason
