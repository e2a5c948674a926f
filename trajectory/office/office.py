"""The Office: a round's applications and their locations, moved together.

Every action on an application acts on the application **and its locations** (their
leertrajects) together: every precondition of every one of them is checked first, each
violation carrying the trajectory it belongs to (:attr:`Violation.location
<trajectory.Violation.location>`, ``None`` for the application itself), and then all of
them move and are saved in one unit of work, or none does.

Granting also commits each location's amount on the round's ledger, in the same unit of
work: when another process granted at the same moment, the loser's save fails on the
ledger's version, and the Office loads everything again and checks again, so that two
processes never commit more than the ceiling.

After the grant (SPEC §7.4) the Office files the board's settlement request for every
granted location together (:meth:`Office.request_settlement`), settles them and releases
on the round's ledger what each no longer needs (:meth:`Office.settle`), and stops a
location early with its report of the change (:meth:`Office.stop`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, NamedTuple

import attrs

from trajectory.engine.errors import InvalidData, PreconditionFailed, wrong_type
from trajectory.engine.history import Clock, check_moment, system_clock
from trajectory.engine.runtime import Trajectory
from trajectory.engine.violations import Violation
from trajectory.ontwikkelkracht.application import (
    ApplicationCreated,
    ApplicationData,
    ApplicationLocation,
    LocationDecision,
    Outcome,
)
from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht
from trajectory.ontwikkelkracht.bootstrap import programme as default_programme
from trajectory.ontwikkelkracht.ledger import Ledger, OpenLedger, ledger_id
from trajectory.ontwikkelkracht.lifecycle import AFTER_GRANT
from trajectory.ontwikkelkracht.model import SettlementRoute
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rounds import new_seed
from trajectory.ontwikkelkracht.rules import ApplicationWindow
from trajectory.ontwikkelkracht.school import NETHERLANDS, SchoolYear
from trajectory.ontwikkelkracht.terms import completion_deadline
from trajectory.ontwikkelkracht.violations import (
    ORDER_OF_RECEIPT_EARLIER_PENDING,
    SETTLEMENT_NOTHING_GRANTED,
    STOP_NOT_GRANTED,
)
from trajectory.store.base import Store
from trajectory.store.errors import ConcurrencyConflict, TrajectoryNotFound

__all__ = ["Application", "DueDecision", "Office", "Payment"]

#: How often a decision is tried again after another process saved first.
ATTEMPTS: Final = 8

#: The application's states with a moment that counts for the order of receipt.
_IN_ORDER: Final = ("received", "decided", "objection_lodged", "objection_decided")
#: The states of an application whose decision is still to come.
_UNDECIDED: Final = ("received", "incomplete")
#: The states of a granted location that can be settled.
_SETTLEABLE: Final = ("completed", "stopped")


@attrs.frozen
class Payment:
    """What one granted location of an application is paid: the advance at the grant,
    how it is settled and, once settled, the settled amount and the final payment or the
    repayment (the other 0)."""

    location: str
    """The id of the location's leertraject."""
    state: str
    granted: Decimal
    advance: Decimal
    route: SettlementRoute
    settled: Decimal | None = None
    final_payment: Decimal | None = None
    repayment: Decimal | None = None

    @classmethod
    def of(cls, location: Trajectory[Leertraject]) -> Payment | None:
        """The payment of ``location`` (``None`` where it has no grant)."""
        data = location.data
        grant, route, advance = data.grant, data.settlement_route, data.advance
        if grant is None or route is None or advance is None:
            return None
        settlement = data.settlement
        return cls(
            location=location.id,
            state=location.state,
            granted=grant.amount,
            advance=advance,
            route=route,
            settled=None if settlement is None else settlement.amount_settled,
            final_payment=None if settlement is None else settlement.final_payment,
            repayment=None if settlement is None else settlement.repayment,
        )


