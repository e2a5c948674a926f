"""Rounds (aanvraagtijdvakken) as data, and the lottery that orders applications
received at the same moment.

A :class:`Round` is one application window of a school year's scheme with what the
funder decides it by: its budget ceiling (subsidieplafond, EUR), the decision term
(13 weeks), the completion term (at most 2 weeks), the objection term (6 weeks, Awb
6:7), whether an application that had to be completed counts from the moment it was
complete, and what counts as "received at the same moment" for the lottery. The
rounds of a school year are in its rules file (``[[rounds]]``, see
``docs/how-to/school-year-rules.md``)::

    >>> from trajectory.ontwikkelkracht import rules_for
    >>> main = rules_for("2024-2025").round("2024-2025/main")
    >>> main.label, main.ceiling, main.ceiling_confirmed
    ('aanvraagtijdvak 2024/2025', Decimal('2120000.00'), False)
    >>> main.decision_weeks, main.completion_days, main.objection_weeks
    (13, 14, 6)

A figure that was not found in the published regulation is named in the round's
``assumed`` (the ceiling has its own flag, ``ceiling_confirmed``), and ``source``
says where each comes from.

The lottery (loting) is reproducible: the same candidates and the same seed give
the same order, whatever order the candidates are given in::

    >>> draw_lots(["b", "a", "c"], seed=7) == draw_lots(["c", "b", "a"], seed=7)
    True
    >>> sorted(draw_lots(["b", "a", "c"], seed=7))
    ['a', 'b', 'c']
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import (
    Identifier,
    Line,
    Text,
    aware_datetime,
    boolean,
    check_aware,
    check_identifier,
    decimal_amount,
    describe,
    line,
    text,
    whole_number,
)
from trajectory.ontwikkelkracht.school import SchoolYear

__all__ = [
    "FIGURES",
    "MAX_CEILING",
    "Round",
    "check_round_id",
    "draw_lots",
    "new_seed",
]

#: The highest budget ceiling accepted (EUR): far above any scheme's, against typos.
MAX_CEILING: Final = Decimal(10_000_000_000)
#: The longest term accepted, in days and in weeks (ten years).
MAX_TERM_DAYS: Final = 3_660
MAX_TERM_WEEKS: Final = 520
#: The longest part of a round id after its school year.
MAX_ROUND_NAME: Final = 40

#: The figures of a round that ``assumed`` may name.
FIGURES: Final = frozenset(
    {
        "opens",
        "closes",
        "decision_weeks",
        "completion_days",
        "objection_weeks",
        "receipt_from_completion",
        "same_moment",
    }
)

_ROUND_ID: Final = re.compile(r"(\d{4}-\d{4})/([a-z0-9]+(?:-[a-z0-9]+)*)")
_SAME_MOMENT: Final = ("moment", "day")


def check_round_id(value: object, field: str = "id") -> str:
    """``value`` if it is a round id, ``"<school year>/<name>"`` with a name of lower-case
    letters, digits and single hyphens (``"2024-2025/expert-schools"``), else
    :class:`InvalidData`."""
    checked = check_identifier(value, field)
    found = _ROUND_ID.fullmatch(checked)
    if found is None or len(found.group(2)) > MAX_ROUND_NAME:
        raise InvalidData(
            field,
            "expected a round id such as '2024-2025/main' (a school year, '/', and a name "
            f"of at most {MAX_ROUND_NAME} lower-case letters, digits and hyphens), "
            f"got {checked!r}",
        )
    SchoolYear.parse(found.group(1))  # a school year that exists
    return checked


def _round_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_round_id(value, attribute.name)


def _year_of_id(round_id: str) -> SchoolYear:
    return SchoolYear.parse(round_id.split("/", 1)[0])


def _school_year(value: object) -> SchoolYear:
    return SchoolYear.parse(value)


def _same_moment(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in _SAME_MOMENT:
        raise InvalidData(attribute.name, f"expected 'moment' or 'day', got {describe(value)}")


def _assumed(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of figures, got {describe(value)}")
    names = list(value)
    for index, name in enumerate(names):
        if name not in FIGURES:
            raise InvalidData(
                f"{field.name}[{index}]",
                f"expected one of {', '.join(sorted(FIGURES))}, got {describe(name)}",
            )
    return tuple(sorted(set(names)))


@attrs.frozen(kw_only=True, cache_hash=True)
class Round:
    """One round (aanvraagtijdvak) of a school year's scheme: its window, budget
    ceiling and terms.

    ``opens`` and ``closes`` are timezone-aware; a moment is inside the window from
    ``opens`` up to and including ``closes`` (:meth:`accepts`), as
    :class:`~trajectory.ontwikkelkracht.ApplicationWindow` judges it. ``ceiling`` is
    the budget ceiling in euro, ``None`` when it is not known (a ledger then commits
    without limit). The id begins with ``school_year`` (in a rules file, a round's
    school year may be left out: it is the file's). The terms default to the
    regulation's: 13 weeks to decide, at most 14 days to complete, 6 weeks to object.

    ``receipt_from_completion`` (*assumption*): an application that had to be
    completed counts, for the order of receipt, from the moment it was complete.
    ``same_moment``: applications received at the same ``"moment"``, or on the same
    ``"day"``, are ordered by lot when the budget does not cover them all.
    ``assumed`` names the other figures that are assumptions rather than taken from
    the regulation (the ceiling has its own flag, ``ceiling_confirmed``).
    """

    id: Identifier = attrs.field(validator=_round_id)
    school_year: SchoolYear = attrs.field(converter=_school_year)
    label: Line = attrs.field(default="", validator=line)
    opens: dt.datetime = attrs.field(validator=aware_datetime)
    closes: dt.datetime = attrs.field(validator=aware_datetime)
    ceiling: Decimal | None = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0),
            maximum=MAX_CEILING,
            unit="euro",
            strict_minimum=True,
            allow_none=True,
        ),
    )
    ceiling_confirmed: bool = attrs.field(default=False, validator=boolean)
    source: Text = attrs.field(default="", validator=text)
    decision_weeks: int = attrs.field(default=13, validator=whole_number(1, MAX_TERM_WEEKS))
    completion_days: int = attrs.field(default=14, validator=whole_number(1, MAX_TERM_DAYS))
    objection_weeks: int = attrs.field(default=6, validator=whole_number(1, MAX_TERM_WEEKS))
    receipt_from_completion: bool = attrs.field(default=True, validator=boolean)
    same_moment: Literal["moment", "day"] = attrs.field(default="day", validator=_same_moment)
    assumed: tuple[str, ...] = attrs.field(
        default=(),
        converter=attrs.Converter(_assumed, takes_field=True),  # type: ignore[misc]
    )

    def __attrs_post_init__(self) -> None:
        if _year_of_id(self.id) != self.school_year:
            raise InvalidData(
                "id",
                f"the round {self.id!r} is named for another school year than its own "
                f"({self.school_year})",
            )
        if self.closes <= self.opens:
            raise InvalidData(
                "closes", f"a round closes after it opens ({self.opens} – {self.closes})"
            )
        if self.ceiling is None and self.ceiling_confirmed:
            raise InvalidData("ceiling_confirmed", "an unknown ceiling cannot be confirmed")

    def accepts(self, moment: dt.datetime) -> bool:
        """Whether an application received at ``moment`` (timezone-aware) is inside the
        window: from ``opens`` up to and including ``closes``.

        A moment that is not a timezone-aware datetime raises :class:`InvalidData`.
        """
        check_aware(moment, "moment")
        return self.opens <= moment <= self.closes

    @property
    def confirmed(self) -> bool:
        """Whether every figure of the round is taken from the regulation: a confirmed
        ceiling and no other figure assumed."""
        return self.ceiling_confirmed and not self.assumed


# -- the lottery -------------------------------------------------------------------------

#: The largest seed :func:`new_seed` gives and :func:`draw_lots` accepts (a signed
#: 64-bit whole number, which every client language holds).
MAX_SEED: Final = 2**63 - 1


def check_seed(value: object, field: str = "seed") -> int:
    """``value`` if it is a seed (a whole number from 0 to :data:`MAX_SEED`), else
    :class:`InvalidData`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise InvalidData(
            field, f"expected a whole number from 0 to 2**63 - 1, got {describe(value)}"
        )
    return value


def check_candidates(candidates: object, field: str = "candidates") -> tuple[str, ...]:
    """``candidates`` as a tuple of distinct identifiers, else :class:`InvalidData`."""
    if isinstance(candidates, str | bytes) or not isinstance(candidates, Iterable):
        raise InvalidData(field, f"expected a list of ids, got {describe(candidates)}")
    found = tuple(candidates)
    seen: set[str] = set()
    for index, candidate in enumerate(found):
        check_identifier(candidate, f"{field}[{index}]")
        if candidate in seen:
            raise InvalidData(f"{field}[{index}]", f"{candidate!r} is a candidate twice")
        seen.add(candidate)
    return found


def draw_lots(candidates: Sequence[str], *, seed: int) -> tuple[str, ...]:
    """The ``candidates`` (distinct ids) in the order drawn by lot with ``seed``.

    Reproducible: the same candidates and seed give the same order, whatever order
    the candidates are given in (they are sorted before the draw, and the draw is
    Python's Mersenne Twister seeded with ``seed``, whose output is stable across
    Python versions). A candidate given twice, an id that is not text, or a seed
    that is not a whole number from 0 to 2**63 - 1 raises :class:`InvalidData`.
    """
    found = check_candidates(candidates)
    drawn = sorted(found)
    random.Random(check_seed(seed)).shuffle(drawn)
    return tuple(drawn)


def new_seed() -> int:
    """A new seed for :func:`draw_lots`, unpredictable (from :mod:`secrets`): record
    it with the outcome, so that anyone can draw again and check it."""
    return secrets.randbits(63)
