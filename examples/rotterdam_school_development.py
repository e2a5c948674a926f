"""Rotterdam, Kwaliteit door schoolontwikkeling: support as a lifecycle written as data.

The definition is ``rotterdam_school_development.toml`` beside this file; this script
registers the code it names (payload classes, guards, guard factories, effects and
the creation) and walks four schools through it: an application for the municipal
school-development budget through the school board (granted), one from a sector the
budget is not for, one of a school for special secondary education (vso) refused
because the year's budget is spent, and a school of concern through 'Werken aan sterke
scholen' (analysis, external experts matched, tailored support, result). Run with
``python examples/rotterdam_school_development.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from _walkthrough import step  # beside this file: fire an event, print the step

from trajectory import (
    Context,
    ManualClock,
    Registry,
    Trajectory,
    Violation,
    load_lifecycle,
)
from trajectory.engine import Guard

DEFINITION = Path(__file__).with_suffix(".toml")
REGISTRY = Registry()

SECTOR_NOT_ELIGIBLE = REGISTRY.violations.define(
    "school.sector_not_eligible",
    nl="Het schoolontwikkelingsbudget is voor scholen in het {sectors}; {school} is {sector}.",
    en="The school-development budget is for schools in {sectors}; {school} is {sector}.",
    description="apply_for_budget: the school is not in po, so, vso or vo.",
)
NO_INVESTMENTS = REGISTRY.violations.define(
    "application.no_investments",
    nl="Noem eerst minimaal één investering, met het gevraagde bedrag.",
    en="Name at least one investment, with the amount asked, first.",
    description="endorse, submit: the application names no investment.",
)
WRONG_BOARD = REGISTRY.violations.define(
    "endorsement.wrong_board",
    nl="{board} is niet het bestuur van {school}; dat is {expected}.",
    en="{board} is not the board of {school}; that is {expected}.",
    description="endorse: the school applies through its own school board.",
)
ENDORSEMENT_MISSING = REGISTRY.violations.define(
    "endorsement.missing",
    nl="Het schoolbestuur heeft de aanvraag zoals die nu is niet onderschreven.",
    en="The school board has not endorsed the application as it stands.",
    description="submit: no endorsement by the board, or investments added after it.",
)
ABOVE_REQUEST = REGISTRY.violations.define(
    "grant.above_request",
    nl="Toekenning van {amount:EUR} is meer dan de gevraagde {requested:EUR}.",
    en="A grant of {amount:EUR} is more than the {requested:EUR} asked for.",
    description="grant: more than the school asked for.",
)
BUDGET_EXCEEDED = REGISTRY.violations.define(
    "budget.exceeded",
    nl=(
        "Toekenning van {amount:EUR} past niet in het jaarbudget van {budget:EUR}: "
        "dit jaar is al {granted:EUR} toegekend."
    ),
    en=(
        "A grant of {amount:EUR} does not fit the yearly budget of {budget:EUR}: "
        "{granted:EUR} is granted already this year."
    ),
    description="grant: the year's school-development budget would be exceeded.",
)
REASON_MISSING = REGISTRY.violations.define(
    "rejection.reason_missing",
    nl="Geef de reden van de afwijzing.",
    en="Give the reason for the rejection.",
    description="reject: no reason given.",
)
NO_CONCERN = REGISTRY.violations.define(
    "strong_schools.no_concern",
    nl=(
        "'Werken aan sterke scholen' is voor scholen waarvan de kwaliteit direct zorgen "
        "baart; {school} heeft het oordeel '{judgement}' en er is geen zorg vastgelegd."
    ),
    en=(
        "'Werken aan sterke scholen' is for schools whose quality is of direct concern; "
        "{school} is judged '{judgement}' and no concern is recorded."
    ),
    description="enter_strong_schools: neither a judgement below 'voldoende' nor a concern.",
)
NO_CHALLENGES = REGISTRY.violations.define(
    "analysis.no_challenges",
    nl="De analyse noemt nog geen uitdagingen van de school.",
    en="The analysis names no challenges of the school yet.",
    description="record_analysis: no challenge named.",
)
CHALLENGE_UNMATCHED = REGISTRY.violations.define(
    "experts.challenge_unmatched",
    nl="Er is geen externe expert gematcht met de uitdaging '{challenge}'.",
    en="No external expert is matched with the challenge '{challenge}'.",
    description="match_experts: a challenge of the analysis has no expert.",
)
CHALLENGE_UNKNOWN = REGISTRY.violations.define(
    "experts.challenge_unknown",
    nl="'{challenge}' ({expert}) is geen uitdaging uit de analyse.",
    en="'{challenge}' ({expert}) is not a challenge the analysis found.",
    description="match_experts: an expert for a challenge the analysis did not find.",
)
NOT_MATCHED = REGISTRY.violations.define(
    "support.not_matched",
    nl="Voor '{challenge}' is geen expert gematcht.",
    en="No expert is matched with '{challenge}'.",
    description="deliver_support: the challenge has no matched expert.",
)
CHALLENGE_UNSUPPORTED = REGISTRY.violations.define(
    "result.challenge_unsupported",
    nl="Op '{challenge}' is nog geen maatwerk geleverd.",
    en="No tailored support has been delivered on '{challenge}' yet.",
    description="record_result: a challenge without support.",
)
RESULT_MISSING = REGISTRY.violations.define(
    "result.missing",
    nl="Beschrijf het resultaat van de ondersteuning.",
    en="Describe the result of the support.",
    description="record_result: no result described.",
)

#: The Inspectie's judgements of a school, from high to low.
JUDGEMENTS = ("goed", "voldoende", "onvoldoende", "zeer zwak")


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{attribute.name}: expected a whole number of euros above 0, got {value!r}"
        )


# -- the data and the payloads ------------------------------------------------------------


@REGISTRY.payload()
@attrs.frozen
class RequestSupport:
    """The creation: the school, its sector and board, and its Inspectie judgement."""

    school: str
    sector: str
    board: str
    judgement: str = attrs.field(default="voldoende", validator=attrs.validators.in_(JUDGEMENTS))


@attrs.frozen
class Investment:
    """What the school invests in, and the amount it asks for it."""

    purpose: str
    amount: int


@attrs.frozen
class Support:
    """One school's request for support, on either route."""

    school: str
    sector: str
    board: str
    judgement: str
    investments: tuple[Investment, ...] = ()
    endorsed_by: str | None = None
    granted: int | None = None
    rejection: str | None = None
    concern: str = ""
    challenges: tuple[str, ...] = ()
    experts: tuple[tuple[str, str], ...] = ()
    supported: tuple[str, ...] = ()
    result: str = ""

    @property
    def requested(self) -> int:
        """The amount the application asks for, in whole euros."""
        return sum(investment.amount for investment in self.investments)


