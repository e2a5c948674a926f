"""The ``trajectory`` command line.

Start a leertraject (``new``), fire its events (``fire``), read it (``show``,
``history``, ``list``), erase a participant, read the rules, the catalog and the
lifecycle's diagram, and run the ``demo`` and ``simulate`` walks. Every command works
on the embedded SQLite store unless ``--db`` names another; every read command prints
JSON with ``--json``; bad input gives one line, ``error: …``, and exit code 2.
"""

from __future__ import annotations

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
    """Entry point of the ``trajectory`` console script."""
    app()
