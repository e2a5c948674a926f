"""JSON documents: round trips, schema versions, migrations and errors with paths."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.builders import _on, at_state
from trajectory import InvalidData, UnknownEvent, replay
from trajectory.engine.loader import load_lifecycle
from trajectory.engine.registry import Registry
from trajectory.engine.serialization import (
    SCHEMA_VERSION,
    Codec,
    Migrations,
    codec_of,
    dump_event,
    dump_snapshot,
    encode_snapshot,
    load_event,
    load_payload,
    load_snapshot,
    load_trajectory,
    parse_payload,
    register_migration,
    standard_migrations,
    upgrade_document,
)
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.bootstrap import build_programme
from trajectory.ontwikkelkracht.model import HoursEntry

FIXTURES = Path(__file__).parent.parent / "fixtures" / "documents"
STATES = ["orientation_requested", "application_incomplete", "in_progress", "settled", "stopped"]


def through_json(document: Any) -> Any:
    """What an integrator gets: the document after a JSON round trip."""
    return json.loads(json.dumps(document))


@pytest.mark.parametrize("state", STATES)
def test_events_round_trip_through_json(state: str) -> None:
    """Every event comes back equal after dump_event → JSON → load_event."""
    t = at_state(state)
    loaded = [load_event(through_json(dump_event(e, LIFECYCLE)), LIFECYCLE) for e in t.history]
    assert list(t.history) == loaded


@pytest.mark.parametrize("state", STATES)
def test_snapshot_and_replay_give_the_same_trajectory(state: str) -> None:
    """From a snapshot (no replay) and from the events alone, the trajectory is equal."""
    t = at_state(state)
    events = [through_json(dump_event(e, LIFECYCLE)) for e in t.history]
    snapshot = through_json(dump_snapshot(t))
    assert t == load_trajectory(snapshot, events, LIFECYCLE)
    assert t == load_trajectory(None, events, LIFECYCLE)


def test_documents_carry_their_schema_version_and_kind() -> None:
    """Every document says which version and kind it is."""
    t = at_state("granted")
    snapshot = dump_snapshot(t)
    event = dump_event(t.history[-1], LIFECYCLE)
    assert (SCHEMA_VERSION, "snapshot") == (snapshot["schema_version"], snapshot["kind"])
    assert (SCHEMA_VERSION, "event") == (event["schema_version"], event["kind"])


def test_version_1_fixture_loads_through_the_migrations() -> None:
    """The shipped version 1 documents (from/to, no actor, participants' 'hours') load
    and give the trajectory they describe, by snapshot and by replay alike."""
    events = json.loads((FIXTURES / "v1-events.json").read_text(encoding="utf-8"))
    snapshot = json.loads((FIXTURES / "v1-snapshot.json").read_text(encoding="utf-8"))
    assert {1} == {e["schema_version"] for e in events} | {snapshot["schema_version"]}
    t = load_trajectory(snapshot, events, LIFECYCLE)
    assert "closing" == t.state
    assert 27 == t.version
    assert [200, 160, 160, 140, 140] == [int(p.planned_hours) for p in t.data.participants]
    assert "in_progress" == t.history[-1].from_state
    assert t == replay(t.history)
    assert t.data == load_trajectory(None, events, LIFECYCLE).data


def test_a_newer_schema_version_is_refused() -> None:
    """A document of a version this release does not know is refused, saying so."""
    event = dump_event(at_state("orientation_held").history[-1], LIFECYCLE)
    event["schema_version"] = 99
    with pytest.raises(InvalidData) as info:
        load_event(event, LIFECYCLE)
    assert "$.schema_version" == info.value.field
    assert "99" in str(info.value)


@pytest.mark.parametrize("version", [0, -1, "2", None, True])
def test_a_bad_schema_version_is_refused(version: Any) -> None:
    """A schema version that is not a known whole number is refused."""
    snapshot = dump_snapshot(at_state("orientation_held"))
    snapshot["schema_version"] = version
    with pytest.raises(InvalidData) as info:
        load_snapshot(snapshot, LIFECYCLE)
    assert "$.schema_version" == info.value.field


def test_a_missing_migration_is_reported() -> None:
    """A version without a registered migration for that lifecycle and kind is refused."""
    snapshot = dump_snapshot(at_state("orientation_held"))
    snapshot["schema_version"] = 1
    other = {**snapshot, "lifecycle": "other"}
    with pytest.raises(InvalidData):
        load_snapshot(other, LIFECYCLE)


def test_bad_data_is_reported_with_its_path() -> None:
    """A wrong value deep in a snapshot names its path, such as
    $.data.participants[2].planned_hours."""
    snapshot = through_json(dump_snapshot(at_state("application_in_preparation")))
    snapshot["data"]["participants"][2]["planned_hours"] = "many"
    with pytest.raises(InvalidData) as info:
        load_snapshot(snapshot, LIFECYCLE)
    assert "$.data.participants[2].planned_hours" == info.value.field


def test_a_bad_payload_is_reported_with_its_path() -> None:
    """A wrong payload value names $.payload.<field>; an unknown event names $.name."""
    t = at_state("application_in_preparation")
    event = through_json(dump_event(t.history[4], LIFECYCLE))
    assert "add_participant" == event["name"]
    event["payload"]["role"] = "astronaut"
    with pytest.raises(InvalidData) as info:
        load_event(event, LIFECYCLE)
    assert "$.payload.role" == info.value.field
    event["name"] = "teleport"
    with pytest.raises(InvalidData) as info:
        load_event(event, LIFECYCLE)
    assert "$.name" == info.value.field


@pytest.mark.parametrize("missing", ["id", "sequence", "timestamp", "payload"])
def test_a_missing_event_field_is_reported(missing: str) -> None:
    """An event document without a required field names it."""
    event = dump_event(at_state("orientation_held").history[-1], LIFECYCLE)
    del event[missing]
    with pytest.raises(InvalidData) as info:
        load_event(event, LIFECYCLE)
    assert f"$.{missing}" == info.value.field


def test_naive_timestamps_are_refused() -> None:
    """An event whose timestamp has no timezone is refused."""
    event = dump_event(at_state("orientation_held").history[-1], LIFECYCLE)
    event["timestamp"] = "2024-05-02T10:00:00"
    with pytest.raises(InvalidData) as info:
        load_event(event, LIFECYCLE)
    assert "$.timestamp" == info.value.field


def test_a_document_that_is_no_object_is_refused() -> None:
    """A list or a string instead of a JSON object is refused, not a TypeError."""
    with pytest.raises(InvalidData):
        load_event([], LIFECYCLE)  # type: ignore[arg-type]
    with pytest.raises(InvalidData):
        load_snapshot("snapshot", LIFECYCLE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "version"), [("report", 1), ("event", 0), ("event", SCHEMA_VERSION)]
)
def test_register_migration_refuses_what_cannot_be(kind: str, version: int) -> None:
    """Only migrations of events or snapshots from a past version can be registered."""
    with pytest.raises(InvalidData):
        register_migration(LIFECYCLE, kind, version, lambda document: document)
    with pytest.raises(InvalidData):
        Migrations().register(kind, version, lambda document: document)


def test_register_migration_takes_the_lifecycle_not_a_name() -> None:
    """A migration is registered on a lifecycle's codec: a name alone (no global
    registry) is refused, and nothing is registered."""
    before = len(LIFECYCLE.codec.migrations)  # type: ignore[union-attr]
    with pytest.raises(InvalidData, match="expected the Lifecycle"):
        register_migration("*", "event", 1, lambda document: document)  # type: ignore[arg-type]
    assert before == len(LIFECYCLE.codec.migrations)  # type: ignore[union-attr]


def test_register_migration_reaches_the_lifecycle_codec() -> None:
    """register_migration(lifecycle, …) registers on the migrations of its codec, for
    its name, where load_snapshot finds it."""
    lifecycle = load_lifecycle(DEFINITION, _registry())
    register_migration(lifecycle, "snapshot", 1, lambda doc: {**doc, "data": {"school": "x"}})
    assert lifecycle.codec is not None
    assert lifecycle.codec.migrations.find("board", "snapshot", 1) is not None
    assert lifecycle.codec.migrations.find("other", "snapshot", 1) is None
    old = {"schema_version": 1, "id": "b", "state": "open", "version": 0, "data": {}}
    assert "x" == load_snapshot(old, lifecycle).data.school


def test_a_lifecycle_without_a_codec_gets_its_own_on_first_use() -> None:
    """A Lifecycle built without a codec gets a standard one of its own when its
    documents are first written or read; two such lifecycles do not share it."""
    lifecycle = load_lifecycle(DEFINITION, _registry())
    bare = [
        lifecycle.__class__(  # the same parts, without a codec
            "bare",
            states=lifecycle.states.values(),
            events=lifecycle.events.values(),
            initial=lifecycle.initial,
            creation=lifecycle.creation,
        )
        for _ in range(2)
    ]
    assert [None, None] == [made.codec for made in bare]
    codecs = [codec_of(made) for made in bare]
    assert codecs[0] is not codecs[1]
    assert [codecs[0], codecs[1]] == [made.codec for made in bare]
    assert isinstance(codecs[0], Codec)


def test_upgrade_document_uses_the_migrations_given() -> None:
    """upgrade_document migrates with the migrations passed (default: the standard
    ones, which know the event's fields of version 1 but no data of a programme)."""
    old = {"schema_version": 1, "lifecycle": "board", "kind": "snapshot", "data": {"n": 1}}
    with pytest.raises(InvalidData, match="no migration for snapshot documents"):
        upgrade_document(old, "snapshot")
    migrations = standard_migrations()
    migrations.register("snapshot", 1, lambda doc: {**doc, "data": {"n": 2}}, lifecycle="board")
    assert {"n": 2} == upgrade_document(old, "snapshot", migrations=migrations)["data"]
    event = {"schema_version": 1, "from": None, "to": "open"}
    upgraded = upgrade_document(event, "event")
    assert (2, None, "open", None) == (
        upgraded["schema_version"],
        upgraded["from_state"],
        upgraded["to_state"],
        upgraded["actor"],
    )


def test_a_migration_for_every_lifecycle_gives_way_to_the_lifecycle_own() -> None:
    """find() prefers the lifecycle's own migration to the one for every lifecycle."""
    migrations = Migrations()

    def every(document: dict[str, Any]) -> dict[str, Any]:
        return document

    def own(document: dict[str, Any]) -> dict[str, Any]:
        return document

    migrations.register("event", 1, every)
    migrations.register("event", 1, own, lifecycle="board")
    assert own is migrations.find("board", "event", 1)
    assert every is migrations.find("council", "event", 1)
    copied = migrations.copy()
    copied.register("snapshot", 1, own)
    assert (2, 3) == (len(migrations), len(copied))


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"lifecycle": ""}, "lifecycle"), ({"migration": "rename"}, "migration")],
)
def test_migrations_refuse_a_wrong_lifecycle_or_function(
    arguments: dict[str, Any], field: str
) -> None:
    """A blank lifecycle name or a migration that is no function is refused."""
    given: dict[str, Any] = {"migration": lambda document: document, **arguments}
    with pytest.raises(InvalidData) as raised:
        Migrations().register("event", 1, **given)
    assert field == raised.value.field