@REGISTRY.payload()
@attrs.frozen
class AddInvestment:
    purpose: str
    amount: int = attrs.field(validator=_positive)


@REGISTRY.payload()
@attrs.frozen
class Endorse:
    board: str


@REGISTRY.payload()
@attrs.frozen
class Assess:
    assessment: str


@REGISTRY.payload()
@attrs.frozen
class Grant:
    amount: int = attrs.field(validator=_positive)
    granted_this_year: int = attrs.field(default=0, validator=attrs.validators.ge(0))


@REGISTRY.payload()
@attrs.frozen
class Reject:
    reason: str


@REGISTRY.payload()
@attrs.frozen
class EnterStrongSchools:
    concern: str = ""


@REGISTRY.payload()
@attrs.frozen
class RecordAnalysis:
    challenges: tuple[str, ...]


@REGISTRY.payload()
@attrs.frozen
class MatchExperts:
    experts: tuple[tuple[str, str], ...]  # (challenge, expert)


@REGISTRY.payload()
@attrs.frozen
class DeliverSupport:
    challenge: str
    activity: str


@REGISTRY.payload()
@attrs.frozen
class RecordResult:
    result: str


REGISTRY.register_data_type(Support)
REGISTRY.register_creation(
    "request_support",
    lambda payload, context: Support(
        payload.school, payload.sector, payload.board, payload.judgement
    ),
)


# -- guards ------------------------------------------------------------------------------------


def sector_in(*sectors: str) -> Guard[Support]:
    """The guard of ``apply_for_budget``: the school is in one of ``sectors``."""
    if not sectors or not all(isinstance(sector, str) for sector in sectors):
        raise ValueError(f"expected the names of sectors, got {sectors!r}")

    def guard(data: Support, payload: object, context: Context) -> list[Violation]:
        if data.sector in sectors:
            return []
        return [SECTOR_NOT_ELIGIBLE(sectors=list(sectors), school=data.school, sector=data.sector)]

    return guard


def within_yearly_budget(budget: int) -> Guard[Support]:
    """The guard of ``grant``: what was granted this year and this grant fit ``budget``."""
    if isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
        raise ValueError(f"expected a yearly budget in whole euros, got {budget!r}")

    def guard(data: Support, payload: Grant, context: Context) -> list[Violation]:
        if payload.granted_this_year + payload.amount <= budget:
            return []
        return [
            BUDGET_EXCEEDED(amount=payload.amount, budget=budget, granted=payload.granted_this_year)
        ]

    return guard


