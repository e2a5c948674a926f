"""The walker takes a leertraject along any path, satisfying every guard on the way."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import attrs
import pytest
from structlog.testing import capture_logs

from trajectory import DefinitionError, InvalidData, PreconditionFailed, UnknownEvent, replay
from trajectory.ontwikkelkracht import LIFECYCLE, SchoolYear, TalkKind, catalog, programme
from trajectory.ontwikkelkracht import walker as walker
from trajectory.ontwikkelkracht.lifecycle import leertraject_registry
from trajectory.ontwikkelkracht.walker import MAIN_PATH, Walker


@pytest.mark.parametrize("state", sorted(LIFECYCLE.states))
def test_the_walker_reaches_every_state(state: str) -> None:
    """From a new trajectory the walker reaches every state, and the history replays."""
    trajectory = Walker.start(seed=3).walk_to(state)
    assert state == trajectory.state
    assert trajectory == replay(trajectory.history)


def test_the_main_path_is_a_whole_year() -> None:
    """The main path goes through every phase and settles the full amount: the
    participants log at least the hours the rules require."""
    walker = Walker.start(seed=1)
    trajectory = walker.walk()
    assert "settled" == trajectory.state
    assert set(MAIN_PATH) <= {event.name for event in trajectory.history}
    settlement = trajectory.data.settlement
    assert settlement is not None
    assert settlement.amount_granted == settlement.amount_settled
    assert settlement.hours_logged >= settlement.hours_required
    times = [event.timestamp for event in trajectory.history]
    assert sorted(times) == times


def test_the_main_path_is_settled_ex_officio() -> None:
    """One location's grant is settled ex officio: the main path files no settlement
    request, and the whole amount paid in advance is neither topped up nor repaid."""
    trajectory = Walker.start(seed=1).walk()
    assert "request_settlement" not in {event.name for event in trajectory.history}
    settlement = trajectory.data.settlement
    assert settlement is not None
    assert ("ex_officio", Decimal(0), Decimal(0)) == (
        settlement.route,
        settlement.final_payment,
        settlement.repayment,
    )


def test_the_walker_files_the_settlement_request_where_the_grant_needs_one() -> None:
    """Under rules whose threshold is below one location's amount, the walker files the
    board's settlement request (a month after the school year) before settling."""
    rules = attrs.evolve(
        programme().rules_for("2024-2025"), ex_officio_threshold=Decimal("20000.00")
    )
    trajectory = Walker.start(seed=2, rules=rules).walk()
    assert "settled" == trajectory.state
    names = [event.name for event in trajectory.history]
    assert ["request_settlement", "settle"] == names[-2:]
    request = trajectory.data.settlement_request
    assert request is not None
    assert dt.date(2025, 8, 30) == request.received_at.date()
    assert trajectory == replay(trajectory.history)


def test_the_walker_records_knowledge_sharing_before_the_settlement() -> None:
    """2024-2025 requires knowledge sharing to settle: the walker records one occasion
    in the closing state, dated inside the school year; the settlement reports the
    hourly cost and the share it used."""
    trajectory = Walker.start(seed=4).walk()
    assert "settled" == trajectory.state
    (shared,) = trajectory.data.knowledge_sharing
    assert shared.date in trajectory.data.school_year
    recorded = [e for e in trajectory.history if e.name == "record_knowledge_sharing"]
    assert ["closing"] == [event.from_state for event in recorded]
    settlement = trajectory.data.settlement
    assert settlement is not None
    assert (settlement.hourly_cost, settlement.reimbursed_share) == (
        trajectory.data.rules.hourly_cost,
        trajectory.data.rules.reimbursed_share,
    )


def test_the_walker_forms_the_core_group_again_when_its_leader_left() -> None:
    """The school leader of the core group leaves during the year: before the closing
    talk the walker forms the core group again with a school leader who takes part."""
    walker = Walker.start(seed=2)
    walker.walk_to("in_progress")
    leader = walker.data.core_group[0]
    walker.fire("remove_participant", name=leader)
    assert "core_group.school_leader" in [
        v.code for v in walker.trajectory.check("hold_closing_talk")
    ]
    trajectory = walker.walk_to("closing")
    leaders = {p.name for p in trajectory.data.school_leaders}
    assert leaders & set(trajectory.data.core_group)
    assert leader not in trajectory.data.core_group


def test_the_same_seed_gives_the_same_trajectory() -> None:
    """Names, hours and dates repeat with the seed; another seed differs."""
    first = Walker.start(seed=5).walk_to("in_progress").data
    again = Walker.start(seed=5).walk_to("in_progress").data
    other = Walker.start(seed=6).walk_to("in_progress").data
    assert first == again
    assert first.participants != other.participants


