"""Applications for tests: a board's application, with its locations, in any state.

:func:`make_application` gives a :class:`MadeApplication`: the
:class:`~trajectory.Office` it was made with (on its store and clock) and the
:class:`~trajectory.office.Application` as it stands, so a test can go on from there
with the same Office::

    >>> from structlog.testing import capture_logs
    >>> with capture_logs():
    ...     made = make_application("received", locations=2, seed=1)
    ...     made.application.state, len(made.application.locations)
    ('received', 2)
    >>> [made.store.load(found).state for found in made.application.locations]
    ['application_submitted', 'application_submitted']

Each location is a leertraject that a
:class:`~trajectory.ontwikkelkracht.walker.Walker` took as far as its application
(:func:`prepare_location`); the talk with the programme office is recorded on the
application, for every location.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Final

import attrs

from trajectory.engine.errors import InvalidData, wrong_type
from trajectory.engine.fields import describe
from trajectory.engine.history import ManualClock
from trajectory.ontwikkelkracht.school import NETHERLANDS, School, SchoolYear
from trajectory.ontwikkelkracht.walker import Walker, example_school
from trajectory.store.base import Store

if TYPE_CHECKING:
    from trajectory.office.office import Application, Office

__all__ = [
    "APPLICATION_STATES",
    "DEFAULT_ROUND",
    "MadeApplication",
    "make_application",
    "prepare_location",
]

#: The round applications are made in by default.
DEFAULT_ROUND: Final = "2024-2025/main"
#: The states :func:`make_application` makes an application in.
APPLICATION_STATES: Final = (
    "in_preparation",
    "received",
    "incomplete",
    "not_considered",
    "decided",
    "objection_lodged",
    "objection_decided",
    "withdrawn",
)
#: The most locations :func:`make_application` makes for one application.
MAX_LOCATIONS: Final = 50

#: The path to each state: the Office's steps after the application is made.
_PATHS: Final = {
    "in_preparation": (),
    "received": ("submit",),
    "incomplete": ("submit", "request_completion"),
    "not_considered": ("submit", "request_completion", "not_consider"),
    "decided": ("submit", "decide"),
    "objection_lodged": ("submit", "decide", "lodge_objection"),
    "objection_decided": ("submit", "decide", "lodge_objection", "decide_objection"),
    "withdrawn": ("submit", "withdraw"),
}


@attrs.frozen
class MadeApplication:
    """What :func:`make_application` made: the ``office`` (with its ``store`` and
    ``clock``) and the ``application`` as it stood when it was made.

    ``application`` is a snapshot; :meth:`current` reads it again from the store.
    """

    office: Office
    application: Application
    clock: ManualClock

    @property
    def store(self) -> Store:
        """The Office's store."""
        return self.office.store

    @property
    def id(self) -> str:
        """The application's id."""
        return self.application.id

    def current(self) -> Application:
        """The application as the store holds it now."""
        return self.office.application(self.id)


def prepare_location(
    store: Store,
    school: School,
    *,
    seed: int = 0,
    school_year: str | SchoolYear = "2024-2025",
    id: str | None = None,
) -> str:
    """A leertraject of ``school`` that a walker took as far as its application
    (orientation talk held, participants and hours gathered, the activity plan
    written), saved in ``store``; its id. The talk with the programme office is left
    to the application."""
    if not isinstance(store, Store):
        raise wrong_type("store", "a Store", store)
    if not isinstance(school, School):
        raise wrong_type("school", "a School", school)
    walker = Walker.start(seed=seed, school=school, school_year=school_year, id=id)
    walker.walk_to("application_in_preparation")
    walker.complete_application()
    store.save(walker.trajectory)
    return walker.trajectory.id