def test_the_leertraject_uses_its_programme_migrations() -> None:
    """The leertraject's codec is its programme's; the snapshot migration from
    version 1 is registered for the leertraject, not for every lifecycle."""
    from trajectory.ontwikkelkracht import programme

    assert LIFECYCLE.codec is programme().codec
    migrations = programme().migrations
    assert migrations.find(LIFECYCLE.name, "snapshot", 1) is not None
    assert migrations.find("another", "snapshot", 1) is None


DEFINITION = """
name = "board"
initial = "open"
data_type = "Board"
creation = { payload = "Board", build = "board" }
states = [{ name = "open" }, { name = "closed", final = true }]
[[events]]
name = "close"
transitions = [{ sources = ["open"], target = "closed" }]
"""


@attrs.frozen
class Board:
    """A board's data: a school."""

    school: str


def _registry() -> Registry:
    registry = Registry()
    registry.register_creation("board", lambda payload, context: payload)
    registry.register_payload(Board)
    registry.register_data_type(Board)
    return registry


# -- payloads from JSON and from text ---------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_every_payload_reads_back_from_its_json(state: str) -> None:
    """load_payload reads what dump_event wrote, for every event of a history."""
    for event in at_state(state).history[1:]:
        document = through_json(dump_event(event, LIFECYCLE))["payload"]
        assert event.payload == load_payload(document, LIFECYCLE, event.name)


