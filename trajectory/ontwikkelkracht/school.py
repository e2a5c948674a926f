"""The school: its sector, its board, its BRIN number; the Dutch school year and the
Dutch time zone."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import Line, check_line, choice, describe, line, non_blank

__all__ = ["NETHERLANDS", "School", "SchoolYear", "Sector"]

#: The time zone of the Netherlands: the dates of the rules and the school year are
#: Dutch dates.
NETHERLANDS: Final = ZoneInfo("Europe/Amsterdam")


class Sector(enum.StrEnum):
    """The sector of a school."""

    PO = "po"
    """Primary education (primair onderwijs)."""
    VO = "vo"
    """Secondary education (voortgezet onderwijs)."""
    SO = "so"
    """Special primary education (speciaal onderwijs)."""
    VSO = "vso"
    """Special secondary education (voortgezet speciaal onderwijs)."""


_YEAR_PATTERN: Final = re.compile(r"(\d{4})-(\d{4})")
_FIRST_MONTH: Final = 8  # a Dutch school year runs 1 August – 31 July


@attrs.frozen(order=True, cache_hash=True)
class SchoolYear:
    """A Dutch school year, 1 August – 31 July, written ``2024-2025``.

    >>> year = SchoolYear.parse("2024-2025")
    >>> year.start, year.end
    (datetime.date(2024, 8, 1), datetime.date(2025, 7, 31))
    >>> SchoolYear.containing(dt.date(2025, 3, 1))
    SchoolYear(first_year=2024)
    """

    first_year: int = attrs.field()

    @first_year.validator
    def _check_first_year(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2999:
            raise InvalidData(
                "school_year", f"expected a year from 1900 to 2999, got {describe(value)}"
            )

    @classmethod
    def parse(cls, text: object) -> SchoolYear:
        """Parse ``"2024-2025"``; a ``SchoolYear`` is returned as it is."""
        if isinstance(text, SchoolYear):
            return text
        if not isinstance(text, str):
            raise InvalidData(
                "school_year", f"expected text such as '2024-2025', got {describe(text)}"
            )
        return _parse_school_year(text)

    @classmethod
    def _from_text(cls, text: str) -> SchoolYear:
        match = _YEAR_PATTERN.fullmatch(text.strip())
        if match is None:
            raise InvalidData("school_year", f"expected the form '2024-2025', got {describe(text)}")
        first, second = int(match[1]), int(match[2])
        if second != first + 1:
            raise InvalidData(
                "school_year", f"the second year must follow the first, got {describe(text)}"
            )
        return cls(first)

    @classmethod
    def containing(cls, day: dt.date) -> SchoolYear:
        """The school year that ``day`` falls in."""
        return cls(day.year if day.month >= _FIRST_MONTH else day.year - 1)

    @property
    def start(self) -> dt.date:
        """1 August of the first year."""
        return dt.date(self.first_year, _FIRST_MONTH, 1)

    @property
    def end(self) -> dt.date:
        """31 July of the second year."""
        return dt.date(self.first_year + 1, _FIRST_MONTH - 1, 31)

    def __contains__(self, day: object) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.first_year}-{self.first_year + 1}"


@functools.lru_cache(maxsize=512)
def _parse_school_year(text: str) -> SchoolYear:
    """Parsing is cached: a school year is immutable and few distinct ones exist."""
    return SchoolYear._from_text(text)


def _brin(value: object, field: attrs.Attribute[Any]) -> str:
    if not isinstance(value, str):
        raise InvalidData(
            field.name, f"expected a BRIN such as '12AB' or '12AB00', got {describe(value)}"
        )
    check_line(value, field.name)
    # python-stdnum is imported on first use: it imports networking modules.
    from stdnum.exceptions import ValidationError
    from stdnum.nl import brin as stdnum_brin

    try:
        return str(stdnum_brin.validate(value))
    except ValidationError as err:
        raise InvalidData(
            field.name,
            f"{describe(value)} is not a valid BRIN (2 digits, 2 letters, optionally "
            f"a 2-digit location number): {err}",
        ) from err


@attrs.frozen
class School:
    """A school location taking part in a programme.

    ``brin`` is validated and normalised with python-stdnum: ``"12ab 00"`` becomes
    ``"12AB00"``; an invalid one raises :class:`~trajectory.InvalidData`. ``name`` and
    ``board`` are short texts (one line, at most 200 characters: see
    :mod:`trajectory.engine.fields`).

    >>> School(name="OBS De Linde", sector="po", board="Stichting Primair", brin="12ab00")
    School(name='OBS De Linde', sector=<Sector.PO: 'po'>, board='Stichting Primair', brin='12AB00')
    """

    name: Line = attrs.field(validator=[line, non_blank])
    sector: Sector = attrs.field(converter=choice(Sector))  # type: ignore[misc]
    board: Line = attrs.field(validator=[line, non_blank])
    brin: str = attrs.field(converter=attrs.Converter(_brin, takes_field=True))  # type: ignore[misc]

    @property
    def institution(self) -> str:
        """The 4-character BRIN of the institution, without the location number."""
        return self.brin[:4]

    @property
    def location(self) -> str | None:
        """The 2-digit location number (vestiging), if given."""
        return self.brin[4:] or None
