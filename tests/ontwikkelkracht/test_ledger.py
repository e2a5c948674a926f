"""The budget ledger of a round: opening it from a round, committing against the
ceiling, releasing, the lottery in the history, its messages and its id."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import attrs
import pytest

from trajectory import InvalidData, ManualClock, PreconditionFailed, TransitionNotAllowed
from trajectory.engine.loader import dump_lifecycle, load_lifecycle
from trajectory.engine.serialization import dump_event, dump_snapshot, load_trajectory
from trajectory.ontwikkelkracht import (
    Ledger,
    Round,
    draw_lots,
    ledger_id,
    open_ledger,
    programme,
    rules_for,
)
from trajectory.ontwikkelkracht.ledger import LEDGER_VIOLATIONS, DrawLots, ledger_registry

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC)
AMOUNT = Decimal("21200.00")


def small_round(ceiling: Any = "50000.00") -> Round:
    """The 2024-2025 main round with a ceiling of ``ceiling``."""
    return attrs.evolve(rules_for("2024-2025").round("2024-2025/main"), ceiling=ceiling)


def opened(ceiling: Any = "50000.00") -> Any:
    return open_ledger(small_round(ceiling), clock=ManualClock(NOW))


def refused(ledger: Any, event: str, **fields: Any) -> tuple[Any, ...]:
    """The violations of an event that must be refused; the ledger is unchanged."""
    version, data = ledger.version, ledger.data
    with pytest.raises(PreconditionFailed) as info:
        ledger.fire(event, **fields)
    assert version == ledger.version
    assert data == ledger.data
    return tuple(info.value.violations)


# -- opening -------------------------------------------------------------------------------


def test_a_ledger_is_opened_from_a_round() -> None:
    """The ledger takes the round's id, school year and ceiling; nothing is committed."""
    main = rules_for("2024-2025").round("2024-2025/main")
    ledger = open_ledger(main, clock=ManualClock(NOW))
    assert "ontwikkelkracht.ledger" == ledger.lifecycle.name
    assert ledger.lifecycle is programme().ledger
    assert "open" == ledger.state
    assert "ledger-2024-2025-main" == ledger.id
    data: Ledger = ledger.data
    assert ("2024-2025/main", "2024-2025", main.ceiling) == (
        data.round_id,
        str(data.school_year),
        data.ceiling,
    )
    assert (Decimal(0), Decimal(0), main.ceiling) == (data.committed, data.released, data.remaining)


def test_a_ledger_is_opened_from_a_round_id() -> None:
    """A round id is looked up in the programme's rules."""
    ledger = open_ledger("2024-2025/expert-schools", clock=ManualClock(NOW))
    assert Decimal("1060000.00") == ledger.data.ceiling
    assert "ledger-2024-2025-expert-schools" == ledger.id


@pytest.mark.parametrize("bad", [None, 5, "2024-2025/autumn", "main"])
def test_open_ledger_refuses_what_is_no_round(bad: Any) -> None:
    """Something that is no round (or no known round id) raises InvalidData."""
    with pytest.raises(InvalidData):
        open_ledger(bad)


def test_ledger_ids_are_one_per_round_and_fit_a_url() -> None:
    """ledger_id: one id per round, of letters, digits and hyphens only."""
    ids = {ledger_id(r.id) for year in ("2024-2025", "2025-2026") for r in rules_for(year).rounds}
    assert {
        "ledger-2024-2025-main",
        "ledger-2024-2025-expert-schools",
        "ledger-2025-2026-main",
    } == ids
    assert all(re.fullmatch(r"[a-z0-9-]+", found) for found in ids)
    assert ledger_id("2024-2025/a-b") != ledger_id("2024-2025/ab")
    with pytest.raises(InvalidData):
        ledger_id("2024-2025")


# -- committing ----------------------------------------------------------------------------


def test_commits_count_against_the_ceiling() -> None:
    """Each commit adds its amount per (application, location); remaining shrinks."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    ledger.fire("commit", application="A-1", location="12AB01", amount="21200")
    data: Ledger = ledger.data
    assert Decimal("42400.00") == data.committed
    assert Decimal("7600.00") == data.remaining
    assert AMOUNT == data.commitment("A-1", "12AB01")
    assert Decimal(0) == data.commitment("A-2", "12AB00")


def test_a_commit_above_the_ceiling_is_refused_with_the_figures() -> None:
    """A commit that would pass the ceiling is refused with budget.exhausted carrying
    the ceiling, committed, remaining and requested amounts; nothing changes."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    ledger.fire("commit", application="A-2", location="34CD00", amount=AMOUNT)
    (violation,) = refused(ledger, "commit", application="A-3", location="56EF00", amount=AMOUNT)
    assert "budget.exhausted" == violation.code
    assert {
        "ceiling": Decimal("50000.00"),
        "committed": Decimal("42400.00"),
        "remaining": Decimal("7600.00"),
        "requested": Decimal("21200.00"),
        "application": "A-3",
        "location": "56EF00",
    } == dict(violation.details)


