"""The generic lifecycle engine: definitions, guards and violations, history, runtime.

Nothing here knows about a particular programme; the Ontwikkelkracht leertraject
(:mod:`trajectory.ontwikkelkracht`) is one lifecycle built on it.
"""

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
)
from trajectory.engine.errors import (
    ConcurrencyConflict,
    CorruptRecord,
    DefinitionError,
    EffectFailed,
    GuardFailed,
    InvalidData,
    MissingDependency,
    PreconditionFailed,
    StoreError,
    TrajectoryError,
    TrajectoryNotFound,
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
from trajectory.engine.listeners import (
    AfterListener,
    BeforeListener,
    EventLog,
    Listener,
    Listeners,
    Refusal,
    RefusedListener,
)
from trajectory.engine.loader import definition_schema, dump_lifecycle, load_lifecycle
from trajectory.engine.registry import GuardCall, Registry
from trajectory.engine.repeats import Cycle, Repeat
from trajectory.engine.runtime import Trajectory
from trajectory.engine.schedule import Deadline, Due, Recurring
from trajectory.engine.violations import LANGUAGES, Violation, ViolationRegistry, ViolationType

__all__ = [
    "LANGUAGES",
    "AfterListener",
    "BeforeListener",
    "Clock",
    "ConcurrencyConflict",
    "Context",
    "CorruptRecord",
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
    "Listeners",
    "ManualClock",
    "MissingDependency",
    "NoPayload",
    "PreconditionFailed",
    "Recurring",
    "Refusal",
    "RefusedListener",
    "Registry",
    "Repeat",
    "State",
    "StoreError",
    "Trajectory",
    "TrajectoryError",
    "TrajectoryNotFound",
    "Transition",
    "TransitionNotAllowed",
    "UnknownEvent",
    "Violation",
    "ViolationRegistry",
    "ViolationType",
    "definition_schema",
    "dump_lifecycle",
    "load_lifecycle",
    "new_id",
    "system_clock",
    "verify_history",
]
