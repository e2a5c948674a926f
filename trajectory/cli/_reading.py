"""The commands that read stored trajectories: show, list and history.

They open an existing store only: a mistyped ``--db`` is an error, and creates
nothing. Times are shown in Dutch time (Europe/Amsterdam).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Final

import typer
from rich.text import Text

from trajectory.cli._common import (
    DbOption,
    JsonOption,
    LangOption,
    fail,
    open_the_store,
    the_programme,
)
from trajectory.cli._messages import DEFAULT_LANGUAGE
from trajectory.cli._output import (
    FINAL_STATE_STYLE,
    STATE_STYLE,
    dutch_iso,
    dutch_time,
    print_json,
    print_table,
    say,
    state_text,
)
from trajectory.cli._trajectories import IdArgument, event_document, violation_document
from trajectory.engine.errors import TrajectoryError
from trajectory.engine.fields import name_key
from trajectory.engine.history import Event
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import dump_snapshot
from trajectory.store import Store, Summary

#: The fields of each event's document that the timeline of ``show --json`` gives.
_TIMELINE_KEYS: Final = ("sequence", "timestamp", "name", "from_state", "to_state", "actor")


def _event_line(event: Event) -> str:
    if event.from_state is None:
        moved = f"→ {event.to_state}"
    elif event.from_state == event.to_state:
        moved = f"in {event.to_state}"
    else:
        moved = f"{event.from_state} → {event.to_state}"
    actor = f"  by {event.actor}" if event.actor else ""
    return f"{event.sequence:>4}  {dutch_time(event.timestamp)}  {event.name}  ({moved}){actor}"


def _described(trajectory: Trajectory[Any]) -> dict[str, str | None]:
    describe = trajectory.lifecycle.describe
    return dict(describe(trajectory.data)) if describe is not None else {}


def _amount(value: Decimal) -> str:
    """An amount as it is written: ``180``, ``36.5``."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _people(trajectory: Trajectory[Any]) -> dict[str, Any] | None:
    """The school's name, the participants with their hours, and the hours together
    (``None`` for a lifecycle that is not the leertraject)."""
    from trajectory.ontwikkelkracht.record import Leertraject

    data = trajectory.data
    if not isinstance(data, Leertraject):
        return None
    logged: dict[str, Decimal] = {}
    for entry in data.hours:
        key = name_key(entry.participant)
        logged[key] = logged.get(key, Decimal(0)) + entry.hours
    return {
        "name": data.school.name,
        "participants": [
            {
                "name": person.name,
                "role": person.role.value,
                "planned_hours": person.planned_hours,
                "logged_hours": logged.get(name_key(person.name), Decimal(0)),
            }
            for person in data.participants
        ],
        "hours": {
            "planned": data.planned_hours,
            "logged": data.logged_hours,
            "minimum": data.rules.minimum_hours,
        },
    }


# -- show --------------------------------------------------------------------------------


