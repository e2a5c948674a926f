"""docs/reference/cli.md says what the command line does.

The committed page is read back into its meaning (commands, arguments and options
with their values, defaults and help texts, exit codes, introduction, examples) and
compared with the same read from the typer app itself; the layout of the page, and
how a dependency lays out ``--help``, do not count. A real change of the app puts the
page out of step.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Final

import pytest
import typer
from typer.models import CommandInfo

from trajectory.cli import app
from trajectory.cli._command import TrajectoryCommand

DOCS: Final = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """``docs/generate_cli_reference.py``, imported as when it runs as a script."""
    if str(DOCS) not in sys.path:
        sys.path.append(str(DOCS))
    spec = importlib.util.spec_from_file_location(
        "docs_generate_cli_reference", DOCS / "generate_cli_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _registered(name: str) -> CommandInfo:
    """The command registered as ``name`` (by its own name or its function's)."""
    return next(
        command
        for command in app.registered_commands
        if (command.name or getattr(command.callback, "__name__", "")) == name
    )


@pytest.fixture
def committed(generator: ModuleType) -> dict[str, Any]:
    """What the committed page says."""
    return generator.reference_of_page(generator.TARGET.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_committed_reference_says_what_the_command_line_does(
    generator: ModuleType, committed: dict[str, Any]
) -> None:
    """The page's commands, options, help texts and exit codes are the app's."""
    assert [] == generator.differences(generator.reference_of_app(), committed), (
        "docs/reference/cli.md is out of step; run: python docs/generate_cli_reference.py"
    )


def test_the_rendered_page_reads_back_as_the_app(generator: ModuleType) -> None:
    """What the script writes is read back to what it was written from (so reading
    the committed page is a fair test of it)."""
    assert generator.reference_of_app() == generator.reference_of_page(generator.render())


def test_the_page_reads_every_command_option_and_example(committed: dict[str, Any]) -> None:
    """The reading of the page is no empty shell: every command of `trajectory --help`
    is there, with its options and examples."""
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert ["", *commands] == list(committed["commands"])
    fire = committed["commands"]["fire"]
    assert (("--data", "-d"), "KEY=VALUE", "", fire["params"][2][3]) == fire["params"][2]
    assert "Repeatable." in fire["params"][2][3]
    assert fire["examples"][0] == "trajectory fire $ID register"
    assert committed["exit codes"].startswith("Exit codes: 0 done; 1 refused")


def test_the_layout_of_the_page_does_not_count(generator: ModuleType) -> None:
    """Re-wrapped paragraphs and padded table cells say the same."""
    text = generator.TARGET.read_text(encoding="utf-8")
    relaid = "\n".join(
        line.replace(" | ", "   |   ") if line.startswith("|") else line
        for line in text.splitlines()
    ).replace("Start a leertraject and print its id.", "Start a leertraject\nand print   its id.")
    assert relaid != text
    assert [] == generator.differences(
        generator.reference_of_app(), generator.reference_of_page(relaid)
    )


@pytest.fixture
def list_with_an_extra_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """`trajectory list` with one option more, --extra, as a change to the app would
    add it."""
    info = _registered("list")
    original = info.callback
    assert original is not None
    signature = inspect.signature(original, eval_str=True)
    extra = inspect.Parameter(
        "extra",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option("--extra", help="A new option.")],
    )

    def changed(*arguments: Any, extra: bool = False, **options: Any) -> None:
        original(*arguments, **options)

    changed.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), extra]
    )
    changed.__annotations__ = {}
    changed.__doc__ = original.__doc__
    monkeypatch.setattr(info, "callback", changed)


@pytest.mark.usefixtures("list_with_an_extra_option")
def test_an_option_added_to_the_app_puts_the_page_out_of_step(
    generator: ModuleType, committed: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """With an option added to `list`, the comparison and the script's --check fail,
    naming the option."""
    assert "--extra" in [
        name
        for param in typer.main.get_command(app).commands["list"].params
        for name in param.opts  # type: ignore[attr-defined]
    ]
    assert ["command 'list': ('--extra',) is not on the page"] == generator.differences(
        generator.reference_of_app(), committed
    )
    assert 1 == generator.main(["--check"])
    assert "('--extra',) is not on the page" in capsys.readouterr().out


def test_a_changed_help_text_puts_the_page_out_of_step(
    generator: ModuleType, committed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command whose help says something else is out of step."""
    info = _registered("show")
    monkeypatch.setattr(info, "help", "Show a trajectory in another way.\n\nAnd more.")
    found = generator.differences(generator.reference_of_app(), committed)
    assert "command 'show': its summary differs" in found
    assert "command 'show': its details differs" in found


def test_a_new_command_puts_the_page_out_of_step(
    generator: ModuleType, committed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command the page does not describe is out of step, and the script refuses to
    render a command it has no examples for."""

    def extra_command() -> None:
        """Do something new."""

    monkeypatch.setattr(
        app,
        "registered_commands",
        [
            *app.registered_commands,
            CommandInfo(name="extra-command", callback=extra_command, cls=TrajectoryCommand),
        ],
    )
    assert "command 'extra-command': not on the page" in generator.differences(
        generator.reference_of_app(), committed
    )
    with pytest.raises(SystemExit, match="add examples for the command 'extra-command'"):
        generator.render()
