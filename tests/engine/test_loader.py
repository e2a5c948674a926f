"""Lifecycle definitions as data: loading TOML and JSON, errors with paths, writing back."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from trajectory import Context, DefinitionError, InvalidData, ManualClock, Violation
from trajectory.engine.conversion import structure
from trajectory.engine.loader import (
    LifecycleDocument,
    definition_converter,
    definition_schema,
    document_of,
    dump_lifecycle,
    load_lifecycle,
    shipped_definition_schema,
)
from trajectory.engine.registry import Registry
from trajectory.engine.schema import to_json
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.lifecycle import REGISTRY

START = dt.datetime(2024, 9, 2, 9, 0, tzinfo=dt.UTC)

# -- a small programme: one data file and the guards it registers ------------------------


@attrs.frozen
class Team:
    """The programme's data."""

    name: str
    sessions_allowed: int = 2
    plan_due: dt.date | None = None


@attrs.frozen
class Formed:
    """The creation payload."""

    name: str


@attrs.frozen
class Session:
    """The payload of a board session."""

    topic: str


def make_registry() -> Registry:
    registry = Registry()
    too_soon = registry.violations.define(
        "session.topic_missing", nl="Geen onderwerp.", en="No topic."
    )
    registry.register_payload(Formed)
    registry.register_payload(Session)
    registry.register_data_type(Team)
    registry.register_creation("form", lambda payload, context: Team(payload.name))

    @registry.guard()
    def topic_given(data: Team, payload: Session, context: Context) -> list[Violation]:
        return [] if payload.topic.strip() else [too_soon()]

    @registry.effect()
    def noted(data: Team, payload: Any, context: Context) -> Team:
        return data

    registry.register_limit("sessions_allowed", lambda team: team.sessions_allowed)
    registry.register_date("plan_due", lambda team: team.plan_due)
    return registry


TEAM = """
name = "team"
initial = "forming"
data_type = "Team"
person_fields = ["name"]
creation = { payload = "Formed", build = "form" }

[[states]]
name = "forming"
labels = { nl = "vormen", en = "forming" }

[[states]]
name = "working"

[[states]]
name = "done"
final = true

[[events]]
name = "start"
description = "The team starts a round."
transitions = [{ sources = ["forming", "working"], target = "working" }]

[[events]]
name = "board_session"
payload = "Session"
guards = ["topic_given"]
effect = "noted"
transitions = [{ sources = ["working"] }]

[[events]]
name = "finish"
transitions = [{ sources = ["working"], target = "done" }]

[[violations]]
code = "sessions.maximum"
nl = "Maximaal {maximum} sessies; er waren er {actual}."
en = "At most {maximum} sessions; there were {actual}."

[[repeats]]
event = "board_session"
maximum = "sessions_allowed"
minimum = 1
required_by = ["finish"]
since = "start"
maximum_violation = "sessions.maximum"

[[cycles]]
name = "round"
start = "start"
maximum = 3

[[recurring]]
event = "board_session"
every_days = 7
states = ["working"]

[[deadlines]]
event = "finish"
state = "working"
date = "plan_due"
"""


def team() -> tuple[Any, Registry]:
    registry = make_registry()
    return load_lifecycle(TEAM, registry), registry


def test_a_programme_is_one_data_file_and_its_guards() -> None:
    """The TOML definition builds a working lifecycle: routes, guards, effects, repeats
    (with a limit from the data and the file's own violation type), cycles."""
    made, _ = team()
    assert ["forming", "working", "done"] == list(made.states)
    assert {"forming": "working", "working": "working"} == dict(made.routes["start"])
    assert "vormen" == made.states["forming"].labels["nl"]
    t = made.create(Formed("Team A"), clock=ManualClock(START))
    t.fire("start")
    assert ["session.topic_missing"] == [v.code for v in t.check("board_session", topic=" ")]
    assert ["repeat.minimum"] == [v.code for v in t.check("finish")]
    t.fire("board_session", topic="Reading")
    t.fire("board_session", topic="Writing")
    found = t.check("board_session", topic="More")
    assert [("sessions.maximum", {"maximum": 2, "actual": 2})] == [
        (v.code, dict(v.details)) for v in found
    ]
    t.fire("start")
    assert 2 == made.iteration(t, "round")
    assert [] == t.check("board_session", topic="Round two")
    assert ["board_session"] == [d.event for d in made.due(t, START + dt.timedelta(days=8))]


