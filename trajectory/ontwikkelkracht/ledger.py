"""The budget ledger of a round: a second lifecycle on the same engine.

One ledger per round (aanvraagtijdvak), kept in the store like a trajectory. Every
grant commits its amount for one location of an application (``commit``); a grant
that would take the committed amount above the round's budget ceiling
(subsidieplafond) is refused with ``budget.exhausted``, carrying the ceiling, the
amount committed, the amount remaining and the amount requested. A withdrawn,
stopped or settled grant releases what it no longer needs (``release``). A lottery
that orders applications received at the same moment is recorded with its seed and
outcome (``draw_lots``), so it is in the round's history and can be drawn again.

The definition is data, ``data/ledger.toml``; the code it names is registered by
:func:`ledger_registry`. The programme builds it (``programme().ledger``)::

    >>> import datetime as dt
    >>> from trajectory import ManualClock
    >>> from trajectory.ontwikkelkracht import open_ledger, programme
    >>> main = programme().round("2024-2025/main")
    >>> clock = ManualClock(dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC))
    >>> ledger = open_ledger(main, clock=clock)
    >>> ledger.id, ledger.data.ceiling
    ('ledger-2024-2025-main', Decimal('2120000.00'))
    >>> _ = ledger.fire("commit", application="A-1", location="12AB00", amount="21200.00")
    >>> ledger.data.committed, ledger.data.remaining
    (Decimal('21200.00'), Decimal('2098800.00'))

Two processes that commit to the same ledger at the same moment both load it at
the same version; the store saves the first and refuses the second with
:class:`~trajectory.ConcurrencyConflict` (optimistic concurrency on the ledger's
version), so together they never commit more than the ceiling: the loser loads the
ledger again and its ``commit`` is judged against what the winner committed.

A ceiling of ``None`` (not known) commits without limit; ``remaining`` is then
``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from trajectory.engine.definition import Context, Lifecycle
from trajectory.engine.errors import InvalidData, wrong_type
from trajectory.engine.fields import Identifier, decimal_amount, describe, identifier
from trajectory.engine.registry import Registry
from trajectory.engine.violations import Violation, ViolationRegistry
from trajectory.ontwikkelkracht.labels import WORDING
from trajectory.ontwikkelkracht.rounds import (
    MAX_CEILING,
    Round,
    check_candidates,
    check_round_id,
    check_seed,
    draw_lots,
)
from trajectory.ontwikkelkracht.school import SchoolYear

if TYPE_CHECKING:
    from trajectory.engine.history import Clock
    from trajectory.engine.runtime import Trajectory
    from trajectory.engine.serialization import Codec

__all__ = [
    "DEFINITION_FILE",
    "LEDGER_VIOLATIONS",
    "CommitBudget",
    "Commitment",
    "DrawLots",
    "Ledger",
    "Lottery",
    "OpenLedger",
    "ReleaseBudget",
    "ledger_id",
    "ledger_registry",
    "load_ledger",
    "open_ledger",
]

#: The ledger's definition file, in ``trajectory.ontwikkelkracht.data``.
DEFINITION_FILE: Final = "ledger.toml"

_ZERO: Final = Decimal(0)
_CENT: Final = Decimal("0.01")


def ledger_id(round_id: str) -> str:
    """The id of the ledger of the round ``round_id``: ``"ledger-"`` and the round id
    with ``/`` as ``-`` (``"2024-2025/main"`` → ``"ledger-2024-2025-main"``).

    One id per round: a round id is a school year of fixed length, ``/`` and a name
    without ``/``, so no two rounds share a ledger id; and the id holds only letters,
    digits and hyphens, so it fits in a URL's path and every store. An id that is no
    round's raises :class:`InvalidData`.
    """
    checked = check_round_id(round_id, "round_id")
    return "ledger-" + checked.replace("/", "-", 1)


# -- the record -----------------------------------------------------------------------------


def _whole_cents(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    """Validator: an amount in whole cents."""
    if value != value.quantize(_CENT):
        raise InvalidData(attribute.name, f"expected an amount in whole cents, got {value}")


#: A positive amount in euro, within the library's limits.
_positive_amount: Final = decimal_amount(
    minimum=_ZERO, maximum=MAX_CEILING, unit="euro", strict_minimum=True
)
#: An amount in euro from 0 (a total released).
_total: Final = decimal_amount(minimum=_ZERO, maximum=MAX_CEILING * 1000, unit="euro")
_ceiling: Final = decimal_amount(
    minimum=_ZERO, maximum=MAX_CEILING, unit="euro", strict_minimum=True, allow_none=True
)


def _school_year(value: object) -> SchoolYear:
    return SchoolYear.parse(value)


def _round_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_round_id(value, attribute.name)


@attrs.frozen
class Commitment:
    """What is committed for one location (``location``) of one application
    (``application``): ``amount`` euro."""

    application: Identifier = attrs.field(validator=identifier)
    location: Identifier = attrs.field(validator=identifier)
    amount: Decimal = attrs.field(converter=_positive_amount, validator=_whole_cents)  # type: ignore[misc]

    @property
    def key(self) -> tuple[str, str]:
        """(application, location)."""
        return (self.application, self.location)


def _ids(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    return check_candidates(value, field.name)


def _seed(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_seed(value, attribute.name)


_candidates: Final = attrs.Converter(_ids, takes_field=True)


@attrs.frozen
class Lottery:
    """A lottery (loting) drawn: the candidates, the seed, the order drawn and when."""

    candidates: tuple[Identifier, ...] = attrs.field(converter=_candidates)  # type: ignore[misc]
    seed: int = attrs.field(validator=_seed)
    outcome: tuple[Identifier, ...] = attrs.field(converter=_candidates)  # type: ignore[misc]
    drawn_at: dt.datetime


def _commitments(value: object, field: attrs.Attribute[Any]) -> tuple[Commitment, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of commitments, got {describe(value)}")
    found = tuple(value)
    keys: set[tuple[str, str]] = set()
    for index, item in enumerate(found):
        if not isinstance(item, Commitment):
            raise InvalidData(
                f"{field.name}[{index}]", f"expected a Commitment, got {describe(item)}"
            )
        if item.key in keys:
            raise InvalidData(f"{field.name}[{index}]", "a second commitment for one location")
        keys.add(item.key)
    return found


def _lotteries(value: object, field: attrs.Attribute[Any]) -> tuple[Lottery, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of lotteries, got {describe(value)}")
    found = tuple(value)
    for index, item in enumerate(found):
        if not isinstance(item, Lottery):
            raise InvalidData(f"{field.name}[{index}]", f"expected a Lottery, got {describe(item)}")
    return found


@attrs.frozen
class Ledger:
    """The budget ledger of one round: its ceiling, what is committed per location of
    an application, what was released, and the lotteries drawn.

    ``committed`` is what the grants hold now (what was released no longer counts);
    ``released`` is all that was released so far; ``remaining`` what the ceiling
    still leaves (``None`` when the ceiling is not known).
    """

    round_id: Identifier = attrs.field(validator=_round_id)
    school_year: SchoolYear = attrs.field(converter=_school_year)
    ceiling: Decimal | None = attrs.field(converter=_ceiling)  # type: ignore[misc]
    commitments: tuple[Commitment, ...] = attrs.field(
        default=(),
        converter=attrs.Converter(_commitments, takes_field=True),  # type: ignore[misc]
    )
    released: Decimal = attrs.field(default=_ZERO, converter=_total)  # type: ignore[misc]
    lotteries: tuple[Lottery, ...] = attrs.field(
        default=(),
        converter=attrs.Converter(_lotteries, takes_field=True),  # type: ignore[misc]
    )

    @property
    def committed(self) -> Decimal:
        """What the grants hold now, together."""
        return sum((c.amount for c in self.commitments), _ZERO)

    @property
    def remaining(self) -> Decimal | None:
        """What the ceiling still leaves (``None`` when the ceiling is not known)."""
        return None if self.ceiling is None else self.ceiling - self.committed

    def commitment(self, application: str, location: str) -> Decimal:
        """What is committed for ``location`` of ``application`` (0 when nothing is)."""
        for found in self.commitments:
            if found.application == application and found.location == location:
                return found.amount
        return _ZERO


# -- the payloads ---------------------------------------------------------------------------


@attrs.frozen
class OpenLedger:
    """The creation of a ledger: the round, its school year and budget ceiling (EUR;
    ``None`` when not known)."""

    round_id: Identifier = attrs.field(validator=_round_id)
    school_year: SchoolYear = attrs.field(converter=_school_year)
    ceiling: Decimal | None = attrs.field(converter=_ceiling)  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        if SchoolYear.parse(self.round_id.split("/", 1)[0]) != self.school_year:
            raise InvalidData(
                "round_id", f"the round {self.round_id!r} is not of {self.school_year}"
            )


@attrs.frozen
class CommitBudget:
    """``commit``: a grant's ``amount`` (EUR) for ``location`` of ``application``."""

    application: Identifier = attrs.field(validator=identifier)
    location: Identifier = attrs.field(validator=identifier)
    amount: Decimal = attrs.field(converter=_positive_amount, validator=_whole_cents)  # type: ignore[misc]


