"""`trajectory simulate`: the same report for the same seed, whatever the processes;
one-line errors for bad input."""

from __future__ import annotations

import json

import pytest

from tests.command_line import USAGE, console_script, error, runner
from trajectory.cli import app


def _json(*arguments: str) -> str:
    result = runner.invoke(
        app, ["simulate", "--schools", "100", "--seed", "7", "--json", *arguments]
    )
    assert 0 == result.exit_code, result.output
    assert "" == result.stderr  # no progress bar with --json
    return result.stdout


def test_the_same_seed_prints_the_same_json_twice() -> None:
    """Twice the same command, twice the same report; it is JSON with the figures."""
    first = _json()
    assert first == _json()
    report = json.loads(first)
    assert 100 == report["schools"] == sum(report["final_states"].values())
    assert 7 == report["seed"]
    assert isinstance(report["subsidy_settled"], str)


def test_the_number_of_processes_does_not_change_the_report() -> None:
    """--processes 1 and --processes 2 print the same report."""
    assert _json("--processes", "1") == _json("--processes", "2")


def test_a_budget_rejects_applications_past_it() -> None:
    """--budget is the ceiling in euro: 2 grants' worth grants 2."""
    report = json.loads(_json("--budget", "42400", "--processes", "1"))
    assert 2 == report["granted"]
    assert "42400" == report["budget"]
    assert report["violations"]["budget.exhausted"] > 0


def test_without_json_a_table_is_printed() -> None:
    """Without --json the report is a table on stdout (the bar goes to stderr)."""
    arguments = ["simulate", "--schools", "30", "--seed", "1", "--processes", "1"]
    result = runner.invoke(app, [*arguments, "--lang", "en"])
    assert 0 == result.exit_code, result.output
    assert "30 schools, 2024-2025, seed 1" in result.stdout
    assert "Final state" in result.stdout
    assert "subsidy settled" in result.stdout
    dutch = runner.invoke(app, arguments)
    assert "30 scholen, 2024-2025, seed 1" in dutch.stdout
    assert "subsidie vastgesteld" in dutch.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--schools", "-5", "--seed", "1"], "--schools moet minstens 0 zijn, niet -5"),
        (
            ["--schools", "-5", "--seed", "1", "--lang", "en"],
            "--schools must be at least 0, got -5",
        ),
        (["--schools", "ten", "--seed", "1"], "--schools moet een geheel getal zijn, niet `ten`"),
        (["--schools", "--5", "--seed", "1"], "--schools moet een geheel getal zijn"),
        (["--schools", "²", "--seed", "1"], "--schools moet een geheel getal zijn"),
        (["--schools", "9" * 5000, "--seed", "1"], "--schools moet een geheel getal zijn"),
        (["--schools", "5", "--seed", "1.5"], "--seed moet een geheel getal zijn"),
        (["--schools", "5", "--seed", "1", "--budget", "lots"], "--budget moet een bedrag in euro"),
        (["--schools", "5", "--seed", "1", "--budget", "-100"], "at least 0 euro"),
        (["--schools", "5", "--seed", "1", "--budget", "NaN"], "at least 0 euro"),
        (["--schools", "5", "--seed", "1", "--budget", "1e999999999"], "below 10**18 euro"),
        (["--schools", "5", "--seed", "1", "--processes", "0"], "--processes moet minstens 1 zijn"),
        (["--schools", "5", "--seed", "1", "--processes", "10000"], "--processes mag hoogstens"),
        (["--schools", "5", "--seed", "1", "--school-year", "2030"], "school_year"),
        (["--schools", "5", "--seed", "1", "--school-year", "2025-2026"], "offers no leertraject"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(arguments: list[str], message: str) -> None:
    """Bad input: one line on stderr that says what is wrong, exit code 2, no report."""
    assert message in error("simulate", *arguments)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seed", "1"], "error: Missing option '--schools'."),
        (["--schools", "5"], "error: Missing option '--seed'."),
        ([], "error: Missing options '--schools' and '--seed'."),
    ],
)
def test_the_schools_and_the_seed_are_required(
    arguments: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--schools and --seed are required options: missing, they are named together on
    one line, exit code 2."""
    code, out, err = console_script(monkeypatch, capsys, "simulate", *arguments)
    assert (USAGE, "") == (code, out)
    assert [f"{message} (see 'trajectory simulate --help')"] == err.splitlines()
