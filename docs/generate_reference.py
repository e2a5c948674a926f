"""Generate the reference of the leertraject's states, events and violation codes.

Reads :data:`trajectory.ontwikkelkracht.LIFECYCLE` (its states, its events with
their transitions, guards and payload classes, and its violation registry) and
writes the tables into ``docs/reference/generated.md`` between the markers::

    python docs/generate_reference.py          # rewrite the file
    python docs/generate_reference.py --check  # exit 1 when the file is out of step

``tests/test_docs.py`` runs the same rendering in memory and fails when the
committed file differs, so the reference cannot drift from the code.

One thing cannot be read from the definition at run time, so it lives here: which
violation codes each guard reports (:data:`GUARD_CODES`). The meaning of the
payload fields that have no attribute docstring in
``trajectory/ontwikkelkracht/payloads.py`` is in ``trajectory/cli/_fields.py``
(``FIELD_MEANINGS``), which ``trajectory fields`` shows too. An unknown guard makes
the script fail, so a new guard cannot be left out silently.
"""

from __future__ import annotations

import enum
import sys
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from _in_step import write_or_check

from trajectory.cli._fields import FIELD_MEANINGS, attribute_docstrings
from trajectory.engine.definition import EventDefinition, NoPayload
from trajectory.ontwikkelkracht import LIFECYCLE

TARGET: Final = Path(__file__).parent / "reference" / "generated.md"
BEGIN: Final = "<!-- BEGIN GENERATED: python docs/generate_reference.py -->"
END: Final = "<!-- END GENERATED -->"

TEMPLATE: Final = f"""# Reference: states, events and violation codes

This page is generated from the lifecycle definition
(`trajectory.ontwikkelkracht.LIFECYCLE`) by `python docs/generate_reference.py`;
`tests/test_docs.py` fails when it is out of step with the code. Do not edit the
text between the markers: change the code, or the descriptions in the script, and
run the script again. The rest of the reference is in [reference.md](../reference.md).

{BEGIN}
{END}
"""

_GUARDS: Final = "trajectory.ontwikkelkracht.guards"

#: The violation codes each guard can report, by ``module:qualname``.
GUARD_CODES: Final[Mapping[str, tuple[str, ...]]] = {
    f"{_GUARDS}:{name}": codes
    for name, codes in {
        "orientation_report": ("orientation.report_missing",),
        "not_in_future.<locals>.guard": ("date.in_future",),
        "in_school_year.<locals>.guard": ("date.outside_school_year",),
        "not_before_intake.<locals>.guard": ("date.before_intake",),
        "reason_given.<locals>.guard": ("reason.missing",),
        "orientation_positive": ("orientation.negative",),
        "talks_required": ("talks.required_missing",),
        "activity_plan_complete": ("activity_plan.missing_part",),
        "participants_minimum": ("participants.minimum",),
        "participants_school_leader": ("participants.school_leader",),
        "hours_minimum": ("hours.minimum",),
        "window_open": ("window.closed",),
        "sector_eligible": ("sector.ineligible",),
        "offer_available": ("offer.unavailable",),
        "completion_deadline_valid": ("completion.deadline_invalid",),
        "completion_in_time": ("completion.deadline_passed",),
        "completion_deadline_expired": ("completion.deadline_not_passed",),
        "receipt_not_in_future": ("receipt.in_future",),
        "grant_amount": ("grant.amount_mismatch", "grant.decision_amount_below"),
        "settlement_request_in_time": (
            "settlement_request.ex_officio",
            "settlement_request.late",
        ),
        "settlement_request_filed": ("settlement_request.missing",),
        "core_group_formed": ("core_group.missing", "core_group.school_leader"),
        "core_group_school_leader": ("core_group.school_leader",),
        "calendar_planned": ("calendar.incomplete", "calendar.outside_school_year"),
        "development_plan_complete": ("development_plan.missing_part",),
        "implementation_plan_given": ("implementation_plan.missing",),
        "hours_logged": ("hours.not_logged",),
        "knowledge_shared": ("knowledge_sharing.missing",),
        "participant_is_new": ("participants.duplicate",),
        "participants_known.<locals>.guard": ("participants.unknown",),
        "hours_loggable": ("participants.unknown", "hours.day_maximum"),
    }.items()
}

# -- reading the definition ---------------------------------------------------------------


def guard_codes(guard: Callable[..., Any]) -> tuple[str, ...]:
    """The violation codes ``guard`` reports; fails for a guard not in GUARD_CODES."""
    key = f"{guard.__module__}:{guard.__qualname__}"
    try:
        return GUARD_CODES[key]
    except KeyError:
        raise SystemExit(
            f"generate_reference.py: the guard {key} is not in GUARD_CODES; "
            "add the violation codes it reports"
        ) from None


def rule_codes(event: str) -> list[str]:
    """The violation codes of the repeat and cycle rules on ``event`` (their guards
    run first)."""
    codes = []
    for repeat in LIFECYCLE.repeats:
        if repeat.maximum is not None and repeat.event == event:
            codes.append(repeat.maximum_violation.code)
        if event in repeat.required_by:
            codes.append(repeat.minimum_violation.code)
    for cycle in LIFECYCLE.cycles.values():
        if cycle.maximum is not None and cycle.start == event:
            codes.append(cycle.maximum_violation.code)
    return codes


def event_codes(definition: EventDefinition[Any]) -> tuple[str, ...]:
    """The violation codes of an event's rules and guards, in order, without repeats."""
    codes = (code for guard in definition.guards for code in guard_codes(guard))
    return tuple(dict.fromkeys([*rule_codes(definition.name), *codes]))


