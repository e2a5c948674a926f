"""How the command line writes: consoles that fit the terminal, colour only where it
is wanted, times in Dutch time, one-line errors and JSON.

Colour: on a terminal that supports it, unless ``NO_COLOR`` is set (any value but
empty); never when the output goes to a file or a pipe (``FORCE_COLOR`` forces it,
as rich reads it). Tables take the terminal's width (``COLUMNS`` overrides it; 80
when there is no terminal).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any, Final

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from trajectory.engine.definition import Lifecycle

#: The styles of what is coloured.
ERROR_STYLE: Final = "bold red"
STATE_STYLE: Final = "cyan"
FINAL_STATE_STYLE: Final = "green"


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr), sized to the terminal, with colour where it is
    wanted. Text is printed as it is: no markup, no emoji codes, no highlighting."""
    return Console(
        stderr=stderr,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        markup=False,
        emoji=False,
        highlight=False,
    )


def say(*parts: str | Text) -> None:
    """Print one line on stdout, made of text and styled pieces; a long line is not
    broken (a terminal wraps it, a file keeps it whole)."""
    console().print(Text.assemble(*parts), soft_wrap=True)


def print_error(message: str) -> None:
    """``error: message`` as one line on stderr (``error:`` in red on a terminal)."""
    line = " ".join(message.split())
    console(stderr=True).print(Text.assemble(("error:", ERROR_STYLE), " ", line), soft_wrap=True)


def _longest_word(cell: str | Text) -> int:
    words = (cell.plain if isinstance(cell, Text) else cell).split()
    return max((len(word) for word in words), default=0)


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[str | Text]], *, title: str | None = None
) -> None:
    """Rows under their headers, as a table that fits the terminal, its cells wrapped
    between words; where a word would have to be broken, each row is printed as a
    block of ``header  value`` lines instead."""
    out = console()
    listed = [list(row) for row in rows]
    widths = [
        max(_longest_word(cell) for cell in (header, *(row[number] for row in listed)))
        for number, header in enumerate(headers)
    ]
    if sum(widths) + 3 * (len(widths) - 1) + 2 <= out.width:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title)
        for header in headers:
            table.add_column(header)
        for row in listed:
            table.add_row(*row)
        out.print(table)
        return
    if title:
        out.print(Text(title), soft_wrap=True)
    for row in listed:
        out.print(Text.assemble(row[0]), soft_wrap=True)
        block = Table.grid(padding=(0, 0, 0, 2), pad_edge=True)
        block.add_column(no_wrap=True)
        block.add_column(overflow="fold")
        for header, value in zip(headers[1:], row[1:], strict=True):
            block.add_row(header, value)
        out.print(block)


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout (dates, amounts and the like as text)."""
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def state_text(lifecycle: Lifecycle[Any], state: str | None, lang: str) -> Text:
    """A state's name with its label in ``lang``, coloured: green when final."""
    if state is None:
        return Text("—")
    found = lifecycle.states.get(state)
    label = found.labels.get(lang) if found is not None else None
    shown = state if not label or label.replace(" ", "_") == state else f"{state} ({label})"
    final = state in lifecycle.final_states
    return Text(shown, style=FINAL_STATE_STYLE if final else STATE_STYLE)


def _dutch(moment: dt.datetime) -> dt.datetime:
    from trajectory.ontwikkelkracht.school import NETHERLANDS

    try:
        return moment.astimezone(NETHERLANDS)
    except OverflowError:  # at the very end or start of time: as it was recorded
        return moment


def dutch_time(moment: dt.datetime) -> str:
    """``moment`` in Dutch time (Europe/Amsterdam) to the minute: ``2024-10-01 14:30``."""
    local = _dutch(moment)
    return f"{local.date().isoformat()} {local.hour:02}:{local.minute:02}"


def dutch_iso(moment: dt.datetime) -> str:
    """``moment`` in Dutch time as ISO 8601 with its offset, for JSON."""
    return _dutch(moment).isoformat()
