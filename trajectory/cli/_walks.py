"""The commands that run whole walks: ``demo`` and ``simulate``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from trajectory.cli._common import DbOption, LangOption, check_lang, fail, open_the_store
from trajectory.engine.errors import TrajectoryError


def demo(
    lang: LangOption = "nl",
    db: DbOption = None,
) -> None:
    """Walk an example school through the whole leertraject.

    Blockers and figures included; the trajectory is saved in the store after every
    step."""
    check_lang(lang)
    from trajectory.demo import walk

    with open_the_store(db) as store:
        walk(typer.echo, lang=lang, store=store)


def _whole(option: str, text: str | None, minimum: int | None = None) -> int:
    """``text`` as a whole number (at least ``minimum``), or a one-line error."""
    if text is None:
        fail(f"{option} is required")
    try:
        value = int(text.strip())
    except ValueError:
        fail(f"{option} must be a whole number, got {text!r}")
    if minimum is not None and value < minimum:
        fail(f"{option} must be at least {minimum}, got {value}")
    return value


def _amount(option: str, text: str | None) -> Decimal | None:
    """``text`` as an amount in euro of at least 0 (``None`` stays ``None``), or a
    one-line error."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        fail(f"{option} must be an amount in euro such as 2120000, got {text!r}")
    if not value.is_finite() or value < 0:
        fail(f"{option} must be an amount of at least 0 euro, got {text!r}")
    return value


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
    """Simulate a cohort of schools walking the leertraject.

    Seeded and reproducible; reports outcomes, violations met, subsidy, hours and days
    per state."""
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
        fail(str(err))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        Console().print(report.to_table())
