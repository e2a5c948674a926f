"""JSON for integrators: trajectory snapshots and events, with a schema version.

Every document carries ``schema_version`` and ``kind`` (``"event"`` or
``"snapshot"``). Documents of an older version are brought up to date by
explicit migrations before they are read; a document of an unknown (newer)
version is refused with a clear error. Bad data is reported with the path
where it is wrong, such as ``$.data.participants[2].planned_hours``.

Documents are read strictly, as their JSON types say (see
:mod:`trajectory.engine.conversion`): ``null`` is no text and ``"Ab"`` no list.
Only :func:`parse_payload`, for text typed on a command line, reads values leniently.

>>> import json
>>> from trajectory.engine.serialization import dump_event, SCHEMA_VERSION
>>> SCHEMA_VERSION
2
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import types
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Final, TypeAlias, Union, get_args, get_origin

import attrs
from cattrs.cols import is_any_set, is_sequence

from trajectory.engine.conversion import MAX_DEPTH, converter, structure
from trajectory.engine.definition import Lifecycle, NoPayload
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe, identifier, line, optional
from trajectory.engine.history import Clock, Event
from trajectory.engine.runtime import Trajectory

__all__ = [
    "SCHEMA_VERSION",
    "Document",
    "Migration",
    "Snapshot",
    "dump_event",
    "dump_snapshot",
    "load_event",
    "load_payload",
    "load_snapshot",
    "load_trajectory",
    "parse_payload",
    "register_migration",
    "upgrade_document",
]

#: The version of the JSON documents this release writes.
SCHEMA_VERSION: Final = 2

Document: TypeAlias = dict[str, Any]
#: A migration takes a document of one version and returns it at the next version.
Migration = Callable[[Document], Document]

_KINDS: Final = ("event", "snapshot")
_migrations: dict[tuple[str, str, int], Migration] = {}
_lock = threading.Lock()


def register_migration(lifecycle: str, kind: str, from_version: int, migration: Migration) -> None:
    """Register how a ``kind`` document of ``lifecycle`` goes from ``from_version``
    to ``from_version + 1``. Use ``"*"`` as lifecycle for every lifecycle."""
    if kind not in _KINDS:
        raise InvalidData("kind", f"expected one of {', '.join(_KINDS)}, got {describe(kind)}")
    if not 1 <= from_version < SCHEMA_VERSION:
        raise InvalidData(
            "from_version", f"expected 1 to {SCHEMA_VERSION - 1}, got {describe(from_version)}"
        )
    with _lock:
        _migrations[(lifecycle, kind, from_version)] = migration


def _migrate(document: Mapping[str, Any], kind: str, lifecycle: str) -> Document:
    if not isinstance(document, Mapping):
        raise InvalidData("$", f"expected a JSON object, got {type(document).__name__}")
    version = document.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidData("$.schema_version", f"expected a whole number, got {describe(version)}")
    if version > SCHEMA_VERSION or version < 1:
        raise InvalidData(
            "$.schema_version",
            f"this release reads versions 1 to {SCHEMA_VERSION}, got {version}",
        )
    found_kind = document.get("kind", kind)
    if found_kind != kind:
        raise InvalidData("$.kind", f"expected {kind!r}, got {describe(found_kind)}")
    migrated = dict(document)
    while migrated["schema_version"] < SCHEMA_VERSION:
        step = migrated["schema_version"]
        migration = _migrations.get((lifecycle, kind, step)) or _migrations.get(("*", kind, step))
        if migration is None:
            raise InvalidData(
                "$.schema_version", f"no migration for {kind} documents from version {step}"
            )
        migrated = dict(migration(migrated))
        migrated["schema_version"] = step + 1
    return migrated


def upgrade_document(document: Mapping[str, Any], kind: str) -> Document:
    """``document`` (an ``"event"`` or a ``"snapshot"``) brought to the current schema
    version by the registered migrations, without reading it further."""
    if kind not in _KINDS:
        raise InvalidData("kind", f"expected one of {', '.join(_KINDS)}, got {describe(kind)}")
    lifecycle = document.get("lifecycle", "*") if isinstance(document, Mapping) else "*"
    return _migrate(document, kind, str(lifecycle))


# -- events ------------------------------------------------------------------------


def _payload_type(lifecycle: Lifecycle[Any], name: str) -> type:
    if name == lifecycle.creation.name:
        return lifecycle.creation.payload
    return lifecycle.event(name).payload


def dump_event(event: Event, lifecycle: Lifecycle[Any]) -> Document:
    """An event as a JSON-ready dict."""
    payload = {} if isinstance(event.payload, NoPayload) else converter.unstructure(event.payload)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "event",
        "lifecycle": lifecycle.name,
        "id": event.id,
        "trajectory_id": event.trajectory_id,
        "sequence": event.sequence,
        "timestamp": event.timestamp.isoformat(),
        "name": event.name,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor,
        "payload": payload,
    }


def load_payload(document: Mapping[str, Any], lifecycle: Lifecycle[Any], event: str) -> Any:
    """The payload of ``event`` (the creation included) from its JSON object, as
    :func:`load_event` reads it, strictly: text as strings, dates as ISO text, amounts
    as numbers or text, lists as arrays, whole numbers as integers (not ``true``).
    Problems are reported with their path (``$.study_moments[1]``)."""
    payload_type = _payload_type(lifecycle, event)
    if not isinstance(document, Mapping):
        raise InvalidData("$", f"expected a JSON object, got {type(document).__name__}")
    _check_field_names(document, payload_type, event)
    return structure(dict(document), payload_type, path="$")


def parse_payload(fields: Mapping[str, str], lifecycle: Lifecycle[Any], event: str) -> Any:
    """The payload of ``event`` from text values, as typed on a command line.

    A value for a text field is taken as it is; any other value is read as JSON when
    it is JSON (``12``, ``12.5``, ``["Anna", "Bram"]``, ``{"a": 1}``) and kept as text
    otherwise (``2024-10-01``, ``teacher``); a text that is no JSON array, for a list
    field, is a list of that one text (``members=Anna``). Then the document is read as
    :func:`load_payload` reads it.

    >>> from trajectory.ontwikkelkracht import LIFECYCLE
    >>> parse_payload({"participant": "Anna", "date": "2024-10-01", "hours": "7.5"},
    ...               LIFECYCLE, "log_hours")
    LogHours(participant='Anna', date=datetime.date(2024, 10, 1), hours=Decimal('7.5'))
    """
    payload_type = _payload_type(lifecycle, event)
    if not isinstance(fields, Mapping):
        raise InvalidData("$", f"expected a mapping of field names to text, got {describe(fields)}")
    _check_field_names(fields, payload_type, event)
    texts = _text_fields(payload_type)
    lists = _list_fields(payload_type)
    document: dict[str, Any] = {}
    for name, value in fields.items():
        if not isinstance(value, str):
            raise InvalidData(f"$.{name}", f"expected text, got {describe(value)}")
        if name in texts:
            document[name] = value
            continue
        read = _json_or_text(value, f"$.{name}")
        document[name] = [read] if name in lists and read is value else read
    return structure(document, payload_type, path="$")


def _json_or_text(value: str, where: str) -> Any:
    """``value`` read as JSON if it is JSON, else ``value`` itself."""
    try:
        return json.loads(value, parse_float=Decimal)
    except RecursionError:
        raise InvalidData(where, f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # no JSON (JSONDecodeError), or an integer of too many digits
        return value


def _check_field_names(fields: Mapping[str, Any], payload_type: type, event: str) -> None:
    names = _field_types(payload_type)
    for name in fields:
        if name not in names:
            expected = ", ".join(sorted(names)) or "no fields"
            where = f"$.{name}" if isinstance(name, str) and len(name) <= 100 else "$"
            raise InvalidData(
                where, f"{event!r} takes no field {describe(name)}; it takes: {expected}"
            )


@functools.cache
def _field_types(payload_type: type) -> dict[str, Any]:
    if not attrs.has(payload_type):
        return {}
    attrs.resolve_types(payload_type)
    return {field.name: field.type for field in attrs.fields(payload_type) if field.init}


@functools.cache
def _text_fields(payload_type: type) -> frozenset[str]:
    """The fields whose type is ``str`` or ``str | None``."""
    return frozenset(name for name, kind in _field_types(payload_type).items() if _is_text(kind))


@functools.cache
def _list_fields(payload_type: type) -> frozenset[str]:
    """The fields whose type is a list, a homogeneous tuple or a set (or one of them
    or ``None``)."""
    return frozenset(name for name, kind in _field_types(payload_type).items() if _is_list(kind))


def _bare(kind: Any) -> Any:
    """``kind`` without ``Annotated[...]`` around it."""
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return kind


def _alternatives(kind: Any) -> tuple[Any, ...]:
    """The types a union allows (``None`` left out), or ``kind`` alone."""
    kind = _bare(kind)
    if get_origin(kind) in (Union, types.UnionType):
        return tuple(_bare(arg) for arg in get_args(kind) if arg is not type(None))
    return (kind,)


def _is_text(kind: Any) -> bool:
    return all(alternative is str for alternative in _alternatives(kind))


def _is_list(kind: Any) -> bool:
    alternatives = _alternatives(kind)
    return len(alternatives) == 1 and (is_sequence(alternatives[0]) or is_any_set(alternatives[0]))


_EVENT_FIELDS: Final = frozenset(
    ("id", "trajectory_id", "sequence", "timestamp", "name", "from_state", "to_state", "actor")
)


def load_event(document: Mapping[str, Any], lifecycle: Lifecycle[Any]) -> Event:
    """An event from its JSON dict (migrated first if it is of an older version)."""
    doc = _migrate(document, "event", lifecycle.name)
    if doc.get("lifecycle", lifecycle.name) != lifecycle.name:
        raise InvalidData(
            "$.lifecycle", f"expected {lifecycle.name!r}, got {describe(doc.get('lifecycle'))}"
        )
    missing = sorted(({*_EVENT_FIELDS, "payload"}) - doc.keys())
    if missing:
        raise InvalidData(f"$.{missing[0]}", "required field missing")
    name = doc["name"]
    if not isinstance(name, str):
        raise InvalidData("$.name", f"expected an event name, got {describe(name)}")
    try:
        payload_type = _payload_type(lifecycle, name)
    except InvalidData as err:
        raise InvalidData("$.name", err.reason) from err
    raw = {key: doc[key] for key in _EVENT_FIELDS}
    raw["payload"] = doc["payload"]
    fields = structure(raw, _EventDocument, path="$")
    payload: Any = structure(doc["payload"], payload_type, path="$.payload")
    return Event(
        fields.id,
        fields.trajectory_id,
        fields.sequence,
        fields.timestamp,
        fields.name,
        fields.from_state,
        fields.to_state,
        payload,
        fields.actor,
    )


# -- snapshots ------------------------------------------------------------------------


def dump_snapshot(trajectory: Trajectory[Any]) -> Document:
    """The trajectory's current state and data as a JSON-ready dict (no history)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "snapshot",
        "lifecycle": trajectory.lifecycle.name,
        "id": trajectory.id,
        "state": trajectory.state,
        "version": trajectory.version,
        "data": converter.unstructure(trajectory.data),
    }


