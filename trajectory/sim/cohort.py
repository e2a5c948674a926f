"""Simulate a cohort of schools walking a programme's lifecycle: seeded, reproducible,
parallel.

Each school ``i`` walks with its own :class:`random.Random`, seeded from ``(seed, i)``
only, its own :class:`~trajectory.ontwikkelkracht.walker.Walker` and its own
:class:`~trajectory.engine.history.ManualClock`, so what happens to a school never
depends on the number of processes or on the order they finish in. What a school does
is data, a :class:`~trajectory.sim.story.Story` (by default the leertraject's, made
from the :class:`Probabilities`); each event is taken with the hint registered beside
it in the programme's registry, or a payload derived from its payload class, so an
event added to the definition is simulated without code of its own. The budget
ceiling (subsidieplafond) is the one thing schools share; it is decided in three
phases:

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
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, Protocol, TypeVar

import attrs
import structlog

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData, PreconditionFailed
from trajectory.engine.fields import describe
from trajectory.engine.history import Event, ManualClock
from trajectory.engine.listeners import EventLog
from trajectory.engine.logs import PACKAGE
from trajectory.engine.programme import Programme
from trajectory.engine.registry import Registry
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht.catalog import Catalog, Offer, catalog
from trajectory.ontwikkelkracht.payloads import Created
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules, check_rules, rules_for
from trajectory.ontwikkelkracht.school import NETHERLANDS, SchoolYear, Sector
from trajectory.ontwikkelkracht.walker import Walker, example_school
from trajectory.sim.report import Report, StateDays, Tally
from trajectory.sim.story import (
    BUDGET_EXHAUSTED,
    DEFAULT,
    WITHDRAWABLE,
    Probabilities,
    Step,
    Story,
    leertraject_story,
)

__all__ = [
    "BUDGET_EXHAUSTED",
    "DEFAULT",
    "WITHDRAWABLE",
    "Executor",
    "InProcess",
    "Probabilities",
    "ProgrammeSource",
    "Report",
    "StateDays",
    "Story",
    "default_processes",
    "simulate",
    "simulate_school",
]

_A = TypeVar("_A")
_R = TypeVar("_R")

#: Decimal arithmetic as Python's default: the host's own context never changes a result.
_EXACT: Final = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)

#: The programme a simulation walks: the programme itself (in this process), or a
#: module-level function without arguments that builds it (in any process).
ProgrammeSource = Programme | Callable[[], Programme]


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
    global _QUIET
    if structlog.is_configured() or logging.getLogger(PACKAGE).isEnabledFor(logging.INFO):
        return
    _QUIET = True
    _quiet(_programme(None))


#: Whether this process is a worker of our own pool whose log listener is left out.
_QUIET = False


def _quiet(programme: Programme) -> None:
    """Leave the log listener out of ``programme``'s lifecycles (in a quiet worker)."""
    for lifecycle in programme:
        listeners = lifecycle.listeners
        listeners.after = tuple(f for f in listeners.after if not _logs(f))
        listeners.refused = tuple(f for f in listeners.refused if not _logs(f))


#: The programmes built in this process from a function, by that function.
_BUILT: dict[Callable[[], Programme], Programme] = {}


def _programme(source: ProgrammeSource | None) -> Programme:
    """The programme ``source`` gives (``None``: the process's Ontwikkelkracht
    programme), built once per process."""
    if source is None:
        from trajectory.ontwikkelkracht.bootstrap import programme

        return programme()
    if isinstance(source, Programme):
        return source
    built = _BUILT.get(source)
    if built is None:
        made: object = source()
        if not isinstance(made, Programme):
            raise InvalidData(
                "programme", f"expected the function to build a Programme, got {describe(made)}"
            )
        built = _BUILT[source] = made
        if _QUIET:
            _quiet(built)
    return built


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
    story: Story
    programme: ProgrammeSource | None
    """``None`` for the process's Ontwikkelkracht programme."""
    lifecycle: str
    """The name of the programme's lifecycle the schools walk."""
    finals: frozenset[str]
    """Its final states."""
    ahead: dict[str, str]
    """For each state, the first event of the story's path that leaves it."""
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
    received_at: dt.datetime
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


