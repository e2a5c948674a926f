"""Read the diagrams :func:`trajectory.diagram` draws back into transitions, for the tests."""

from __future__ import annotations

from typing import Any

from trajectory.engine.definition import Lifecycle


def routes(lifecycle: Lifecycle[Any]) -> set[tuple[str, str, str]]:
    """Every (source, event, target) of the lifecycle."""
    return {
        (source, event, target)
        for event, found in lifecycle.routes.items()
        for source, target in found.items()
    }


def mermaid_edges(source: str) -> tuple[set[tuple[str, str, str]], set[str], set[str]]:
    """The transitions, the states after [*] and the states before [*] of a Mermaid
    state diagram."""
    drawn: set[tuple[str, str, str]] = set()
    starts, ends = set(), set()
    for line in source.splitlines():
        if "-->" not in line:
            continue
        arrow, _, label = line.strip().partition(": ")
        start, target = (part.strip() for part in arrow.split("-->"))
        if start == "[*]":
            starts.add(target)
        elif target == "[*]":
            ends.add(start)
        else:
            drawn |= {(start, event.strip(), target) for event in label.split(" | ")}
    return drawn, starts, ends