def test_a_commit_up_to_the_ceiling_is_accepted() -> None:
    """Exactly the remaining amount fits; a cent more does not."""
    ledger = opened("42400.00")
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    assert [] == ledger.check("commit", application="A-2", location="34CD00", amount=AMOUNT)
    codes = [
        v.code
        for v in ledger.check("commit", application="A-2", location="34CD00", amount="21200.01")
    ]
    assert ["budget.exhausted"] == codes
    ledger.fire("commit", application="A-2", location="34CD00", amount=AMOUNT)
    assert Decimal(0) == ledger.data.remaining


def test_an_unknown_ceiling_commits_without_limit() -> None:
    """With a ceiling of None every commit is accepted; remaining is None."""
    ledger = opened(None)
    for number in range(5):
        ledger.fire("commit", application=f"A-{number}", location="12AB00", amount="1000000")
    assert Decimal(5_000_000) == ledger.data.committed
    assert ledger.data.remaining is None


def test_a_location_is_committed_once() -> None:
    """A second commit for the same location of an application is refused."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    (violation,) = refused(ledger, "commit", application="A-1", location="12AB00", amount="1")
    assert "commitment.exists" == violation.code
    assert Decimal("21200.00") == violation.details["committed"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": float("nan")}, "amount"),
        ({"application": ""}, "application"),
        ({"location": None}, "location"),
    ],
)
def test_a_bad_commit_is_refused_as_invalid_data(fields: dict[str, Any], field: str) -> None:
    """An amount that is not a positive amount in cents, an empty id: InvalidData naming
    the field, nothing changes."""
    ledger = opened()
    arguments = {"application": "A-1", "location": "12AB00", "amount": AMOUNT, **fields}
    with pytest.raises(InvalidData) as info:
        ledger.fire("commit", **arguments)
    assert field == info.value.field
    assert 1 == ledger.version


# -- releasing -----------------------------------------------------------------------------


def test_a_release_frees_what_a_grant_no_longer_needs() -> None:
    """Releasing part of a commitment lowers it; releasing the rest removes it; the
    released total grows; the freed amount can be committed again."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    ledger.fire("commit", application="A-2", location="34CD00", amount=AMOUNT)
    ledger.fire("release", application="A-1", location="12AB00", amount="5300.00")
    assert Decimal("15900.00") == ledger.data.commitment("A-1", "12AB00")
    assert (Decimal("37100.00"), Decimal("5300.00")) == (
        ledger.data.committed,
        ledger.data.released,
    )
    ledger.fire("release", application="A-2", location="34CD00", amount=AMOUNT)
    assert Decimal(0) == ledger.data.commitment("A-2", "34CD00")
    assert ["A-1"] == [c.application for c in ledger.data.commitments]
    assert Decimal("26500.00") == ledger.data.released
    assert Decimal("34100.00") == ledger.data.remaining
    ledger.fire("commit", application="A-3", location="56EF00", amount=AMOUNT)


