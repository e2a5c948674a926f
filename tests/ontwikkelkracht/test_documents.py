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


def regenerated(name: str) -> dict[str, Any]:
    return json.loads(schema_texts()[name])


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_shipped_schemas_are_in_step_with_the_code(name: str) -> None:
    """Regenerating a schema from the code gives the shipped document (compared parsed)."""
    assert regenerated(name) == schema(name)


def test_a_docstring_s_layout_does_not_change_a_schema_but_its_words_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Descriptions are the docstring's first paragraph with its white space folded:
    indenting a docstring otherwise (as msgspec and Python 3.13 do in their own ways)
    leaves the schema as shipped, while other words are a change the test catches."""
    from trajectory.ontwikkelkracht.payloads import RecordSelfScan

    name = "leertraject-event.schema.json"
    original = RecordSelfScan.__doc__ or ""
    monkeypatch.setattr(
        RecordSelfScan, "__doc__", "\n".join(f"        {line}" for line in original.split("\n"))
    )
    assert schema(name) == regenerated(name)
    monkeypatch.setattr(RecordSelfScan, "__doc__", original.replace("baseline", "starting point"))
    assert schema(name) != regenerated(name)


def test_a_changed_field_schema_fails_the_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real change of what a field accepts makes the regenerated schema differ."""
    from trajectory.ontwikkelkracht import programme

    name = "leertraject-snapshot.schema.json"
    types = programme().codec.schema_types
    changed = {**types["SchoolYear"], "pattern": r"^\d{4}$"}
    monkeypatch.setitem(types, "SchoolYear", changed)
    assert schema(name) != regenerated(name)


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


def test_the_application_s_and_the_ledger_s_documents_validate() -> None:
    """An application walked through receipt, completion, a grant of one location and
    a rejection of the other, an objection and its decision; every event of it and of
    its round's ledger, and both snapshots, validate against their shipped schemas."""
    import datetime as dt

    import trajectory
    from tests.office.test_office import BOARD, location
    from trajectory.ontwikkelkracht.ledger import ledger_id
    from trajectory.ontwikkelkracht.school import NETHERLANDS

    clock = trajectory.ManualClock(dt.datetime(2024, 5, 2, 10, 0, tzinfo=NETHERLANDS))
    with trajectory.open_store("memory://", clock=clock) as store:
        office = trajectory.Office(store, clock=clock)
        ids = [location(store, clock, f"School {brin}", brin) for brin in ("12AB00", "12AB01")]
        made = office.new_application(board=BOARD, round="2024-2025/main", locations=ids)
        office.record_talk(made.id, kind="exploratory_talk", date=clock().date())
        office.submit(made.id)
        office.request_completion(made.id)
        clock.set(clock() + dt.timedelta(days=3))
        office.complete(made.id)
        clock.set(clock() + dt.timedelta(days=30))
        office.grant(made.id, rejected={ids[1]: "The activity plan does not fit."})
        office.lodge_objection(made.id, grounds="It fits.")
        office.decide_objection(made.id, upheld=True, reason="Upheld.")
        documents = {
            "application": store.load(made.id),
            "ledger": store.load(ledger_id("2024-2025/main")),
        }
    for kind, stored in documents.items():
        events = validator(f"{kind}-event.schema.json")
        for event in stored.history:
            document = json.loads(json.dumps(dump_event(event, stored.lifecycle)))
            assert [] == list(events.iter_errors(document)), (kind, event.name)
        snapshot = json.loads(json.dumps(dump_snapshot(stored)))
        assert [] == list(validator(f"{kind}-snapshot.schema.json").iter_errors(snapshot))
        broken = json.loads(json.dumps(dump_event(stored.history[-1], stored.lifecycle)))
        broken["payload"] = {"no_such_field": 1}
        assert not events.is_valid(broken), kind
    assert {"submit", "request_completion", "complete", "decide", "decide_objection"} <= {
        event.name for event in documents["application"].history
    }