def test_json_and_files_load_the_same(tmp_path: Path) -> None:
    """JSON text, a .json file, a .toml file and data already read give the same
    definition as the TOML text."""
    data = tomllib.loads(TEAM)
    expected = dump_lifecycle(*team())
    (tmp_path / "team.toml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "team.json").write_text(json.dumps(data), encoding="utf-8")
    for source, kind in (
        (json.dumps(data), "json"),
        (tmp_path / "team.json", None),
        (tmp_path / "team.toml", None),
        (data, None),
    ):
        registry = make_registry()
        loaded = load_lifecycle(source, registry, format=kind)  # type: ignore[arg-type]
        assert expected == dump_lifecycle(loaded, registry)


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(tomllib.loads(TEAM))
    change(data)
    return data


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            _set(("events", 2, "transitions", 0, "target"), "closed"),
            "$.events[2].transitions[0].target",
        ),
        (
            _set(("events", 0, "transitions", 0, "sources", 1), "idle"),
            "$.events[0].transitions[0].sources[1]",
        ),
        (_set(("events", 1, "guards", 0), "topic_checked"), "$.events[1].guards[0]"),
        (_set(("events", 1, "guards", 0), {"name": "topic_given"}), "$.events[1].guards[0]"),
        (_set(("events", 1, "effect"), "logged"), "$.events[1].effect"),
        (_set(("events", 1, "payload"), "Meeting"), "$.events[1].payload"),
        (_set(("events", 2, "transitions", 0, "target"), 3), "$.events[2].transitions[0].target"),
        (_set(("events", 2, "colour"), "red"), "$.events[2]"),
        (_set(("states", 1, "final"), "yes"), "$.states[1].final"),
        (_set(("initial",), "idle"), "$.initial"),
        (_set(("creation", "build"), "grow"), "$.creation.build"),
        (_set(("data_type",), "Squad"), "$.data_type"),
        (_set(("repeats", 0, "maximum"), "sessions_planned"), "$.repeats[0].maximum"),
        (_set(("repeats", 0, "maximum"), 1.5), "$.repeats[0].maximum"),
        (
            _set(("repeats", 0, "maximum_violation"), "sessions.too_many"),
            "$.repeats[0].maximum_violation",
        ),
        (_set(("repeats", 0, "required_by", 0), "close"), "$.repeats[0].required_by[0]"),
        (_set(("repeats", 0, "required_by"), []), "$.repeats[0]"),
        (_set(("cycles", 0, "start"), "begin"), "$.cycles[0].start"),
        (_set(("recurring", 0, "every_days"), 0), "$.recurring[0].every_days"),
        (_set(("recurring", 0, "states", 0), "idle"), "$.recurring[0].states[0]"),
        (_set(("deadlines", 0, "date"), "plan_date"), "$.deadlines[0].date"),
        (_set(("violations", 0, "code"), "session.topic_missing"), "$.violations[0].code"),
        (_set(("format",), 2), "$.format"),
        (_set(("states", 2, "final"), False), "$"),
    ],
)
def test_errors_say_where(change: Any, path: str) -> None:
    """Every mistake in a definition file is a DefinitionError whose path points at it."""
    with pytest.raises(DefinitionError) as info:
        load_lifecycle(_broken(change), make_registry())
    assert path == info.value.path
    assert str(info.value).startswith(path)


def test_invalid_text() -> None:
    """Text that is not TOML (or JSON) is a DefinitionError at '$'; an unknown format
    is InvalidData naming 'format'."""
    with pytest.raises(DefinitionError) as info:
        load_lifecycle("name = ", make_registry())
    assert "$" == info.value.path
    with pytest.raises(DefinitionError):
        load_lifecycle("{", make_registry(), format="json")
    with pytest.raises(InvalidData) as bad:
        load_lifecycle("name = 'x'", make_registry(), format="yaml")  # type: ignore[arg-type]
    assert "format" == bad.value.field


def deeply(depth: int) -> str:
    """TOML text whose description is an array nested ``depth`` levels deep."""
    return TEAM + "\n[deep]\nvalue = " + "[" * depth + "]" * depth + "\n"


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_definition_nested_too_deep_is_a_definition_error(tmp_path: Path, depth: int) -> None:
    """TOML text, a JSON file and data already read that nest deeper than the limit
    give a DefinitionError with a path, never a RecursionError."""
    nested: Any = []
    for _ in range(depth):
        nested = [nested]
    data = {**tomllib.loads(TEAM), "description": nested}
    (tmp_path / "deep.json").write_text("[" * depth + "]" * depth, encoding="utf-8")
    for source in (deeply(depth), tmp_path / "deep.json", data):
        with pytest.raises(DefinitionError) as info:
            load_lifecycle(source, make_registry())
        assert (info.value.path or "").startswith("$"), source
        assert "levels deep" in info.value.reason


def test_a_definition_of_the_wrong_types_is_not_coerced() -> None:
    """A definition is read strictly: a state name that is a number, or a list of sources
    that is one string, is refused at its path instead of being converted."""
    for change, path, reason in (
        (_set(("initial",), 7), "$.initial", "expected text"),
        (
            _set(("events", 0, "transitions", 0, "sources"), "open"),
            "$.events[0].transitions[0].sources",
            "expected an array",
        ),
    ):
        with pytest.raises(DefinitionError) as info:
            load_lifecycle(_broken(change), make_registry())
        assert path == info.value.path
        assert reason in info.value.reason