def _ended(setup: _Setup, trajectory: Trajectory[Leertraject]) -> bool:
    """Whether the school's walk ends here: a final state, or one where the story ends
    it (a rejection stands: the simulation lodges no objection)."""
    return trajectory.state in setup.finals


def _walk(setup: _Setup, start: int, stop: int) -> _Walked:
    tally = Tally()
    pending: list[_Pending] = []
    walkers: list[Walker] = []
    for index in range(start, stop):
        school = _School.begin(setup, index, tally)
        school.walk()
        if _ended(setup, school.walker.trajectory):
            tally.add(school.walker.trajectory)
            continue
        waiting = _Pending(index, school.received_at(), school.walker.clock())
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
            lifecycle, registry = _parts(setup)
            trajectory = lifecycle.replay(history, clock=clock)
            walker = Walker(trajectory, clock, rng, preparations=registry.preparations)
        elif isinstance(carried, tuple):  # the same process: the walker itself
            walker = carried[number]
            walker.rng = rng
        else:  # replay phase 1 with the school's own random numbers
            school = _School.begin(setup, waiting.index, Tally())
            school.walk()
            walker = school.walker
            walker.rng = rng
        _School(setup, walker, tally).decide(waiting, granted=granted)
        tally.add(walker.trajectory)
    return tally


def _decision_rng(seed: int, index: int) -> random.Random:
    """School ``index``'s random numbers from its decision on: its own stream, so a
    school continues the same whether its first phase was shipped or walked again."""
    return random.Random(f"{seed}:{index}:decision")


_NO_WAIT: Final = (0.0, 0.0)
_NO_PAYLOAD: Final[Mapping[str, Any]] = {}


def _plan(lifecycle: Lifecycle[Any], story: Story) -> tuple[frozenset[str], dict[str, str]]:
    """The final states of ``lifecycle``, and for each state the first event of the
    story's path that leaves it (worked out once, with the setup)."""
    ahead: dict[str, str] = {}
    for event in reversed(story.path):
        for state in lifecycle.routes[event]:
            ahead[state] = event
    return lifecycle.final_states | story.ends, ahead


# -- one school --------------------------------------------------------------------------


def _parts(setup: _Setup) -> tuple[Lifecycle[Leertraject], Registry]:
    """The lifecycle the schools walk and the registry of its hints."""
    built = _programme(setup.programme)
    lifecycle: Lifecycle[Leertraject] = built.lifecycle(setup.lifecycle)
    return lifecycle, built.registry


