"""`trajectory simulate`: the same report for the same seed, whatever the processes;
one-line errors for bad input."""

from __future__ import annotations

import json

import pytest

from tests.command_line import error, runner
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
    result = runner.invoke(app, ["simulate", "--schools", "30", "--seed", "1", "--processes", "1"])
    assert 0 == result.exit_code, result.output
    assert "30 schools, 2024-2025, seed 1" in result.stdout
    assert "Final state" in result.stdout
    assert "subsidy settled" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--schools", "-5", "--seed", "1"], "--schools must be at least 0, got -5"),
        (["--schools", "ten", "--seed", "1"], "--schools must be a whole number, got 'ten'"),
        (["--seed", "1"], "--schools is required"),
        (["--schools", "5"], "--seed is required"),
        (["--schools", "5", "--seed", "1.5"], "--seed must be a whole number"),
        (["--schools", "5", "--seed", "1", "--budget", "lots"], "--budget must be an amount"),
        (["--schools", "5", "--seed", "1", "--budget", "-100"], "at least 0 euro"),
        (["--schools", "5", "--seed", "1", "--budget", "NaN"], "at least 0 euro"),
        (["--schools", "5", "--seed", "1", "--processes", "0"], "--processes must be at least 1"),
        (["--schools", "5", "--seed", "1", "--school-year", "2030"], "school_year"),
        (["--schools", "5", "--seed", "1", "--school-year", "2025-2026"], "offers no leertraject"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(arguments: list[str], message: str) -> None:
    """Bad input: one line on stderr that says what is wrong, exit code 2, no report."""
    assert message in error("simulate", *arguments)
