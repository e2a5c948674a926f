"""The composition root: programme() builds the Ontwikkelkracht programme once, and
the module-level names (LIFECYCLE, REGISTRY, rules_for, catalog …) are its parts."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

import trajectory
import trajectory.ontwikkelkracht as ontwikkelkracht
from trajectory.engine.conversion import base_converter, structure
from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.programme import Programme
from trajectory.ontwikkelkracht import bootstrap
from trajectory.ontwikkelkracht import lifecycle as lifecycle_module
from trajectory.ontwikkelkracht.bootstrap import (
    Ontwikkelkracht,
    build_converter,
    build_programme,
    programme,
)
from trajectory.ontwikkelkracht.school import SchoolYear


def test_programme_is_built_once() -> None:
    """programme() gives the same Ontwikkelkracht programme every time."""
    assert programme() is programme()
    assert isinstance(programme(), Ontwikkelkracht)
    assert isinstance(programme(), Programme)


class CountingBuilder:
    """A stand-in for build_programme: counts its builds, and takes its time so that
    racing threads are all inside programme() before the first build ends."""

    def __init__(self, *, fail_first: bool = False) -> None:
        self.builds = 0
        self.fail_first = fail_first
        self._count = threading.Lock()

    def __call__(self) -> Ontwikkelkracht:
        with self._count:
            self.builds += 1
            number = self.builds
        time.sleep(0.05)
        if self.fail_first and number == 1:
            raise InvalidData("rules", "the first build fails")
        return build_programme()


@pytest.fixture
def unbuilt(monkeypatch: pytest.MonkeyPatch) -> CountingBuilder:
    """The process's programme not built yet, built by a CountingBuilder; the process's
    own programme is back afterwards."""
    builder = CountingBuilder()
    monkeypatch.setattr(bootstrap, "_programme", None)
    monkeypatch.setattr(bootstrap, "build_programme", builder)
    return builder


def race(threads: int) -> list[object]:
    """What each of ``threads`` threads got from programme(), all called at once."""
    start = threading.Barrier(threads)

    def first_call() -> object:
        start.wait()
        try:
            return programme()
        except InvalidData as err:
            return err

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda _: first_call(), range(threads)))


def test_threads_racing_the_first_call_share_one_build(unbuilt: CountingBuilder) -> None:
    """Eight threads ask for the programme at the same moment: it is built once and
    every thread gets that one programme, which later calls give too."""
    got = race(8)

    assert 1 == unbuilt.builds
    assert 1 == len({id(built) for built in got})
    assert isinstance(got[0], Ontwikkelkracht)
    assert got[0] is programme()
    assert 1 == unbuilt.builds


def test_a_failed_build_keeps_nothing(unbuilt: CountingBuilder) -> None:
    """When the build fails, the threads that waited for it build again: one of them
    fails with the first build's error, the others share the second build."""
    unbuilt.fail_first = True
    got = race(4)

    errors = [item for item in got if isinstance(item, InvalidData)]
    programmes = {id(item) for item in got if isinstance(item, Ontwikkelkracht)}
    assert (1, 1, 2) == (len(errors), len(programmes), unbuilt.builds)
    assert "the first build fails" == errors[0].reason


def test_a_build_that_asks_for_itself_is_a_definition_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part of the definition that calls programme() while the programme is built
    gets a DefinitionError, not a deadlock or a second build."""

    def asks_for_itself() -> Ontwikkelkracht:
        return programme()

    monkeypatch.setattr(bootstrap, "_programme", None)
    monkeypatch.setattr(bootstrap, "build_programme", asks_for_itself)
    with pytest.raises(DefinitionError, match="asked for while it is being built"):
        programme()
    assert bootstrap._programme is None


def test_the_public_names_are_the_programme_parts() -> None:
    """LIFECYCLE and REGISTRY (of the package and the lifecycle module) are the
    programme's leertraject and registry."""
    built = programme()
    assert built.leertraject is ontwikkelkracht.LIFECYCLE
    assert built.leertraject is lifecycle_module.LIFECYCLE
    assert built.registry is lifecycle_module.REGISTRY
    assert {
        "ontwikkelkracht.leertraject": built.leertraject,
        "ontwikkelkracht.ledger": built.ledger,
        "ontwikkelkracht.application": built.application,
    } == dict(built.lifecycles)
    assert built.leertraject is built.lifecycle("ontwikkelkracht.leertraject")


def test_an_unknown_module_name_is_an_attribute_error() -> None:
    """A name neither module defines raises AttributeError (not a build)."""
    with pytest.raises(AttributeError):
        _ = ontwikkelkracht.LIFECYCLES  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = lifecycle_module.REGISTRIES  # type: ignore[attr-defined]


def test_rules_and_catalog_go_through_the_programme() -> None:
    """rules_for() and catalog() give the programme's rules book and catalog."""
    built = programme()
    assert built.rules_for("2024-2025") is trajectory.rules_for("2024-2025")
    assert built.catalog is trajectory.catalog()
    assert built.development_models == ontwikkelkracht.development_models()
    model = built.development_models[0]
    assert model is built.development_model(model.id)
    with pytest.raises(InvalidData, match="unknown development model"):
        built.development_model("no-such-model")


def test_register_rules_reaches_the_programme_rules_book() -> None:
    """register_rules() overrides a year in the programme's rules book, and
    unregister_rules() restores the shipped rules."""
    shipped = programme().rules_for("2024-2025")
    changed = attrs.evolve(shipped, minimum_participants=9)
    ontwikkelkracht.register_rules(changed)
    try:
        assert 9 == programme().rules_for("2024-2025").minimum_participants
    finally:
        ontwikkelkracht.unregister_rules("2024-2025")
    assert shipped is programme().rules_for("2024-2025")


def test_a_new_programme_has_a_rules_book_of_its_own() -> None:
    """build_programme() builds an independent programme: registering rules in it
    leaves the process's programme alone."""
    own = build_programme()
    assert own is not programme()
    assert own.codec is not programme().codec
    shipped = own.rules_for("2024-2025")
    changed = attrs.evolve(shipped, minimum_participants=7)
    own.rules.register(changed)
    assert 7 == own.rules_for("2024-2025").minimum_participants
    assert 5 == programme().rules_for("2024-2025").minimum_participants


def test_the_school_year_hooks_are_on_the_programme_converter_only() -> None:
    """The programme's converter reads and writes a school year as its text; the
    engine's base converter has no such hook."""
    converter = build_converter()
    assert SchoolYear(2024) == structure("2024-2025", SchoolYear, converter=converter)
    assert "2024-2025" == converter.unstructure(SchoolYear(2024))
    with pytest.raises(InvalidData):
        structure("2024-2025", SchoolYear, converter=base_converter())
    with pytest.raises(InvalidData, match="2024-2026"):
        structure("2024-2026", SchoolYear, converter=converter)


def test_the_school_year_schema_type_is_the_programme() -> None:
    """The programme's codec describes a school year for the JSON Schema files."""
    assert "pattern" in programme().schema_types["SchoolYear"]
