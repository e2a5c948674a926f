"""How messages are worded: figures formatted by Babel, labels for identifiers, plurals.

A message template is Python format text whose figures say what they are in their
format spec, so that a figure reads as a person writes it in the message's language::

    >>> from decimal import Decimal
    >>> template = "{count:plural one:# school|other:# schools} asked {amount:EUR}."
    >>> render(template, {"count": 2, "amount": Decimal("21200")}, "en")
    '2 schools asked €21,200.00.'
    >>> print(render("{count:plural one:# school|other:# scholen}", {"count": 1}, "nl"))
    1 school
    >>> render("{amount:EUR}", {"amount": Decimal("21200")}, "nl").replace("\\xa0", " ")
    '€ 21.200,00'

The format spec of a figure is made of words:

- ``date``: a date, ``25 april 2024`` / ``25 April 2024``;
- ``datetime``: a moment, shown in the wording's time zone, ``25 april 2024 om 16:00``
  / ``25 April 2024 at 16:00``;
- ``number``: a number, ``7,5`` / ``7.5``, ``1.200`` / ``1,200``;
- ``EUR`` (any ISO 4217 code): an amount in that currency, ``€ 21.200,00`` /
  ``€21,200.00``;
- ``list``: a list, each item formatted by the other words, ``a, b en c`` /
  ``a, b and c``; ``or``: a list of alternatives, ``a, b of c`` / ``a, b or c``;
- ``period``: a pair (start, end), each formatted by the other words, joined by a
  dash (a single value is shown as it is);
- ``plural ...``: a count (or a list, counting its items) choosing its text by the
  language's plural rules (Babel's CLDR rules), ``plural one:# uur|other:# uur``:
  alternatives separated by ``|``, each ``CATEGORY:text`` (``zero``, ``one``,
  ``two``, ``few``, ``many``, ``other``; ``other`` is required) or ``=N:text`` for
  an exact number; ``#`` is the number, formatted (for a list: the list);
- ``text``: text as it is (the default for a figure without a spec);
- any other name: a label kind; the figure is an identifier (``team_support``) shown
  as its label (``draagvlak in het team``) from the wording's labels.

Python's own format specs (``{amount:,}``) are still understood, as Python formats
them, in no language: prefer the words.

Without a spec, a figure is formatted by its type all the same (a
:class:`~decimal.Decimal` or a number as a number, a date, an aware datetime in the
time zone, a list as a list); the words declare the figure's type for the reader of
the template and for the tests that render every message with figures of that type.

A :class:`Wording` holds what a programme adds: its labels (looked up as
``label(kind, value, lang)``) and its time zone. Babel is imported on first use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import string
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.fields import describe as _shown

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "LANGUAGES",
    "PLURAL_CATEGORIES",
    "RESERVED_WORDS",
    "Figure",
    "LabelLookup",
    "Wording",
    "check_template",
    "figures",
    "occurrences",
    "render",
]

#: The languages every message exists in; Dutch is the default.
LANGUAGES: Final = ("nl", "en")

#: The Babel locale of each language (British English writes ``25 April 2024``).
_LOCALES: Final = {"nl": "nl_NL", "en": "en_GB"}

#: A date and a time of day together (CLDR's "at" form, which Babel does not ship).
_AT: Final = {"nl": "{date} om {time}", "en": "{date} at {time}"}

#: The CLDR plural categories a ``plural`` spec may name.
PLURAL_CATEGORIES: Final = frozenset({"zero", "one", "two", "few", "many", "other"})

#: The words of a format spec that are not label kinds.
RESERVED_WORDS: Final = frozenset(
    {"date", "datetime", "number", "list", "or", "period", "text", "plural"}
)

_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_KIND: Final = re.compile(r"[a-z][a-z0-9_]*")
_EXACT: Final = re.compile(r"=(\d+)")
#: Python's own format spec (``,``, ``.2f`` …), kept for templates written before
#: the words above; it knows no language.
_PYTHON_SPEC: Final = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?\d*[,_]?(?:\.\d+)?[bcdeEfFgGnosxX%]?")

#: Looks up the label of ``value`` of ``kind`` in ``lang``; ``None`` when it has none.
LabelLookup = Callable[[str, str, str], "str | None"]


def _check_lang(lang: str) -> None:
    if lang not in _LOCALES:
        raise InvalidData("lang", f"expected one of {', '.join(LANGUAGES)}, got {_shown(lang)}")


@functools.cache
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(_LOCALES[lang])


@attrs.frozen
class Figure:
    """What a template's figure is, read from its format spec.

    ``kind`` is a label kind (or ``None``), ``currency`` an ISO 4217 code (or
    ``None``), ``type`` one of ``text``, ``date``, ``datetime``, ``number``,
    ``plural``; ``many`` is true for a list (``list`` or ``or``).
    """

    name: str
    type: str = "text"
    kind: str | None = None
    currency: str | None = None
    many: bool = False
    alternatives: bool = False
    period: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    python: str | None = None


@functools.lru_cache(maxsize=1024)
def _figure(name: str, spec: str) -> Figure:
    """The figure ``name`` with format ``spec``; DefinitionError for a spec that is
    not of the language above."""
    if spec.startswith("plural"):
        return Figure(name, "plural", choices=_choices(name, spec[len("plural") :]))
    python = spec and " " not in spec and _PYTHON_SPEC.fullmatch(spec)
    if python and not _KIND.fullmatch(spec) and not _CURRENCY.fullmatch(spec):
        return Figure(name, "python", python=spec)
    kind = currency = None
    figure_type, many, alternatives, period = "text", False, False, False
    for word in spec.split():
        if word == "period":
            period = True
        elif word in ("list", "or"):
            many, alternatives = True, alternatives or word == "or"
        elif word in ("date", "datetime", "number", "text"):
            figure_type = word
        elif _CURRENCY.fullmatch(word):
            figure_type, currency = "number", word
        elif _KIND.fullmatch(word) and word not in RESERVED_WORDS:
            kind = word
        else:
            raise DefinitionError(f"the figure {name!r} has the unknown format word {word!r}")
    return Figure(name, figure_type, kind, currency, many, alternatives, period)


def _choices(name: str, text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for alternative in text.strip().split("|"):
        category, colon, said = alternative.partition(":")
        category = category.strip()
        if not colon or not (category in PLURAL_CATEGORIES or _EXACT.fullmatch(category)):
            raise DefinitionError(
                f"the plural of {name!r} has the alternative {alternative!r}; "
                "expected CATEGORY:text or =N:text"
            )
        found.append((category, said))
    if "other" not in dict(found):
        raise DefinitionError(f"the plural of {name!r} has no 'other' alternative")
    return tuple(found)


def figures(template: str) -> dict[str, Figure]:
    """The figures of ``template`` by name, as their format specs declare them (the
    first occurrence of a name; DefinitionError for a template not well formed)."""
    found: dict[str, Figure] = {}
    for figure in occurrences(template):
        found.setdefault(figure.name, figure)
    return found


def occurrences(template: str) -> list[Figure]:
    """Every figure of ``template`` in order, a name used twice listed twice
    (DefinitionError for a template that is not well formed)."""
    found: list[Figure] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as err:
        raise DefinitionError(f"the message {template!r} is not well formed: {err}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            raise DefinitionError(f"the message {template!r} has the figure {name!r}")
        if conversion is not None:
            raise DefinitionError(
                f"the figure {name!r} has the conversion !{conversion}; "
                "say what it is in its format spec instead"
            )
        found.append(_figure(name, spec or ""))
    return found


def check_template(template: str) -> None:
    """Raise DefinitionError unless ``template`` is a well-formed message template."""
    if not isinstance(template, str):
        raise DefinitionError(f"a message template is text, got {_shown(template)}")
    figures(template)


@attrs.frozen
class Wording:
    """What a programme adds to the wording of its messages: labels and a time zone.

    ``labels`` are looked up in order (the first that knows a label gives it); a
    value without a label is shown as it is, which the tests of a programme's
    messages catch. ``timezone`` is where moments are shown.
    """

    labels: tuple[LabelLookup, ...] = ()
    timezone: dt.tzinfo = dt.UTC

    def label(self, kind: str, value: str, lang: str) -> str:
        """The label of ``value`` of ``kind`` in ``lang``; ``value`` itself when none
        of the lookups has one."""
        for lookup in self.labels:
            found = lookup(kind, value, lang)
            if found is not None:
                return found
        return value

    def then(self, lookup: LabelLookup) -> Wording:
        """This wording with ``lookup`` asked after its own labels."""
        return attrs.evolve(self, labels=(*self.labels, lookup))

    def render(self, template: str, details: Mapping[str, Any], lang: str) -> str:
        """``template`` with ``details`` filled in, in ``lang``."""
        _check_lang(lang)
        return _Formatter(self, lang).vformat(template, (), dict(details))

    def format(self, value: Any, spec: str, lang: str) -> str:
        """One figure: ``value`` formatted by ``spec`` (the words above) in ``lang``."""
        _check_lang(lang)
        return _format(self, _figure("value", spec), value, lang)

    def moment(self, value: dt.datetime, lang: str) -> str:
        """A moment as ``25 april 2024 om 16:00`` in the wording's time zone."""
        return self.format(value, "datetime", lang)

    def amount(self, value: Decimal | int, lang: str, currency: str = "EUR") -> str:
        """An amount of money: ``€ 21.200,00`` / ``€21,200.00``."""
        return self.format(value, currency, lang)

    def number(self, value: Decimal | float, lang: str) -> str:
        """A number: ``7,5`` / ``7.5``."""
        return self.format(value, "number", lang)

    def join(self, items: Iterable[str], lang: str, *, alternatives: bool = False) -> str:
        """Items as a list in ``lang``: ``a, b en c`` (``a, b of c`` for alternatives)."""
        return self.format(list(items), "or" if alternatives else "list", lang)


