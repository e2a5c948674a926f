"""Reading messages as a person would: what a figure looks like in a message, and the
code identifiers that must not appear inside a sentence."""

from __future__ import annotations

import re
from typing import Any, Final

from trajectory.engine.violations import Violation
from trajectory.engine.wording import PLAIN, Figure, Wording, figures

#: What gives a code away inside a sentence, by name: each pattern finds it.
IDENTIFIER_PATTERNS: Final = {
    "snake_case identifier": re.compile(r"(?<![\w-])[A-Za-z][a-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w-])"),
    "dotted code": re.compile(r"(?<![\w.])[a-z][a-z_]*\.[a-z][a-z_]*(?![\w(])"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "ISO time": re.compile(r"\d{2}:\d{2}:\d{2}|T\d{2}:\d{2}|[+-]\d{2}:\d{2}\b"),
    "Python call or repr": re.compile(
        r"\b(?:Decimal|datetime|date|time|mappingproxy|frozenset|set|dict|tuple|list)\("
        r"|<[\w.]+ object at 0x|\b[A-Z]\w*\(\w+="
    ),
    "Python literal": re.compile(r"(?<![\w`])(?:None|True|False)(?![\w`])|\[['\"]|['\"]\]|\{['\"]"),
    "placeholder": re.compile(r"\{[^}]*\}"),
}

#: Code shown as code (between backticks) is not inside the sentence.
_CODE_SPAN: Final = re.compile(r"`[^`]*`")


def identifiers(text: str) -> list[str]:
    """Every piece of ``text`` (outside backticks) that reads as code, named by its kind."""
    prose = _CODE_SPAN.sub(" ", text)
    return [
        f"{name}: {found.group(0)!r}"
        for name, pattern in IDENTIFIER_PATTERNS.items()
        for found in pattern.finditer(prose)
    ]


def _parts(wording: Wording, figure: Figure, value: Any, lang: str) -> list[str]:
    """What must be seen of ``value`` in a message: the formatted figure; for a count,
    its number (or the text chosen for an exact number); for a list counted, each item."""
    if figure.type != "plural":
        spec = " ".join(
            word
            for word, wanted in (
                (figure.type, figure.type != "text"),
                (figure.kind or "", figure.kind is not None),
                (figure.currency or "", figure.currency is not None),
                ("list", figure.many and not figure.alternatives),
                ("or", figure.alternatives),
                ("period", figure.period),
            )
            if wanted
        )
        return [wording.format(value, spec, lang)]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    exact = dict(figure.choices).get(f"={value}")
    if exact is not None:
        return [exact.replace("#", wording.format(value, "number", lang)).strip()]
    return [wording.format(value, "number", lang)]


def shown_figures(violation: Violation, lang: str) -> list[str]:
    """How each figure of ``violation`` shows in its message in ``lang``."""
    wording = violation.wording or violation.type.wording or PLAIN
    found: list[str] = []
    for name, figure in figures(violation.type.template(lang)).items():
        found += _parts(wording, figure, violation.details[name], lang)
    return found
