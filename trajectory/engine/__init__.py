"""The generic lifecycle engine: definitions, guards and violations, history, runtime.

Nothing here knows about a particular programme; the Ontwikkelkracht leertraject
(:mod:`trajectory.ontwikkelkracht`) is one lifecycle built on it.

The definition-file loader (``load_lifecycle``, ``dump_lifecycle``,
``definition_schema``), :class:`~trajectory.engine.programme.Programme` and the
store's errors are imported on first use.
"""

import typing

from trajectory.engine.definition import (
    Context,
    Creation,
    Effect,
    EventDefinition,
    Guard,
    Lifecycle,
    NoPayload,
    State,
    Transition,
    guard_reads_time,
    reads_time,
)
from trajectory.engine.errors import (
    DefinitionError,
    EffectFailed,
    GuardFailed,
    InvalidData,
    ListenerVetoed,
    MissingDependency,
    PreconditionFailed,
    TrajectoryError,
    TransitionNotAllowed,
    UnknownEvent,
)
from trajectory.engine.history import (
    Clock,
    Event,
    ManualClock,
    new_id,
    system_clock,
    verify_history,
)
from trajectory.engine.lazy import lazy_names as _lazy_names
from trajectory.engine.listeners import (
    AfterListener,
    BeforeListener,
    EventLog,
    Listener,
    Listeners,
    Refusal,
    RefusedListener,
)
from trajectory.engine.registry import GuardCall, Registry
from trajectory.engine.repeats import Cycle, Repeat
from trajectory.engine.runtime import Trajectory
from trajectory.engine.schedule import Deadline, Due, Recurring
from trajectory.engine.violations import LANGUAGES, Violation, ViolationRegistry, ViolationType

if typing.TYPE_CHECKING:
    from trajectory.engine.loader import definition_schema, dump_lifecycle, load_lifecycle
    from trajectory.engine.programme import Programme

#: The names imported on first use, and the module of each.
_LAZY_NAMES = {
    "Programme": "trajectory.engine.programme",
    "definition_schema": "trajectory.engine.loader",
    "dump_lifecycle": "trajectory.engine.loader",
    "load_lifecycle": "trajectory.engine.loader",
}


__getattr__, __dir__ = _lazy_names(globals(), _LAZY_NAMES)


__all__ = [
    "LANGUAGES",
    "AfterListener",
    "BeforeListener",
    "Clock",
    "Context",
    "Creation",
    "Cycle",
    "Deadline",
    "DefinitionError",
    "Due",
    "Effect",
    "EffectFailed",
    "Event",
    "EventDefinition",
    "EventLog",
    "Guard",
    "GuardCall",
    "GuardFailed",
    "InvalidData",
    "Lifecycle",
    "Listener",
    "ListenerVetoed",
    "Listeners",
    "ManualClock",
    "MissingDependency",
    "NoPayload",
    "PreconditionFailed",
    "Programme",
    "Recurring",
    "Refusal",
    "RefusedListener",
    "Registry",
    "Repeat",
    "State",
    "Trajectory",
    "TrajectoryError",
    "Transition",
    "TransitionNotAllowed",
    "UnknownEvent",
    "Violation",
    "ViolationRegistry",
    "ViolationType",
    "definition_schema",
    "dump_lifecycle",
    "guard_reads_time",
    "load_lifecycle",
    "new_id",
    "reads_time",
    "system_clock",
    "verify_history",
]
