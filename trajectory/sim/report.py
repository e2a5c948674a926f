"""What a simulated cohort came to: the :class:`Report`, and the tally it is made from.

A :class:`Tally` adds up finished trajectories with exact arithmetic only (whole
counts, :class:`~decimal.Decimal` euro and hours, microseconds as whole numbers), so
tallies made in any number of processes, in any order, merge into the same totals:
the same seed gives the same report, whatever the number of processes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections import Counter
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

import attrs
from rich import box
from rich.console import Console
from rich.table import Table

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe
from trajectory.engine.runtime import Trajectory
from trajectory.ontwikkelkracht import lifecycle as _leertraject
from trajectory.ontwikkelkracht.record import Leertraject

__all__ = ["Report", "StateDays", "Tally"]

_MICROSECOND: Final = dt.timedelta(microseconds=1)
_US_PER_DAY: Final = Decimal(86_400_000_000)
_CENT: Final = Decimal("0.01")


@functools.cache
def _state_order(lifecycle: Lifecycle[Any]) -> dict[str, int]:
    """A lifecycle's states in definition order (read once, when first needed)."""
    return {name: index for index, name in enumerate(lifecycle.states)}


def _by_state(names: Mapping[str, Any], lifecycle: Lifecycle[Any]) -> list[str]:
    order = _state_order(lifecycle)
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


#: The states a simulated school's walk ends in besides the final ones: a rejection
#: could be changed on objection, but the simulation lodges none.
STANDING: Final = ("rejected",)


@attrs.define
class Tally:
    """Running totals of finished trajectories (and of the violations met on the way).

    Mergeable and exact: :meth:`merge` in any order gives the same totals.
    """

    schools: int = 0
    final_states: Counter[str] = attrs.field(factory=Counter)
    stopped: int = 0
    granted: int = 0
    violations: Counter[str] = attrs.field(factory=Counter)
    subsidy_granted: Decimal = Decimal(0)
    subsidy_settled: Decimal = Decimal(0)
    hours_planned: Decimal = Decimal(0)
    hours_logged: Decimal = Decimal(0)
    microseconds: Counter[str] = attrs.field(factory=Counter)
    """Per state: the time all trajectories spent in it, in microseconds."""
    visits: Counter[str] = attrs.field(factory=Counter)
    """Per state: how many trajectories spent time in it."""
    events: int = 0

    def add(self, trajectory: Trajectory[Leertraject]) -> None:
        """Count a trajectory that reached its final state."""
        data = trajectory.data
        self.schools += 1
        self.final_states[trajectory.state] += 1
        self.events += trajectory.version
        if data.grant is not None:
            self.granted += 1
            self.subsidy_granted += data.grant.amount
            self.hours_planned += data.planned_hours
            self.hours_logged += data.logged_hours
        if data.settlement is not None:
            self.subsidy_settled += data.settlement.amount_settled
        events = iter(trajectory)
        first = next(events)
        state, since = first.to_state, first.timestamp.astimezone(dt.UTC)
        spent: dict[str, int] = {}
        for event in events:
            if event.to_state != state:
                moment = event.timestamp.astimezone(dt.UTC)  # elapsed time, DST or not
                spent[state] = spent.get(state, 0) + (moment - since) // _MICROSECOND
                state, since = event.to_state, moment
        if "stopped" in spent:
            self.stopped += 1
        microseconds, visits = self.microseconds, self.visits
        for name, elapsed in spent.items():  # Counter.update, without its checks
            microseconds[name] += elapsed
            visits[name] += 1

    def merge(self, other: Tally) -> None:
        """Add ``other``'s totals to these."""
        self.schools += other.schools
        self.final_states.update(other.final_states)
        self.stopped += other.stopped
        self.granted += other.granted
        self.violations.update(other.violations)
        self.subsidy_granted += other.subsidy_granted
        self.subsidy_settled += other.subsidy_settled
        self.hours_planned += other.hours_planned
        self.hours_logged += other.hours_logged
        self.microseconds.update(other.microseconds)
        self.visits.update(other.visits)
        self.events += other.events


@attrs.frozen
class StateDays:
    """The days trajectories spent in one state: in total, and on average per
    trajectory that was in it."""

    trajectories: int
    total: Decimal
    mean: Decimal


