"""Every message of the command line, in Dutch and English, reads as a person writes:
what the user types is shown as code (between backticks), nothing else reads as code."""

from __future__ import annotations

import pytest

from tests.messages import problems
from tests.ontwikkelkracht.test_messages import values_of
from trajectory.cli._messages import MESSAGES, message, speaking
from trajectory.engine.wording import LANGUAGES
from trajectory.ontwikkelkracht.labels import WORDING


@pytest.mark.parametrize("key", list(MESSAGES))
def test_every_message_reads_without_identifiers(key: str) -> None:
    """The message ``key`` in both languages, rendered with figures made from its
    format specs, holds no identifier outside backticks."""
    assert set(LANGUAGES) == set(MESSAGES[key])

    assert [] == problems(MESSAGES[key], WORDING, values_of)


def test_the_state_and_the_event_of_a_message_are_their_labels() -> None:
    """A message naming an event and a state shows their labels, and the states it
    can be taken in as a list of alternatives."""
    with speaking("nl"):
        dutch = message(
            "event.not_allowed",
            event="grant",
            state="rejected",
            allowed=["application_submitted", "application_incomplete"],
        )
    with speaking("en"):
        english = message("event.not_allowed", event="grant", state="rejected", allowed=["granted"])

    assert "subsidie verlenen" in dutch
    assert "afgewezen" in dutch
    assert "subsidieaanvraag ingediend of aanvulling gevraagd" in dutch
    assert "grant the subsidy" in english
    assert "‘rejected’" in english


@pytest.mark.parametrize(
    "template",
    ["the state {state} is wrong", "de fase application_submitted is fout", "zie {value!s}"],
)
def test_a_message_with_an_identifier_is_caught(template: str) -> None:
    """A command-line message showing an identifier in its sentence is caught (or, with
    a conversion, refused as a template)."""
    from trajectory.engine.errors import DefinitionError

    try:
        found = problems({"nl": template}, WORDING, values_of)
    except DefinitionError:
        return
    if not found:  # a plain figure whose value is an identifier
        with speaking("nl"):
            from tests.messages import identifiers

            found = identifiers(WORDING.render(template, {"state": "in_progress"}, "nl"))
    assert found
