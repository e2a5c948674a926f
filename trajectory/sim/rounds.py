"""Simulate a round on the funder's side: school boards apply for one or more locations,
and the :class:`~trajectory.Office` receives, completes and decides their applications
until the budget ceiling refuses.

:func:`simulate_round` walks one round (SPEC §7) in the order a programme office meets
it, on a store (an in-memory one by default):

1. every board composes its application: one to three locations (``locations``), each a
   leertraject walked to its application by a
   :class:`~trajectory.ontwikkelkracht.walker.Walker`;
2. the applications are received inside the window, in the order of their moments of
   receipt; a share of them (``last_day``) on the window's last day, so that
   applications tie on the same day and, where the budget does not cover them all, a
   lottery orders them;
3. after the window has closed the funder asks some for completion; most are completed
   within the term, the rest are not considered; a few boards withdraw;
4. the complete applications are decided in order of receipt
   (:meth:`~trajectory.Office.in_order_of_receipt`), ``decisions_per_day`` on every
   working day: granted while the ceiling allows, partly granted where it covers some
   locations, rejected with ``budget.exhausted`` where it covers none (and a few
   rejected on their content, ``rejected``);
5. some boards object to a rejection; an upheld objection grants the rejected
   locations if the budget allows, else it is dismissed.

Everything random comes from ``seed``, the lotteries' seeds too (the Office's
``seeds``), and every id is derived from the board's number: the same seed gives the
same report. The report's figures are read from the store when the round is over.

>>> from structlog.testing import capture_logs
>>> with capture_logs():
...     report = simulate_round(6, seed=3, ceiling="106000")
>>> report.boards, report.ledger.committed <= report.ledger.ceiling
(6, True)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs
from rich import box
from rich.console import Console
from rich.table import Table

from trajectory.engine.errors import InvalidData, PreconditionFailed, wrong_type
from trajectory.engine.fields import describe
from trajectory.engine.history import ManualClock
from trajectory.ontwikkelkracht.application import Outcome
from trajectory.ontwikkelkracht.bootstrap import programme as default_programme
from trajectory.ontwikkelkracht.ledger import ledger_id, open_ledger
from trajectory.ontwikkelkracht.rounds import MAX_SEED, Round
from trajectory.ontwikkelkracht.school import NETHERLANDS, School
from trajectory.ontwikkelkracht.walker import Walker, example_school
from trajectory.store.base import Store
from trajectory.store.errors import TrajectoryNotFound

if TYPE_CHECKING:
    from trajectory.office.office import Application, Office

__all__ = [
    "BUDGET_EXHAUSTED",
    "MAX_BOARDS",
    "OUTCOMES",
    "DrawnLottery",
    "RoundLedger",
    "RoundProbabilities",
    "RoundReport",
    "simulate_round",
]

#: The code and reason of a rejection for the budget ceiling.
BUDGET_EXHAUSTED: Final = "budget.exhausted"
#: The most boards one simulated round takes.
MAX_BOARDS: Final = 10_000
#: The most locations one board applies for.
MAX_LOCATIONS: Final = 50
#: The outcomes an application comes to, in the order the report lists them.
OUTCOMES: Final = ("granted", "partly_granted", "rejected", "not_considered", "withdrawn")

#: The reasons the simulated programme office gives.
_REJECTED: Final = "De aanvraag voldoet niet aan de voorwaarden van de regeling."
_WITHDRAWN: Final = "Het bestuur ziet af van deelname."
_UPHELD: Final = "Het bezwaar is gegrond."
_DISMISSED: Final = "Het bezwaar is ongegrond."
_NO_BUDGET: Final = "Het bezwaar is gegrond, maar het subsidieplafond is bereikt."
_GROUNDS: Final = "Het bestuur is het niet eens met het besluit."


def _chance(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidData(attribute.name, f"expected a chance from 0 to 1, got {describe(value)}")


@attrs.frozen
class RoundProbabilities:
    """How likely each turn of a simulated round is, per application (every value from
    0 to 1).

    ``last_day``: received on the window's last day (the rest at a moment drawn over
    the whole window). ``incomplete``: the funder asks for completion after the window
    has closed; of those, ``completed`` are completed within the term (the rest are not
    considered). ``withdrawn``: the board withdraws before the decision. ``rejected``:
    rejected on its content, whatever the budget. ``objection``: a wholly or partly
    rejected application is objected to; ``upheld``: the objection is upheld (granted
    where the budget allows, else dismissed).
    """

    last_day: float = attrs.field(default=0.3, validator=_chance)
    incomplete: float = attrs.field(default=0.3, validator=_chance)
    completed: float = attrs.field(default=0.8, validator=_chance)
    withdrawn: float = attrs.field(default=0.05, validator=_chance)
    rejected: float = attrs.field(default=0.05, validator=_chance)
    objection: float = attrs.field(default=0.4, validator=_chance)
    upheld: float = attrs.field(default=0.3, validator=_chance)


@attrs.frozen
class RoundLedger:
    """The round's ledger when the simulation was over (euro; ``ceiling`` and
    ``remaining`` are ``None`` for a round without a known ceiling)."""

    ceiling: Decimal | None
    committed: Decimal
    released: Decimal
    remaining: Decimal | None


@attrs.frozen
class DrawnLottery:
    """A lottery the Office drew: the applications tied (by id), its seed, the order
    drawn, and the day."""

    candidates: tuple[str, ...]
    seed: int
    outcome: tuple[str, ...]
    day: dt.date


@attrs.frozen
class RoundReport:
    """What a simulated round came to, read from the store.

    ``applications`` counts the applications per outcome (:data:`OUTCOMES`, as the
    decisions stand after the objections); ``locations_granted`` and
    ``locations_rejected`` count the locations per decision, ``locations_exhausted``
    those rejected for the budget ceiling (``budget.exhausted``). ``granted`` is the
    amount granted, together, ``requested`` the amount the applications asked for.
    ``completions_requested`` and ``completions_completed``: asked for after the window
    closed, and completed within their term. ``decisions_in_term`` and
    ``decisions_late``: decided within the decision term (13 weeks from receipt plus
    the suspended days) or after it. ``application_ids`` are the ids of the
    applications the simulation made, by board.
    """

    boards: int
    seed: int
    round: str
    applications: dict[str, int]
    locations: int
    locations_granted: int
    locations_rejected: int
    locations_exhausted: int
    requested: Decimal
    granted: Decimal
    ledger: RoundLedger
    lotteries: tuple[DrawnLottery, ...]
    completions_requested: int
    completions_completed: int
    objections_lodged: int
    objections_upheld: int
    objections_dismissed: int
    decisions_in_term: int
    decisions_late: int
    application_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: amounts as decimal strings, days ISO dates."""

        def amount(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "boards": self.boards,
            "seed": self.seed,
            "round": self.round,
            "applications": dict(self.applications),
            "locations": self.locations,
            "locations_granted": self.locations_granted,
            "locations_rejected": self.locations_rejected,
            "locations_exhausted": self.locations_exhausted,
            "requested": str(self.requested),
            "granted": str(self.granted),
            "ledger": {
                "ceiling": amount(self.ledger.ceiling),
                "committed": str(self.ledger.committed),
                "released": str(self.ledger.released),
                "remaining": amount(self.ledger.remaining),
            },
            "lotteries": [
                {
                    "candidates": list(drawn.candidates),
                    "seed": drawn.seed,
                    "outcome": list(drawn.outcome),
                    "day": drawn.day.isoformat(),
                }
                for drawn in self.lotteries
            ],
            "completions_requested": self.completions_requested,
            "completions_completed": self.completions_completed,
            "objections_lodged": self.objections_lodged,
            "objections_upheld": self.objections_upheld,
            "objections_dismissed": self.objections_dismissed,
            "decisions_in_term": self.decisions_in_term,
            "decisions_late": self.decisions_late,
            "application_ids": list(self.application_ids),
        }

    def to_table(self, lang: str = "nl") -> Table:
        """The report as rich tables in one grid, in ``lang`` (``"nl"``, the default,
        or ``"en"``): amounts, numbers and days by Babel."""
        from trajectory.ontwikkelkracht.labels import WORDING

        if lang not in _WORDS:
            raise InvalidData("lang", f"expected one of nl, en, got {describe(lang)}")
        words = _WORDS[lang]

        def number(value: int) -> str:
            return WORDING.number(value, lang)

        def euro(value: Decimal | None) -> str:
            return words["unknown"] if value is None else WORDING.amount(value, lang)

        grid = Table.grid()
        grid.title = WORDING.render(
            words["title"],
            {"boards": self.boards, "round": self.round, "seed": self.seed},
            lang,
        )
        grid.title_justify = "left"
        outcomes = _table(words["outcome"], words["applications"])
        for name, count in self.applications.items():
            outcomes.add_row(words[name], number(count))
        grid.add_row(outcomes)
        locations = _table(words["locations"], "")
        locations.add_row(words["locations_all"], number(self.locations))
        locations.add_row(words["locations_granted"], number(self.locations_granted))
        locations.add_row(words["locations_rejected"], number(self.locations_rejected))
        locations.add_row(words["locations_exhausted"], number(self.locations_exhausted))
        grid.add_row(locations)
        ledger = _table(words["ledger"], "")
        ledger.add_row(words["ceiling"], euro(self.ledger.ceiling))
        ledger.add_row(words["requested"], euro(self.requested))
        ledger.add_row(words["committed"], euro(self.ledger.committed))
        ledger.add_row(words["released"], euro(self.ledger.released))
        ledger.add_row(words["remaining"], euro(self.ledger.remaining))
        grid.add_row(ledger)
        steps = _table(words["steps"], "")
        steps.add_row(words["completions_requested"], number(self.completions_requested))
        steps.add_row(words["completions_completed"], number(self.completions_completed))
        steps.add_row(words["objections_lodged"], number(self.objections_lodged))
        steps.add_row(words["objections_upheld"], number(self.objections_upheld))
        steps.add_row(words["objections_dismissed"], number(self.objections_dismissed))
        steps.add_row(words["decisions_in_term"], number(self.decisions_in_term))
        steps.add_row(words["decisions_late"], number(self.decisions_late))
        grid.add_row(steps)
        if self.lotteries:
            lotteries = _table(words["lotteries"], words["tied"], words["seed"])
            for drawn in self.lotteries:
                lotteries.add_row(
                    WORDING.render("{day:date}", {"day": drawn.day}, lang),
                    number(len(drawn.candidates)),
                    str(drawn.seed),
                )
            grid.add_row(lotteries)
        return grid

    def to_text(self, width: int = 88, lang: str = "nl") -> str:
        """The tables as plain text (no colours), ``width`` characters wide, in ``lang``."""
        out = io.StringIO()
        Console(file=out, width=width, color_system=None, legacy_windows=False).print(
            self.to_table(lang)
        )
        return "\n".join(line.rstrip() for line in out.getvalue().rstrip().splitlines()) + "\n"

    def render(self, lang: str = "nl") -> str:
        """The summary as text (:meth:`to_text`, 88 characters wide), in ``lang``."""
        return self.to_text(lang=lang)


