"""`trajectory rules`, `catalog` and `diagram`: the definition as text and JSON, and
one-line errors."""

from __future__ import annotations

import json

import pytest

from tests.command_line import NEW_SCHOOL, USAGE, console_script, error, run
from trajectory import catalog, diagram, rules_for
from trajectory.ontwikkelkracht import LIFECYCLE, programme, shipped_school_years
from trajectory.ontwikkelkracht.school import NETHERLANDS

pytestmark = pytest.mark.usefixtures("database")


def test_rules_lists_the_years_with_rules() -> None:
    """Without a year: every school year with rules, and whether they are confirmed."""
    listed = json.loads(run("rules", "--json"))
    assert [str(year) for year in shipped_school_years()] == [r["school_year"] for r in listed]
    assert [rules_for(year).confirmed for year in shipped_school_years()] == [
        r["confirmed"] for r in listed
    ]
    assert "2024-2025  confirmed" in run("rules")


def test_rules_of_a_year_as_json_and_text() -> None:
    """The JSON is the rules as the programme's converter writes them; the text shows
    the figures."""
    assert programme().converter.unstructure(rules_for("2024-2025")) == json.loads(
        run("rules", "2024-2025", "--json")
    )
    text = run("rules", "2024-2025")
    assert "minimum_participants        5" in text
    assert "hourly_cost                 53.00  (assumed)" in text.splitlines()
    assert "  - hourly_cost: Not in the regulation" in text
    assert "rounds" in text.splitlines()
    assert "    id                        2024-2025/expert-schools" in text.splitlines()


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
        run(*NEW_SCHOOL)
    expected = diagram(LIFECYCLE, counts={"orientation_requested": 2})
    assert expected == run("diagram", "--counts-from-db")


def test_diagram_with_json_gives_format_counts_and_source() -> None:
    """--json: one object with the format, the counts (null without --counts-from-db)
    and the source, for scripts."""
    run(*NEW_SCHOOL)
    document = json.loads(run("diagram", "--format", "dot", "--counts-from-db", "--json"))
    assert {"format", "counts", "source"} == set(document)
    assert "dot" == document["format"]
    assert {"orientation_requested": 1} == document["counts"]
    assert diagram(LIFECYCLE, "dot", counts={"orientation_requested": 1}) == document["source"]
    assert json.loads(run("diagram", "--json"))["counts"] is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["rules", "2030-2031"], "no rules for school year 2030-2031"),
        (["fields", "regster"], "onbekende gebeurtenis `regster`; bedoelt u `register`?"),
        (["rules", "volgend jaar"], "school_year"),
        (["catalog", "--school-year", "2024"], "school_year"),
        (["diagram", "--format", "png"], "format: expected one of mermaid, dot, got 'png'"),
        (["diagram", "--counts-from-db", "--db", "ftp://x/y"], "expected memory://"),
    ],
)
def test_bad_input_is_one_line(arguments: list[str], message: str) -> None:
    """Bad input gives one line on stderr that says what is wrong, exit code 2."""
    assert message in error(*arguments)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fire", "abc"], "error: Missing argument 'EVENT'. (see 'trajectory fire --help')"),
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
    code, out, err = console_script(monkeypatch, capsys, *argv)
    assert (USAGE, "", [message]) == (code, out, err.splitlines())


def test_without_a_command_the_help_is_shown_and_no_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`trajectory` alone shows its help, exit code 2, and no empty `error:` line."""
    code, out, err = console_script(monkeypatch, capsys)
    assert USAGE == code
    assert "Usage: trajectory [OPTIONS] COMMAND [ARGS]..." in out + err
    assert "error:" not in out + err


def test_the_console_script_exits_0_on_success(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command that succeeds exits with 0 through main()."""
    code, out, _ = console_script(monkeypatch, capsys, "catalog", "--json")
    assert 0 == code
    assert "leven-lang-lezen" in out


def test_rules_show_the_application_windows_in_dutch_time() -> None:
    """The rounds' opening and closing moments are shown to the minute in Dutch time."""
    rules = rules_for("2024-2025")
    window = rules.application_windows[0]
    text = run("rules", "2024-2025").splitlines()
    opens, closes = (
        moment.astimezone(NETHERLANDS).strftime("%Y-%m-%d %H:%M")
        for moment in (window.opens, window.closes)
    )
    assert any(line.startswith(f"  {opens} – {closes}") for line in text)
