"""``trajectory fields``: the payload fields an event takes, with their type, whether
they are required, and what they mean.

The meaning of a field is its attribute docstring in the payload class
(``trajectory/ontwikkelkracht/payloads.py``), else :data:`FIELD_MEANINGS`. The
generated reference (``docs/generate_reference.py``) reads the same two.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import enum
import inspect
import re
import textwrap
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Final

import attrs
import typer

from trajectory.cli._common import JsonOption, LangOption, fail, the_programme
from trajectory.cli._messages import DEFAULT_LANGUAGE, message
from trajectory.cli._output import print_json, print_table
from trajectory.engine.definition import Creation, EventDefinition, Lifecycle, NoPayload

__all__ = ["FIELD_MEANINGS", "PayloadField", "attribute_docstrings", "fields", "payload_fields"]

#: Meanings of payload fields without an attribute docstring, by (event, field).
FIELD_MEANINGS: Final[Mapping[tuple[str, str], str]] = {
    ("created", "school"): "The school location (`trajectory.School`).",
    ("created", "offer"): "The offered leertraject, from the catalog (`trajectory.Offer`).",
    ("created", "school_year"): "The school year, such as `2024-2025`.",
    ("created", "rules"): "The rules of that school year (`trajectory.Rules`).",
    ("decline", "reason"): "Why the school does not pursue the trajectory (not blank).",
    ("reject", "reason"): "Why the application is rejected (not blank).",
    ("withdraw", "reason"): "Why the school withdraws or stops (not blank).",
    ("hold_study_moment", "date"): (
        "When the study moment was held: not in the future, inside the school year, "
        "not before the intake."
    ),
    ("hold_study_moment", "topic"): "What the team studied.",
    ("hold_guidance_moment", "date"): (
        "When the guidance moment was held: not in the future, inside the school year, "
        "not before the intake."
    ),
    ("hold_guidance_moment", "notes"): "Notes of the guidance moment.",
    ("hold_closing_talk", "evaluation"): "The evaluation of the trajectory.",
    ("deliver_implementation_plan", "plan"): (
        "How the learning is implemented and secured (geborgd) in the following year "
        "without the expert school (not blank)."
    ),
    ("record_talk", "date"): "When the talk took place (not in the future).",
    ("add_participant", "name"): "The participant's name; unique in the trajectory.",
    ("remove_participant", "name"): "The name of a participant.",
    ("write_activity_plan", "report"): "The report (verslag) of the talk with the expert school.",
    ("write_activity_plan", "willing_and_able"): (
        "How the school is willing and able to take part actively."
    ),
    ("write_activity_plan", "leadership_commitment"): (
        "How school leadership and board are involved and committed."
    ),
    ("write_activity_plan", "team_support"): (
        "The support (draagvlak) in the team to secure the learning."
    ),
    ("form_core_group", "members"): "Names of participants; the core group (kerngroep).",
    ("plan_calendar", "intake"): "The date of the intake talk and work visit.",
    ("plan_calendar", "study_moments"): "The dates of the collective study moments.",
    ("plan_calendar", "guidance_moments"): "The dates of the guidance moments.",
    ("write_development_plan", "guidance"): "How the guidance in the trajectory will look.",
    ("write_development_plan", "needs"): "What the school needs.",
    ("write_development_plan", "core_team"): "Who from the school takes part in the core team.",
    ("write_development_plan", "hours_deployment"): "How the subsidised hours are deployed.",
    ("log_hours", "participant"): "The name of a participant.",
    ("log_hours", "date"): (
        "The day the hours were invested: not in the future, inside the school year."
    ),
    ("record_self_scan", "date"): "The day the school made the self-scan (not in the future).",
}


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstrings written under the fields of an attrs class, by field name."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    if not isinstance(body, ast.ClassDef):
        return {}
    found: dict[str, str] = {}
    for statement, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = " ".join(following.value.value.split())
    return found


@attrs.frozen
class PayloadField:
    """One field of an event's payload, as ``--data`` takes it."""

    name: str
    type: str
    """What the value is, as it is typed: ``text``, ``date (2024-10-01)``, ``one of: …``."""
    required: bool
    default: Any
    """The value when the field is left out (``None`` for a required field)."""
    meaning: str