def test_the_walker_follows_the_rules_of_the_year() -> None:
    """In 2026-2027 the walker records an information talk, as the rules require."""
    offer = attrs.evolve(
        catalog().get("leven-lang-lezen"), school_years=frozenset({SchoolYear.parse("2026-2027")})
    )
    trajectory = Walker.start(seed=2, school_year="2026-2027", offer=offer).walk()
    assert "settled" == trajectory.state
    assert [TalkKind.INFORMATION_TALK] == [talk.kind for talk in trajectory.data.talks]


def test_walking_to_a_state_that_does_not_lie_ahead_is_refused() -> None:
    """A state behind the current one, or an unknown one, raises InvalidData."""
    walker = Walker.start(seed=1)
    walker.walk_to("granted")
    with pytest.raises(InvalidData):
        walker.walk_to("orientation_held")
    with pytest.raises(InvalidData):
        walker.walk_to("flying")


def test_an_event_without_a_hint_gets_a_derived_payload() -> None:
    """Without preparations the walker fires an event with a payload derived from its
    payload class, dated today."""
    walker = Walker.start(seed=3, preparations={})
    with capture_logs():
        event = walker.take("hold_orientation")
    assert "orientation_held" == walker.state
    assert walker.today() == event.payload.date
    assert "Written for the example." == event.payload.report


def test_example_of_an_unknown_event_is_refused() -> None:
    """Walker.example names only events of its lifecycle."""
    with pytest.raises(UnknownEvent):
        Walker.start(seed=3).example("fly")


def test_the_walker_follows_the_lifecycle_it_was_given() -> None:
    """Walker.start(lifecycle=...) creates the trajectory in that lifecycle."""
    walker = Walker.start(seed=3, lifecycle=LIFECYCLE)
    assert LIFECYCLE is walker.lifecycle


def test_the_hints_come_from_the_registry() -> None:
    """By default the walker takes the hints registered beside the events in the
    programme's registry; a registry given to Walker.start() gives its own."""
    registry = programme().registry
    assert dict(registry.preparations) == dict(Walker.start(seed=3).preparations)
    assert registry.preparation_for("submit_application") is walker.prepare_submission
    own = leertraject_registry()
    given = Walker.start(seed=3, registry=own)
    assert given.preparations == own.preparations
    with pytest.raises(InvalidData) as refused:
        Walker.start(seed=3, registry={"hold_orientation": walker.prepare_orientation})  # type: ignore[arg-type]
    assert "registry" == refused.value.field


def test_a_hint_registered_for_an_event_is_taken() -> None:
    """A hint registered in the registry the walker is given is what it does before
    the event, and its payload is what the event is fired with."""
    own = leertraject_registry()
    with pytest.raises(DefinitionError, match="registered twice"):
        own.register_preparation("hold_orientation", walker.prepare_orientation)
    calls: list[str] = []

    @own.preparation("register")
    def note(taken: Walker) -> dict[str, Any]:
        calls.append(taken.state)
        return {}

    w = Walker.start(seed=3, registry=own)
    with capture_logs():
        w.walk(("hold_orientation", "register"))
    assert ["orientation_held"] == calls


def test_preparations_is_a_deprecated_alias() -> None:
    """walker.PREPARATIONS still gives the leertraject's hints, with a warning."""
    with pytest.warns(DeprecationWarning, match="register_preparation"):
        hints = walker.PREPARATIONS
    assert dict(programme().registry.preparations) == dict(hints)


def test_settings_shape_a_first_submission() -> None:
    """The settings a hint reads: fewer participants, a share of the hours and parts
    of the plan left out make the first submission refused for exactly those; taken
    again without them, it is accepted."""
    w = Walker.start(seed=5)
    with capture_logs():
        w.walk_to("application_in_preparation")
        w.settings.update(
            fewer_participants=Decimal(2), hours_share=Decimal("0.8"), plan_parts_missing=Decimal(2)
        )
        with pytest.raises(PreconditionFailed) as refused:
            w.take("submit_application")
        w.settings.clear()
        codes = Counter(violation.code for violation in refused.value.violations)
        assert {
            "participants.minimum": 1,
            "hours.minimum": 1,
            "activity_plan.missing_part": 2,
        } == codes
        assert "submit_application" == w.take("submit_application").name


def test_log_hours_logs_whole_days_up_to_today() -> None:
    """log_hours(share) logs that share of each participant's planned hours (whole
    hours), at most a day's maximum per date, never after today."""
    w = Walker.start(seed=2)
    with capture_logs():
        w.walk_to("in_progress")
        w.move_to(w.data.school_year.end - dt.timedelta(days=40))
        w.log_hours(Decimal("0.5"))
    planned = sum((p.planned_hours for p in w.data.participants), Decimal(0))
    logged = sum((entry.hours for entry in w.data.hours), Decimal(0))
    assert 0 < logged <= planned / 2
    assert all(entry.date <= w.today() for entry in w.data.hours)
    assert all(w.data.hours_on(entry.participant, entry.date) <= 24 for entry in w.data.hours)
