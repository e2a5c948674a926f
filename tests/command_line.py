"""Run the ``trajectory`` command line in the test's process, for the tests.

:func:`run` runs a command that must succeed, :func:`error` one that must fail with
one line on stderr. The tests of commands that use the store mark themselves with
``pytest.mark.usefixtures("database")`` (``tests/conftest.py``), so that the default
store is a file of their own.
"""

from __future__ import annotations

from typing import Final

from typer.testing import CliRunner

from trajectory.cli import app

runner: Final = CliRunner()

#: ``trajectory new`` for OBS De Linde, leven-lang-lezen, 2024-2025.
NEW_SCHOOL: Final = (
    "new",
    "--name",
    "OBS De Linde",
    "--sector",
    "po",
    "--board",
    "Stichting Primair",
    "--brin",
    "12AB00",
    "--offer",
    "leven-lang-lezen",
    "--school-year",
    "2024-2025",
)


def run(*arguments: str) -> str:
    """Run a command that must succeed; its stdout."""
    result = runner.invoke(app, list(arguments))
    assert 0 == result.exit_code, result.output
    return result.stdout


def error(*arguments: str) -> str:
    """Run a command that must fail with one line on stderr; that line."""
    result = runner.invoke(app, list(arguments))
    assert 2 == result.exit_code, result.output
    assert "" == result.stdout
    lines = result.stderr.splitlines()
    assert 1 == len(lines), result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]
