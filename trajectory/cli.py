"""The ``trajectory`` command line."""

from __future__ import annotations

import logging
from typing import Annotated

import structlog
import typer

from trajectory.engine.violations import LANGUAGES

app = typer.Typer(
    name="trajectory",
    help="Run the lifecycle of school-development programmes (Ontwikkelkracht leertraject).",
    no_args_is_help=True,
    add_completion=False,
)


def _quiet_logging(verbose: bool) -> None:
    """The command line is an application: it decides what the library's logs show."""
    level = logging.INFO if verbose else logging.WARNING
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show every event logged.")
    ] = False,
) -> None:
    _quiet_logging(verbose)


@app.command()
def demo(
    lang: Annotated[str, typer.Option(help="Language of the messages: nl or en.")] = "nl",
) -> None:
    """Walk an example school through the whole leertraject, blockers and figures included."""
    if lang not in LANGUAGES:
        typer.echo(f"error: --lang must be one of {', '.join(LANGUAGES)}, got {lang!r}", err=True)
        raise typer.Exit(2)
    from trajectory.demo import walk

    walk(typer.echo, lang=lang)


def main() -> None:
    """Entry point of the ``trajectory`` console script."""
    app()
