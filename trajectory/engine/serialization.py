"""JSON for integrators: trajectory snapshots and events, with a schema version.

Every document carries ``schema_version`` and ``kind`` (``"event"`` or
``"snapshot"``). Documents of an older version are brought up to date by
explicit migrations before they are read; a document of an unknown (newer)
version is refused with a clear error. Bad data is reported with the path
where it is wrong, such as ``$.data.participants[2].planned_hours``.

Documents are read strictly, as their JSON types say (see
:mod:`trajectory.engine.conversion`): ``null`` is no text and ``"Ab"`` no list.
Only :func:`parse_payload`, for text typed on a command line, reads values leniently.

How a lifecycle's documents are written and read is its :class:`Codec`: the cattrs
converter, the :class:`Migrations` and the JSON Schema types of its programme
(``lifecycle.codec``, given by :func:`~trajectory.engine.loader.load_lifecycle` or
the programme that loads it). A lifecycle built without one gets a codec of its own
on first use: a converter of its own (:func:`~trajectory.engine.conversion.make_converter`)
and :func:`standard_migrations`. Nothing is
registered globally.

>>> import json
>>> from trajectory.engine.serialization import dump_event, SCHEMA_VERSION
>>> SCHEMA_VERSION
2
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeAlias, Union, get_args, get_origin

import attrs
import msgspec

from trajectory.engine.conversion import MAX_DEPTH, base_converter, make_converter, structure
from trajectory.engine.definition import Lifecycle, NoPayload
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe, identifier, line, optional
from trajectory.engine.history import Clock, Event
from trajectory.engine.records import Entries
from trajectory.engine.runtime import Trajectory

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "SCHEMA_VERSION",
    "Codec",
    "Document",
    "Migration",
    "Migrations",
    "Snapshot",
    "codec_of",
    "dump_event",
    "dump_snapshot",
    "encode_snapshot",
    "from_snapshot",
    "load_event",
    "load_payload",
    "load_snapshot",
    "load_trajectory",
    "parse_payload",
    "register_migration",
    "standard_migrations",
    "upgrade_document",
]

#: The version of the JSON documents this release writes.
SCHEMA_VERSION: Final = 2

Document: TypeAlias = dict[str, Any]
#: A migration takes a document of one version and returns it at the next version.
Migration = Callable[[Document], Document]

_KINDS: Final = ("event", "snapshot")
#: The lifecycle name a migration registered for every lifecycle is kept under.
EVERY_LIFECYCLE: Final = "*"


def _check_step(kind: object, from_version: object) -> None:
    if kind not in _KINDS:
        raise InvalidData("kind", f"expected one of {', '.join(_KINDS)}, got {describe(kind)}")
    if (
        isinstance(from_version, bool)
        or not isinstance(from_version, int)
        or not 1 <= from_version < SCHEMA_VERSION
    ):
        raise InvalidData(
            "from_version", f"expected 1 to {SCHEMA_VERSION - 1}, got {describe(from_version)}"
        )


class Migrations:
    """How documents of older versions are brought up to date: a programme's own
    registry of migrations (never a global one).

    A migration takes a ``kind`` document (``"event"`` or ``"snapshot"``) of one
    lifecycle (or of every lifecycle, ``"*"``) from ``from_version`` to the next.

    >>> migrations = standard_migrations()
    >>> migrations.upgrade({"schema_version": 1, "from": None, "to": "open"}, "event")
    {'schema_version': 2, 'from_state': None, 'to_state': 'open', 'actor': None, 'kind': 'event'}
    """

    def __init__(self) -> None:
        self._steps: dict[tuple[str, str, int], Migration] = {}
        self._lock = threading.Lock()

    def register(
        self,
        kind: str,
        from_version: int,
        migration: Migration,
        *,
        lifecycle: str = EVERY_LIFECYCLE,
    ) -> None:
        """Register how a ``kind`` document of ``lifecycle`` (default: of every
        lifecycle) goes from ``from_version`` to ``from_version + 1``."""
        _check_step(kind, from_version)
        if not isinstance(lifecycle, str) or not lifecycle:
            raise InvalidData(
                "lifecycle", f"expected a lifecycle's name, got {describe(lifecycle)}"
            )
        if not callable(migration):
            raise InvalidData("migration", f"expected a function, got {describe(migration)}")
        with self._lock:
            self._steps[(lifecycle, kind, from_version)] = migration

    def find(self, lifecycle: str, kind: str, from_version: int) -> Migration | None:
        """The migration of a ``kind`` document of ``lifecycle`` from ``from_version``:
        the lifecycle's own first, else the one for every lifecycle."""
        steps = self._steps
        found = steps.get((lifecycle, kind, from_version))
        return found if found is not None else steps.get((EVERY_LIFECYCLE, kind, from_version))

    def copy(self) -> Migrations:
        """A new registry with the same migrations."""
        made = Migrations()
        made._steps = dict(self._steps)
        return made

    def __len__(self) -> int:
        return len(self._steps)

    def upgrade(
        self, document: Mapping[str, Any], kind: str, lifecycle: str | None = None
    ) -> Document:
        """``document`` brought to :data:`SCHEMA_VERSION` by these migrations, step
        by step; ``lifecycle`` defaults to the one the document names."""
        if kind not in _KINDS:
            raise InvalidData("kind", f"expected one of {', '.join(_KINDS)}, got {describe(kind)}")
        if lifecycle is None:
            named = document.get("lifecycle") if isinstance(document, Mapping) else None
            lifecycle = named if isinstance(named, str) and named else EVERY_LIFECYCLE
        return _migrate(document, kind, lifecycle, self)

    def __repr__(self) -> str:
        return f"<Migrations: {len(self._steps)}>"


