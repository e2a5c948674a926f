"""The command line: the README's main command walks a whole lifecycle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.command_line import runner
from trajectory import open_store
from trajectory.cli import app

pytestmark = pytest.mark.usefixtures("database")


def test_demo_walks_the_whole_lifecycle_in_english() -> None:
    """`trajectory demo --lang en` shows the steps, the blockers and the figures."""
    result = runner.invoke(app, ["demo", "--lang", "en"])
    assert 0 == result.exit_code, result.output
    assert "orientation_requested → orientation_held" in result.output
    assert "[participants.minimum] At least 5 participants are needed; there are 3." in (
        result.output
    )
    assert "[development_plan.missing_part]" in result.output
    assert "completed → settled" in result.output
    assert "subsidy settled     EUR 20670.00 (pro_rata)" in result.output


def test_demo_saves_the_trajectory_in_the_default_store(database: Path) -> None:
    """The walk is saved in the embedded default store and reads back the same."""
    result = runner.invoke(app, ["demo", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "when read back)" in result.output
    assert "NOT the same" not in result.output
    with open_store(f"sqlite:///{database}") as store:
        (summary,) = store.list()
        assert "settled" == summary.state
        assert 78 == store.load(summary.id).version


def test_demo_takes_another_database(tmp_path: Path) -> None:
    """--db names another SQLite file (or a store URL)."""
    other = tmp_path / "other.db"
    result = runner.invoke(app, ["demo", "--db", str(other)])
    assert result.exit_code == 0, result.output
    with open_store(f"sqlite:///{other}") as store:
        assert ["settled"] == [s.state for s in store.list()]


def test_demo_rejects_a_bad_store_url_in_one_line() -> None:
    """An unknown store URL gives a one-line error and exit code 2."""
    result = runner.invoke(app, ["demo", "--db", "ftp://example/db"])
    assert 2 == result.exit_code
    assert "Traceback" not in result.output


def test_demo_speaks_dutch_by_default() -> None:
    """Without --lang the messages are Dutch."""
    result = runner.invoke(app, ["demo"])
    assert 0 == result.exit_code, result.output
    assert "Minimaal 5 deelnemers nodig; er zijn er 3." in result.output


def test_demo_rejects_an_unknown_language_in_one_line() -> None:
    """A bad --lang gives a one-line error and exit code 2, no traceback."""
    result = runner.invoke(app, ["demo", "--lang", "fr"])
    assert 2 == result.exit_code
    assert "Traceback" not in result.output


def test_console_script_and_module_run_the_demo() -> None:
    """`python -m trajectory demo` works like the console script."""
    done = subprocess.run(
        [sys.executable, "-m", "trajectory", "demo", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    assert "settled" in done.stdout
    # The command line keeps the library's info logs out of its output.
    assert "outcome=accepted" not in done.stdout
