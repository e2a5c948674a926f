"""What every command shares: the app, the options, the store and one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import structlog
import typer

from trajectory.engine.errors import TrajectoryError
from trajectory.engine.history import Clock, ManualClock
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
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")]
LangOption = Annotated[str, typer.Option(help="Language of the messages: nl or en.")]
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
ActorOption = Annotated[
    str | None,
    typer.Option(help="Who does it (recorded in the history).", show_default=False),
]


def fail(message: str) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with code 2."""
    line = " ".join(message.split())
    typer.echo(f"error: {line}", err=True)
    raise typer.Exit(2)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn every error of the library into a one-line ``error: …`` and exit code 2."""
    try:
        yield
    except TrajectoryError as err:
        fail(str(err))


def check_lang(lang: str) -> str:
    """``lang`` if it is a language of the messages, else a one-line error."""
    if lang not in LANGUAGES:
        fail(f"--lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def parse_moment(text: str | None) -> dt.datetime | None:
    """The moment ``--at`` names (``None`` stays ``None``), or a one-line error."""
    if text is None:
        return None
    from trajectory.ontwikkelkracht.guards import NETHERLANDS

    cleaned = text.strip()
    try:
        if len(cleaned) == 10:  # a date alone: noon that day
            moment = dt.datetime.combine(dt.date.fromisoformat(cleaned), dt.time(12))
        else:
            moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        fail(f"--at must be an ISO date or date-time such as 2024-10-01T14:30, got {text!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=NETHERLANDS)


def open_the_store(db: str | None, clock: Clock | None = None) -> Store:
    """The store ``--db`` names (default: the embedded SQLite store)."""
    url = default_store_url() if db is None else db
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    try:
        return open_store(url, clock=clock)
    except TrajectoryError as err:
        fail(str(err))


def clock_at(moment: dt.datetime | None) -> Clock | None:
    """A clock standing at ``moment``; ``None`` (the system clock) without one."""
    return None if moment is None else ManualClock(moment)


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout (dates, amounts and the like as text)."""
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))