def _event_v1_to_v2(document: Document) -> Document:
    """Version 1 events (the pre-release format) named their states ``from`` and
    ``to`` and had no ``actor`` and no ``kind``."""
    migrated = dict(document)
    migrated["from_state"] = migrated.pop("from", None)
    migrated["to_state"] = migrated.pop("to", None)
    migrated.setdefault("actor", None)
    migrated["kind"] = "event"
    return migrated


def standard_migrations() -> Migrations:
    """A new registry with the migrations of the engine's own document form (the
    event's fields from version 1), for every lifecycle; a programme adds those of
    its data."""
    made = Migrations()
    made.register("event", 1, _event_v1_to_v2)
    return made


@attrs.define(eq=False)
class Codec:
    """How a lifecycle's documents are written and read: the cattrs ``converter``
    (payloads and data to and from JSON), the ``migrations`` of older documents,
    and ``schema_types``, the JSON Schema of the types whose JSON form is not their
    attrs form (by class name; see :mod:`trajectory.engine.schema`).

    ``Codec()`` is the engine's standard: a new converter from
    :func:`~trajectory.engine.conversion.make_converter` and
    :func:`standard_migrations`.
    """

    converter: cattrs.Converter = attrs.field(factory=make_converter)
    migrations: Migrations = attrs.field(factory=standard_migrations)
    schema_types: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    # The converter encode_snapshot uses, derived from ``converter`` on first use
    # (with the converter it was derived from).
    _snapshot_converter: tuple[Any, Any] | None = attrs.field(default=None, init=False)

    def register_schema_type(self, cls: type, schema: Mapping[str, Any]) -> None:
        """Describe how ``cls`` appears in JSON when that differs from its fields."""
        if not isinstance(cls, type):
            raise InvalidData("cls", f"expected a class, got {describe(cls)}")
        if not isinstance(schema, Mapping):
            raise InvalidData("schema", f"expected a JSON Schema object, got {describe(schema)}")
        self.schema_types[cls.__name__] = dict(schema)


_codec_lock = threading.Lock()


