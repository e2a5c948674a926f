"""Anchor implementations for the ``trajectory`` benchmarks.

The benchmarks compare ``trajectory`` against the cheapest reasonable ways to do
the same job, all measured in the same process:

* raw ``transitions`` (one ``Machine`` per model, and one shared ``Machine`` with
  ``add_model``),
* ``python-statemachine`` v3 (both the SCXML-flavoured ``StateChart`` and the
  v2-compatible ``StateMachine`` semantics),
* a plain ``{(state, event): target}`` dict table.

Every anchor mirrors the 16-state "leertraject" lifecycle, or, for the
per-trigger anchors, a one-state machine with a single guarded self-loop.

This module deliberately does not import ``trajectory``.

Run ``python benchmarks/anchors.py`` to print µs per operation for each anchor.
"""

from __future__ import annotations

import functools
import gc
import timeit
from collections.abc import Callable
from typing import Any

from statemachine import State, StateChart, StateMachine
from transitions import Machine

# ---------------------------------------------------------------------------
# The leertraject lifecycle, in the transitions package's format
# ---------------------------------------------------------------------------

LEERTRAJECT_INITIAL: str = "orientation_requested"
"""Initial state of the leertraject."""

LEERTRAJECT_STATES: list[str] = [
    "orientation_requested",
    "orientation_held",
    "not_pursued",
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
    "granted",
    "rejected",
    "preparing",
    "intake",
    "in_progress",
    "closing",
    "completed",
    "settled",
    "withdrawn",
    "stopped",
]
"""The 16 leertraject states, initial state first."""

LEERTRAJECT_FINAL_STATES: frozenset[str] = frozenset(
    {"not_pursued", "rejected", "settled", "withdrawn"}
)
"""States without outgoing transitions (``final=True`` in python-statemachine)."""

_WITHDRAWABLE_BEFORE_GRANT: list[str] = [
    "orientation_requested",
    "orientation_held",
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
]
_WITHDRAWABLE_AFTER_GRANT: list[str] = [
    "granted",
    "preparing",
    "intake",
    "in_progress",
    "closing",
]
_PARTICIPANT_STATES: list[str] = [
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
    "granted",
    "preparing",
    "intake",
    "in_progress",
]

LEERTRAJECT_TRANSITIONS: list[dict[str, Any]] = [
    # State-changing events.
    {"trigger": "hold_orientation", "source": "orientation_requested", "dest": "orientation_held"},
    {"trigger": "decline", "source": "orientation_held", "dest": "not_pursued"},
    {"trigger": "register", "source": "orientation_held", "dest": "application_in_preparation"},
    {
        "trigger": "submit_application",
        "source": "application_in_preparation",
        "dest": "application_submitted",
    },
    {
        "trigger": "request_completion",
        "source": "application_submitted",
        "dest": "application_incomplete",
    },
    {
        "trigger": "complete_application",
        "source": "application_incomplete",
        "dest": "application_submitted",
    },
    {"trigger": "grant", "source": "application_submitted", "dest": "granted"},
    {
        "trigger": "reject",
        "source": ["application_submitted", "application_incomplete"],
        "dest": "rejected",
    },
    {"trigger": "start_preparation", "source": "granted", "dest": "preparing"},
    {"trigger": "hold_intake", "source": "preparing", "dest": "intake"},
    {"trigger": "start_execution", "source": "intake", "dest": "in_progress"},
    {"trigger": "hold_study_moment", "source": "in_progress", "dest": "in_progress"},
    {"trigger": "hold_guidance_moment", "source": "in_progress", "dest": "in_progress"},
    {"trigger": "hold_closing_talk", "source": "in_progress", "dest": "closing"},
    {"trigger": "deliver_implementation_plan", "source": "closing", "dest": "completed"},
    {"trigger": "settle", "source": ["completed", "stopped"], "dest": "settled"},
    {"trigger": "withdraw", "source": list(_WITHDRAWABLE_BEFORE_GRANT), "dest": "withdrawn"},
    {"trigger": "withdraw", "source": list(_WITHDRAWABLE_AFTER_GRANT), "dest": "stopped"},
    # Internal (state-keeping) recording events: dest=None, no exit/enter.
    {
        "trigger": "record_talk",
        "source": ["orientation_requested", "orientation_held", "application_in_preparation"],
        "dest": None,
    },
    {"trigger": "add_participant", "source": list(_PARTICIPANT_STATES), "dest": None},
    {"trigger": "remove_participant", "source": list(_PARTICIPANT_STATES), "dest": None},
    {
        "trigger": "write_activity_plan",
        "source": ["application_in_preparation", "application_incomplete"],
        "dest": None,
    },
    {
        "trigger": "form_core_group",
        "source": ["granted", "preparing", "intake", "in_progress"],
        "dest": None,
    },
    {"trigger": "plan_calendar", "source": "preparing", "dest": None},
    {"trigger": "write_development_plan", "source": "intake", "dest": None},
    {
        "trigger": "log_hours",
        "source": ["preparing", "intake", "in_progress", "closing"],
        "dest": None,
    },
]
"""Leertraject transitions as ``transitions`` dicts (``trigger``/``source``/``dest``).

``dest=None`` marks an internal transition: the state is kept and no exit/enter
callbacks run.  Treat these dicts as read-only; they are shared by every anchor.
"""