def quality_of_concern(*judgements: str) -> Guard[Support]:
    """The guard of ``enter_strong_schools``: the school is judged one of ``judgements``,
    or a concern is recorded."""
    unknown = [judgement for judgement in judgements if judgement not in JUDGEMENTS]
    if not judgements or unknown:
        raise ValueError(f"expected judgements from {JUDGEMENTS!r}, got {judgements!r}")

    def guard(data: Support, payload: EnterStrongSchools, context: Context) -> list[Violation]:
        if data.judgement in judgements or payload.concern.strip():
            return []
        return [NO_CONCERN(school=data.school, judgement=data.judgement)]

    return guard


REGISTRY.register_guard_factory("sector_in", sector_in)
REGISTRY.register_guard_factory("within_yearly_budget", within_yearly_budget)
REGISTRY.register_guard_factory("quality_of_concern", quality_of_concern)


@REGISTRY.guard()
def investments_named(data: Support, payload: object, context: Context) -> list[Violation]:
    return [] if data.investments else [NO_INVESTMENTS()]


@REGISTRY.guard()
def board_of_the_school(data: Support, payload: Endorse, context: Context) -> list[Violation]:
    if payload.board == data.board:
        return []
    return [WRONG_BOARD(board=payload.board, school=data.school, expected=data.board)]


@REGISTRY.guard()
def board_endorsement_present(data: Support, payload: object, context: Context) -> list[Violation]:
    return [] if data.endorsed_by == data.board else [ENDORSEMENT_MISSING()]


@REGISTRY.guard()
def within_request(data: Support, payload: Grant, context: Context) -> list[Violation]:
    if payload.amount <= data.requested:
        return []
    return [ABOVE_REQUEST(amount=payload.amount, requested=data.requested)]


@REGISTRY.guard()
def reason_given(data: Support, payload: Reject, context: Context) -> list[Violation]:
    return [] if payload.reason.strip() else [REASON_MISSING()]


@REGISTRY.guard()
def challenges_named(data: Support, payload: RecordAnalysis, context: Context) -> list[Violation]:
    return [] if any(c.strip() for c in payload.challenges) else [NO_CHALLENGES()]


@REGISTRY.guard()
def experts_match_challenges(
    data: Support, payload: MatchExperts, context: Context
) -> list[Violation]:
    matched = {challenge for challenge, _ in payload.experts}
    found: list[Violation] = [
        CHALLENGE_UNMATCHED(challenge=challenge)
        for challenge in data.challenges
        if challenge not in matched
    ]
    found += [
        CHALLENGE_UNKNOWN(challenge=challenge, expert=expert)
        for challenge, expert in payload.experts
        if challenge not in data.challenges
    ]
    return found


@REGISTRY.guard()
def expert_matched(data: Support, payload: DeliverSupport, context: Context) -> list[Violation]:
    if any(challenge == payload.challenge for challenge, _ in data.experts):
        return []
    return [NOT_MATCHED(challenge=payload.challenge)]


@REGISTRY.guard()
def every_challenge_supported(
    data: Support, payload: RecordResult, context: Context
) -> list[Violation]:
    return [
        CHALLENGE_UNSUPPORTED(challenge=challenge)
        for challenge in data.challenges
        if challenge not in data.supported
    ]


@REGISTRY.guard()
def result_described(data: Support, payload: RecordResult, context: Context) -> list[Violation]:
    return [] if payload.result.strip() else [RESULT_MISSING()]


# -- effects -----------------------------------------------------------------------------------


@REGISTRY.effect()
def add_investment(data: Support, payload: AddInvestment, context: Context) -> Support:
    """A new investment; an endorsement given before it no longer covers the application."""
    investment = Investment(payload.purpose, payload.amount)
    return attrs.evolve(data, investments=(*data.investments, investment), endorsed_by=None)


@REGISTRY.effect()
def endorse(data: Support, payload: Endorse, context: Context) -> Support:
    return attrs.evolve(data, endorsed_by=payload.board)


@REGISTRY.effect()
def grant(data: Support, payload: Grant, context: Context) -> Support:
    return attrs.evolve(data, granted=payload.amount)


@REGISTRY.effect()
def reject(data: Support, payload: Reject, context: Context) -> Support:
    return attrs.evolve(data, rejection=payload.reason)


@REGISTRY.effect()
def record_concern(data: Support, payload: EnterStrongSchools, context: Context) -> Support:
    return attrs.evolve(data, concern=payload.concern)


@REGISTRY.effect()
def record_analysis(data: Support, payload: RecordAnalysis, context: Context) -> Support:
    return attrs.evolve(data, challenges=tuple(c for c in payload.challenges if c.strip()))


@REGISTRY.effect()
def match_experts(data: Support, payload: MatchExperts, context: Context) -> Support:
    return attrs.evolve(data, experts=payload.experts)


