"""The Awb terms: completion (4:5), the decision term and its suspension (4:13, 4:15),
the objection term (6:7, 6:8), counted in days in the Netherlands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from trajectory import InvalidData
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.ontwikkelkracht.terms import (
    completion_deadline,
    decision_due,
    objection_deadline,
    suspended_days,
)


def nl(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NETHERLANDS)


RECEIVED = nl(2024, 6, 20, 11)
REQUESTED = nl(2024, 7, 1, 10)
COMPLETED = nl(2024, 7, 8, 15)


def test_completion_deadline_is_the_day_of_the_request_plus_the_term() -> None:
    """Completion requested on 1 July 2024 with 14 days: the last day is 15 July."""
    assert dt.date(2024, 7, 15) == completion_deadline(REQUESTED, days=14)
    assert dt.date(2024, 7, 15) == completion_deadline(dt.date(2024, 7, 1), days=14)


def test_days_are_counted_in_the_netherlands() -> None:
    """A request at 23:30 UTC on 30 June is 1 July in the Netherlands (01:30)."""
    late = dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert dt.date(2024, 7, 15) == completion_deadline(late, days=14)
    assert dt.date(2024, 9, 30) == decision_due(late, weeks=13)


def test_decision_due_without_suspension() -> None:
    """Received 20 June 2024, 13 weeks: due on 19 September 2024."""
    assert dt.date(2024, 9, 19) == decision_due(RECEIVED, weeks=13)


def test_completion_suspends_the_decision_term() -> None:
    """Completion requested 1 July, completed 8 July 2024: the term is suspended from 2
    July up to 8 July (Awb 4:15), 6 days, so the decision is due 6 days later."""
    assert frozenset(dt.date(2024, 7, day) for day in range(2, 8)) == suspended_days(
        [(REQUESTED, COMPLETED)]
    )
    assert dt.date(2024, 9, 25) == decision_due(
        RECEIVED, weeks=13, suspended=[(REQUESTED, COMPLETED)]
    )


def test_an_open_suspension_has_no_due_date() -> None:
    """While the application is still being completed, no decision is due (None)."""
    assert decision_due(RECEIVED, weeks=13, suspended=[(REQUESTED, None)]) is None
    assert suspended_days([(REQUESTED, None)]) is None


def test_overlapping_suspensions_count_a_day_once() -> None:
    """Two periods that overlap suspend each day once."""
    periods = [(REQUESTED, COMPLETED), (nl(2024, 7, 5), nl(2024, 7, 10))]
    assert dt.date(2024, 9, 27) == decision_due(RECEIVED, weeks=13, suspended=periods)


def test_completed_the_next_day_suspends_nothing() -> None:
    """Completed on the day after the request: no day lies between, nothing is suspended."""
    assert dt.date(2024, 9, 19) == decision_due(
        RECEIVED, weeks=13, suspended=[(REQUESTED, nl(2024, 7, 2))]
    )


def test_a_suspension_after_the_term_ran_out_does_not_extend_it() -> None:
    """Days suspended after the last day do not revive the term."""
    after = [(nl(2024, 10, 1), nl(2024, 10, 20))]
    assert dt.date(2024, 9, 19) == decision_due(RECEIVED, weeks=13, suspended=after)


def test_objection_term_starts_the_day_after_the_announcement() -> None:
    """Decision announced 25 September 2024: 6 weeks from 26 September end on 6 November."""
    assert dt.date(2024, 11, 6) == objection_deadline(nl(2024, 9, 25, 9), weeks=6)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: completion_deadline(dt.datetime(2024, 7, 1), days=14), "requested"),
        (lambda: completion_deadline("2024-07-01", days=14), "requested"),
        (lambda: completion_deadline(REQUESTED, days=0), "days"),
        (lambda: completion_deadline(REQUESTED, days=True), "days"),
        (lambda: decision_due(RECEIVED, weeks=-1), "weeks"),
        (
            lambda: decision_due(RECEIVED, weeks=13, suspended=[(COMPLETED, REQUESTED)]),
            "suspended[0][1]",
        ),
        (lambda: decision_due(RECEIVED, weeks=13, suspended=[REQUESTED]), "suspended[0]"),
        (lambda: decision_due(RECEIVED, weeks=13, suspended="x"), "suspended"),
        (
            lambda: decision_due(RECEIVED, weeks=13, suspended=[(None, COMPLETED)]),
            "suspended[0][0]",
        ),
        (lambda: objection_deadline(None, weeks=6), "decided"),
        (lambda: objection_deadline(RECEIVED, weeks=2.0), "weeks"),
    ],
)
def test_bad_input_is_refused(call: Any, field: str) -> None:
    """A naive moment, a term that is no positive whole number, a period that ends
    before it starts: InvalidData naming it."""
    with pytest.raises(InvalidData) as info:
        call()
    assert field == info.value.field
