"""Generate the command line reference, ``docs/reference/cli.md``, from the typer app.

Every command's usage, summary, arguments and options are read from
:data:`trajectory.cli.app`, and so are the exit codes (the epilog of ``--help``); the
introduction and the examples per command live here (:data:`EXAMPLES`), and a
command without examples makes the script fail, so a new command cannot be left out
silently::

    python docs/generate_cli_reference.py          # rewrite the file
    python docs/generate_cli_reference.py --check  # exit 1 when the file is out of step

The check compares meaning, not bytes: :func:`reference_of_page` reads the committed
page back into its commands, their arguments and options with their values,
defaults and help texts, the exit codes, the introduction and the examples (white
space folded), and :func:`reference_of_app` reads the same from the app itself. So a
change of an option, a help text or a command puts the page out of step, and a
change in how a dependency lays out help does not. ``tests/test_cli_reference.py``
runs the check.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import typer

from trajectory.cli import app

TARGET: Final = Path(__file__).parent / "reference" / "cli.md"

INTRODUCTION: Final = """\
# Reference: the command line

This page is generated from the command line itself by
`python docs/generate_cli_reference.py`; `tests/test_cli_reference.py` fails when what
it says differs from what the command line does. The Python API is in the
[reference](../reference.md).

`trajectory` runs leertrajecten from a shell: start one (`new`), fire its events
(`fire`, with `fields` to list what an event takes), read it (`show`, `history`,
`list`), and read the rules, the catalog and the lifecycle's diagram. What holds for
every command:

- **The store.** Trajectories are kept in the embedded SQLite store: the file named by
  `$TRAJECTORY_DB`, else `trajectory.db` in the user data directory. `--db` names
  another SQLite file or a store URL (`sqlite:///relative/path.db`,
  `sqlite:////absolute/path.db`, `postgresql://…`). Only `new` and `demo` create a
  store where there is none; every other command opens an existing store, and on a
  mistyped `--db` exits with code 1 and creates nothing.
- **JSON for scripts.** Every command that reads prints JSON with `--json`: the same
  documents as the library's JSON (`trajectory.engine.serialization`), amounts as text.
- **Dutch time.** Times are shown in Dutch time (Europe/Amsterdam) by every command:
  `2024-10-01 14:30` in text, ISO 8601 with the offset (`+02:00` in summer, `+01:00`
  in winter) in JSON. `--at` takes Dutch time unless an offset is given.
- **Messages in Dutch or English.** `--lang nl` (the default) or `--lang en` chooses
  the language of the violation messages, the state labels and the error messages:
  the command line's own, and the library's errors that carry their parts (an unknown
  trajectory, an event not allowed now, a refused event, a conflicting save). The
  reasons of invalid input and of store failures, and the option parser's usage
  errors, stay in English.
