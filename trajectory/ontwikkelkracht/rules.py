"""Rules per school year (subsidieregeling), as data.

One TOML file per school year ships in ``trajectory/ontwikkelkracht/data/rules/``;
each is read on first use. The programme's :class:`RulesBook`
(``programme().rules``) holds them. Users add or override a year without code:
:func:`load_rules` reads a file of the same form and :func:`register_rules` makes
:func:`rules_for` return it (both through the programme, see
:func:`~trajectory.ontwikkelkracht.programme`).

>>> rules = rules_for("2024-2025")
>>> rules.subsidy_amount, rules.minimum_participants, rules.minimum_hours
(Decimal('21200.00'), 5, Decimal('800'))

The figures agree with each other: the fixed amount is the minimum hours × the
reimbursed share × the hourly staff cost (EUR 21,200 = 800 × 0.5 × EUR 53).

>>> rules.minimum_hours * rules.reimbursed_share * rules.hourly_cost
Decimal('21200.000')

:class:`Rules` and :class:`ApplicationWindow` validate themselves, so rules built in
Python are held to what a rules file is: finite amounts within bounds, aware
datetimes, whole numbers within bounds, texts within the library's limits; and
their collections are made immutable (tuples, frozensets, frozendicts). Where rules
are taken into use (:func:`load_rules`, :func:`register_rules`,
:func:`~trajectory.new_trajectory` with ``rules=``) they are checked further
(:func:`check_rules`): their figures agree and their settlement policy is
registered. A trajectory read from a store keeps the rules it was made with.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import threading
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

import attrs
from frozendict import frozendict

from trajectory.engine.conversion import read_toml_source, structure
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import (
    Identifier,
    Line,
    Text,
    aware_datetime,
    boolean,
    check_aware,
    check_choice,
    check_identifier,
    check_text,
    decimal_amount,
    describe,
    identifier,
    line,
    text,
    whole_number,
)
from trajectory.ontwikkelkracht.model import TalkKind
from trajectory.ontwikkelkracht.rounds import Round
from trajectory.ontwikkelkracht.school import SchoolYear, Sector

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "ApplicationWindow",
    "Rules",
    "RulesBook",
    "check_rules",
    "legacy_rules_document",
    "load_rules",
    "register_rules",
    "rules_for",
    "shipped_school_years",
    "unregister_rules",
]

_RULES_PACKAGE: Final = "trajectory.ontwikkelkracht.data.rules"

#: A ceiling for an amount in euro (a subsidy, a grant), far above any scheme's:
#: guards against typos.
MAX_AMOUNT: Final = Decimal(10_000_000)
#: A ceiling for the minimum hours of a school year's rules.
MAX_MINIMUM_HOURS: Final = Decimal(1_000_000)
#: A ceiling for the counts in the rules (participants, moments, school leaders).
MAX_COUNT: Final = 10_000
#: A ceiling for the hourly staff cost, in euro.
MAX_HOURLY_COST: Final = Decimal(10_000)
#: The fields a rules file must state although :class:`Rules` has a default for them
#: (the default serves trajectories stored before the field existed).
FILE_FIELDS: Final = ("hourly_cost", "knowledge_sharing_required")
#: The defaults of the payment and settlement figures, for rules written before they
#: were kept (all assumed: see the shipped rules files' ``[assumed]`` tables).
DEFAULT_ADVANCE_SHARE: Final = Decimal("1.00")
DEFAULT_EX_OFFICIO_THRESHOLD: Final = Decimal("25000.00")
DEFAULT_SETTLEMENT_REQUEST_WEEKS: Final = 22
#: Ceilings for the periods in the rules: ten years.
MAX_PERIOD_DAYS: Final = 3_660
MAX_PERIOD_WEEKS: Final = 520


@attrs.frozen
class ApplicationWindow:
    """A period in which applications can be submitted (aanvraagtijdvak); ``opens``
    and ``closes`` are timezone-aware."""

    opens: dt.datetime = attrs.field(validator=aware_datetime)
    closes: dt.datetime = attrs.field(validator=aware_datetime)
    label: Line = attrs.field(default="", validator=line)

    def __attrs_post_init__(self) -> None:
        if self.closes <= self.opens:
            raise InvalidData(
                "closes", f"a window closes after it opens ({self.opens} – {self.closes})"
            )

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, dt.datetime) and self.opens <= moment <= self.closes


def _school_year(value: object) -> SchoolYear:
    return SchoolYear.parse(value)


def _items(value: object, field: str, what: str) -> list[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field, f"expected a list of {what}, got {describe(value)}")
    return list(value)


def _sectors(value: object, field: attrs.Attribute[Any]) -> frozenset[Sector]:
    items = _items(value, field.name, "sectors")
    return frozenset(
        check_choice(Sector, item, f"{field.name}[{index}]") for index, item in enumerate(items)
    )


def _talks(value: object, field: attrs.Attribute[Any]) -> tuple[tuple[TalkKind, ...], ...]:
    """Every requirement: a non-empty tuple of the kinds of talk that fulfil it."""
    found = []
    for index, kinds in enumerate(_items(value, field.name, "requirements")):
        where = f"{field.name}[{index}]"
        options = tuple(
            check_choice(TalkKind, kind, f"{where}[{number}]")
            for number, kind in enumerate(_items(kinds, where, "kinds of talk"))
        )
        if not options:
            raise InvalidData(where, "every requirement needs at least one kind")
        found.append(options)
    return tuple(found)


def _rounds(value: object, field: attrs.Attribute[Any]) -> tuple[Round, ...]:
    rounds = tuple(_items(value, field.name, "rounds"))
    for index, found in enumerate(rounds):
        if not isinstance(found, Round):
            raise InvalidData(f"{field.name}[{index}]", f"expected a Round, got {describe(found)}")
    return rounds


@functools.lru_cache(maxsize=256)
def _windows_of(rounds: tuple[Round, ...]) -> tuple[ApplicationWindow, ...]:
    """The application windows of ``rounds`` (worked out once per set of rounds)."""
    return tuple(ApplicationWindow(r.opens, r.closes, r.label) for r in rounds)


def _assumed(value: object, field: attrs.Attribute[Any]) -> frozendict[str, str]:
    """Field name → where the assumed figure comes from (field names checked by
    :class:`Rules`)."""
    if not isinstance(value, Mapping):
        raise InvalidData(field.name, f"expected a table of field = source, got {describe(value)}")
    return frozendict(
        {
            check_identifier(name, f"{field.name}"): check_text(source, f"{field.name}.{name}")
            for name, source in value.items()
        }
    )


_CENT: Final = Decimal("0.01")
_HALF_CENT: Final = Decimal("0.005")


def _implied_hourly_cost(rules: Rules) -> Decimal:
    """The hourly staff cost the amount, the hours and the share imply (amount /
    (hours × share), to the cent; 0 without a share): the default of rules stored
    before the hourly cost was kept, which agrees with their figures."""
    reimbursed = rules.minimum_hours * rules.reimbursed_share
    if reimbursed == 0:
        return Decimal("0.00")
    return min(rules.subsidy_amount / reimbursed, MAX_HOURLY_COST).quantize(_CENT, ROUND_HALF_UP)


def _notes(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    return tuple(
        check_text(note, f"{field.name}[{index}]")
        for index, note in enumerate(_items(value, field.name, "notes"))
    )


@attrs.frozen
class Rules:
    """The rules of one school year.

    Amounts are in euro; hours are hours of staff time (personele ruimte).
    ``confirmed`` is ``False`` where the figures are assumed rather than taken
    from a published source; ``source`` says where they come from. In a confirmed
    file, ``assumed`` names the figures that are assumed all the same, each with
    where it comes from (the hourly staff cost: the regulation names none).

    ``hourly_cost`` is the staff cost of an hour that the fixed amount assumes:
    ``subsidy_amount`` = ``minimum_hours`` × ``reimbursed_share`` × ``hourly_cost``
    (checked by :func:`check_rules`); left out (rules stored before it was kept), it
    is the cost those figures imply. A rules file must state it.
    ``knowledge_sharing_required``: ``settle`` needs the school to have shared its
    knowledge with other schools.

    Payment and settlement (SPEC §7.4; none of them is in the regulation, so each is
    assumed): ``advance_share`` of the granted amount is paid as an advance at the
    grant; a decision of at most ``ex_officio_threshold`` euro is settled ex officio
    after the school year, a larger one on the board's settlement request, filed within
    ``settlement_request_weeks`` after the school year ends. Rules written before them
    have the defaults 1.00, EUR 25,000 and 22 weeks.
    """

    school_year: SchoolYear = attrs.field(converter=_school_year)
    confirmed: bool = attrs.field(validator=boolean)
    source: Text = attrs.field(validator=text)
    subsidy_amount: Decimal = attrs.field(
        converter=decimal_amount(minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro")  # type: ignore[misc]
    )
    minimum_hours: Decimal = attrs.field(
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_MINIMUM_HOURS, unit="hours", strict_minimum=True
        )
    )
    reimbursed_share: Decimal = attrs.field(
        converter=decimal_amount(minimum=Decimal(0), maximum=Decimal(1), unit="(a share)")  # type: ignore[misc]
    )
    minimum_participants: int = attrs.field(validator=whole_number(1, MAX_COUNT))
    minimum_school_leaders: int = attrs.field(validator=whole_number(0, MAX_COUNT))
    study_moments_minimum: int = attrs.field(validator=whole_number(0, MAX_COUNT))
    study_moments_maximum: int = attrs.field(validator=whole_number(1, MAX_COUNT))
    guidance_moments_minimum: int = attrs.field(validator=whole_number(0, MAX_COUNT))
    core_group_minimum: int = attrs.field(validator=whole_number(1, MAX_COUNT))
    core_group_school_leaders: int = attrs.field(validator=whole_number(0, MAX_COUNT))
    eligible_sectors: frozenset[Sector] = attrs.field(
        converter=attrs.Converter(_sectors, takes_field=True)  # type: ignore[misc]
    )
    required_talks: tuple[tuple[TalkKind, ...], ...] = attrs.field(
        converter=attrs.Converter(_talks, takes_field=True)  # type: ignore[misc]
    )
    rounds: tuple[Round, ...] = attrs.field(
        converter=attrs.Converter(_rounds, takes_field=True)  # type: ignore[misc]
    )
    """The rounds (aanvraagtijdvakken) of the year, each with its window, budget ceiling
    and terms (see :class:`~trajectory.ontwikkelkracht.rounds.Round`)."""
    hourly_cost: Decimal = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_HOURLY_COST, unit="euro", allow_none=True
        ),
    )
    knowledge_sharing_required: bool = attrs.field(default=False, validator=boolean)
    completion_period_days: int = attrs.field(
        default=14, validator=whole_number(1, MAX_PERIOD_DAYS)
    )
    decision_period_weeks: int = attrs.field(
        default=13, validator=whole_number(1, MAX_PERIOD_WEEKS)
    )
    settlement_policy: Identifier = attrs.field(default="pro_rata", validator=identifier)
    advance_share: Decimal = attrs.field(
        default=DEFAULT_ADVANCE_SHARE,
        converter=decimal_amount(minimum=Decimal(0), maximum=Decimal(1), unit="(a share)"),  # type: ignore[misc]
    )
    """The share of the granted amount paid as an advance (voorschot) at the grant."""
    ex_officio_threshold: Decimal = attrs.field(
        default=DEFAULT_EX_OFFICIO_THRESHOLD,
        converter=decimal_amount(minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro"),  # type: ignore[misc]
    )
    """The amount of a decision (every location it grants, together) at or below which
    the funder settles ex officio after the school year; above it the board files a
    settlement request."""
    settlement_request_weeks: int = attrs.field(
        default=DEFAULT_SETTLEMENT_REQUEST_WEEKS, validator=whole_number(1, MAX_PERIOD_WEEKS)
    )
    """The weeks after the end of the school year within which a settlement request
    (aanvraag tot vaststelling) is filed."""
    assumed: Mapping[str, Text] = attrs.field(
        factory=frozendict,
        converter=attrs.Converter(_assumed, takes_field=True),  # type: ignore[misc]
    )
    notes: tuple[Text, ...] = attrs.field(
        default=(),
        converter=attrs.Converter(_notes, takes_field=True),  # type: ignore[misc]
    )

    def __attrs_post_init__(self) -> None:
        if cast("Decimal | None", self.hourly_cost) is None:  # stored before it was kept
            object.__setattr__(self, "hourly_cost", _implied_hourly_cost(self))
        if self.study_moments_maximum < self.study_moments_minimum:
            raise InvalidData(
                "study_moments_maximum",
                f"expected at least study_moments_minimum ({self.study_moments_minimum}), "
                f"got {self.study_moments_maximum}",
            )
        known = _field_names()
        for name in self.assumed:
            if name not in known:
                raise InvalidData(f"assumed.{name}", f"{name!r} is no field of the rules")
        seen: set[str] = set()
        for index, found in enumerate(self.rounds):
            if found.school_year != self.school_year:
                raise InvalidData(
                    f"rounds[{index}].school_year",
                    f"the rules are for {self.school_year}, the round {found.id!r} for "
                    f"{found.school_year}",
                )
            if found.id in seen:
                raise InvalidData(f"rounds[{index}].id", f"a second round named {found.id!r}")
            seen.add(found.id)
        ordered = sorted(self.rounds, key=lambda r: r.opens)
        for before, after in itertools.pairwise(ordered):
            if after.opens <= before.closes:
                raise InvalidData(
                    "rounds",
                    f"the rounds {before.id!r} and {after.id!r} overlap: a moment of receipt "
                    "belongs to one round",
                )

    @property
    def application_windows(self) -> tuple[ApplicationWindow, ...]:
        """The application windows (aanvraagtijdvakken): one per round, in the order of
        the rounds."""
        return _windows_of(self.rounds)

    def round(self, round_id: str) -> Round:
        """The round with ``round_id``; :class:`~trajectory.InvalidData` naming the known
        ones otherwise."""
        for found in self.rounds:
            if found.id == round_id:
                return found
        known = ", ".join(r.id for r in self.rounds) or "none"
        raise InvalidData(
            "round", f"no round {describe(round_id)} in {self.school_year}; known: {known}"
        )

    def round_at(self, moment: dt.datetime) -> Round | None:
        """The round whose window holds ``moment`` (timezone-aware), if any."""
        check_aware(moment, "moment")
        for found in self.rounds:
            if found.opens <= moment <= found.closes:
                return found
        return None

    def window_at(self, moment: dt.datetime) -> ApplicationWindow | None:
        """The application window open at ``moment``, if any."""
        for window in self.application_windows:
            if moment in window:
                return window
        return None

    def is_assumed(self, field: str) -> bool:
        """Whether the figure ``field`` is assumed rather than published: in a file
        that is not confirmed, every figure is; in a confirmed one, those ``assumed``
        names."""
        return not self.confirmed or field in self.assumed

    def disagreement(self) -> str | None:
        """What is wrong when the fixed amount is not the minimum hours × the
        reimbursed share × the hourly cost (to the cent an hour), else ``None``."""
        reimbursed = self.minimum_hours * self.reimbursed_share
        product = reimbursed * self.hourly_cost
        if abs(product - self.subsidy_amount) <= reimbursed * _HALF_CENT:
            return None
        figures = (
            f"{_figure(self.minimum_hours)} hours × {_figure(self.reimbursed_share)} "
            f"reimbursed × EUR {_euro(self.hourly_cost)} an hour = EUR {_euro(product)}, "
            f"not the subsidy amount EUR {_euro(self.subsidy_amount)}"
        )
        if reimbursed == 0:
            return f"{figures}; a share of 0 reimburses nothing"
        implied = (self.subsidy_amount / reimbursed).quantize(_CENT, ROUND_HALF_UP)
        return (
            f"{figures}; that amount implies an hourly cost of EUR {_euro(implied)} "
            "(or change the amount, the minimum hours or the share)"
        )


def _figure(number: Decimal) -> str:
    """``number`` as written, without trailing zeros (800, 0.5)."""
    return f"{number.normalize():f}"


def _euro(amount: Decimal) -> str:
    """An amount in euro with cents and thousands (21,200.00)."""
    return f"{amount.quantize(_CENT, ROUND_HALF_UP):,}"


@functools.cache
def _field_names() -> frozenset[str]:
    return frozenset(field.name for field in attrs.fields(Rules))


#: The source a round converted from an older document's application window names.
LEGACY_ROUND_SOURCE: Final = (
    "converted from an application window of a document written before rounds: "
    "ceiling unknown, terms assumed"
)


def legacy_rules_document(document: Any) -> Any:
    """A rules document as the converter reads it: a round without a school year is
    given the document's; and a document written before rounds (with
    ``application_windows``, no ``rounds``) is given the form of today: each window a
    round, named ``<year>/main`` (the first) and ``<year>/round-2`` … (the others),
    with an unknown ceiling, the year's completion and decision periods where the
    document has them, and every term marked assumed.
    Anything else is given back as it is (the converter then says what is wrong).
    """
    if not isinstance(document, dict):
        return document
    year = document.get("school_year")
    rounds = document.get("rounds")
    if isinstance(rounds, list) and isinstance(year, str):  # a round's year is the file's
        given = [{"school_year": year, **r} if isinstance(r, dict) else r for r in rounds]
        return {**document, "rounds": given}
    if "application_windows" not in document or "rounds" in document:
        return document
    windows = document["application_windows"]
    if not isinstance(windows, list) or not isinstance(year, str):
        return document
    converted = {key: value for key, value in document.items() if key != "application_windows"}
    rounds = []
    for index, window in enumerate(windows):
        if not isinstance(window, dict):
            rounds.append(window)
            continue
        rounds.append(
            {
                **window,
                "school_year": year,
                "id": f"{year}/main" if index == 0 else f"{year}/round-{index + 1}",
                "source": LEGACY_ROUND_SOURCE,
                "completion_days": document.get("completion_period_days", 14),
                "decision_weeks": document.get("decision_period_weeks", 13),
                "assumed": [
                    "completion_days",
                    "decision_weeks",
                    "objection_weeks",
                    "receipt_from_completion",
                    "same_moment",
                ],
            }
        )
    converted["rounds"] = rounds
    return converted


def load_rules(source: str | Path) -> Rules:
    """Read a rules file (a path, or TOML text), validated; errors say where.

    The result is not registered: pass it to :func:`register_rules` so that
    :func:`rules_for` and :func:`~trajectory.new_trajectory` use it. The settlement
    policy it names must be registered first. Read with the programme's converter
    (``programme().rules.load(source)``).
    """
    return _book().load(source)


def check_rules(rules: Rules) -> None:
    """Refuse rules that cannot be used here with :class:`~trajectory.InvalidData`:
    their figures must agree (``subsidy_amount`` = ``minimum_hours`` ×
    ``reimbursed_share`` × ``hourly_cost``, to the cent an hour) and their settlement
    policy must be registered."""
    # Checked where rules are taken into use, not when a stored trajectory is read:
    # a process without a custom policy can still load trajectories that name it,
    # and a trajectory made before the figures were checked keeps its rules.
    from trajectory.ontwikkelkracht.settlement import settlement_policy

    disagreement = rules.disagreement()
    if disagreement is not None:
        raise InvalidData("$.hourly_cost", f"the figures disagree: {disagreement}")
    try:
        settlement_policy(rules.settlement_policy)
    except InvalidData as err:
        raise InvalidData("$.settlement_policy", err.reason) from err


def shipped_school_years() -> tuple[SchoolYear, ...]:
    """The school years whose rules ship with the package."""
    from importlib import resources

    names = (
        entry.name.removesuffix(".toml")
        for entry in resources.files(_RULES_PACKAGE).iterdir()
        if entry.name.endswith(".toml")
    )
    return tuple(sorted(SchoolYear.parse(name) for name in names))


class RulesBook:
    """The rules per school year of a programme: a registered override first, else
    the shipped file of the year, read on first use (with ``converter``, the
    programme's) and kept."""

    def __init__(self, converter: cattrs.Converter) -> None:
        self.converter = converter
        self._lock = threading.Lock()
        self._registered: dict[SchoolYear, Rules] = {}
        self._shipped: dict[SchoolYear, Rules] = {}

    def load(self, source: str | Path) -> Rules:
        """Read a rules file (a path, or TOML text), validated, without registering it
        (see :func:`load_rules`). A file states every figure, :data:`FILE_FIELDS`
        too (:class:`Rules` has defaults for them only for rules stored earlier)."""
        document, name = read_toml_source(source)
        rules = structure(document, Rules, source=name, converter=self.converter)
        missing = [field for field in FILE_FIELDS if field not in document]
        if missing:
            raise InvalidData(
                f"$.{missing[0]}",
                f"required field missing: {', '.join(missing)} (in {name}); "
                "a rules file states every figure it assumes",
            )
        check_rules(rules)
        return rules

    def rules_for(self, school_year: str | SchoolYear) -> Rules:
        """The rules of ``school_year``: a registered file first, else the shipped one.

        Raises :class:`~trajectory.InvalidData` for a year without rules.
        """
        year = SchoolYear.parse(school_year)
        found = self._registered.get(year) or self._shipped.get(year)  # no lock to read
        if found is not None:
            return found
        with self._lock:
            found = self._registered.get(year) or self._shipped.get(year)
            if found is not None:
                return found
            from importlib import resources

            resource = resources.files(_RULES_PACKAGE) / f"{year}.toml"
            if not resource.is_file():
                known = ", ".join(str(y) for y in (*self._registered, *shipped_school_years()))
                raise InvalidData(
                    "school_year",
                    f"no rules for school year {year}; known: {known}. "
                    "Load a rules file with load_rules() and register_rules().",
                )
            loaded = self.load(resource.read_text(encoding="utf-8"))
            if loaded.school_year != year:
                raise InvalidData(
                    "school_year", f"{year}.toml holds the rules of {loaded.school_year}"
                )
            self._shipped[year] = loaded
            return loaded

    def register(self, rules: Rules | Iterable[Rules]) -> None:
        """Make :meth:`rules_for` return ``rules`` for their school year (overriding)."""
        candidate: object = rules
        if isinstance(candidate, Rules):
            batch = [candidate]
        elif isinstance(candidate, list | tuple | set | frozenset):
            batch = list(candidate)
        else:
            raise InvalidData("rules", f"expected Rules or a list of them, got {describe(rules)}")
        for item in batch:
            if not isinstance(item, Rules):
                raise InvalidData("rules", f"expected Rules, got {describe(item)}")
        for item in batch:
            check_rules(item)
        with self._lock:
            for item in batch:
                self._registered[item.school_year] = item

    def unregister(self, school_year: str | SchoolYear) -> None:
        """Forget a registered override; the shipped rules apply again."""
        year = SchoolYear.parse(school_year)
        with self._lock:
            self._registered.pop(year, None)

    def __repr__(self) -> str:
        return f"<RulesBook: {len(self._registered)} registered, {len(self._shipped)} read>"


def _book() -> RulesBook:
    from trajectory.ontwikkelkracht.bootstrap import programme

    return programme().rules


def rules_for(school_year: str | SchoolYear) -> Rules:
    """The rules of ``school_year`` in the programme's rules book: a registered file
    first, else the shipped one (``programme().rules_for(school_year)``).

    Raises :class:`~trajectory.InvalidData` for a year without rules.
    """
    return _book().rules_for(school_year)


def register_rules(rules: Rules | Iterable[Rules]) -> None:
    """Make :func:`rules_for` return ``rules`` for their school year (overriding), in
    the programme's rules book (``programme().rules.register(rules)``)."""
    _book().register(rules)


def unregister_rules(school_year: str | SchoolYear) -> None:
    """Forget a registered override; the shipped rules apply again."""
    _book().unregister(school_year)