def _type_name(cls: type, field: attrs.Attribute[Any], hints: Mapping[str, Any]) -> str:
    # The annotation as written: cattrs may have replaced field.type by the class itself.
    annotation = cls.__annotations__.get(field.name, field.type)
    written = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    shown = str(written).replace("dt.", "datetime.")
    resolved = hints.get(field.name)
    choices = [
        member
        for member in typing.get_args(resolved) or (resolved,)
        if isinstance(member, type) and issubclass(member, enum.Enum)
    ]
    if choices:
        values = ", ".join(f"`{member.value}`" for member in choices[0])
        return f"`{shown}`: {values}"
    return f"`{shown}`"


def _default(field: attrs.Attribute[Any]) -> str:
    if field.default is attrs.NOTHING:
        return "required"
    return f"default `{field.default!r}`"


def _meaning(event: str, field: str, docstrings: Mapping[str, str]) -> str:
    text = docstrings.get(field) or FIELD_MEANINGS.get((event, field), "")
    return text.replace("``", "`")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(f"`{code}`" for code in codes) or "—"


# -- rendering ----------------------------------------------------------------------------


def _routes(definition: EventDefinition[Any]) -> str:
    parts = []
    for transition in definition.transitions:
        sources = ", ".join(f"`{source}`" for source in transition.sources)
        target = "stays (records a fact)" if transition.target is None else f"`{transition.target}`"
        parts.append(f"{sources} → {target}")
    return "; ".join(parts)


def _payload(event: str, payload: type) -> list[str]:
    if payload is NoPayload or not attrs.fields(payload):
        return ["No payload."]
    hints = typing.get_type_hints(payload)
    docstrings = attribute_docstrings(payload)
    rows = [
        (
            f"`{field.name}`",
            _type_name(payload, field, hints),
            _default(field),
            _meaning(event, field.name, docstrings),
        )
        for field in attrs.fields(payload)
        if field.init
    ]
    return _table(("field", "type", "required / default", "meaning"), rows)


def render_states() -> list[str]:
    """The states table."""
    rows = []
    for name, state in LIFECYCLE.states.items():
        kind = "initial" if name == LIFECYCLE.initial else ("final" if state.final else "")
        leaving = ", ".join(f"`{event}`" for event in LIFECYCLE.events_from(name)) or "—"
        rows.append((f"`{name}`", state.labels["nl"], state.labels["en"], kind, leaving))
    return [
        "## States",
        "",
        *_table(("state", "Dutch", "English", "kind", "events that leave it"), rows),
    ]


def render_events() -> list[str]:
    """The summary table of events, then one section per event with its payload."""
    creation = LIFECYCLE.creation
    summary = [
        (
            f"[`{creation.name}`](#{creation.name})",
            f"(nothing) → `{LIFECYCLE.initial}`",
            "—",
        )
    ]
    summary += [
        (f"[`{name}`](#{name})", _routes(definition), _codes(event_codes(definition)))
        for name, definition in LIFECYCLE.events.items()
    ]
    lines = [
        "## Events",
        "",
        "Every event, in definition order. The preconditions are the violation codes its",
        "guards report (each is explained under [violation codes](#violation-codes));",
        "every event is also refused with `transition.not_allowed` outside the states it",
        "leaves.",
        "",
        *_table(("event", "from → to", "preconditions (violation codes)"), summary),
        "",
        "Payload fields are passed to `fire()` and `check()` as keyword arguments. A",
        "`Decimal` field accepts an `int`, a `Decimal`, a `float` or numeric text; an enum",
        "field accepts the member or its value; a `tuple` field accepts any list. A wrong,",
        "missing or unknown field raises `trajectory.InvalidData` naming the field.",
        "",
        f"### {creation.name}",
        "",
        f"{creation.description} Made by `trajectory.new_trajectory()`, not fired.",
        "",
        f"- **from → to**: (nothing) → `{LIFECYCLE.initial}`",
        "",
        *_payload(creation.name, creation.payload),
    ]
    for name, definition in LIFECYCLE.events.items():
        lines += [
            "",
            f"### {name}",
            "",
            definition.description,
            "",
            f"- **from → to**: {_routes(definition)}",
            f"- **preconditions**: {_codes(event_codes(definition))}",
            "",
            *_payload(name, definition.payload),
        ]
    return lines


def render_violations() -> list[str]:
    """The table of every violation code with its Dutch and English template."""
    rows = [
        (f"`{code}`", kind.nl, kind.en, kind.description)
        for code, kind in LIFECYCLE.violations.items()
    ]
    return [
        "## Violation codes",
        "",
        "Every code, with its message templates; the names in braces are the keys of the",
        "violation's `details`, filled in by `Violation.message()`.",
        "",
        *_table(("code", "Dutch (`nl`, default)", "English (`en`)", "when"), rows),
    ]


def render() -> str:
    """The generated text that belongs between the markers."""
    sections = (render_states(), render_events(), render_violations())
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def update(document: str) -> str:
    """``document`` with the text between the markers replaced by :func:`render`."""
    try:
        head, rest = document.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise SystemExit(f"generate_reference.py: the markers are missing in {TARGET}") from None
    return f"{head}{BEGIN}\n\n{render()}\n{END}{tail}"


def main(argv: Sequence[str] = ()) -> int:
    """Rewrite the generated page; with ``--check``, only say whether it is in step."""
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else TEMPLATE
    return write_or_check(TARGET, current, update(current), argv, script=Path(__file__).name)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