@pytest.mark.parametrize(
    ("application", "amount", "committed"),
    [("A-1", "21200.01", "21200.00"), ("A-9", "1", "0.00")],
)
def test_a_release_above_the_commitment_is_refused(
    application: str, amount: str, committed: str
) -> None:
    """More than is committed for the key (or anything for a key without a commitment)
    is refused with release.exceeds_commitment and the figures."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    (violation,) = refused(
        ledger, "release", application=application, location="12AB00", amount=amount
    )
    assert "release.exceeds_commitment" == violation.code
    assert Decimal(committed) == violation.details["committed"]
    assert Decimal(amount).quantize(Decimal("0.01")) == violation.details["requested"]


# -- the lottery -------------------------------------------------------------------------------


def test_a_lottery_is_recorded_in_the_history() -> None:
    """draw_lots records the candidates, the seed and the outcome, in the data and in
    the event; the outcome is the order draw_lots gives for the seed."""
    ledger = opened()
    ledger.fire("draw_lots", candidates=["A-3", "A-1", "A-2"], seed=42)
    (lottery,) = ledger.data.lotteries
    assert draw_lots(["A-1", "A-2", "A-3"], seed=42) == lottery.outcome
    assert (("A-3", "A-1", "A-2"), 42, NOW) == (lottery.candidates, lottery.seed, lottery.drawn_at)
    event = ledger.history[-1]
    assert "draw_lots" == event.name
    assert lottery.outcome == event.payload.outcome
    assert 42 == event.payload.seed


def test_a_recorded_outcome_must_be_the_seeds() -> None:
    """An outcome given with the seed is checked: another order is refused."""
    drawn = draw_lots(["A-1", "A-2"], seed=3)
    assert drawn == DrawLots(["A-2", "A-1"], 3, drawn).outcome
    with pytest.raises(InvalidData) as info:
        DrawLots(["A-1", "A-2"], 3, tuple(reversed(drawn)))
    assert "outcome" == info.value.field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"candidates": ["A-1"], "seed": 1}, "candidates"),
        ({"candidates": ["A-1", "A-1"], "seed": 1}, "candidates[1]"),
        ({"candidates": ["A-1", "A-2"], "seed": -1}, "seed"),
        ({"candidates": ["A-1", "A-2"], "seed": "1"}, "seed"),
    ],
)
def test_a_bad_lottery_is_refused(fields: dict[str, Any], field: str) -> None:
    """Fewer than two candidates, a candidate twice, a seed out of range: InvalidData."""
    ledger = opened()
    with pytest.raises(InvalidData) as info:
        ledger.fire("draw_lots", **fields)
    assert field == info.value.field


# -- the history, documents and the definition ----------------------------------------


def test_the_ledger_replays_and_round_trips_through_its_documents() -> None:
    """Replaying the history gives the same ledger; its snapshot and events read back
    equal with the programme's codec."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    ledger.fire("release", application="A-1", location="12AB00", amount="100")
    ledger.fire("draw_lots", candidates=["A-2", "A-3"], seed=9)
    assert ledger.data == programme().ledger.replay(ledger.history).data
    snapshot = dump_snapshot(ledger)
    events = [dump_event(event, ledger.lifecycle) for event in ledger.history]
    again = load_trajectory(snapshot, events, programme().ledger)
    assert ledger.data == again.data
    assert ledger.history == again.history


def test_closing_the_ledger_ends_it() -> None:
    """After close nothing is committed or released any more."""
    ledger = opened()
    ledger.fire("close")
    assert "closed" == ledger.state
    with pytest.raises(TransitionNotAllowed):
        ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)


def test_the_ledger_is_listed_by_round_and_school_year() -> None:
    """A store lists a ledger by its round and school year."""
    ledger = opened()
    assert ("round", "school_year") == programme().ledger.index_keys
    assert {"round": "2024-2025/main", "school_year": "2024-2025"} == dict(
        programme().ledger.describe(ledger.data)
    )


def test_the_ledger_definition_round_trips_with_the_programmes_registry() -> None:
    """The programme's registry names the ledger's code: the definition dumped with it
    declares the ledger's violations itself, and loads back with the ledger's code
    into the same lifecycle, with the ledger's violations only."""
    ledger = programme().ledger
    dumped = dump_lifecycle(ledger, programme().registry)
    assert set(LEDGER_VIOLATIONS) == {v["code"] for v in dumped["violations"]}
    again = load_lifecycle(dumped, ledger_registry(violations=False))
    assert dict(ledger.routes) == dict(again.routes)
    assert set(ledger.violations) == set(again.violations)
    assert set(LEDGER_VIOLATIONS) <= set(ledger.violations)
    assert "participants.minimum" not in ledger.violations
    assert "budget.exhausted" not in programme().leertraject.violations


# -- the messages ----------------------------------------------------------------------------


def test_messages_read_as_written_by_a_person() -> None:
    """Every ledger message exists in Dutch and English, shows amounts as amounts, and
    holds no identifier (no application or location id, no code, no field name)."""
    ledger = opened()
    ledger.fire("commit", application="A-1", location="12AB00", amount=AMOUNT)
    ledger.fire("commit", application="A-2", location="34CD00", amount=AMOUNT)
    violations = [
        *ledger.check("commit", application="A-3", location="56EF00", amount=AMOUNT),
        *ledger.check("commit", application="A-1", location="12AB00", amount=AMOUNT),
        *ledger.check("release", application="A-1", location="12AB00", amount="30000"),
    ]
    assert set(LEDGER_VIOLATIONS) == {v.code for v in violations}
    for violation in violations:
        for lang, amounts in (
            ("nl", ("€\xa021.200,00", "€\xa050.000,00")),
            ("en", ("€21,200.00", "€50,000.00")),
        ):
            message = violation.message(lang)
            assert any(amount in message for amount in amounts), message
            assert not re.search(r"[a-z]+_[a-z]+|\{|A-\d|12AB00|56EF00", message), message
    exhausted = violations[0].message("nl")
    assert "subsidieplafond van €\xa050.000,00" in exhausted
    assert "€\xa07.600,00 over" in exhausted
