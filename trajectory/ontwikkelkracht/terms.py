"""The terms of the General Administrative Law Act (Algemene wet bestuursrecht, Awb)
that a round's decisions run on, as pure functions.

Moments are timezone-aware datetimes (a :class:`datetime.date` is taken as the day
itself); days are counted in the Netherlands' time zone (Europe/Amsterdam), so a
moment of 23:30 UTC on 30 June is 1 July. Every function gives the **last day** of
the term: an act on that day is in time.

- :func:`completion_deadline`: Awb 4:5 lets the funder give an incomplete
  application a term to be completed; the regulation sets it at most 2 weeks (the
  round's ``completion_days``). The term runs from the day of the request.
- :func:`decision_due`: Awb 4:13 (the decision within the term the regulation sets:
  13 weeks from receipt, the round's ``decision_weeks``) and Awb 4:15 (the term is
  suspended from the day after the day the applicant was asked to complete the
  application until the day it is completed, or the term to complete it passed
  unused).
- :func:`objection_deadline`: Awb 6:7 (the objection term is 6 weeks, the round's
  ``objection_weeks``) and Awb 6:8 (it starts the day after the decision is
  announced).

- :func:`settlement_request_deadline`: the last day to file a settlement request
  (aanvraag tot vaststelling): the rules' ``settlement_request_weeks`` after the end
  of the school year (an assumption: the regulation names no term).

Not applied: the Algemene termijnenwet, which moves the end of a statutory term that
falls on a Saturday, Sunday or public holiday to the next working day.

The example of a round of 2024-2025 (13 weeks to decide, 14 days to complete, 6
weeks to object)::

    >>> import datetime as dt
    >>> from trajectory.ontwikkelkracht.school import NETHERLANDS
    >>> received = dt.datetime(2024, 6, 20, 11, 0, tzinfo=NETHERLANDS)
    >>> requested = dt.datetime(2024, 7, 1, 10, 0, tzinfo=NETHERLANDS)
    >>> completed = dt.datetime(2024, 7, 8, 15, 0, tzinfo=NETHERLANDS)
    >>> completion_deadline(requested, days=14)
    datetime.date(2024, 7, 15)
    >>> decision_due(received, weeks=13)
    datetime.date(2024, 9, 19)
    >>> decision_due(received, weeks=13, suspended=[(requested, completed)])  # 2-7 July
    datetime.date(2024, 9, 25)
    >>> decision_due(received, weeks=13, suspended=[(requested, None)]) is None
    True
    >>> objection_deadline(dt.datetime(2024, 9, 25, 9, 0, tzinfo=NETHERLANDS), weeks=6)
    datetime.date(2024, 11, 6)
    >>> settlement_request_deadline(dt.date(2025, 7, 31), weeks=22)
    datetime.date(2026, 1, 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe
from trajectory.ontwikkelkracht.school import NETHERLANDS

__all__ = [
    "Suspension",
    "advance_of",
    "completion_deadline",
    "decision_due",
    "objection_deadline",
    "settlement_request_deadline",
    "suspended_days",
]

#: The longest term accepted: ten years, in days.
MAX_DAYS: Final = 3_660
_ONE_DAY: Final = dt.timedelta(days=1)
_CENT: Final = Decimal("0.01")

#: A suspension: from the moment the applicant was asked to complete the application,
#: until the moment it was completed (or the term to complete it passed), ``None``
#: while it is still suspended.
Suspension = tuple["dt.datetime | dt.date", "dt.datetime | dt.date | None"]


def _day(value: object, field: str) -> dt.date:
    """The day of ``value`` in the Netherlands: an aware datetime's date there, or a date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise InvalidData(
                field, f"expected a timezone-aware datetime, got the naive {describe(value)}"
            )
        return value.astimezone(NETHERLANDS).date()
    if isinstance(value, dt.date):
        return value
    raise InvalidData(field, f"expected a datetime or a date, got {describe(value)}")


