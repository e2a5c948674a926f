"""The command line: the README's main command walks a whole lifecycle; what every
command does alike (exit codes, one-line errors in the language asked for, --help,
--version, colour and width)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import string
import struct
import subprocess
import sys
import termios
import tomllib
from pathlib import Path

import pytest
import typer

import trajectory
from tests.command_line import NEW_SCHOOL, REFUSED, USAGE, console_script, error, run, runner
from trajectory import open_store
from trajectory.cli import app
from trajectory.cli._command import exit_code
from trajectory.cli._messages import MESSAGES
from trajectory.engine.errors import (
    DefinitionError,
    EffectFailed,
    GuardFailed,
    InvalidData,
    ListenerVetoed,
    MissingDependency,
    PreconditionFailed,
    TrajectoryError,
    TransitionNotAllowed,
    UnknownEvent,
)
from trajectory.engine.violations import LANGUAGES
from trajectory.store.errors import (
    ConcurrencyConflict,
    CorruptRecord,
    StoreError,
    TrajectoryNotFound,
)

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
    assert re.search(
        r"subsidy settled     €\s?20,670\.00 \(in proportion to the hours invested\)",
        result.output,
    )
    assert "(1 school leader)" in result.output
    assert "The board's application: two locations in one round" in result.output
    assert "received at 15:59, recorded at 16:05" in result.output
    assert "decision: granted (€42,400.00)" in result.output


def test_demo_saves_the_trajectory_in_the_default_store(database: Path) -> None:
    """The walk is saved in the embedded default store and reads back the same."""
    result = runner.invoke(app, ["demo", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "when read back)" in result.output
    assert "NOT the same" not in result.output
    with open_store(f"sqlite:///{database}") as store:
        (summary,) = store.list()
        assert "settled" == summary.state
        assert 79 == store.load(summary.id).version


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
    assert "besluit: verleend (€\xa042.400,00)" in result.output


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


# -- what every command does alike --------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _help(monkeypatch: pytest.MonkeyPatch, *arguments: str) -> str:
    """``--help`` of a command, on a terminal wide enough to keep each option on one line."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("TERMINAL_WIDTH", "250")
    return run(*arguments, "--help")


def test_version_is_the_version_the_distribution_is_built_with() -> None:
    """--version prints trajectory.__version__, which is where the build takes the
    distribution's version from (pyproject.toml), and it is a release number."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    assert "trajectory/__init__.py" == project["tool"]["hatch"]["version"]["path"]
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|(a|b|rc)\d+)?", trajectory.__version__)
    assert f"trajectory {trajectory.__version__}\n" == run("--version")


@pytest.mark.parametrize("command", [None, *COMMANDS], ids=lambda c: c or "trajectory")
def test_help_shows_flags_as_flags_and_ends_with_the_exit_codes(
    command: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No flag is shown as taking a value (no `--json <bool>`), and every --help ends
    with the exit codes."""
    text = _help(monkeypatch, *([command] if command else []))
    assert "<bool>" not in text
    assert "Exit codes: 0 done; 1 refused by the rules or the store" in " ".join(
        text.replace("│", " ").split()
    )


def test_help_marks_every_required_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """`new --help` marks each of its required options as required."""
    lines = _help(monkeypatch, "new").splitlines()
    for option in ("--name", "--sector", "--board", "--brin", "--offer", "--school-year"):
        (line,) = [line for line in lines if f" {option} " in line]
        assert "[required]" in line, line


