"""trajectory.publish: the outbox's committed events as CloudEvents 1.0, checked by
reading them back with the ``cloudevents`` SDK's own JSON format and HTTP binding."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from cloudevents.core.bindings.http import from_structured, to_structured
from cloudevents.core.formats.json import JSONFormat

from tests.builders import at_state
from trajectory import CorruptRecord, InvalidData, ManualClock, Store, open_store
from trajectory.engine.serialization import dump_event
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.publish import CONTENT_TYPE, CloudEvents
from trajectory.store.records import OutboxEntry

NOW = dt.datetime(2024, 5, 1, 10, 0, tzinfo=NETHERLANDS)
LEERTRAJECT = "ontwikkelkracht.leertraject"
SCHEMA = "https://office.example/schemas/leertraject-event.schema.json"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Store]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url, clock=ManualClock(NOW)) as opened:
        yield opened


def _walked(store: Store) -> Any:
    trajectory = at_state("application_in_preparation", clock=ManualClock(NOW))
    store.save(trajectory)
    return trajectory


def test_every_committed_event_is_a_cloudevent_the_sdk_reads_back(store: Store) -> None:
    """Each event of a saved trajectory comes out once, in order, with its id, type,
    subject, time and sequence, and the event as the library writes it as data; the
    SDK reads the structured JSON back to the same attributes and data."""
    trajectory = _walked(store)
    events = CloudEvents(source="https://office.example/", schemas={LEERTRAJECT: SCHEMA})
    read = events.read(store, 0, 1000)
    assert [event.id for event in trajectory.history] == [e.get_id() for _, e in read]
    positions = [position for position, _ in read]
    assert sorted(set(positions)) == positions
    for (_, event), stored in zip(read, trajectory.history, strict=True):
        assert f"{LEERTRAJECT}.{stored.name}" == event.get_type()
        assert trajectory.id == event.get_subject()
        assert stored.timestamp == event.get_time()
        assert SCHEMA == event.get_dataschema()
        assert str(stored.sequence) == event.get_extension("sequence")
        assert dump_event(stored, trajectory.lifecycle) == event.get_data()
    entry = store.read_outbox(0, 1)[0]
    written = events.to_json(entry)
    back = JSONFormat().read(None, written)
    assert back.get_attributes() == events.event(entry).get_attributes()
    assert back.get_data() == events.event(entry).get_data()
    document = json.loads(written)
    assert "1.0" == document["specversion"]
    assert {"id", "source", "type", "subject", "time", "dataschema", "data"} <= set(document)


def test_the_structured_form_goes_over_http_and_back(store: Store) -> None:
    """The SDK's HTTP binding carries an event in the structured mode with the
    CloudEvents content type, and reads it back the same."""
    _walked(store)
    events = CloudEvents(source="/trajectories")
    event = events.event(store.read_outbox(0, 1)[0])
    message = to_structured(event, JSONFormat())
    assert message.headers["content-type"].startswith(CONTENT_TYPE)
    back = from_structured(message, JSONFormat())
    assert event.get_attributes() == back.get_attributes()
    assert None is event.get_dataschema()


def test_a_consumer_reads_on_from_the_position_it_kept(store: Store) -> None:
    """Read in pages from the last position handled, the events come each once, in
    the outbox's order, and a batch is one JSON array of them."""
    _walked(store)
    events = CloudEvents(source="https://office.example/", type_prefix="nl.example.")
    everything = [event.get_id() for _, event in events.read(store, 0, 1000)]
    seen: list[str] = []
    after = 0
    while page := events.read(store, after, 2):
        seen += [event.get_id() for _, event in page]
        after = page[-1][0]
    assert everything == seen
    batch = json.loads(events.batch(store.read_outbox(0, 3)))
    assert everything[:3] == [item["id"] for item in batch]
    assert all(item["type"].startswith("nl.example.ontwikkelkracht.") for item in batch)


def test_the_schemas_may_come_from_a_function() -> None:
    """A function gives the schema's URI by lifecycle, or none."""
    entry = OutboxEntry(
        1,
        "t-1",
        1,
        {"lifecycle": "other", "id": "e", "name": "n", "timestamp": NOW.isoformat()},
    )
    given = CloudEvents(source="urn:x", schemas=lambda name: f"urn:schema:{name}")
    assert "urn:schema:other" == given.event(entry).get_dataschema()
    none = CloudEvents(source="urn:x", schemas=lambda name: None)
    assert None is none.event(entry).get_dataschema()
    bad = CloudEvents(source="urn:x", schemas=lambda name: "relative/path")
    with pytest.raises(InvalidData, match="schemas"):
        bad.event(entry)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"source": ""}, "source"),
        ({"source": 7}, "source"),
        ({"source": "urn:x", "schemas": {LEERTRAJECT: "schemas/event.json"}}, "schemas"),
        ({"source": "urn:x", "schemas": 3}, "schemas"),
        ({"source": "urn:x", "type_prefix": None}, "type_prefix"),
    ],
)
def test_bad_settings_are_refused(arguments: dict[str, Any], field: str) -> None:
    """A source that is no text, a schema URI that is not absolute, a prefix that is no
    text: InvalidData naming the setting."""
    with pytest.raises(InvalidData, match=field):
        CloudEvents(**arguments)


@pytest.mark.parametrize(
    "body",
    [
        {"id": "e", "name": "n", "timestamp": NOW.isoformat()},
        {"lifecycle": "l", "id": 3, "name": "n", "timestamp": NOW.isoformat()},
        {"lifecycle": "l", "id": "e", "name": "n", "timestamp": "yesterday"},
    ],
)
def test_an_entry_without_what_an_event_has_is_a_corrupt_record(body: dict[str, Any]) -> None:
    """An outbox entry whose event lacks its lifecycle, id, name or a readable time is
    reported as a corrupt record of its trajectory, not passed on."""
    with pytest.raises(CorruptRecord, match="outbox entry 4"):
        CloudEvents(source="urn:x").event(OutboxEntry(4, "t-1", 1, body))
    with pytest.raises(InvalidData, match="entry"):
        CloudEvents(source="urn:x").event(body)  # type: ignore[arg-type]