def codec_of(lifecycle: Lifecycle[Any]) -> Codec:
    """The :class:`Codec` of ``lifecycle``; one built without a codec gets the
    standard one (its own) on first use."""
    found: Codec | None = lifecycle.codec
    if found is not None:
        return found
    with _codec_lock:
        if lifecycle.codec is None:
            lifecycle.codec = Codec()
        made: Codec = lifecycle.codec
    return made


def register_migration(
    lifecycle: Lifecycle[Any], kind: str, from_version: int, migration: Migration
) -> None:
    """Register how a ``kind`` document of ``lifecycle`` goes from ``from_version``
    to ``from_version + 1``, in the migrations of the lifecycle's codec (which its
    programme shares). For a migration of every lifecycle of a programme, use
    ``programme.migrations.register(kind, from_version, migration)``."""
    _check_step(kind, from_version)
    if not isinstance(lifecycle, Lifecycle):
        raise InvalidData(
            "lifecycle",
            f"expected the Lifecycle whose documents migrate, got {describe(lifecycle)}; "
            "register a migration of every lifecycle on its programme's migrations",
        )
    codec_of(lifecycle).migrations.register(kind, from_version, migration, lifecycle=lifecycle.name)


def _migrate(
    document: Mapping[str, Any], kind: str, lifecycle: str, migrations: Migrations
) -> Document:
    if not isinstance(document, Mapping):
        raise InvalidData("$", f"expected a JSON object, got {type(document).__name__}")
    version = document.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidData("$.schema_version", f"expected a whole number, got {describe(version)}")
    if version > SCHEMA_VERSION or version < 1:
        raise InvalidData(
            "$.schema_version",
            f"this release reads versions 1 to {SCHEMA_VERSION}, got {describe(version)}",
        )
    found_kind = document.get("kind", kind)
    if found_kind != kind:
        raise InvalidData("$.kind", f"expected {kind!r}, got {describe(found_kind)}")
    migrated = dict(document)
    while migrated["schema_version"] < SCHEMA_VERSION:
        step = migrated["schema_version"]
        migration = migrations.find(lifecycle, kind, step)
        if migration is None:
            raise InvalidData(
                "$.schema_version", f"no migration for {kind} documents from version {step}"
            )
        migrated = dict(migration(migrated))
        migrated["schema_version"] = step + 1
    return migrated


def upgrade_document(
    document: Mapping[str, Any], kind: str, *, migrations: Migrations | None = None
) -> Document:
    """``document`` (an ``"event"`` or a ``"snapshot"``) brought to the current schema
    version by ``migrations`` (default: :func:`standard_migrations`; pass the
    programme's, ``lifecycle.codec.migrations``, for its own), without reading it
    further."""
    chosen = standard_migrations() if migrations is None else migrations
    return chosen.upgrade(document, kind)


# -- events ------------------------------------------------------------------------


def _payload_type(lifecycle: Lifecycle[Any], name: str) -> type:
    if name == lifecycle.creation.name:
        return lifecycle.creation.payload
    return lifecycle.event(name).payload


def dump_event(event: Event, lifecycle: Lifecycle[Any]) -> Document:
    """An event as a JSON-ready dict."""
    payload = (
        {}
        if isinstance(event.payload, NoPayload)
        else codec_of(lifecycle).converter.unstructure(event.payload)
    )
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
    return structure(
        dict(document), payload_type, path="$", converter=codec_of(lifecycle).converter
    )


