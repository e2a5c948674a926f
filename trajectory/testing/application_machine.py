"""A Hypothesis state machine for the funder's side: applications on an Office.

:class:`ApplicationMachine` runs an :class:`~trajectory.Office` on an in-memory store
for one round whose ceiling covers a few locations (drawn). Its rules make new
applications of boards with one to three locations (:func:`~trajectory.testing.
strategies.boards`), and submit, ask for completion, complete, leave unconsidered,
grant (some locations rejected, sometimes), reject, object, decide objections and
withdraw them, in any order, while the clock moves on by minutes to weeks. A refused
step must change nothing. After every step it checks:

- **the ceiling holds**: the round's ledger never commits more than its ceiling;
- **the ledger adds up**: what it commits is the sum of the amounts granted to the
  locations, as the decisions stand;
- **locations follow their application**: each location's state is the one its
  application's state (and its own decision) gives;
- **order of receipt**: a grant is never given while an earlier complete application
  of the round is undecided (earlier by the day of receipt; on the same day, by the
  lottery's order).

Run it as a test case::

    from trajectory.testing.application_machine import ApplicationMachine

    TestApplications = ApplicationMachine.TestCase

Subclass it to run another round (``round_id``) or more applications
(``max_applications``), or to add rules and invariants of your own; :meth:`act` is
how every rule reaches the Office.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs

from trajectory.engine.errors import MissingDependency

try:
    from hypothesis import strategies as st
    from hypothesis.stateful import (
        Bundle,
        RuleBasedStateMachine,
        initialize,
        invariant,
        precondition,
        rule,
    )
except ImportError as err:  # an optional dependency: the testing extra installs it
    raise MissingDependency(
        "hypothesis", extra="testing", needed_for="trajectory.testing.application_machine"
    ) from err

from trajectory._stores import open_store
from trajectory.engine.errors import PreconditionFailed, TransitionNotAllowed
from trajectory.engine.history import ManualClock
from trajectory.office.office import Application, Office
from trajectory.ontwikkelkracht.bootstrap import programme
from trajectory.ontwikkelkracht.ledger import open_ledger
from trajectory.ontwikkelkracht.rules import rules_for
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.testing.applications import prepare_location
from trajectory.testing.strategies import BoardDraw, boards

__all__ = ["FOLLOWS", "ApplicationMachine"]

#: The state of a location while its application is in each undecided or final state.
FOLLOWS: Final = {
    "in_preparation": "application_in_preparation",
    "received": "application_submitted",
    "incomplete": "application_incomplete",
    "not_considered": "not_considered",
    "withdrawn": "withdrawn",
}
#: The errors by which the Office refuses a step (and changes nothing).
REFUSALS: Final = (PreconditionFailed, TransitionNotAllowed)


class ApplicationMachine(RuleBasedStateMachine):
    """Random steps of a round's applications on an Office; the invariants of SPEC §7
    checked after each."""

    #: The round the applications are made in.
    round_id: ClassVar[str] = "2024-2025/main"
    #: How many applications a run makes at most.
    max_applications: ClassVar[int] = 5

    applications = Bundle("applications")

    def __init__(self) -> None:
        super().__init__()
        self.round = programme().round(self.round_id)
        self.amount: Decimal = rules_for(self.round.school_year).subsidy_amount
        self.clock = ManualClock(self.round.opens + dt.timedelta(days=1))
        self.store = open_store("memory://", clock=self.clock)
        self.office = Office(self.store, clock=self.clock, seeds=itertools.count(1).__next__)
        self.ceiling = Decimal(0)
        self.made = 0

    def teardown(self) -> None:
        self.store.close()

    # -- the steps -------------------------------------------------------------------------

    def act(self, application: str, step: Callable[[], Any]) -> bool:
        """Take ``step`` on ``application``: whether the Office accepted it. A refusal
        must leave the application, its locations and the ledger as they were."""
        before = self._snapshot(application)
        try:
            step()
        except REFUSALS:
            assert before == self._snapshot(application), "a refused step changed something"
            return False
        return True

    def _snapshot(self, application: str) -> tuple[Any, ...]:
        """What a refusal must leave as it was: the application, its locations and the
        ledger's commitments (a lottery drawn for a refused grant stays: it is saved at
        once, so that every process decides in the order drawn)."""
        found = self.office.application(application)
        ledger = self.office.ledger(self.round.id)
        return (
            found.state,
            found.version,
            tuple(self.store.load(location).version for location in found.locations),
            ledger.commitments,
            ledger.released,
        )

    @initialize(locations=st.integers(1, 5))
    def open_the_ledger(self, locations: int) -> None:
        """The round's ceiling covers ``locations`` locations."""
        self.ceiling = self.amount * locations
        chosen = attrs.evolve(self.round, ceiling=self.ceiling)
        self.store.save(open_ledger(chosen, clock=self.clock))

    @precondition(lambda self: self.made < self.max_applications)
    @rule(target=applications, drawn=boards(max_locations=3))
    def new_application(self, drawn: BoardDraw) -> str:
        """A board's application for its schools, the talk recorded on it."""
        self.made += 1
        ids = [
            prepare_location(
                self.store,
                school,
                seed=self.made * 10 + number,
                school_year=self.round.school_year,
                id=f"location-{self.made}-{number + 1}",
            )
            for number, school in enumerate(drawn.schools)
        ]
        made = self.office.new_application(
            board=drawn.board, round=self.round.id, locations=ids, id=f"application-{self.made}"
        )
        today = self.clock().astimezone(NETHERLANDS).date()
        for kinds in rules_for(self.round.school_year).required_talks:
            self.office.record_talk(made.id, kind=kinds[0], date=today)
        return made.id

    @rule(minutes=st.one_of(st.integers(0, 180), st.integers(0, 60 * 24 * 21)))
    def time_passes(self, minutes: int) -> None:
        """The clock moves on."""
        self.clock.advance(minutes=minutes)

    @rule(application=applications, earlier=st.integers(0, 60 * 12))
    def submit(self, application: str, earlier: int) -> None:
        """Received ``earlier`` minutes before it is recorded (the same day, often)."""
        moment = self.clock() - dt.timedelta(minutes=earlier)
        self.act(application, lambda: self.office.submit(application, received_at=moment))

    @rule(application=applications)
    def request_completion(self, application: str) -> None:
        self.act(application, lambda: self.office.request_completion(application))

    @rule(application=applications)
    def complete(self, application: str) -> None:
        self.act(application, lambda: self.office.complete(application))

    @rule(application=applications)
    def not_consider(self, application: str) -> None:
        self.act(application, lambda: self.office.not_consider(application))

    @rule(application=applications, data=st.data())
    def grant(self, application: str, data: st.DataObject) -> None:
        """Grant, some locations rejected (sometimes); then check the order of receipt."""
        locations = self.office.application(application).locations
        rejected = data.draw(st.lists(st.sampled_from(locations), unique=True), label="rejected")
        if len(rejected) == len(locations):
            rejected = rejected[1:]
        reasons = dict.fromkeys(rejected, "budget.exhausted")
        if self.act(application, lambda: self.office.grant(application, rejected=reasons)):
            self.check_order_of_receipt(application)

    @rule(application=applications)
    def progress(self, application: str) -> None:
        """The application's next step forward: submitted, completed, or (the first
        complete one in order of receipt) granted."""
        found = self.office.application(application)
        if found.state == "in_preparation":
            self.act(application, lambda: self.office.submit(application))
        elif found.state == "incomplete":
            self.act(application, lambda: self.office.complete(application))
        elif found.state == "received":
            first = next(
                one
                for one in self.office.in_order_of_receipt(self.round.id)
                if one.state == "received"
            )
            if self.act(first.id, lambda: self.office.grant(first.id)):
                self.check_order_of_receipt(first.id)

    @rule(application=applications)
    def reject(self, application: str) -> None:
        self.act(application, lambda: self.office.reject(application, reason="Not eligible."))

    @rule(application=applications)
    def lodge_objection(self, application: str) -> None:
        self.act(
            application,
            lambda: self.office.lodge_objection(application, grounds="We disagree."),
        )

    @rule(application=applications, upheld=st.booleans())
    def decide_objection(self, application: str, upheld: bool) -> None:
        self.act(
            application,
            lambda: self.office.decide_objection(application, upheld=upheld, reason="Decided."),
        )

    @rule(application=applications)
    def withdraw(self, application: str) -> None:
        self.act(application, lambda: self.office.withdraw(application, reason="No longer."))

    # -- the checks ---------------------------------------------------------------------------

    def _all(self) -> list[Application]:
        return self.office.applications(self.round.id)

    def check_order_of_receipt(self, granted: str) -> None:
        """No complete, undecided application of the round came in before ``granted``:
        not on an earlier day, nor on the same day ahead of it in the lottery."""
        ledger = self.office.ledger(self.round.id)
        drawn: dict[str, int] = {}
        for lottery in ledger.lotteries:
            for position, candidate in enumerate(lottery.outcome):
                drawn.setdefault(str(candidate), position)
        found = self.office.application(granted)
        assert found.order_moment is not None
        mine = found.order_moment.astimezone(NETHERLANDS).date()
        for other in self._all():
            if other.id == granted or other.state != "received" or other.order_moment is None:
                continue
            theirs = other.order_moment.astimezone(NETHERLANDS).date()
            assert theirs >= mine, f"{granted} was granted before the earlier {other.id}"
            if theirs == mine and other.id in drawn and granted in drawn:
                assert drawn[granted] < drawn[other.id], f"{granted} was granted out of the draw"

    @invariant()
    def the_ceiling_holds(self) -> None:
        """The ledger never commits more than the ceiling."""
        ledger = self.office.ledger(self.round.id)
        assert ledger.ceiling is not None
        assert ledger.committed <= ledger.ceiling

    @invariant()
    def the_ledger_adds_up(self) -> None:
        """What the ledger commits is what the decisions grant the locations."""
        granted = sum(
            (
                decision.amount
                for found in self._all()
                for location in found.locations
                if (decision := found.data.decision(location)) is not None
                and decision.granted
                and decision.amount is not None
            ),
            Decimal(0),
        )
        committed = self.office.ledger(self.round.id).committed
        assert granted == committed, f"{committed} committed, {granted} granted"

    @invariant()
    def locations_follow_their_application(self) -> None:
        """Each location's state is the one its application's state gives."""
        for found in self._all():
            for location in found.locations:
                state = self.store.load(location).state
                if found.state in FOLLOWS:
                    expected = FOLLOWS[found.state]
                else:
                    decision = found.data.decision(location)
                    assert decision is not None
                    expected = "granted" if decision.granted else "rejected"
                assert expected == state, f"{location}: {state}, its application {found.state}"
