"""Rules per school year (subsidieregeling) as data: the shipped files, loading,
where a broken file is wrong, and registering an override."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.builders import new
from trajectory import InvalidData, SchoolYear, Sector, load_rules, register_rules, rules_for
from trajectory.ontwikkelkracht import (
    ApplicationWindow,
    Rules,
    TalkKind,
    shipped_school_years,
    unregister_rules,
)
from trajectory.ontwikkelkracht.guards import NETHERLANDS


def shipped_text(year: str = "2024-2025") -> str:
    """The text of a shipped rules file."""
    resource = resources.files("trajectory.ontwikkelkracht.data.rules") / f"{year}.toml"
    return resource.read_text(encoding="utf-8")


def edited(old: str, new_text: str, year: str = "2024-2025") -> str:
    """A shipped rules file with one line replaced (the line must be there)."""
    text = shipped_text(year)
    assert old in text
    return text.replace(old, new_text, 1)


def nl(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NETHERLANDS)


# -- the shipped years --------------------------------------------------------------------


def test_shipped_school_years() -> None:
    """Rules ship for 2024-2025, 2025-2026 and 2026-2027."""
    assert ["2024-2025", "2025-2026", "2026-2027"] == [str(y) for y in shipped_school_years()]


def test_rules_2024_2025_figures() -> None:
    """2024-2025 (seed 003, confirmed): EUR 21,200.00; 800 hours, half reimbursed at an
    assumed EUR 53 an hour; 5 participants incl. 1 school leader; 2–3 study moments; po
    and vo; knowledge shared with other schools; an exploratory talk; 2 weeks to
    complete; decision in 13 weeks; pro rata settlement (assumed)."""
    rules = rules_for("2024-2025")
    assert SchoolYear(2024) == rules.school_year
    assert rules.confirmed is True
    assert rules.source
    assert Decimal("21200.00") == rules.subsidy_amount
    assert "21200.00" == str(rules.subsidy_amount)
    assert Decimal(800) == rules.minimum_hours
    assert Decimal("0.5") == rules.reimbursed_share
    assert 5 == rules.minimum_participants
    assert 1 == rules.minimum_school_leaders
    assert (2, 3) == (rules.study_moments_minimum, rules.study_moments_maximum)
    assert 1 == rules.guidance_moments_minimum
    assert (2, 1) == (rules.core_group_minimum, rules.core_group_school_leaders)
    assert frozenset({Sector.PO, Sector.VO}) == rules.eligible_sectors
    assert ((TalkKind.EXPLORATORY_TALK,),) == rules.required_talks
    assert 14 == rules.completion_period_days
    assert 13 == rules.decision_period_weeks
    assert "pro_rata" == rules.settlement_policy
    assert Decimal("53.00") == rules.hourly_cost
    assert rules.knowledge_sharing_required is True
    assert {
        "hourly_cost",
        "settlement_policy",
        "advance_share",
        "ex_officio_threshold",
        "settlement_request_weeks",
    } == set(rules.assumed)
    assert rules.is_assumed("hourly_cost")
    assert not rules.is_assumed("subsidy_amount")
    assert not hasattr(rules, "hourly_rate")  # the subsidy per hour named no figure of the file


@pytest.mark.parametrize("year", ["2024-2025", "2025-2026", "2026-2027"])
def test_the_shipped_figures_agree(year: str) -> None:
    """In every shipped year the fixed amount is the minimum hours × the reimbursed share
    × the hourly staff cost: EUR 21,200 = 800 × 0.5 × EUR 53; the hourly cost is an
    assumption in each (the later years are not confirmed at all)."""
    rules = rules_for(year)
    assert rules.subsidy_amount == rules.minimum_hours * rules.reimbursed_share * rules.hourly_cost
    assert rules.disagreement() is None
    assert rules.is_assumed("hourly_cost")
    assert rules.knowledge_sharing_required is True
    assert rules.is_assumed("subsidy_amount") is (not rules.confirmed)


@pytest.mark.parametrize(
    ("old", "new_text"),
    [
        ('subsidy_amount = "21200.00"', 'subsidy_amount = "22000.00"'),
        ('hourly_cost = "53.00"', 'hourly_cost = "26.50"'),
        ('reimbursed_share = "0.5"', 'reimbursed_share = "1"'),
        ("minimum_hours = 800", "minimum_hours = 700"),
    ],
)
def test_a_file_whose_figures_disagree_is_refused(old: str, new_text: str) -> None:
    """A rules file whose amount is not its minimum hours × share × hourly cost is
    refused with InvalidData at the hourly cost, showing the figures and the hourly cost
    the amount implies."""
    with pytest.raises(InvalidData) as info:
        load_rules(edited(old, new_text))
    assert "$.hourly_cost" == info.value.field
    assert "the figures disagree" in info.value.reason
    rules = attrs.evolve(rules_for("2024-2025"), **_figures(new_text))
    assert f"EUR {rules.subsidy_amount:,.2f}" in info.value.reason
    implied = rules.subsidy_amount / (rules.minimum_hours * rules.reimbursed_share)
    assert f"an hourly cost of EUR {implied:,.2f}" in info.value.reason


def _figures(line: str) -> dict[str, Any]:
    """A file's line ``name = value`` as evolve's keyword argument."""
    name, value = (part.strip() for part in line.split("=", 1))
    return {name: Decimal(value.strip('"'))}


@pytest.mark.parametrize(("cost", "agrees"), [("60.57", True), ("60.5714", True), ("60.58", False)])
def test_the_hourly_cost_agrees_to_the_cent(cost: str, agrees: bool) -> None:
    """With 700 hours the amount implies EUR 60.5714… an hour: a cost stated to the cent
    (60.57) agrees, one a cent off (60.58) does not."""
    text = edited("minimum_hours = 800", "minimum_hours = 700").replace(
        'hourly_cost = "53.00"', f'hourly_cost = "{cost}"'
    )
    if agrees:
        assert Decimal(cost) == load_rules(text).hourly_cost
    else:
        with pytest.raises(InvalidData, match=r"EUR 60\.57"):
            load_rules(text)


def test_rules_whose_figures_disagree_are_refused_where_they_are_taken_into_use() -> None:
    """Rules built in Python whose figures disagree can be built (a stored trajectory
    made with them still loads) but are refused by register_rules and new_trajectory."""
    rules = attrs.evolve(rules_for("2024-2025"), subsidy_amount=Decimal("20000.00"))
    assert rules.disagreement() is not None
    with pytest.raises(InvalidData) as info:
        register_rules(rules)
    assert "$.hourly_cost" == info.value.field
    with pytest.raises(InvalidData):
        new(rules=rules)
    assert Decimal("21200.00") == rules_for("2024-2025").subsidy_amount


@pytest.mark.parametrize("field", ["hourly_cost", "knowledge_sharing_required"])
def test_a_file_states_every_figure(field: str) -> None:
    """A rules file without the hourly cost or without saying whether knowledge sharing
    is required is refused, naming the field (only stored rules may lack them)."""
    text = "\n".join(
        line for line in shipped_text().splitlines() if not line.startswith(f"{field} =")
    )
    with pytest.raises(InvalidData) as info:
        load_rules(text)
    assert f"$.{field}" == info.value.field
    assert "required field missing" in info.value.reason


def test_stored_rules_without_the_later_fields_read_as_before() -> None:
    """Rules stored in a trajectory before the hourly cost and knowledge sharing were
    kept read back with the hourly cost their figures imply and no knowledge sharing
    required, so they settle as before."""
    from trajectory.engine.conversion import structure
    from trajectory.ontwikkelkracht import programme

    converter = programme().converter
    document = converter.unstructure(rules_for("2024-2025"))
    for field in ("hourly_cost", "knowledge_sharing_required", "assumed"):
        del document[field]
    document["subsidy_amount"] = "20000.00"
    stored = structure(document, Rules, converter=converter)
    assert Decimal("50.00") == stored.hourly_cost
    assert stored.knowledge_sharing_required is False
    assert {} == dict(stored.assumed)
    assert stored.disagreement() is None


@pytest.mark.parametrize(
    ("assumed", "field"),
    [({"colour": "blue"}, "assumed.colour"), ({"hourly_cost": None}, "assumed.hourly_cost")],
)
def test_assumed_names_figures_of_the_rules(assumed: dict[str, Any], field: str) -> None:
    """``assumed`` names fields of the rules, each with a text saying where it comes from."""
    with pytest.raises(InvalidData) as info:
        attrs.evolve(rules_for("2024-2025"), assumed=assumed)
    assert field == info.value.field


@pytest.mark.parametrize(
    ("year", "windows"),
    [
        (
            "2024-2025",
            [
                (nl(2024, 4, 25), nl(2024, 6, 28, 16)),
                (nl(2024, 10, 1, 9), nl(2024, 11, 29, 16)),
            ],
        ),
        ("2025-2026", [(nl(2025, 3, 10, 9), nl(2025, 6, 27, 16))]),
        ("2026-2027", [(nl(2026, 3, 9, 9), nl(2026, 6, 26, 16))]),
    ],
)
def test_application_windows(year: str, windows: list[tuple[dt.datetime, dt.datetime]]) -> None:
    """The application windows are those of SPEC §2 in Dutch time, including the 2024
    extra round for the expert-school pillar (1 Oct 09:00 – 29 Nov 16:00, in winter time)."""
    rules = rules_for(year)
    assert windows == [(w.opens, w.closes) for w in rules.application_windows]
    for window in rules.application_windows:
        assert window.opens.utcoffset() == window.opens.astimezone(NETHERLANDS).utcoffset()
        assert window.closes.utcoffset() == window.closes.astimezone(NETHERLANDS).utcoffset()


@pytest.mark.parametrize(
    ("moment", "label"),
    [
        (nl(2024, 4, 24, 23, 59), None),
        (nl(2024, 4, 25), "aanvraagtijdvak 2024/2025"),
        (nl(2024, 6, 28, 16), "aanvraagtijdvak 2024/2025"),
        (nl(2024, 6, 28, 16, 1), None),
        (nl(2024, 10, 1, 8, 59), None),
        (nl(2024, 10, 1, 9), "extra ronde pijler expertscholen"),
        (nl(2024, 11, 29, 16), "extra ronde pijler expertscholen"),
        (dt.datetime(2024, 11, 29, 15, 0, tzinfo=dt.UTC), "extra ronde pijler expertscholen"),
        (dt.datetime(2024, 11, 29, 15, 1, tzinfo=dt.UTC), None),
    ],
)
def test_window_at(moment: dt.datetime, label: str | None) -> None:
    """window_at finds the open window at a moment (both ends included), in any time zone."""
    window = rules_for("2024-2025").window_at(moment)
    assert label == (None if window is None else window.label)


@pytest.mark.parametrize("year", ["2025-2026", "2026-2027"])
def test_later_years_not_confirmed(year: str) -> None:
    """For 2025-2026 and 2026-2027 the figures are not confirmed, and the file says where
    they come from."""
    rules = rules_for(year)
    assert rules.confirmed is False
    assert "Subsidieregeling Ontwikkelkracht" in rules.source
    assert str(rules.school_year) == year


def test_rules_2026_2027_talks() -> None:
    """For 2026-2027 one requirement is met by an information talk OR an information meeting."""
    assert ((TalkKind.INFORMATION_TALK, TalkKind.INFORMATION_MEETING),) == rules_for(
        "2026-2027"
    ).required_talks


def test_rules_for_accepts_a_school_year() -> None:
    """rules_for takes the text or a SchoolYear and returns the same rules."""
    assert rules_for("2024-2025") == rules_for(SchoolYear(2024))


@pytest.mark.parametrize("year", ["2023-2024", "2031-2032", "2024/2025", 2024])
def test_rules_for_unknown_year(year: Any) -> None:
    """A year without rules (or not a school year) raises InvalidData naming 'school_year'."""
    with pytest.raises(InvalidData) as info:
        rules_for(year)
    assert "school_year" == info.value.field


# -- loading -------------------------------------------------------------------------------


def test_load_rules_from_text() -> None:
    """load_rules reads TOML text of the shipped form into Rules (not registered)."""
    text = (
        edited('school_year = "2024-2025"', 'school_year = "2030-2031"')
        .replace("minimum_participants = 5", "minimum_participants = 4")
        .replace('id = "2024-2025/', 'id = "2030-2031/')
    )
    rules = load_rules(text)
    assert SchoolYear(2030) == rules.school_year
    assert 4 == rules.minimum_participants
    with pytest.raises(InvalidData):
        rules_for("2030-2031")


def test_load_rules_from_path(tmp_path: Path) -> None:
    """load_rules reads a file given as a Path."""
    path = tmp_path / "2024-2025.toml"
    path.write_text(shipped_text(), encoding="utf-8")
    assert rules_for("2024-2025") == load_rules(path)


def test_load_rules_missing_path(tmp_path: Path) -> None:
    """A file that cannot be read raises InvalidData naming 'path'."""
    with pytest.raises(InvalidData) as info:
        load_rules(tmp_path / "missing.toml")
    assert "path" == info.value.field


@pytest.mark.parametrize("source", [5, None, b"school_year = '2024-2025'"])
def test_load_rules_wrong_source(source: Any) -> None:
    """A source that is neither a Path nor text raises InvalidData naming 'source'."""
    with pytest.raises(InvalidData) as info:
        load_rules(source)
    assert "source" == info.value.field


def test_load_rules_not_toml() -> None:
    """Text that is not TOML raises InvalidData at '$' saying where in the text."""
    with pytest.raises(InvalidData) as info:
        load_rules(shipped_text() + "\nthis is = = not toml\n")
    assert "$" == info.value.field
    assert "line" in str(info.value)


@pytest.mark.parametrize(
    ("old", "new_text", "field"),
    [
        ("minimum_participants = 5", 'minimum_participants = "five"', "$.minimum_participants"),
        ("minimum_participants = 5", "", "$.minimum_participants"),
        ('subsidy_amount = "21200.00"', 'subsidy_amount = "lots"', "$.subsidy_amount"),
        (
            'eligible_sectors = ["po", "vo"]',
            'eligible_sectors = ["po", "mbo"]',
            "$.eligible_sectors[1]",
        ),
        ('[["exploratory_talk"]]', '[["coffee"]]', "$.required_talks[0][0]"),
        ('school_year = "2024-2025"', 'school_year = "2024/2025"', "$.school_year"),
        (
            "closes = 2024-06-28T16:00:00+02:00",
            "closes = 2024-06-28T16:00:00",
            "$.rounds[0].closes",
        ),
        ("confirmed = true", "confirmed = true\nconfirmd = true", "$"),
    ],
)
def test_broken_file_says_where(old: str, new_text: str, field: str) -> None:
    """A broken rules file raises InvalidData whose field is the `$.` path of the wrong
    value, and whose message names the source."""
    with pytest.raises(InvalidData) as info:
        load_rules(edited(old, new_text))
    assert field == info.value.field
    assert "<text>" in str(info.value)


def test_broken_file_names_the_path(tmp_path: Path) -> None:
    """Loaded from a file, the error names the file."""
    path = tmp_path / "broken.toml"
    path.write_text(edited("minimum_hours = 800", 'minimum_hours = "many"'), encoding="utf-8")
    with pytest.raises(InvalidData) as info:
        load_rules(path)
    assert "$.minimum_hours" == info.value.field
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new_text", "field", "figure"),
    [
        ("minimum_participants = 5", "minimum_participants = 0", "$.minimum_participants", "0"),
        ("minimum_hours = 800", "minimum_hours = -800", "$.minimum_hours", "-800"),
        (
            'settlement_policy = "pro_rata"',
            'settlement_policy = "clawback"',
            "$.settlement_policy",
            "clawback",
        ),
        (
            "closes = 2024-06-28T16:00:00+02:00",
            "closes = 2024-04-01T16:00:00+02:00",
            "$.rounds[0]",
            "2024-04-01",
        ),
    ],
)
def test_refused_value_says_where_and_why(old: str, new_text: str, field: str, figure: str) -> None:
    """A value of the right type that the rules refuse (0 participants, negative hours, an
    unknown settlement policy, a window closing before it opens) is reported at its `$.`
    path (at least its table), with the refused value in the message."""
    with pytest.raises(InvalidData) as info:
        load_rules(edited(old, new_text))
    assert info.value.field.startswith(field), info.value.field
    assert figure in str(info.value)


@pytest.mark.parametrize("value", ["4.9", "true"])
def test_whole_numbers_are_not_coerced(value: str) -> None:
    """A count that is not a whole number (4.9, true) is refused at its path, not silently
    turned into 4 or 1."""
    with pytest.raises(InvalidData) as info:
        load_rules(edited("minimum_participants = 5", f"minimum_participants = {value}"))
    assert "$.minimum_participants" == info.value.field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"study_moments_maximum": 1}, "study_moments_maximum"),
        ({"minimum_participants": 0}, "minimum_participants"),
        ({"minimum_participants": True}, "minimum_participants"),
        ({"reimbursed_share": Decimal("1.5")}, "reimbursed_share"),
        ({"subsidy_amount": Decimal(-1)}, "subsidy_amount"),
        ({"required_talks": ((),)}, "required_talks[0]"),
    ],
)
def test_rules_validate_their_figures(changes: dict[str, Any], field: str) -> None:
    """Rules built in code refuse impossible figures with InvalidData naming the field."""
    with pytest.raises(InvalidData) as info:
        attrs.evolve(rules_for("2024-2025"), **changes)
    assert field == info.value.field


def test_an_unknown_settlement_policy_is_refused_where_rules_are_taken_into_use() -> None:
    """Rules naming an unregistered policy can be built (a stored trajectory naming it
    still loads), but registering them or starting a trajectory with them is refused."""
    rules = attrs.evolve(rules_for("2024-2025"), settlement_policy="clawback")
    with pytest.raises(InvalidData) as info:
        register_rules(rules)
    assert "$.settlement_policy" == info.value.field
    assert "2024-2025" == str(rules_for("2024-2025").school_year)
    assert "pro_rata" == rules_for("2024-2025").settlement_policy
    with pytest.raises(InvalidData) as info:
        new(rules=rules)
    assert "$.settlement_policy" == info.value.field


def test_application_window_must_close_after_opening() -> None:
    """An ApplicationWindow that closes before it opens raises InvalidData naming 'closes'."""
    with pytest.raises(InvalidData) as info:
        ApplicationWindow(nl(2024, 6, 1), nl(2024, 5, 1))
    assert "closes" == info.value.field


# -- registering ----------------------------------------------------------------------------


@pytest.fixture
def three_participants_rules() -> Iterator[Rules]:
    """2024-2025 rules needing only 3 participants, registered for the test only."""
    rules = load_rules(edited("minimum_participants = 5", "minimum_participants = 3"))
    register_rules(rules)
    try:
        yield rules
    finally:
        unregister_rules("2024-2025")


def test_register_rules_overrides_rules_for(three_participants_rules: Rules) -> None:
    """A registered file overrides the shipped one for rules_for."""
    assert three_participants_rules is rules_for("2024-2025")
    assert 3 == rules_for(SchoolYear(2024)).minimum_participants


def test_new_trajectory_uses_registered_rules(three_participants_rules: Rules) -> None:
    """new_trajectory uses the registered rules: 3 participants are then enough."""
    t = new()
    assert three_participants_rules is t.data.rules
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question="Q?",
        conclusion="positive",
        report="Ok.",
    )
    t.fire("register")
    for name, role in (("Anna", "school_leader"), ("Bram", "teacher"), ("Chloé", "teacher")):
        t.fire("add_participant", name=name, role=role, planned_hours=300)
    t.fire("write_activity_plan", report="a", willing_and_able="b", leadership_commitment="c")
    t.fire("write_activity_plan", team_support="d")
    assert [] == t.check("submit_application")


def test_unregister_restores_shipped_rules() -> None:
    """After unregister_rules the shipped rules apply again."""
    shipped = rules_for("2024-2025")
    register_rules(load_rules(edited("minimum_participants = 5", "minimum_participants = 2")))
    try:
        assert 2 == rules_for("2024-2025").minimum_participants
    finally:
        unregister_rules("2024-2025")
    assert shipped == rules_for("2024-2025")
    assert 5 == rules_for("2024-2025").minimum_participants


def test_register_a_new_year() -> None:
    """A year that does not ship can be added without code."""
    text = edited('school_year = "2024-2025"', 'school_year = "2030-2031"').replace(
        'id = "2024-2025/', 'id = "2030-2031/'
    )
    register_rules([load_rules(text)])
    try:
        assert SchoolYear(2030) == rules_for("2030-2031").school_year
    finally:
        unregister_rules("2030-2031")
    with pytest.raises(InvalidData):
        rules_for("2030-2031")


@pytest.mark.parametrize("bad", ["2024-2025", [rules_for("2024-2025"), "x"], None])
def test_register_rules_refuses_other_things(bad: Any) -> None:
    """register_rules accepts Rules only; nothing is registered otherwise."""
    with pytest.raises(InvalidData) as info:
        register_rules(bad)
    assert "rules" == info.value.field
    assert 5 == rules_for("2024-2025").minimum_participants


@pytest.mark.parametrize("year", ["2025-2026", "2026-2027"])
def test_new_trajectory_rules_of_the_wrong_year(year: str) -> None:
    """Rules for another year than the trajectory's raise InvalidData naming 'rules'."""
    with pytest.raises(InvalidData) as info:
        new(rules=rules_for(year))
    assert "rules" == info.value.field
    assert year in str(info.value)