def _table(first: str, *figures: str) -> Table:
    table = Table(first, box=box.SIMPLE_HEAD, pad_edge=False)
    table.columns[0].no_wrap = True
    for header in figures:
        table.add_column(header, justify="right", no_wrap=True)
    return table


#: The report's own words, in every language (its figures are worded by Babel).
_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "title": "{boards:plural one:# bestuur|other:# besturen}, {round:text}, seed {seed:text}",
        "outcome": "Uitkomst",
        "applications": "aanvragen",
        "granted": "verleend",
        "partly_granted": "deels verleend",
        "rejected": "afgewezen",
        "not_considered": "buiten behandeling gesteld",
        "withdrawn": "ingetrokken",
        "locations": "Vestigingen",
        "locations_all": "aangevraagd",
        "locations_granted": "verleend",
        "locations_rejected": "afgewezen",
        "locations_exhausted": "  waarvan om het subsidieplafond",
        "ledger": "Subsidieplafond",
        "ceiling": "plafond",
        "requested": "aangevraagd",
        "committed": "toegezegd",
        "released": "vrijgevallen",
        "remaining": "over",
        "unknown": "onbekend",
        "steps": "Termijnen en bezwaar",
        "completions_requested": "aanvulling gevraagd",
        "completions_completed": "aangevuld binnen de termijn",
        "objections_lodged": "bezwaren ingediend",
        "objections_upheld": "bezwaren gegrond (verleend)",
        "objections_dismissed": "bezwaren afgewezen",
        "decisions_in_term": "besloten binnen de beslistermijn",
        "decisions_late": "besloten na de beslistermijn",
        "lotteries": "Loting",
        "tied": "aanvragen",
        "seed": "seed",
    },
    "en": {
        "title": "{boards:plural one:# board|other:# boards}, {round:text}, seed {seed:text}",
        "outcome": "Outcome",
        "applications": "applications",
        "granted": "granted",
        "partly_granted": "partly granted",
        "rejected": "rejected",
        "not_considered": "not considered",
        "withdrawn": "withdrawn",
        "locations": "Locations",
        "locations_all": "applied for",
        "locations_granted": "granted",
        "locations_rejected": "rejected",
        "locations_exhausted": "  of which for the budget ceiling",
        "ledger": "Budget ceiling",
        "ceiling": "ceiling",
        "requested": "requested",
        "committed": "committed",
        "released": "released",
        "remaining": "remaining",
        "unknown": "unknown",
        "steps": "Terms and objections",
        "completions_requested": "completion requested",
        "completions_completed": "completed within the term",
        "objections_lodged": "objections lodged",
        "objections_upheld": "objections upheld (granted)",
        "objections_dismissed": "objections dismissed",
        "decisions_in_term": "decided within the decision term",
        "decisions_late": "decided after the decision term",
        "lotteries": "Lottery",
        "tied": "applications",
        "seed": "seed",
    },
}


