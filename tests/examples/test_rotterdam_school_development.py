"""examples/rotterdam_school_development: the definition file and each guard it names,
raised and cleared."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import jsonschema
import pytest

from trajectory import (
    DefinitionError,
    InvalidData,
    ManualClock,
    Sector,
    Trajectory,
    dump_lifecycle,
    load_lifecycle,
)
from trajectory.engine.loader import definition_schema
from trajectory.engine.registry import GuardCall

from . import load_example

example = load_example("rotterdam_school_development")
LIFECYCLE = example.SCHOOL_DEVELOPMENT
BOARD = "Stichting Openbaar Onderwijs Maasstad"
CATHOLIC_BOARD = "Stichting Katholiek Onderwijs Zuid"
#: A school of each sector, with its board: a name that fits both.
SCHOOLS = {
    "po": ("OBS De Maasoever", BOARD),
    "so": ("SO De Vlinder", BOARD),
    "vso": ("VSO De Wilgenhoek", BOARD),
    "vo": ("OSG Het Maasland", BOARD),
    "mbo": ("ROC Zuidrand", "Stichting ROC Zuidrand"),
}
START = dt.datetime(2025, 1, 13, 9, 0, tzinfo=dt.UTC)


def found(violations: Any) -> list[tuple[str, dict[str, Any]]]:
    """Violations as (code, details), to compare with what is expected."""
    return [(v.code, dict(v.details)) for v in violations]


def school(
    sector: str = "po", judgement: str = "voldoende", name: str = "", board: str = ""
) -> Trajectory[Any]:
    """A new request for support of a school in ``sector`` (by default the one of
    ``SCHOOLS`` with its board)."""
    clock = ManualClock(START)
    name = name or SCHOOLS[sector][0]
    board = board or SCHOOLS[sector][1]
    payload = example.RequestSupport(name, sector, board, judgement=judgement)
    trajectory: Trajectory[Any] = LIFECYCLE.create(payload, clock=clock)
    return trajectory


def drafting(*amounts: int, sector: str = "po") -> Trajectory[Any]:
    """An application being drafted, with an investment of each amount."""
    t = school(sector)
    t.fire("apply_for_budget")
    for number, amount in enumerate(amounts):
        t.fire("add_investment", purpose=f"investment {number}", amount=amount)
    return t


def assessed(*amounts: int, sector: str = "po") -> Trajectory[Any]:
    """An application endorsed, submitted and assessed."""
    t = drafting(*amounts, sector=sector)
    t.fire("endorse", board=t.data.board)
    t.fire("submit")
    t.fire("assess", assessment="Complete.")
    return t


def supporting(challenges: tuple[str, ...]) -> Trajectory[Any]:
    """A school of concern with experts matched to ``challenges``."""
    t = school(judgement="onvoldoende", name="KBS Het Anker", board=CATHOLIC_BOARD)
    t.fire("enter_strong_schools")
    t.fire("record_analysis", challenges=challenges)
    t.fire("match_experts", experts=tuple((c, f"expert {c}") for c in challenges))
    return t


# -- the definition file -------------------------------------------------------------------


def test_the_file_holds_the_two_routes() -> None:
    """The states and events of the file, in its order: the budget route and 'Werken aan
    sterke scholen' leave the same request for support."""
    expected_states = [
        "requested",
        "drafting",
        "submitted",
        "assessed",
        "granted",
        "rejected",
        "selected",
        "analysed",
        "supporting",
        "completed",
    ]
    assert expected_states == list(LIFECYCLE.states)
    assert {"granted", "rejected", "completed"} == LIFECYCLE.final_states
    assert ("apply_for_budget", "enter_strong_schools") == LIFECYCLE.events_from("requested")


def test_the_file_is_valid_against_the_schema() -> None:
    """The TOML file is a valid lifecycle definition by the shipped JSON Schema."""
    data = tomllib.loads(example.DEFINITION.read_text(encoding="utf-8"))
    jsonschema.validate(data, definition_schema())


def test_the_registry_names_every_piece_of_code() -> None:
    """Written back to data and loaded again, the lifecycle has the same routes and
    the very same guards (the guard factories included)."""
    again = load_lifecycle(dump_lifecycle(LIFECYCLE, example.REGISTRY), example.REGISTRY)
    assert LIFECYCLE.routes == again.routes
    assert LIFECYCLE.events["grant"].guards == again.events["grant"].guards


