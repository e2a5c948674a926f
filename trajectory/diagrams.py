"""Diagrams of a lifecycle, drawn from its definition by ``transitions``' diagram support.

:func:`diagram` gives the source of a state diagram: Mermaid (``stateDiagram-v2``,
which GitHub and MkDocs render) or Graphviz DOT (the ``graphviz`` package writes the
source; only rendering it to an image needs the Graphviz programs). Each state can
carry a count, such as the trajectories per state in a store or the schools per
final state in a simulation report.

>>> from trajectory.ontwikkelkracht import programme
>>> leertraject = programme().leertraject
>>> print(diagram(leertraject).splitlines()[0])
stateDiagram-v2
>>> "completed --> settled: settle" in diagram(leertraject)
True
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal, cast

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData

__all__ = ["FORMATS", "diagram"]

#: The formats :func:`diagram` writes.
FORMATS: Final = ("mermaid", "dot")

_ENGINES: Final[dict[str, Literal["mermaid", "graphviz"]]] = {
    "mermaid": "mermaid",
    "dot": "graphviz",
}


@functools.cache
def _diagram_machine() -> type[Any]:
    """The machine that draws: ``transitions``' ``GraphMachine`` with labelled states,
    top to bottom, final states with a double border. Made on first use, so that
    importing trajectory does not import ``transitions``' diagram support."""
    import transitions
    from transitions.extensions.diagrams import GraphMachine

    class LabelledState(transitions.State):
        """A state that carries the label the diagram shows (``transitions`` reads a
        state's ``label`` into the machine's markup)."""

        def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if label is not None:
                self.label = label

    styles = cast(dict[str, Any], GraphMachine.style_attributes)

    class DiagramMachine(GraphMachine):
        state_cls = LabelledState
        # Top to bottom: a lifecycle of many states reads better down a page.
        # transitions reads its styles from these class attributes.
        machine_attributes: dict[str, str] = {  # noqa: RUF012
            "directed": "true",
            "strict": "false",
            "rankdir": "TB",
        }
        # A final state has a double border in DOT.
        style_attributes: dict[str, Any] = {  # noqa: RUF012
            **styles,
            "node": {**styles["node"], "final": {"peripheries": "2"}},
        }

    return DiagramMachine


def _transitions(lifecycle: Lifecycle[Any], ids: Mapping[str, str]) -> list[dict[str, Any]]:
    """The lifecycle's transitions for ``transitions``; an event that keeps the state
    is drawn as an arrow from each of its states to itself."""
    found: list[dict[str, Any]] = []
    for event in lifecycle.events.values():
        for transition in event.transitions:
            if transition.target is None:
                found += [
                    {"trigger": event.name, "source": ids[source], "dest": ids[source]}
                    for source in transition.sources
                ]
            else:
                found.append(
                    {
                        "trigger": event.name,
                        "source": [ids[source] for source in transition.sources],
                        "dest": ids[transition.target],
                    }
                )
    return found


def _mermaid_ids(names: Iterable[str]) -> dict[str, str]:
    """A Mermaid identifier for every state name (letters, digits and ``_``), unique."""
    ids: dict[str, str] = {}
    for name in names:
        base = re.sub(r"\W", "_", name) or "state"
        candidate, number = base, 1
        while candidate in ids.values():
            number += 1
            candidate = f"{base}_{number}"
        ids[name] = candidate
    return ids


def _without_styles(source: str) -> list[str]:
    """The Mermaid lines without the style classes (every state has the default one)."""
    return [
        line.rstrip()
        for line in source.splitlines()
        if not line.lstrip().startswith(("Class ", "classDef "))
    ]


@functools.cache
def _graphviz_engine() -> type:
    """The graph class of the ``graphviz`` engine (``transitions`` would fall back to
    Mermaid, silently, without the ``graphviz`` package)."""
    if importlib.util.find_spec("graphviz") is None:  # pragma: no cover - a dependency
        raise InvalidData("format", "DOT needs the graphviz package: pip install graphviz")
    from transitions.extensions.diagrams_graphviz import Graph

    return cast(type, Graph)


def _check_counts(lifecycle: Lifecycle[Any], counts: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(counts, Mapping):
        raise InvalidData("counts", f"expected a mapping of state to count, got {counts!r}")
    checked: dict[str, int] = {}
    for state, count in counts.items():
        if state not in lifecycle.states:
            raise InvalidData(
                f"counts.{state}",
                f"{state!r} is no state of {lifecycle.name!r}; states: "
                f"{', '.join(lifecycle.states)}",
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidData(f"counts.{state}", f"expected a whole number ≥ 0, got {count!r}")
        checked[state] = count
    return checked


def diagram(
    lifecycle: Lifecycle[Any],
    format: str = "mermaid",
    counts: Mapping[str, int] | None = None,
) -> str:
    """The state diagram of ``lifecycle`` as Mermaid or DOT source.

    Every transition is drawn, labelled with its events (an arrow from a state to
    itself records a fact without changing the state); the initial state has an
    arrow from the start and the final states one to the end. With ``counts`` (state
    → number) every state is labelled ``name (count)``, states not counted with 0.
    An unknown format or state, or a negative count, raises :class:`InvalidData`.
    """
    if not isinstance(lifecycle, Lifecycle):
        raise InvalidData("lifecycle", f"expected a Lifecycle, got {lifecycle!r}")
    if format not in FORMATS:
        raise InvalidData("format", f"expected one of {', '.join(FORMATS)}, got {format!r}")
    counted = None if counts is None else _check_counts(lifecycle, counts)
    if format == "mermaid":
        ids = _mermaid_ids(lifecycle.states)
    else:  # DOT quotes any name
        ids = {name: name for name in lifecycle.states}
    states = []
    for name, state in lifecycle.states.items():
        label = name if counted is None else f"{name} ({counted.get(name, 0)})"
        labelled = {} if label == ids[name] else {"label": label.replace('"', "'")}
        states.append({"name": ids[name], "final": state.final, **labelled})
    machine = _diagram_machine()(
        model=None,
        states=states,
        transitions=_transitions(lifecycle, ids),
        initial=ids[lifecycle.initial],
        auto_transitions=False,
        title=lifecycle.name,
        graph_engine=_ENGINES[format],
    )
    finals = [ids[name] for name, state in lifecycle.states.items() if state.final]
    if format == "mermaid":
        graph = cast(Any, machine.graph_cls(machine).get_graph())
        lines = _without_styles(graph.source)
        if lines[0] == lines[2] == "---":
            # The title as front matter is no YAML mapping, and not every renderer
            # reads front matter: the diagram starts with its type.
            del lines[:3]
        indent = " " * (len(lines[-1]) - len(lines[-1].lstrip()))
        lines += [f"{indent}{name} --> [*]" for name in finals]
        return "\n".join(lines) + "\n"
    drawer = _graphviz_engine()(machine)
    for name in finals:
        drawer.set_node_style(name, "final")
    dot = drawer.get_graph()
    dot.node("__start__", label="", shape="point")
    dot.edge("__start__", lifecycle.initial)
    return str(dot.source)