@attrs.define
class _School:
    """One school's walk of the story: what happens is drawn from its own random
    numbers; which events, when and with what is the story's data."""

    setup: _Setup
    walker: Walker
    tally: Tally
    queue: list[Step] = attrs.field(factory=list)
    """Steps to take next (after an outcome or a branch)."""
    taken: set[tuple[str, int]] = attrs.field(factory=set)
    """The branches taken (by state and position): each at most once a walk."""

    @classmethod
    def begin(cls, setup: _Setup, index: int, tally: Tally) -> _School:
        """The school asks for an orientation talk, 3 to 10 weeks before the first
        application window opens."""
        rng = random.Random(f"{setup.seed}:{index}")
        opens = setup.rules.application_windows[0].opens.astimezone(NETHERLANDS)
        minutes = rng.randint(21 * 1440, 70 * 1440)
        clock = ManualClock(opens - dt.timedelta(minutes=minutes))
        lifecycle, registry = _parts(setup)
        school = example_school(rng, rng.choice(setup.sectors))
        created = Created(school, rng.choice(setup.offers), setup.rules.school_year, setup.rules)
        trajectory = lifecycle.create(created, clock=clock, id=f"sim-{setup.seed}-{index}")
        walker = Walker(trajectory, clock, rng, preparations=registry.preparations)
        return cls(setup, walker, tally)

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

    def received_at(self) -> dt.datetime:
        """The moment the waiting application was received: its first receipt event."""
        decision = self.setup.story.decision
        assert decision is not None  # a school waits only for a decision
        for event in self.walker.trajectory.history:
            if event.name == decision.received:
                return event.timestamp
        return self.walker.trajectory.history[0].timestamp

    # -- walking the story

    def walk(self) -> None:
        """Walk the story until a final state, or until the application waits for the
        budget decision."""
        story, walker = self.setup.story, self.walker
        finals, ahead = self.setup.finals, self.setup.ahead
        routes = walker.lifecycle.routes
        extras = story.extras
        decision = story.decision
        while True:
            state = walker.state
            if state in finals:
                return
            if extras:
                for event, chance in extras.items():
                    if state in routes[event] and self.chance(chance):
                        self.take(event, refusable=True)
            branch = self.branch(state) if state in story.branches else None
            if branch is not None:
                self.queue[:0] = branch.then
                step = branch.step
                self.take(step.event, step.wait, step.payload)
                continue
            if self.queue:
                step = self.queue.pop(0)
                self.take(step.event, step.wait, step.payload)
                continue
            if decision is not None and state == decision.state:
                return
            following = ahead.get(state)
            if following is None:
                raise InvalidData("story", f"no event of the story's path leaves {state!r}")
            self.go_on(following)

    def branch(self, state: str) -> Any:
        """The branch the school takes in ``state`` (each drawn in turn), or ``None``."""
        for position, branch in enumerate(self.setup.story.branches.get(state, ())):
            key = (state, position)
            if key not in self.taken and self.chance(branch.chance):
                self.taken.add(key)
                return branch
        return None

    def go_on(self, event: str) -> None:
        """Take ``event`` of the path (or an outcome of it)."""
        story = self.setup.story
        payload: Mapping[str, Any] = _NO_PAYLOAD
        for outcome in story.outcomes.get(event, ()):
            if self.chance(outcome.chance):
                payload = outcome.payload
                self.queue[:0] = outcome.then
                break
        self.take(event, story.waits.get(event, _NO_WAIT), payload)

    def take(
        self,
        event: str,
        wait: tuple[float, float] = (0, 0),
        payload: Mapping[str, Any] = _NO_PAYLOAD,
        *,
        refusable: bool = False,
    ) -> None:
        """Wait ``wait`` days, draw the settings the event's hint reads, take the
        event with ``payload`` over the hint's; a refusal is counted and handled as the
        story says (or only counted, when ``refusable``)."""
        low, high = wait
        if high:
            self.later(low, high)
        walker = self.walker
        draws = self.setup.story.draws.get(event, ())
        for draw in draws:
            if self.chance(draw.chance):
                value = Decimal(self.rng.randint(draw.low, draw.high))
                walker.settings[draw.name] = value / draw.scale if draw.scale != 1 else value
        try:
            walker.take(event, **payload)
            return
        except PreconditionFailed as refused:
            failure = refused
        finally:
            if draws:  # what was drawn holds for this attempt only
                walker.settings.clear()
        codes = self.count(failure)
        if not refusable:
            self.refused(event, payload, codes, failure)

    def count(self, refused: PreconditionFailed) -> list[str]:
        """Count the violations of a refused event; their codes."""
        codes = [violation.code for violation in refused.violations]
        self.tally.violations.update(codes)
        return codes

    def refused(
        self,
        event: str,
        payload: Mapping[str, Any],
        codes: list[str],
        refused: PreconditionFailed,
    ) -> None:
        """Try the refused ``event`` again as the story says, then give up."""
        rule = self.setup.story.refusals.get(event)
        if rule is None:
            raise refused
        for _ in range(rule.retries):
            self.later(*rule.retry)
            try:
                self.walker.take(event, **payload)
                return
            except PreconditionFailed as again:
                codes = self.count(again)
        if rule.then is None:
            raise refused
        then = dict(rule.then.payload)
        if rule.code_field is not None and codes:
            then[rule.code_field] = codes[0]
        self.take(rule.then.event, rule.then.wait, then)

    # -- phase 3: the decision, and the rest of the walk

    def decide(self, waiting: _Pending, *, granted: bool) -> None:
        """The decision (within the decision period), then the walk to its end."""
        decision = self.setup.story.decision
        assert decision is not None
        walker = self.walker
        low, high = decision.wait
        minutes = self.rng.randint(int(low * 1440), int(high * 1440))
        decided = waiting.received_at + dt.timedelta(minutes=minutes)
        if decided > walker.clock():
            walker.clock.set(decided)
        if not granted:
            self.tally.violations[decision.code] += 1
            walker.take(decision.refuse.event, **decision.refuse.payload)
            return
        walker.take(decision.grant.event, **decision.grant.payload)
        self.walk()


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
    programme: ProgrammeSource | None = None,
    lifecycle: str | None = None,
    story: Story | None = None,
) -> Report:
    """Walk ``schools`` schools through the leertraject of ``school_year``; their report.

    ``programme`` (default: :func:`trajectory.ontwikkelkracht.programme`) gives the
    lifecycle the schools walk (``lifecycle``, by name; default: its first) and the
    registry of its events' hints: the programme itself, or, to run it in other
    processes, a module-level function without arguments that builds it. ``story``
    says what the schools do (default: the leertraject's, made from
    ``probabilities``: :func:`~trajectory.sim.story.leertraject_story`).

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
    setup = _setup(
        seed,
        probabilities,
        school_year,
        rules,
        offers,
        continuation,
        pack=crosses,
        source=programme,
        lifecycle=lifecycle,
        story=story,
    )
    decision = setup.story.decision
    if amount is None or decision is None or decision.amount <= 0:  # nothing to wait for
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
            tally,
            seed=seed,
            school_year=str(setup.rules.school_year),
            budget=amount,
            lifecycle=_parts(setup)[0],
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
    programme: ProgrammeSource | None = None,
    lifecycle: str | None = None,
    story: Story | None = None,
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
    setup = _setup(
        seed,
        probabilities,
        school_year,
        rules,
        offers,
        "ship",
        pack=False,
        source=programme,
        lifecycle=lifecycle,
        story=story,
    )
    with decimal.localcontext(_EXACT):
        school = _School.begin(setup, index, Tally())
        school.walk()
        walker = school.walker
        if _ended(setup, walker.trajectory):
            return walker.trajectory
        waiting = _Pending(index, school.received_at(), walker.clock())
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
    source: ProgrammeSource | None = None,
    lifecycle: str | None = None,
    story: Story | None = None,
) -> _Setup:
    """What the schools of a cohort share, checked."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidData("seed", f"expected a whole number, got {seed!r}")
    if not isinstance(probabilities, Probabilities):
        raise InvalidData("probabilities", f"expected Probabilities, got {probabilities!r}")
    if story is not None and not isinstance(story, Story):
        raise InvalidData("story", f"expected a Story, got {describe(story)}")
    if not (source is None or isinstance(source, Programme) or callable(source)):
        raise InvalidData(
            "programme",
            f"expected a Programme or a function that builds one, got {describe(source)}",
        )
    from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht, programme

    if source is programme():
        source = None
    if pack and source is not None:
        try:
            pickle.dumps(source)
        except (pickle.PicklingError, TypeError, AttributeError):
            raise InvalidData(
                "programme",
                "a programme walked in other processes is given as a module-level function "
                "that builds it",
            ) from None
    built = _programme(source)
    chosen = built.lifecycle(lifecycle)
    year = SchoolYear.parse(school_year)
    if rules is None:
        year_rules = (
            built.rules_for(year) if isinstance(built, Ontwikkelkracht) else rules_for(year)
        )
    else:
        year_rules = rules
    if not isinstance(year_rules, Rules) or year_rules.school_year != year:
        raise InvalidData("rules", f"expected the Rules of {year}, got {year_rules!r}")
    check_rules(year_rules)
    if not year_rules.application_windows:
        raise InvalidData("rules", f"the rules of {year} have no application window")
    if offers is None:
        offers = built.catalog if isinstance(built, Ontwikkelkracht) else catalog()
    offered = offers.for_year(year)
    if not offered:
        raise InvalidData("school_year", f"the catalog offers no leertraject in {year}")
    sectors = tuple(s for s in Sector if s in year_rules.eligible_sectors)
    if not sectors:
        raise InvalidData("rules", f"no sector is eligible in {year}")
    walked = leertraject_story(probabilities, year_rules) if story is None else story
    walked.check(chosen)
    finals, ahead = _plan(chosen, walked)
    return _Setup(
        seed,
        year_rules,
        offered,
        sectors,
        walked,
        source,
        chosen.name,
        finals,
        ahead,
        continuation,
        pack,
    )


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
    decision = setup.story.decision
    granted = _decisions(walked, Decimal(0) if decision is None else decision.amount, budget)
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
        key=lambda pending: (pending.received_at, pending.index),
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