def test_text_values_become_the_payload_types() -> None:
    """parse_payload reads JSON where it parses (numbers, lists) and keeps text
    otherwise (dates, choices); text fields keep their value as it is."""
    payload = parse_payload(
        {
            "intake": "2024-10-01",
            "study_moments": '["2024-11-04", "2025-02-03"]',
            "guidance_moments": "[]",
        },
        LIFECYCLE,
        "plan_calendar",
    )
    assert (dt.date(2024, 11, 4), dt.date(2025, 2, 3)) == payload.study_moments
    assert () == payload.guidance_moments
    added = parse_payload(
        {"name": "42", "role": "teacher", "planned_hours": "160.5"}, LIFECYCLE, "add_participant"
    )
    assert ("42", "teacher", Decimal("160.5")) == (
        added.name,
        added.role.value,
        added.planned_hours,
    )
    core = parse_payload({"members": '["Anna", "Bram"]'}, LIFECYCLE, "form_core_group")
    assert ("Anna", "Bram") == core.members


def test_a_text_field_keeps_text_that_looks_like_json() -> None:
    """A report of `null` or `[1]` stays the text it is."""
    payload = parse_payload({"reason": "null"}, LIFECYCLE, "withdraw")
    assert "null" == payload.reason
    decline = parse_payload({"reason": "[1]"}, LIFECYCLE, "decline")
    assert "[1]" == decline.reason


