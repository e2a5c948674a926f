"""The walker takes a leertraject along any path, satisfying every guard on the way."""

from __future__ import annotations

import attrs
import pytest
from structlog.testing import capture_logs

from trajectory import InvalidData, UnknownEvent, replay
from trajectory.ontwikkelkracht import LIFECYCLE, SchoolYear, TalkKind, catalog
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
