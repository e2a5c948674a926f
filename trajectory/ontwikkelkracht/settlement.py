"""Settlement policies: how much of the granted subsidy is settled (vastgesteld).

The regulation's exact clawback rules were not found in the source documents.
The default policy, ``pro_rata``, is an **assumption**: the full amount when the
logged hours reach the minimum, otherwise pro rata to the hours logged. It is a
pluggable rule: register another with :func:`register_settlement_policy` and name
it in a rules file (``settlement_policy = "…"``).

>>> from decimal import Decimal
>>> pro_rata(granted=Decimal("21200.00"), hours_required=Decimal(800),
...          hours_logged=Decimal(600))
Decimal('15900.00')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Protocol

from trajectory.engine.errors import InvalidData

__all__ = [
    "SettlementPolicy",
    "pro_rata",
    "register_settlement_policy",
    "settlement_policy",
    "unregister_settlement_policy",
]


class SettlementPolicy(Protocol):
    """A policy gets the granted amount, the hours required and the hours logged,
    and returns the amount settled (in euro)."""

    def __call__(
        self, *, granted: Decimal, hours_required: Decimal, hours_logged: Decimal
    ) -> Decimal: ...


_CENT: Final = Decimal("0.01")


def pro_rata(*, granted: Decimal, hours_required: Decimal, hours_logged: Decimal) -> Decimal:
    """The full amount from the minimum hours on, pro rata below it (an assumption)."""
    if hours_logged >= hours_required:
        return granted.quantize(_CENT, ROUND_HALF_UP)
    share = max(hours_logged, Decimal(0)) / hours_required
    return (granted * share).quantize(_CENT, ROUND_HALF_UP)


_POLICIES: dict[str, SettlementPolicy] = {"pro_rata": pro_rata}


def register_settlement_policy(name: str, policy: SettlementPolicy) -> None:
    """Make ``policy`` available to rules files as ``settlement_policy = name``."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidData("name", f"expected a non-blank name, got {name!r}")
    if not callable(policy):
        raise InvalidData("policy", f"expected a callable, got {policy!r}")
    _POLICIES[name] = policy


def unregister_settlement_policy(name: str) -> None:
    """Forget a registered policy (``pro_rata`` stays)."""
    if name != "pro_rata":
        _POLICIES.pop(name, None)


def settlement_policy(name: str) -> SettlementPolicy:
    """The policy registered as ``name``."""
    try:
        return _POLICIES[name]
    except KeyError:
        raise InvalidData(
            "settlement_policy",
            f"unknown settlement policy {name!r}; known: {', '.join(sorted(_POLICIES))}",
        ) from None