@REGISTRY.effect()
def deliver_support(data: Support, payload: DeliverSupport, context: Context) -> Support:
    if payload.challenge in data.supported:
        return data
    return attrs.evolve(data, supported=(*data.supported, payload.challenge))


@REGISTRY.effect()
def record_result(data: Support, payload: RecordResult, context: Context) -> Support:
    return attrs.evolve(data, result=payload.result)


SCHOOL_DEVELOPMENT = load_lifecycle(DEFINITION, REGISTRY)


# -- walking the routes ------------------------------------------------------------------------


def start(school: RequestSupport, clock: ManualClock) -> Trajectory[Support]:
    print(f"{school.school} ({school.sector}, {school.board}, judged {school.judgement!r})")
    trajectory: Trajectory[Support] = SCHOOL_DEVELOPMENT.create(school, clock=clock)
    return trajectory


def investments(t: Trajectory[Support], items: Iterable[tuple[str, int]]) -> None:
    for purpose, amount in items:
        step(t, "add_investment", purpose=purpose, amount=amount)


def main() -> None:
    lifecycle = SCHOOL_DEVELOPMENT
    print(f"{lifecycle.name}: {len(lifecycle.states)} states, {len(lifecycle.events)} events")
    clock = ManualClock(dt.datetime(2025, 1, 13, 9, 0, tzinfo=dt.UTC))
    board = "Stichting Openbaar Onderwijs Maasstad"  # public schools: OBS, openbaar vso
    catholic_board = "Stichting Katholiek Onderwijs Zuid"  # catholic schools: KBS

    print("\nExtra financial scope: an application through the school board")
    t = start(RequestSupport("OBS De Maasoever", "po", board), clock)
    step(t, "apply_for_budget")
    step(t, "endorse", board=catholic_board)
    investments(t, [("coaching teachers", 45_000), ("extended learning time", 60_000)])
    step(t, "submit")
    step(t, "endorse", board=board)
    investments(t, [("parent talks and language activities", 12_000)])
    step(t, "submit")
    step(t, "endorse", board=board)
    step(t, "submit")
    clock.advance(days=28)
    step(t, "assess", assessment="Investments follow the school's annual plan.")
    step(t, "grant", amount=120_000, granted_this_year=9_400_000)
    step(t, "grant", amount=117_000, granted_this_year=9_400_000)
    print(f"  {t.data.school}: {t.state}, EUR {t.data.granted:,} of EUR {t.data.requested:,}")

    print("\nA sector the budget is not for")
    t = start(RequestSupport("ROC Zuidrand", "mbo", "Stichting ROC Zuidrand"), clock)
    step(t, "apply_for_budget")

    print("\nSpecial secondary education (vso); the year's budget is spent")
    t = start(RequestSupport("VSO De Wilgenhoek", "vso", board), clock)
    step(t, "apply_for_budget")
    investments(t, [("a master's programme for teachers", 38_000)])
    step(t, "endorse", board=board)
    step(t, "submit")
    step(t, "assess", assessment="Complete.")
    step(t, "grant", amount=38_000, granted_this_year=27_990_000)
    step(t, "reject", reason="")
    step(t, "reject", reason="The school-development budget of this year is spent.")
    print(f"  {t.data.school}: {t.state}: {t.data.rejection}")

    print("\nWerken aan sterke scholen")
    t = start(RequestSupport("OBS De Maasoever", "po", board), clock)
    step(t, "enter_strong_schools")
    t = start(RequestSupport("KBS Het Anker", "po", catholic_board, judgement="onvoldoende"), clock)
    step(t, "enter_strong_schools")
    step(t, "apply_for_budget")
    step(t, "record_analysis", challenges=("leiderschap", "planmatige aanpak", "urgentiebesef"))
    step(
        t,
        "match_experts",
        experts=(("leiderschap", "expert A"), ("professionele cultuur", "expert B")),
    )
    step(
        t,
        "match_experts",
        experts=(
            ("leiderschap", "expert A"),
            ("planmatige aanpak", "expert B"),
            ("urgentiebesef", "expert A"),
        ),
    )
    step(t, "deliver_support", challenge="leiderschap", activity="coaching the school leader")
    step(t, "deliver_support", challenge="planmatige aanpak", activity="a plan-do-check-act cycle")
    clock.advance(days=180)
    step(t, "record_result", result="The basics are in order.")
    step(t, "deliver_support", challenge="urgentiebesef", activity="team sessions on the results")
    step(t, "record_result", result="The basics are in order; the Inspectie judges 'voldoende'.")
    print(f"  {t.data.school}: {t.state} after support on {', '.join(t.data.supported)}")


if __name__ == "__main__":
    main()
