"""`trajectory fields`: the payload fields an event takes, from the payload classes."""

from __future__ import annotations

import json

import attrs
import pytest

from tests.command_line import error, run
from trajectory.cli._fields import FIELD_MEANINGS, payload_fields
from trajectory.engine.definition import NoPayload
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.model import Role

EVENTS = [LIFECYCLE.creation.name, *LIFECYCLE.events]


def _payload(event: str) -> type:
    definition = LIFECYCLE.creation if event == LIFECYCLE.creation.name else LIFECYCLE.events[event]
    return definition.payload  # type: ignore[no-any-return]


def test_without_an_event_every_event_is_listed_with_its_fields() -> None:
    """`fields --json` lists every event, the creation first, with what it does and the
    names of its payload's fields."""
    listed = json.loads(run("fields", "--json"))
    assert EVENTS == [entry["event"] for entry in listed]
    for entry in listed:
        payload = _payload(entry["event"])
        names = [] if payload is NoPayload else [f.name for f in attrs.fields(payload) if f.init]
        assert names == entry["fields"], entry["event"]
        assert entry["description"], entry["event"]


def test_log_hours_takes_a_participant_a_date_and_hours() -> None:
    """`fields log_hours --json`: each field with its type, whether it is required,
    and its meaning."""
    document = json.loads(run("fields", "log_hours", "--json"))
    assert "log_hours" == document["event"]
    assert [
        ("participant", "text", True),
        ("date", "date (2024-10-01)", True),
        ("hours", "number", True),
    ] == [(f["name"], f["type"], f["required"]) for f in document["fields"]]
    assert "More than 0 and at most 24." == document["fields"][2]["meaning"]


@pytest.mark.parametrize(
    ("event", "field", "kind", "required"),
    [
        ("add_participant", "role", "one of: " + ", ".join(role.value for role in Role), True),
        ("form_core_group", "members", "list of texts (JSON)", True),
        ("plan_calendar", "study_moments", "list of dates (2024-10-01) (JSON)", True),
        ("request_completion", "deadline", "date (2024-10-01)", False),
        ("grant", "amount", "number", False),
        ("record_self_scan", "scores", "object of texts to whole numbers (JSON)", True),
    ],
)
def test_each_kind_of_field_says_how_it_is_typed(
    event: str, field: str, kind: str, required: bool
) -> None:
    """Choices list their values, lists and objects say they are JSON, an optional
    field is not required."""
    (found,) = [f for f in payload_fields(LIFECYCLE, event) if f.name == field]
    assert (kind, required) == (found.type, found.required)


@pytest.mark.parametrize("event", EVENTS)
def test_every_field_of_every_event_has_a_meaning(event: str) -> None:
    """No field is listed without saying what it is (its docstring or FIELD_MEANINGS)."""
    assert [] == [f.name for f in payload_fields(LIFECYCLE, event) if not f.meaning]


def test_every_meaning_given_here_belongs_to_a_field() -> None:
    """FIELD_MEANINGS names only fields that exist."""
    existing = {(event, f.name) for event in EVENTS for f in payload_fields(LIFECYCLE, event)}
    assert set() == set(FIELD_MEANINGS) - existing


def test_the_text_shows_each_field_with_its_meaning() -> None:
    """Without --json the fields are a table with their meaning."""
    text = run("fields", "log_hours")
    for field in payload_fields(LIFECYCLE, "log_hours"):
        assert field.name in text
    assert "More than 0 and at most 24." in " ".join(text.split())


def test_a_reference_to_the_api_in_a_docstring_is_shown_as_plain_text() -> None:
    """A docstring's :func:`~module.name` is shown as `name`."""
    (name,) = [f for f in payload_fields(LIFECYCLE, "add_participant") if f.name == "name"]
    assert ":func:" not in name.meaning
    assert "`normalise_name`" in name.meaning


def test_an_event_without_a_payload_says_so() -> None:
    """register takes no payload."""
    assert "register takes no payload\n" == run("fields", "register")


def test_an_unknown_event_is_one_line_with_a_suggestion() -> None:
    """A mistyped event is a usage error that suggests the event meant."""
    line = error("fields", "log_hour", "--lang", "en")
    assert "unknown event `log_hour`; did you mean `log_hours`?" in line