# -- rules built in Python are validated as a rules file is -------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subsidy_amount": Decimal("NaN")}, "subsidy_amount"),
        ({"subsidy_amount": Decimal("sNaN")}, "subsidy_amount"),
        ({"subsidy_amount": Decimal("Infinity")}, "subsidy_amount"),
        ({"subsidy_amount": float("inf")}, "subsidy_amount"),
        ({"subsidy_amount": Decimal("1E+999999")}, "subsidy_amount"),
        ({"subsidy_amount": "lots"}, "subsidy_amount"),
        ({"minimum_hours": Decimal("-Infinity")}, "minimum_hours"),
        ({"minimum_hours": Decimal(0)}, "minimum_hours"),
        ({"minimum_hours": 10**5000}, "minimum_hours"),
        ({"reimbursed_share": Decimal("NaN")}, "reimbursed_share"),
        ({"minimum_participants": 10**5000}, "minimum_participants"),
        ({"completion_period_days": 10**9}, "completion_period_days"),
        ({"decision_period_weeks": 10**9}, "decision_period_weeks"),
        ({"hourly_cost": Decimal("NaN")}, "hourly_cost"),
        ({"hourly_cost": -53}, "hourly_cost"),
        ({"hourly_cost": "dear"}, "hourly_cost"),
        ({"knowledge_sharing_required": "yes"}, "knowledge_sharing_required"),
        ({"assumed": ["hourly_cost"]}, "assumed"),
        ({"confirmed": "yes"}, "confirmed"),
        ({"school_year": "2024/2025"}, "school_year"),
        ({"source": None}, "source"),
        ({"source": "a\x00b"}, "source"),
        ({"notes": ("ok", "\ud800")}, "notes[1]"),
        ({"notes": "one note"}, "notes"),
        ({"settlement_policy": "pro\nrata"}, "settlement_policy"),
        ({"eligible_sectors": "po"}, "eligible_sectors"),
        ({"eligible_sectors": ["po", "mbo"]}, "eligible_sectors[1]"),
        ({"required_talks": [["coffee"]]}, "required_talks[0][0]"),
        ({"rounds": ["2024-05-01"]}, "rounds[0]"),
        ({"rounds": "2024-2025/main"}, "rounds"),
    ],
)
def test_rules_built_in_python_are_validated_as_a_file_is(
    changes: dict[str, Any], field: str
) -> None:
    """What a rules file may not hold, rules built in Python may not hold either: a
    non-finite or unbounded amount (which was saved and never loaded again), a wrong
    type, a text outside the limits. Each is InvalidData naming the field."""
    with pytest.raises(InvalidData) as info:
        attrs.evolve(rules_for("2024-2025"), **changes)
    assert field == info.value.field


