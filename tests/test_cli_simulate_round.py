"""`trajectory simulate-round`: the same report for the same seed; one-line errors for
bad input."""

from __future__ import annotations

import json

import pytest

from tests.command_line import error, runner
from trajectory.cli import app


def _json(*arguments: str) -> str:
    result = runner.invoke(
        app, ["simulate-round", "--boards", "12", "--seed", "7", "--json", *arguments]
    )
    assert 0 == result.exit_code, result.output
    return result.stdout


def test_the_same_seed_prints_the_same_json_twice() -> None:
    """Twice the same command, twice the same report, with the figures of the round."""
    first = _json("--ceiling", "106000")
    assert first == _json("--ceiling", "106000")
    report = json.loads(first)
    assert 12 == report["boards"] == sum(report["applications"].values())
    assert "106000" == report["ledger"]["ceiling"]
    assert "0.00" == report["ledger"]["remaining"]


def test_without_json_a_table_is_printed() -> None:
    """Without --json the report is a table, in the language of --lang."""
    arguments = ["simulate-round", "--boards", "3", "--seed", "1"]
    english = runner.invoke(app, [*arguments, "--lang", "en"])
    assert 0 == english.exit_code, english.output
    assert "3 boards, 2024-2025/main, seed 1" in english.stdout
    dutch = runner.invoke(app, arguments)
    assert "3 besturen, 2024-2025/main, seed 1" in dutch.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--boards", "-1", "--seed", "1"], "--boards moet minstens 0 zijn, niet -1"),
        (["--boards", "ten", "--seed", "1"], "--boards moet een geheel getal zijn"),
        (["--boards", "2", "--seed", "-1"], "--seed moet minstens 0 zijn"),
        (["--boards", "2", "--seed", "1", "--ceiling", "lots"], "--ceiling moet een bedrag"),
        (["--boards", "2", "--seed", "1", "--ceiling", "-5"], "more than 0"),
        (["--boards", "2", "--seed", "1", "--round", "2024-2025/nope"], "no round"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(arguments: list[str], message: str) -> None:
    """Bad input: one line on stderr that says what is wrong, exit code 2."""
    assert message in error("simulate-round", *arguments)
