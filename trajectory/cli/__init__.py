"""The ``trajectory`` command line.

Start a leertraject (``new``), fire its events (``fire``, with ``fields`` to list what
an event takes), read it (``show``, ``history``, ``list``), erase a participant, read
the rules, the catalog and the lifecycle's diagram, run the ``demo`` and ``simulate``
walks and a simulated round (``simulate-round``), ``serve`` the HTTP/JSON service and
manage its keys. Every command works on the embedded SQLite store unless ``--db`` names
another; every read command prints JSON with ``--json``; bad input gives one line,
``error: …``, in the language of ``--lang``.

Exit codes (:class:`~trajectory.cli._command.ExitCode`): 0 done; 1 refused by the
rules or the store; 2 a usage error or input that does not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from trajectory.cli._command import ExitCode, TrajectoryCommand
from trajectory.cli._common import app
from trajectory.cli._definitions import catalog, diagram, rules
from trajectory.cli._fields import fields
from trajectory.cli._keys import create_key, list_keys, revoke_key
from trajectory.cli._output import print_error
from trajectory.cli._reading import history, list_, show
from trajectory.cli._serve import serve
from trajectory.cli._trajectories import erase_participant, fire, new
from trajectory.cli._walks import demo, simulate, simulate_round
from trajectory.cli._webhooks import deliver_webhooks, list_dead_letters, replay_dead_letter

__all__ = ["ExitCode", "app", "main"]


def _register(command: Callable[..., Any], name: str | None = None) -> None:
    app.command(name, cls=TrajectoryCommand)(command)


# In the order ``trajectory --help`` lists them.
_register(new)
_register(show)
_register(fire)
_register(fields)
_register(list_, "list")
_register(history)
_register(erase_participant, "erase-participant")
_register(rules)
_register(catalog)
_register(diagram)
_register(demo)
_register(simulate)
_register(simulate_round, "simulate-round")
_register(serve)
_register(create_key, "create-key")
_register(revoke_key, "revoke-key")
_register(list_keys, "list-keys")
_register(deliver_webhooks, "deliver-webhooks")
_register(list_dead_letters, "list-dead-letters")
_register(replay_dead_letter, "replay-dead-letter")


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
        if err.format_message():  # no message: the help was shown (no command given)
            print_error(f"{err.format_message()} (see '{command} --help')")
        raise SystemExit(ExitCode.USAGE) from None
    except typer.Abort:
        print_error("aborted")
        raise SystemExit(ExitCode.REFUSED) from None
    raise SystemExit(code if isinstance(code, int) else ExitCode.DONE)
