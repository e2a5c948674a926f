"""What every command shares: the app, the options, the store and one-line errors."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import structlog
import typer

from trajectory.cli._command import EXIT_CODES, ExitCode, TrajectoryGroup
from trajectory.cli._messages import message
from trajectory.cli._output import print_error
from trajectory.engine.history import Clock, ManualClock
from trajectory.store import Store, open_store

if TYPE_CHECKING:
    from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht
    from trajectory.ontwikkelkracht.catalog import Catalog

app = typer.Typer(
    name="trajectory",
    cls=TrajectoryGroup,
    help="Run the lifecycle of school-development programmes (Ontwikkelkracht leertraject).",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
)


def _quiet_logging(verbose: bool) -> None:
    """The command line is an application: it decides what the library's logs show."""
    level = logging.INFO if verbose else logging.WARNING
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))


def _print_version(asked: bool) -> None:
    if asked:
        import trajectory

        typer.echo(f"trajectory {trajectory.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show every event logged.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    _quiet_logging(verbose)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Store URL or SQLite file; default: $TRAJECTORY_DB, else trajectory.db in the "
        "user data directory.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")]
LangOption = Annotated[
    str,
    typer.Option("--lang", metavar="LANG", help="Language of the messages and errors: nl or en."),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help="When it happened, to record it after the fact: an ISO date-time such as "
        "2024-10-01T14:30 (Dutch time unless an offset is given) or a date (noon). "
        "Default: now.",
        show_default=False,
    ),
]
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        metavar="FILE",
        help="A catalog file of your own (TOML, the form of the shipped one), for the "
        "offers of a school year the shipped catalog does not hold. Default: the shipped "
        "catalog (2024-2025).",
        show_default=False,
        dir_okay=False,
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option(metavar="NAME", help="Who does it (recorded in the history).", show_default=False),
]


def fail(key: str, /, **fields: object) -> NoReturn:
    """Print the message ``key`` as ``error: …`` on stderr and exit with code 2 (a
    usage error or input that does not fit)."""
    print_error(message(key, **fields))
    raise typer.Exit(ExitCode.USAGE)


def refuse(key: str, /, **fields: object) -> NoReturn:
    """Print the message ``key`` as ``error: …`` on stderr and exit with code 1 (the
    rules refuse it)."""
    print_error(message(key, **fields))
    raise typer.Exit(ExitCode.REFUSED)


def parse_moment(text: str | None) -> dt.datetime | None:
    """The moment ``--at`` names (``None`` stays ``None``), or a one-line error."""
    if text is None:
        return None
    from trajectory.ontwikkelkracht.school import NETHERLANDS

    cleaned = text.strip()
    try:
        if len(cleaned) == 10:  # a date alone: noon that day
            moment = dt.datetime.combine(dt.date.fromisoformat(cleaned), dt.time(12))
        else:
            moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        fail("at.format", value=text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=NETHERLANDS)
    try:  # it must be a moment in UTC, and in Dutch time, too
        moment.astimezone(dt.UTC).astimezone(NETHERLANDS)
    except OverflowError:
        fail("at.range", value=text)
    return moment


def the_programme() -> Ontwikkelkracht:
    """The programme the command line works with: the process's Ontwikkelkracht
    programme (its lifecycle, converter, rules and catalog), built on first use."""
    from trajectory.ontwikkelkracht.bootstrap import programme

    return programme()


def the_catalog(path: Path | None) -> Catalog:
    """The catalog in the file at ``path``, or the programme's shipped one."""
    if path is None:
        return the_programme().catalog
    from trajectory.ontwikkelkracht.catalog import load_catalog

    return load_catalog(path, converter=the_programme().converter)


def open_the_store(db: str | None, clock: Clock | None = None, *, create: bool = False) -> Store:
    """The store ``--db`` names (default: the embedded SQLite store), holding the
    programme's lifecycles. Only ``new`` and ``demo`` create a store; every other
    command opens one that exists, and creates nothing when there is none."""
    return open_store(db, lifecycles=the_programme(), clock=clock, create=create)


def clock_at(moment: dt.datetime | None) -> Clock | None:
    """A clock standing at ``moment``; ``None`` (the system clock) without one."""
    return None if moment is None else ManualClock(moment)
