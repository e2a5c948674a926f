"""The catalog of offered learning trajectories, as data, read on first use through
the programme (``programme().catalog``).

>>> offer = catalog().get("leven-lang-lezen")
>>> offer.expert_school, offer.place
('OBS Het Klokhuis', 'Beek en Donk')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from trajectory.engine.conversion import load_toml
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import (
    Identifier,
    Line,
    Text,
    describe,
    identifier,
    line,
    non_blank,
    text,
)
from trajectory.ontwikkelkracht.school import SchoolYear

if TYPE_CHECKING:
    import cattrs

__all__ = ["Catalog", "Offer", "catalog", "load_catalog", "shipped_catalog"]


def _school_years(value: object, field: attrs.Attribute[Any]) -> frozenset[SchoolYear]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of school years, got {describe(value)}")
    return frozenset(SchoolYear.parse(year) for year in value)


@attrs.frozen
class Offer:
    """A learning trajectory offered by an expert school (its texts within the library's
    limits: see :mod:`trajectory.engine.fields`)."""

    id: Identifier = attrs.field(validator=identifier)
    title: Line = attrs.field(validator=[line, non_blank])
    expert_school: Line = attrs.field(validator=[line, non_blank])
    place: Line = attrs.field(validator=line)
    school_years: frozenset[SchoolYear] = attrs.field(
        converter=attrs.Converter(_school_years, takes_field=True)  # type: ignore[misc]
    )
    summary: Text = attrs.field(default="", validator=text)

    def offered_in(self, school_year: SchoolYear) -> bool:
        """Whether the offer is in the catalog for ``school_year``."""
        return school_year in self.school_years


@attrs.frozen
class Catalog:
    """The offers, by id."""

    offers: tuple[Offer, ...]
    _by_id: dict[str, Offer] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        ids = [offer.id for offer in self.offers]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidData("offers", f"offer ids listed twice: {', '.join(duplicates)}")
        object.__setattr__(self, "_by_id", {offer.id: offer for offer in self.offers})

    def get(self, offer_id: str) -> Offer:
        """The offer with ``offer_id``, or :class:`~trajectory.InvalidData`."""
        found = self._by_id.get(offer_id) if isinstance(offer_id, str) else None
        if found is not None:
            return found
        known = ", ".join(offer.id for offer in self.offers)
        raise InvalidData("offer", f"unknown offer {describe(offer_id)}; known: {known}")

    def for_year(self, school_year: str | SchoolYear) -> tuple[Offer, ...]:
        """The offers in the catalog for ``school_year``."""
        year = SchoolYear.parse(school_year)
        return tuple(offer for offer in self.offers if offer.offered_in(year))

    def __iter__(self) -> Iterator[Offer]:
        return iter(self.offers)

    def __len__(self) -> int:
        return len(self.offers)


def load_catalog(source: str | Path, *, converter: cattrs.Converter | None = None) -> Catalog:
    """Read a catalog file (a path, or TOML text) of the shipped form, with
    ``converter`` (default: the programme's)."""
    if converter is None:
        from trajectory.ontwikkelkracht.bootstrap import programme

        converter = programme().converter
    return load_toml(source, Catalog, converter=converter)


def shipped_catalog(converter: cattrs.Converter) -> Catalog:
    """Read the catalog that ships with the package, with ``converter``."""
    from importlib import resources

    resource = resources.files("trajectory.ontwikkelkracht.data") / "catalog.toml"
    return load_catalog(resource.read_text(encoding="utf-8"), converter=converter)


def catalog() -> Catalog:
    """The catalog that ships with the package, the programme's (``programme().catalog``,
    read once, on first use)."""
    from trajectory.ontwikkelkracht.bootstrap import programme

    return programme().catalog
