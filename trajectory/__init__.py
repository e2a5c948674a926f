"""trajectory: a lifecycle engine for school-development programmes.

The Ontwikkelkracht expert-school learning trajectory (leertraject) is built in::

    import trajectory

    school = trajectory.School(
        name="OBS De Linde", sector="po", board="Stichting Primair", brin="12AB00"
    )
    t = trajectory.new_trajectory(
        school=school, offer="leven-lang-lezen", school_year="2024-2025"
    )
    t.state                      # 'orientation_requested'
    t.check("submit_application")  # every violation, with its figures
"""

from trajectory.engine import (
    LANGUAGES,
    Clock,
    ConcurrencyConflict,
    Context,
    CorruptRecord,
    Creation,
    DefinitionError,
    EffectFailed,
    Event,
    EventDefinition,
    InvalidData,
    Lifecycle,
    ManualClock,
    NoPayload,
    PreconditionFailed,
    State,
    StoreError,
    Trajectory,
    TrajectoryError,
    TrajectoryNotFound,
    Transition,
    TransitionNotAllowed,
    UnknownEvent,
    Violation,
    ViolationRegistry,
    ViolationType,
    system_clock,
)
from trajectory.ontwikkelkracht import (
    Catalog,
    Leertraject,
    Offer,
    Role,
    Rules,
    School,
    SchoolYear,
    Sector,
    catalog,
    load_catalog,
    load_rules,
    new_trajectory,
    register_rules,
    replay,
    rules_for,
)
from trajectory.store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "LANGUAGES",
    "Catalog",
    "Clock",
    "ConcurrencyConflict",
    "Context",
    "CorruptRecord",
    "Creation",
    "DefinitionError",
    "EffectFailed",
    "Event",
    "EventDefinition",
    "InvalidData",
    "Leertraject",
    "Lifecycle",
    "ManualClock",
    "NoPayload",
    "Offer",
    "PreconditionFailed",
    "Role",
    "Rules",
    "School",
    "SchoolYear",
    "Sector",
    "State",
    "Store",
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
    "__version__",
    "catalog",
    "load_catalog",
    "load_rules",
    "new_trajectory",
    "open_store",
    "register_rules",
    "replay",
    "rules_for",
    "system_clock",
]