WALK_EVENTS: tuple[str, ...] = (
    "hold_orientation",
    "register",
    "submit_application",
    "grant",
    "start_preparation",
    "hold_intake",
    "start_execution",
    "hold_study_moment",
    "hold_study_moment",
    "hold_guidance_moment",
    "hold_closing_talk",
    "deliver_implementation_plan",
    "settle",
)
"""The 13 events of the complete walk, from ``orientation_requested`` to ``settled``."""

WALK_FINAL_STATE: str = "settled"
"""State every complete walk ends in."""


def _sources(source: str | list[str]) -> list[str]:
    """Normalise a transition's ``source`` field to a list of state names."""
    return [source] if isinstance(source, str) else list(source)


# ---------------------------------------------------------------------------
# Raw transitions
# ---------------------------------------------------------------------------


class PlainModel:
    """A plain model object; ``transitions`` attaches ``state`` and triggers to it."""

    state: str


def transitions_machine(model: object | None = None) -> Machine:
    """Build the leertraject as a ``transitions.Machine`` (``auto_transitions=False``).

    With ``model=None`` the machine has no models at all (use :func:`add_models`
    or ``machine.add_model``); otherwise ``model`` is bound and set to the initial
    state.
    """
    return Machine(
        model=model,
        states=LEERTRAJECT_STATES,
        transitions=LEERTRAJECT_TRANSITIONS,
        initial=LEERTRAJECT_INITIAL,
        auto_transitions=False,
    )


def add_models(machine: Machine, n: int) -> list[PlainModel]:
    """Create ``n`` :class:`PlainModel` objects and ``machine.add_model`` each one.

    This is the per-model cost users of ``transitions`` complain about: every
    ``add_model`` binds one trigger per event plus state-check helpers onto the
    model.  Note ``Machine.add_model`` also does a linear ``mod not in
    machine.models`` scan, so the cost per model grows slightly with ``n``.
    """
    models = [PlainModel() for _ in range(n)]
    for model in models:
        machine.add_model(model)
    return models


def transitions_models_at(state: str, n: int) -> list[PlainModel]:
    """``n`` models attached to one new leertraject machine, each put in ``state``.

    ``add_model(models, initial=state)`` attaches them; no callbacks and no
    conditions are configured, so a trigger on one of them costs what
    ``transitions`` itself does: look up the event, check the model's state, run
    the (empty) callback lists and, for an external transition, exit the source
    and enter the destination (``set_state``). Each model can fire an external
    transition once; an internal one (``dest=None``, such as ``log_hours``) any
    number of times, keeping its state and running no exit or enter callbacks.
    """
    models = [PlainModel() for _ in range(n)]
    transitions_machine().add_model(models, initial=state)
    return models


class _GoModel:
    """Model for the one-state ``transitions`` anchor; ``ok`` is its guard."""

    state: str

    def ok(self) -> bool:
        """The single condition: always true."""
        return True


def transitions_single_trigger() -> Callable[[], Any]:
    """Return a zero-arg callable firing one guarded self-loop in raw ``transitions``.

    The machine has one state ``idle`` and one event ``go`` (``idle -> idle``,
    an external self-transition) with one condition, the model's bound method
    ``ok``.  The returned callable is the trigger ``transitions`` bound onto the
    model, so timing it measures only the cost of one trigger.
    """
    model = _GoModel()
    Machine(
        model=model,
        states=["idle"],
        transitions=[{"trigger": "go", "source": "idle", "dest": "idle", "conditions": model.ok}],
        initial="idle",
        auto_transitions=False,
    )
    trigger: Callable[[], Any] = getattr(model, "go")  # noqa: B009 - bound at runtime
    return trigger