@attrs.frozen
class ReleaseBudget:
    """``release``: ``amount`` (EUR) that ``location`` of ``application`` no longer needs."""

    application: Identifier = attrs.field(validator=identifier)
    location: Identifier = attrs.field(validator=identifier)
    amount: Decimal = attrs.field(converter=_positive_amount, validator=_whole_cents)  # type: ignore[misc]


@attrs.frozen
class DrawLots:
    """``draw_lots``: the ``candidates`` (application ids, at least two) ordered by lot
    with ``seed`` (:func:`~trajectory.ontwikkelkracht.new_seed`). ``outcome`` is the
    order drawn: left out, it is drawn here; given (as a stored event holds it), it
    must be the order the seed draws."""

    candidates: tuple[Identifier, ...] = attrs.field(converter=_candidates)  # type: ignore[misc]
    seed: int = attrs.field(validator=_seed)
    outcome: tuple[Identifier, ...] = attrs.field(default=(), converter=_candidates)  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        if len(self.candidates) < 2:
            raise InvalidData(
                "candidates",
                f"a lottery orders at least two candidates, got {len(self.candidates)}",
            )
        drawn = draw_lots(self.candidates, seed=self.seed)
        if not self.outcome:
            object.__setattr__(self, "outcome", drawn)
        elif self.outcome != drawn:
            raise InvalidData(
                "outcome", f"the seed {self.seed} draws {list(drawn)}, not {list(self.outcome)}"
            )


