"""Generate the command line reference, ``docs/reference/cli.md``, from the typer app.

Every command's usage, summary, arguments and options are read from
:data:`trajectory.cli.app`; the examples per command live here (:data:`EXAMPLES`),
and a command without examples makes the script fail, so a new command cannot be
left out silently::

    python docs/generate_cli_reference.py          # rewrite the file
    python docs/generate_cli_reference.py --check  # exit 1 when the file is out of step

``tests/test_docs.py`` renders the page in memory and fails when the file differs.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import typer
from _in_step import write_or_check

from trajectory.cli import app

TARGET: Final = Path(__file__).parent / "reference" / "cli.md"

INTRODUCTION: Final = """\
# Reference: the command line

This page is generated from the command line itself by
`python docs/generate_cli_reference.py`; `tests/test_docs.py` fails when it is out of
step. The Python API is in the [reference](../reference.md).

`trajectory` runs leertrajecten from a shell: start one (`new`), fire its events
(`fire`), read it (`show`, `history`, `list`), and read the rules, the catalog and the
lifecycle's diagram. What holds for every command:

- **The store.** Trajectories are kept in the embedded SQLite store: the file named by
  `$TRAJECTORY_DB`, else `trajectory.db` in the user data directory. `--db` names
  another SQLite file or a store URL (`sqlite:///path.db`, `postgresql://…`).
- **JSON for scripts.** Every command that reads prints JSON with `--json`: the same
  documents as the library's JSON (`trajectory.engine.serialization`), amounts as text.
- **Messages in Dutch or English.** `--lang nl` (the default) or `--lang en` chooses
  the language of the violation messages and state labels.
- **One-line errors.** Bad input (an unknown id, a mistyped event, a payload value that
  does not fit, an unknown field, school year or offer) prints one line on stderr,
  `error: …`, and exits with code 2; nothing is changed. A refused event prints every
  violation on that line.
- **Payloads.** `fire` takes the event's payload as `--data key=value` options (or a
  JSON object with `--json-file`). A value is read as JSON when it is JSON (`12`,
  `160.5`, `["Anna", "Bram"]`) and as text otherwise (`2024-10-01`, `teacher`); a text
  field (a report, a name) keeps what you typed. The
  [generated reference](generated.md) lists every event's payload fields.
- **After the fact.** `new` and `fire` take `--at WHEN` to record what happened
  earlier: an ISO date-time (Dutch time unless an offset is given) or a date (noon).
  A moment before the trajectory's last event is refused.
- `trajectory --verbose COMMAND` also prints the structlog entry of every event.

A whole leertraject, from the shell:

```console
$ ID=$(trajectory new --name "OBS De Linde" --sector po --board "Stichting Primair" \\
      --brin 12AB00 --offer leven-lang-lezen --school-year 2024-2025 --at 2024-04-15T09:00)
$ trajectory fire $ID hold_orientation --at 2024-04-18 -d date=2024-04-18 \\
      -d learning_question="Hoe lezen al onze leerlingen met plezier?" \\
      -d conclusion=positive -d report="Het traject past bij de leervraag."
$ trajectory fire $ID register --at 2024-04-19
$ trajectory show $ID --lang en        # what still blocks submit_application
$ trajectory fire $ID add_participant -d name="Anna de Vries" -d role=teacher \\
      -d planned_hours=180 --at 2024-04-22
$ …
$ trajectory fire $ID settle --at 2025-08-30
$ trajectory history $ID --json > history.json
```
"""

#: Examples per command (shell lines; ``$ID`` is a trajectory's id).
EXAMPLES: Final[Mapping[str, tuple[str, ...]]] = {
    "new": (
        'trajectory new --name "OBS De Linde" --sector po --board "Stichting Primair" '
        "--brin 12AB00 --offer leven-lang-lezen --school-year 2024-2025",
        "trajectory new … --at 2024-04-15T09:00 --actor secretariaat --json",
    ),
    "show": (
        "trajectory show $ID",
        "trajectory show $ID --lang en --json",
    ),
    "fire": (
        "trajectory fire $ID register",
        'trajectory fire $ID log_hours -d participant="Anna de Vries" -d date=2024-10-01 '
        "-d hours=3.5",
        'trajectory fire $ID form_core_group -d members=\'["Daan Visser", "Anna de Vries"]\'',
        "trajectory fire $ID plan_calendar --json-file calendar.json --actor expertschool",
        "trajectory fire $ID hold_study_moment -d date=2024-11-04 -d form=own_school "
        "--at 2024-11-04T15:30",
    ),
    "list": (
        "trajectory list",
        "trajectory list --state in_progress --school-year 2024-2025 --json",
        "trajectory list --blocked",
    ),
    "history": (
        "trajectory history $ID",
        "trajectory history $ID --json > history.json",
    ),
    "erase-participant": ('trajectory erase-participant $ID "Anna de Vries"',),
    "rules": (
        "trajectory rules",
        "trajectory rules 2024-2025 --json",
    ),
    "catalog": (
        "trajectory catalog",
        "trajectory catalog --school-year 2024-2025 --json",
    ),
    "diagram": (
        "trajectory diagram > leertraject.mmd",
        "trajectory diagram --format dot | dot -Tsvg > leertraject.svg",
        "trajectory diagram --counts-from-db",
    ),
    "demo": (
        "trajectory demo",
        "trajectory demo --lang en --db demo.db",
    ),
    "simulate": (
        "trajectory simulate --schools 1000 --seed 7",
        "trajectory simulate --schools 200 --seed 1 --budget 2120000 --json",
    ),
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _value(param: Any) -> str:
    if getattr(param, "is_flag", False) or param.param_type_name == "argument":
        return ""
    return f"`{param.metavar or 'TEXT'}`"


def _default(param: Any) -> str:
    if param.required:
        return "required"
    if getattr(param, "is_flag", False) or not param.show_default or param.default is None:
        return ""
    return f"`{param.default}`"


def _names(param: Any) -> str:
    if param.param_type_name == "argument":
        return f"`{param.metavar or param.name.upper()}`"
    return ", ".join(f"`{name}`" for name in (*param.opts, *param.secondary_opts))


def _usage(name: str, command: Any) -> str:
    pieces = [f"trajectory {name}"]
    if any(param.param_type_name == "option" for param in command.params):
        pieces.append("[OPTIONS]")
    pieces += [
        param.metavar or param.name.upper()
        for param in command.params
        if param.param_type_name == "argument"
    ]
    return " ".join(pieces)


def _command(name: str, command: Any) -> list[str]:
    if name not in EXAMPLES:
        raise SystemExit(f"generate_cli_reference.py: add examples for the command {name!r}")
    summary, _, details = (command.help or "").partition("\n\n")
    lines = [f"## `trajectory {name}`", "", _cell(summary), ""]
    if details.strip():
        lines += [_cell(details), ""]
    lines += ["```console", _usage(name, command), "```", ""]
    if command.params:
        lines += ["| argument or option | value | default | meaning |", "|---|---|---|---|"]
        for param in command.params:
            meaning = _cell(param.help or "")
            if param.multiple:
                meaning += " Repeatable."
            lines.append(f"| {_names(param)} | {_value(param)} | {_default(param)} | {meaning} |")
        lines.append("")
    lines += ["```console", *EXAMPLES[name], "```", ""]
    return lines


def render() -> str:
    """The whole page, from the app as it is now."""
    group: Any = typer.main.get_command(app)
    names = list(group.commands)
    unknown = sorted(set(EXAMPLES) - set(names))
    if unknown:
        raise SystemExit(f"generate_cli_reference.py: examples for no command: {unknown}")
    lines = [INTRODUCTION, "## Commands", ""]
    lines += [
        f"- [`{name}`](#trajectory-{name}): {_cell(group.commands[name].help or '').split('.')[0]}."
        for name in names
    ]
    lines.append("")
    for name in names:
        lines += _command(name, group.commands[name])
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    return write_or_check(TARGET, current, render(), argv, script=Path(__file__).name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
