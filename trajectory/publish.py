"""Committed events for other systems, as CloudEvents 1.0.

Every event a store commits is in its outbox
(:meth:`~trajectory.store.base.Store.read_outbox`), at a position that only grows.
:class:`CloudEvents` turns those entries into CloudEvents 1.0 (the specification's
version 1.0.2) with the maintained ``cloudevents`` SDK, in its structured JSON form,
for a feed, a webhook or a message bus:

- ``id``: the event's id (the same on every delivery: consumers drop repeats);
- ``source``: the deployment, as given (a URI reference, such as its base URL);
- ``type``: the lifecycle and the event, ``ontwikkelkracht.leertraject.register``;
- ``subject``: the trajectory's id;
- ``time``: the moment the event was recorded;
- ``dataschema``: the JSON Schema of the lifecycle's events, where one is given;
- ``data``: the event as the library writes it (``dump_event``): its payload, the
  states before and after, the actor and its sequence;
- ``sequence``: the event's sequence in its trajectory (an extension attribute, as text).

>>> import datetime as dt
>>> from trajectory.store.records import OutboxEntry
>>> entry = OutboxEntry(7, "t-1", 1, {
...     "lifecycle": "ontwikkelkracht.leertraject", "id": "e-1", "name": "register",
...     "trajectory_id": "t-1", "sequence": 1, "timestamp": "2024-05-01T10:00:00+02:00",
... })
>>> events = CloudEvents(source="https://office.example/")
>>> event = events.event(entry)
>>> event.get_type(), event.get_subject(), event.get_time().isoformat()
('ontwikkelkracht.leertraject.register', 't-1', '2024-05-01T10:00:00+02:00')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from trajectory.engine.errors import InvalidData, MissingDependency, wrong_type
from trajectory.store.base import Store
from trajectory.store.errors import CorruptRecord
from trajectory.store.records import OutboxEntry

if TYPE_CHECKING:
    from cloudevents.core.v1.event import CloudEvent

__all__ = ["CONTENT_TYPE", "CloudEvents"]

#: The media type of one event in the structured JSON form.
CONTENT_TYPE: Final = "application/cloudevents+json"
#: The media type of several, as a JSON array (the batched form).
BATCH_CONTENT_TYPE: Final = "application/cloudevents-batch+json"

#: The fields of an outbox entry's event that an event must have.
_REQUIRED: Final = ("lifecycle", "id", "name", "timestamp")


def _sdk() -> Any:
    try:
        from cloudevents.core.formats.json import JSONFormat
        from cloudevents.core.v1.event import CloudEvent
    except ImportError as err:
        raise MissingDependency(
            "cloudevents", extra="service", needed_for="trajectory.publish"
        ) from err
    return CloudEvent, JSONFormat


def _absolute_uri(value: object) -> bool:
    """Whether ``value`` is an absolute URI (a scheme, then more), as ``dataschema`` is."""
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    return bool(urlsplit(value).scheme) and ":" in value and len(value.split(":", 1)[1]) > 0


class CloudEvents:
    """How a deployment publishes its committed events as CloudEvents.

    ``source`` names the deployment (a non-empty URI reference, such as the service's
    base URL); ``schemas`` gives, by lifecycle name, the absolute URI of the JSON
    Schema of its events (a mapping, or a function returning ``None`` where there is
    none); ``type_prefix`` goes before every type (such as ``nl.example.``)."""

    def __init__(
        self,
        *,
        source: str,
        schemas: Mapping[str, str] | Callable[[str], str | None] | None = None,
        type_prefix: str = "",
    ) -> None:
        if not isinstance(source, str) or not source.strip():
            raise wrong_type("source", "a URI reference such as https://office.example/", source)
        if schemas is not None and not (isinstance(schemas, Mapping) or callable(schemas)):
            raise wrong_type("schemas", "a mapping of lifecycle names to URIs", schemas)
        if isinstance(schemas, Mapping):
            for uri in schemas.values():
                if not _absolute_uri(uri):
                    raise wrong_type(
                        "schemas", "absolute URIs such as https://…/event.schema.json", uri
                    )
        if not isinstance(type_prefix, str):
            raise wrong_type("type_prefix", "text", type_prefix)
        self.source = source
        self.type_prefix = type_prefix
        self._schemas = schemas
        self._event_class, format_class = _sdk()
        self._format = format_class()

    def _schema(self, lifecycle: str) -> str | None:
        if self._schemas is None:
            return None
        if isinstance(self._schemas, Mapping):
            found = self._schemas.get(lifecycle)
        else:
            found = self._schemas(lifecycle)
        if found is not None and not _absolute_uri(found):
            raise wrong_type("schemas", "absolute URIs such as https://…/event.schema.json", found)
        return found

    def event(self, entry: OutboxEntry) -> CloudEvent:
        """The CloudEvent of an outbox entry; :class:`~trajectory.CorruptRecord` if the
        entry's event lacks what an event has."""
        if not isinstance(entry, OutboxEntry):
            raise wrong_type("entry", "an OutboxEntry", entry)
        body = entry.event
        missing = [name for name in _REQUIRED if not isinstance(body.get(name), str)]
        if missing:
            raise CorruptRecord(
                entry.trajectory_id, f"outbox entry {entry.position}: no {', '.join(missing)}"
            )
        try:
            moment = dt.datetime.fromisoformat(body["timestamp"])
        except ValueError:
            raise CorruptRecord(
                entry.trajectory_id, f"outbox entry {entry.position}: a bad timestamp"
            ) from None
        attributes: dict[str, Any] = {
            "id": body["id"],
            "source": self.source,
            "type": f"{self.type_prefix}{body['lifecycle']}.{body['name']}",
            "subject": entry.trajectory_id,
            "time": moment,
            "datacontenttype": "application/json",
            "sequence": str(entry.sequence),
        }
        schema = self._schema(body["lifecycle"])
        if schema is not None:
            attributes["dataschema"] = schema
        try:
            made: CloudEvent = self._event_class(attributes, dict(body))
        except Exception as err:  # the SDK's validation: a bad source, schema or prefix
            raise InvalidData("event", f"not a valid CloudEvent: {err}") from None
        return made

    def to_json(self, entry: OutboxEntry) -> bytes:
        """The entry's CloudEvent in the structured JSON form (:data:`CONTENT_TYPE`)."""
        written: bytes = self._format.write(self.event(entry))
        return written

    def batch(self, entries: Sequence[OutboxEntry]) -> bytes:
        """Several entries' CloudEvents as one JSON array (:data:`BATCH_CONTENT_TYPE`)."""
        return b"[" + b",".join(self.to_json(entry) for entry in entries) + b"]"

    def read(self, store: Store, after: int = 0, limit: int = 100) -> list[tuple[int, CloudEvent]]:
        """The events ``store`` committed after position ``after`` (at most ``limit``),
        each with its position, in the outbox's order: a consumer keeps the last
        position it handled and reads on from there."""
        if not isinstance(store, Store):
            raise wrong_type("store", "a Store", store)
        return [(entry.position, self.event(entry)) for entry in store.read_outbox(after, limit)]

    def __repr__(self) -> str:
        return f"CloudEvents(source={self.source!r})"
