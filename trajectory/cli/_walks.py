"""The commands that run whole walks: ``demo`` and ``simulate``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Final

import typer

from trajectory.cli._common import DbOption, LangOption, fail, open_the_store, the_programme
from trajectory.cli._messages import DEFAULT_LANGUAGE, language
from trajectory.cli._output import console


def demo(
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
) -> None:
    """Walk an example school through the whole leertraject, then a board's application
    for two locations.

    Blockers and figures included; the trajectory is saved in the store after every
    step (the store is created when there is none)."""
    from trajectory.demo import walk, walk_application

    with open_the_store(db, create=True) as store:
        walk(typer.echo, lang=lang, store=store)
    walk_application(typer.echo, lang=lang)


#: The most worker processes a simulation takes.
MAX_PROCESSES: Final = 1024

#: A whole number as the options take it (Python reads at most 4300 digits).
_WHOLE: Final = re.compile(r"[+-]?[0-9]{1,4000}")


def _whole(option: str, text: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``text`` as a whole number (at least ``minimum``, at most ``maximum``), or a
    one-line error."""
    cleaned = text.strip()
    if _WHOLE.fullmatch(cleaned) is None:
        fail("number.whole", option=option, value=text)
    value = int(cleaned)
    if minimum is not None and value < minimum:
        fail("number.minimum", option=option, minimum=minimum, value=value)
    if maximum is not None and value > maximum:
        fail("number.maximum", option=option, maximum=maximum, value=value)
    return value


def _amount(option: str, text: str | None) -> Decimal | None:
    """``text`` as an amount (``None`` stays ``None``), or a one-line error; the
    simulation says which amounts it takes."""
    if text is None:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        fail("number.amount", option=option, value=text)


def simulate(
    schools: Annotated[
        str,
        typer.Option(
            "--schools", metavar="N", help="How many schools (0 or more).", show_default=False
        ),
    ],
    seed: Annotated[
        str,
        typer.Option(
            metavar="S", help="The seed: the same seed gives the same report.", show_default=False
        ),
    ],
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
        str,
        typer.Option("--school-year", metavar="YEAR", help="The school year whose rules apply."),
    ] = "2024-2025",
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (and no progress bar).")
    ] = False,
) -> None:
    """Simulate a cohort of schools walking the leertraject.

    Seeded and reproducible; reports outcomes, violations met, subsidy, hours and days
    per state."""
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from trajectory.sim.cohort import default_processes
    from trajectory.sim.cohort import simulate as run

    count = _whole("--schools", schools, 0, 10**9)
    number = _whole("--seed", seed)
    ceiling = _amount("--budget", budget)
    workers = (
        default_processes()
        if processes is None
        else _whole("--processes", processes, 1, MAX_PROCESSES)
    )
    built = the_programme()
    # A cohort of none checks the input (the budget too) before a progress bar is drawn.
    run(0, seed=number, budget=ceiling, school_year=school_year, programme=built)
    if as_json:
        report = run(
            count,
            seed=number,
            budget=ceiling,
            processes=workers,
            school_year=school_year,
            programme=built,
        )
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
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
            programme=built,
            progress=lambda done: bar.advance(task, done),
        )
    console().print(report.to_table(language()))


def simulate_round(
    boards: Annotated[
        str,
        typer.Option(
            "--boards",
            metavar="N",
            help="How many school boards apply (0 or more), each for 1 to 3 locations.",
            show_default=False,
        ),
    ],
    seed: Annotated[
        str,
        typer.Option(
            metavar="S", help="The seed: the same seed gives the same report.", show_default=False
        ),
    ],
    round: Annotated[
        str,
        typer.Option("--round", metavar="ROUND", help="The round the boards apply in."),
    ] = "2024-2025/main",
    ceiling: Annotated[
        str | None,
        typer.Option(
            metavar="EUR",
            help="The budget ceiling in euro, in place of the round's own.",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Simulate a round: school boards apply, the Office decides in order of receipt.

    Seeded and reproducible, on a store in memory; reports the outcomes, the locations
    granted and rejected, the ledger, the lotteries drawn, completions, objections and
    the decision terms met."""
    import json

    from trajectory.sim.rounds import MAX_BOARDS
    from trajectory.sim.rounds import simulate_round as run

    count = _whole("--boards", boards, 0, MAX_BOARDS)
    number = _whole("--seed", seed, 0)
    amount = _amount("--ceiling", ceiling)
    report = run(count, seed=number, round=round, ceiling=amount)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    console().print(report.to_table(language()))
