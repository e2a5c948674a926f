"""Run the ``trajectory`` command line in the test's process, for the tests.

:func:`run` runs a command that must succeed, :func:`error` one that must fail with
one line on stderr (exit code 2, a usage error, unless another is given), and
:func:`console_script` runs :func:`trajectory.cli.main` as the console script does
(usage errors as one line). The tests of commands that use the store mark themselves
with ``pytest.mark.usefixtures("database")`` (``tests/conftest.py``), so that the
default store is a file of their own; :func:`make_store` creates it where a test needs
a store that exists.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner

from trajectory import open_store
from trajectory.cli import app, main

runner: Final = CliRunner()

#: The exit codes of the command line.
DONE: Final = 0
REFUSED: Final = 1
USAGE: Final = 2

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


def error(*arguments: str, code: int = USAGE) -> str:
    """Run a command that must fail with exit code ``code`` and one line on stderr,
    ``error: …``, and print nothing on stdout; that line."""
    result = runner.invoke(app, list(arguments))
    assert code == result.exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "" == result.stdout
    lines = result.stderr.splitlines()
    assert 1 == len(lines), result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def refused(*arguments: str) -> str:
    """Run a command that the rules or the store refuse (exit code 1); its one line."""
    return error(*arguments, code=REFUSED)


def console_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    """Run ``trajectory ARGUMENTS`` as the console script does; its exit code, stdout
    and stderr."""
    monkeypatch.setattr(sys, "argv", ["trajectory", *arguments])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    code = exit_info.value.code
    assert isinstance(code, int)
    return code, captured.out, captured.err


def make_store(path: Path) -> Path:
    """An empty store at ``path`` (created with its tables)."""
    open_store(str(path)).close()
    return path