@pytest.mark.parametrize("naive", ["opens", "closes"])
def test_a_naive_application_window_is_refused(naive: str) -> None:
    """A window whose opening or closing has no time zone (which made check, fire and
    save raise TypeError) is refused with InvalidData naming it."""
    moments = {"opens": nl(2024, 5, 1), "closes": nl(2024, 6, 1)}
    moments[naive] = moments[naive].replace(tzinfo=None)
    with pytest.raises(InvalidData) as info:
        ApplicationWindow(**moments)
    assert naive == info.value.field


@pytest.mark.parametrize("bad", [dt.date(2024, 5, 1), "2024-05-01T00:00:00+02:00", None])
def test_an_application_window_wants_datetimes(bad: Any) -> None:
    """A window's moments are datetimes, not dates, text or None."""
    with pytest.raises(InvalidData) as info:
        ApplicationWindow(bad, nl(2024, 6, 1))
    assert "opens" == info.value.field


def test_rules_built_in_python_hold_only_immutable_values() -> None:
    """Lists and sets given in Python are kept as tuples and frozensets (a trajectory's
    creation event holds the rules: it cannot change afterwards); values are converted
    as a file's are."""
    shipped = rules_for("2024-2025")
    sectors = {"po", "so"}
    talks = [["exploratory_talk"], ["information_talk", "information_meeting"]]
    rounds = list(shipped.rounds)
    notes = ["first", "second\nline"]
    rules = attrs.evolve(
        shipped,
        school_year="2024-2025",
        subsidy_amount=21200,
        eligible_sectors=sectors,
        required_talks=talks,
        rounds=rounds,
        notes=notes,
    )
    sectors.add("vo")
    talks[0].append("information_meeting")
    rounds.clear()
    notes.append("third")
    assert frozenset({Sector.PO, Sector.SO}) == rules.eligible_sectors
    assert (
        (TalkKind.EXPLORATORY_TALK,),
        (TalkKind.INFORMATION_TALK, TalkKind.INFORMATION_MEETING),
    ) == rules.required_talks
    assert shipped.rounds == rules.rounds
    assert shipped.application_windows == rules.application_windows
    assert ("first", "second\nline") == rules.notes
    assert Decimal(21200) == rules.subsidy_amount
    assert SchoolYear(2024) == rules.school_year


def test_rules_built_in_python_read_back_from_their_json() -> None:
    """Rules built in Python, written as JSON, read back equal (what is accepted in
    Python is accepted from a document)."""
    import json

    from trajectory.engine.conversion import read_json, structure
    from trajectory.ontwikkelkracht import programme

    converter = programme().converter
    rules = attrs.evolve(rules_for("2024-2025"), subsidy_amount=Decimal("1234.56"), notes=["é\tü"])
    document = read_json(json.dumps(converter.unstructure(rules)))
    assert "2024-2025" == document["school_year"]
    assert rules == structure(document, Rules, converter=converter)