def _walk_transitions_model(model: object) -> str:
    """Fire :data:`WALK_EVENTS` on a model bound to a transitions machine."""
    for event in WALK_EVENTS:
        getattr(model, event)()
    state: str = getattr(model, "state")  # noqa: B009 - set at runtime
    return state


def walk_transitions_per_model() -> str:
    """Complete walk with one new ``transitions.Machine`` per model.

    Includes building the model and its own machine (16 states, 26 transition
    rows) and firing the 13 events of :data:`WALK_EVENTS`.  Returns the final
    state.
    """
    model = PlainModel()
    transitions_machine(model)
    return _walk_transitions_model(model)


def walk_transitions_shared(machine: Machine) -> str:
    """Complete walk on a shared machine: ``add_model``, 13 events, ``remove_model``.

    ``machine`` should come from ``transitions_machine()`` (no models).  The
    model is removed again so repeated calls keep ``machine.models`` from
    growing (which would make ``add_model`` slower and leak the models).
    Returns the final state.
    """
    model = PlainModel()
    machine.add_model(model)
    try:
        return _walk_transitions_model(model)
    finally:
        machine.remove_model(model)


# ---------------------------------------------------------------------------
# python-statemachine (v3)
# ---------------------------------------------------------------------------


class GoChart(StateChart[Any]):
    """One state, one self-loop ``go`` with one condition, as a v3 ``StateChart``.

    ``StateChart`` is v3's default class with SCXML semantics: unknown or
    disallowed events are silently ignored, callback errors become
    ``error.execution`` events, and self-transitions re-run exit/enter.
    """

    idle = State(initial=True)
    go = idle.to(idle, cond="ok")  # == idle.to.itself(...), which is unannotated

    def ok(self) -> bool:
        """The single condition: always true."""
        return True


class GoMachine(StateMachine):
    """Same as :class:`GoChart` as a v3 ``StateMachine`` (v2-compatible semantics).

    ``StateMachine`` raises ``TransitionNotAllowed`` for disallowed events, lets
    callback errors propagate, skips exit/enter on self-transitions and updates
    the configuration atomically.
    """

    idle = State(initial=True)
    go = idle.to(idle, cond="ok")  # == idle.to.itself(...), which is unannotated

    def ok(self) -> bool:
        """The single condition: always true."""
        return True


def statechart_single_trigger() -> Callable[[], Any]:
    """Return a zero-arg callable firing :class:`GoChart`'s ``go`` once.

    ``sm.go`` is a ``BoundEvent``, which is a ``str`` subclass: ``timeit`` (and
    anything else that special-cases strings) would treat it as source code, so
    it is wrapped in a ``functools.partial`` (a few tens of ns).
    """
    return functools.partial(GoChart().go)


def statemachine_single_trigger() -> Callable[[], Any]:
    """Return a zero-arg callable firing :class:`GoMachine`'s ``go`` once (see above)."""
    return functools.partial(GoMachine().go)


class LeertrajectChart(StateChart[Any]):
    """The full leertraject as a python-statemachine v3 ``StateChart``.

    The ``dest=None`` recording events are targetless transitions
    (``state.to(None)``): no exit/enter actions, the configuration is kept.
    The current state name is in ``chart.model.state`` (or
    ``chart.configuration_values``).
    """

    orientation_requested = State(initial=True)
    orientation_held = State()
    not_pursued = State(final=True)
    application_in_preparation = State()
    application_submitted = State()
    application_incomplete = State()
    granted = State()
    rejected = State(final=True)
    preparing = State()
    intake = State()
    in_progress = State()
    closing = State()
    completed = State()
    settled = State(final=True)
    withdrawn = State(final=True)
    stopped = State()

    hold_orientation = orientation_requested.to(orientation_held)
    decline = orientation_held.to(not_pursued)
    register = orientation_held.to(application_in_preparation)
    submit_application = application_in_preparation.to(application_submitted)
    request_completion = application_submitted.to(application_incomplete)
    complete_application = application_incomplete.to(application_submitted)
    grant = application_submitted.to(granted)
    reject = rejected.from_(application_submitted, application_incomplete)
    start_preparation = granted.to(preparing)
    hold_intake = preparing.to(intake)
    start_execution = intake.to(in_progress)
    hold_study_moment = in_progress.to(in_progress)
    hold_guidance_moment = in_progress.to(in_progress)
    hold_closing_talk = in_progress.to(closing)
    deliver_implementation_plan = closing.to(completed)
    settle = settled.from_(completed, stopped)
    withdraw = withdrawn.from_(
        orientation_requested,
        orientation_held,
        application_in_preparation,
        application_submitted,
        application_incomplete,
    ) | stopped.from_(granted, preparing, intake, in_progress, closing)

    record_talk = (
        orientation_requested.to(None)
        | orientation_held.to(None)
        | application_in_preparation.to(None)
    )
    add_participant = (
        application_in_preparation.to(None)
        | application_submitted.to(None)
        | application_incomplete.to(None)
        | granted.to(None)
        | preparing.to(None)
        | intake.to(None)
        | in_progress.to(None)
    )
    remove_participant = (
        application_in_preparation.to(None)
        | application_submitted.to(None)
        | application_incomplete.to(None)
        | granted.to(None)
        | preparing.to(None)
        | intake.to(None)
        | in_progress.to(None)
    )
    write_activity_plan = application_in_preparation.to(None) | application_incomplete.to(None)
    form_core_group = granted.to(None) | preparing.to(None) | intake.to(None) | in_progress.to(None)
    plan_calendar = preparing.to(None)
    write_development_plan = intake.to(None)
    log_hours = preparing.to(None) | intake.to(None) | in_progress.to(None) | closing.to(None)


