"""What ``import trajectory`` does: it reads no data file, registers nothing, and
leaves the heavy parts (the store's SQL, the command line, diagrams, Hypothesis,
cattrs) to be imported on first use.

Each check runs in a fresh interpreter, so that what this test session imported
already does not count. Timing is left to ``benchmarks/bench_import.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "trajectory"

#: Modules that ``import trajectory`` must not import.
NOT_IMPORTED = (
    "sqlalchemy",
    "typer",
    "rich",
    "hypothesis",
    "transitions.extensions.diagrams",
    "structlog",
    "cattrs",
    "stdnum",
    "trajectory.store",
    "trajectory.cli",
    "trajectory.sim",
    "trajectory.testing",
)


def run(code: str) -> object:
    """Run ``code`` in a fresh interpreter; the JSON it prints last, read back."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


OPENED = """
import json, sys
opened = []

def audit(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.append(args[0])

sys.addaudithook(audit)
{body}
package = {package!r}
data = [
    path for path in opened
    if path.startswith(package) and not path.endswith((".py", ".pyc", ".typed"))
]
print(json.dumps(data))
"""


def opened_data_files(body: str) -> list[str]:
    """The files under the package, other than its modules, that ``body`` opened."""
    found = run(OPENED.format(body=body, package=str(PACKAGE)))
    assert isinstance(found, list)
    return found


def test_importing_the_package_opens_no_data_file() -> None:
    """``import trajectory`` (and the domain package) opens no rules, catalog, definition
    or schema file."""
    assert [] == opened_data_files("import trajectory, trajectory.ontwikkelkracht")


def test_the_data_is_read_on_first_use_through_the_programme() -> None:
    """The audit sees the files when they are used: the definitions when the programme is
    built, a year's rules and the catalog when asked for (so the check can fail)."""
    body = """
import trajectory.ontwikkelkracht as o
built = o.programme()
built.rules_for("2024-2025")
built.catalog
"""
    names = sorted(Path(path).name for path in opened_data_files(body))
    assert [
        "2024-2025.toml",
        "application.toml",
        "catalog.toml",
        "ledger.toml",
        "leertraject.toml",
    ] == names


def test_importing_the_package_registers_nothing() -> None:
    """After ``import trajectory`` the programme is not built, cattrs is not even
    imported (so its global converter is untouched), and the engine's base converter
    knows no programme's type."""
    found = run(
        """
import json, sys
import trajectory
from trajectory.ontwikkelkracht import bootstrap
built = bootstrap._programme is not None
cattrs_imported = "cattrs" in sys.modules
from trajectory.engine.conversion import base_converter
from trajectory.engine.errors import InvalidData
from trajectory.engine.conversion import structure
try:
    structure("2024-2025", trajectory.SchoolYear, converter=base_converter())
    school_year_hook = True
except InvalidData:
    school_year_hook = False
print(json.dumps([built, cattrs_imported, school_year_hook]))
"""
    )
    assert [False, False, False] == found


@pytest.mark.parametrize("module", NOT_IMPORTED)
def test_importing_the_package_leaves_heavy_parts_alone(module: str) -> None:
    """``import trajectory`` does not import ``module``; its first use does."""
    found = run(f"import json, sys, trajectory; print(json.dumps({module!r} in sys.modules))")
    assert found is False


def test_the_lazy_names_import_what_they_name() -> None:
    """A name given on first use (``trajectory.open_store``) imports its module then, and
    is the same object as the module's (the store is imported on the first call)."""
    found = run(
        """
import json, sys, trajectory
before = "trajectory.store" in sys.modules
import trajectory._stores
same = trajectory.open_store is trajectory._stores.open_store
trajectory.open_store("memory://")
print(json.dumps([before, same, "trajectory.store" in sys.modules]))
"""
    )
    assert [False, True, True] == found


def test_threads_asking_at_once_get_one_programme() -> None:
    """The first calls of programme(), from several threads at once, build it once:
    every thread gets the same object."""
    found = run(
        """
import json, threading
from trajectory.ontwikkelkracht import programme
start = threading.Barrier(8)
got = []

def ask():
    start.wait()
    got.append(programme())

threads = [threading.Thread(target=ask) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps([len(got), len({id(built) for built in got})]))
"""
    )
    assert [8, 1] == found