def parse_payload(fields: Mapping[str, str], lifecycle: Lifecycle[Any], event: str) -> Any:
    """The payload of ``event`` from text values, as typed on a command line.

    A value for a text field is taken as it is; any other value is read as JSON when
    it is JSON (``12``, ``12.5``, ``["Anna", "Bram"]``, ``{"a": 1}``) and kept as text
    otherwise (``2024-10-01``, ``teacher``); a text that is no JSON array, for a list
    field, is a list of that one text (``members=Anna``). Then the document is read as
    :func:`load_payload` reads it.

    >>> from trajectory.ontwikkelkracht import programme
    >>> parse_payload({"participant": "Anna", "date": "2024-10-01", "hours": "7.5"},
    ...               programme().leertraject, "log_hours")
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
    return structure(document, payload_type, path="$", converter=codec_of(lifecycle).converter)


def _json_or_text(value: str, where: str) -> Any:
    """``value`` read as JSON if it is JSON, else ``value`` itself."""
    import json

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
    from cattrs.cols import is_any_set, is_sequence

    alternatives = _alternatives(kind)
    return len(alternatives) == 1 and (is_sequence(alternatives[0]) or is_any_set(alternatives[0]))


_EVENT_FIELDS: Final = frozenset(
    ("id", "trajectory_id", "sequence", "timestamp", "name", "from_state", "to_state", "actor")
)


def load_event(document: Mapping[str, Any], lifecycle: Lifecycle[Any]) -> Event:
    """An event from its JSON dict (migrated first if it is of an older version, by
    the migrations of the lifecycle's codec)."""
    codec = codec_of(lifecycle)
    doc = _migrate(document, "event", lifecycle.name, codec.migrations)
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
    fields = structure(raw, _EventDocument, path="$", converter=base_converter())
    payload: Any = structure(
        doc["payload"], payload_type, path="$.payload", converter=codec.converter
    )
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
        "data": codec_of(trajectory.lifecycle).converter.unstructure(trajectory.data),
    }


def encode_snapshot(trajectory: Trajectory[Any]) -> str:
    """:func:`dump_snapshot`'s document as compact JSON text, made incrementally.

    The data's growing collections (:class:`~trajectory.engine.records.Entries`)
    share their full chunks of entries with the versions they grew from; the JSON
    of each full chunk written in this trajectory's last snapshot is written again
    as it was, and only the new chunks and the last, partial one are converted and
    encoded. What is kept for that is the trajectory object's own (the JSON of the
    chunks of its last snapshot, no more): nothing is shared between trajectories,
    and a trajectory loaded from a store starts without. The text is the same as
    encoding :func:`dump_snapshot`'s document whole.

    The converter that does it is derived from the codec's converter when the first
    snapshot is encoded: register the converter's hooks before that. A value that
    cannot be written as JSON raises :class:`InvalidData`.
    """
    lifecycle = trajectory.lifecycle
    converter = _snapshot_converter(codec_of(lifecycle))
    kept: dict[int, tuple[tuple[Any, ...], bytes]] = trajectory._encoded or {}
    used: dict[int, tuple[tuple[Any, ...], bytes]] = {}

    def encode_part(value: object) -> Any:
        if type(value) is _Chunked:
            return msgspec.Raw(_entries_json(value, kept, used, encode_part))
        raise NotImplementedError(f"{type(value).__name__} is no JSON value")

    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": "snapshot",
        "lifecycle": lifecycle.name,
        "id": trajectory.id,
        "state": trajectory.state,
        "version": trajectory.version,
        "data": converter.unstructure(trajectory.data),
    }
    try:
        text = msgspec.json.encode(document, enc_hook=encode_part)
    except (TypeError, msgspec.EncodeError) as err:
        raise InvalidData("document", f"cannot be written as JSON: {err}") from err
    trajectory._encoded = used
    return text.decode("utf-8")


class _Chunked:
    """Entries of a snapshot's data, to be encoded chunk by chunk (see
    :func:`encode_snapshot`): ``element`` unstructures one entry. (A plain class:
    msgspec writes an attrs class's fields itself, and hands this to the hook.)"""

    __slots__ = ("element", "entries")

    def __init__(self, entries: Entries[Any], element: Callable[[Any], Any]) -> None:
        self.entries = entries
        self.element = element


#: How many entries a full chunk of Entries holds (see trajectory.engine.records).
_CHUNK: Final = 32