class LeertrajectMachine(LeertrajectChart, StateMachine):
    """The full leertraject with v3 ``StateMachine`` (v2-compatible) semantics.

    Same states and transitions as :class:`LeertrajectChart`; the
    ``StateMachine`` base only flips the four behaviour flags
    (``allow_event_without_transition=False``, ``enable_self_transition_entries=False``,
    ``atomic_configuration_update=True``, ``catch_errors_as_events=False``).
    """


def _walk_statemachine(sm: StateChart[Any]) -> str:
    """Fire :data:`WALK_EVENTS` on a python-statemachine instance."""
    for event in WALK_EVENTS:
        getattr(sm, event)()
    state: str = getattr(sm.model, "state")  # noqa: B009 - internal Model, untyped
    return state


def walk_statechart() -> str:
    """Complete walk on a new :class:`LeertrajectChart`; returns the final state."""
    return _walk_statemachine(LeertrajectChart())


def walk_statemachine() -> str:
    """Complete walk on a new :class:`LeertrajectMachine`; returns the final state."""
    return _walk_statemachine(LeertrajectMachine())


# ---------------------------------------------------------------------------
# Plain dict table
# ---------------------------------------------------------------------------


def _always(model: DictTableMachine) -> bool:
    """The dict anchors' single condition: always true."""
    return True


def _leertraject_table() -> dict[tuple[str, str], str]:
    """Flatten :data:`LEERTRAJECT_TRANSITIONS` to ``{(state, event): target}``."""
    table: dict[tuple[str, str], str] = {}
    for row in LEERTRAJECT_TRANSITIONS:
        for source in _sources(row["source"]):
            dest = row["dest"]
            table[(source, row["trigger"])] = source if dest is None else dest
    return table


LEERTRAJECT_TABLE: dict[tuple[str, str], str] = _leertraject_table()
"""The leertraject as ``{(state, event): target}``; internal events target their source."""

GO_TABLE: dict[tuple[str, str], str] = {("idle", "go"): "idle"}
"""The one-state, one-self-loop table for the per-trigger anchor."""


class DictTableMachine:
    """State holder driven by a ``{(state, event): target}`` table and one condition."""

    __slots__ = ("condition", "state", "table")

    def __init__(
        self,
        table: dict[tuple[str, str], str],
        initial: str,
        condition: Callable[[DictTableMachine], bool] = _always,
    ) -> None:
        """Start in ``initial``; ``condition(self)`` guards every event."""
        self.table = table
        self.state = initial
        self.condition = condition

    def fire(self, event: str) -> None:
        """Look up ``(state, event)``, check the condition, assign the target state.

        Raises ``LookupError`` for an event not allowed in the current state and
        ``PermissionError`` when the condition fails.
        """
        try:
            target = self.table[(self.state, event)]
        except KeyError:
            raise LookupError(f"{event!r} not allowed in state {self.state!r}") from None
        if not self.condition(self):
            raise PermissionError(f"condition failed for {event!r} in {self.state!r}")
        self.state = target


