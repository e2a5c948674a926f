"""The ``trajectory`` command line.

Start a leertraject (``new``), fire its events (``fire``), read it (``show``,
``history``, ``list``), erase a participant, read the rules, the catalog and the
lifecycle's diagram, and run the ``demo`` and ``simulate`` walks. Every command works
on the embedded SQLite store unless ``--db`` names another; every read command prints
JSON with ``--json``; bad input gives one line, ``error: …``, and exit code 2.
"""

from __future__ import annotations

import typer

from trajectory.cli._common import app
from trajectory.cli._definitions import catalog, diagram, rules
from trajectory.cli._trajectories import erase_participant, fire, history, list_, new, show
from trajectory.cli._walks import demo, simulate

__all__ = ["app", "main"]

# In the order ``trajectory --help`` lists them.
app.command()(new)
app.command()(show)
app.command()(fire)
app.command("list")(list_)
app.command()(history)
app.command("erase-participant")(erase_participant)
app.command()(rules)
app.command()(catalog)
app.command()(diagram)
app.command()(demo)
app.command()(simulate)


def main() -> None:
    """Entry point of the ``trajectory`` console script.

    Usage errors (a missing argument, an unknown option or command) come out as one
    line, like every other error of the command line, with exit code 2.
    """
    try:
        code = app(prog_name="trajectory", standalone_mode=False)
    except typer.TyperException as err:  # the base of typer's usage errors
        context = getattr(err, "ctx", None)  # usage errors know their command
        command = context.command_path if context is not None else "trajectory"
        typer.echo(f"error: {err.format_message()} (see '{command} --help')", err=True)
        raise SystemExit(2) from None
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)
