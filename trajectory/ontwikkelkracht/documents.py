"""The programme's JSON documents: schema files and migrations of older versions.

The JSON Schema files of the events and snapshots of the leertraject, the application
and the budget ledger ship in ``trajectory/ontwikkelkracht/schemas/``; regenerate
them with ``python -c "from trajectory.ontwikkelkracht.documents import write_schemas;
write_schemas()"`` after changing a payload or the data (a test fails until they are
in step).

Version 1 documents (the pre-release format) named the states of an event ``from``
and ``to``, had no ``actor`` and no ``kind`` (the engine's standard migration,
:func:`~trajectory.engine.serialization.standard_migrations`, brings those up), and
called a participant's planned hours ``hours``: the snapshot migration below. The
programme adds it, and the school year's JSON Schema, to its codec when it is built
(:func:`add_to`); importing this module registers nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Final

from trajectory.engine.schema import event_schema, snapshot_schema, to_json
from trajectory.engine.serialization import Codec, Document
from trajectory.ontwikkelkracht.school import SchoolYear

__all__ = ["SCHEMA_FILES", "add_to", "schema_texts", "shipped_schema", "write_schemas"]

#: How a school year appears in the JSON documents.
SCHOOL_YEAR_SCHEMA: Final = {
    "description": "A Dutch school year, 1 August – 31 July.",
    "type": "string",
    "pattern": r"^\d{4}-\d{4}$",
}

#: The shipped schema files: the programme's lifecycle (its attribute) and what makes them.
SCHEMA_FILES: Final = {
    "leertraject-snapshot.schema.json": ("leertraject", snapshot_schema),
    "leertraject-event.schema.json": ("leertraject", event_schema),
    "application-snapshot.schema.json": ("application", snapshot_schema),
    "application-event.schema.json": ("application", event_schema),
    "ledger-snapshot.schema.json": ("ledger", snapshot_schema),
    "ledger-event.schema.json": ("ledger", event_schema),
}


def schema_texts() -> dict[str, str]:
    """The text each shipped schema file should have (the programme's lifecycles)."""
    from trajectory.ontwikkelkracht.bootstrap import programme

    built = programme()
    return {
        name: to_json(make(getattr(built, lifecycle)))
        for name, (lifecycle, make) in SCHEMA_FILES.items()
    }


def shipped_schema(name: str) -> str:
    """The text of a shipped schema file."""
    from importlib import resources

    return (resources.files("trajectory.ontwikkelkracht.schemas") / name).read_text("utf-8")


def _snapshot_v1_to_v2(document: Document) -> Document:
    migrated = dict(document)
    data: Any = dict(migrated.get("data") or {})
    participants = data.get("participants")
    if isinstance(participants, list):
        data["participants"] = [
            {("planned_hours" if key == "hours" else key): value for key, value in p.items()}
            if isinstance(p, dict)
            else p
            for p in participants
        ]
    migrated["data"] = data
    migrated["kind"] = "snapshot"
    return migrated


def add_to(codec: Codec, lifecycle: str) -> None:
    """Add the leertraject's document parts to ``codec``: the migration of its
    snapshots from version 1 (for the lifecycle named ``lifecycle``) and the JSON
    Schema of a school year."""
    codec.migrations.register("snapshot", 1, _snapshot_v1_to_v2, lifecycle=lifecycle)
    codec.register_schema_type(SchoolYear, SCHOOL_YEAR_SCHEMA)


def write_schemas() -> None:
    """Write the schema files into the package's ``schemas`` folder."""
    folder = Path(__file__).parent / "schemas"
    for name, text in schema_texts().items():
        (folder / name).write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {folder / name}\n")