_PLAIN: Final[Mapping[Any, tuple[str, str]]] = {
    str: ("text", "texts"),
    int: ("whole number", "whole numbers"),
    Decimal: ("number", "numbers"),
    bool: ("true or false", "true or false"),
    dt.date: ("date (2024-10-01)", "dates (2024-10-01)"),
    dt.datetime: ("date-time (2024-10-01T14:30+02:00)", "date-times"),
}


def type_text(kind: Any, *, plural: bool = False) -> str:
    """How a value of type ``kind`` is typed on the command line."""
    if kind in _PLAIN:
        return _PLAIN[kind][1 if plural else 0]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "one of: " + ", ".join(str(member.value) for member in kind)
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        present = [argument for argument in arguments if argument is not type(None)]
        if len(present) == 1:
            return type_text(present[0], plural=plural)
    if origin in (tuple, list, frozenset, set) and arguments:
        return f"list of {type_text(arguments[0], plural=True)} (JSON)"
    if origin is not None and issubclass(origin, Mapping) and len(arguments) == 2:
        return (
            f"object of {type_text(arguments[0], plural=True)} to "
            f"{type_text(arguments[1], plural=True)} (JSON)"
        )
    return getattr(kind, "__name__", str(kind))


def _plain(text: str) -> str:
    """A docstring's text as plain text: ``code`` and :func:`~a.b.name` as `code`."""
    return _ROLE.sub(lambda found: f"`{found.group(1).rpartition('.')[2]}`", text).replace(
        "``", "`"
    )


_ROLE: Final = re.compile(r":[a-z]+:`~?([^`]+)`")


def payload_fields(lifecycle: Lifecycle[Any], event: str) -> list[PayloadField]:
    """The payload fields of ``event`` (the creation included), in order."""
    definition = lifecycle.creation if event == lifecycle.creation.name else lifecycle.events[event]
    payload: type = definition.payload
    if payload is NoPayload or not attrs.has(payload):
        return []
    hints = typing.get_type_hints(payload)
    docstrings = attribute_docstrings(payload)
    return [
        PayloadField(
            name=field.name,
            type=type_text(hints.get(field.name, field.type)),
            required=field.default is attrs.NOTHING,
            default=None if field.default is attrs.NOTHING else field.default,
            meaning=_plain(
                docstrings.get(field.name) or FIELD_MEANINGS.get((event, field.name), "")
            ),
        )
        for field in attrs.fields(payload)
        if field.init
    ]


def _known(lifecycle: Lifecycle[Any], event: str) -> None:
    names = [lifecycle.creation.name, *lifecycle.events]
    if event in names:
        return
    close = difflib.get_close_matches(event, names, n=1)
    hint = message("event.did_you_mean", close=close[0]) if close else ""
    fail("event.unknown", event=event, hint=hint)


def _required(field: PayloadField) -> str:
    if field.required:
        return "required"
    return "optional" if field.default is None else f"default {field.default!r}"


def fields(
    event: Annotated[
        str | None,
        typer.Argument(
            metavar="[EVENT]",
            help="An event, such as log_hours; without one, every event and its fields.",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """List the payload fields of an event: type, required or not, and meaning.

    What `fire ID EVENT --data key=value` takes; without an event, every event with
    what it does and the names of its fields."""
    leertraject = the_programme().leertraject
    if event is None:
        events: list[Creation[Any] | EventDefinition[Any]] = [
            leertraject.creation,
            *leertraject.events.values(),
        ]
        if as_json:
            print_json(
                [
                    {
                        "event": definition.name,
                        "description": definition.description,
                        "fields": [f.name for f in payload_fields(leertraject, definition.name)],
                    }
                    for definition in events
                ]
            )
            return
        print_table(
            ("event", "fields", "what it does"),
            [
                (
                    definition.name,
                    ", ".join(f.name for f in payload_fields(leertraject, definition.name)) or "—",
                    definition.description or "",
                )
                for definition in events
            ],
        )
        return
    _known(leertraject, event)
    found = payload_fields(leertraject, event)
    if as_json:
        print_json(
            {
                "event": event,
                "fields": [
                    {
                        "name": f.name,
                        "type": f.type,
                        "required": f.required,
                        "default": f.default,
                        "meaning": f.meaning,
                    }
                    for f in found
                ],
            }
        )
        return
    if not found:
        typer.echo(f"{event} takes no payload")
        return
    print_table(
        ("field", "type", "required", "meaning"),
        [(field.name, field.type, _required(field), field.meaning) for field in found],
        title=event,
    )
