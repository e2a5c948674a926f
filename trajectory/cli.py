"""The ``trajectory`` command line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, NoReturn

import structlog
import typer

from trajectory.engine.errors import TrajectoryError
from trajectory.engine.violations import LANGUAGES
from trajectory.store import Store, default_store_url, open_store

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


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL or SQLite file; default: $TRAJECTORY_DB, else trajectory.db in the "
        "user data directory.",
        show_default=False,
    ),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _store(db: str | None) -> Store:
    url = default_store_url() if db is None else db
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    try:
        return open_store(url)
    except TrajectoryError as err:
        _fail(str(err))


@app.command()
def demo(
    lang: Annotated[str, typer.Option(help="Language of the messages: nl or en.")] = "nl",
    db: DbOption = None,
) -> None:
    """Walk an example school through the whole leertraject, blockers and figures included,
    saving it in the store after every step."""
    if lang not in LANGUAGES:
        _fail(f"--lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    from trajectory.demo import walk

    with _store(db) as store:
        walk(typer.echo, lang=lang, store=store)


def main() -> None:
    """Entry point of the ``trajectory`` console script."""
    app()