@attrs.frozen
class Application:
    """An application as the Office shows it (a snapshot: it does not change)."""

    id: str
    state: str
    board: str
    round: str
    school_year: str
    locations: tuple[str, ...]
    """The ids of the locations' leertrajects."""
    requested: Decimal
    """The fixed amounts of the locations together."""
    received_at: dt.datetime | None
    """The moment of receipt."""
    order_moment: dt.datetime | None
    """The moment that counts for the order of receipt (the receipt, or the completion
    where the round says so)."""
    outcome: Outcome | None
    granted: Decimal
    """The amounts granted, together."""
    decisions: tuple[LocationDecision, ...]
    """The decision per location as it stands (after an upheld objection, the changed one)."""
    data: ApplicationData = attrs.field(repr=False)
    """Everything the application's events recorded."""
    version: int = 0
    payments: tuple[Payment, ...] = ()
    """What each granted location is paid (advance, route, settlement): shown by
    :meth:`Office.application`, by the decisions (``grant``, ``decide_objection``) and by
    the actions after the grant (``request_settlement``, ``settle``, ``stop``); empty in
    a list of applications."""

    @classmethod
    def of(
        cls,
        trajectory: Trajectory[ApplicationData],
        locations: Sequence[Trajectory[Leertraject]] = (),
    ) -> Application:
        """The view of an application trajectory (with the payments of ``locations``,
        its locations' leertrajects, where given)."""
        data = trajectory.data
        decisions = tuple(
            found for location in data.location_ids if (found := data.decision(location))
        )
        return cls(
            id=trajectory.id,
            state=trajectory.state,
            board=data.board,
            round=data.round,
            school_year=str(data.school_year),
            locations=data.location_ids,
            requested=data.requested,
            received_at=data.received_at,
            order_moment=data.order_moment,
            outcome=data.outcome,
            granted=data.granted_amount,
            decisions=decisions if data.decisions else (),
            data=data,
            version=trajectory.version,
            payments=tuple(paid for location in locations if (paid := Payment.of(location))),
        )


@attrs.frozen
class DueDecision:
    """An application whose decision is due: the last day of its decision term (13
    weeks from receipt plus the suspended days) and whether that day has passed."""

    application: Application
    due: dt.date
    overdue: bool
    suspended_days: int


class _Terms(NamedTuple):
    """What the Office reads of a round."""

    id: str
    school_year: SchoolYear
    window: ApplicationWindow
    completion_days: int
    decision_weeks: int
    objection_weeks: int
    receipt_from_completion: bool
    same_moment: str


Action = Callable[[], None]


