"""The Programme: lifecycles by name, the registry, its own codec (converter,
migrations, schema types); and what stores receive from it."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from trajectory.engine.conversion import base_converter
from trajectory.engine.errors import InvalidData
from trajectory.engine.loader import load_lifecycle
from trajectory.engine.programme import Programme
from trajectory.engine.registry import Registry
from trajectory.engine.serialization import Codec, Migrations, dump_snapshot, load_snapshot
from trajectory.store import open_store


@attrs.frozen
class Board:
    """The data of a board: its name."""

    school: str


def definition(name: str) -> str:
    """A two-state definition named ``name``."""
    return f"""
name = "{name}"
initial = "open"
data_type = "Board"
creation = {{ payload = "Board", build = "board" }}
states = [{{ name = "open" }}, {{ name = "closed", final = true }}]
[[events]]
name = "close"
transitions = [{{ sources = ["open"], target = "closed" }}]
"""


def registry() -> Registry:
    """A registry of the code the definitions name."""
    made = Registry()
    made.register_creation("board", lambda payload, context: payload)
    made.register_payload(Board)
    made.register_data_type(Board)
    return made


def programme(*names: str) -> Programme:
    """A programme of one lifecycle per name."""
    return Programme.load("boards", [definition(name) for name in names or ("board",)], registry())


def test_a_programme_holds_its_lifecycles_by_name() -> None:
    """lifecycles maps every name to its lifecycle, in order; lifecycle(name) finds one,
    lifecycle() the first."""
    made = programme("board", "council")
    assert ["board", "council"] == list(made.lifecycles)
    assert made.lifecycles["council"] is made.lifecycle("council")
    assert made.lifecycles["board"] is made.lifecycle()
    assert ["board", "council"] == [lifecycle.name for lifecycle in made]
    assert 2 == len(made)


def test_an_unknown_lifecycle_is_refused_naming_the_known() -> None:
    """lifecycle(name) of a name the programme has not raises InvalidData naming them."""
    with pytest.raises(InvalidData, match="known: board, council"):
        programme("board", "council").lifecycle("school")


def test_every_lifecycle_carries_the_programme_codec() -> None:
    """The lifecycles share the programme's codec: its converter and its migrations."""
    made = programme("board", "council")
    assert all(lifecycle.codec is made.codec for lifecycle in made)
    assert made.converter is made.codec.converter
    assert made.migrations is made.codec.migrations


def test_the_converter_is_the_programme_own() -> None:
    """A hook registered on the programme's converter is used for its documents and
    reaches neither another programme's converter nor the engine's base one."""
    first, second = programme(), programme()
    first.converter.register_unstructure_hook(Board, lambda board: {"school": board.school.upper()})
    t = first.lifecycle().create(Board("de linde"))
    assert "DE LINDE" == dump_snapshot(t)["data"]["school"]
    other = second.lifecycle().create(Board("de linde"))
    assert "de linde" == dump_snapshot(other)["data"]["school"]
    assert {"school": "de linde"} == base_converter().unstructure(Board("de linde"))


def test_a_migration_reaches_only_its_programme() -> None:
    """A snapshot migration registered on one programme's migrations is used to read
    its documents; another programme refuses the old document."""
    first, second = programme(), programme()
    first.migrations.register(
        "snapshot", 1, lambda doc: {**doc, "data": {"school": doc["data"]["name"]}}
    )
    old: dict[str, Any] = {
        "schema_version": 1,
        "lifecycle": "board",
        "id": "b1",
        "state": "open",
        "version": 1,
        "data": {"name": "De Linde"},
    }
    assert Board("De Linde") == load_snapshot(old, first.lifecycle()).data
    with pytest.raises(InvalidData, match="no migration for snapshot documents"):
        load_snapshot(old, second.lifecycle())


def test_a_lifecycle_without_the_programme_codec_is_refused() -> None:
    """A lifecycle loaded with another codec cannot join the programme (its documents
    would be read with another converter)."""
    stray = load_lifecycle(definition("board"), registry())
    with pytest.raises(InvalidData, match="does not carry the programme's codec"):
        Programme("boards", [stray], registry=registry(), codec=Codec())


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"name": ""}, "name"),
        ({"lifecycles": "board"}, "lifecycles"),
        ({"lifecycles": []}, "lifecycles"),
        ({"lifecycles": [object()]}, "lifecycles[0]"),
        ({"registry": {}}, "registry"),
        ({"codec": object()}, "codec"),
    ],
)
def test_a_programme_of_wrong_parts_is_refused(arguments: dict[str, Any], field: str) -> None:
    """Wrong parts raise InvalidData naming the argument; nothing is built."""
    codec = Codec()
    given: dict[str, Any] = {
        "name": "boards",
        "lifecycles": [load_lifecycle(definition("board"), registry(), codec=codec)],
        "registry": registry(),
        "codec": codec,
        **arguments,
    }
    with pytest.raises(InvalidData) as raised:
        Programme(given.pop("name"), given.pop("lifecycles"), **given)
    assert field == raised.value.field


def test_two_lifecycles_of_one_name_are_refused() -> None:
    """A programme names each lifecycle once."""
    codec = Codec()
    twice = [load_lifecycle(definition("board"), registry(), codec=codec) for _ in range(2)]
    with pytest.raises(InvalidData, match="a second lifecycle named 'board'"):
        Programme("boards", twice, registry=registry(), codec=codec)


def test_definitions_must_be_a_list() -> None:
    """Programme.load takes a list of definitions, not one text."""
    with pytest.raises(InvalidData) as raised:
        Programme.load("boards", definition("board"), registry())
    assert "definitions" == raised.value.field


def test_a_store_receives_the_programme() -> None:
    """open_store takes the programme where it takes lifecycles: the store holds them
    all, and reads back what it saved."""
    made = programme("board", "council")
    store = open_store("memory://", lifecycles=made)
    t = made.lifecycle("council").create(Board("De Linde"))
    store.save(t)
    assert t.id == store.load(t.id).id


def test_the_schema_types_are_read_only() -> None:
    """schema_types is a read-only view; the codec registers them."""
    made = programme()
    made.codec.register_schema_type(Board, {"type": "string"})
    assert {"Board": {"type": "string"}} == dict(made.schema_types)
    with pytest.raises(TypeError):
        made.schema_types["Board"] = {}  # type: ignore[index]


def test_migrations_of_a_new_codec_are_the_standard_ones() -> None:
    """A programme built without a codec gets the engine's standard migrations (the
    event's fields from version 1)."""
    made = programme()
    assert isinstance(made.migrations, Migrations)
    assert 1 == len(made.migrations)
    assert made.migrations.find("board", "event", 1) is not None
    assert made.migrations.find("board", "snapshot", 1) is None


def test_the_repr_names_the_programme_and_its_lifecycles() -> None:
    """repr() shows the name and the lifecycles."""
    assert "<Programme 'boards': board, council>" == repr(programme("board", "council"))