def _count(value: object, field: str, unit: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidData(
            field, f"expected a whole number of {unit} from 1 to {maximum}, got {describe(value)}"
        )
    return value


def completion_deadline(requested: dt.datetime | dt.date, *, days: int) -> dt.date:
    """The last day to complete an application that was asked to be completed at
    ``requested`` (Awb 4:5): the day of the request plus ``days``.

    ``days`` is the round's ``completion_days`` (at most 14 under the regulation; any
    positive number up to ten years is accepted here).
    """
    start = _day(requested, "requested")
    return start + dt.timedelta(days=_count(days, "days", "days", MAX_DAYS))


def _periods(suspended: object) -> list[tuple[dt.date, dt.date | None]]:
    if isinstance(suspended, str | bytes) or not isinstance(suspended, Iterable):
        raise InvalidData("suspended", f"expected a list of periods, got {describe(suspended)}")
    periods: list[tuple[dt.date, dt.date | None]] = []
    for index, period in enumerate(suspended):
        where = f"suspended[{index}]"
        if not isinstance(period, tuple | list) or len(period) != 2:
            raise InvalidData(where, f"expected a pair (from, until), got {describe(period)}")
        start, end = period
        first = _day(start, f"{where}[0]")
        last = None if end is None else _day(end, f"{where}[1]")
        if last is not None and last < first:
            raise InvalidData(
                f"{where}[1]",
                f"a suspension ends on or after the day it starts ({first}), got {last}",
            )
        periods.append((first, last))
    return periods


def suspended_days(suspended: Iterable[Suspension]) -> frozenset[dt.date] | None:
    """The days on which a decision term is suspended (Awb 4:15): for each period, the
    days after the day of the request up to, not including, the day it was completed;
    overlapping periods count a day once. ``None`` while a period is still open
    (its end is ``None``): the days are not known yet."""
    days: set[dt.date] = set()
    for first, last in _periods(suspended):
        if last is None:
            return None
        day = first + _ONE_DAY
        while day < last:
            days.add(day)
            day += _ONE_DAY
    return frozenset(days)


def decision_due(
    received: dt.datetime | dt.date,
    *,
    weeks: int,
    suspended: Iterable[Suspension] = (),
) -> dt.date | None:
    """The last day to decide on an application received at ``received`` (Awb 4:13):
    the day of receipt plus ``weeks``, extended by every day of ``suspended`` that
    falls within the term as it runs (Awb 4:15: from the day after the request to
    complete until the day the application is completed).

    ``suspended`` holds (from, until) pairs of moments; an ``until`` of ``None`` means
    the application is still being completed: the term is suspended and its end is
    not known, so the result is ``None`` (no decision is due yet). A suspension that
    starts after the term ran out does not revive it. Bad input (a naive datetime, a
    period ending before it starts, a term that is not a positive whole number)
    raises :class:`~trajectory.InvalidData` naming it.
    """
    start = _day(received, "received")
    term = _count(weeks, "weeks", "weeks", MAX_DAYS // 7)
    days = suspended_days(suspended)
    if days is None:
        return None
    due = start + dt.timedelta(weeks=term)
    for day in sorted(days):
        if start < day <= due:
            due += _ONE_DAY
    return due


def objection_deadline(decided: dt.datetime | dt.date, *, weeks: int) -> dt.date:
    """The last day to lodge an objection to a decision announced at ``decided``
    (Awb 6:7, 6:8): the term of ``weeks`` starts the day after the announcement, so
    it ends ``weeks`` after the day of the announcement."""
    start = _day(decided, "decided")
    return start + dt.timedelta(weeks=_count(weeks, "weeks", "weeks", MAX_DAYS // 7))


def settlement_request_deadline(year_end: dt.date, *, weeks: int) -> dt.date:
    """The last day to file a settlement request (aanvraag tot vaststelling): ``weeks``
    after ``year_end``, the last day of the school year (an assumption, the rules'
    ``settlement_request_weeks``)."""
    if not isinstance(year_end, dt.date) or isinstance(year_end, dt.datetime):
        raise InvalidData("year_end", f"expected a date, got {describe(year_end)}")
    return year_end + dt.timedelta(weeks=_count(weeks, "weeks", "weeks", MAX_DAYS // 7))


def advance_of(amount: Decimal, share: Decimal) -> Decimal:
    """The advance (voorschot) paid on ``amount`` at the grant: ``share`` of it, to the
    cent (half a cent up)."""
    return (amount * share).quantize(_CENT, ROUND_HALF_UP)