@pytest.mark.parametrize(
    ("fields", "event", "field", "reason"),
    [
        (
            {"participant": "Anna", "date": "2024-13-01", "hours": "7"},
            "log_hours",
            "$.date",
            "month must be in 1..12",
        ),
        (
            {"participant": "Anna", "date": "2024-10-01", "hours": "lots"},
            "log_hours",
            "$.hours",
            "expected a number, got 'lots'",
        ),
        (
            {"participant": "Anna", "date": "2024-10-01"},
            "log_hours",
            "$.hours",
            "required field missing",
        ),
        (
            {"participant": "Anna", "hour": "7"},
            "log_hours",
            "$.hour",
            "'log_hours' takes no field 'hour'; it takes: date, hours, participant",
        ),
        (
            {"intake": "2024-10-01", "study_moments": '["2024-11-31"]', "guidance_moments": "[]"},
            "plan_calendar",
            "$.study_moments[0]",
            "day is out of range for month",
        ),
        (
            {"name": "Anna", "role": "astronaut", "planned_hours": "10"},
            "add_participant",
            "$.role",
            "'astronaut' is not a valid Role",
        ),
    ],
)
def test_bad_text_is_reported_with_its_path(
    fields: dict[str, str], event: str, field: str, reason: str
) -> None:
    """A value that does not fit names its path and says what was wrong."""
    with pytest.raises(InvalidData) as info:
        parse_payload(fields, LIFECYCLE, event)
    assert field == info.value.field
    assert reason in info.value.reason


def test_an_unknown_event_has_no_payload() -> None:
    """A mistyped event name is an UnknownEvent, for text and JSON alike."""
    with pytest.raises(UnknownEvent):
        parse_payload({}, LIFECYCLE, "regster")
    with pytest.raises(UnknownEvent):
        load_payload({}, LIFECYCLE, "regster")


def test_a_payload_document_must_be_an_object() -> None:
    """A JSON array or a number is no payload."""
    with pytest.raises(InvalidData) as info:
        load_payload([], LIFECYCLE, "register")  # type: ignore[arg-type]
    assert "$" == info.value.field


