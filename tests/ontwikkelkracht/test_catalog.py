"""The catalog of offered learning trajectories (SPEC §4), as data."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.builders import new
from trajectory import (
    Catalog,
    InvalidData,
    ManualClock,
    Offer,
    SchoolYear,
    Trajectory,
    catalog,
    load_catalog,
)
from trajectory.ontwikkelkracht import Leertraject
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.ontwikkelkracht.violations import VIOLATIONS

SPEC_OFFERS = [
    ("leven-lang-lezen", "Een leven lang lezen", "OBS Het Klokhuis", "Beek en Donk"),
    (
        "gedrag-en-leren",
        "Gedrag én leren – passend onderwijsaanbod voor iedere leerling",
        "Gespecialiseerd Onderwijs Hoogeveen",
        "Hoogeveen",
    ),
    (
        "formatief-handelen",
        "Ontdek de kracht van formatief handelen",
        "Jac. P. Thijsse College",
        "Castricum",
    ),
    (
        "effectieve-lessen",
        "Samen werken aan effectieve lessen op basis van wetenschappelijke inzichten",
        "RKBS Drie Koningen",
        "De Meern",
    ),
]


def shipped_text() -> str:
    return (resources.files("trajectory.ontwikkelkracht.data") / "catalog.toml").read_text(
        encoding="utf-8"
    )


def offer(offer_id: str = "rekenen-plus", *years: int) -> Offer:
    return Offer(
        id=offer_id,
        title="Rekenen plus",
        expert_school="OBS De Teller",
        place="Utrecht",
        school_years=frozenset(SchoolYear(year) for year in years or (2024,)),
    )


def test_catalog_holds_the_four_offers_of_the_spec() -> None:
    """The shipped catalog holds exactly the four offers of SPEC §4, in order, with their
    titles, expert schools and places."""
    assert SPEC_OFFERS == [(o.id, o.title, o.expert_school, o.place) for o in catalog()]
    assert 4 == len(catalog())


@pytest.mark.parametrize(("offer_id", "title", "expert_school", "place"), SPEC_OFFERS)
def test_offer_by_id(offer_id: str, title: str, expert_school: str, place: str) -> None:
    """Each offer is found by its id and is offered in 2024-2025 (only)."""
    found = catalog().get(offer_id)
    assert (offer_id, title, expert_school, place) == (
        found.id,
        found.title,
        found.expert_school,
        found.place,
    )
    assert found.summary
    assert frozenset({SchoolYear(2024)}) == found.school_years
    assert found.offered_in(SchoolYear(2024))
    assert not found.offered_in(SchoolYear(2025))


@pytest.mark.parametrize("offer_id", ["lezen", "Leven-Lang-Lezen", "", "leven lang lezen"])
def test_unknown_offer(offer_id: str) -> None:
    """An unknown offer id raises InvalidData naming 'offer' and listing the known ids."""
    with pytest.raises(InvalidData) as info:
        catalog().get(offer_id)
    assert "offer" == info.value.field
    assert "leven-lang-lezen" in str(info.value)


@pytest.mark.parametrize("offer_id", ["no-such-offer", 5])
def test_new_trajectory_with_unknown_offer(offer_id: Any) -> None:
    """new_trajectory refuses an unknown offer (or one that is not an id or Offer)."""
    with pytest.raises(InvalidData) as info:
        new(offer=offer_id)
    assert "offer" == info.value.field


def test_new_trajectory_takes_the_offer_from_the_catalog() -> None:
    """new_trajectory with an offer id uses that offer from the shipped catalog."""
    t = new(offer="formatief-handelen")
    assert catalog().get("formatief-handelen") == t.data.offer


def test_for_year() -> None:
    """for_year lists the offers of a school year."""
    assert [o[0] for o in SPEC_OFFERS] == [o.id for o in catalog().for_year("2024-2025")]
    assert () == catalog().for_year(SchoolYear(2025))


def test_load_catalog_from_text() -> None:
    """load_catalog reads TOML text of the shipped form; the shipped text gives the
    shipped catalog."""
    assert catalog() == load_catalog(shipped_text())
    own = load_catalog(
        """
        [[offers]]
        id = "rekenen-plus"
        title = "Rekenen plus"
        expert_school = "OBS De Teller"
        place = "Utrecht"
        school_years = ["2024-2025", "2025-2026"]
        """
    )
    assert ["rekenen-plus"] == [o.id for o in own]
    assert own.get("rekenen-plus").offered_in(SchoolYear(2025))
    assert "" == own.get("rekenen-plus").summary


def test_load_catalog_from_path(tmp_path: Path) -> None:
    """load_catalog reads a file given as a Path; a custom catalog is used by id."""
    path = tmp_path / "catalog.toml"
    path.write_text(shipped_text().replace('["2024-2025"]', '["2024-2025", "2025-2026"]'))
    loaded = load_catalog(path)
    assert 4 == len(loaded.for_year("2025-2026"))
    t = new(offer="effectieve-lessen", offers=loaded)
    assert loaded.get("effectieve-lessen") is t.data.offer


def applying_in_2025_2026(**overrides: Any) -> Trajectory[Leertraject]:
    """A 2025-2026 leertraject of the shipped offer 'leven-lang-lezen', registered, in
    the 2025/2026 application window."""
    clock = ManualClock(dt.datetime(2025, 4, 1, 10, 0, tzinfo=NETHERLANDS))
    t = new(clock=clock, school_year="2025-2026", **overrides)
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2025, 3, 20))
    t.fire(
        "hold_orientation",
        date=dt.date(2025, 3, 25),
        learning_question="How do we raise reading motivation?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    return t


def test_the_shipped_catalog_offers_2024_2025_only() -> None:
    """The offer.unavailable message says the shipped catalog holds the offers of
    2024-2025 only: that is true of the shipped file (update the message with it)."""
    shipped_years = {str(year) for offer in catalog() for year in offer.school_years}
    unavailable = VIOLATIONS["offer.unavailable"]

    assert {"2024-2025"} == shipped_years
    assert "2024-2025" in unavailable.template("nl")
    assert "2024-2025" in unavailable.template("en")


def test_a_later_year_is_refused_with_how_to_load_a_catalog() -> None:
    """A 2025-2026 application for a shipped offer is refused with offer.unavailable;
    the message says the shipped catalog has 2024-2025 only and what to do, in words
    (no code names)."""
    t = applying_in_2025_2026()
    (violation,) = [v for v in t.check("submit_application") if v.code == "offer.unavailable"]
    dutch, english = violation.message("nl"), violation.message("en")

    assert {"offer": "leven-lang-lezen", "school_year": "2025-2026"} == dict(violation.details)
    assert dutch.startswith(
        "Het leertraject ‘Een leven lang lezen’ wordt in schooljaar 2025-2026 niet aangeboden."
    )
    assert "meegeleverd, bevat alleen het aanbod van 2024-2025" in dutch
    assert "leest u een eigen catalogus in met het aanbod van dat jaar" in dutch
    assert english.startswith(
        "The learning trajectory ‘Een leven lang lezen’ is not offered in school year"
    )
    assert "comes with the library holds the offers of 2024-2025 only" in english
    assert "load a catalog of your own with that year's offers" in english
    for message in (dutch, english):
        assert re.search(r"\w_\w|\w\(|=|`", message) is None, message  # no code names


def test_a_catalog_of_one_s_own_offers_the_later_year() -> None:
    """Started from a loaded catalog that offers 2025-2026, the same application is not
    refused for its offer."""
    own = load_catalog(shipped_text().replace('["2024-2025"]', '["2024-2025", "2025-2026"]'))
    t = applying_in_2025_2026(offers=own)

    assert "offer.unavailable" not in {v.code for v in t.check("submit_application")}


def test_load_catalog_missing_path(tmp_path: Path) -> None:
    """A catalog file that cannot be read raises InvalidData naming 'path'."""
    with pytest.raises(InvalidData) as info:
        load_catalog(tmp_path / "missing.toml")
    assert "path" == info.value.field


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[[offers]]\nid = = 1\n", "$"),
        ('[[offers]]\nid = "x"\ntitle = "X"\n', "$.offers[0].expert_school"),
        (
            '[[offers]]\nid = "x"\ntitle = "X"\nexpert_school = "S"\nplace = "P"\n'
            'school_years = ["2024/2025"]\n',
            "$.offers[0].school_years[0]",
        ),
    ],
)
def test_load_catalog_broken(text: str, field: str) -> None:
    """A broken catalog raises InvalidData saying where it is wrong."""
    with pytest.raises(InvalidData) as info:
        load_catalog(text)
    assert field == info.value.field


def test_catalog_rejects_duplicate_ids() -> None:
    """A catalog listing an offer id twice is refused, naming the id."""
    with pytest.raises(InvalidData) as info:
        Catalog((offer(), offer("other"), offer()))
    assert "offers" == info.value.field
    assert "rekenen-plus" in str(info.value)
    assert "other" not in str(info.value)


def test_load_catalog_rejects_duplicate_ids() -> None:
    """A catalog file listing an offer twice is refused, and the message names the id."""
    text = shipped_text()
    start = text.index("[[offers]]")
    first = text[start : text.index("[[offers]]", start + 1)]
    assert 'id = "leven-lang-lezen"' in first
    with pytest.raises(InvalidData) as info:
        load_catalog(text + "\n" + first)
    assert "leven-lang-lezen" in str(info.value)


def test_get_refuses_an_id_that_is_no_text_whatever_it_is() -> None:
    """An offer id that is no text (a tuple nested so deep that hashing it would
    recurse) is an unknown offer: InvalidData naming 'offer'."""
    deep: Any = ()
    for _ in range(100_000):
        deep = (deep,)
    with pytest.raises(InvalidData) as info:
        catalog().get(deep)
    assert "offer" == info.value.field


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("id", "x" * 65, "id"),
        ("id", "a\x00", "id"),
        ("title", "Lezen\ud800", "title"),
        ("title", "", "title"),
        ("expert_school", "OBS\nHet Klokhuis", "expert_school"),
        ("place", 5, "place"),
        ("summary", "\x07", "summary"),
        ("school_years", "2024-2025", "school_years"),
        ("school_years", ["2024/2025"], "school_year"),
    ],
)
def test_an_offer_built_in_python_keeps_the_limits(field: str, value: Any, named: str) -> None:
    """An offer is held to the text limits wherever it is made (it is part of a
    trajectory's creation event, which every store must be able to keep)."""
    fields: dict[str, Any] = {
        "id": "lezen",
        "title": "Lezen",
        "expert_school": "OBS Het Klokhuis",
        "place": "Beek en Donk",
        "school_years": ["2024-2025"],
        field: value,
    }
    with pytest.raises(InvalidData) as info:
        Offer(**fields)
    assert named == info.value.field


def test_an_offer_keeps_its_school_years_immutable() -> None:
    """School years given as a list are kept as a frozenset of SchoolYear."""
    years = ["2024-2025"]
    offer = Offer(id="lezen", title="Lezen", expert_school="OBS", place="Beek", school_years=years)
    years.append("2025-2026")
    assert frozenset({SchoolYear(2024)}) == offer.school_years