def load_snapshot(document: Mapping[str, Any], lifecycle: Lifecycle[Any]) -> Snapshot:
    """A snapshot from its JSON dict (migrated first if it is of an older version)."""
    doc = _migrate(document, "snapshot", lifecycle.name)
    if doc.get("lifecycle", lifecycle.name) != lifecycle.name:
        raise InvalidData(
            "$.lifecycle", f"expected {lifecycle.name!r}, got {describe(doc.get('lifecycle'))}"
        )
    if lifecycle.data_type is None:
        raise InvalidData("$.data", f"lifecycle {lifecycle.name!r} declares no data type")
    head = structure(
        {key: doc.get(key) for key in ("id", "state", "version")}, _SnapshotHead, path="$"
    )
    if head.state not in lifecycle.states:
        raise InvalidData("$.state", f"unknown state {describe(head.state)}")
    data = structure(doc.get("data"), lifecycle.data_type, path="$.data")
    return Snapshot(head.id, head.state, head.version, data)


def load_trajectory(
    snapshot: Mapping[str, Any] | None,
    events: Iterable[Mapping[str, Any]],
    lifecycle: Lifecycle[Any],
    *,
    clock: Clock | None = None,
) -> Trajectory[Any]:
    """A trajectory from its event documents: state and data from the snapshot when
    one is given, then the events after the snapshot's version applied again; without
    a snapshot, every event is replayed."""
    history = [load_event(event, lifecycle) for event in events]
    if snapshot is None:
        return lifecycle.replay(history, clock=clock)
    head = load_snapshot(snapshot, lifecycle)
    if head.version > len(history):
        raise InvalidData(
            "$.version",
            f"the snapshot is at version {head.version}, the history has {len(history)} events",
        )
    trajectory = Trajectory.restore(
        lifecycle,
        head.id,
        head.state,
        head.data,
        history[: head.version],
        version=head.version,
        clock=clock,
    )
    trajectory.extend(history[head.version :])
    return trajectory


# -- document shapes -------------------------------------------------------------------


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 1:
        raise InvalidData(attribute.name, f"expected a whole number ≥ 1, got {describe(value)}")


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 0:
        raise InvalidData(attribute.name, f"expected a whole number ≥ 0, got {describe(value)}")


@attrs.frozen
class _EventDocument:
    id: str = attrs.field(validator=identifier)
    trajectory_id: str = attrs.field(validator=identifier)
    sequence: int = attrs.field(validator=_positive)
    timestamp: dt.datetime
    name: str = attrs.field(validator=line)
    from_state: str | None = attrs.field(validator=optional(line))
    to_state: str = attrs.field(validator=line)
    actor: str | None = attrs.field(validator=optional(line))
    payload: Any


@attrs.frozen
class _SnapshotHead:
    id: str = attrs.field(validator=identifier)
    state: str = attrs.field(validator=line)
    version: int = attrs.field(validator=_not_negative)


@attrs.frozen
class Snapshot:
    """A trajectory's state and data at a version, read from a snapshot document."""

    id: str
    state: str
    version: int
    data: Any