# -- the violations -------------------------------------------------------------------------

#: The violation types of the ledger, by code.
LEDGER_VIOLATIONS: Final = ViolationRegistry(wording=WORDING)

BUDGET_EXHAUSTED: Final = LEDGER_VIOLATIONS.define(
    "budget.exhausted",
    nl="Het subsidieplafond van {ceiling:EUR} laat dit niet toe: er is al {committed:EUR} "
    "toegezegd, er is nog {remaining:EUR} over en er is {requested:EUR} gevraagd.",
    en="The budget ceiling of {ceiling:EUR} does not allow this: {committed:EUR} is "
    "already committed, {remaining:EUR} is left and {requested:EUR} was requested.",
    description="commit: the amount would take the committed total above the round's "
    "budget ceiling.",
)
COMMITMENT_EXISTS: Final = LEDGER_VIOLATIONS.define(
    "commitment.exists",
    nl="Voor deze vestiging van deze aanvraag is al {committed:EUR} toegezegd.",
    en="{committed:EUR} is already committed for this location of this application.",
    description="commit: the location of the application already holds a commitment.",
)
RELEASE_EXCEEDS_COMMITMENT: Final = LEDGER_VIOLATIONS.define(
    "release.exceeds_commitment",
    nl="Er kan hoogstens {committed:EUR} vrijvallen voor deze vestiging van deze aanvraag; "
    "er is {requested:EUR} gevraagd.",
    en="At most {committed:EUR} can be released for this location of this application; "
    "{requested:EUR} was requested.",
    description="release: more than is committed for the location of the application.",
)


def _shown(amount: Decimal) -> Decimal:
    """An amount as a violation carries it: in cents (``Decimal('2120000.00')``)."""
    return amount.quantize(_CENT)


# -- guards and effects ---------------------------------------------------------------------


def commitment_is_new(data: Ledger, payload: CommitBudget, context: Context) -> list[Violation]:
    """The location of the application holds no commitment yet."""
    held = data.commitment(payload.application, payload.location)
    if held == _ZERO:
        return []
    return [
        COMMITMENT_EXISTS(
            application=payload.application, location=payload.location, committed=_shown(held)
        )
    ]


def within_ceiling(data: Ledger, payload: CommitBudget, context: Context) -> list[Violation]:
    """The amount fits under the ceiling (always, when the ceiling is not known)."""
    remaining = data.remaining
    if remaining is None or payload.amount <= remaining:
        return []
    return [
        BUDGET_EXHAUSTED(
            ceiling=_shown(data.ceiling or _ZERO),
            committed=_shown(data.committed),
            remaining=_shown(remaining),
            requested=_shown(payload.amount),
            application=payload.application,
            location=payload.location,
        )
    ]