def make_application(
    state: str = "in_preparation",
    *,
    locations: int = 2,
    seed: int = 0,
    store: Store | None = None,
    clock: ManualClock | None = None,
    round: str = DEFAULT_ROUND,
    rejected: int = 0,
    upheld: bool = False,
) -> MadeApplication:
    """A board's application for ``locations`` locations in ``round``, taken to
    ``state`` (one of :data:`APPLICATION_STATES`) by the Office's own steps.

    ``store`` defaults to a new in-memory store, ``clock`` to a
    :class:`~trajectory.ManualClock` an hour after the round's window opens (the moment
    of receipt); the steps after the receipt move it on (the completion request a day
    later, the decision three weeks later, the objection a week after the decision).
    ``seed`` makes the board, the schools and the participants repeat. ``rejected``
    locations (the last ones) are rejected at the decision, the others granted;
    ``upheld`` decides the objection (upheld: the rejected locations are granted, if
    the ceiling allows).

    Returns a :class:`MadeApplication`: the Office and the application together.
    Bad input raises :class:`~trajectory.InvalidData`; a step the round's ledger
    refuses (a ceiling already used up in ``store``) raises
    :class:`~trajectory.PreconditionFailed`.
    """
    from trajectory.office.office import Office
    from trajectory.ontwikkelkracht.bootstrap import programme
    from trajectory.ontwikkelkracht.rules import rules_for

    if state not in _PATHS:
        raise InvalidData(
            "state", f"expected one of {', '.join(APPLICATION_STATES)}, got {describe(state)}"
        )
    if isinstance(locations, bool) or not isinstance(locations, int):
        raise wrong_type("locations", "a whole number", locations)
    if not 1 <= locations <= MAX_LOCATIONS:
        raise InvalidData(
            "locations", f"expected from 1 to {MAX_LOCATIONS} locations, got {locations}"
        )
    if (
        isinstance(rejected, bool)
        or not isinstance(rejected, int)
        or not 0 <= rejected <= locations
    ):
        raise InvalidData(
            "rejected", f"expected from 0 to {locations} locations, got {describe(rejected)}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise wrong_type("seed", "a whole number", seed)
    if not isinstance(upheld, bool):
        raise wrong_type("upheld", "True or False", upheld)
    if upheld and not rejected and state == "objection_decided":
        raise InvalidData(
            "upheld", "an upheld objection grants rejected locations: give rejected=1 or more"
        )
    if clock is not None and not isinstance(clock, ManualClock):
        raise wrong_type("clock", "a ManualClock", clock)
    if store is not None and not isinstance(store, Store):
        raise wrong_type("store", "a Store", store)
    chosen = programme().round(round)
    moment = clock or ManualClock(chosen.opens + dt.timedelta(hours=1))
    if store is None:
        from trajectory._stores import open_store

        store = open_store("memory://", clock=moment)
    rng = random.Random(seed)
    board = example_school(rng).board
    ids = []
    for _ in range(locations):
        found = example_school(rng)
        school = School(name=found.name, sector="po", board=board, brin=found.brin)
        ids.append(
            prepare_location(
                store, school, seed=rng.getrandbits(32), school_year=chosen.school_year
            )
        )
    lottery = random.Random(rng.getrandbits(64))
    office = Office(store, clock=moment, seeds=lambda: lottery.getrandbits(63))
    made = office.new_application(board=board, round=chosen.id, locations=ids)
    today = moment().astimezone(NETHERLANDS).date()
    for kinds in rules_for(chosen.school_year).required_talks:
        made = office.record_talk(made.id, kind=kinds[0], date=today)
    for step in _PATHS[state]:
        if step == "submit":
            made = office.submit(made.id)
        elif step == "request_completion":
            moment.advance(days=1)
            made = office.request_completion(made.id)
        elif step == "not_consider":
            deadline = made.data.completions[-1].deadline
            _move_to(moment, deadline + dt.timedelta(days=1))
            made = office.not_consider(made.id)
        elif step == "decide":
            moment.advance(weeks=3)
            if rejected == locations:
                made = office.reject(made.id, reason="Rejected for the test.")
            else:
                refused = dict.fromkeys(made.locations[locations - rejected :], "For the test.")
                made = office.grant(made.id, rejected=refused)
        elif step == "lodge_objection":
            moment.advance(weeks=1)
            made = office.lodge_objection(made.id, grounds="Objected to for the test.")
        elif step == "decide_objection":
            moment.advance(weeks=2)
            made = office.decide_objection(made.id, upheld=upheld, reason="Decided for the test.")
        else:  # withdraw
            moment.advance(days=1)
            made = office.withdraw(made.id, reason="Withdrawn for the test.")
    return MadeApplication(office, made, moment)


def _move_to(clock: ManualClock, day: dt.date) -> None:
    target = dt.datetime.combine(day, dt.time(10, 0), tzinfo=NETHERLANDS)
    if target > clock():
        clock.set(target)