def _entries_json(
    chunked: _Chunked,
    kept: dict[int, tuple[tuple[Any, ...], bytes]],
    used: dict[int, tuple[tuple[Any, ...], bytes]],
    encode_part: Callable[[object], Any],
) -> bytes:
    """The JSON array of ``chunked``: each full chunk's JSON from ``kept`` when it is
    the same chunk (the same tuple: its entries are immutable), encoded otherwise;
    every full chunk's JSON is put in ``used``."""
    entries, element = chunked.entries, chunked.element
    parts: list[bytes] = []
    chunks = entries._chunks
    for number in range(len(entries) // _CHUNK):
        chunk = chunks[number]
        found = kept.get(id(chunk))
        if found is None or found[0] is not chunk:
            encoded = msgspec.json.encode([element(entry) for entry in chunk], enc_hook=encode_part)
            found = (chunk, encoded[1:-1])  # the entries, without the array's brackets
        used[id(chunk)] = found
        parts.append(found[1])
    tail = entries._tail
    if tail:
        encoded = msgspec.json.encode([element(entry) for entry in tail], enc_hook=encode_part)
        parts.append(encoded[1:-1])
    return b",".join(parts).join((b"[", b"]"))


def _snapshot_converter(codec: Codec) -> cattrs.Converter:
    """The converter :func:`encode_snapshot` uses: the codec's, but for a sequence
    that is Entries of at least one full chunk, which it gives as a :class:`_Chunked`."""
    found = codec._snapshot_converter
    original = codec.converter
    if found is not None and found[0] is original:
        derived: cattrs.Converter = found[1]
        return derived
    from cattrs.cols import is_sequence

    derived = original.copy()

    def chunked_hook(kind: Any) -> Callable[[Any], Any]:
        whole = original.get_unstructure_hook(kind)
        arguments = get_args(kind)
        element = derived.get_unstructure_hook(arguments[0]) if arguments else _same

        def unstructure(value: Any) -> Any:
            if isinstance(value, Entries) and len(value) >= _CHUNK:
                return _Chunked(value, element)
            return whole(value)

        return unstructure

    derived.register_unstructure_hook_factory(is_sequence, chunked_hook)
    with _codec_lock:
        codec._snapshot_converter = (original, derived)
    return derived


def _same(value: Any) -> Any:
    return value


def load_snapshot(document: Mapping[str, Any], lifecycle: Lifecycle[Any]) -> Snapshot:
    """A snapshot from its JSON dict (migrated first if it is of an older version, by
    the migrations of the lifecycle's codec)."""
    codec = codec_of(lifecycle)
    doc = _migrate(document, "snapshot", lifecycle.name, codec.migrations)
    if doc.get("lifecycle", lifecycle.name) != lifecycle.name:
        raise InvalidData(
            "$.lifecycle", f"expected {lifecycle.name!r}, got {describe(doc.get('lifecycle'))}"
        )
    if lifecycle.data_type is None:
        raise InvalidData("$.data", f"lifecycle {lifecycle.name!r} declares no data type")
    head = structure(
        {key: doc.get(key) for key in ("id", "state", "version")},
        _SnapshotHead,
        path="$",
        converter=base_converter(),
    )
    if head.state not in lifecycle.states:
        raise InvalidData("$.state", f"unknown state {describe(head.state)}")
    data = structure(doc.get("data"), lifecycle.data_type, path="$.data", converter=codec.converter)
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
    return from_snapshot(lifecycle, load_snapshot(snapshot, lifecycle), history, clock=clock)


def from_snapshot(
    lifecycle: Lifecycle[Any],
    head: Snapshot,
    history: Sequence[Event],
    *,
    clock: Clock | None = None,
) -> Trajectory[Any]:
    """The trajectory at the snapshot ``head`` (not replayed) with the events of
    ``history`` after its version applied again; :class:`InvalidData` when the
    history is shorter than the snapshot or does not agree with it. A stored history
    (:func:`~trajectory.engine.history.stored_history`) is read from the snapshot's
    version on (see :meth:`Trajectory.resume`)."""
    if head.version > len(history):
        raise InvalidData(
            "$.version",
            f"the snapshot is at version {head.version}, the history has {len(history)} events",
        )
    return Trajectory.resume(
        lifecycle, head.id, head.state, head.data, history, version=head.version, clock=clock
    )


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