# -- the simulation ---------------------------------------------------------------------


def _check_whole(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidData(
            name, f"expected a whole number from {low} to {high}, got {describe(value)}"
        )
    return value


def _check_locations(value: object) -> tuple[int, int]:
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1] <= MAX_LOCATIONS
    ):
        raise InvalidData(
            "locations",
            f"expected the fewest and the most locations per board (low, high), from 1 to "
            f"{MAX_LOCATIONS}, got {describe(value)}",
        )
    return (int(value[0]), int(value[1]))


def _working_day(day: dt.date) -> dt.date:
    """``day``, or the Monday after it when it falls in a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NETHERLANDS)


@attrs.define
class _Run:
    """One simulated round under way: the Office, its clock and the draws."""

    office: Office
    clock: ManualClock
    rng: random.Random
    round: Round
    chances: RoundProbabilities
    completions_requested: int = 0
    completions_completed: int = 0
    objections_lodged: int = 0
    objections_upheld: int = 0
    objections_dismissed: int = 0
    in_term: int = 0
    late: int = 0

    def at_least(self, moment: dt.datetime) -> None:
        """Move the clock on to ``moment`` (never back)."""
        if moment > self.clock():
            self.clock.set(moment)

    def roll(self, chance: float) -> bool:
        return self.rng.random() < chance


def simulate_round(
    boards: int,
    *,
    seed: int = 0,
    round: str = "2024-2025/main",
    ceiling: Decimal | int | str | None = None,
    locations: tuple[int, int] = (1, 3),
    store: Store | None = None,
    probabilities: RoundProbabilities | None = None,
    decisions_per_day: int = 5,
) -> RoundReport:
    """Simulate ``boards`` school boards applying in ``round`` (seeded, reproducible).

    ``ceiling`` (euro) replaces the round's budget ceiling for this simulation (the
    round's own, ``None``, by default); ``locations`` is the fewest and the most
    locations a board applies for (drawn per board); ``store`` defaults to a new
    in-memory store (another store must not hold the round's ledger yet when
    ``ceiling`` is given, nor the simulation's ids); ``probabilities`` defaults to
    :class:`RoundProbabilities`'s; ``decisions_per_day`` is how many applications the
    programme office decides per working day.

    Bad input raises :class:`~trajectory.InvalidData` before anything is made.
    """
    _check_whole("boards", boards, 0, MAX_BOARDS)
    _check_whole("seed", seed, 0, MAX_SEED)
    low, high = _check_locations(locations)
    _check_whole("decisions_per_day", decisions_per_day, 1, 10_000)
    chances = RoundProbabilities() if probabilities is None else probabilities
    if not isinstance(chances, RoundProbabilities):
        raise wrong_type("probabilities", "RoundProbabilities", chances)
    if store is not None and not isinstance(store, Store):
        raise wrong_type("store", "a Store", store)
    chosen = default_programme().round(round)
    if ceiling is not None:
        chosen = attrs.evolve(chosen, ceiling=ceiling)
    rng = random.Random(seed)
    lots = random.Random(rng.getrandbits(64))
    clock = ManualClock(chosen.opens - dt.timedelta(days=1))
    run = functools.partial(
        _simulate,
        boards=boards,
        seed=seed,
        chosen=chosen,
        ceiling=ceiling,
        locations=(low, high),
        chances=chances,
        per_day=decisions_per_day,
        rng=rng,
        lots=lots,
        clock=clock,
    )
    if store is None:
        from trajectory._stores import open_store

        with open_store("memory://", clock=clock) as opened:
            return run(opened)
    return run(store)


def _simulate(
    store: Store,
    *,
    boards: int,
    seed: int,
    chosen: Round,
    ceiling: object,
    locations: tuple[int, int],
    chances: RoundProbabilities,
    per_day: int,
    rng: random.Random,
    lots: random.Random,
    clock: ManualClock,
) -> RoundReport:
    from trajectory.office.office import Office

    def seeds() -> int:
        return lots.getrandbits(63)

    office = Office(store, clock=clock, seeds=seeds)
    run = _Run(office, clock, rng, chosen, chances)
    if ceiling is not None:
        try:
            store.load(ledger_id(chosen.id))
        except TrajectoryNotFound:
            store.save(open_ledger(chosen, clock=clock))
        else:
            raise InvalidData(
                "ceiling", f"the store holds the ledger of {chosen.id} already: its ceiling stands"
            )
    ids = [_compose(run, store, number, locations) for number in range(boards)]
    _receive(run, ids)
    _complete(run, ids)
    _decide(run, per_day)
    _object(run, ids)
    return _report(run, boards, seed, ids)


def _compose(run: _Run, store: Store, number: int, locations: tuple[int, int]) -> str:
    """Board ``number``'s application for its locations, each walked to its application."""
    rng = run.rng
    board = f"{example_school(rng).board} {number + 1}"
    count = rng.randint(*locations)
    ids = []
    for place in range(count):
        school = example_school(rng)
        walker = Walker.start(
            seed=rng.getrandbits(32),
            school=School(name=school.name, sector="po", board=board, brin=school.brin),
            school_year=run.round.school_year,
            id=f"location-{number + 1:05d}-{place + 1}",
        )
        walker.walk_to("application_in_preparation")
        walker.complete_application()
        store.save(walker.trajectory)
        ids.append(walker.trajectory.id)
    made = run.office.new_application(
        board=board, round=run.round.id, locations=ids, id=f"application-{number + 1:05d}"
    )
    return str(made.id)


def _receive(run: _Run, ids: list[str]) -> None:
    """Each application received at a moment inside the window, in their order."""
    opens, closes = run.round.opens, run.round.closes
    last_day = closes.astimezone(NETHERLANDS).date()
    start_of_last = max(opens, _at(last_day, 9))
    moments = {}
    for application in ids:
        low = start_of_last if run.roll(run.chances.last_day) else opens
        span = int((closes - low).total_seconds() // 60)
        moments[application] = low + dt.timedelta(minutes=run.rng.randint(0, span))
    for application in sorted(ids, key=lambda found: (moments[found], found)):
        run.at_least(moments[application])
        run.office.submit(application, received_at=moments[application])


def _complete(run: _Run, ids: list[str]) -> None:
    """After the window: completions asked for, completed or not in time; withdrawals."""
    asked_on = _working_day(run.round.closes.astimezone(NETHERLANDS).date() + dt.timedelta(days=1))
    run.at_least(_at(asked_on, 9))
    asked = [application for application in ids if run.roll(run.chances.incomplete)]
    deadline = asked_on
    for application in asked:
        made = run.office.request_completion(application)
        deadline = made.data.completions[-1].deadline
        run.completions_requested += 1
    days = max((deadline - asked_on).days, 1)
    steps: list[tuple[dt.datetime, str, str]] = []
    for application in asked:
        if run.roll(run.chances.completed):
            day = asked_on + dt.timedelta(days=run.rng.randint(1, days))
            steps.append((_at(day, run.rng.randint(9, 16)), "complete", application))
    for application in ids:
        if run.roll(run.chances.withdrawn):
            day = asked_on + dt.timedelta(days=run.rng.randint(1, days))
            steps.append((_at(day, run.rng.randint(9, 16)), "withdraw", application))
    withdrawn: set[str] = set()
    completed: set[str] = set()
    for moment, kind, application in sorted(steps):
        run.at_least(moment)
        if kind == "withdraw":
            run.office.withdraw(application, reason=_WITHDRAWN)
            withdrawn.add(application)
        elif application not in withdrawn:
            run.office.complete(application)
            completed.add(application)
            run.completions_completed += 1
    run.at_least(_at(deadline + dt.timedelta(days=1), 9))
    for application in asked:
        if application not in withdrawn and application not in completed:
            run.office.not_consider(application)


def _decide(run: _Run, per_day: int) -> None:
    """The complete applications decided in order of receipt, ``per_day`` a working day."""
    office, round_id = run.office, run.round.id
    day = _working_day(run.clock().astimezone(NETHERLANDS).date() + dt.timedelta(days=1))
    done_today = 0
    tries = 0
    # Each application is decided once; a lottery puts another first at most once per
    # tied application: more tries than that is a bug, not a long round.
    limit = 2 * len(office.applications(round_id)) + 10

    def in_order() -> list[str]:
        return [
            found.id for found in office.in_order_of_receipt(round_id) if found.state == "received"
        ]

    # The order changes only when a lottery is drawn: read it again then.
    pending, drawn = in_order(), len(office.ledger(round_id).lotteries)
    while pending:
        tries += 1
        if tries > limit:  # pragma: no cover - a guard
            raise RuntimeError("the simulated round does not come to an end")
        if done_today == per_day:
            day, done_today = _working_day(day + dt.timedelta(days=1)), 0
        run.at_least(_at(day, 9, 5 * done_today))
        head = office.application(pending[0])
        due = head.data.decision_due()
        decided = _decided(run, head)
        lotteries = len(office.ledger(round_id).lotteries)
        if lotteries != drawn or not decided:
            pending, drawn = in_order(), lotteries
        else:
            pending.pop(0)
        if not decided:
            continue
        done_today += 1
        moment = office.application(head.id).data.decided_at
        assert moment is not None  # it was decided just now
        if due is not None and moment.astimezone(NETHERLANDS).date() <= due:
            run.in_term += 1
        else:
            run.late += 1


def _decided(run: _Run, head: Application) -> bool:
    """Decide ``head``: whether it was decided (``False``: a lottery put another first)."""
    office = run.office
    if run.roll(run.chances.rejected):
        office.reject(head.id, reason=_REJECTED)
        return True
    try:
        office.grant(head.id)
    except PreconditionFailed as refused:
        codes = {found.code for found in refused.violations}
        if "order_of_receipt.earlier_pending" in codes:
            return False
        if codes != {BUDGET_EXHAUSTED}:
            raise
        exhausted = {found.location for found in refused.violations}
        if exhausted >= set(head.locations):
            office.reject(head.id, reason=BUDGET_EXHAUSTED, codes=[BUDGET_EXHAUSTED])
        else:
            rejected = dict.fromkeys(sorted(str(found) for found in exhausted), BUDGET_EXHAUSTED)
            office.grant(head.id, rejected=rejected)
    return True


def _object(run: _Run, ids: list[str]) -> None:
    """Objections to some rejections, lodged within the term, then decided."""
    office = run.office
    lodged: list[tuple[dt.datetime, str]] = []
    for application in ids:
        found = office.application(application)
        if found.state != "decided" or found.outcome is Outcome.GRANTED:
            continue
        if run.roll(run.chances.objection):
            assert found.data.decided_at is not None
            days = run.rng.randint(1, 7 * found.data.objection_weeks - 1)
            lodged.append((found.data.decided_at + dt.timedelta(days=days), application))
    decisions: list[tuple[dt.datetime, str, bool]] = []
    for moment, application in sorted(lodged):
        run.at_least(moment)
        office.lodge_objection(application, lodged_at=moment, grounds=_GROUNDS)
        run.objections_lodged += 1
        later = moment + dt.timedelta(days=run.rng.randint(14, 42))
        decisions.append((later, application, run.roll(run.chances.upheld)))
    for moment, application, upheld in sorted(decisions):
        run.at_least(moment)
        if upheld:
            try:
                office.decide_objection(application, upheld=True, reason=_UPHELD)
            except PreconditionFailed as refused:
                if {found.code for found in refused.violations} != {BUDGET_EXHAUSTED}:
                    raise
            else:
                run.objections_upheld += 1
                continue
        office.decide_objection(
            application, upheld=False, reason=_NO_BUDGET if upheld else _DISMISSED
        )
        run.objections_dismissed += 1


def _report(run: _Run, boards: int, seed: int, ids: list[str]) -> RoundReport:
    office = run.office
    outcomes = dict.fromkeys(OUTCOMES, 0)
    granted = rejected = exhausted = locations = 0
    requested = amount = Decimal(0)
    for application in ids:
        found = office.application(application)
        locations += len(found.locations)
        requested += found.requested
        if found.state in ("not_considered", "withdrawn"):
            outcomes[found.state] += 1
            continue
        assert found.outcome is not None
        outcomes[str(found.outcome.value)] += 1
        amount += found.granted
        for location in found.locations:
            decision = found.data.decision(location)
            assert decision is not None
            if decision.granted:
                granted += 1
            else:
                rejected += 1
                if BUDGET_EXHAUSTED in decision.codes or decision.reason == BUDGET_EXHAUSTED:
                    exhausted += 1
    ledger = office.ledger(run.round.id)
    return RoundReport(
        boards=boards,
        seed=seed,
        round=run.round.id,
        applications=outcomes,
        locations=locations,
        locations_granted=granted,
        locations_rejected=rejected,
        locations_exhausted=exhausted,
        requested=requested,
        granted=amount,
        ledger=RoundLedger(ledger.ceiling, ledger.committed, ledger.released, ledger.remaining),
        lotteries=tuple(
            DrawnLottery(
                tuple(str(c) for c in drawn.candidates),
                drawn.seed,
                tuple(str(c) for c in drawn.outcome),
                drawn.drawn_at.astimezone(NETHERLANDS).date(),
            )
            for drawn in ledger.lotteries
        ),
        completions_requested=run.completions_requested,
        completions_completed=run.completions_completed,
        objections_lodged=run.objections_lodged,
        objections_upheld=run.objections_upheld,
        objections_dismissed=run.objections_dismissed,
        decisions_in_term=run.in_term,
        decisions_late=run.late,
        application_ids=tuple(ids),
    )
