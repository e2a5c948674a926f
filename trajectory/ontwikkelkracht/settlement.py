"""Settlement policies: how much of the granted subsidy is settled (vastgesteld).

The regulation's exact clawback rules were not found in the source documents.
The default policy, ``pro_rata``, is an **assumption**: the full amount when the
logged hours reach the minimum, otherwise the hours logged × the hourly staff cost ×
the reimbursed share, at most the amount granted. The figures are the rules' own:
EUR 21,200 = 800 hours × 0.5 × EUR 53 an hour. It is a pluggable rule: register
another with :func:`register_settlement_policy` and name it in a rules file
(``settlement_policy = "…"``).

>>> from decimal import Decimal
>>> pro_rata(granted=Decimal("21200.00"), hours_required=Decimal(800),
...          hours_logged=Decimal(600), hourly_cost=Decimal(53),
...          reimbursed_share=Decimal("0.5"))
Decimal('15900.00')
"""

from __future__ import annotations

import inspect
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
    """A policy gets, as keyword arguments, the granted amount (euro), the hours
    required and the hours logged, the hourly staff cost (euro) and the share of the
    hours reimbursed (0 to 1) of the rules, and returns the amount settled (in euro)."""

    def __call__(
        self,
        *,
        granted: Decimal,
        hours_required: Decimal,
        hours_logged: Decimal,
        hourly_cost: Decimal,
        reimbursed_share: Decimal,
    ) -> Decimal: ...


#: The keyword arguments a policy is called with.
POLICY_ARGUMENTS: Final = (
    "granted",
    "hours_required",
    "hours_logged",
    "hourly_cost",
    "reimbursed_share",
)

_CENT: Final = Decimal("0.01")


def pro_rata(
    *,
    granted: Decimal,
    hours_required: Decimal,
    hours_logged: Decimal,
    hourly_cost: Decimal,
    reimbursed_share: Decimal,
) -> Decimal:
    """The full amount from the minimum hours on; below it the hours logged × the
    hourly cost × the reimbursed share, at most the amount granted (an assumption).

    With the figures of a rules file, which agree (amount = minimum hours × share ×
    hourly cost), this is the amount pro rata to the hours logged."""
    if hours_logged >= hours_required:
        return granted.quantize(_CENT, ROUND_HALF_UP)
    earned = max(hours_logged, Decimal(0)) * hourly_cost * reimbursed_share
    return min(granted, earned).quantize(_CENT, ROUND_HALF_UP)


def _check_arguments(policy: object) -> None:
    """Refuse a policy that cannot be called with :data:`POLICY_ARGUMENTS`."""
    try:
        signature = inspect.signature(policy)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return
    parameters = signature.parameters.values()
    if any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters):
        return
    taken = {
        parameter.name
        for parameter in parameters
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    }
    missing = [name for name in POLICY_ARGUMENTS if name not in taken]
    required = [
        parameter.name
        for parameter in parameters
        if parameter.default is parameter.empty
        and parameter.kind is not parameter.VAR_POSITIONAL
        and parameter.name not in POLICY_ARGUMENTS
    ]
    if missing or required:
        wrong = [f"it does not take {', '.join(missing)}"] if missing else []
        wrong += [f"it needs {', '.join(required)} as well"] if required else []
        raise InvalidData(
            "policy",
            f"a policy is called with the keyword arguments {', '.join(POLICY_ARGUMENTS)}; "
            + "; ".join(wrong),
        )


_POLICIES: dict[str, SettlementPolicy] = {"pro_rata": pro_rata}


def register_settlement_policy(name: str, policy: SettlementPolicy) -> None:
    """Make ``policy`` available to rules files as ``settlement_policy = name``.

    ``policy`` must take the keyword arguments of :class:`SettlementPolicy`
    (:data:`POLICY_ARGUMENTS`); one that does not is refused with
    :class:`~trajectory.InvalidData`."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidData("name", f"expected a non-blank name, got {name!r}")
    if not callable(policy):
        raise InvalidData("policy", f"expected a callable, got {policy!r}")
    _check_arguments(policy)
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
