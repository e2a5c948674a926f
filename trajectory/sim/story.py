"""What a simulated school does, as data: the :class:`Story` the simulator walks.

The simulator knows no event of any programme. A school walks its lifecycle with a
:class:`~trajectory.ontwikkelkracht.walker.Walker`: each event is taken with the hint
registered beside it in the programme's registry (or a payload derived from its
payload class), and the story says, as data, which events and when:

- ``path``: the events the school takes in turn, each from the state it is in (the
  first event of the path that leaves that state);
- ``waits``: the days (a range, drawn to the minute) before an event of the path;
- ``branches``: per state, what the school may do there instead, with its chance
  (withdraw, ask for completion …), each at most once a walk, and what follows;
- ``outcomes``: per event, a chance that its payload turns out otherwise (a negative
  talk), and what follows;
- ``draws``: per event, values drawn for the hint to read while it is taken
  (``walker.settings``: fewer participants, a share of the hours …);
- ``refusals``: per event, what the school does when it is refused: try again after
  some days, then give up with another event (the violations are counted);
- ``extras``: per event, the chance a school takes it, in every state that allows it,
  along the way (an event added to a definition is simulated so);
- ``decision``: the state in which an application waits for the budget decision,
  the moment of receipt, and the events that grant and refuse it.

:func:`leertraject_story` is the leertraject's story, made from the
:class:`Probabilities` and the rules of the school year:

>>> from trajectory.ontwikkelkracht import rules_for
>>> story = leertraject_story(Probabilities(), rules_for("2024-2025"))
>>> story.path[:3]
('hold_orientation', 'register', 'submit_application')
>>> [branch.step.event for branch in story.branches["application_submitted"]]
['withdraw', 'request_completion']
>>> story.outcomes["hold_orientation"][0].payload
{'conclusion': 'negative'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import describe
from trajectory.ontwikkelkracht.lifecycle import AFTER_GRANT, BEFORE_GRANT
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.walker import MAIN_PATH

__all__ = [
    "BUDGET_EXHAUSTED",
    "DEFAULT",
    "WITHDRAWABLE",
    "Branch",
    "Decision",
    "Draw",
    "Outcome",
    "Probabilities",
    "Refusal",
    "Step",
    "Story",
    "leertraject_story",
]

#: The reason (and the violation code counted) of an application past the ceiling.
BUDGET_EXHAUSTED: Final = "budget.exhausted"

#: The states a school may withdraw in: before the grant it ends ``withdrawn``, after it
#: ``stopped`` (and is then settled on the hours it logged).
WITHDRAWABLE: Final = (*BEFORE_GRANT, *AFTER_GRANT)

#: A range of days, drawn to the minute.
Days = tuple[float, float]


# -- checks ------------------------------------------------------------------------------


def _chance(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= 1  # also refuses NaN
    ):
        raise InvalidData(name, f"expected a probability from 0 to 1, got {describe(value)}")
    return float(value)


def _probability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _chance(attribute.name, value)


def _days(value: object) -> Days:
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] <= value[1] < 10_000
    ):
        raise InvalidData("wait", f"expected a range of days (low, high), got {describe(value)}")
    return (float(value[0]), float(value[1]))


def _name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidData(attribute.name, f"expected a name, got {describe(value)}")


def _payload(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise InvalidData("payload", f"expected payload fields by name, got {describe(value)}")
    return dict(value)


def _in_range(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _chance(attribute.name, value)


def _steps(value: object) -> tuple[Step, ...]:
    if not isinstance(value, tuple | list) or not all(isinstance(s, Step) for s in value):
        raise InvalidData("then", f"expected Steps, got {describe(value)}")
    return tuple(value)


def _path(value: object) -> tuple[str, ...]:
    if (
        not isinstance(value, tuple | list)
        or not value
        or not all(isinstance(e, str) and e for e in value)
    ):
        raise InvalidData("path", f"expected event names, got {describe(value)}")
    return tuple(value)


def _waits(value: object) -> dict[str, Days]:
    if not isinstance(value, Mapping):
        raise InvalidData("waits", f"expected days by event, got {describe(value)}")
    return {str(event): _days(days) for event, days in value.items()}


def _refusals(value: object) -> dict[str, Refusal]:
    if not isinstance(value, Mapping) or not all(isinstance(r, Refusal) for r in value.values()):
        raise InvalidData("refusals", f"expected a Refusal by event, got {describe(value)}")
    return dict(value)


def _extras(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise InvalidData("extras", f"expected a chance by event, got {describe(value)}")
    return {event: _chance(f"extras[{event!r}]", chance) for event, chance in value.items()}


# -- the parts of a story ------------------------------------------------------------------


@attrs.frozen
class Step:
    """An event a school takes, after waiting ``wait`` days (a range), with
    ``payload`` fields replacing those its hint gives."""

    event: str = attrs.field(validator=_name)
    wait: Days = attrs.field(default=(0, 0), converter=_days)
    payload: dict[str, Any] = attrs.field(factory=dict, converter=_payload, hash=False)


@attrs.frozen
class Branch:
    """In a state, with ``chance``, the school takes ``step`` instead of going on
    (at most once a walk); ``then`` follow."""

    chance: float = attrs.field(validator=_in_range)
    step: Step
    then: tuple[Step, ...] = attrs.field(default=(), converter=_steps)


@attrs.frozen
class Outcome:
    """With ``chance``, an event of the path is fired with ``payload`` replacing its
    fields, and ``then`` follow."""

    chance: float = attrs.field(validator=_in_range)
    payload: dict[str, Any] = attrs.field(converter=_payload, hash=False)
    then: tuple[Step, ...] = attrs.field(default=(), converter=_steps)


@attrs.frozen
class Draw:
    """While an event is taken, its hint reads ``walker.settings[name]``: with
    ``chance``, a whole number from ``low`` to ``high`` divided by ``scale`` (100 for a
    share in per cents); otherwise it is not set."""

    name: str = attrs.field(validator=_name)
    chance: float = attrs.field(validator=_in_range)
    low: int
    high: int
    scale: int = 1

    def __attrs_post_init__(self) -> None:
        whole = (self.low, self.high, self.scale)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in whole) or not (
            self.low <= self.high and self.scale > 0
        ):
            raise InvalidData(
                self.name, f"expected whole numbers low ≤ high and scale > 0, got {whole}"
            )


@attrs.frozen
class Refusal:
    """When an event is refused: wait ``retry`` days and take it again, ``retries``
    times; if it is still refused, take ``then`` (its payload's field ``code_field``
    set to the first violation's code, if named)."""

    retry: Days = attrs.field(default=(0, 0), converter=_days)
    retries: int = 0
    then: Step | None = None
    code_field: str | None = None


@attrs.frozen
class Decision:
    """The budget decision: the school waits in ``state``; its application was
    received at its first ``received`` event; ``wait`` days after receipt it is
    granted (``grant``) or refused (``refuse``, the violation ``code`` counted); a
    grant is ``amount`` euro against the budget ceiling."""

    state: str = attrs.field(validator=_name)
    received: str = attrs.field(validator=_name)
    grant: Step
    refuse: Step
    code: str
    wait: Days = attrs.field(converter=_days)
    amount: Decimal


def _by_key(value: object, kind: type, what: str) -> dict[str, tuple[Any, ...]]:
    if not isinstance(value, Mapping):
        raise InvalidData(what, f"expected a mapping, got {describe(value)}")
    found: dict[str, tuple[Any, ...]] = {}
    for key, items in value.items():
        parts = tuple(items) if isinstance(items, tuple | list) else (items,)
        if not isinstance(key, str) or not all(isinstance(i, kind) for i in parts):
            raise InvalidData(
                f"{what}[{key!r}]", f"expected {kind.__name__} objects, got {describe(items)}"
            )
        found[key] = parts
    return found


def _branches(value: object) -> dict[str, tuple[Branch, ...]]:
    return _by_key(value, Branch, "branches")


def _outcomes(value: object) -> dict[str, tuple[Outcome, ...]]:
    return _by_key(value, Outcome, "outcomes")


def _draws(value: object) -> dict[str, tuple[Draw, ...]]:
    return _by_key(value, Draw, "draws")


def _states(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidData("ends", f"expected a collection of state names, got {value!r}")
    return frozenset(value)


@attrs.frozen
class Story:
    """How the schools of a simulation walk a lifecycle (see the module)."""

    path: tuple[str, ...] = attrs.field(converter=_path)
    waits: dict[str, Days] = attrs.field(factory=dict, converter=_waits, hash=False)
    branches: dict[str, tuple[Branch, ...]] = attrs.field(
        factory=dict, converter=_branches, hash=False
    )
    outcomes: dict[str, tuple[Outcome, ...]] = attrs.field(
        factory=dict, converter=_outcomes, hash=False
    )
    draws: dict[str, tuple[Draw, ...]] = attrs.field(factory=dict, converter=_draws, hash=False)
    refusals: dict[str, Refusal] = attrs.field(factory=dict, converter=_refusals, hash=False)
    extras: dict[str, float] = attrs.field(factory=dict, converter=_extras, hash=False)
    decision: Decision | None = None
    #: The states where a school's walk ends besides the lifecycle's final ones (the
    #: leertraject's ``rejected``: a rejection stands, the simulation lodges no objection).
    ends: frozenset[str] = attrs.field(default=frozenset(), converter=_states)

    def events(self) -> set[str]:
        """Every event the story names."""
        steps: list[Step] = []
        for branches in self.branches.values():
            for branch in branches:
                steps += [branch.step, *branch.then]
        for outcomes in self.outcomes.values():
            for outcome in outcomes:
                steps += outcome.then
        for refusal in self.refusals.values():
            steps += [] if refusal.then is None else [refusal.then]
        if self.decision is not None:
            steps += [self.decision.grant, self.decision.refuse]
        named = {*self.path, *self.waits, *self.outcomes, *self.draws, *self.refusals}
        named |= set(self.extras)
        if self.decision is not None:
            named.add(self.decision.received)
        return named | {step.event for step in steps}

    def check(self, lifecycle: Lifecycle[Any]) -> None:
        """:class:`~trajectory.InvalidData` naming the first event or state the story
        names that ``lifecycle`` does not define."""
        for event in sorted(self.events()):
            if event not in lifecycle.events:
                raise InvalidData(
                    "story", f"the lifecycle {lifecycle.name!r} has no event {event!r}"
                )
        states = set(self.branches) | set(self.ends)
        if self.decision is not None:
            states.add(self.decision.state)
        for state in sorted(states):
            if state not in lifecycle.states:
                raise InvalidData(
                    "story", f"the lifecycle {lifecycle.name!r} has no state {state!r}"
                )


# -- the leertraject's story --------------------------------------------------------------


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
        _chance(f"withdrawal[{state!r}]", chance)
    return tuple((state, float(value[state])) for state in WITHDRAWABLE if value.get(state))


def _extra_chances(value: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping) or not all(isinstance(event, str) for event in value):
        raise InvalidData("extras", f"expected a mapping of event to probability, got {value!r}")
    return tuple((event, _chance(f"extras[{event!r}]", value[event])) for event in sorted(value))


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
    ``extras``: per event, the chance a school takes it along the way, in every
    state that allows it (none by default; an event added to the definition, say).
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
    extras: tuple[tuple[str, float], ...] = attrs.field(factory=dict, converter=_extra_chances)

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
        return dict(self.withdrawal).get(state, 0.0)

    def to_dict(self) -> dict[str, Any]:
        """The probabilities as JSON-ready data."""
        found = attrs.asdict(self)
        found["withdrawal"] = dict(self.withdrawal)
        found["extras"] = dict(self.extras)
        return found


#: The default probabilities.
DEFAULT: Final = Probabilities()

#: Why a school withdraws, by the state it withdraws in.
_WITHDRAWN_BECAUSE: Final[Mapping[str, str]] = {
    "orientation_requested": "The school withdrew before the orientation talk.",
    "orientation_held": "The school decided not to register after all.",
    "application_in_preparation": "The school could not free the staff hours.",
    "application_submitted": "The school board withdrew the application.",
    "application_incomplete": "The school board withdrew the application.",
}
_STOPPED_BECAUSE: Final = "The school stopped: the team could not carry it this year."
#: Days before the school withdraws, by the state it withdraws in.
_WITHDRAWAL_WAIT: Final[Mapping[str, Days]] = {
    "orientation_requested": (1, 14),
    "orientation_held": (1, 7),
    "application_in_preparation": (3, 30),
    "application_submitted": (1, 20),
    "application_incomplete": (1, 5),
    "in_progress": (0, 0),  # the hint lets part of the year go by
}


def leertraject_story(probabilities: Probabilities, rules: Rules) -> Story:
    """The leertraject's story with ``probabilities``, under the ``rules`` of the
    school year (its decision period and grant amount)."""
    p = probabilities
    branches: dict[str, list[Branch]] = {}
    for state, chance in p.withdrawal:
        reason = _WITHDRAWN_BECAUSE.get(state, _STOPPED_BECAUSE)
        wait = _WITHDRAWAL_WAIT.get(state, (3, 30))
        branches.setdefault(state, []).append(
            Branch(chance, Step("withdraw", wait, {"reason": reason}))
        )
    branches.setdefault("application_submitted", []).append(
        Branch(
            p.incomplete_application,
            Step("request_completion", (1, 5)),
            then=(Step("complete_application"),),
        )
    )
    return Story(
        path=MAIN_PATH,
        waits={
            "hold_orientation": (0, 18),  # and the hint's three days
            "register": (0, 3),
            "submit_application": (7, 35),
            "start_execution": (5, 20),  # the development plan takes some days
            "deliver_implementation_plan": (5, 25),  # writing the implementation plan
        },
        branches=branches,
        outcomes={
            "hold_orientation": Outcome(
                p.negative_talk,
                {"conclusion": "negative"},
                then=(
                    Step(
                        "decline", (1, 7), {"reason": "The orientation talk concluded negatively."}
                    ),
                ),
            )
        },
        draws={
            "submit_application": (
                Draw("fewer_participants", p.too_few_participants, 1, 4),
                Draw("hours_share", p.too_few_hours, 60, 95, scale=100),
                Draw("plan_parts_missing", p.missing_plan_parts, 1, 3),
                Draw("window_minutes", 1, 1, 600),  # an early school submits once it opens
            ),
            "complete_application": (Draw("days_late", p.completion_late, 1, 10),),
            "hold_closing_talk": (Draw("hours_share", p.fewer_hours, 50, 95, scale=100),),
            "withdraw": (Draw("hours_share", 1, 10, 70, scale=100),),
        },
        refusals={
            "submit_application": Refusal(
                retry=(2, 10),
                retries=1,
                then=Step(
                    "withdraw", (0, 0), {"reason": "The school missed the application window."}
                ),
            ),
            "complete_application": Refusal(then=Step("reject", (0, 3)), code_field="reason"),
        },
        extras=dict(p.extras),
        decision=Decision(
            state="application_submitted",
            received="submit_application",
            grant=Step("grant"),
            refuse=Step("reject", payload={"reason": BUDGET_EXHAUSTED}),
            code=BUDGET_EXHAUSTED,
            wait=(14, max(rules.decision_period_weeks * 7, 14)),
            amount=rules.subsidy_amount,
        ),
        ends=frozenset({"rejected"}),  # a rejection stands: the simulation lodges no objection
    )