def test_a_single_problem_names_its_path_once() -> None:
    """One bad value: the error's field is the path, and the message does not repeat it."""
    with pytest.raises(InvalidData) as refused:
        parse_payload(
            {"name": "Anna", "role": "teachr", "planned_hours": "160"}, LIFECYCLE, "add_participant"
        )

    assert "$.role" == refused.value.field
    assert 1 == str(refused.value).count("$.role")


# -- strict JSON, lenient command line ------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "event", "field"),
    [
        ({"reason": None}, "decline", "$.reason"),
        ({"reason": 5}, "decline", "$.reason"),
        ({"reason": ["late"]}, "decline", "$.reason"),
        ({"members": "Ab"}, "form_core_group", "$.members"),
        ({"members": {"Anna": 1}}, "form_core_group", "$.members"),
        ({"members": ["Anna", None]}, "form_core_group", "$.members[1]"),
        (
            {"name": "Anna", "role": "teacher", "planned_hours": True},
            "add_participant",
            "$.planned_hours",
        ),
        ({"name": None, "role": "teacher", "planned_hours": 1}, "add_participant", "$.name"),
        ({"kind": "exploratory_talk", "date": 20240420}, "record_talk", "$.date"),
    ],
)
def test_load_payload_reads_json_strictly(document: dict[str, Any], event: str, field: str) -> None:
    """A JSON value of the wrong type is refused at its path: null is no text ("None"),
    a string no list (("A", "b")), true no number, a number no date."""
    with pytest.raises(InvalidData) as error:
        load_payload(document, LIFECYCLE, event)
    assert error.value.field.startswith(field)


def event_document(**changes: Any) -> dict[str, Any]:
    """A valid event document (the last of a trajectory in progress), with ``changes``."""
    t = at_state("in_progress")
    document = through_json(dump_event(t.history[-1], LIFECYCLE))
    document.update(changes)
    return dict(document)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": None}, "$.id"),
        ({"id": 12}, "$.id"),
        ({"id": "a\x00b"}, "$.id"),
        ({"id": "x" * 65}, "$.id"),
        ({"trajectory_id": "\ud800"}, "$.trajectory_id"),
        ({"sequence": True}, "$.sequence"),
        ({"sequence": 0}, "$.sequence"),
        ({"sequence": "3"}, "$.sequence"),
        ({"from_state": 5}, "$.from_state"),
        ({"actor": "ad\x00a"}, "$.actor"),
        ({"actor": ["ada"]}, "$.actor"),
        ({"timestamp": 1714557600}, "$.timestamp"),
    ],
)
def test_load_event_reads_json_strictly(changes: dict[str, Any], field: str) -> None:
    """An event document's own fields are read strictly and within the text limits."""
    with pytest.raises(InvalidData) as error:
        load_event(event_document(**changes), LIFECYCLE)
    assert field == error.value.field


def test_load_event_refuses_a_payload_nested_too_deep() -> None:
    """A payload nested deeper than the limit is refused with InvalidData, however deep
    (never a RecursionError)."""
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InvalidData) as error:
        load_event(event_document(payload={"members": deep}), LIFECYCLE)
    assert error.value.field.startswith("$.payload")
    assert "levels deep" in error.value.reason


def test_parse_payload_reads_one_text_as_a_list_of_one() -> None:
    """On a command line, a list field given one text that is no JSON array gets that one
    text (not its letters); a JSON array is read as it is."""
    assert ("Anna",) == parse_payload({"members": "Anna"}, LIFECYCLE, "form_core_group").members
    assert ("Ab",) == parse_payload({"members": "Ab"}, LIFECYCLE, "form_core_group").members
    assert ("Anna", "Bram") == (
        parse_payload({"members": '["Anna", "Bram"]'}, LIFECYCLE, "form_core_group").members
    )