class Office:
    """The programme office's work on a store: applications, their locations and the
    round's ledger, changed together.

    ``programme`` defaults to the Ontwikkelkracht programme, ``clock`` to the system
    clock (the moment of every event the Office records), ``seeds`` to
    :func:`~trajectory.ontwikkelkracht.rounds.new_seed` (the seed of every lottery it
    draws; a simulation passes its own, to draw the same lotteries again).
    """

    def __init__(
        self,
        store: Store,
        *,
        programme: Ontwikkelkracht | None = None,
        clock: Clock | None = None,
        seeds: Callable[[], int] | None = None,
    ) -> None:
        if not isinstance(store, Store):
            raise wrong_type("store", "a Store", store)
        chosen = default_programme() if programme is None else programme
        if not isinstance(chosen, Ontwikkelkracht) or chosen.application is None:
            raise wrong_type("programme", "the Ontwikkelkracht programme", chosen)
        if clock is not None and not callable(clock):
            raise wrong_type("clock", "a callable returning a timezone-aware datetime", clock)
        self.store = store
        self.programme = chosen
        self.clock: Clock = system_clock if clock is None else clock
        if seeds is not None and not callable(seeds):
            raise wrong_type("seeds", "a callable returning a lottery's seed", seeds)
        self.seeds: Callable[[], int] = new_seed if seeds is None else seeds

    # -- reading -------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return check_moment(self.clock(), "clock")

    def _today(self) -> dt.date:
        return self._now().astimezone(NETHERLANDS).date()

    def _own(self, trajectory: Trajectory[Any]) -> Trajectory[Any]:
        """``trajectory`` on the Office's clock (the moment of what it records)."""
        return trajectory.with_clock(self.clock)

    def _load(self, trajectory_id: object, lifecycle: str, what: str) -> Trajectory[Any]:
        if not isinstance(trajectory_id, str) or not trajectory_id.strip():
            raise wrong_type(what, f"the id of a {what.replace('_', ' ')}", trajectory_id)
        try:
            found = self.store.load(trajectory_id)
        except TrajectoryNotFound:
            raise InvalidData(what, f"no {what.replace('_', ' ')} {trajectory_id!r}") from None
        if found.lifecycle.name != lifecycle:
            raise InvalidData(
                what, f"{trajectory_id!r} is a {found.lifecycle.name}, not a {lifecycle}"
            )
        return self._own(found)

    def _application(self, application_id: object) -> Trajectory[ApplicationData]:
        return self._load(application_id, self._application_lifecycle.name, "application")

    @property
    def _application_lifecycle(self) -> Any:
        return self.programme.application

    def _locations(self, application: Trajectory[ApplicationData]) -> list[Trajectory[Leertraject]]:
        return [
            self._load(location, self.programme.leertraject.name, "location")
            for location in application.data.location_ids
        ]

    def application(self, application_id: str) -> Application:
        """The application with ``application_id``, with the payments of its granted
        locations; :class:`InvalidData` if there is none."""
        application = self._application(application_id)
        return Application.of(application, self._locations(application))

    def applications(self, round_id: str | None = None) -> list[Application]:
        """The applications in the store (of ``round_id``, if given)."""
        return [Application.of(found) for found in self._applications_of(round_id)]

    def _applications_of(self, round_id: str | None) -> list[Trajectory[ApplicationData]]:
        summaries = self.store.list(lifecycle=self._application_lifecycle.name, round=round_id)
        return [self._own(self.store.load(summary.id)) for summary in summaries]

    # -- the round -------------------------------------------------------------------------

    def _terms(self, round_id: object) -> _Terms:
        if not isinstance(round_id, str) or not round_id.strip():
            raise wrong_type("round", "a round's id such as '2024-2025/main'", round_id)
        chosen = self.programme.round(round_id)
        return _Terms(
            chosen.id,
            chosen.school_year,
            ApplicationWindow(chosen.opens, chosen.closes, chosen.label),
            chosen.completion_days,
            chosen.decision_weeks,
            chosen.objection_weeks,
            chosen.receipt_from_completion,
            chosen.same_moment,
        )

    # -- acting on an application and its locations together -------------------------------

    def _together(
        self,
        application: Trajectory[ApplicationData],
        event: str,
        payload: Mapping[str, Any],
        locations: Sequence[Trajectory[Leertraject]],
        location_event: str | Callable[[Trajectory[Leertraject]], tuple[str, dict[str, Any]]],
        location_payload: Mapping[str, Any] | None = None,
        *,
        actor: str | None,
        more: Iterable[Violation] = (),
        also: Sequence[Trajectory[Any]] = (),
        before_save: Action | None = None,
    ) -> None:
        """Check every precondition of ``event`` on the application and of the locations'
        events, each violation placed; then fire them all and save them (and ``also``)
        in one unit of work."""

        def of(location: Trajectory[Leertraject]) -> tuple[str, dict[str, Any]]:
            if callable(location_event):
                return location_event(location)
            return location_event, dict(location_payload or {})

        violations = [*more, *self._checked(application, event, payload, locations, of)]
        if violations:
            raise PreconditionFailed(event, application.state, violations)
        application.fire(event, actor=actor, **payload)
        for location in locations:
            name, fields = of(location)
            location.fire(name, actor=actor, **fields)
        if before_save is not None:
            before_save()
        together: list[Trajectory[Any]] = [application, *locations, *also]
        with self.store.unit_of_work() as uow:
            for trajectory in together:
                uow.save(trajectory)

    @staticmethod
    def _checked(
        application: Trajectory[ApplicationData],
        event: str,
        payload: Mapping[str, Any],
        locations: Sequence[Trajectory[Leertraject]],
        of: Callable[[Trajectory[Leertraject]], tuple[str, dict[str, Any]]],
    ) -> list[Violation]:
        """The violations of ``event`` on the application and of each location's event
        (``of`` gives it with its payload), each placed: the application's at ``None``."""
        found = [violation.at(None) for violation in application.check(event, **payload)]
        for location in locations:
            name, fields = of(location)
            found += [violation.at(location.id) for violation in location.check(name, **fields)]
        return found

    def _submission(
        self, application: Trajectory[ApplicationData], moment: dt.datetime
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The payloads of submitting ``application`` at ``moment``: its own and its
        locations' (the talks recorded on the application count for every location)."""
        return {"received_at": moment}, {
            "received_at": moment,
            "application": application.id,
            "application_talks": application.data.talk_kinds,
        }

    def blockers(self, application_id: str) -> list[Violation]:
        """What refuses the application's next step of the board now, checked as that
        step checks it, each violation placed at its location (``None``: the
        application): submitting it while it is in preparation (a talk recorded on the
        application counts for every location), completing it while its completion is
        asked for. Empty in the other states, and where nothing blocks the step."""
        application = self._application(application_id)
        locations = self._locations(application)
        if application.state == "in_preparation":
            own, theirs = self._submission(application, self._now())
            return self._checked(
                application, "submit", own, locations, lambda _: ("submit_application", theirs)
            )
        if application.state == "incomplete":
            return self._checked(
                application, "complete", {}, locations, lambda _: ("complete_application", {})
            )
        return []

    # -- the application's steps ------------------------------------------------------------

    def new_application(
        self,
        *,
        board: str,
        round: str,
        locations: Sequence[str],
        id: str | None = None,
        actor: str | None = None,
    ) -> Application:
        """A board's application in ``round`` for the leertrajects ``locations`` (their
        ids), saved in the store; the amount requested is the sum of the locations'
        fixed amounts. Every location must be the board's, in the round's school year."""
        terms = self._terms(round)
        if isinstance(locations, str) or not isinstance(locations, Sequence) or not locations:
            raise wrong_type(
                "locations", "a list of the ids of the locations' leertrajects", locations
            )
        entries = []
        for index, location_id in enumerate(locations):
            location = self._load(location_id, self.programme.leertraject.name, "location")
            data = location.data
            if data.school.board != board:
                raise InvalidData(
                    f"locations[{index}]",
                    f"{data.school.name} belongs to {data.school.board!r}, not to {board!r}",
                )
            if data.school_year != terms.school_year:
                raise InvalidData(
                    f"locations[{index}]",
                    f"the leertraject is for {data.school_year}, the round for {terms.school_year}",
                )
            entries.append(
                ApplicationLocation(location.id, data.rules.subsidy_amount, data.school.name)
            )
        payload = ApplicationCreated(
            board=board,
            round=terms.id,
            school_year=terms.school_year,
            window=terms.window,
            locations=tuple(entries),
            completion_days=terms.completion_days,
            decision_weeks=terms.decision_weeks,
            objection_weeks=terms.objection_weeks,
            receipt_from_completion=terms.receipt_from_completion,
        )
        created = self._application_lifecycle.create(payload, clock=self.clock, id=id, actor=actor)
        self.store.save(created)
        return Application.of(created)

    def record_talk(
        self, application_id: str, *, kind: str, date: dt.date, actor: str | None = None
    ) -> Application:
        """A pre-application talk on the application: it counts for all its locations."""
        application = self._application(application_id)
        application.fire("record_talk", actor=actor, kind=kind, date=date)
        self.store.save(application)
        return Application.of(application)

    def submit(
        self,
        application_id: str,
        *,
        received_at: dt.datetime | None = None,
        actor: str | None = None,
    ) -> Application:
        """The application is received (at ``received_at``, default now): it and each of
        its locations are submitted together; the window is judged on the moment of
        receipt, and the talks on the application count for every location."""
        application = self._application(application_id)
        moment = self._now() if received_at is None else received_at
        own, theirs = self._submission(application, moment)
        self._together(
            application,
            "submit",
            own,
            self._locations(application),
            "submit_application",
            theirs,
            actor=actor,
        )
        return Application.of(application)

    def request_completion(
        self, application_id: str, *, deadline: dt.date | None = None, actor: str | None = None
    ) -> Application:
        """Ask for missing parts by ``deadline`` (default: the round's completion term
        from today); the decision term is suspended meanwhile."""
        application = self._application(application_id)
        chosen = deadline or completion_deadline(
            self._now().astimezone(NETHERLANDS), days=application.data.completion_days
        )
        self._together(
            application,
            "request_completion",
            {"deadline": chosen},
            self._locations(application),
            "request_completion",
            {"deadline": chosen},
            actor=actor,
        )
        return Application.of(application)

    def complete(
        self,
        application_id: str,
        *,
        completed_at: dt.datetime | None = None,
        actor: str | None = None,
    ) -> Application:
        """The application is complete (at ``completed_at``, default now), with its
        locations; it counts for the order of receipt from then where the round says so."""
        application = self._application(application_id)
        self._together(
            application,
            "complete",
            {"completed_at": completed_at},
            self._locations(application),
            "complete_application",
            actor=actor,
        )
        return Application.of(application)

    def not_consider(self, application_id: str, *, actor: str | None = None) -> Application:
        """Not completed in time: the application and its locations are not considered
        (Awb 4:5); refused before the completion deadline has passed."""
        application = self._application(application_id)
        self._together(
            application,
            "not_consider",
            {},
            self._locations(application),
            "not_consider",
            actor=actor,
        )
        return Application.of(application)

    def withdraw(
        self, application_id: str, *, reason: str, actor: str | None = None
    ) -> Application:
        """The board withdraws the application, and its locations, before the decision."""
        application = self._application(application_id)
        self._together(
            application,
            "withdraw",
            {"reason": reason},
            self._locations(application),
            "withdraw",
            {"reason": reason},
            actor=actor,
        )
        return Application.of(application)

    # -- deciding ---------------------------------------------------------------------------

    def in_order_of_receipt(self, round_id: str) -> list[Application]:
        """The complete applications of the round in the order they are decided in: by
        the moment that counts for the order of receipt (applications at the same moment
        in the order the round's lottery drew, if one was drawn)."""
        found = [
            application
            for application in self._applications_of(round_id)
            if application.state in _IN_ORDER and application.data.order_moment is not None
        ]
        drawn = self._drawn(round_id)
        return [Application.of(one) for one in sorted(found, key=self._order_key(drawn))]

    def _order_key(self, drawn: Mapping[str, int]) -> Callable[[Trajectory[ApplicationData]], Any]:
        """The order of receipt: by the moment that counts (the day, where the round
        says applications on the same day are received at the same moment), then by
        the lottery's draw, then by the moment itself and the id (for a stable list)."""

        def key(application: Trajectory[ApplicationData]) -> Any:
            moment = application.data.order_moment
            assert moment is not None
            return (
                self._tie(application),
                drawn.get(application.id, len(drawn)),
                moment,
                application.id,
            )

        return key

    def _tie(self, application: Trajectory[ApplicationData]) -> Any:
        """What applications received "at the same moment" share: the moment, or its day
        in the Netherlands, as the round says."""
        moment = application.data.order_moment
        assert moment is not None
        if self._terms(application.data.round).same_moment == "day":
            return moment.astimezone(NETHERLANDS).date()
        return moment

    def _drawn(self, round_id: str) -> Mapping[str, int]:
        """The positions the round's lottery gave, by application id (none without one)."""
        return self._drawn_in(self._stored_ledger(round_id))

    def _drawn_in(self, ledger: Trajectory[Any] | None) -> Mapping[str, int]:
        """The positions the lotteries in ``ledger`` gave, by application id."""
        if ledger is None:
            return {}
        order: dict[str, int] = {}
        for lottery in ledger.data.lotteries:
            for position, candidate in enumerate(lottery.outcome):
                order.setdefault(str(candidate), position)
        return order

    def _draw_if_needed(
        self,
        application: Trajectory[ApplicationData],
        others: Sequence[Trajectory[ApplicationData]],
        ledger: Trajectory[Any],
        drawn: Mapping[str, int],
        actor: str | None,
    ) -> bool:
        """Where ``application`` was received at the same moment as other complete,
        undecided applications of its round and the budget left does not cover them all,
        order them by lot: a seeded draw recorded in the ledger's history, saved at once
        (so that every process decides in the order drawn). Whether it drew."""
        if ledger.data.remaining is None or application.data.order_moment is None:
            return False
        mine = self._tie(application)
        tied = [
            other
            for other in others
            if other.state == "received"
            and other.data.order_moment is not None
            and self._tie(other) == mine
        ]
        if len(tied) < 2 or all(other.id in drawn for other in tied):
            return False
        wanted = sum((other.data.requested for other in tied), Decimal(0))
        if wanted <= ledger.data.remaining:
            return False
        candidates = sorted(other.id for other in tied)
        ledger.fire("draw_lots", actor=actor, candidates=candidates, seed=self.seeds())
        self.store.save(ledger)
        return True

    def _earlier_pending(
        self,
        application: Trajectory[ApplicationData],
        others: Sequence[Trajectory[ApplicationData]],
        drawn: Mapping[str, int],
    ) -> list[Violation]:
        """The violations for the complete, undecided applications of the round received
        before ``application`` (at the same moment: drawn before it by the lottery)."""
        if application.data.order_moment is None:  # not received: the state refuses it
            return []
        mine = self._tie(application)
        found = []
        for other in others:
            if other.id == application.id or other.state != "received":
                continue
            moment = other.data.order_moment
            if moment is None:
                continue
            theirs = self._tie(other)
            earlier = theirs < mine or (
                theirs == mine
                and other.id in drawn
                and application.id in drawn
                and drawn[other.id] < drawn[application.id]
            )
            if earlier:
                found.append(
                    ORDER_OF_RECEIPT_EARLIER_PENDING(
                        board=other.data.board, received=moment, earlier=other.id
                    ).at(None)
                )
        return found

    def grant(
        self,
        application_id: str,
        *,
        rejected: Mapping[str, str] | None = None,
        amounts: Mapping[str, Decimal] | None = None,
        override_reason: str | None = None,
        actor: str | None = None,
    ) -> Application:
        """Grant the application: each location its fixed amount (or its amount in
        ``amounts``, with ``override_reason``), except the locations in ``rejected``
        (location id → reason), which are rejected. Refused while an earlier complete
        application of the round is undecided (``order_of_receipt.earlier_pending``) and
        where the round's ledger does not cover the amounts (``budget.exhausted``)."""
        rejected = dict(rejected or {})
        amounts = dict(amounts or {})

        def attempt() -> Application:
            application = self._application(application_id)
            locations = self._locations(application)
            known = set(application.data.location_ids)
            for name, given in (("rejected", rejected), ("amounts", amounts)):
                for location in given:
                    if location not in known:
                        raise InvalidData(name, f"{location!r} is no location of the application")
            others = self._applications_of(application.data.round)
            ledger = self._ledger_for(application.data.round)
            drawn = self._drawn_in(ledger)
            if self._draw_if_needed(application, others, ledger, drawn, actor):
                drawn = self._drawn_in(ledger)
            violations = self._earlier_pending(application, others, drawn)
            decisions = []
            decided = sum(
                (
                    amounts.get(entry.trajectory, entry.amount)
                    for entry in application.data.locations
                    if entry.trajectory not in rejected
                ),
                Decimal(0),
            )
            for entry in application.data.locations:
                if entry.trajectory in rejected:
                    decisions.append(
                        LocationDecision(entry.trajectory, False, reason=rejected[entry.trajectory])
                    )
                    continue
                amount = amounts.get(entry.trajectory, entry.amount)
                decisions.append(LocationDecision(entry.trajectory, True, amount))
                violations += self._commit(ledger, application.id, entry.trajectory, amount)

            def step(location: Trajectory[Leertraject]) -> tuple[str, dict[str, Any]]:
                if location.id in rejected:
                    return "reject", {"reason": rejected[location.id]}
                fields: dict[str, Any] = {"decision_amount": decided}
                if location.id in amounts:
                    fields |= {"amount": amounts[location.id], "override_reason": override_reason}
                return "grant", fields

            self._together(
                application,
                "decide",
                {"decisions": tuple(decisions)},
                locations,
                step,
                actor=actor,
                more=violations,
                also=(ledger,),
            )
            return Application.of(application, locations)

        return self._retried(attempt)

    def reject(
        self,
        application_id: str,
        *,
        reason: str,
        codes: Sequence[str] = (),
        actor: str | None = None,
    ) -> Application:
        """Reject the application and every location, with ``reason`` and the violation
        ``codes`` that refused it (``budget.exhausted`` …)."""
        application = self._application(application_id)
        decisions = tuple(
            LocationDecision(location, False, codes=tuple(codes), reason=reason)
            for location in application.data.location_ids
        )
        self._together(
            application,
            "decide",
            {"decisions": decisions},
            self._locations(application),
            "reject",
            {"reason": reason},
            actor=actor,
        )
        return Application.of(application)

    def lodge_objection(
        self,
        application_id: str,
        *,
        lodged_at: dt.datetime | None = None,
        grounds: str | None = None,
        excuse: str | None = None,
        actor: str | None = None,
    ) -> Application:
        """The board objects to the decision (received at ``lodged_at``, default now):
        refused after the objection term (``objection.late``) unless ``excuse`` says
        why the delay is excusable."""
        application = self._application(application_id)
        application.fire(
            "lodge_objection", actor=actor, lodged_at=lodged_at, grounds=grounds, excuse=excuse
        )
        self.store.save(application)
        return Application.of(application)

    def decide_objection(
        self,
        application_id: str,
        *,
        upheld: bool,
        reason: str,
        grant: Sequence[str] | None = None,
        actor: str | None = None,
    ) -> Application:
        """Decide the objection. Upheld, the rejected locations in ``grant`` (default:
        every rejected one) are granted after all, each with its own event recorded with
        this decision, their amounts committed on the round's ledger; dismissed, nothing
        changes."""

        def attempt() -> Application:
            application = self._application(application_id)
            data = application.data
            chosen = [
                location
                for location in data.location_ids
                if (found := data.decision(location)) is not None and not found.granted
            ]
            if grant is not None:
                unknown = [location for location in grant if location not in chosen]
                if unknown:
                    raise InvalidData("grant", f"{unknown[0]!r} is no rejected location of it")
                chosen = list(grant)
            if not upheld:
                chosen = []
            amounts = {entry.trajectory: entry.amount for entry in data.locations}
            ledger = self._ledger_for(data.round)
            violations: list[Violation] = []
            for location in chosen:
                violations += self._commit(ledger, application.id, location, amounts[location])
            decided = data.granted_amount + sum((amounts[found] for found in chosen), Decimal(0))
            locations = [found for found in self._locations(application) if found.id in chosen]
            self._together(
                application,
                "decide_objection",
                {
                    "upheld": upheld,
                    "reason": reason,
                    "changes": tuple(
                        LocationDecision(location, True, amounts[location]) for location in chosen
                    ),
                },
                locations,
                "grant_on_objection",
                {"decision": reason, "decision_amount": decided},
                actor=actor,
                more=violations,
                also=(ledger,) if chosen else (),
            )
            return Application.of(application, self._locations(application))

        return self._retried(attempt)

    # -- payment and settlement (SPEC §7.4) ---------------------------------------------------

    def _granted(
        self, application: Trajectory[ApplicationData], event: str
    ) -> list[Trajectory[Leertraject]]:
        """The leertrajects of the application's granted locations; refused with
        ``settlement.nothing_granted`` where there are none."""
        data = application.data
        granted = [
            location
            for location in self._locations(application)
            if (found := data.decision(location.id)) is not None and found.granted
        ]
        if not granted:
            raise PreconditionFailed(
                event, application.state, [SETTLEMENT_NOTHING_GRANTED().at(None)]
            )
        return granted

    def _move(
        self,
        application: Trajectory[ApplicationData],
        event: str,
        locations: Sequence[Trajectory[Leertraject]],
        fields: Mapping[str, Any],
        *,
        actor: str | None,
        after: Callable[[], Sequence[Trajectory[Any]]] | None = None,
    ) -> None:
        """Check ``event`` on every one of ``locations`` (each violation placed), then
        fire it on each and save them, with what ``after`` gives (it may still refuse),
        in one unit of work; the application itself does not move."""
        violations = [
            found.at(location.id)
            for location in locations
            for found in location.check(event, **fields)
        ]
        if violations:
            raise PreconditionFailed(event, application.state, violations)
        for location in locations:
            location.fire(event, actor=actor, **fields)
        also = () if after is None else after()
        with self.store.unit_of_work() as uow:
            for trajectory in (*locations, *also):
                uow.save(trajectory)

    def request_settlement(
        self,
        application_id: str,
        *,
        report: str,
        received_at: dt.datetime | None = None,
        excuse: str | None = None,
        actor: str | None = None,
    ) -> Application:
        """The board files its settlement request (aanvraag tot vaststelling) with the
        activity ``report``, received at ``received_at`` (default now), for every granted
        location of the application together. Refused where a location is not completed
        or stopped, where its grant is settled ex officio (``settlement_request.ex_officio``)
        and after the term (``settlement_request.late``) unless ``excuse`` says why the
        delay is excusable."""
        application = self._application(application_id)
        locations = self._granted(application, "request_settlement")
        moment = self._now() if received_at is None else received_at
        self._move(
            application,
            "request_settlement",
            locations,
            {"report": report, "received_at": moment, "excuse": excuse},
            actor=actor,
        )
        return Application.of(application, locations)

    def settle(
        self,
        application_id: str,
        *,
        locations: Sequence[str] | None = None,
        actor: str | None = None,
    ) -> Application:
        """Settle the application's granted locations that are completed or stopped (or
        those in ``locations``, ids of granted locations), and release on the round's
        ledger what each no longer needs (the amount granted less the amount settled,
        never more than is committed for it), all in one unit of work. A grant settled on
        request needs the board's request first (``settlement_request.missing``). Tried
        again, on everything loaded anew, when another process saved first."""
        if locations is not None and (
            isinstance(locations, str) or not isinstance(locations, Sequence)
        ):
            raise wrong_type("locations", "a list of the ids of granted locations", locations)

        def attempt() -> Application:
            application = self._application(application_id)
            granted = self._granted(application, "settle")
            if locations is None:
                chosen = [found for found in granted if found.state in _SETTLEABLE] or granted
            else:
                by_id = {found.id: found for found in granted}
                unknown = [location for location in locations if location not in by_id]
                if unknown:
                    raise InvalidData(
                        "locations", f"{unknown[0]!r} is no granted location of the application"
                    )
                chosen = [by_id[location] for location in dict.fromkeys(locations)]

            def release() -> Sequence[Trajectory[Any]]:
                ledger = self._stored_ledger(application.data.round)
                if ledger is None:  # nothing was committed through the Office
                    return ()
                released = False
                refused: list[Violation] = []
                for location in chosen:
                    fields = self._release(ledger, application.id, location)
                    if fields is None:
                        continue
                    found = ledger.check("release", **fields)
                    if found:
                        refused += [violation.at(location.id) for violation in found]
                        continue
                    ledger.fire("release", actor=actor, **fields)
                    released = True
                if refused:
                    raise PreconditionFailed("settle", application.state, refused)
                return (ledger,) if released else ()

            self._move(application, "settle", chosen, {}, actor=actor, after=release)
            return Application.of(application, self._locations(application))

        return self._retried(attempt)

    @staticmethod
    def _release(
        ledger: Trajectory[Any], application: str, location: Trajectory[Leertraject]
    ) -> dict[str, Any] | None:
        """What ``location``, just settled, releases on ``ledger``: the amount granted
        less the amount settled, at most what is committed for it (``None`` for nothing)."""
        settlement = location.data.settlement
        if settlement is None:
            return None
        held = ledger.data.commitment(application, location.id)
        amount = min(settlement.amount_granted - settlement.amount_settled, held)
        if amount <= 0:
            return None
        return {"application": application, "location": location.id, "amount": amount}

    def stop(
        self,
        application_id: str,
        location: str,
        *,
        reason: str,
        actor: str | None = None,
    ) -> Application:
        """The granted ``location`` (the id of its leertraject) stops early, with
        ``reason``: it moves to ``stopped`` and the report of the change (of kind
        ``stopping``) is recorded; it is still settled, on the hours invested. Refused
        where the location is not between the grant and the closing talk
        (``stop.not_granted``)."""
        application = self._application(application_id)
        if location not in application.data.location_ids:
            raise InvalidData("location", f"{location!r} is no location of the application")
        locations = self._locations(application)
        chosen = next(found for found in locations if found.id == location)
        if chosen.state not in AFTER_GRANT:
            raise PreconditionFailed(
                "withdraw",
                application.state,
                [STOP_NOT_GRANTED(state=chosen.state).at(chosen.id)],
            )
        self._move(application, "withdraw", [chosen], {"reason": reason}, actor=actor)
        return Application.of(application, locations)

    def _retried(self, attempt: Callable[[], Application]) -> Application:
        """``attempt`` again, on everything loaded anew, while another process saved first."""
        for _ in range(ATTEMPTS - 1):
            try:
                return attempt()
            except ConcurrencyConflict:
                continue
        return attempt()

    # -- the ledger ---------------------------------------------------------------------------

    def _stored_ledger(self, round_id: str) -> Trajectory[Any] | None:
        try:
            found = self.store.load(ledger_id(round_id))
        except TrajectoryNotFound:
            return None
        return self._own(found)

    def _ledger_for(self, round_id: str) -> Trajectory[Any]:
        """The round's ledger as stored, or a new one with the round's ceiling (saved with
        the first grant, or the first lottery)."""
        found = self._stored_ledger(round_id)
        if found is not None:
            return found
        chosen = self.programme.round(round_id)
        payload = OpenLedger(chosen.id, chosen.school_year, chosen.ceiling)
        opened: Trajectory[Any] = self.programme.ledger.create(
            payload, clock=self.clock, id=ledger_id(chosen.id)
        )
        return opened

    def _commit(
        self, ledger: Trajectory[Any], application: str, location: str, amount: Decimal
    ) -> list[Violation]:
        """Commit ``amount`` for ``location`` on ``ledger``: the violations that refuse
        it (``budget.exhausted``, its figures as the ledger gives them), placed."""
        try:
            ledger.fire("commit", application=application, location=location, amount=amount)
        except PreconditionFailed as refused:
            return [found.at(location) for found in refused.violations]
        return []

    def ledger(self, round_id: str) -> Ledger:
        """The round's ledger (``ceiling``, ``committed``, ``released``, ``remaining``,
        ``commitments``, ``lotteries``): as stored, or as it opens when nothing was
        committed yet."""
        self._terms(round_id)
        ledger: Ledger = self._ledger_for(round_id).data
        return ledger

    # -- what is due ----------------------------------------------------------------------------

    def due_decisions(self, by: dt.date) -> list[DueDecision]:
        """The undecided applications whose decision term (13 weeks from receipt,
        extended by the days suspended while they were being completed, Awb 4:13 and
        4:15) ends on or before ``by``, soonest first; ``overdue`` where it ended before
        today. An application being completed has no due day yet."""
        if not isinstance(by, dt.date) or isinstance(by, dt.datetime):
            raise wrong_type("by", "a date", by)
        today = self._today()
        found = []
        for application in self._applications_of(None):
            if application.state not in _UNDECIDED:
                continue
            due = application.data.decision_due()
            if due is None or due > by:
                continue
            found.append(
                DueDecision(
                    Application.of(application),
                    due,
                    due < today,
                    application.data.suspended_days() or 0,
                )
            )
        return sorted(found, key=lambda item: (item.due, item.application.id))

    def __repr__(self) -> str:
        return f"<Office on {type(self.store).__name__}>"
