"""Rules per school year (subsidieregeling), as data.

One TOML file per school year ships in ``trajectory/ontwikkelkracht/data/rules/``.
Users add or override a year without code: :func:`load_rules` reads a file of
the same form and :func:`register_rules` makes :func:`rules_for` return it.

>>> rules = rules_for("2024-2025")
>>> rules.subsidy_amount, rules.minimum_participants, rules.minimum_hours
(Decimal('21200.00'), 5, Decimal('800'))
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs

from trajectory.engine.conversion import converter, load_toml
from trajectory.engine.errors import InvalidData
from trajectory.ontwikkelkracht.model import TalkKind
from trajectory.ontwikkelkracht.school import SchoolYear, Sector

__all__ = [
    "ApplicationWindow",
    "Rules",
    "load_rules",
    "register_rules",
    "rules_for",
    "shipped_school_years",
]


def _structure_school_year(value: Any, _: type) -> SchoolYear:
    try:
        return SchoolYear.parse(value)
    except InvalidData as err:  # the path is the caller's: report the reason only
        raise ValueError(err.reason) from None


converter.register_structure_hook(SchoolYear, _structure_school_year)
converter.register_unstructure_hook(SchoolYear, str)

_RULES_PACKAGE: Final = "trajectory.ontwikkelkracht.data.rules"


@attrs.frozen
class ApplicationWindow:
    """A period in which applications can be submitted (aanvraagtijdvak)."""

    opens: dt.datetime
    closes: dt.datetime
    label: str = ""

    def __attrs_post_init__(self) -> None:
        if self.closes <= self.opens:
            raise InvalidData(
                "closes", f"a window closes after it opens ({self.opens} – {self.closes})"
            )

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, dt.datetime) and self.opens <= moment <= self.closes


def _at_least(minimum: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InvalidData(attribute.name, f"expected a whole number ≥ {minimum}, got {value!r}")

    return check


@attrs.frozen
class Rules:
    """The rules of one school year.

    Amounts are in euro; hours are hours of staff time (personele ruimte).
    ``confirmed`` is ``False`` where the figures are assumed rather than taken
    from a published source; ``source`` says where they come from.
    """

    school_year: SchoolYear
    confirmed: bool
    source: str
    subsidy_amount: Decimal
    minimum_hours: Decimal
    reimbursed_share: Decimal
    minimum_participants: int = attrs.field(validator=_at_least(1))
    minimum_school_leaders: int = attrs.field(validator=_at_least(0))
    study_moments_minimum: int = attrs.field(validator=_at_least(0))
    study_moments_maximum: int = attrs.field(validator=_at_least(1))
    guidance_moments_minimum: int = attrs.field(validator=_at_least(0))
    core_group_minimum: int = attrs.field(validator=_at_least(1))
    core_group_school_leaders: int = attrs.field(validator=_at_least(0))
    eligible_sectors: frozenset[Sector]
    required_talks: tuple[tuple[TalkKind, ...], ...]
    application_windows: tuple[ApplicationWindow, ...]
    completion_period_days: int = attrs.field(default=14, validator=_at_least(1))
    decision_period_weeks: int = attrs.field(default=13, validator=_at_least(1))
    settlement_policy: str = "pro_rata"
    notes: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.study_moments_maximum < self.study_moments_minimum:
            raise InvalidData(
                "study_moments_maximum",
                f"expected at least study_moments_minimum ({self.study_moments_minimum}), "
                f"got {self.study_moments_maximum}",
            )
        if self.subsidy_amount < 0:
            raise InvalidData("subsidy_amount", f"expected ≥ 0, got {self.subsidy_amount}")
        if self.minimum_hours <= 0:
            raise InvalidData("minimum_hours", f"expected > 0, got {self.minimum_hours}")
        if not 0 <= self.reimbursed_share <= 1:
            raise InvalidData("reimbursed_share", f"expected 0 to 1, got {self.reimbursed_share}")
        if any(not kinds for kinds in self.required_talks):
            raise InvalidData("required_talks", "every requirement needs at least one kind")

    def window_at(self, moment: dt.datetime) -> ApplicationWindow | None:
        """The application window open at ``moment``, if any."""
        for window in self.application_windows:
            if moment in window:
                return window
        return None

    @property
    def hourly_rate(self) -> Decimal:
        """The subsidy per hour of the minimum (amount / minimum hours)."""
        return self.subsidy_amount / self.minimum_hours


def load_rules(source: str | Path) -> Rules:
    """Read a rules file (a path, or TOML text), validated; errors say where.

    The result is not registered: pass it to :func:`register_rules` so that
    :func:`rules_for` and :func:`~trajectory.new_trajectory` use it. The settlement
    policy it names must be registered first.
    """
    rules = load_toml(source, Rules)
    check_rules(rules)
    return rules


def check_rules(rules: Rules) -> None:
    """Refuse rules that cannot be used here: their settlement policy must be registered."""
    # Checked where rules are taken into use, not when a stored trajectory is read:
    # a process without a custom policy can still load trajectories that name it.
    from trajectory.ontwikkelkracht.settlement import settlement_policy

    try:
        settlement_policy(rules.settlement_policy)
    except InvalidData as err:
        raise InvalidData("$.settlement_policy", err.reason) from err


_lock = threading.Lock()
_registered: dict[SchoolYear, Rules] = {}
_shipped: dict[SchoolYear, Rules] = {}


def shipped_school_years() -> tuple[SchoolYear, ...]:
    """The school years whose rules ship with the package."""
    names = (
        entry.name.removesuffix(".toml")
        for entry in resources.files(_RULES_PACKAGE).iterdir()
        if entry.name.endswith(".toml")
    )
    return tuple(sorted(SchoolYear.parse(name) for name in names))


def rules_for(school_year: str | SchoolYear) -> Rules:
    """The rules of ``school_year``: a registered file first, else the shipped one.

    Raises :class:`~trajectory.InvalidData` for a year without rules.
    """
    year = SchoolYear.parse(school_year)
    found = _registered.get(year) or _shipped.get(year)  # a dict read needs no lock
    if found is not None:
        return found
    with _lock:
        found = _registered.get(year) or _shipped.get(year)
        if found is not None:
            return found
        resource = resources.files(_RULES_PACKAGE) / f"{year}.toml"
        if not resource.is_file():
            known = ", ".join(str(y) for y in (*_registered, *shipped_school_years()))
            raise InvalidData(
                "school_year",
                f"no rules for school year {year}; known: {known}. "
                "Load a rules file with load_rules() and register_rules().",
            )
        loaded = load_rules(resource.read_text(encoding="utf-8"))
        if loaded.school_year != year:
            raise InvalidData("school_year", f"{year}.toml holds the rules of {loaded.school_year}")
        _shipped[year] = loaded
        return loaded


def register_rules(rules: Rules | Iterable[Rules]) -> None:
    """Make :func:`rules_for` return ``rules`` for their school year (overriding)."""
    candidate: object = rules
    if isinstance(candidate, Rules):
        batch = [candidate]
    elif isinstance(candidate, list | tuple | set | frozenset):
        batch = list(candidate)
    else:
        raise InvalidData("rules", f"expected Rules or a list of them, got {rules!r}")
    for item in batch:
        if not isinstance(item, Rules):
            raise InvalidData("rules", f"expected Rules, got {item!r}")
    for item in batch:
        check_rules(item)
    with _lock:
        for item in batch:
            _registered[item.school_year] = item


def unregister_rules(school_year: str | SchoolYear) -> None:
    """Forget a registered override; the shipped rules apply again."""
    with _lock:
        _registered.pop(SchoolYear.parse(school_year), None)