@pytest.mark.parametrize(
    ("arguments", "missing"),
    [
        (
            ["new", "--name", "x"],
            "options '--sector', '--board', '--brin', '--offer' and '--school-year'",
        ),
        (
            ["new", "--name", "x", "--sector", "po", "--board", "b", "--brin", "12AB00"],
            "options '--offer' and '--school-year'",
        ),
        (["fire"], "arguments 'ID' and 'EVENT'"),
        (["erase-participant"], "arguments 'ID' and 'NAME'"),
    ],
)
def test_missing_required_arguments_and_options_are_named_together(
    arguments: list[str],
    missing: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every missing required argument or option is named in one line, exit code 2."""
    code, out, err = console_script(monkeypatch, capsys, *arguments)
    assert (USAGE, "") == (code, out)
    assert [f"error: Missing {missing}. (see 'trajectory {arguments[0]} --help')"] == (
        err.splitlines()
    )


def test_help_is_shown_though_required_options_are_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`new --help` asks for help, not for the options."""
    code, out, _ = console_script(monkeypatch, capsys, "new", "--help")
    assert 0 == code
    assert "--school-year" in out


def _every_error_class() -> set[type[TrajectoryError]]:
    found: set[type[TrajectoryError]] = set()
    waiting: list[type[TrajectoryError]] = [TrajectoryError]
    while waiting:
        kind = waiting.pop()
        found.add(kind)
        waiting += kind.__subclasses__()
    return found


ERRORS: list[TrajectoryError] = [
    TrajectoryError("something failed"),
    DefinitionError("an inconsistent definition", path="$.states"),
    InvalidData("hours", "expected a number, got 'x'"),
    UnknownEvent("regster", ["register"]),
    TransitionNotAllowed("grant", "orientation_requested", ["application_submitted"]),
    PreconditionFailed("submit_application", "application_in_preparation", []),
    GuardFailed("grant", "application_submitted", "guards.grant_amount"),
    EffectFailed("grant", "application_submitted"),
    EffectFailed("created", None),
    ListenerVetoed("stop", "planning", "no_stopping"),
    ConcurrencyConflict("abc", 3, 4),
    StoreError("the store: OperationalError: disk I/O error"),
    TrajectoryNotFound("abc"),
    CorruptRecord("abc", "its snapshot cannot be read"),
    MissingDependency("psycopg", extra="postgres", needed_for="PostgreSQL"),
]


def test_the_errors_below_cover_every_error_of_the_library() -> None:
    """Each kind of TrajectoryError (that the library itself defines) is tried below."""
    defined = {kind for kind in _every_error_class() if kind.__module__ == "trajectory"}
    assert defined <= {type(err) for err in ERRORS}


@pytest.mark.parametrize("err", ERRORS, ids=lambda err: type(err).__name__)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_error_of_the_library_is_one_line_and_an_exit_code(
    err: TrajectoryError, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever TrajectoryError a command meets, it prints one line, `error: …`, and
    exits with 2 for input that does not fit and 1 for every other; no traceback."""
    import trajectory.ontwikkelkracht.rules as rules

    def failing() -> None:
        raise err

    monkeypatch.setattr(rules, "shipped_school_years", failing)
    line = error("rules", "--lang", lang, code=USAGE if isinstance(err, InvalidData) else REFUSED)
    assert len(line) > len("error: ")


@pytest.mark.parametrize(
    ("err", "dutch"),
    [
        (TrajectoryNotFound("abc"), "geen traject `abc` in de opslag"),
        (
            TransitionNotAllowed("grant", "intake", ["application_submitted"]),
            "‘subsidie verlenen’ kan niet in de fase ‘intakegesprek en werkbezoek’",
        ),
        (UnknownEvent("regster", ["register"]), "onbekende gebeurtenis `regster`"),
        (EffectFailed("grant", "application_submitted"), "er is niets veranderd"),
        (EffectFailed("created", None), "het verwerken van ‘traject aangemaakt’ is"),
        (
            ListenerVetoed("stop", "planning", "no_stopping"),
            "de luisteraar `no_stopping` hield ‘stop’ in de fase ‘planning’ tegen",
        ),
        (
            GuardFailed("grant", "granted", "guards.grant_amount"),
            "de controle `guards.grant_amount`",
        ),
        (ConcurrencyConflict("abc", 3, 4), "door iemand anders opgeslagen (versie 4)"),
        (ConcurrencyConflict("abc", 0, None), "traject `abc` bestaat al"),
        (CorruptRecord("abc", "its snapshot cannot be read"), "traject `abc` is onleesbaar"),
    ],
)
def test_the_errors_that_carry_their_parts_are_told_in_dutch(
    err: TrajectoryError, dutch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --lang nl (the default) the library's errors that carry their parts are
    told in Dutch; with --lang en in English."""
    import trajectory.ontwikkelkracht.rules as rules

    def failing() -> None:
        raise err

    monkeypatch.setattr(rules, "shipped_school_years", failing)
    assert dutch in error("rules", code=exit_code(err))
    assert dutch not in error("rules", "--lang", "en", code=exit_code(err))


def test_every_message_exists_in_every_language_with_the_same_fields() -> None:
    """Each message of the command line is written in Dutch and English, and both
    fill in the same fields."""
    formatter = string.Formatter()

    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in formatter.parse(template) if name is not None}

    assert [] == [key for key, texts in MESSAGES.items() if set(texts) != set(LANGUAGES)]
    assert [] == [
        key
        for key, texts in MESSAGES.items()
        if len({frozenset(fields(t)) for t in texts.values()}) != 1
    ]


# -- colour and width -------------------------------------------------------------------


def _on_a_terminal(arguments: list[str], **environment: str) -> str:
    """What ``trajectory ARGUMENTS`` writes on a terminal (a pseudo-terminal of 120
    columns), stdout and stderr together."""
    main_fd, sub_fd = pty.openpty()
    fcntl.ioctl(sub_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env.update(TERM="xterm-256color", **environment)
    process = subprocess.Popen(
        [sys.executable, "-m", "trajectory", *arguments],
        stdin=sub_fd,
        stdout=sub_fd,
        stderr=sub_fd,
        env=env,
        close_fds=True,
    )
    os.close(sub_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main_fd)
    return b"".join(chunks).decode("utf-8")


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, str]:
    """A store with one new leertraject: the store's path and the trajectory's id."""
    path = tmp_path / "store.db"
    return path, run(*NEW_SCHOOL, "--db", str(path)).strip()


def test_errors_and_states_are_coloured_on_a_terminal(stored: tuple[Path, str]) -> None:
    """On a terminal `error:` and the state are coloured."""
    path, trajectory_id = stored
    shown = _on_a_terminal(["show", trajectory_id, "--db", str(path)])
    assert "\x1b[36morientation_requested" in shown
    refused_line = _on_a_terminal(["show", "nope", "--db", str(path)])
    assert "\x1b[1;31merror:\x1b[0m geen traject `nope`" in refused_line


def test_no_colour_with_no_color_set(stored: tuple[Path, str]) -> None:
    """NO_COLOR turns the colour off, on a terminal too."""
    path, trajectory_id = stored
    shown = _on_a_terminal(["show", trajectory_id, "--db", str(path)], NO_COLOR="1")
    refused_line = _on_a_terminal(["show", "nope", "--db", str(path)], NO_COLOR="1")
    assert "orientation_requested" in shown
    assert "\x1b[" not in shown + refused_line


def test_no_colour_where_the_output_is_no_terminal(stored: tuple[Path, str]) -> None:
    """Into a file or a pipe, no escape codes are written."""
    path, _ = stored
    done = subprocess.run(
        [sys.executable, "-m", "trajectory", "show", "nope", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
            "TERM": "xterm-256color",
        },
    )
    assert (REFUSED, "error: geen traject `nope` in de opslag\n") == (done.returncode, done.stderr)


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_tables_fit_the_terminal(
    columns: int, stored: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables of list, catalog and fields are as wide as the terminal at most."""
    path, _ = stored
    monkeypatch.setenv("COLUMNS", str(columns))
    for arguments in (
        ["list", "--db", str(path)],
        ["catalog"],
        ["fields"],
        ["fields", "log_hours"],
    ):
        too_wide = [line for line in run(*arguments).splitlines() if len(line) > columns]
        assert [] == too_wide, arguments


def test_a_wide_terminal_gets_a_table_and_a_narrow_one_blocks(
    stored: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wide enough, list is a table with a header row; too narrow for its longest
    words, each trajectory is a block of lines, nothing cut."""
    path, trajectory_id = stored
    monkeypatch.setenv("COLUMNS", "200")
    wide = run("list", "--db", str(path)).splitlines()
    assert any(line.split()[:3] == ["id", "name", "state"] for line in wide if line.strip())
    monkeypatch.setenv("COLUMNS", "60")
    narrow = [line.rstrip() for line in run("list", "--db", str(path)).splitlines()]
    assert trajectory_id == narrow[0]
    assert "  state        orientation_requested" in narrow