def _days(microseconds: int) -> Decimal:
    return (Decimal(microseconds) / _US_PER_DAY).quantize(_CENT, ROUND_HALF_UP)


#: The report's own words, in every language (its figures are worded by Babel and its
#: states by their labels).
_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "title": "{schools:plural one:# school|other:# scholen}, {school_year}, "
        "seed {seed:text}, {budget}",
        "no_budget": "geen subsidieplafond",
        "budget": "subsidieplafond {amount:EUR}",
        "final_state": "Eindfase",
        "schools": "scholen",
        "share": "aandeel",
        "stopped": "  waarvan voortijdig beëindigd",
        "money": "Subsidie en uren",
        "granted": "aanvragen toegekend",
        "subsidy_granted": "subsidie verleend",
        "subsidy_settled": "subsidie vastgesteld",
        "hours_planned": "uren gepland (toegekende scholen)",
        "hours_logged": "uren verantwoord (toegekende scholen)",
        "events": "gebeurtenissen vastgelegd",
        "violation": "Blokkade (code)",
        "times": "keer",
        "days": "Dagen per fase",
        "mean": "gemiddeld",
        "total": "totaal",
    },
    "en": {
        "title": "{schools:plural one:# school|other:# schools}, {school_year}, "
        "seed {seed:text}, {budget}",
        "no_budget": "no budget ceiling",
        "budget": "budget ceiling {amount:EUR}",
        "final_state": "Final state",
        "schools": "schools",
        "share": "share",
        "stopped": "  of which stopped early",
        "money": "Subsidy and hours",
        "granted": "applications granted",
        "subsidy_granted": "subsidy granted",
        "subsidy_settled": "subsidy settled",
        "hours_planned": "hours planned (granted schools)",
        "hours_logged": "hours logged (granted schools)",
        "events": "events recorded",
        "violation": "Violation met (code)",
        "times": "times",
        "days": "Days in state",
        "mean": "mean",
        "total": "total",
    },
}


_BABEL_LOCALES: Final = {"nl": "nl_NL", "en": "en_GB"}


