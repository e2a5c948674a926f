"""The commands on stored trajectories: new, show, fire, list, history, erase-participant."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Final

import attrs
import typer

from trajectory.cli._common import (
    ActorOption,
    AtOption,
    DbOption,
    JsonOption,
    LangOption,
    check_lang,
    clock_at,
    fail,
    one_line_errors,
    open_the_store,
    parse_moment,
    print_json,
)
from trajectory.engine.conversion import converter
from trajectory.engine.definition import Lifecycle, NoPayload
from trajectory.engine.errors import InvalidData, PreconditionFailed
from trajectory.engine.history import Event
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import (
    dump_event,
    dump_snapshot,
    load_payload,
    parse_payload,
)
from trajectory.engine.violations import Violation

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The trajectory's id.")]


def _label(lifecycle: Lifecycle[Any], state: str | None, lang: str) -> str:
    if state is None:
        return "—"
    found = lifecycle.states.get(state)
    label = found.labels.get(lang) if found is not None else None
    if not label or label.replace(" ", "_") == state:
        return state
    return f"{state} ({label})"


def _messages(violations: Sequence[Violation], lang: str) -> str:
    return "; ".join(f"[{v.code}] {v.message(lang)}" for v in violations)


def _violation(violation: Violation, lang: str) -> dict[str, Any]:
    return {
        "code": violation.code,
        "message": violation.message(lang),
        "details": converter.unstructure(dict(violation.details)),
    }


def _event_line(event: Event) -> str:
    if event.from_state is None:
        moved = f"→ {event.to_state}"
    elif event.from_state == event.to_state:
        moved = f"in {event.to_state}"
    else:
        moved = f"{event.from_state} → {event.to_state}"
    actor = f"  by {event.actor}" if event.actor else ""
    when = event.timestamp.isoformat(timespec="minutes")
    return f"{event.sequence:>4}  {when}  {event.name}  ({moved}){actor}"


# -- new ---------------------------------------------------------------------------------


def new(
    name: Annotated[str, typer.Option(help="The school's name.", show_default=False)],
    sector: Annotated[str, typer.Option(help="po, vo, so or vso.", show_default=False)],
    board: Annotated[
        str, typer.Option(help="The school board (bevoegd gezag).", show_default=False)
    ],
    brin: Annotated[
        str, typer.Option(help="The BRIN of the school location, e.g. 12AB00.", show_default=False)
    ],
    offer: Annotated[
        str, typer.Option(help="The offer's id (see `trajectory catalog`).", show_default=False)
    ],
    school_year: Annotated[
        str,
        typer.Option("--school-year", help="The school year, e.g. 2024-2025.", show_default=False),
    ],
    actor: ActorOption = None,
    at: AtOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a leertraject and print its id.

    The school asked the expert school for an orientation talk: the trajectory starts in
    orientation_requested, with the rules of its school year."""
    from trajectory.ontwikkelkracht.lifecycle import new_trajectory
    from trajectory.ontwikkelkracht.school import School

    moment = parse_moment(at)
    with one_line_errors():
        school = School(name=name, sector=sector, board=board, brin=brin)
        trajectory = new_trajectory(
            school=school, offer=offer, school_year=school_year, clock=clock_at(moment), actor=actor
        )
        with open_the_store(db) as store:
            store.save(trajectory)
    if as_json:
        print_json({"id": trajectory.id, "state": trajectory.state})
    else:
        typer.echo(trajectory.id)


# -- show --------------------------------------------------------------------------------


#: The fields of each event's document that the timeline of ``show --json`` gives.
_TIMELINE_KEYS: Final = ("sequence", "timestamp", "name", "from_state", "to_state", "actor")


def _described(trajectory: Trajectory[Any]) -> dict[str, str | None]:
    describe = trajectory.lifecycle.describe
    return dict(describe(trajectory.data)) if describe is not None else {}


