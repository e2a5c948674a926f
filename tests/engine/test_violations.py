"""Violations: stable codes, messages in Dutch and English with figures, a registry."""

from __future__ import annotations

import re
from typing import Any

import pytest

from trajectory import (
    LANGUAGES,
    DefinitionError,
    InvalidData,
    Violation,
    ViolationRegistry,
    ViolationType,
)

MINIMUM = ViolationType(
    "participants.minimum",
    nl="Minimaal {required} deelnemers nodig, er zijn er {actual}.",
    en="At least {required} participants are needed, there are {actual}.",
)
UNKNOWN = ViolationType(
    "participants.unknown",
    nl="Onbekende deelnemers: {names}.",
    en="Unknown participants: {names}.",
)


def test_the_languages_are_dutch_and_english() -> None:
    """Messages exist in Dutch (the default, first) and English."""
    assert ("nl", "en") == LANGUAGES


def test_calling_a_type_makes_a_violation_with_code_and_details() -> None:
    """A ViolationType called with figures makes a Violation of its code with those details."""
    violation = MINIMUM(required=5, actual=3)

    assert isinstance(violation, Violation)
    assert "participants.minimum" == violation.code
    assert {"required": 5, "actual": 3} == dict(violation.details)
    assert MINIMUM is violation.type


def test_the_message_is_dutch_by_default_and_english_on_request() -> None:
    """message() fills in the figures, in Dutch by default and in English with 'en'."""
    violation = MINIMUM(required=5, actual=3)

    assert "Minimaal 5 deelnemers nodig, er zijn er 3." == violation.message()
    assert "Minimaal 5 deelnemers nodig, er zijn er 3." == violation.message("nl")
    assert "At least 5 participants are needed, there are 3." == violation.message("en")


@pytest.mark.parametrize("names", [["Anna", "Bram", "Chloé"], ("Anna", "Bram", "Chloé")])
def test_lists_in_details_are_joined_as_a_list_in_the_language(names: Any) -> None:
    """A list or tuple of figures is written as the language writes a list:
    'a, b en c' in Dutch, 'a, b and c' in English."""
    violation = UNKNOWN(names=names)

    assert re.fullmatch(r"Onbekende deelnemers: Anna, Bram,? en Chloé\.", violation.message("nl"))
    assert re.fullmatch(r"Unknown participants: Anna, Bram,? and Chloé\.", violation.message("en"))


def test_a_single_item_list_is_written_without_brackets() -> None:
    """A one-item list is written as the item itself."""
    assert "Unknown participants: Anna." == UNKNOWN(names=["Anna"]).message("en")


@pytest.mark.parametrize("lang", ["de", "NL", "", "english"])
def test_an_unknown_language_is_invalid_data(lang: str) -> None:
    """A language other than 'nl' or 'en' raises InvalidData naming 'lang'."""
    with pytest.raises(InvalidData) as refused:
        MINIMUM(required=5, actual=3).message(lang)

    assert "lang" == refused.value.field


def test_template_gives_the_raw_message() -> None:
    """template(lang) is the message without figures filled in."""
    assert MINIMUM.en == MINIMUM.template("en")
    assert MINIMUM.nl == MINIMUM.template("nl")


def test_details_are_read_only() -> None:
    """The details of a violation cannot be changed after it is made."""
    violation = MINIMUM(required=5, actual=3)

    with pytest.raises(TypeError):
        violation.details["actual"] = 5  # type: ignore[index]

    assert 3 == violation.details["actual"]


def test_details_are_a_copy_of_what_was_given() -> None:
    """Changing the mapping the details came from does not change the violation."""
    figures: dict[str, Any] = {"required": 5, "actual": 3}
    violation = Violation("participants.minimum", figures, MINIMUM)

    figures["actual"] = 5

    assert 3 == violation.details["actual"]


def test_violations_compare_by_code_and_details() -> None:
    """Two violations with the same code and figures are equal; other figures are not."""
    assert MINIMUM(required=5, actual=3) == MINIMUM(required=5, actual=3)
    assert MINIMUM(required=5, actual=3) != MINIMUM(required=5, actual=4)


def test_a_registry_holds_the_types_it_defines_by_code() -> None:
    """define() declares a type; the registry maps codes to types, in definition order."""
    registry = ViolationRegistry()

    first = registry.define("a.first", nl="Eerste.", en="First.")
    second = registry.define("a.second", nl="Tweede {n}.", en="Second {n}.", description="Two.")

    assert ["a.first", "a.second"] == list(registry)
    assert 2 == len(registry)
    assert first is registry["a.first"]
    assert "Second 2." == second(n=2).message("en")
    assert "Two." == second.description


def test_a_registry_refuses_a_code_declared_twice() -> None:
    """Declaring a code a second time, by define() or include(), raises a DefinitionError
    (a TrajectoryError, like every error the library raises on purpose) and keeps the
    first declaration."""
    registry = ViolationRegistry()
    first = registry.define("a.first", nl="Eerste.", en="First.")
    other = ViolationRegistry()
    other.define("a.first", nl="Eerste.", en="First.")

    with pytest.raises(DefinitionError, match=re.escape("'a.first'")):
        registry.define("a.first", nl="Nog eens.", en="Again.")
    with pytest.raises(DefinitionError, match=re.escape("'a.first'")):
        registry.include(other)

    assert first is registry["a.first"]
    assert 1 == len(registry)


def test_include_adds_every_type_of_another_registry() -> None:
    """include() copies the other registry's types in."""
    registry = ViolationRegistry()
    registry.define("a.first", nl="Eerste.", en="First.")
    other = ViolationRegistry()
    other.define("b.first", nl="B.", en="B.")

    registry.include(other)

    assert ["a.first", "b.first"] == list(registry)
    assert other["b.first"] is registry["b.first"]


def test_an_unknown_code_is_a_key_error() -> None:
    """The registry is a Mapping: an unknown code raises KeyError."""
    with pytest.raises(KeyError):
        ViolationRegistry()["nope"]


@pytest.mark.parametrize(
    "call",
    [
        lambda: ViolationRegistry().define(["code"], nl="x", en="y"),  # type: ignore[arg-type]
        lambda: ViolationRegistry().define("", nl="x", en="y"),
        lambda: ViolationRegistry().include(5),  # type: ignore[arg-type]
        lambda: ViolationRegistry().include({"code": "not a type"}),  # type: ignore[dict-item]
    ],
    ids=["a list as code", "an empty code", "an int", "a text as type"],
)
def test_a_registry_refuses_what_is_no_violation_type(call: Any) -> None:
    """Declaring or including something that is no code or no ViolationType is a
    DefinitionError."""
    with pytest.raises(DefinitionError):
        call()


def test_a_language_of_thousands_of_digits_is_invalid_data() -> None:
    """An unknown language is InvalidData naming 'lang', whatever it is (a number too
    long to print included)."""
    kind = ViolationType("c", nl="x", en="y")

    with pytest.raises(InvalidData) as refused:
        kind.template(10**5000)  # type: ignore[arg-type]

    assert "lang" == refused.value.field