@pytest.mark.parametrize(
    ("factory", "args"),
    [
        ("sector_in", ()),
        ("within_yearly_budget", (0,)),
        ("within_yearly_budget", ("28 million",)),
        ("quality_of_concern", ("slecht",)),
    ],
)
def test_a_guard_factory_refuses_arguments_it_cannot_use(
    factory: str, args: tuple[Any, ...]
) -> None:
    """A file that gives a guard factory wrong arguments is a DefinitionError at its path."""
    with pytest.raises(DefinitionError) as raised:
        example.REGISTRY.resolve_guard(GuardCall(factory, args), "$.events[0].guards[0]")
    assert "$.events[0].guards[0]" == raised.value.path


# -- the school-development budget ---------------------------------------------------------


def test_the_budget_is_for_primary_special_and_secondary_schools() -> None:
    """Seed 000: "primair, speciaal en voortgezet onderwijs"; special education is both
    so and vso, so the file names all four, and that is every sector a school has."""
    data = tomllib.loads(example.DEFINITION.read_text(encoding="utf-8"))
    event = next(e for e in data["events"] if e["name"] == "apply_for_budget")
    assert [{"name": "sector_in", "args": ["po", "so", "vso", "vo"]}] == event["guards"]
    assert {str(sector) for sector in Sector} == set(event["guards"][0]["args"])


@pytest.mark.parametrize("sector", [str(sector) for sector in Sector])
def test_schools_in_po_so_vso_and_vo_may_apply(sector: str) -> None:
    """The budget is for primary, special (so and vso) and secondary schools."""
    assert [] == school(sector).check("apply_for_budget")


def test_a_vso_school_is_granted_from_the_budget() -> None:
    """A school for special secondary education is no longer refused with
    school.sector_not_eligible: its application goes all the way to a grant."""
    t = school("vso")
    assert [] == found(t.check("apply_for_budget"))
    t.fire("apply_for_budget")
    t.fire("add_investment", purpose="coaching teachers", amount=38_000)
    t.fire("endorse", board=BOARD)
    t.fire("submit")
    t.fire("assess", assessment="Complete.")
    t.fire("grant", amount=38_000)
    assert ("granted", "VSO De Wilgenhoek", 38_000) == (t.state, t.data.school, t.data.granted)


def test_another_sector_may_not_apply() -> None:
    """An mbo school is refused, with the sectors the budget is for."""
    expected = [
        (
            "school.sector_not_eligible",
            {"sectors": ["po", "so", "vso", "vo"], "school": "ROC Zuidrand", "sector": "mbo"},
        )
    ]
    assert expected == found(school("mbo").check("apply_for_budget"))


def test_an_endorsement_needs_an_investment_and_the_school_s_own_board() -> None:
    """Both reasons at once; with an investment and the school's board, none."""
    t = drafting()
    expected = [
        ("application.no_investments", {}),
        (
            "endorsement.wrong_board",
            {"board": "Stichting Zuid", "school": "OBS De Maasoever", "expected": BOARD},
        ),
    ]
    assert expected == found(t.check("endorse", board="Stichting Zuid"))
    t.fire("add_investment", purpose="coaching teachers", amount=45_000)
    assert [] == t.check("endorse", board=BOARD)


def test_submitting_needs_the_board_s_endorsement_of_the_application_as_it_stands() -> None:
    """Refused before the endorsement, allowed after it, refused again once an
    investment is added after the endorsement."""
    t = drafting(45_000)
    assert [("endorsement.missing", {})] == found(t.check("submit"))
    t.fire("endorse", board=BOARD)
    assert [] == t.check("submit")
    t.fire("add_investment", purpose="extended learning time", amount=60_000)
    assert [("endorsement.missing", {})] == found(t.check("submit"))
    assert 105_000 == t.data.requested


def test_an_investment_asks_a_positive_amount() -> None:
    """A payload of no euros is bad data, not a violation."""
    with pytest.raises(InvalidData):
        drafting().fire("add_investment", purpose="nothing", amount=0)


def test_a_grant_is_no_more_than_the_request() -> None:
    """Above the requested total is refused; the requested total is allowed."""
    t = assessed(45_000, 60_000)
    expected = [("grant.above_request", {"amount": 105_001, "requested": 105_000})]
    assert expected == found(t.check("grant", amount=105_001))
    assert [] == t.check("grant", amount=105_000)


