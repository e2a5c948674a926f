"""The ``trajectory`` command line."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
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


def _whole(option: str, text: str | None, minimum: int | None = None) -> int:
    """``text`` as a whole number (at least ``minimum``), or a one-line error."""
    if text is None:
        _fail(f"{option} is required")
    try:
        value = int(text.strip())
    except ValueError:
        _fail(f"{option} must be a whole number, got {text!r}")
    if minimum is not None and value < minimum:
        _fail(f"{option} must be at least {minimum}, got {value}")
    return value


def _amount(option: str, text: str | None) -> Decimal | None:
    """``text`` as an amount in euro of at least 0 (``None`` stays ``None``), or a
    one-line error."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        _fail(f"{option} must be an amount in euro such as 2120000, got {text!r}")
    if not value.is_finite() or value < 0:
        _fail(f"{option} must be an amount of at least 0 euro, got {text!r}")
    return value


@app.command()
def simulate(
    schools: Annotated[
        str | None,
        typer.Option(
            "--schools", metavar="N", help="How many schools (0 or more).", show_default=False
        ),
    ] = None,
    seed: Annotated[
        str | None,
        typer.Option(
            metavar="S", help="The seed: the same seed gives the same report.", show_default=False
        ),
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            metavar="EUR",
            help="The budget ceiling in euro; applications past it are rejected "
            "(budget.exhausted). Default: no ceiling.",
            show_default=False,
        ),
    ] = None,
    processes: Annotated[
        str | None,
        typer.Option(
            metavar="P", help="Worker processes; default: every core.", show_default=False
        ),
    ] = None,
    school_year: Annotated[
        str, typer.Option("--school-year", help="The school year whose rules apply.")
    ] = "2024-2025",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (and no progress bar).")
    ] = False,
) -> None:
    """Simulate a cohort of schools walking the leertraject, seeded and reproducible,
    and report outcomes, violations met, subsidy, hours and days per state."""
    import json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from trajectory.sim.cohort import default_processes
    from trajectory.sim.cohort import simulate as run

    count = _whole("--schools", schools, 0)
    number = _whole("--seed", seed)
    ceiling = _amount("--budget", budget)
    workers = default_processes() if processes is None else _whole("--processes", processes, 1)
    try:
        # A cohort of none checks the input before a progress bar is drawn.
        run(0, seed=number, budget=ceiling, school_year=school_year)
        if as_json:
            report = run(
                count, seed=number, budget=ceiling, processes=workers, school_year=school_year
            )
        else:
            bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            with bar:
                task = bar.add_task("schools", total=count)
                report = run(
                    count,
                    seed=number,
                    budget=ceiling,
                    processes=workers,
                    school_year=school_year,
                    progress=lambda done: bar.advance(task, done),
                )
    except TrajectoryError as err:
        _fail(str(err))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        Console().print(report.to_table())


def main() -> None:
    """Entry point of the ``trajectory`` console script."""
    app()