@pytest.mark.parametrize("depth", [40, 100_000])
def test_parse_payload_refuses_a_value_nested_too_deep(depth: int) -> None:
    """A value typed on a command line that is JSON nested too deep is refused with
    InvalidData naming the field."""
    with pytest.raises(InvalidData) as error:
        parse_payload({"members": "[" * depth + "]" * depth}, LIFECYCLE, "form_core_group")
    assert error.value.field.startswith("$.members")


def test_parse_payload_refuses_a_huge_number_naming_the_field() -> None:
    """A number of thousands of digits typed on a command line names the field, in a
    message of bounded length."""
    fields = {"participant": "Anna", "date": "2024-10-01", "hours": "9" * 5000}
    with pytest.raises(InvalidData) as error:
        parse_payload(fields, LIFECYCLE, "log_hours")
    assert "$.hours" == error.value.field
    assert len(error.value.reason) < 200


# -- snapshots encoded in parts --------------------------------------------------------------


def _with_hours(count: int, lifecycle: Any = None) -> Any:
    """A trajectory in execution with ``count`` hours logged (on ``lifecycle``, when
    given: the builders' history applied again there)."""
    t = at_state("in_progress")
    _on(t, dt.date(2025, 2, 1))
    names = [str(p.name) for p in t.data.participants]
    for number in range(count):
        t.fire(
            "log_hours", participant=names[number % len(names)], date=dt.date(2025, 1, 31), hours=1
        )
    if lifecycle is None:
        return t
    return lifecycle.replay(t.history, clock=t.clock)


@pytest.mark.parametrize("hours", [0, 31, 32, 33, 100])
def test_encode_snapshot_gives_the_document_of_dump_snapshot(hours: int) -> None:
    """encode_snapshot writes dump_snapshot's document, first and after more events;
    it reads back as the same trajectory."""
    t = _with_hours(hours)
    for _ in range(2):
        assert through_json(dump_snapshot(t)) == json.loads(encode_snapshot(t))
        events = [through_json(dump_event(e, LIFECYCLE)) for e in t.history]
        assert t == load_trajectory(json.loads(encode_snapshot(t)), events, LIFECYCLE)
        t.fire("hold_guidance_moment", date=dt.date(2025, 1, 31))


def test_encode_snapshot_converts_only_the_entries_of_new_chunks_again() -> None:
    """A trajectory's second snapshot converts only the entries not in a full chunk
    of its first (32 entries a chunk): the converter's hook of an hours entry is
    called for those, and the document is still the whole one."""
    fresh = build_programme()  # a converter of its own, to spy on
    converter = fresh.codec.converter
    entry_hook = converter.get_unstructure_hook(HoursEntry)
    converted: list[HoursEntry] = []

    def spy(entry: HoursEntry) -> Any:
        converted.append(entry)
        return entry_hook(entry)

    converter.register_unstructure_hook(HoursEntry, spy)
    t = _with_hours(100, fresh.leertraject)
    assert 100 == len(t.data.hours)

    first = encode_snapshot(t)
    assert 100 == len(converted)
    for _ in range(30):  # 100 + 30 entries: the fourth chunk fills at 128
        t.fire(
            "log_hours",
            participant=str(t.data.participants[0].name),
            date=dt.date(2025, 1, 30),
            hours=Decimal("0.5"),
        )
    converted.clear()
    second = encode_snapshot(t)

    assert 32 + 2 == len(converted)  # the fourth chunk (96 to 127), and 128, 129
    assert json.loads(first)["data"]["hours"] == json.loads(second)["data"]["hours"][:100]
    assert through_json(dump_snapshot(t)) == json.loads(second)
    converted.clear()
    encode_snapshot(t)
    assert 2 == len(converted)  # only the tail: every full chunk as it was


def test_encode_snapshot_keeps_nothing_between_trajectories() -> None:
    """What a trajectory keeps of its last snapshot is its own: another trajectory
    with equal entries, and a copy replayed from the history, start without it."""
    t = _with_hours(40)
    encode_snapshot(t)
    copy = LIFECYCLE.replay(t.history, clock=t.clock)
    assert None is copy._encoded
    assert json.loads(encode_snapshot(t)) == json.loads(encode_snapshot(copy))
    assert not set(t._encoded or {}) & set(copy._encoded or {})
