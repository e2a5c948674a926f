"""Diagrams drawn from the lifecycle definition: Mermaid and DOT with every transition,
counts per state, no Graphviz program needed, and InvalidData for bad input."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.diagrams import mermaid_edges, routes
from trajectory import InvalidData, diagram
from trajectory.engine.definition import (
    Creation,
    EventDefinition,
    Lifecycle,
    NoPayload,
    State,
    Transition,
)
from trajectory.ontwikkelkracht import LIFECYCLE

_DOT_EDGE = re.compile(r'^\s*(\w+) -> (\w+) \[label="?([^"\]]*)"?\]$')
_DOT_NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")


def dot_edges(source: str) -> set[tuple[str, str, str]]:
    """The labelled edges of a DOT graph, one per event."""
    drawn = set()
    for line in source.splitlines():
        found = _DOT_EDGE.match(line)
        if found:
            start, target, label = found.groups()
            drawn |= {(start, event, target) for event in label.split(" | ")}
    return drawn


def test_mermaid_draws_every_transition_the_start_and_the_ends() -> None:
    """Every (state, event, state) of the leertraject is an arrow; [*] leads to the
    initial state and every final state leads to [*]."""
    source = diagram(LIFECYCLE)
    assert source.startswith("stateDiagram-v2\n  direction TB\n")
    drawn, starts, ends = mermaid_edges(source)
    assert routes(LIFECYCLE) == drawn
    assert {LIFECYCLE.initial} == starts
    assert set(LIFECYCLE.final_states) == ends


def test_dot_draws_every_transition_and_marks_the_final_states() -> None:
    """The DOT source has every transition, a start point before the initial state
    and a double border on the final states only."""
    source = diagram(LIFECYCLE, "dot")
    assert source.startswith('digraph "ontwikkelkracht.leertraject" {')
    assert routes(LIFECYCLE) == dot_edges(source)
    assert f"__start__ -> {LIFECYCLE.initial}" in source
    doubled = {
        found.group(1)
        for line in source.splitlines()
        if (found := _DOT_NODE.match(line)) and "peripheries=2" in found.group(2)
    }
    assert set(LIFECYCLE.final_states) == doubled


def test_dot_source_needs_no_graphviz_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without any program on the PATH the DOT source is written all the same."""
    monkeypatch.setenv("PATH", "")
    assert routes(LIFECYCLE) == dot_edges(diagram(LIFECYCLE, "dot"))


def test_counts_label_every_state() -> None:
    """With counts every state shows its number; a state not counted shows 0."""
    source = diagram(LIFECYCLE, counts={"settled": 12, "granted": 3})
    assert 'state "settled (12)" as settled' in source
    assert 'state "granted (3)" as granted' in source
    assert 'state "rejected (0)" as rejected' in source
    dot = diagram(LIFECYCLE, "dot", counts={"settled": 12})
    assert 'settled [label="settled (12)\\l" peripheries=2]' in dot


def test_without_counts_the_states_carry_their_names() -> None:
    """No counts: the label is the state's name."""
    assert 'state "settled" as settled' in diagram(LIFECYCLE)


def test_a_simulation_report_gives_the_counts() -> None:
    """The schools per final state of a simulation label the diagram."""
    from trajectory.sim.cohort import simulate

    report = simulate(8, seed=3, processes=1)
    source = diagram(LIFECYCLE, counts=report.final_states)
    settled = report.final_states["settled"]
    assert f'state "settled ({settled})" as settled' in source


def _tiny() -> Lifecycle[None]:
    return Lifecycle(
        "tiny",
        states=[State("open"), State("closed", final=True)],
        events=[
            EventDefinition("note", (Transition(("open",)),)),
            EventDefinition("close", (Transition(("open",), "closed"),)),
        ],
        initial="open",
        creation=Creation(NoPayload, lambda payload, context: None),
    )


def test_any_lifecycle_can_be_drawn() -> None:
    """The engine's lifecycles are drawn alike; an event that keeps the state is an
    arrow from the state to itself."""
    source = diagram(_tiny())
    assert {("open", "note", "open"), ("open", "close", "closed")} == mermaid_edges(source)[0]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"format": "png"}, "format"),
        ({"format": "Mermaid"}, "format"),
        ({"counts": {"setled": 1}}, "counts.setled"),
        ({"counts": {"settled": -1}}, "counts.settled"),
        ({"counts": {"settled": True}}, "counts.settled"),
        ({"counts": {"settled": 1.5}}, "counts.settled"),
        ({"counts": [("settled", 1)]}, "counts"),
    ],
)
def test_bad_input_raises_invalid_data(arguments: dict[str, Any], field: str) -> None:
    """An unknown format or state, or a count that is no whole number ≥ 0."""
    with pytest.raises(InvalidData) as info:
        diagram(LIFECYCLE, **arguments)
    assert field == info.value.field


def test_a_lifecycle_is_required() -> None:
    """Something else than a Lifecycle is refused."""
    with pytest.raises(InvalidData) as info:
        diagram("leertraject")  # type: ignore[arg-type]
    assert "lifecycle" == info.value.field


def test_writing_the_dot_source_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawing writes nothing to disk."""
    monkeypatch.chdir(tmp_path)
    diagram(LIFECYCLE, "dot")
    assert [] == list(tmp_path.iterdir())


def test_state_names_that_are_no_identifiers_get_one_in_mermaid() -> None:
    """Mermaid needs identifiers: a name with spaces or dashes is shown as its label,
    under an identifier of its own; the arrows use the identifiers."""
    odd = Lifecycle(
        "odd",
        states=[State("in review"), State("in-review"), State("done.", final=True)],
        events=[
            EventDefinition("pass", (Transition(("in review",), "in-review"),)),
            EventDefinition("close", (Transition(("in-review",), "done."),)),
        ],
        initial="in review",
        creation=Creation(NoPayload, lambda payload, context: None),
    )
    source = diagram(odd)
    assert 'state "in review" as in_review\n' in source
    assert 'state "in-review" as in_review_2\n' in source
    assert 'state "done." as done_\n' in source
    drawn, starts, ends = mermaid_edges(source)
    assert {("in_review", "pass", "in_review_2"), ("in_review_2", "close", "done_")} == drawn
    assert ({"in_review"}, {"done_"}) == (starts, ends)
    dot = diagram(odd, "dot")
    assert '"in review" -> "in-review" [label=pass]' in dot
