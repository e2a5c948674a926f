"""Reading messages as a person would: what a figure looks like in a message, and the
code identifiers that must not appear inside a sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from trajectory.engine.violations import Violation
from trajectory.engine.wording import PLAIN, Figure, Wording, occurrences

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
    if isinstance(value, list | tuple):  # a list counted: shown where its text has '#'
        if all("#" not in said for _, said in figure.choices):
            return []
        return [str(item) for item in value]
    exact = dict(figure.choices).get(f"={value}")
    if exact is not None:
        return [exact.replace("#", wording.format(value, "number", lang)).strip()]
    return [wording.format(value, "number", lang)]


def shown_figures(violation: Violation, lang: str) -> list[str]:
    """How each figure of ``violation`` shows in its message in ``lang``."""
    wording = violation.wording or violation.type.wording or PLAIN
    found: list[str] = []
    for figure in occurrences(violation.type.template(lang)):
        found += _parts(wording, figure, violation.details[figure.name], lang)
    return found


# -- figures made from a template's specs ---------------------------------------------

#: A representative value of each figure type.
SAMPLE_TEXT: Final = "Anna de Vries"
SAMPLE_DATE: Final = dt.date(2024, 4, 25)
SAMPLE_MOMENT: Final = dt.datetime(2024, 4, 25, 14, 0, tzinfo=dt.UTC)
SAMPLE_AMOUNT: Final = Decimal("21200")
SAMPLE_NUMBER: Final = Decimal("7.5")
COUNTS: Final = (0, 1, 2, 12)


def _merged(templates: Iterable[str]) -> dict[str, list[Figure]]:
    """The figures of every template by name (a figure may be declared differently in
    each language: a plural in one, a number in the other)."""
    found: dict[str, list[Figure]] = {}
    for template in templates:
        for figure in occurrences(template):
            found.setdefault(figure.name, []).append(figure)
    return found


def _values(figure: Figure, values_of: Callable[[str], Sequence[str]]) -> list[Any]:
    """Representative values of one figure: every labelled value of its kind, each
    count in COUNTS, one value of its type otherwise (lists of two, or of as many as
    counted; periods as pairs)."""
    if figure.kind is not None:
        single: list[Any] = list(values_of(figure.kind))
    elif figure.type == "plural":
        return [*COUNTS, *([SAMPLE_TEXT, "Bram Jansen"][:n] for n in (1, 2))]
    elif figure.type == "date":
        single = [SAMPLE_DATE]
    elif figure.type == "datetime":
        single = [SAMPLE_MOMENT]
    elif figure.currency is not None:
        single = [SAMPLE_AMOUNT, Decimal("1234.5")]
    elif figure.type == "number":
        single = [SAMPLE_NUMBER, 1, 1200]
    else:
        single = [SAMPLE_TEXT]
    if figure.period:
        single = [(item, item) for item in single] + single
    if figure.many:
        return [single[:2] if len(single) > 1 else single * 2, single[:1], []]
    return single


def renderings(
    templates: Sequence[str], values_of: Callable[[str], Sequence[str]]
) -> Iterator[dict[str, Any]]:
    """Figures for ``templates`` (one message in every language): a base of the first
    value of every figure, then each figure through all its values, the others as in
    the base."""
    merged = _merged(templates)
    choices: dict[str, list[Any]] = {}
    for name, declared in merged.items():
        values: list[Any] = []
        for figure in declared:
            values += [value for value in _values(figure, values_of) if value not in values]
        choices[name] = values
    base = {name: values[0] for name, values in choices.items()}
    yield base
    for name, values in choices.items():
        for value in values[1:]:
            yield {**base, name: value}


def problems(
    templates: Mapping[str, str],
    wording: Wording,
    values_of: Callable[[str], Sequence[str]],
) -> list[str]:
    """Every message (lang → template) rendered with the figures of
    :func:`renderings`, and what reads as code in them."""
    found: list[str] = []
    for details in renderings(list(templates.values()), values_of):
        for lang, template in templates.items():
            message = wording.render(template, details, lang)
            found += [f"[{lang}] {message!r}: {problem}" for problem in identifiers(message)]
    return found