def dict_table_single_trigger() -> Callable[[], Any]:
    """Return a zero-arg callable firing ``go`` once on a one-state dict table."""
    return functools.partial(DictTableMachine(GO_TABLE, "idle").fire, "go")


def walk_dict_table() -> str:
    """Complete walk on a new :class:`DictTableMachine`; returns the final state."""
    machine = DictTableMachine(LEERTRAJECT_TABLE, LEERTRAJECT_INITIAL)
    for event in WALK_EVENTS:
        machine.fire(event)
    return machine.state


# ---------------------------------------------------------------------------
# Smoke run: python benchmarks/anchors.py
# ---------------------------------------------------------------------------


def _us_per_call(
    func: Callable[[], Any], min_calls: int = 2_000, repeat: int = 5
) -> tuple[float, int]:
    """Best-of-``repeat`` µs per call of ``func``, and the total number of calls.

    Each repeat runs at least ``min_calls // repeat`` calls and at least ~0.2 s
    (``timeit.Timer.autorange``).  ``timeit`` disables the GC while timing.
    """
    timer = timeit.Timer(func)
    number = max(timer.autorange()[0], min_calls // repeat)
    best = min(timer.repeat(repeat=repeat, number=number))
    return best / number * 1e6, number * repeat


def _us_per_add_model(n: int, repeat: int = 5, *, gc_enabled: bool = False) -> float:
    """Best-of-``repeat`` µs per model for ``add_models(fresh machine, n)``.

    By default the GC is disabled while timing, as ``timeit`` does.  With
    ``gc_enabled=True`` the figure includes the collections that the ~40 bound
    partials per model provoke, which grow with the number of live models.
    """
    best = float("inf")
    for _ in range(repeat):
        machine = transitions_machine()
        if not gc_enabled:
            gc.disable()
        try:
            start = timeit.default_timer()
            add_models(machine, n)
            best = min(best, timeit.default_timer() - start)
        finally:
            gc.enable()
    return best / n * 1e6


def _main() -> None:
    """Check every walk ends in ``settled``, then print µs per operation."""
    shared = transitions_machine()
    walks: dict[str, Callable[[], str]] = {
        "walk: transitions, Machine per model": walk_transitions_per_model,
        "walk: transitions, shared add/remove_model": functools.partial(
            walk_transitions_shared, shared
        ),
        "walk: python-statemachine StateChart": walk_statechart,
        "walk: python-statemachine StateMachine": walk_statemachine,
        "walk: dict table": walk_dict_table,
    }
    for name, walk in walks.items():
        final = walk()
        if final != WALK_FINAL_STATE:
            raise AssertionError(f"{name} ended in {final!r}, expected {WALK_FINAL_STATE!r}")
    if shared.models:
        raise AssertionError("walk_transitions_shared left models on the shared machine")

    triggers: dict[str, Callable[[], Any]] = {
        "trigger: transitions (1 cond)": transitions_single_trigger(),
        "trigger: python-statemachine StateChart (1 cond)": statechart_single_trigger(),
        "trigger: python-statemachine StateMachine (1 cond)": statemachine_single_trigger(),
        "trigger: dict table (1 cond)": dict_table_single_trigger(),
    }
    builds: dict[str, Callable[[], Any]] = {
        "build: transitions_machine(PlainModel())": lambda: transitions_machine(PlainModel()),
        "build: LeertrajectChart()": LeertrajectChart,
        "build: LeertrajectMachine()": LeertrajectMachine,
        "build: DictTableMachine(leertraject)": lambda: DictTableMachine(
            LEERTRAJECT_TABLE, LEERTRAJECT_INITIAL
        ),
    }

    width = 52
    print(f"{'anchor':<{width}} {'µs/op':>10} {'calls':>8}")
    for name, func in {**triggers, **builds}.items():
        us, calls = _us_per_call(func)
        print(f"{name:<{width}} {us:>10.3f} {calls:>8}")
    n_models, repeat = 1_000, 5
    for gc_enabled in (False, True):
        label = f"add_model: add_models(machine, {n_models}), GC {'on' if gc_enabled else 'off'}"
        us = _us_per_add_model(n_models, repeat, gc_enabled=gc_enabled)
        print(f"{label:<{width}} {us:>10.3f} {n_models * repeat:>8}")
    for name, walk in walks.items():
        us, calls = _us_per_call(walk)
        print(f"{name:<{width}} {us:>10.3f} {calls:>8}")
    print(f"(walks fire {len(WALK_EVENTS)} events and include building the model/machine)")


if __name__ == "__main__":
    _main()
