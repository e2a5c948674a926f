"""JSON Schema for the snapshot and event documents, generated from the code.

Integrators in other languages validate what they send and receive against these.
The schemas are generated with msgspec from the attrs classes themselves (the
lifecycle's data class and every event's payload class), so they cannot drift
from the code; the shipped files are kept in step by a test.

A type whose JSON form is not its attrs form (such as a school year, ``"2024-2025"``)
is described by the lifecycle's codec
(:meth:`~trajectory.engine.serialization.Codec.register_schema_type`, which its
programme calls when it is built); msgspec is imported on first use.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, Final

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.serialization import SCHEMA_VERSION, Codec, codec_of

__all__ = [
    "event_schema",
    "own_description",
    "register_schema_type",
    "snapshot_schema",
    "to_json",
]

_DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"


def register_schema_type(cls: type, schema: Mapping[str, Any], *, codec: Codec) -> None:
    """Describe how ``cls`` appears in JSON, in the schemas of the lifecycles that
    use ``codec``, when that differs from its fields (as
    :meth:`~trajectory.engine.serialization.Codec.register_schema_type`)."""
    if not isinstance(codec, Codec):
        raise InvalidData("codec", f"expected a Codec, got {type(codec).__name__}")
    codec.register_schema_type(cls, schema)


def own_description(component: Mapping[str, Any]) -> dict[str, Any]:
    """``component`` with its description as text the project owns.

    msgspec copies a class's docstring into the schema, and how it renders the
    docstring's indentation differs between its versions (and Python 3.13 dedents
    docstrings itself). The schema keeps the docstring's first paragraph with its
    white space folded to single spaces, so that neither can change a shipped file.
    """
    cleaned = dict(component)
    if "description" in cleaned:  # the first paragraph: no doctests in a schema
        first = inspect.cleandoc(cleaned["description"]).split("\n\n")[0]
        cleaned["description"] = " ".join(first.split())
    return cleaned


def _components(
    types: list[type], overrides: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    import msgspec

    refs, components = msgspec.json.schema_components(types, ref_template="#/$defs/{name}")
    cleaned: dict[str, Any] = {}
    for name, component in components.items():
        if name in overrides:
            cleaned[name] = {"title": name, **overrides[name]}
            continue
        component = own_description(component)
        properties = component.get("properties")
        if properties is not None:  # private fields are caches, not data
            component["properties"] = {k: v for k, v in properties.items() if not k.startswith("_")}
            component["required"] = [
                r for r in component.get("required", []) if not r.startswith("_")
            ]
            component["additionalProperties"] = False
        cleaned[name] = component
    return list(refs), cleaned


def snapshot_schema(lifecycle: Lifecycle[Any]) -> dict[str, Any]:
    """The JSON Schema of a snapshot document of ``lifecycle``."""
    if lifecycle.data_type is None:
        raise InvalidData("lifecycle", f"{lifecycle.name!r} declares no data type")
    (data_ref,), components = _components([lifecycle.data_type], codec_of(lifecycle).schema_types)
    return {
        "$schema": _DRAFT,
        "$id": f"urn:trajectory:{lifecycle.name}:snapshot:{SCHEMA_VERSION}",
        "title": f"{lifecycle.name} snapshot",
        "type": "object",
        "required": ["schema_version", "kind", "lifecycle", "id", "state", "version", "data"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "kind": {"const": "snapshot"},
            "lifecycle": {"const": lifecycle.name},
            "id": {"type": "string"},
            "state": {"enum": sorted(lifecycle.states)},
            "version": {"type": "integer", "minimum": 1},
            "data": data_ref,
        },
        "$defs": components,
    }


def event_schema(lifecycle: Lifecycle[Any]) -> dict[str, Any]:
    """The JSON Schema of an event document of ``lifecycle``: one variant per event,
    each with the payload of that event."""
    names = [lifecycle.creation.name, *lifecycle.events]
    payloads = [lifecycle.creation.payload, *(e.payload for e in lifecycle.events.values())]
    refs, components = _components(payloads, codec_of(lifecycle).schema_types)
    states = sorted(lifecycle.states)
    variants = [
        {
            "properties": {
                "name": {"const": name},
                "payload": ref,
                "from_state": {"type": "null"}
                if name == lifecycle.creation.name
                else {"enum": states},
            }
        }
        for name, ref in zip(names, refs, strict=True)
    ]
    return {
        "$schema": _DRAFT,
        "$id": f"urn:trajectory:{lifecycle.name}:event:{SCHEMA_VERSION}",
        "title": f"{lifecycle.name} event",
        "type": "object",
        "required": [
            "schema_version",
            "kind",
            "lifecycle",
            "id",
            "trajectory_id",
            "sequence",
            "timestamp",
            "name",
            "from_state",
            "to_state",
            "actor",
            "payload",
        ],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "kind": {"const": "event"},
            "lifecycle": {"const": lifecycle.name},
            "id": {"type": "string"},
            "trajectory_id": {"type": "string"},
            "sequence": {"type": "integer", "minimum": 1},
            "timestamp": {"type": "string", "format": "date-time"},
            "name": {"enum": names},
            "from_state": {"anyOf": [{"type": "null"}, {"enum": states}]},
            "to_state": {"enum": states},
            "actor": {"type": ["string", "null"]},
            "payload": {"type": "object"},
        },
        "oneOf": variants,
        "$defs": components,
    }


def to_json(schema: Mapping[str, Any]) -> str:
    """A schema as the text of a shipped ``.schema.json`` file."""
    import json

    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


SchemaMaker = Callable[[Lifecycle[Any]], dict[str, Any]]