#: The wording of a message that knows no programme: no labels, times in UTC.
PLAIN: Final = Wording()


def render(
    template: str, details: Mapping[str, Any], lang: str, wording: Wording | None = None
) -> str:
    """``template`` with ``details`` filled in, in ``lang`` (``"nl"`` or ``"en"``),
    by ``wording`` (plain when not given)."""
    return (wording or PLAIN).render(template, details, lang)


class _Formatter(string.Formatter):
    def __init__(self, wording: Wording, lang: str) -> None:
        self.wording = wording
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        return _format(self.wording, _figure("figure", format_spec), value, self.lang)


_SEQUENCES: Final = (list, tuple, set, frozenset)


def _format(wording: Wording, figure: Figure, value: Any, lang: str) -> str:
    if figure.type == "plural" and isinstance(value, _SEQUENCES):
        listed = _format(wording, attrs.evolve(figure, type="text"), value, lang)
        return _plural(figure, len(value), lang, listed)
    if isinstance(value, _SEQUENCES) and not (figure.period and not figure.many):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        if not items:
            return "—"
        from babel.lists import format_list

        shown = [_one(wording, figure, item, lang) for item in items]
        if figure.alternatives:
            return format_list(shown, style="or", locale=_locale(lang))
        return format_list(shown, locale=_locale(lang))
    return _one(wording, figure, value, lang)


