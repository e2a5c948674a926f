"""Rounds (aanvraagtijdvakken) as data: the shipped rounds, finding a round, what a
round refuses, rules written before rounds, and the lottery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

import trajectory
from trajectory import InvalidData, SchoolYear, load_rules, rules_for
from trajectory.ontwikkelkracht import Round, draw_lots, new_seed, programme
from trajectory.ontwikkelkracht.rounds import MAX_SEED, check_round_id
from trajectory.ontwikkelkracht.rules import LEGACY_ROUND_SOURCE, legacy_rules_document
from trajectory.ontwikkelkracht.school import NETHERLANDS


def nl(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NETHERLANDS)


def a_round(**changes: Any) -> Round:
    """A valid round of 2024-2025, with ``changes``."""
    fields: dict[str, Any] = {
        "id": "2024-2025/spring",
        "school_year": "2024-2025",
        "opens": nl(2024, 4, 1),
        "closes": nl(2024, 6, 30, 16),
        "ceiling": Decimal("100000"),
        "source": "test",
    }
    return Round(**{**fields, **changes})


# -- the shipped rounds ------------------------------------------------------------------


def test_2024_2025_has_the_main_round_and_the_expert_school_round() -> None:
    """2024-2025 has two rounds (SPEC §2): the main window and the extra round for the
    expert-school pillar, with ceilings that are assumptions and the regulation's terms."""
    rules = rules_for("2024-2025")
    assert ["2024-2025/main", "2024-2025/expert-schools"] == [r.id for r in rules.rounds]
    main, extra = rules.rounds
    assert (nl(2024, 4, 25), nl(2024, 6, 28, 16)) == (main.opens, main.closes)
    assert (nl(2024, 10, 1, 9), nl(2024, 11, 29, 16)) == (extra.opens, extra.closes)
    assert "extra ronde pijler expertscholen" == extra.label
    for found in rules.rounds:
        assert SchoolYear(2024) == found.school_year
        assert found.ceiling is not None
        assert found.ceiling > 0
        assert found.ceiling_confirmed is False
        assert found.confirmed is False
        assert (13, 14, 6) == (found.decision_weeks, found.completion_days, found.objection_weeks)
        assert found.receipt_from_completion is True
        assert "day" == found.same_moment
        assert {"receipt_from_completion", "same_moment"} <= set(found.assumed)
        assert "Awb 6:7" in found.source
        assert "ceiling" in found.source


@pytest.mark.parametrize("year", ["2025-2026", "2026-2027"])
def test_later_years_have_one_assumed_round(year: str) -> None:
    """2025-2026 and 2026-2027 have one round each; its ceiling and terms are assumed."""
    (found,) = rules_for(year).rounds
    assert f"{year}/main" == found.id
    assert not found.ceiling_confirmed
    assert {"completion_days", "decision_weeks"} <= set(found.assumed)


def test_application_windows_are_derived_from_the_rounds() -> None:
    """Each round gives the application window the leertraject judges receipt by."""
    rules = rules_for("2024-2025")
    assert [(r.opens, r.closes, r.label) for r in rules.rounds] == [
        (w.opens, w.closes, w.label) for w in rules.application_windows
    ]
    assert rules.application_windows is rules.application_windows  # worked out once


def test_every_round_is_found_from_the_package_the_programme_and_the_rules() -> None:
    """trajectory.rules_for(year).rounds, Rules.round(id) and programme().round(id)
    give the same round."""
    found = trajectory.rules_for("2024-2025").rounds[1]
    assert found is rules_for("2024-2025").round("2024-2025/expert-schools")
    assert found is programme().round("2024-2025/expert-schools")
    assert rules_for("2026-2027").rounds[0] is programme().round("2026-2027/main")


@pytest.mark.parametrize(
    "round_id", ["2024-2025/autumn", "2030-2031/main", "main", "2024-2025/Main", 5, None]
)
def test_an_unknown_round_is_refused(round_id: Any) -> None:
    """An id that is no round's raises InvalidData; an id of a known year names the
    rounds that year has."""
    with pytest.raises(InvalidData) as info:
        programme().round(round_id)
    if round_id == "2024-2025/autumn":
        assert "2024-2025/main" in str(info.value)
        assert "2024-2025/expert-schools" in str(info.value)


