"""`trajectory rules`, `catalog` and `diagram`: the definition as text and JSON, and
one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trajectory import catalog, diagram, rules_for
from trajectory.cli import app, main
from trajectory.engine.conversion import converter
from trajectory.ontwikkelkracht import LIFECYCLE, shipped_school_years

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default store is a file in the test's own folder."""
    path = tmp_path / "default.db"
    monkeypatch.setenv("TRAJECTORY_DB", str(path))
    return path


def run(*arguments: str) -> str:
    """Run a command that must succeed; its stdout."""
    result = runner.invoke(app, list(arguments))
    assert 0 == result.exit_code, result.output
    return result.stdout


def test_rules_lists_the_years_with_rules() -> None:
    """Without a year: every school year with rules, and whether they are confirmed."""
    listed = json.loads(run("rules", "--json"))
    assert [str(year) for year in shipped_school_years()] == [r["school_year"] for r in listed]
    assert [rules_for(year).confirmed for year in shipped_school_years()] == [
        r["confirmed"] for r in listed
    ]
    assert "2024-2025  confirmed" in run("rules")


def test_rules_of_a_year_as_json_and_text() -> None:
    """The JSON is the rules as the library writes them; the text shows the figures."""
    assert converter.unstructure(rules_for("2024-2025")) == json.loads(
        run("rules", "2024-2025", "--json")
    )
    text = run("rules", "2024-2025")
    assert "minimum_participants        5" in text
    assert "application_windows" in text


def test_catalog_as_json_and_text() -> None:
    """Every offer, as JSON and in a table; --school-year filters."""
    offers = json.loads(run("catalog", "--json"))
    assert [offer.id for offer in catalog()] == [offer["id"] for offer in offers]
    assert [offer.id for offer in catalog().for_year("2025-2026")] == [
        offer["id"] for offer in json.loads(run("catalog", "--school-year", "2025-2026", "--json"))
    ]
    assert "leven-lang-lezen" in run("catalog")


def test_diagram_prints_the_generated_source() -> None:
    """Mermaid by default, DOT with --format dot: what diagram() gives."""
    assert diagram(LIFECYCLE) == run("diagram")
    assert diagram(LIFECYCLE, "dot") == run("diagram", "--format", "dot")


def test_diagram_counts_the_stored_trajectories() -> None:
    """--counts-from-db labels every state with the trajectories in it."""
    for _ in range(2):
        run(
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
    expected = diagram(LIFECYCLE, counts={"orientation_requested": 2})
    assert expected == run("diagram", "--counts-from-db")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["rules", "2030-2031"], "no rules for school year 2030-2031"),
        (["rules", "volgend jaar"], "school_year"),
        (["catalog", "--school-year", "2024"], "school_year"),
        (["diagram", "--format", "png"], "format: expected one of mermaid, dot, got 'png'"),
        (["diagram", "--counts-from-db", "--db", "ftp://x/y"], "expected memory://"),
    ],
)
def test_bad_input_is_one_line(arguments: list[str], message: str) -> None:
    """Bad input gives one line on stderr that says what is wrong, exit code 2."""
    result = runner.invoke(app, arguments)
    assert 2 == result.exit_code
    assert "" == result.stdout
    lines = result.stderr.splitlines()
    assert 1 == len(lines), result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fire"], "error: Missing argument 'ID'. (see 'trajectory fire --help')"),
        (["bogus"], "error: No such command 'bogus'. (see 'trajectory --help')"),
        (["show", "--nope", "x"], "error: No such option: --nope (see 'trajectory show --help')"),
    ],
)
def test_usage_errors_are_one_line_with_exit_code_2(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The console script reports a missing argument or an unknown command or option
    on one line, as it does every other error."""
    monkeypatch.setattr(sys, "argv", ["trajectory", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()

    assert 2 == exit_info.value.code
    assert [message] == captured.err.splitlines()
    assert "" == captured.out


def test_the_console_script_exits_0_on_success(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command that succeeds exits with 0 through main()."""
    monkeypatch.setattr(sys, "argv", ["trajectory", "catalog", "--json"])
    with pytest.raises(SystemExit) as exit_info:
        main()

    assert 0 == exit_info.value.code
    assert "leven-lang-lezen" in capsys.readouterr().out
