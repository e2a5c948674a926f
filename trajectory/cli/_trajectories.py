"""The commands that change stored trajectories: new, fire and erase-participant."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import attrs
import typer

from trajectory.cli._common import (
    ActorOption,
    AtOption,
    CatalogOption,
    DbOption,
    JsonOption,
    LangOption,
    clock_at,
    fail,
    open_the_store,
    parse_moment,
    refuse,
    the_catalog,
    the_programme,
)
from trajectory.cli._messages import DEFAULT_LANGUAGE, language, message
from trajectory.cli._output import dutch_iso, print_json, say, state_text
from trajectory.engine.conversion import no_constant, no_duplicates
from trajectory.engine.definition import Lifecycle, NoPayload
from trajectory.engine.errors import PreconditionFailed
from trajectory.engine.serialization import dump_event, load_payload, parse_payload
from trajectory.engine.violations import Violation

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The trajectory's id.")]


def violation_document(violation: Violation, lang: str) -> dict[str, Any]:
    """A violation as JSON: its code, its message in ``lang`` and its figures."""
    return {
        "code": violation.code,
        "message": violation.message(lang),
        "details": the_programme().converter.unstructure(dict(violation.details)),
    }


def event_document(event: Any, lifecycle: Lifecycle[Any]) -> dict[str, Any]:
    """An event as the library writes it, its time in Dutch time."""
    return {**dump_event(event, lifecycle), "timestamp": dutch_iso(event.timestamp)}


# -- new ---------------------------------------------------------------------------------


def new(
    name: Annotated[
        str, typer.Option(metavar="TEXT", help="The school's name.", show_default=False)
    ],
    sector: Annotated[
        str, typer.Option(metavar="SECTOR", help="po, vo, so or vso.", show_default=False)
    ],
    board: Annotated[
        str,
        typer.Option(metavar="TEXT", help="The school board (bevoegd gezag).", show_default=False),
    ],
    brin: Annotated[
        str,
        typer.Option(
            metavar="BRIN",
            help="The BRIN of the school location, e.g. 12AB00.",
            show_default=False,
        ),
    ],
    offer: Annotated[
        str,
        typer.Option(
            metavar="OFFER",
            help="The offer's id (see `trajectory catalog`).",
            show_default=False,
        ),
    ],
    school_year: Annotated[
        str,
        typer.Option(
            "--school-year",
            metavar="YEAR",
            help="The school year, e.g. 2024-2025.",
            show_default=False,
        ),
    ],
    catalog: CatalogOption = None,
    actor: ActorOption = None,
    at: AtOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a leertraject and print its id.

    The school asked the expert school for an orientation talk: the trajectory starts in
    orientation_requested, with the rules of its school year. The store is created when
    there is none."""
    from trajectory.ontwikkelkracht.lifecycle import new_trajectory
    from trajectory.ontwikkelkracht.school import School

    moment = parse_moment(at)
    school = School(name=name, sector=sector, board=board, brin=brin)
    trajectory = new_trajectory(
        school=school,
        offer=offer,
        school_year=school_year,
        offers=the_catalog(catalog),
        clock=clock_at(moment),
        actor=actor,
    )
    with open_the_store(db, create=True) as store:
        store.save(trajectory)
    if as_json:
        print_json({"id": trajectory.id, "state": trajectory.state})
    else:
        typer.echo(trajectory.id)


# -- fire --------------------------------------------------------------------------------


def _pairs(data: Sequence[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in data:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            fail("data.pair", value=item)
        if key in fields:
            fail("data.twice", key=key)
        fields[key] = value
    return fields


def _json_kind(document: Any) -> str:
    """What a JSON document is, as JSON names it: ``array``, ``string``, ``number`` …"""
    if isinstance(document, list):
        return "array"
    if isinstance(document, str):
        return "string"
    if isinstance(document, bool):
        return "boolean"
    if document is None:
        return "null"
    return "number"


def read_json_file(path: Path) -> Mapping[str, Any]:
    """The JSON object in the file at ``path``, read strictly (no NaN, no key twice,
    numbers with a fraction as exact decimals), or a one-line error."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        fail("json_file.unreadable", path=path, reason=err.strerror or err)
    except UnicodeDecodeError as err:
        fail("json_file.not_json", path=path, reason=err)
    try:
        document = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=no_constant,
            object_pairs_hook=no_duplicates,
        )
    except RecursionError:
        fail("json_file.too_deep", path=path)
    except ValueError as err:  # json.JSONDecodeError is a ValueError
        fail("json_file.not_json", path=path, reason=err)
    if not isinstance(document, dict):
        fail("json_file.not_object", path=path, kind=_json_kind(document))
    return document


def _known_event(lifecycle: Lifecycle[Any], event: str) -> None:
    if event in lifecycle.events:
        return
    close = difflib.get_close_matches(event, list(lifecycle.events), n=1)
    hint = message("event.did_you_mean", close=close[0]) if close else ""
    fail("event.unknown", event=event, hint=hint)


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
            "(dates such as 2024-10-01, choices such as teacher). "
            "`trajectory fields EVENT` lists the fields.",
            show_default=False,
        ),
    ] = None,
    json_file: Annotated[
        Path | None,
        typer.Option(
            "--json-file",
            metavar="PATH",
            help="The payload as a JSON object in a file (instead of --data), read "
            "strictly: every value of the type its field takes.",
            show_default=False,
        ),
    ] = None,
    actor: ActorOption = None,
    at: AtOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fire an event on a trajectory and save it.

    All or nothing: a refused event prints every violation, on one line, and changes
    nothing; with --json its violations are also printed as JSON on stdout."""
    moment = parse_moment(at)
    if data and json_file is not None:
        fail("payload.both")
    with open_the_store(db, clock_at(moment)) as store:
        trajectory = store.load(trajectory_id)
        lifecycle = trajectory.lifecycle
        _known_event(lifecycle, event)
        if json_file is not None:
            payload = load_payload(read_json_file(json_file), lifecycle, event)
        else:
            payload = parse_payload(_pairs(data or []), lifecycle, event)
        last = trajectory.last_event.timestamp
        if moment is not None and moment < last:
            refuse("at.before_last", moment=moment, last=last)
        try:
            recorded = trajectory.fire(event, actor=actor, **_fields(payload))
        except PreconditionFailed as err:
            if as_json:  # the violations for a script, on stdout; the one line on stderr
                print_json(
                    {
                        "refused": event,
                        "state": err.state,
                        "violations": [violation_document(v, language()) for v in err.violations],
                    }
                )
            raise
        store.save(trajectory)
    if as_json:
        print_json(event_document(recorded, lifecycle))
    else:
        say(
            f"{recorded.name}: ",
            state_text(lifecycle, recorded.from_state, lang),
            " → ",
            state_text(lifecycle, recorded.to_state, lang),
            f"  (version {recorded.sequence})",
        )


# -- erase-participant -------------------------------------------------------------------


def erase_participant(
    trajectory_id: IdArgument,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The participant's name.")],
    lang: LangOption = DEFAULT_LANGUAGE,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Erase a participant's personal data (AVG/GDPR); prints the pseudonym.

    Every occurrence of the name in the stored trajectory, its history included,
    becomes one pseudonym."""
    with open_the_store(db) as store:
        pseudonym = store.erase_participant(trajectory_id, name)
    if as_json:
        print_json({"id": trajectory_id, "pseudonym": pseudonym})
    else:
        typer.echo(pseudonym)