def test_rules_round_names_the_known_rounds() -> None:
    """Rules.round with an unknown id raises InvalidData naming the known ones."""
    with pytest.raises(InvalidData) as info:
        rules_for("2025-2026").round("2025-2026/extra")
    assert "round" == info.value.field
    assert "2025-2026/main" in str(info.value)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (nl(2024, 4, 24, 23, 59), None),
        (nl(2024, 4, 25), "2024-2025/main"),
        (nl(2024, 6, 28, 16), "2024-2025/main"),
        (nl(2024, 6, 28, 16, 1), None),
        (nl(2024, 10, 1, 9), "2024-2025/expert-schools"),
        (dt.datetime(2024, 11, 29, 15, 0, tzinfo=dt.UTC), "2024-2025/expert-schools"),
        (dt.datetime(2024, 11, 29, 15, 0, 1, tzinfo=dt.UTC), None),
    ],
)
def test_round_at_and_accepts(moment: dt.datetime, expected: str | None) -> None:
    """round_at finds the round whose window holds the moment, both ends included, in
    any time zone, as window_at does; Round.accepts agrees."""
    rules = rules_for("2024-2025")
    found = rules.round_at(moment)
    assert expected == (None if found is None else found.id)
    assert (rules.window_at(moment) is None) == (found is None)
    for each in rules.rounds:
        assert (each is found) == each.accepts(moment)


@pytest.mark.parametrize("moment", [dt.datetime(2024, 5, 1), dt.date(2024, 5, 1), "2024-05-01"])
def test_a_naive_moment_is_refused(moment: Any) -> None:
    """A moment without a time zone (or no datetime) raises InvalidData naming it."""
    with pytest.raises(InvalidData) as info:
        rules_for("2024-2025").round_at(moment)
    assert "moment" == info.value.field
    with pytest.raises(InvalidData):
        rules_for("2024-2025").rounds[0].accepts(moment)


# -- what a round refuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes": nl(2024, 4, 1)}, "closes"),
        ({"closes": nl(2024, 3, 1)}, "closes"),
        ({"opens": dt.datetime(2024, 4, 1)}, "opens"),
        ({"ceiling": 0}, "ceiling"),
        ({"ceiling": -5}, "ceiling"),
        ({"ceiling": "lots"}, "ceiling"),
        ({"ceiling": Decimal("NaN")}, "ceiling"),
        ({"ceiling": None, "ceiling_confirmed": True}, "ceiling_confirmed"),
        ({"decision_weeks": 0}, "decision_weeks"),
        ({"completion_days": -1}, "completion_days"),
        ({"objection_weeks": 0}, "objection_weeks"),
        ({"objection_weeks": True}, "objection_weeks"),
        ({"decision_weeks": 2.5}, "decision_weeks"),
        ({"receipt_from_completion": "yes"}, "receipt_from_completion"),
        ({"same_moment": "week"}, "same_moment"),
        ({"assumed": ["hourly_cost"]}, "assumed[0]"),
        ({"assumed": "ceiling"}, "assumed"),
        ({"id": "2024-2025"}, "id"),
        ({"id": "2024-2025/Spring"}, "id"),
        ({"id": "2024-2025/spring round"}, "id"),
        ({"id": "2024-2025/" + "x" * 41}, "id"),
        ({"id": "2025-2026/spring"}, "id"),
        ({"school_year": "2024/2025"}, "school_year"),
        ({"label": "two\nlines"}, "label"),
    ],
)
def test_a_round_refuses_impossible_figures(changes: dict[str, Any], field: str) -> None:
    """A round that closes before it opens, a ceiling that is not a positive amount, a
    term that is not a positive whole number, an id that does not name its own school
    year: InvalidData naming the field."""
    with pytest.raises(InvalidData) as info:
        a_round(**changes)
    assert field == info.value.field


def test_an_unknown_ceiling_is_none() -> None:
    """A round may leave its ceiling unknown (None): then it is not confirmed."""
    found = a_round(ceiling=None)
    assert found.ceiling is None
    assert not found.confirmed
    assert a_round(ceiling_confirmed=True).confirmed


@pytest.mark.parametrize(
    ("rounds", "field"),
    [
        ([a_round(), a_round()], "rounds[1].id"),
        (
            [
                a_round(),
                a_round(id="2024-2025/summer", opens=nl(2024, 6, 30, 16), closes=nl(2024, 8, 1)),
            ],
            "rounds",
        ),
    ],
)
def test_rules_refuse_rounds_that_clash(rounds: list[Round], field: str) -> None:
    """Two rounds of a year with one id, or windows that overlap (a moment of receipt
    belongs to one round), are refused."""
    with pytest.raises(InvalidData) as info:
        attrs.evolve(rules_for("2024-2025"), rounds=rounds)
    assert field == info.value.field


def test_rules_refuse_a_round_of_another_year() -> None:
    """A round of another school year than the rules' is refused, naming it."""
    other = rules_for("2025-2026").rounds[0]
    with pytest.raises(InvalidData) as info:
        attrs.evolve(rules_for("2024-2025"), rounds=[other])
    assert "rounds[0].school_year" == info.value.field