def _one(wording: Wording, figure: Figure, value: Any, lang: str) -> str:
    if figure.python is not None:
        return format(value, figure.python)
    if figure.period and isinstance(value, list | tuple) and len(value) == 2:
        each = attrs.evolve(figure, period=False, many=False)
        return f"{_one(wording, each, value[0], lang)} – {_one(wording, each, value[1], lang)}"
    if figure.type == "plural" and _is_number(value):
        return _plural(figure, value, lang)
    if figure.kind is not None and isinstance(value, str):
        return wording.label(figure.kind, value, lang)
    if isinstance(value, dt.datetime):
        return _moment(wording, value, lang)
    if isinstance(value, dt.date):
        from babel.dates import format_date

        return format_date(value, "long", locale=_locale(lang))
    if _is_number(value):
        if figure.currency is not None:
            from babel.numbers import format_currency

            return format_currency(value, figure.currency, locale=_locale(lang))
        return _number(value, lang)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _number(value: float | Decimal, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(lang))


def _moment(wording: Wording, value: dt.datetime, lang: str) -> str:
    from babel.dates import format_date, format_time

    if value.tzinfo is not None:
        with contextlib.suppress(OverflowError):  # at the end of time: as it was given
            value = value.astimezone(wording.timezone)
    locale = _locale(lang)
    day = format_date(value.date(), "long", locale=locale)
    time = format_time(value.time(), "HH:mm", locale=locale)
    return _AT[lang].format(date=day, time=time)


def _plural(figure: Figure, value: float | Decimal, lang: str, shown: str | None = None) -> str:
    number = _number(value, lang) if shown is None else shown
    magnitude: float | Decimal = -value if value < 0 else value
    category = _locale(lang).plural_form(magnitude)
    chosen = None
    for name, said in figure.choices:
        exact = _EXACT.fullmatch(name)
        if exact is not None and value == int(exact.group(1)):
            chosen = said
            break
    if chosen is None:
        choices = dict(figure.choices)
        chosen = choices.get(category, choices["other"])
    return chosen.replace("#", number)
