"""The commands that read the definition: rules, catalog and diagram."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer

from trajectory.cli._common import (
    CatalogOption,
    DbOption,
    JsonOption,
    LangOption,
    open_the_store,
    the_catalog,
    the_programme,
)
from trajectory.cli._messages import DEFAULT_LANGUAGE
from trajectory.cli._output import dutch_time, print_json, print_table


def rules(
    school_year: Annotated[
        str | None,
        typer.Argument(
            metavar="[YEAR]",
            help="A school year such as 2024-2025; without one, the years with rules.",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """Show the rules of a school year, or list the years that have rules.

    Amount, minimums, application windows (in Dutch time), required talks, settlement
    policy; the figures a confirmed year assumes all the same are marked (assumed)."""
    from trajectory.ontwikkelkracht.rules import shipped_school_years

    built = the_programme()
    if school_year is None:
        years = [built.rules_for(year) for year in shipped_school_years()]
        if as_json:
            print_json(
                [
                    {"school_year": str(found.school_year), "confirmed": found.confirmed}
                    for found in years
                ]
            )
        else:
            for found in years:
                confirmed = "confirmed" if found.confirmed else "not confirmed (assumed)"
                typer.echo(f"{found.school_year}  {confirmed}")
        return
    found = built.rules_for(school_year)
    document: dict[str, Any] = built.converter.unstructure(found)
    if as_json:
        print_json(document)
        return
    typer.echo(f"rules of {found.school_year}")
    for key, value in document.items():
        if key == "school_year":
            continue
        if key == "rounds":
            typer.echo("rounds")
            for found_round in found.rounds:
                label = f"  ({found_round.label})" if found_round.label else ""
                window = f"{dutch_time(found_round.opens)} – {dutch_time(found_round.closes)}"
                typer.echo(f"  {window}{label}")
                ceiling = "unknown" if found_round.ceiling is None else str(found_round.ceiling)
                confirmed = "" if found_round.ceiling_confirmed else " (assumed)"
                typer.echo(f"    {'id':<26}{found_round.id}")
                typer.echo(f"    {'ceiling':<26}{ceiling}{confirmed}")
                for term in ("decision_weeks", "completion_days", "objection_weeks"):
                    typer.echo(f"    {term:<26}{getattr(found_round, term)}")
                typer.echo(f"    {'assumed':<26}{_plain(list(found_round.assumed))}")
        elif isinstance(value, list) and key in ("notes",):
            typer.echo(key)
            for note in value:
                typer.echo(f"  - {note}")
        elif key == "assumed":
            if value:
                typer.echo("assumed, although the year is confirmed")
                for name, why in value.items():
                    typer.echo(f"  - {name}: {why}")
        else:
            assumed = "  (assumed)" if found.confirmed and found.is_assumed(key) else ""
            typer.echo(f"{key:<28}{_plain(value)}{assumed}")


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value) or "—"
    return str(value)


def catalog(
    school_year: Annotated[
        str | None,
        typer.Option(
            "--school-year",
            metavar="YEAR",
            help="Only the offers of this year.",
            show_default=False,
        ),
    ] = None,
    file: CatalogOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """List the offered leertrajecten: id, title, expert school, place, years."""
    built = the_programme()
    chosen = the_catalog(file)
    offers = chosen.offers if school_year is None else chosen.for_year(school_year)
    if as_json:
        print_json([built.converter.unstructure(offer) for offer in offers])
        return
    print_table(
        ("id", "title", "expert school", "place", "school years"),
        [
            (
                offer.id,
                offer.title,
                offer.expert_school,
                offer.place,
                ", ".join(str(year) for year in sorted(offer.school_years)),
            )
            for offer in offers
        ],
    )


def diagram(
    format: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="mermaid (for Markdown) or dot (Graphviz)."
        ),
    ] = "mermaid",
    counts_from_db: Annotated[
        bool,
        typer.Option(
            "--counts-from-db", help="Label every state with the trajectories in it in the store."
        ),
    ] = False,
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the leertraject's state diagram as Mermaid or DOT source.

    Drawn from the lifecycle definition; with --counts-from-db every state is labelled
    with the number of stored trajectories in it. With --json: the format, the counts
    and the source in one JSON object."""
    from trajectory.diagrams import diagram as draw

    leertraject = the_programme().leertraject
    counts = None
    if counts_from_db:
        with open_the_store(db) as store:
            counts = dict(
                Counter(summary.state for summary in store.list(lifecycle=leertraject.name))
            )
    source = draw(leertraject, format, counts=counts)
    if as_json:
        print_json({"format": format, "counts": counts, "source": source})
    else:
        typer.echo(source, nl=False)
