"""Simulate a cohort of schools walking the leertraject: seeded, reproducible, parallel.

Each school ``i`` walks with its own :class:`random.Random`, seeded from ``(seed, i)``
only, its own :class:`~trajectory.ontwikkelkracht.walker.Walker` and its own
:class:`~trajectory.engine.history.ManualClock`, so what happens to a school never
depends on the number of processes or on the order they finish in. The budget ceiling
(subsidieplafond) is the one thing schools share; it is decided in three phases:

1. every school walks up to its application (or an earlier end): a map over the
   school indices, in parallel;
2. the complete applications are decided in order of receipt (the moment of first
   submission, then the school index) until the budget is used up; the rest are
   rejected with ``budget.exhausted``: a sort, in the calling process;
3. every decided school walks on to its end: a map again.

The maps go through an :class:`Executor` (anything with ``map(function, items)``, such
as a :class:`concurrent.futures.ProcessPoolExecutor` or a Dask client's
``get_executor()``); by default a process pool of ``processes`` workers, or the calling
process itself when ``processes`` is 1.

>>> from structlog.testing import capture_logs
>>> with capture_logs():
...     report = simulate(20, seed=7)
...     again = simulate(20, seed=7)
>>> report.schools, sum(report.final_states.values())
(20, 20)
>>> again == report
True
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import math
import multiprocessing
import os
import pickle
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, Final, Literal, Protocol, TypeVar

import attrs
import structlog

from trajectory.engine.errors import InvalidData, PreconditionFailed
from trajectory.engine.fields import describe
from trajectory.engine.history import Event, ManualClock
from trajectory.engine.listeners import EventLog
from trajectory.engine.logs import PACKAGE
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import lifecycle as _leertraject
from trajectory.ontwikkelkracht.catalog import Catalog, Offer, catalog
from trajectory.ontwikkelkracht.lifecycle import AFTER_GRANT, BEFORE_GRANT
from trajectory.ontwikkelkracht.lifecycle import new_trajectory as _new_trajectory
from trajectory.ontwikkelkracht.model import ActivityPlanPart, Conclusion, Role
from trajectory.ontwikkelkracht.payloads import MAX_HOURS_PER_DAY
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules, rules_for
from trajectory.ontwikkelkracht.school import NETHERLANDS, SchoolYear, Sector
from trajectory.ontwikkelkracht.walker import Walker, example_school
from trajectory.sim.report import STANDING, Report, StateDays, Tally

__all__ = [
    "BUDGET_EXHAUSTED",
    "DEFAULT",
    "WITHDRAWABLE",
    "Executor",
    "InProcess",
    "Probabilities",
    "Report",
    "StateDays",
    "default_processes",
    "simulate",
    "simulate_school",
]

_A = TypeVar("_A")
_R = TypeVar("_R")

#: The reason (and the violation code counted) of an application past the ceiling.
BUDGET_EXHAUSTED: Final = "budget.exhausted"
_DEADLINE_PASSED: Final = "completion.deadline_passed"
#: Decimal arithmetic as Python's default: the host's own context never changes a result.
_EXACT: Final = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)

#: The states a school may withdraw in: before the grant it ends ``withdrawn``, after it
#: ``stopped`` (and is then settled on the hours it logged).
WITHDRAWABLE: Final = (*BEFORE_GRANT, *AFTER_GRANT)


# -- the probabilities ---------------------------------------------------------------


def _probability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= 1  # also refuses NaN
    ):
        raise InvalidData(attribute.name, f"expected a probability from 0 to 1, got {value!r}")


def _withdrawal(value: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping):
        raise InvalidData(
            "withdrawal", f"expected a mapping of state to probability, got {value!r}"
        )
    for state, chance in value.items():
        if state not in WITHDRAWABLE:
            raise InvalidData(
                f"withdrawal[{state!r}]",
                f"a school withdraws in one of: {', '.join(WITHDRAWABLE)}; got {state!r}",
            )
        if isinstance(chance, bool) or not isinstance(chance, int | float) or not 0 <= chance <= 1:
            raise InvalidData(
                f"withdrawal[{state!r}]", f"expected a probability from 0 to 1, got {chance!r}"
            )
    return tuple((state, float(value[state])) for state in WITHDRAWABLE if value.get(state))


_DEFAULT_WITHDRAWAL: Final[Mapping[str, float]] = {
    "orientation_requested": 0.02,
    "application_in_preparation": 0.04,
    "application_submitted": 0.01,
    "preparing": 0.02,
    "in_progress": 0.03,
}


@attrs.frozen
class Probabilities:
    """How likely each mishap is, for each school (every value from 0 to 1).

    ``negative_talk``: the orientation talk concludes negatively, and the school
    declines (``not_pursued``). At the first submission of the application:
    ``missing_plan_parts`` (one to three parts of the activity plan left out),
    ``too_few_participants``, ``too_few_hours``; the submission is refused, the
    school fixes what the violations name and submits again.
    ``incomplete_application``: the funder asks for completion; of those,
    ``completion_late`` complete after the deadline (refused:
    ``completion.deadline_passed``) and are rejected.
    ``withdrawal``: per state, the chance the school withdraws there (before the
    grant it ends ``withdrawn``; after it ``stopped``, then settled).
    ``fewer_hours``: the participants log only 50–95 % of their planned hours.
    """

    negative_talk: float = attrs.field(default=0.10, validator=_probability)
    missing_plan_parts: float = attrs.field(default=0.20, validator=_probability)
    too_few_participants: float = attrs.field(default=0.10, validator=_probability)
    too_few_hours: float = attrs.field(default=0.10, validator=_probability)
    incomplete_application: float = attrs.field(default=0.10, validator=_probability)
    completion_late: float = attrs.field(default=0.25, validator=_probability)
    withdrawal: tuple[tuple[str, float], ...] = attrs.field(
        default=_DEFAULT_WITHDRAWAL, converter=_withdrawal
    )
    fewer_hours: float = attrs.field(default=0.15, validator=_probability)
    _withdraw_in: dict[str, float] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Asked for at every step of every school: a dictionary, once.
        object.__setattr__(self, "_withdraw_in", dict(self.withdrawal))

    @classmethod
    def none(cls) -> Probabilities:
        """No mishaps at all: every school walks straight to its settlement."""
        return cls(
            negative_talk=0,
            missing_plan_parts=0,
            too_few_participants=0,
            too_few_hours=0,
            incomplete_application=0,
            completion_late=0,
            withdrawal={},
            fewer_hours=0,
        )

    def withdraw_in(self, state: str) -> float:
        """The chance a school withdraws in ``state``."""
        return self._withdraw_in.get(state, 0.0)

    def to_dict(self) -> dict[str, Any]:
        """The probabilities as JSON-ready data."""
        found = attrs.asdict(self, filter=lambda field, _: field.init)
        found["withdrawal"] = dict(self.withdrawal)
        return found


#: The default probabilities.
DEFAULT: Final = Probabilities()


# -- where the maps run ---------------------------------------------------------------


class Executor(Protocol):
    """Runs ``function`` on every item, possibly elsewhere; yields the results in the
    order of ``items``.

    :class:`concurrent.futures.ProcessPoolExecutor` is one; so is the executor of a
    Dask client (``client.get_executor()``), which runs the cohort on a cluster.
    ``function`` and the items are picklable module-level objects.
    """

    def map(self, fn: Callable[[_A], _R], items: Iterable[_A], /) -> Iterator[_R]: ...


class InProcess:
    """An :class:`Executor` that runs everything in the calling process."""

    def map(self, fn: Callable[[_A], _R], items: Iterable[_A], /) -> Iterator[_R]:
        return map(fn, items)


def _quiet_worker() -> None:
    """Set up a worker process of our own pool (spawned: nothing of the parent's
    configuration but what its main module does on import).

    The library logs every event at info through the lifecycle's log listener. When
    the worker's host configured neither structlog nor the standard library's
    ``trajectory`` logger for info, no entry would be shown anywhere: the worker then
    leaves the log listener out of its own copy of the lifecycle, and fires with the
    other listeners only. Logging and the garbage collector are configured nowhere.
    """
    if structlog.is_configured() or logging.getLogger(PACKAGE).isEnabledFor(logging.INFO):
        return
    listeners = _leertraject.LIFECYCLE.listeners
    listeners.after = tuple(f for f in listeners.after if not _logs(f))
    listeners.refused = tuple(f for f in listeners.refused if not _logs(f))


def _logs(listener: object) -> bool:
    """Whether ``listener`` is a method of the built-in log listener."""
    return isinstance(getattr(listener, "__self__", None), EventLog)


def _pool(processes: int) -> ProcessPoolExecutor:
    # Spawned, never forked: the parent may run threads (a progress bar, a web server).
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_quiet_worker,
    )


# -- the tasks that cross process boundaries ---------------------------------------------


@attrs.frozen
class _Setup:
    """What every school of the cohort shares (sent with every chunk)."""

    seed: int
    rules: Rules
    offers: tuple[Offer, ...]
    sectors: tuple[Sector, ...]
    probabilities: Probabilities
    continuation: Literal["ship", "replay"]
    pack: bool
    """Whether what phase 1 ships crosses a process boundary (histories are pickled)."""
    at_once: bool = False
    """Whether every complete application is granted (no budget ceiling): each school
    then walks on to its end in phase 1, as phase 3 would walk it."""


@attrs.frozen
class _Pending:
    """A school whose application waits for the decision."""

    index: int
    submitted_at: dt.datetime
    now: dt.datetime


#: What phase 1 hands on of the schools that wait: their histories, pickled (across
#: processes), or their walkers themselves (in one process), or nothing (replay).
_Carried = bytes | tuple[Walker, ...] | None


@attrs.frozen
class _Walked:
    """Phase 1 of one chunk: the schools that ended, and those that wait."""

    tally: Tally
    pending: tuple[_Pending, ...]
    carried: _Carried


@attrs.frozen
class _Decide:
    """Phase 3 of one chunk: its waiting schools and whether each is granted."""

    setup: _Setup
    pending: tuple[_Pending, ...]
    granted: tuple[bool, ...]
    carried: _Carried


def _walk_chunk(task: tuple[_Setup, int, int]) -> _Walked:
    """Phase 1 for schools ``start`` … ``stop - 1``."""
    with decimal.localcontext(_EXACT):
        return _walk(*task)


def _decide_chunk(task: _Decide) -> Tally:
    """Phase 3: each waiting school is granted or rejected, and walks on to its end."""
    with decimal.localcontext(_EXACT):
        return _decide(task)


def _ended(trajectory: Trajectory[Leertraject]) -> bool:
    """Whether the school's walk ends here: a final state, or a rejection (which stands:
    the simulation lodges no objection)."""
    return trajectory.is_final or trajectory.state in STANDING


def _walk(setup: _Setup, start: int, stop: int) -> _Walked:
    tally = Tally()
    pending: list[_Pending] = []
    walkers: list[Walker] = []
    for index in range(start, stop):
        school = _School.begin(setup, index, tally)
        school.apply()
        if _ended(school.walker.trajectory):
            tally.add(school.walker.trajectory)
            continue
        submitted_at = school.walker.data.submitted_at
        assert submitted_at is not None  # the application waits for its decision
        waiting = _Pending(index, submitted_at, school.walker.clock())
        if setup.at_once:  # granted whatever the others do: decide now, as phase 3 would
            school.walker.rng = _decision_rng(setup.seed, index)
            school.decide(waiting, granted=True)
            tally.add(school.walker.trajectory)
            continue
        pending.append(waiting)
        walkers.append(school.walker)
    carried: _Carried = None
    if setup.continuation == "ship":
        if setup.pack:
            histories = [walker.trajectory.history for walker in walkers]
            carried = pickle.dumps(histories, pickle.HIGHEST_PROTOCOL)
        else:
            carried = tuple(walkers)
    return _Walked(tally, tuple(pending), carried)


def _decide(task: _Decide) -> Tally:
    setup, carried = task.setup, task.carried
    histories: Sequence[tuple[Event, ...]] = ()
    if isinstance(carried, bytes):
        histories = pickle.loads(carried)
    tally = Tally()
    for number, (waiting, granted) in enumerate(zip(task.pending, task.granted, strict=True)):
        rng = _decision_rng(setup.seed, waiting.index)
        if histories:  # shipped: rebuilt from the history (effects only, no guards)
            clock = ManualClock(waiting.now)
            history = histories[number]
            walker = Walker(_leertraject.LIFECYCLE.replay(history, clock=clock), clock, rng)
        elif isinstance(carried, tuple):  # the same process: the walker itself
            walker = carried[number]
            walker.rng = rng
        else:  # replay phase 1 with the school's own random numbers
            school = _School.begin(setup, waiting.index, Tally())
            school.apply()
            walker = school.walker
            walker.rng = rng
        _School(setup, walker, tally).decide(waiting, granted=granted)
        tally.add(walker.trajectory)
    return tally


def _decision_rng(seed: int, index: int) -> random.Random:
    """School ``index``'s random numbers from its decision on: its own stream, so a
    school continues the same whether its first phase was shipped or walked again."""
    return random.Random(f"{seed}:{index}:decision")


# -- one school --------------------------------------------------------------------------

_TEXT: Final = "Written with the expert school."
_PARTS: Final = tuple(str(part) for part in ActivityPlanPart)
_WHOLE: Final = Decimal(1)


def _whole_days(total: Decimal, participants: int) -> list[Decimal]:
    """``total`` hours shared out over ``participants`` in whole days of 24 hours, the
    rest of a day to the last: logged, they take ``ceil(total / 24)`` entries."""
    days, rest = divmod(total, MAX_HOURS_PER_DAY)
    base, extra = divmod(int(days), participants)
    shares = [MAX_HOURS_PER_DAY * (base + (number < extra)) for number in range(participants)]
    shares[-1] += rest
    return shares


def _percent(rng: random.Random, low: int, high: int) -> Decimal:
    """A share from ``low`` to ``high`` per cent, in whole per cents (exact)."""
    return Decimal(rng.randint(low, high)) / 100


@attrs.define
class _School:
    """One school's walk: what happens is drawn from its own random numbers."""

    setup: _Setup
    walker: Walker
    tally: Tally

    @classmethod
    def begin(cls, setup: _Setup, index: int, tally: Tally) -> _School:
        """The school asks for an orientation talk, 3 to 10 weeks before the first
        application window opens."""
        rng = random.Random(f"{setup.seed}:{index}")
        opens = setup.rules.application_windows[0].opens.astimezone(NETHERLANDS)
        minutes = rng.randint(21 * 1440, 70 * 1440)
        clock = ManualClock(opens - dt.timedelta(minutes=minutes))
        trajectory = _new_trajectory(
            school=example_school(rng, rng.choice(setup.sectors)),
            offer=rng.choice(setup.offers),
            school_year=setup.rules.school_year,
            clock=clock,
            rules=setup.rules,
            id=f"sim-{setup.seed}-{index}",
        )
        return cls(setup, Walker(trajectory, clock, rng), tally)

    # -- helpers

    @property
    def rng(self) -> random.Random:
        return self.walker.rng

    def chance(self, probability: float) -> bool:
        """A draw that always takes one random number (so one probability changed does
        not shift every draw after it)."""
        return self.rng.random() < probability

    def later(self, low: float, high: float) -> None:
        """Move the clock forward by ``low`` to ``high`` days (to the minute)."""
        self.walker.clock.advance(minutes=self.rng.randint(int(low * 1440), int(high * 1440)))

    def attempt(self, event: str, **payload: Any) -> list[str]:
        """Fire ``event``; if refused, count its violations and return their codes."""
        try:
            self.walker.fire(event, **payload)
        except PreconditionFailed as refused:
            codes = [violation.code for violation in refused.violations]
            self.tally.violations.update(codes)
            return codes
        return []

    def withdraws(self) -> bool:
        """Whether the school withdraws in its current state (drawn every time)."""
        return self.chance(self.setup.probabilities.withdraw_in(self.walker.state))

    def withdraw(self, reason: str) -> None:
        self.walker.fire("withdraw", reason=reason)

    # -- phase 1: up to the application

    def apply(self) -> None:
        """From the request for a talk up to a complete application (or an earlier end)."""
        p, walker = self.setup.probabilities, self.walker
        if self.withdraws():
            self.later(1, 14)
            return self.withdraw("The school withdrew before the orientation talk.")
        self.later(3, 21)
        negative = self.chance(p.negative_talk)
        walker.fire(
            "hold_orientation",
            date=walker.today(),
            learning_question="How do we make this work for every group?",
            conclusion=Conclusion.NEGATIVE if negative else Conclusion.POSITIVE,
            report="The talk weighed the learning question, the conditions and the team's support.",
        )
        if negative:
            self.later(1, 7)
            walker.fire("decline", reason="The orientation talk concluded negatively.")
            return None
        if self.withdraws():
            self.later(1, 7)
            return self.withdraw("The school decided not to register after all.")
        self.later(0, 3)
        walker.fire("register")
        if self.withdraws():
            self.later(3, 30)
            return self.withdraw("The school could not free the staff hours.")
        self.prepare_application(
            few=self.chance(p.too_few_participants),
            short=self.chance(p.too_few_hours),
            missing=self.chance(p.missing_plan_parts),
        )
        self.later(7, 35)
        if not self.submit():
            return None
        if self.withdraws():
            self.later(1, 20)
            return self.withdraw("The school board withdrew the application.")
        if self.chance(p.incomplete_application):
            return self.complete_late() if self.chance(p.completion_late) else self.complete()
        return None

    def prepare_application(self, *, few: bool, short: bool, missing: bool) -> None:
        """The talks, participants, hours and activity plan of the first submission,
        with what ``few``, ``short`` and ``missing`` leave out."""
        walker, rules, rng = self.walker, self.setup.rules, self.rng
        today = walker.today()
        for kinds in rules.required_talks:
            walker.fire("record_talk", kind=kinds[0], date=today)
        count = rules.minimum_participants
        if few:
            count = rng.randint(max(rules.minimum_school_leaders, 1), max(count - 1, 1))
        # The hours, in whole days of 24 hours as far as they go (the fewest entries when
        # they are logged), shared out as if every participant were there.
        percent = _percent(rng, 60, 95) if short else _percent(rng, 100, 105)
        total = (rules.minimum_hours * percent).to_integral_value(ROUND_CEILING)
        shares = _whole_days(total, rules.minimum_participants)
        for number in range(count):
            role = Role.SCHOOL_LEADER if number < rules.minimum_school_leaders else Role.TEACHER
            name = walker.new_name()
            walker.fire("add_participant", name=name, role=role, planned_hours=shares[number])
        parts = list(_PARTS)
        if missing:
            for part in rng.sample(_PARTS, rng.randint(1, len(_PARTS) - 1)):
                parts.remove(part)
        walker.fire("write_activity_plan", **dict.fromkeys(parts, _TEXT))

    def submit(self) -> bool:
        """Submit; a refused submission is fixed (after some days) and submitted again.
        A school that misses every application window withdraws."""
        if not self.into_window():
            return self.missed_window()
        if not self.attempt("submit_application"):
            return True
        self.later(2, 10)
        self.walker.complete_application()
        if not self.into_window() or self.attempt("submit_application"):
            return self.missed_window()
        return True

    def into_window(self) -> bool:
        """Move the clock into the open or next application window; False if none is left."""
        now = self.walker.clock()
        for window in self.setup.rules.application_windows:
            if now <= window.closes:
                if now < window.opens:
                    self.walker.clock.set(
                        window.opens + dt.timedelta(minutes=self.rng.randint(1, 600))
                    )
                return True
        return False

    def missed_window(self) -> bool:
        self.withdraw("The school missed the application window.")
        return False

    def request_completion(self) -> dt.date | None:
        """The funder asks for completion; returns the deadline, or None when the
        school board withdraws the application instead."""
        self.later(1, 5)
        self.walker.fire("request_completion")
        if self.withdraws():
            self.later(1, 5)
            self.withdraw("The school board withdrew the application.")
            return None
        deadline = self.walker.data.completion_deadline
        assert deadline is not None
        return deadline

    def complete(self) -> None:
        """The funder asks for completion; the school completes in time."""
        walker = self.walker
        deadline = self.request_completion()
        if deadline is None:
            return
        left = (deadline - walker.today()).days
        self.later(0, min(7, max(left - 1, 0)))
        walker.complete_application()
        codes = self.attempt("complete_application")
        if codes:  # for instance window.closed: completed after the window closed
            self.later(0, 1)
            walker.fire("reject", reason=codes[0])
        return

    def complete_late(self) -> None:
        """The funder asks for completion; the school completes after the deadline, is
        refused, and the application is rejected."""
        walker = self.walker
        deadline = self.request_completion()
        if deadline is None:
            return
        walker.move_to(deadline + dt.timedelta(days=self.rng.randint(1, 10)))
        walker.complete_application()
        self.attempt("complete_application")
        self.later(0, 3)
        walker.fire("reject", reason=_DEADLINE_PASSED)
        return

    # -- phase 3: the decision, and the year

    def decide(self, waiting: _Pending, *, granted: bool) -> None:
        """The decision (within the decision period), then the year up to the settlement."""
        walker, rules = self.walker, self.setup.rules
        days = self.rng.randint(14, rules.decision_period_weeks * 7)
        decided = waiting.submitted_at + dt.timedelta(days=days)
        if decided > walker.clock():
            walker.clock.set(decided)
        if not granted:
            self.tally.violations[BUDGET_EXHAUSTED] += 1
            walker.fire("reject", reason=BUDGET_EXHAUSTED)
            return None
        walker.fire("grant")
        for event in ("start_preparation", "hold_intake", "start_execution"):
            if self.withdraws():
                return self.stop()
            if event == "start_execution":  # the development plan takes some days
                self.later(5, 20)
            walker.take(event)
        if self.withdraws():
            return self.stop()
        walker.hold_moments()
        walker.move_to(walker.data.school_year.end - dt.timedelta(days=40))
        p = self.setup.probabilities
        share = _percent(self.rng, 50, 95) if self.chance(p.fewer_hours) else _WHOLE
        self.log_hours(share)
        walker.fire("hold_closing_talk", evaluation="The team evaluated the year.")
        if self.withdraws():
            return self.stop()
        self.later(5, 25)  # writing the implementation plan
        walker.take("deliver_implementation_plan")
        walker.take("settle")
        return None

    def stop(self) -> None:
        """The school stops after the grant; it is settled on the hours it logged."""
        walker = self.walker
        if walker.state == "in_progress":  # part of the year went by
            end = walker.data.school_year.end - dt.timedelta(days=45)
            left = max((end - walker.today()).days, 0)
            walker.move_to(walker.today() + dt.timedelta(days=self.rng.randint(0, left)))
            self.log_hours(_percent(self.rng, 10, 70))
        else:
            self.later(3, 30)
        self.withdraw("The school stopped: the team could not carry it this year.")
        self.later(14, 60)
        walker.fire("settle")

    def log_hours(self, share: Decimal) -> None:
        """Each participant logs ``share`` of their planned hours (whole hours), in as
        few entries as the day maximum allows, from the start of the school year."""
        walker = self.walker
        trajectory, data, today = walker.trajectory, walker.data, walker.today()
        earlier = {entry.participant for entry in data.hours}
        one_day = dt.timedelta(days=1)
        fire = trajectory.fire
        for participant in data.participants:
            name = participant.name
            remaining = (participant.planned_hours * share).to_integral_value(ROUND_DOWN)
            day = data.school_year.start
            if name not in earlier:  # every day is free: whole days, then the rest
                days = max(min(int(remaining // MAX_HOURS_PER_DAY), (today - day).days + 1), 0)
                for _ in range(days):
                    fire("log_hours", participant=name, date=day, hours=MAX_HOURS_PER_DAY)
                    day += one_day
                remaining -= MAX_HOURS_PER_DAY * days
                if remaining > 0 and day <= today:
                    fire("log_hours", participant=name, date=day, hours=remaining)
                continue
            while remaining > 0 and day <= today:
                hours = min(remaining, MAX_HOURS_PER_DAY - trajectory.data.hours_on(name, day))
                if hours > 0:
                    fire("log_hours", participant=name, date=day, hours=hours)
                    remaining -= hours
                day += one_day


# -- the cohort --------------------------------------------------------------------------


def _check_whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidData(name, f"expected a whole number ≥ {minimum}, got {value!r}")
    return value


def _check_budget(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidData("budget", f"expected an amount in euro, got {describe(value)}")
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, float | str) else Decimal(value)
    except InvalidOperation:
        raise InvalidData("budget", f"expected an amount in euro, got {describe(value)}") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidData("budget", f"expected an amount of at least 0 euro, got {describe(value)}")
    if amount >= 10**18:  # beyond any budget; and decimal arithmetic stays exact below
        raise InvalidData("budget", f"expected an amount below 10**18 euro, got {amount:.6g}")
    return amount


def _chunks(total: int, workers: int) -> list[tuple[int, int]]:
    """Ranges of school indices: several per worker (for balance and progress), at most
    500 schools each."""
    size = max(1, min(500, math.ceil(total / (workers * 8))))
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def simulate(
    schools: int,
    *,
    seed: int,
    budget: Decimal | None = None,
    processes: int = 1,
    probabilities: Probabilities = DEFAULT,
    school_year: str | SchoolYear = "2024-2025",
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    rules: Rules | None = None,
    offers: Catalog | None = None,
    continuation: Literal["ship", "replay"] = "ship",
) -> Report:
    """Walk ``schools`` schools through the leertraject of ``school_year``; their report.

    ``seed`` makes the run repeat exactly: the same seed gives the same report,
    whatever ``processes`` or ``executor``. ``budget`` is the budget ceiling in euro
    (``None``: no ceiling): complete applications are granted in order of receipt
    until it is used up, the rest are rejected with ``budget.exhausted``.
    ``processes`` > 1 runs the schools in a pool of that many processes; ``executor``
    runs them on any :class:`Executor` instead (a cluster's, for instance).
    ``progress`` is called with the number of schools that just reached their end.
    ``rules`` and ``offers`` default to the year's shipped rules and catalog.
    ``continuation`` says how a school continues after the decision: ``"ship"`` sends
    its history back and forth, ``"replay"`` walks its first phase again from the seed
    (less to send over a network); both give the same report.
    """
    count = _check_whole("schools", schools, 0)
    amount = _check_budget(budget)
    workers = _check_whole("processes", processes, 1)
    if continuation not in ("ship", "replay"):
        raise InvalidData("continuation", f"expected 'ship' or 'replay', got {continuation!r}")
    crosses = executor is not None or (workers > 1 and count > 0)
    setup = _setup(seed, probabilities, school_year, rules, offers, continuation, pack=crosses)
    if amount is None or setup.rules.subsidy_amount <= 0:  # no ceiling: nothing to wait for
        setup = attrs.evolve(setup, at_once=True)
    with decimal.localcontext(_EXACT):
        if executor is not None:
            tally = _run(setup, count, amount, executor, workers, progress)
        elif workers == 1 or count == 0:
            tally = _run(setup, count, amount, InProcess(), workers, progress)
        else:
            pool = _pool(min(workers, len(_chunks(count, workers))))
            try:
                tally = _run(setup, count, amount, pool, workers, progress)
            except BaseException:  # interrupted: do not wait for the queued chunks
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
        return Report.from_tally(
            tally, seed=seed, school_year=str(setup.rules.school_year), budget=amount
        )


def simulate_school(
    index: int,
    *,
    seed: int,
    granted: bool = True,
    probabilities: Probabilities = DEFAULT,
    school_year: str | SchoolYear = "2024-2025",
    rules: Rules | None = None,
    offers: Catalog | None = None,
) -> Trajectory[Leertraject]:
    """The trajectory of school ``index`` of the cohort simulated with ``seed``: one
    school, walked exactly as :func:`simulate` walks it.

    ``granted`` is the decision on its application, if it gets that far (in a cohort,
    the budget ceiling decides it).

    >>> from structlog.testing import capture_logs
    >>> with capture_logs():
    ...     granted = simulate_school(0, seed=7)
    ...     rejected = simulate_school(0, seed=7, granted=False)
    >>> granted.state, rejected.state, rejected.data.reason
    ('settled', 'rejected', 'budget.exhausted')
    """
    _check_whole("index", index, 0)
    if not isinstance(granted, bool):
        raise InvalidData("granted", f"expected True or False, got {granted!r}")
    setup = _setup(seed, probabilities, school_year, rules, offers, "ship", pack=False)
    with decimal.localcontext(_EXACT):
        school = _School.begin(setup, index, Tally())
        school.apply()
        walker = school.walker
        if _ended(walker.trajectory):
            return walker.trajectory
        submitted_at = walker.data.submitted_at
        assert submitted_at is not None
        waiting = _Pending(index, submitted_at, walker.clock())
        walker.rng = _decision_rng(seed, index)
        school.decide(waiting, granted=granted)
        return walker.trajectory


def _setup(
    seed: int,
    probabilities: Probabilities,
    school_year: str | SchoolYear,
    rules: Rules | None,
    offers: Catalog | None,
    continuation: Literal["ship", "replay"],
    *,
    pack: bool,
) -> _Setup:
    """What the schools of a cohort share, checked."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidData("seed", f"expected a whole number, got {seed!r}")
    if not isinstance(probabilities, Probabilities):
        raise InvalidData("probabilities", f"expected Probabilities, got {probabilities!r}")
    year = SchoolYear.parse(school_year)
    year_rules = rules_for(year) if rules is None else rules
    if not isinstance(year_rules, Rules) or year_rules.school_year != year:
        raise InvalidData("rules", f"expected the Rules of {year}, got {year_rules!r}")
    if not year_rules.application_windows:
        raise InvalidData("rules", f"the rules of {year} have no application window")
    offered = (catalog() if offers is None else offers).for_year(year)
    if not offered:
        raise InvalidData("school_year", f"the catalog offers no leertraject in {year}")
    sectors = tuple(s for s in Sector if s in year_rules.eligible_sectors)
    if not sectors:
        raise InvalidData("rules", f"no sector is eligible in {year}")
    return _Setup(seed, year_rules, offered, sectors, probabilities, continuation, pack)


def _run(
    setup: _Setup,
    count: int,
    budget: Decimal | None,
    executor: Executor,
    workers: int,
    progress: Callable[[int], None] | None,
) -> Tally:
    def advance(schools: int) -> None:
        if progress is not None and schools:
            progress(schools)

    # Phase 1: every school up to its application (or an earlier end).
    tally = Tally()
    walked: list[_Walked] = []
    tasks = [(setup, start, stop) for start, stop in _chunks(count, workers)]
    for result in executor.map(_walk_chunk, tasks):
        tally.merge(result.tally)
        walked.append(result)
        advance(result.tally.schools)
    # Phase 2: the complete applications in order of receipt, against the budget.
    granted = _decisions(walked, setup.rules.subsidy_amount, budget)
    # Phase 3: each decided school on to its end.
    decisions = [
        _Decide(
            setup,
            result.pending,
            tuple(waiting.index in granted for waiting in result.pending),
            result.carried,
        )
        for result in walked
        if result.pending
    ]
    del walked
    for decided, part in zip(decisions, executor.map(_decide_chunk, decisions), strict=True):
        tally.merge(part)
        advance(len(decided.pending))
    return tally


def _decisions(walked: Iterable[_Walked], amount: Decimal, budget: Decimal | None) -> set[int]:
    """The indices of the schools granted: in order of receipt while the budget lasts."""
    waiting = sorted(
        (pending for result in walked for pending in result.pending),
        key=lambda pending: (pending.submitted_at, pending.index),
    )
    # A budget that covers every application grants them all; below that, the number
    # that fits is less than the applications waiting (exact in decimal arithmetic,
    # however small the amount).
    if budget is None or amount <= 0 or budget >= amount * len(waiting):
        return {pending.index for pending in waiting}
    fits = int(budget // amount)
    return {pending.index for pending in waiting[:fits]}


def default_processes() -> int:
    """The number of processes that uses every core: ``os.cpu_count()``."""
    return os.cpu_count() or 1