def test_a_grant_fits_the_yearly_budget() -> None:
    """What was granted this year and the grant may reach EUR 28 million, not exceed it."""
    t = assessed(40_000)
    assert [] == t.check("grant", amount=40_000, granted_this_year=27_960_000)
    expected = [
        ("budget.exceeded", {"amount": 40_000, "budget": 28_000_000, "granted": 27_960_001})
    ]
    assert expected == found(t.check("grant", amount=40_000, granted_this_year=27_960_001))


def test_a_rejection_gives_its_reason() -> None:
    """A blank reason is refused; the reason is kept in the data."""
    t = assessed(40_000)
    assert [("rejection.reason_missing", {})] == found(t.check("reject", reason=" "))
    t.fire("reject", reason="The budget of this year is spent.")
    assert ("rejected", "The budget of this year is spent.") == (t.state, t.data.rejection)


# -- Werken aan sterke scholen ---------------------------------------------------------------


@pytest.mark.parametrize("judgement", ["goed", "voldoende"])
def test_a_school_not_of_concern_does_not_enter(judgement: str) -> None:
    """Judged 'voldoende' or better, and no concern recorded: refused."""
    expected = [
        ("strong_schools.no_concern", {"school": "OBS De Maasoever", "judgement": judgement})
    ]
    assert expected == found(school(judgement=judgement).check("enter_strong_schools"))


@pytest.mark.parametrize("judgement", ["onvoldoende", "zeer zwak"])
def test_a_school_judged_below_voldoende_enters(judgement: str) -> None:
    """A judgement below 'voldoende' makes the school's quality of concern."""
    assert [] == school(judgement=judgement).check("enter_strong_schools")


def test_a_recorded_concern_lets_a_school_enter() -> None:
    """A concern the municipality records clears the guard, whatever the judgement."""
    t = school()
    t.fire("enter_strong_schools", concern="Reading results fell three years running.")
    assert ("selected", "Reading results fell three years running.") == (t.state, t.data.concern)


def test_the_analysis_names_a_challenge() -> None:
    """No (non-blank) challenge is refused; one is enough."""
    t = school(judgement="onvoldoende")
    t.fire("enter_strong_schools")
    assert [("analysis.no_challenges", {})] == found(t.check("record_analysis", challenges=(" ",)))
    assert [] == t.check("record_analysis", challenges=("leiderschap",))


def test_experts_are_matched_with_each_challenge_and_no_other() -> None:
    """A challenge without an expert and an expert without a challenge are both reported."""
    t = school(judgement="onvoldoende")
    t.fire("enter_strong_schools")
    t.fire("record_analysis", challenges=("leiderschap", "draagvlak"))
    expected = [
        ("experts.challenge_unmatched", {"challenge": "draagvlak"}),
        ("experts.challenge_unknown", {"challenge": "deskundigheid", "expert": "B"}),
    ]
    experts = (("leiderschap", "A"), ("deskundigheid", "B"))
    assert expected == found(t.check("match_experts", experts=experts))
    assert [] == t.check("match_experts", experts=(("leiderschap", "A"), ("draagvlak", "B")))


def test_support_is_delivered_on_a_matched_challenge() -> None:
    """Support on a challenge no expert was matched with is refused."""
    t = supporting(("leiderschap",))
    expected = [("support.not_matched", {"challenge": "urgentiebesef"})]
    assert expected == found(
        t.check("deliver_support", challenge="urgentiebesef", activity="team sessions")
    )
    assert [] == t.check("deliver_support", challenge="leiderschap", activity="coaching")


def test_the_result_follows_support_on_every_challenge() -> None:
    """Each challenge without support is reported, with a missing result; after support
    on each and with a result, the trajectory completes."""
    t = supporting(("leiderschap", "urgentiebesef"))
    t.fire("deliver_support", challenge="leiderschap", activity="coaching")
    expected = [
        ("result.challenge_unsupported", {"challenge": "urgentiebesef"}),
        ("result.missing", {}),
    ]
    assert expected == found(t.check("record_result", result=""))
    t.fire("deliver_support", challenge="urgentiebesef", activity="team sessions")
    t.fire("record_result", result="The basics are in order.")
    assert "completed" == t.state


def test_the_routes_exclude_each_other() -> None:
    """Once a request took one route, the other's first event does not leave its state."""
    t = supporting(("leiderschap",))
    assert ["transition.not_allowed"] == [v.code for v in t.check("apply_for_budget")]
