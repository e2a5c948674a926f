"""The shipped JSON Schema files: in step with the code, and true of real documents."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest

from tests.builders import at_state
from trajectory.engine.serialization import dump_event, dump_snapshot
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.documents import SCHEMA_FILES, schema_texts, shipped_schema

STATES = ["application_incomplete", "settled", "stopped", "closing", "not_pursued"]


def schema(name: str) -> dict[str, Any]:
    return json.loads(shipped_schema(name))


def validator(name: str) -> jsonschema.Draft202012Validator:
    found = schema(name)
    jsonschema.Draft202012Validator.check_schema(found)
    return jsonschema.Draft202012Validator(found)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_shipped_schemas_are_in_step_with_the_code(name: str) -> None:
    """Regenerating a schema from the code gives the shipped file exactly."""
    assert schema_texts()[name] == shipped_schema(name)


@pytest.mark.parametrize("state", STATES)
def test_real_documents_validate(state: str) -> None:
    """Every event and the snapshot of trajectories in several states validate."""
    t = at_state(state)
    events = validator("leertraject-event.schema.json")
    for event in t.history:
        document = json.loads(json.dumps(dump_event(event, LIFECYCLE)))
        errors = list(events.iter_errors(document))
        assert [] == errors, event.name
    snapshot = json.loads(json.dumps(dump_snapshot(t)))
    assert [] == list(validator("leertraject-snapshot.schema.json").iter_errors(snapshot))


def test_the_event_schema_catches_a_wrong_payload() -> None:
    """A payload that does not fit its event, or an unknown role, is invalid."""
    t = at_state("application_in_preparation")
    document = json.loads(json.dumps(dump_event(t.history[4], LIFECYCLE)))
    assert "add_participant" == document["name"]
    events = validator("leertraject-event.schema.json")
    wrong_role = copy.deepcopy(document)
    wrong_role["payload"]["role"] = "astronaut"
    assert not events.is_valid(wrong_role)
    no_name = copy.deepcopy(document)
    del no_name["payload"]["name"]
    assert not events.is_valid(no_name)
    other_event = copy.deepcopy(document)
    other_event["name"] = "hold_intake"
    assert not events.is_valid(other_event)


def test_the_snapshot_schema_catches_wrong_data() -> None:
    """A snapshot with an unknown state or a wrong school year is invalid."""
    document = json.loads(json.dumps(dump_snapshot(at_state("granted"))))
    snapshots = validator("leertraject-snapshot.schema.json")
    assert snapshots.is_valid(document)
    unknown_state = {**document, "state": "flying"}
    assert not snapshots.is_valid(unknown_state)
    wrong_year = copy.deepcopy(document)
    wrong_year["data"]["school_year"] = "2024/2025"
    assert not snapshots.is_valid(wrong_year)