def test_a_broken_round_in_a_file_says_where() -> None:
    """A rules file with a bad round figure reports its `$.rounds[i]` path."""
    from tests.ontwikkelkracht.test_rules import edited

    text = edited("objection_weeks = 6", "objection_weeks = 0")
    with pytest.raises(InvalidData) as info:
        load_rules(text)
    assert info.value.field.startswith("$.rounds[0]")


def test_round_ids_are_checked() -> None:
    """check_round_id accepts '<school year>/<name>' only."""
    assert "2024-2025/expert-schools" == check_round_id("2024-2025/expert-schools")
    for bad in ("2024-2026/main", "2024-2025/", "/main", "2024-2025/-main", "2024-2025/a--b"):
        with pytest.raises(InvalidData):
            check_round_id(bad)


# -- rules written before rounds --------------------------------------------------------------


def test_rules_written_before_rounds_read_as_rounds() -> None:
    """A rules document with application windows (written before rounds, as stored
    trajectories hold them) is read with each window a round: the first 'main', the
    others 'round-2' …, the ceiling unknown and the terms assumed."""
    converter = programme().converter
    document = converter.unstructure(rules_for("2024-2025"))
    document.pop("rounds")
    document["application_windows"] = [
        {
            "label": "voorjaar",
            "opens": "2024-04-25T00:00:00+02:00",
            "closes": "2024-06-28T16:00:00+02:00",
        },
        {
            "label": "najaar",
            "opens": "2024-10-01T09:00:00+02:00",
            "closes": "2024-11-29T16:00:00+01:00",
        },
    ]
    document["completion_period_days"] = 10
    from trajectory.ontwikkelkracht import Rules

    rules = converter.structure(document, Rules)
    assert ["2024-2025/main", "2024-2025/round-2"] == [r.id for r in rules.rounds]
    assert ["voorjaar", "najaar"] == [w.label for w in rules.application_windows]
    assert [None, None] == [r.ceiling for r in rules.rounds]
    assert [10, 10] == [r.completion_days for r in rules.rounds]
    assert all(LEGACY_ROUND_SOURCE == r.source for r in rules.rounds)
    assert all(not r.confirmed for r in rules.rounds)


@pytest.mark.parametrize("document", [None, [], {"rounds": [], "application_windows": []}])
def test_other_documents_are_left_as_they_are(document: Any) -> None:
    """A document that is not of the old form is given back as it is."""
    assert document == legacy_rules_document(document)


# -- the lottery ---------------------------------------------------------------------------


def test_draw_lots_is_reproducible_and_independent_of_input_order() -> None:
    """The same candidates and seed give the same order, however the candidates are given."""
    candidates = [f"application-{n}" for n in range(20)]
    first = draw_lots(candidates, seed=12345)
    assert first == draw_lots(list(reversed(candidates)), seed=12345)
    assert first == draw_lots(tuple(sorted(candidates, key=hash)), seed=12345)
    assert sorted(candidates) == sorted(first)


def test_draw_lots_depends_on_the_seed() -> None:
    """Different seeds give different orders (here: of 20 candidates, 10 seeds)."""
    candidates = [f"a{n}" for n in range(20)]
    orders = {draw_lots(candidates, seed=seed) for seed in range(10)}
    assert 10 == len(orders)


def test_draw_lots_is_stable() -> None:
    """The draw of a given seed does not change between releases (a recorded lottery
    can be drawn again and checked)."""
    assert ("d", "a", "c", "b") == draw_lots(["a", "b", "c", "d"], seed=1)


def test_draw_lots_of_none_or_one() -> None:
    """No candidates draw nothing; one is drawn alone."""
    assert () == draw_lots([], seed=1)
    assert ("only",) == draw_lots(["only"], seed=1)


@pytest.mark.parametrize(
    ("candidates", "seed", "field"),
    [
        (["a", "a"], 1, "candidates[1]"),
        (["a", 5], 1, "candidates[1]"),
        (["a", ""], 1, "candidates[1]"),
        ("ab", 1, "candidates"),
        (None, 1, "candidates"),
        (["a"], -1, "seed"),
        (["a"], MAX_SEED + 1, "seed"),
        (["a"], True, "seed"),
        (["a"], "1", "seed"),
    ],
)
def test_draw_lots_refuses_bad_input(candidates: Any, seed: Any, field: str) -> None:
    """A candidate twice, a candidate that is no id, or a seed that is no whole number in
    range: InvalidData naming it."""
    with pytest.raises(InvalidData) as info:
        draw_lots(candidates, seed=seed)
    assert field == info.value.field


def test_new_seed_is_a_fresh_seed_in_range() -> None:
    """new_seed gives whole numbers in the range draw_lots accepts, not the same twice."""
    seeds = {new_seed() for _ in range(20)}
    assert 20 == len(seeds)
    assert all(0 <= seed <= MAX_SEED for seed in seeds)
    for seed in seeds:
        draw_lots(["a", "b"], seed=seed)
