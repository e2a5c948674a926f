"""Every message of every violation code, rendered in Dutch and English with figures
made for it, reads as a person writes: no code identifier inside a sentence."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import pytest

from tests.messages import identifiers, problems
from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.violations import ViolationRegistry
from trajectory.engine.wording import LANGUAGES, figures
from trajectory.ontwikkelkracht import labels as labelling
from trajectory.ontwikkelkracht.bootstrap import programme
from trajectory.ontwikkelkracht.labels import WORDING, label, labels
from trajectory.ontwikkelkracht.model import (
    ActivityPlanPart,
    ChangeKind,
    Conclusion,
    DevelopmentPlanPart,
    Role,
    SettlementRoute,
    StudyMomentForm,
    TalkKind,
)
from trajectory.ontwikkelkracht.school import Sector

#: Where the values of each label kind come from: the enumerations and the definition,
#: so that a value added there without a label is caught.
ENUMERATIONS: dict[str, type[enum.StrEnum]] = {
    "role": Role,
    "talk_kind": TalkKind,
    "study_moment_form": StudyMomentForm,
    "activity_plan_part": ActivityPlanPart,
    "development_plan_part": DevelopmentPlanPart,
    "sector": Sector,
    "change_kind": ChangeKind,
    "settlement_route": SettlementRoute,
}


def values_of(kind: str) -> Sequence[str]:
    """Every value of label ``kind`` the leertraject knows."""
    leertraject = programme().leertraject
    if kind == "state":
        return list(leertraject.states)
    if kind == "event":
        return ["created", *leertraject.events]
    if kind == "conclusion":
        return [*(str(value) for value in Conclusion), "none"]
    if kind in ENUMERATIONS:
        return [str(value) for value in ENUMERATIONS[kind]]
    return list(labels(kind))  # InvalidData for a kind no label table has


def codes() -> list[str]:
    return list(programme().leertraject.violations)


@pytest.mark.parametrize("code", codes())
def test_every_message_reads_without_identifiers(code: str) -> None:
    """The Dutch and the English message of ``code``, with every value of each figure
    (each label of its kind, counts 0, 1, 2 and 12, a date, a moment, an amount, lists
    of none, one and two), hold no snake_case token, dotted code, ISO date or time,
    Python value or unfilled placeholder."""
    declared = programme().leertraject.violations[code]
    templates = {lang: declared.template(lang) for lang in LANGUAGES}

    assert [] == problems(templates, programme().leertraject.wording, values_of)


@pytest.mark.parametrize(
    ("nl", "en", "why"),
    [
        ("Het onderdeel team_support ontbreekt.", "The part team_support is missing.", "word"),
        ("Het onderdeel {part} ontbreekt.", "The part {part} is missing.", "no label kind"),
        ("De code is activity_plan.missing_part.", "The code is x.y.", "dotted code"),
        ("Vandaag is 2024-04-25.", "Today is 2024-04-25.", "ISO date"),
        ("Het bedrag is Decimal('5').", "The amount is Decimal('5').", "repr"),
        ("Het is {moment:text}.", "It is {moment:text}.", "datetime as text"),
        ("Er is niets ({nothing}).", "Nothing ({nothing}).", "None"),
        ("Nog open: {left}.", "Still open: {left}.", "placeholder left"),
    ],
)
def test_an_identifier_in_a_message_is_caught(nl: str, en: str, why: str) -> None:
    """A template that shows a real identifier (in its text, or through a figure shown
    without its label kind or as a Python value) is caught by the same check."""
    registry = ViolationRegistry(wording=WORDING)
    declared = registry.define("example.bad", nl=nl, en=en)
    templates = {lang: declared.template(lang) for lang in LANGUAGES}

    def sample(kind: str) -> Sequence[str]:
        return values_of(kind)

    found = problems(templates, WORDING, sample)
    if not found and "{" in nl:  # figures whose value is code: render them as such
        details: dict[str, Any] = {
            "part": "team_support",
            "moment": "2024-04-25T16:00:00+02:00",
            "nothing": None,
            "left": "{still}",
        }
        used = {name: details[name] for name in figures(nl)}
        found = identifiers(declared(**used).message("nl"))
    assert found, why


@pytest.mark.parametrize("kind", [*ENUMERATIONS, "conclusion", "event", "state"])
def test_every_value_has_a_label_in_both_languages(kind: str) -> None:
    """Every value of every enumeration, every event and every state has a label in
    Dutch and in English, and the two differ from the identifier."""
    for value in values_of(kind):
        for lang in LANGUAGES:
            shown = label(kind, value, lang)
            assert shown.strip(), (kind, value, lang)
            assert [] == identifiers(shown), (kind, value, lang, shown)


def test_every_kind_a_message_names_has_labels() -> None:
    """Every label kind that a message's figure names is one the labels know."""
    for declared in programme().leertraject.violations.values():
        for lang in LANGUAGES:
            for figure in figures(declared.template(lang)).values():
                if figure.kind is not None and figure.kind != "cycle":
                    assert values_of(figure.kind), (declared.code, figure.kind)


def test_label_reads_the_labels_file_and_the_definition() -> None:
    """label() gives the labels file's text, the definition's state labels and the
    catalog's offer titles."""
    assert "draagvlak in het team" == label("activity_plan_part", "team_support", "nl")
    assert "support in the team" == label("activity_plan_part", "team_support", "en")
    assert "subsidie verleend" == label("state", "granted")
    assert "schoolleider" == label("role", "school_leader")
    offer = next(iter(programme().catalog))
    assert offer.title == label("offer", offer.id, "en")


@pytest.mark.parametrize(
    ("kind", "value", "lang", "field"),
    [
        ("colour", "red", "nl", "kind"),
        ("role", "astronaut", "nl", "value"),
        ("role", "teacher", "de", "lang"),
        ("role", 5, "nl", "value"),
    ],
)
def test_an_unknown_label_is_invalid_data(kind: str, value: Any, lang: str, field: str) -> None:
    """An unknown kind, value or language is InvalidData naming it; the lookup of the
    messages gives None instead."""
    with pytest.raises(InvalidData) as refused:
        label(kind, value, lang)

    assert field == refused.value.field
    assert labelling.lookup(kind, value, lang) is None


def test_a_template_with_a_bad_plural_is_refused_when_declared() -> None:
    """A plural without an 'other' alternative, or an unknown format word, is a
    DefinitionError when the violation is declared."""
    registry = ViolationRegistry(wording=WORDING)

    with pytest.raises(DefinitionError, match="other"):
        registry.define("a.b", nl="{n:plural one:# uur}", en="{n:plural other:# hours}")
    with pytest.raises(DefinitionError, match="!r"):
        registry.define("a.c", nl="{n!r}", en="{n}")
    assert "a.b" not in registry