def _days_shown(days: Decimal, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(days, "#,##0.00", locale=_BABEL_LOCALES[lang])


def _share(part: int, whole: int, lang: str) -> str:
    if not whole:
        return "–"
    from babel.numbers import format_percent

    share = Decimal(part) / Decimal(whole)
    return format_percent(share, "#,##0.0%", locale=_BABEL_LOCALES[lang])


def _table(first: str, *figures: str) -> Table:
    table = Table(first, box=box.SIMPLE_HEAD, pad_edge=False)
    table.columns[0].no_wrap = True
    for header in figures:
        table.add_column(header, justify="right", no_wrap=True)
    return table


@attrs.frozen
class Report:
    """The outcome of a simulated cohort.

    ``final_states`` counts the schools per final state (every final state listed,
    and ``rejected``: a rejection stands, the simulation lodges no objection);
    ``stopped`` how many of the settled ones stopped early; ``violations`` how often
    each violation code was met (each violation of a refused event counts once;
    ``budget.exhausted`` once per application rejected for the budget ceiling);
    ``subsidy_granted`` and ``subsidy_settled`` are in euro; ``hours_planned`` and
    ``hours_logged`` are those of the granted trajectories; ``days_in_state`` gives,
    per state, the days spent in it, from the events' timestamps.
    """

    schools: int
    seed: int
    school_year: str
    budget: Decimal | None
    final_states: dict[str, int]
    stopped: int
    granted: int
    violations: dict[str, int]
    subsidy_granted: Decimal
    subsidy_settled: Decimal
    hours_planned: Decimal
    hours_logged: Decimal
    days_in_state: dict[str, StateDays]
    events: int

    @classmethod
    def from_tally(
        cls,
        tally: Tally,
        *,
        seed: int,
        school_year: str,
        budget: Decimal | None,
        lifecycle: Lifecycle[Any] | None = None,
    ) -> Report:
        """The report of a finished cohort's totals, whose schools walked
        ``lifecycle`` (default: the leertraject's): its final states, its states in
        definition order."""
        walked = _leertraject.LIFECYCLE if lifecycle is None else lifecycle
        states = walked.states
        finals = [name for name, state in states.items() if state.final or name in STANDING]
        return cls(
            schools=tally.schools,
            seed=seed,
            school_year=school_year,
            budget=budget,
            final_states={name: tally.final_states.get(name, 0) for name in finals},
            stopped=tally.stopped,
            granted=tally.granted,
            violations={code: tally.violations[code] for code in sorted(tally.violations)},
            subsidy_granted=tally.subsidy_granted,
            subsidy_settled=tally.subsidy_settled,
            hours_planned=tally.hours_planned,
            hours_logged=tally.hours_logged,
            days_in_state={
                state: StateDays(
                    trajectories=tally.visits[state],
                    total=_days(tally.microseconds[state]),
                    mean=_days(tally.microseconds[state] // tally.visits[state]),
                )
                for state in _by_state(tally.visits, walked)
            },
            events=tally.events,
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: amounts, hours and days as decimal strings."""
        return {
            "schools": self.schools,
            "seed": self.seed,
            "school_year": self.school_year,
            "budget": None if self.budget is None else str(self.budget),
            "final_states": dict(self.final_states),
            "stopped": self.stopped,
            "granted": self.granted,
            "violations": dict(self.violations),
            "subsidy_granted": str(self.subsidy_granted),
            "subsidy_settled": str(self.subsidy_settled),
            "hours_planned": str(self.hours_planned),
            "hours_logged": str(self.hours_logged),
            "days_in_state": {
                state: {
                    "trajectories": days.trajectories,
                    "total": str(days.total),
                    "mean": str(days.mean),
                }
                for state, days in self.days_in_state.items()
            },
            "events": self.events,
        }

    def to_table(self, lang: str = "nl") -> Table:
        """The report as rich tables (outcomes, money and hours, violations, days per
        state) in one grid, for a terminal, in ``lang`` (``"nl"``, the default, or
        ``"en"``): states by their labels, amounts, numbers and shares by Babel."""
        from trajectory.ontwikkelkracht.labels import WORDING

        if lang not in _WORDS:
            raise InvalidData("lang", f"expected one of nl, en, got {describe(lang)}")
        words = _WORDS[lang]

        def number(value: Decimal | int) -> str:
            return WORDING.number(value, lang)

        def euro(value: Decimal) -> str:
            return WORDING.amount(value, lang)

        def state(name: str) -> str:
            return WORDING.label("state", name, lang)

        budget = (
            words["no_budget"]
            if self.budget is None
            else WORDING.render(words["budget"], {"amount": self.budget}, lang)
        )
        grid = Table.grid()
        grid.title = WORDING.render(
            words["title"],
            {
                "schools": self.schools,
                "school_year": self.school_year,
                "seed": self.seed,
                "budget": budget,
            },
            lang,
        )
        grid.title_justify = "left"
        outcomes = _table(words["final_state"], words["schools"], words["share"])
        for name, count in self.final_states.items():
            outcomes.add_row(state(name), number(count), _share(count, self.schools, lang))
            if name == "settled" and self.stopped:
                outcomes.add_row(
                    words["stopped"], number(self.stopped), _share(self.stopped, self.schools, lang)
                )
        grid.add_row(outcomes)
        money = _table(words["money"], "")
        money.add_row(words["granted"], number(self.granted))
        money.add_row(words["subsidy_granted"], euro(self.subsidy_granted))
        money.add_row(words["subsidy_settled"], euro(self.subsidy_settled))
        money.add_row(words["hours_planned"], number(self.hours_planned))
        money.add_row(words["hours_logged"], number(self.hours_logged))
        money.add_row(words["events"], number(self.events))
        grid.add_row(money)
        if self.violations:
            violations = _table(words["violation"], words["times"])
            for code, count in self.violations.items():
                violations.add_row(code, number(count))
            grid.add_row(violations)
        if self.days_in_state:
            days = _table(words["days"], words["schools"], words["mean"], words["total"])
            for name, spent in self.days_in_state.items():
                days.add_row(
                    state(name),
                    number(spent.trajectories),
                    _days_shown(spent.mean, lang),
                    _days_shown(spent.total, lang),
                )
            grid.add_row(days)
        return grid

    def to_text(self, width: int = 88, lang: str = "nl") -> str:
        """The table as plain text (no colours), ``width`` characters wide, in ``lang``."""
        out = io.StringIO()
        Console(file=out, width=width, color_system=None, legacy_windows=False).print(
            self.to_table(lang)
        )
        return "\n".join(line.rstrip() for line in out.getvalue().rstrip().splitlines()) + "\n"