def show(
    trajectory_id: IdArgument,
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a trajectory: school, state, participants and hours, allowed events,
    blockers and timeline.

    The blockers are the violations that refuse each event that takes no payload,
    with their messages in --lang."""
    with open_the_store(db) as store:
        trajectory = store.load(trajectory_id)
    blockers = trajectory.blockers()
    lifecycle = trajectory.lifecycle
    people = _people(trajectory)
    if as_json:
        print_json(
            {
                "id": trajectory.id,
                "lifecycle": lifecycle.name,
                "state": trajectory.state,
                "final": trajectory.is_final,
                "version": trajectory.version,
                **_described(trajectory),
                **(people or {}),
                "allowed_events": list(trajectory.allowed_events()),
                "blockers": {
                    event: [violation_document(v, lang) for v in violations]
                    for event, violations in blockers.items()
                },
                "timeline": [
                    {key: event_document(event, lifecycle)[key] for key in _TIMELINE_KEYS}
                    for event in trajectory.history
                ],
                "data": dump_snapshot(trajectory)["data"],
            }
        )
        return
    typer.echo(f"trajectory  {trajectory.id}  ({lifecycle.name})")
    if people is not None:
        typer.echo(f"name        {people['name']}")
    say("state       ", state_text(lifecycle, trajectory.state, lang))
    typer.echo(f"version     {trajectory.version}")
    for key, value in _described(trajectory).items():
        typer.echo(f"{key:<12}{value}")
    if people is not None:
        _show_people(people)
    allowed = trajectory.allowed_events()
    typer.echo(f"allowed     {', '.join(allowed) if allowed else '— (a final state)'}")
    if blockers:
        typer.echo("blocked")
        for name, violations in blockers.items():
            for violation in violations:
                typer.echo(f"  {name}: [{violation.code}] {violation.message(lang)}")
    typer.echo("timeline")
    for event in trajectory.history:
        typer.echo(_event_line(event))


def _show_people(people: Mapping[str, Any]) -> None:
    hours = people["hours"]
    typer.echo(
        f"hours       {_amount(hours['planned'])} planned, {_amount(hours['logged'])} logged"
        f" (at least {_amount(Decimal(hours['minimum']))} needed)"
    )
    participants = people["participants"]
    if not participants:
        typer.echo("participants —")
        return
    typer.echo("participants")
    name_width = max(len(p["name"]) for p in participants)
    role_width = max(len(p["role"]) for p in participants)
    for person in participants:
        typer.echo(
            f"  {person['name']:<{name_width}}  {person['role']:<{role_width}}"
            f"  {_amount(person['planned_hours']):>6} planned"
            f"  {_amount(person['logged_hours']):>6} logged"
        )


# -- list --------------------------------------------------------------------------------


def _state_style(state: str) -> str:
    final = the_programme().leertraject.final_states
    return FINAL_STATE_STYLE if state in final else STATE_STYLE


def _filter_text(option: str, value: str | None) -> str | None:
    if value is not None and not value.strip():
        fail("filter.blank", option=option)
    return None if value is None else value.strip()


def _school_names(store: Store, found: list[Summary]) -> dict[str, str | None]:
    """The school's name of each listed trajectory, by id: one trajectory is read per
    school location (BRIN); a trajectory that cannot be read has none."""
    by_school: dict[str | None, str | None] = {}
    names: dict[str, str | None] = {}
    for summary in found:
        key = summary.school if summary.school is not None else f"id:{summary.id}"
        if key not in by_school:
            try:
                people = _people(store.load(summary.id))
            except TrajectoryError:  # show ID reports what is wrong with it
                people = None
            by_school[key] = None if people is None else people["name"]
        names[summary.id] = by_school[key]
    return names


def list_(
    state: Annotated[
        str | None,
        typer.Option(metavar="STATE", help="Only in this state.", show_default=False),
    ] = None,
    school_year: Annotated[
        str | None,
        typer.Option(
            "--school-year", metavar="YEAR", help="Only of this school year.", show_default=False
        ),
    ] = None,
    offer: Annotated[
        str | None,
        typer.Option(metavar="OFFER", help="Only of this offer (its id).", show_default=False),
    ] = None,
    board: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Only of this school board.", show_default=False),
    ] = None,
    school: Annotated[
        str | None,
        typer.Option(metavar="BRIN", help="Only of this school (its BRIN).", show_default=False),
    ] = None,
    blocked: Annotated[
        bool, typer.Option("--blocked", help="Only those whose next steps are refused.")
    ] = False,
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the stored trajectories, oldest change first, with the school's name.

    The filters combine: --state, --school-year, --offer, --board, --school (a BRIN),
    --blocked."""
    from trajectory.ontwikkelkracht.school import SchoolYear

    built = the_programme()
    states = built.leertraject.states
    if state is not None and state not in states:
        fail("state.unknown", state=state, states=[f"`{name}`" for name in states])
    year = None if school_year is None else str(SchoolYear.parse(school_year))
    if offer is not None:
        built.catalog.get(offer)
    brin = _filter_text("--school", school)
    with open_the_store(db) as store:
        found = store.list(
            state=state,
            school_year=year,
            offer=offer,
            board=_filter_text("--board", board),
            school=None if brin is None else brin.upper(),
        )
        stuck = {entry.id: entry.blockers for entry in store.blocked()} if blocked else {}
        if blocked:
            found = [summary for summary in found if summary.id in stuck]
        names = _school_names(store, found)
    rows: list[dict[str, Any]] = [
        {
            "id": summary.id,
            "name": names[summary.id],
            "state": summary.state,
            "version": summary.version,
            "school_year": summary.school_year,
            "offer": summary.offer,
            "board": summary.board,
            "school": summary.school,
            "updated_at": None if summary.updated_at is None else dutch_iso(summary.updated_at),
            **({"blockers": {k: list(v) for k, v in stuck[summary.id].items()}} if blocked else {}),
        }
        for summary in found
    ]
    if as_json:
        print_json(rows)
        return
    print_table(
        ("id", "name", "state", "version", "school year", "offer", "school", "updated"),
        [
            (
                row["id"],
                row["name"] or "",
                Text(row["state"], style=_state_style(row["state"])),
                str(row["version"]),
                row["school_year"] or "",
                row["offer"] or "",
                row["school"] or "",
                "" if summary.updated_at is None else dutch_time(summary.updated_at),
            )
            for summary, row in zip(found, rows, strict=True)
        ],
    )
    typer.echo(f"{len(rows)} trajector{'y' if len(rows) == 1 else 'ies'}")


# -- history -----------------------------------------------------------------------------


def history(
    trajectory_id: IdArgument,
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show every event of a trajectory, the creation first, with its payload."""
    with open_the_store(db) as store:
        trajectory = store.load(trajectory_id)
    lifecycle = trajectory.lifecycle
    documents = [event_document(event, lifecycle) for event in trajectory.history]
    if as_json:
        print_json(documents)
        return
    for event, document in zip(trajectory.history, documents, strict=True):
        typer.echo(_event_line(event))
        if event.sequence == 1:
            continue  # the creation's payload is the whole school, offer and rules
        for key, value in document["payload"].items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            typer.echo(f"        {key}: {shown}")
