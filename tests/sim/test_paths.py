"""Every state and transition of a lifecycle, and shortest paths to each state."""

from __future__ import annotations

import pytest

from trajectory import InvalidData
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.sim.paths import Step, shortest_path, shortest_paths, transitions


def test_transitions_list_every_route_of_the_lifecycle() -> None:
    """Each (source, event, target) of the routes appears once, and nothing else."""
    found = transitions(LIFECYCLE)
    expected = {
        (source, event, target)
        for event, routes in LIFECYCLE.routes.items()
        for source, target in routes.items()
    }
    assert expected == {(s.source, s.event, s.target) for s in found}
    assert len(expected) == len(found)
    assert Step("granted", "withdraw", "stopped") in found
    assert Step("in_progress", "log_hours", "in_progress") in found


def test_every_state_has_a_shortest_path() -> None:
    """Every state of the leertraject is reachable, by a path that really leads there."""
    paths = shortest_paths(LIFECYCLE)
    assert set(LIFECYCLE.states) == set(paths)
    for state, events in paths.items():
        current = LIFECYCLE.initial
        for event in events:
            current = LIFECYCLE.routes[event][current]
        assert state == current


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("orientation_requested", ()),
        ("withdrawn", ("withdraw",)),
        ("granted", ("hold_orientation", "register", "submit_application", "grant")),
        ("stopped", ("hold_orientation", "register", "submit_application", "grant", "withdraw")),
    ],
)
def test_shortest_path_to_a_state(state: str, expected: tuple[str, ...]) -> None:
    """The path is the shortest, and always the same."""
    assert expected == shortest_path(LIFECYCLE, state)


def test_shortest_path_to_an_unknown_state_is_refused() -> None:
    """An unknown state raises InvalidData naming 'state'."""
    with pytest.raises(InvalidData) as info:
        shortest_path(LIFECYCLE, "flying")
    assert "state" == info.value.field


def test_the_simulator_re_exports_the_engines_paths() -> None:
    """trajectory.sim.paths keeps working: its names are the engine's."""
    from trajectory.engine import paths

    assert (paths.Step, paths.shortest_path, paths.shortest_paths, paths.transitions) == (
        Step,
        shortest_path,
        shortest_paths,
        transitions,
    )