def test_a_file_that_is_no_text_is_a_definition_error(tmp_path: Path) -> None:
    """A definition file that is not UTF-8 text is a DefinitionError naming it."""
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(DefinitionError, match="cannot read"):
        load_lifecycle(tmp_path / "binary.toml", make_registry())


def test_a_missing_file(tmp_path: Path) -> None:
    """A file that cannot be read is a DefinitionError naming it."""
    with pytest.raises(DefinitionError, match="cannot read"):
        load_lifecycle(tmp_path / "none.toml", make_registry())


def test_the_round_trip_of_a_programme() -> None:
    """Writing a loaded lifecycle back gives data that loads to the same lifecycle."""
    made, registry = team()
    data = dump_lifecycle(made, registry)
    again = load_lifecycle(json.loads(json.dumps(data)), registry)
    assert data == dump_lifecycle(again, registry)
    assert dict(made.routes) == dict(again.routes)
    assert made.events["board_session"].guards == again.events["board_session"].guards
    assert "sessions.maximum" in data["violations"][0]["code"]
    assert "topic_missing" not in json.dumps(data["violations"])


def test_code_that_is_not_registered_cannot_be_written() -> None:
    """A lifecycle whose guards the registry does not know cannot be written back."""
    made, _ = team()
    with pytest.raises(DefinitionError, match="is not a registered"):
        dump_lifecycle(made, Registry())


# -- the leertraject ---------------------------------------------------------------------------


def test_the_leertraject_is_built_from_its_data_file() -> None:
    """The shipped leertraject.toml is exactly the document of LIFECYCLE."""
    resource = resources.files("trajectory.ontwikkelkracht.data") / "leertraject.toml"
    text = resource.read_text(encoding="utf-8")
    shipped = structure(tomllib.loads(text), LifecycleDocument, converter=definition_converter())
    assert shipped == document_of(LIFECYCLE, REGISTRY)


def test_the_leertraject_round_trips() -> None:
    """Dumping LIFECYCLE and loading the JSON back gives an equivalent lifecycle: the
    same states, events, routes, guards, effects, payloads and repeats."""
    data = dump_lifecycle(LIFECYCLE, REGISTRY)
    again = load_lifecycle(json.dumps(data), REGISTRY, format="json")
    assert dict(LIFECYCLE.states) == dict(again.states)
    assert dict(LIFECYCLE.routes) == dict(again.routes)
    assert dict(LIFECYCLE.events) == dict(again.events)
    assert LIFECYCLE.repeats == again.repeats
    assert set(LIFECYCLE.violations) == set(again.violations)
    assert LIFECYCLE.creation == again.creation
    assert data == dump_lifecycle(again, REGISTRY)
    assert 2 == len(data["repeats"])


# -- the JSON Schema of the format -------------------------------------------------------------


def test_the_shipped_schema_is_in_step() -> None:
    """Regenerating the definition schema gives the shipped document (compared parsed,
    so that how a dependency renders text cannot fail it)."""
    assert json.loads(to_json(definition_schema())) == json.loads(shipped_definition_schema())


def test_a_changed_definition_format_fails_the_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real change of the format is caught: a new version, or a state's field renamed."""
    from trajectory.engine import loader

    shipped = json.loads(shipped_definition_schema())
    monkeypatch.setattr(loader, "FORMAT", 2)
    assert shipped != json.loads(to_json(loader.definition_schema()))
    monkeypatch.undo()
    renamed = attrs.make_class(
        "StateDocument",
        {"name": attrs.field(type=str), "colour": attrs.field(type=str, default="")},
    )
    fields = {**loader.LifecycleDocument.__annotations__, "states": list[renamed]}  # type: ignore[valid-type]
    monkeypatch.setattr(loader.LifecycleDocument, "__annotations__", fields)
    assert shipped != json.loads(to_json(loader.definition_schema()))


def test_the_schema_accepts_real_definitions_and_refuses_extra_keys() -> None:
    """The leertraject's file and a dumped programme validate; an unknown key does not."""
    schema = json.loads(shipped_definition_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    resource = resources.files("trajectory.ontwikkelkracht.data") / "leertraject.toml"
    assert [] == list(validator.iter_errors(tomllib.loads(resource.read_text(encoding="utf-8"))))
    assert [] == list(validator.iter_errors(dump_lifecycle(*team())))
    wrong = _broken(_set(("events", 0, "colour"), "red"))
    assert ["events", 0] == list(next(validator.iter_errors(wrong)).absolute_path)


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parent.parent.parent / "examples").glob("*.toml")),
    ids=lambda path: path.name,
)
def test_example_definitions_validate(path: Path) -> None:
    """Every definition file among the examples validates against the shipped schema."""
    validator = jsonschema.Draft202012Validator(json.loads(shipped_definition_schema()))
    assert [] == list(validator.iter_errors(tomllib.loads(path.read_text(encoding="utf-8"))))
