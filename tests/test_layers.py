"""The dependency rule: engine ← store ← domain (ontwikkelkracht) ← office, sim,
testing, cli, service; and engine ← store ← publish (which knows no programme) ←
service.

Each package's modules are read with :mod:`ast` (imports inside functions and under
``TYPE_CHECKING`` too, relative imports resolved, ``importlib.import_module`` of a
literal name as well), and none may import a package the rule puts above it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

import trajectory

PACKAGE: Final = Path(trajectory.__file__).parent

#: For each layer, the packages it must not import.
FORBIDDEN: Final = {
    "trajectory.engine": (
        "trajectory.service",
        "trajectory.publish",
        "trajectory.ontwikkelkracht",
        "trajectory.office",
        "trajectory.store",
        "trajectory.sim",
        "trajectory.testing",
        "trajectory.cli",
    ),
    "trajectory.store": (
        "trajectory.service",
        "trajectory.publish",
        "trajectory.ontwikkelkracht",
        "trajectory.office",
        "trajectory.sim",
        "trajectory.testing",
        "trajectory.cli",
    ),
    "trajectory.ontwikkelkracht": (
        "trajectory.service",
        "trajectory.publish",
        "trajectory.store",
        "trajectory.office",
        "trajectory.sim",
        "trajectory.testing",
        "trajectory.cli",
    ),
    # The Office works on a store for the programme: above both, beside the command line.
    "trajectory.office": (
        "trajectory.service",
        "trajectory.publish",
        "trajectory.sim",
        "trajectory.testing",
        "trajectory.cli",
    ),
    # The HTTP service sits above the Office and publishing, beside the command line.
    "trajectory.service": (
        "trajectory.sim",
        "trajectory.testing",
        "trajectory.cli",
    ),
    # Publishing works on any store's outbox, whatever programme wrote it.
    "trajectory.publish": (
        "trajectory.service",
        "trajectory.ontwikkelkracht",
        "trajectory.office",
        "trajectory.sim",
        "trajectory.testing",
        "trajectory.cli",
    ),
}


def imported(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """Every module name ``source`` (the text of ``module``) imports, with its line."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:  # ``from trajectory import sim`` imports a package
                yield node.lineno, f"{name}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def breaches(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The imports of ``module`` that break the dependency rule, as ``line: name``."""
    found: set[tuple[int, str]] = set()
    for layer, forbidden in FORBIDDEN.items():
        if not _within(module, layer):
            continue
        for line, name in imported(source, module, is_package=is_package):
            if any(_within(name, above) for above in forbidden):
                found.add((line, name))
    # ``from trajectory.sim.paths import shortest_paths`` is one breach, not two.
    shortest = {
        (line, name)
        for line, name in found
        if not any(other != name and _within(name, other) for at, other in found if at == line)
    }
    return [f"{module}:{line}: {name}" for line, name in sorted(shortest)]


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of the package, by dotted name."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts), path


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_a_layer_above_it(layer: str) -> None:
    """No module of the engine, the store or the domain imports a package the rule
    puts above it."""
    found = []
    for module, path in modules():
        if _within(module, layer):
            is_package = path.name == "__init__.py"
            name = module.removesuffix(".__init__")
            found += breaches(path.read_text("utf-8"), name, is_package=is_package)
    assert [] == found


def test_every_layer_has_modules() -> None:
    """The rule reads real modules (a renamed package would leave it checking none)."""
    names = [module for module, _ in modules()]
    for layer in FORBIDDEN:
        assert any(_within(name, layer) for name in names), layer


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        (
            "def walk():\n    from trajectory.sim.paths import shortest_paths\n",
            "trajectory.engine.walker",
            ["trajectory.engine.walker:2: trajectory.sim.paths"],
        ),
        (
            "import trajectory.ontwikkelkracht.lifecycle as l\n",
            "trajectory.engine.loader",
            ["trajectory.engine.loader:1: trajectory.ontwikkelkracht.lifecycle"],
        ),
        (
            "from ..store import memory\n",
            "trajectory.ontwikkelkracht.record",
            ["trajectory.ontwikkelkracht.record:1: trajectory.store"],
        ),
        (
            "from trajectory import cli\n",
            "trajectory.store.sql",
            ["trajectory.store.sql:1: trajectory.cli"],
        ),
        (
            "import importlib\nimportlib.import_module('trajectory.testing.stateful')\n",
            "trajectory.ontwikkelkracht.walker",
            ["trajectory.ontwikkelkracht.walker:2: trajectory.testing.stateful"],
        ),
        (
            "from trajectory.engine.paths import shortest_paths\n",
            "trajectory.ontwikkelkracht.walker",
            [],
        ),
        ("from trajectory.ontwikkelkracht import LIFECYCLE\n", "trajectory.sim.cohort", []),
        ("from trajectory.store import open_store\n", "trajectory.office.office", []),
        (
            "from trajectory.office import Office\n",
            "trajectory.ontwikkelkracht.bootstrap",
            ["trajectory.ontwikkelkracht.bootstrap:1: trajectory.office"],
        ),
    ],
)
def test_a_forbidden_import_is_found(source: str, module: str, expected: list[str]) -> None:
    """The check finds a forbidden import wherever it is written (in a function, as
    a relative import, through importlib) and lets allowed imports pass."""
    assert expected == breaches(source, module)
