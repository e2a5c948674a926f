"""The wording of messages: figures formatted in the language by their format specs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.wording import PLAIN, Wording, check_template, figures, render

AMSTERDAM = Wording(timezone=ZoneInfo("Europe/Amsterdam"))
PLURAL = "{n:plural =0:geen uur|one:# uur|other:# uur}"


@pytest.mark.parametrize(("n", "shown"), [(0, "geen uur"), (1, "1 uur"), (2, "2 uur")])
def test_a_plural_chooses_its_text_by_the_count(n: int, shown: str) -> None:
    """A plural figure takes the exact alternative (=0) first, else the category of
    the language's plural rules, with '#' as the number."""
    assert shown == render(PLURAL, {"n": n}, "nl")


def test_a_plural_of_nouns_differs_between_one_and_more() -> None:
    """'1 schoolleider', '2 schoolleiders'; '1 school leader', '2 school leaders'."""
    nl = "{n:plural one:# schoolleider|other:# schoolleiders}"
    en = "{n:plural one:# school leader|other:# school leaders}"
    assert ["1 schoolleider", "2 schoolleiders"] == [render(nl, {"n": n}, "nl") for n in (1, 2)]
    assert ["1 school leader", "2 school leaders"] == [render(en, {"n": n}, "en") for n in (1, 2)]


def test_a_moment_is_shown_in_the_wordings_time_zone() -> None:
    """An aware datetime is shown in the wording's time zone, to the minute, with the
    language's word between date and time."""
    moment = dt.datetime(2024, 4, 25, 14, 0, tzinfo=dt.UTC)

    dutch = AMSTERDAM.render("{m:datetime}", {"m": moment}, "nl")
    english = AMSTERDAM.render("{m:datetime}", {"m": moment}, "en")

    assert re.fullmatch(r"25 april 2024 om 16:00", dutch)
    assert re.fullmatch(r"25 April 2024 at 16:00", english)
    assert "14:00" in PLAIN.render("{m:datetime}", {"m": moment}, "en")


def test_amounts_dates_and_numbers_are_in_the_languages_format() -> None:
    """An amount with its currency sign and the language's separators; a date with
    its month's name; a number with the language's decimal sign."""
    amount = render("{a:EUR}", {"a": Decimal("21200")}, "nl")
    assert re.fullmatch(r"€\s?21\.200,00", amount)
    assert re.fullmatch(r"€\s?21,200\.00", render("{a:EUR}", {"a": Decimal("21200")}, "en"))
    assert "25 april 2024" == render("{d:date}", {"d": dt.date(2024, 4, 25)}, "nl")
    assert "7,5" == render("{h:number}", {"h": Decimal("7.5")}, "nl")


def test_a_list_and_a_period() -> None:
    """A list joins with 'en' / 'and' (or 'of' / 'or' for alternatives); a period
    shows both ends."""
    assert "a, b en c" == render("{x:list}", {"x": ["a", "b", "c"]}, "nl")
    assert "a or b" == render("{x:or}", {"x": ["a", "b"]}, "en")
    assert "—" == render("{x:list}", {"x": []}, "en")
    period = render("{p:date period}", {"p": (dt.date(2024, 8, 1), dt.date(2025, 7, 31))}, "en")
    assert "1 August 2024 – 31 July 2025" == period


def test_a_label_kind_shows_the_label_and_an_unknown_value_as_it_is() -> None:
    """A figure naming a label kind shows the value's label; without one, the value."""
    wording = Wording(labels=(lambda kind, value, lang: {"x_y": "iks"}.get(value),))
    assert "iks, z_w" == wording.render("{v:thing list}", {"v": ["x_y", "z_w"]}, "nl").replace(
        " en ", ", "
    )


def test_figures_read_what_each_spec_declares() -> None:
    """figures() gives each figure's type, kind, currency and list-ness."""
    found = figures("{a:date} {b:EUR} {c:role list} {d:plural one:#|other:#} {e}")
    assert ("date", None) == (found["a"].type, found["a"].kind)
    assert "EUR" == found["b"].currency
    assert ("role", True) == (found["c"].kind, found["c"].many)
    assert "plural" == found["d"].type
    assert "text" == found["e"].type


@pytest.mark.parametrize(
    "template",
    ["{n:plural one:# uur}", "{n:plural few:# x|other}", "{n!r}", "{0}", "{n:DATE!}", "{"],
)
def test_a_bad_template_is_a_definition_error(template: str) -> None:
    """A plural without 'other' or with a bad alternative, a conversion, a positional
    figure, an unknown format word or broken braces is a DefinitionError."""
    with pytest.raises(DefinitionError):
        check_template(template)


def test_python_format_specs_are_still_understood() -> None:
    """A Python format spec ('{n:,}') formats as Python does."""
    assert "1,200" == render("{n:,}", {"n": 1200}, "nl")


def test_an_unknown_language_is_invalid_data() -> None:
    """Rendering in a language other than nl or en is InvalidData naming 'lang'."""
    with pytest.raises(InvalidData) as refused:
        render("x", {}, "de")
    assert "lang" == refused.value.field
