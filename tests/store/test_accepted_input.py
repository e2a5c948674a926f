"""What the library accepts, every store holds: saved and loaded back equal, in memory,
SQLite and PostgreSQL alike; what no store could hold is refused before it is recorded."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest

from tests.builders import IN_WINDOW, at_state, new
from trajectory import InvalidData, ManualClock, School, Store, open_store, rules_for
from trajectory.engine.fields import MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from trajectory.engine.serialization import dump_event
from trajectory.ontwikkelkracht import Round
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh store of each kind (PostgreSQL when the tests are given a server)."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    with open_store(url, clock=ManualClock(IN_WINDOW)) as opened:
        yield opened


#: Text at the edges of what is allowed: every script, astral characters, combining
#: marks, right-to-left text, and the white space a long text may hold.
LONG_TEXT = ("Verslag\tmet tab\r\nregels, 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, مرحبا, 中文, e\u0301. " * 2000)[
    :MAX_TEXT_LENGTH
]
LONGEST_NAME = ("Zoë-Ångström 😀 " * 20)[: MAX_NAME_LENGTH - 1] + "x"


def test_the_longest_texts_of_every_kind_are_saved_and_loaded_equal(store: Store) -> None:
    """A school, board, participant name and long texts at their maximum length, in any
    script, are saved and loaded back equal by every store."""
    assert MAX_TEXT_LENGTH == len(LONG_TEXT)
    assert MAX_NAME_LENGTH == len(LONGEST_NAME)
    school = School(name=LONGEST_NAME, sector="po", board=LONGEST_NAME, brin="12AB00")
    t = new(school=school, id="i" * MAX_ID_LENGTH, actor=LONGEST_NAME)
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question=LONG_TEXT,
        conclusion="positive",
        report=LONG_TEXT,
        actor=LONGEST_NAME,
    )
    t.fire("register")
    t.fire("add_participant", name=LONGEST_NAME, role="school_leader", planned_hours=200)
    t.fire("write_activity_plan", report=LONG_TEXT, team_support="")
    store.save(t)
    loaded = store.load(t.id)
    assert t == loaded
    assert LONGEST_NAME == loaded.data.participants[0].name
    assert LONG_TEXT == loaded.data.orientation.report


@pytest.mark.parametrize(
    ("event", "fields", "field"),
    [
        ("record_talk", {"kind": "exploratory_talk", "date": dt.date(2024, 4, 20)}, "actor"),
        ("decline", {"reason": "te laat \ud800"}, "reason"),
        ("decline", {"reason": "NUL \x00 in de tekst"}, "reason"),
    ],
)
def test_what_no_store_can_hold_is_refused_when_fired(
    store: Store, event: str, fields: dict[str, Any], field: str
) -> None:
    """A lone surrogate or a NUL is refused when the event is fired (naming the field),
    so the trajectory stays saveable: it is saved and loaded equal afterwards."""
    t = at_state("orientation_held")
    arguments = {**fields, "actor": "ada\ud800"} if field == "actor" else fields
    with pytest.raises(InvalidData) as error:
        t.fire(event, **arguments)
    assert field == error.value.field
    store.save(t)
    assert t == store.load(t.id)


def test_rules_built_in_python_are_saved_and_loaded_equal(store: Store) -> None:
    """Rules built in Python (lists, sets, whole-number amounts, aware windows) are held
    as a rules file is, so a trajectory that uses them is saved and loaded equal."""
    shipped = rules_for("2024-2025")
    spring = Round(
        id="2024-2025/spring",
        school_year="2024-2025",
        opens=dt.datetime(2024, 4, 1, tzinfo=NETHERLANDS),
        closes=dt.datetime(2024, 6, 30, 17, 0, tzinfo=NETHERLANDS),
        label="Voorjaar",
        ceiling=500_000,
        assumed=["same_moment", "opens"],
    )
    rules = attrs.evolve(
        shipped,
        subsidy_amount=20000,
        minimum_hours=Decimal("750.5"),
        eligible_sectors={"po", "so"},
        rounds=[spring],
        notes=["Zelf opgesteld.\nTwee regels."],
    )
    t = new(rules=rules)
    store.save(t)
    loaded = store.load(t.id)
    assert t == loaded
    assert rules == loaded.data.rules


def test_a_self_scan_is_saved_and_loaded_equal_and_immutable(store: Store) -> None:
    """The immutable scores of a self-scan are saved as a JSON object and loaded back
    equal, and immutable again."""
    t = at_state("intake")
    scores = {
        "goede_koers": 2,
        "goede_start": 1,
        "goede_feedback": 2,
        "goede_ontwikkeling": 3,
        "goede_differentiatie": 2,
    }
    t.fire(
        "record_self_scan", model="lerende-organisatie", date=dt.date(2024, 9, 10), scores=scores
    )
    store.save(t)
    loaded = store.load(t.id)
    assert t == loaded
    assert scores == dump_event(loaded.history[-1], LIFECYCLE)["payload"]["scores"]
    with pytest.raises(TypeError):
        loaded.history[-1].payload.scores["goede_start"] = 5
    with pytest.raises(TypeError):
        loaded.data.self_scans[-1].scores["goede_start"] = 5  # type: ignore[index]


NFC_NAME = "Chloé Ångström"


@pytest.mark.parametrize(
    "variant",
    [unicodedata.normalize("NFD", NFC_NAME), "Chloé\u200b Ångström", " chloé  ÅNGSTRÖM\ufeff"],
    ids=["nfd", "zero-width-space", "case-blanks-bom"],
)
def test_erasure_finds_the_person_however_the_name_is_spelled(store: Store, variant: str) -> None:
    """Erasing a name spelled differently (decomposed, with an invisible character, in
    other case) erases the participant: the name is gone from every stored event."""
    t = at_state("in_progress")
    t.fire("add_participant", name=variant, role="teacher", planned_hours=10)
    t.fire(
        "log_hours",
        participant=unicodedata.normalize("NFD", NFC_NAME),
        date=t.clock().date(),
        hours=2,
    )
    store.save(t)
    pseudonym = store.erase_participant(t.id, variant)
    loaded = store.load(t.id)
    names = [p.name for p in loaded.data.participants]
    assert pseudonym in names
    assert all(
        unicodedata.normalize("NFC", "Ångström") not in str(dump_event(e, LIFECYCLE))
        for e in loaded.history
    )