- **One-line errors and exit codes.** An error prints one line on stderr, `error: …`,
  and changes nothing; a refused event prints every violation on that line. The exit
  code says what happened (see [Exit codes](#exit-codes)).
- **Terminal.** Tables take the terminal's width (a row becomes a block of lines
  where a table would not fit); `error:` and the states are coloured on a terminal
  that supports it, never in a file or a pipe, and not when `NO_COLOR` is set.
- **Payloads.** `fire` takes the event's payload as `--data key=value` options, or as
  a JSON object with `--json-file`. A `--data` value is read as JSON when it is JSON
  (`12`, `160.5`, `["Anna", "Bram"]`) and as text otherwise (`2024-10-01`,
  `teacher`); a text field (a report, a name) keeps what you typed. The JSON file is
  read strictly: every value of the type its field takes (no `null` for text, no key
  twice, no `NaN`). `trajectory fields EVENT` lists an event's fields, and so does
  the [generated reference](generated.md).
- **After the fact.** `new` and `fire` take `--at WHEN` to record what happened
  earlier: an ISO date-time (Dutch time unless an offset is given) or a date (noon).
  A moment before the trajectory's last event is refused.
- `trajectory --verbose COMMAND` also prints the structlog entry of every event;
  `trajectory --version` prints the version.

A whole leertraject, from the shell:

```console
$ ID=$(trajectory new --name "OBS De Linde" --sector po --board "Stichting Primair" \\
      --brin 12AB00 --offer leven-lang-lezen --school-year 2024-2025 --at 2024-04-15T09:00)
$ trajectory fire $ID hold_orientation --at 2024-04-18 -d date=2024-04-18 \\
      -d learning_question="Hoe lezen al onze leerlingen met plezier?" \\
      -d conclusion=positive -d report="Het traject past bij de leervraag."
$ trajectory fire $ID register --at 2024-04-19
$ trajectory show $ID --lang en        # what still blocks submit_application
$ trajectory fields add_participant    # what add_participant takes
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
    "fields": (
        "trajectory fields",
        "trajectory fields log_hours",
        "trajectory fields plan_calendar --json",
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
    "simulate-round": (
        "trajectory simulate-round --boards 60 --seed 7",
        "trajectory simulate-round --boards 40 --seed 1 --ceiling 424000 --json",
    ),
    "serve": (
        "trajectory serve",
        "trajectory serve --host 0.0.0.0 --port 8080 --workers 4 "
        "--db postgresql://trajectory@db/trajectory",
        "trajectory serve --open --port 8080",
    ),
    "create-key": (
        'trajectory create-key --role office --name "Programme office"',
        'trajectory create-key --role board --scope "Stichting Primair" --name "Primair admin"',
        'trajectory create-key --role expert_school --scope "Expertschool Lezen" '
        '--name "Lezen" --json',
    ),
    "revoke-key": ("trajectory revoke-key 3f9a0c1b2d4e",),
    "list-keys": ("trajectory list-keys", "trajectory list-keys --json"),
    "deliver-webhooks": (
        "trajectory deliver-webhooks --base-url https://office.example",
        "trajectory deliver-webhooks --base-url https://office.example --once",
    ),
    "list-dead-letters": (
        "trajectory list-dead-letters",
        "trajectory list-dead-letters --webhook wh_0123 --json",
    ),
    "replay-dead-letter": ("trajectory replay-dead-letter dl_0123",),
}

_EXIT_CODES: Final = "Exit codes"
_TABLE_HEAD: Final = ("| argument or option | value | default | meaning |", "|---|---|---|---|")

Param = tuple[tuple[str, ...], str, str, str]
"""An argument or option: its names, its value, its default and its meaning."""


def _words(text: str) -> str:
    """``text`` with its white space folded: what it says, not how it is laid out."""
    return " ".join(text.split())


# -- the meaning of the reference, from the app ------------------------------------------


def _names(param: Any) -> tuple[str, ...]:
    if param.param_type_name == "argument":
        return (param.metavar or param.name.upper(),)
    return (*param.opts, *param.secondary_opts)


def _value(param: Any) -> str:
    if getattr(param, "is_flag", False) or param.param_type_name == "argument":
        return ""
    return str(param.metavar or "TEXT")


def _default(param: Any) -> str:
    if param.required:
        return "required"
    if getattr(param, "is_flag", False) or not param.show_default or param.default is None:
        return ""
    return str(param.default)


def _param(param: Any) -> Param:
    meaning = _words(param.help or "")
    if param.multiple:
        meaning += " Repeatable."
    return (_names(param), _value(param), _default(param), meaning)


def _usage(name: str, command: Any) -> str:
    if not name:
        return "trajectory [OPTIONS] COMMAND [ARGS]..."
    pieces = [f"trajectory {name}"]
    if any(param.param_type_name == "option" for param in command.params):
        pieces.append("[OPTIONS]")
    pieces += [
        param.metavar or param.name.upper()
        for param in command.params
        if param.param_type_name == "argument"
    ]
    return " ".join(pieces)


def _command(name: str, command: Any) -> dict[str, Any]:
    summary, _, details = (command.help or "").partition("\n\n")
    return {
        "summary": _words(summary),
        "details": _words(details),
        "usage": _usage(name, command),
        "params": [_param(param) for param in command.params],
        "examples": list(EXAMPLES.get(name, ())),
    }


def _first_sentence(text: str) -> str:
    return _words(text).split(".")[0] + "."


def reference_of_app(typer_app: typer.Typer = app) -> dict[str, Any]:
    """What the reference must say: read from the app (and this script's introduction
    and examples)."""
    group: Any = typer.main.get_command(typer_app)
    names = list(group.commands)
    return {
        "introduction": _words(INTRODUCTION),
        "exit codes": _words(group.epilog or ""),
        "index": [(name, _first_sentence(group.commands[name].help or "")) for name in names],
        "commands": {
            "": _command("", group),
            **{name: _command(name, group.commands[name]) for name in names},
        },
    }


# -- the page, from the meaning ----------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _section(name: str, meaning: Mapping[str, Any]) -> list[str]:
    lines = [f"## `{'trajectory ' + name if name else 'trajectory'}`", "", meaning["summary"], ""]
    if meaning["details"]:
        lines += [meaning["details"], ""]
    lines += ["```console", meaning["usage"], "```", ""]
    if meaning["params"]:
        lines += list(_TABLE_HEAD)
        for names, value, default, text in meaning["params"]:
            shown_names = ", ".join(f"`{n}`" for n in names)
            shown_value = f"`{value}`" if value else ""
            shown_default = default if default in ("", "required") else f"`{default}`"
            lines.append(f"| {shown_names} | {shown_value} | {shown_default} | {_cell(text)} |")
        lines.append("")
    if meaning["examples"]:
        lines += ["```console", *meaning["examples"], "```", ""]
    return lines


def render() -> str:
    """The whole page, from the app as it is now."""
    reference = reference_of_app()
    commands = reference["commands"]
    missing = [name for name in commands if name and name not in EXAMPLES]
    if missing:
        raise SystemExit(f"generate_cli_reference.py: add examples for the command {missing[0]!r}")
    unknown = sorted(set(EXAMPLES) - set(commands))
    if unknown:
        raise SystemExit(f"generate_cli_reference.py: examples for no command: {unknown}")
    lines = [INTRODUCTION, f"## {_EXIT_CODES}", "", reference["exit codes"], "", "## Commands", ""]
    lines += [f"- [`{name}`](#trajectory-{name}): {first}" for name, first in reference["index"]]
    lines.append("")
    for name, meaning in commands.items():
        lines += _section(name, meaning)
    return "\n".join(lines).rstrip("\n") + "\n"


# -- the meaning of the reference, from the page -----------------------------------------

_HEADING: Final = re.compile(r"^## (.+)$", re.MULTILINE)
_COMMAND_HEADING: Final = re.compile(r"`trajectory(?: (?P<name>[\w-]+))?`")
_INDEX_ENTRY: Final = re.compile(r"^- \[`(?P<name>[\w-]+)`\]\(#trajectory-[\w-]+\): (?P<first>.*)$")
_CELL_BORDER: Final = re.compile(r"(?<!\\)\|")


def _code_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def _list_items(text: str) -> list[str]:
    """The items of a Markdown list, each on one line (its continuation lines joined)."""
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif items and line.strip():
            items[-1] += " " + line.strip()
    return items


def _unquoted(cell: str) -> str:
    return cell.strip().strip("`")


def _page_param(row: str) -> Param:
    cells = [cell.strip() for cell in _CELL_BORDER.split(row.strip())[1:-1]]
    if len(cells) != 4:
        raise ValueError(f"a row of four cells was expected, got {row!r}")
    names, value, default, meaning = cells
    return (
        tuple(_unquoted(name) for name in names.split(",")),
        _unquoted(value),
        _unquoted(default),
        _words(meaning.replace("\\|", "|")),
    )


def _page_command(body: str) -> dict[str, Any]:
    before_usage = body.split("```", 1)[0]
    paragraphs = [_words(p) for p in re.split(r"\n\s*\n", before_usage) if p.strip()]
    blocks = _code_blocks(body)
    rows = [line for line in body.splitlines() if line.startswith("|")]
    return {
        "summary": paragraphs[0] if paragraphs else "",
        "details": " ".join(paragraphs[1:]),
        "usage": _words(" ".join(blocks[0])) if blocks else "",
        "params": [_page_param(row) for row in rows[2:]],
        "examples": [line.strip() for line in blocks[1]] if len(blocks) > 1 else [],
    }


def reference_of_page(text: str) -> dict[str, Any]:
    """What the page says, read back into the shape of :func:`reference_of_app`."""
    headings = list(_HEADING.finditer(text))
    first = headings[0].start() if headings else len(text)
    sections = [
        (heading.group(1).strip(), text[heading.end() : following])
        for heading, following in zip(
            headings, [h.start() for h in headings[1:]] + [len(text)], strict=True
        )
    ]
    reference: dict[str, Any] = {
        "introduction": _words(text[:first]),
        "exit codes": "",
        "index": [],
        "commands": {},
    }
    for title, body in sections:
        command = _COMMAND_HEADING.fullmatch(title)
        if title == _EXIT_CODES:
            reference["exit codes"] = _words(body)
        elif title == "Commands":
            reference["index"] = [
                (found.group("name"), _words(found.group("first")))
                for found in map(_INDEX_ENTRY.match, _list_items(body))
                if found is not None
            ]
        elif command is not None:
            reference["commands"][command.group("name") or ""] = _page_command(body)
    return reference


def differences(wanted: Mapping[str, Any], found: Mapping[str, Any]) -> list[str]:
    """What the page (``found``) says otherwise than the app (``wanted``), one line each."""
    lines = [
        f"{part}: the page differs"
        for part in ("introduction", "exit codes", "index")
        if wanted[part] != found[part]
    ]
    commands, written = wanted["commands"], found["commands"]
    lines += [f"command {name!r}: not on the page" for name in commands if name not in written]
    lines += [f"command {name!r}: on the page only" for name in written if name not in commands]
    for name in commands.keys() & written.keys():
        for part, value in commands[name].items():
            if value == written[name][part]:
                continue
            if part != "params":
                lines.append(f"command {name!r}: its {part} differs")
                continue
            page = {params[0]: params for params in written[name][part]}
            app_side = {params[0]: params for params in value}
            before = len(lines)
            lines += [
                f"command {name!r}: {n} is not on the page" for n in app_side.keys() - page.keys()
            ]
            lines += [
                f"command {name!r}: {n} is on the page only" for n in page.keys() - app_side.keys()
            ]
            lines += [
                f"command {name!r}: {n} differs"
                for n in app_side.keys() & page.keys()
                if app_side[n] != page[n]
            ]
            if len(lines) == before:  # the same ones, in another order
                lines.append(f"command {name!r}: its arguments and options are in another order")
    return sorted(set(lines))


def main(argv: Sequence[str]) -> int:
    """Rewrite the page; with ``--check``, only say whether it is in step (exit 1 when not)."""
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        found = differences(reference_of_app(), reference_of_page(current))
        for line in found:
            print(f"{TARGET.name}: {line}")
        if found:
            print(f"{TARGET} is out of step; run: python docs/{Path(__file__).name}")
        return 1 if found else 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