def release_within_commitment(
    data: Ledger, payload: ReleaseBudget, context: Context
) -> list[Violation]:
    """No more is released than is committed for the location of the application."""
    held = data.commitment(payload.application, payload.location)
    if payload.amount <= held:
        return []
    return [
        RELEASE_EXCEEDS_COMMITMENT(
            application=payload.application,
            location=payload.location,
            committed=_shown(held),
            requested=_shown(payload.amount),
        )
    ]


def create(payload: OpenLedger, context: Context) -> Ledger:
    """The data of a new ledger: nothing committed."""
    return Ledger(payload.round_id, payload.school_year, payload.ceiling)


def commit_budget(data: Ledger, payload: CommitBudget, context: Context) -> Ledger:
    """Record the commitment."""
    made = Commitment(payload.application, payload.location, payload.amount)
    return attrs.evolve(data, commitments=(*data.commitments, made))


def release_budget(data: Ledger, payload: ReleaseBudget, context: Context) -> Ledger:
    """Lower the commitment by the amount released (drop it at 0); add it to released."""
    kept = []
    for found in data.commitments:
        if found.key == (payload.application, payload.location):
            left = found.amount - payload.amount
            if left > _ZERO:
                kept.append(attrs.evolve(found, amount=left))
        else:
            kept.append(found)
    return attrs.evolve(data, commitments=tuple(kept), released=data.released + payload.amount)


def record_lottery(data: Ledger, payload: DrawLots, context: Context) -> Ledger:
    """Keep the lottery: candidates, seed, outcome and the moment."""
    drawn = Lottery(payload.candidates, payload.seed, payload.outcome, context.now)
    return attrs.evolve(data, lotteries=(*data.lotteries, drawn))


class _Describe:
    """What a store indexes and lists a ledger by: its round and school year."""

    index_keys: Final = ("round", "school_year")

    def __call__(self, data: Ledger) -> dict[str, str | None]:
        return {"round": data.round_id, "school_year": str(data.school_year)}


_describe: Final = _Describe()


def ledger_registry(registry: Registry | None = None, *, violations: bool = True) -> Registry:
    """The code the ledger's definition file names (guards, effects, payloads, the
    creation, the data type, what a store indexes and, with ``violations``, the
    violation types), registered in ``registry`` (default: a new one), which is
    returned.

    A lifecycle built from a registry declares every violation type registered in it,
    so the programme's registry (which builds the leertraject too) names the ledger's
    code without its violation types; the ledger is built from a registry of its own.
    """
    chosen = Registry() if registry is None else registry
    for guard in (commitment_is_new, within_ceiling, release_within_commitment):
        chosen.register_guard(guard.__name__, guard)
    for effect in (commit_budget, release_budget, record_lottery):
        chosen.register_effect(effect.__name__, effect)
    for payload in (OpenLedger, CommitBudget, ReleaseBudget, DrawLots):
        chosen.register_payload(payload)
    chosen.register_creation("open_ledger", create)
    chosen.register_data_type(Ledger)
    chosen.register_describe("ledger", _describe)
    if violations:
        chosen.register_violations(LEDGER_VIOLATIONS)
    return chosen


def load_ledger(registry: Registry, codec: Codec) -> Lifecycle[Ledger]:
    """The ledger lifecycle, built from ``trajectory/ontwikkelkracht/data/ledger.toml``
    with ``registry`` (see :func:`ledger_registry`) and the programme's ``codec``."""
    from importlib import resources

    from trajectory.engine.loader import load_lifecycle

    text = (resources.files("trajectory.ontwikkelkracht.data") / DEFINITION_FILE).read_text(
        encoding="utf-8"
    )
    return load_lifecycle(text, registry, codec=codec)


def open_ledger(
    round: Round | str, *, clock: Clock | None = None, actor: str | None = None
) -> Trajectory[Ledger]:
    """Start the ledger of ``round`` (a :class:`Round`, or a round id looked up in
    the programme's rules), with its budget ceiling and the id :func:`ledger_id`
    gives; ``clock`` defaults to the system clock in UTC. Save it in a store once:
    a second ledger of the same round is refused there
    (:class:`~trajectory.ConcurrencyConflict`, the id exists)."""
    from trajectory.ontwikkelkracht.bootstrap import programme

    built = programme()
    if isinstance(round, str):
        chosen = built.round(round)
    elif isinstance(round, Round):
        chosen = round
    else:
        raise wrong_type("round", "a Round or a round id", round)
    payload = OpenLedger(chosen.id, chosen.school_year, chosen.ceiling)
    return built.ledger.create(payload, clock=clock, id=ledger_id(chosen.id), actor=actor)