def show(
    trajectory_id: IdArgument,
    lang: LangOption = "nl",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a trajectory: state, allowed events, blockers and timeline.

    The blockers are the violations that refuse each event that takes no payload,
    with their messages in --lang."""
    check_lang(lang)
    with one_line_errors(), open_the_store(db) as store:
        trajectory = store.load(trajectory_id)
        blockers = trajectory.blockers()
    lifecycle = trajectory.lifecycle
    if as_json:
        print_json(
            {
                "id": trajectory.id,
                "lifecycle": lifecycle.name,
                "state": trajectory.state,
                "final": trajectory.is_final,
                "version": trajectory.version,
                **_described(trajectory),
                "allowed_events": list(trajectory.allowed_events()),
                "blockers": {
                    event: [_violation(v, lang) for v in violations]
                    for event, violations in blockers.items()
                },
                "timeline": [
                    {key: document[key] for key in _TIMELINE_KEYS}
                    for document in (dump_event(event, lifecycle) for event in trajectory.history)
                ],
                "data": dump_snapshot(trajectory)["data"],
            }
        )
        return
    typer.echo(f"trajectory  {trajectory.id}  ({lifecycle.name})")
    typer.echo(f"state       {_label(lifecycle, trajectory.state, lang)}")
    typer.echo(f"version     {trajectory.version}")
    for key, value in _described(trajectory).items():
        typer.echo(f"{key:<12}{value}")
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


# -- fire --------------------------------------------------------------------------------


def _pairs(data: Sequence[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in data:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            fail(f"--data takes key=value, got {item!r}")
        if key in fields:
            fail(f'--data gives {key!r} twice; give a list as JSON: {key}=\'["a", "b"]\'')
        fields[key] = value
    return fields


def _read_json_file(path: Path) -> Mapping[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        fail(f"--json-file: cannot read {path}: {err.strerror or err}")
    except ValueError as err:
        fail(f"--json-file: {path} is no JSON: {err}")
    if not isinstance(document, dict):
        fail(f"--json-file: {path} must hold a JSON object, got {type(document).__name__}")
    return document


def _known_event(lifecycle: Lifecycle[Any], event: str) -> None:
    if event in lifecycle.events:
        return
    close = difflib.get_close_matches(event, list(lifecycle.events), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    fail(f"unknown event {event!r}{hint} (`trajectory show ID` lists the events allowed now)")


def _fields(payload: Any) -> dict[str, Any]:
    if isinstance(payload, NoPayload):
        return {}
    return {field.name: getattr(payload, field.name) for field in attrs.fields(type(payload))}


def fire(
    trajectory_id: IdArgument,
    event: Annotated[str, typer.Argument(metavar="EVENT", help="The event, e.g. register.")],
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            metavar="KEY=VALUE",
            help="A payload field. Values are read as JSON when they are "
            'JSON (numbers, lists such as \'["Anna", "Bram"]\'), else as text '
            "(dates such as 2024-10-01, choices such as teacher).",
            show_default=False,
        ),
    ] = None,
    json_file: Annotated[
        Path | None,
        typer.Option(
            "--json-file",
            metavar="PATH",
            help="The payload as a JSON object in a file (instead of --data).",
            show_default=False,
        ),
    ] = None,
    actor: ActorOption = None,
    at: AtOption = None,
    lang: LangOption = "nl",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fire an event on a trajectory and save it.

    All or nothing: a refused event prints every violation, on one line, and changes
    nothing; with --json its violations are also printed as JSON on stdout."""
    check_lang(lang)
    moment = parse_moment(at)
    if data and json_file is not None:
        fail("give the payload with --data or with --json-file, not both")
    with one_line_errors(), open_the_store(db, clock_at(moment)) as store:
        trajectory = store.load(trajectory_id)
        lifecycle = trajectory.lifecycle
        _known_event(lifecycle, event)
        if json_file is not None:
            payload = load_payload(_read_json_file(json_file), lifecycle, event)
        else:
            payload = parse_payload(_pairs(data or []), lifecycle, event)
        last = trajectory.last_event.timestamp
        if moment is not None and moment < last:
            fail(f"--at {moment.isoformat()} lies before the last event ({last.isoformat()})")
        try:
            recorded = trajectory.fire(event, actor=actor, **_fields(payload))
        except PreconditionFailed as err:
            if as_json:  # the violations for a script, on stdout; the one line on stderr
                print_json(
                    {
                        "refused": event,
                        "state": err.state,
                        "violations": [_violation(v, lang) for v in err.violations],
                    }
                )
            fail(f"{event} refused in {err.state}: {_messages(err.violations, lang)}")
        store.save(trajectory)
    if as_json:
        print_json(dump_event(recorded, lifecycle))
    else:
        typer.echo(
            f"{recorded.name}: {_label(lifecycle, recorded.from_state, lang)} → "
            f"{_label(lifecycle, recorded.to_state, lang)}  (version {recorded.sequence})"
        )


# -- list --------------------------------------------------------------------------------


def _filter_text(option: str, value: str | None) -> str | None:
    if value is not None and not value.strip():
        fail(f"{option} must not be blank")
    return None if value is None else value.strip()


def list_(
    state: Annotated[
        str | None, typer.Option(help="Only in this state.", show_default=False)
    ] = None,
    school_year: Annotated[
        str | None,
        typer.Option("--school-year", help="Only of this school year.", show_default=False),
    ] = None,
    offer: Annotated[
        str | None, typer.Option(help="Only of this offer (its id).", show_default=False)
    ] = None,
    board: Annotated[
        str | None, typer.Option(help="Only of this school board.", show_default=False)
    ] = None,
    school: Annotated[
        str | None, typer.Option(help="Only of this school (its BRIN).", show_default=False)
    ] = None,
    blocked: Annotated[
        bool, typer.Option("--blocked", help="Only those whose next steps are refused.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the stored trajectories, oldest change first.

    The filters combine: --state, --school-year, --offer, --board, --school (a BRIN),
    --blocked."""
    from trajectory.ontwikkelkracht.catalog import catalog
    from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE
    from trajectory.ontwikkelkracht.school import SchoolYear

    with one_line_errors():
        if state is not None and state not in LIFECYCLE.states:
            raise InvalidData(
                "--state", f"unknown state {state!r}; states: {', '.join(LIFECYCLE.states)}"
            )
        year = None if school_year is None else str(SchoolYear.parse(school_year))
        if offer is not None:
            catalog().get(offer)
        brin = _filter_text("--school", school)
        if brin is not None:
            brin = brin.upper()
        with open_the_store(db) as store:
            found = store.list(
                state=state,
                school_year=year,
                offer=offer,
                board=_filter_text("--board", board),
                school=brin,
            )
            stuck = {entry.id: entry.blockers for entry in store.blocked()} if blocked else {}
    if blocked:
        found = [summary for summary in found if summary.id in stuck]
    rows: list[dict[str, Any]] = [
        {
            "id": summary.id,
            "state": summary.state,
            "version": summary.version,
            "school_year": summary.school_year,
            "offer": summary.offer,
            "board": summary.board,
            "school": summary.school,
            "updated_at": None if summary.updated_at is None else summary.updated_at.isoformat(),
            **({"blockers": {k: list(v) for k, v in stuck[summary.id].items()}} if blocked else {}),
        }
        for summary in found
    ]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "state", "version", "school year", "offer", "school", "updated")
    for row in rows:
        table.add_row(
            row["id"],
            row["state"],
            str(row["version"]),
            row["school_year"] or "",
            row["offer"] or "",
            row["school"] or "",
            (row["updated_at"] or "")[:16],
        )
    Console(width=200).print(table)
    typer.echo(f"{len(rows)} trajector{'y' if len(rows) == 1 else 'ies'}")


# -- history -----------------------------------------------------------------------------


def history(
    trajectory_id: IdArgument,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show every event of a trajectory, the creation first, with its payload."""
    with one_line_errors(), open_the_store(db) as store:
        trajectory = store.load(trajectory_id)
    lifecycle = trajectory.lifecycle
    documents = [dump_event(event, lifecycle) for event in trajectory.history]
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


# -- erase-participant -------------------------------------------------------------------


def erase_participant(
    trajectory_id: IdArgument,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The participant's name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erase a participant's personal data (AVG/GDPR); prints the pseudonym.

    Every occurrence of the name in the stored trajectory, its history included,
    becomes one pseudonym."""
    with one_line_errors(), open_the_store(db) as store:
        pseudonym = store.erase_participant(trajectory_id, name)
    if as_json:
        print_json({"id": trajectory_id, "pseudonym": pseudonym})
    else:
        typer.echo(pseudonym)
