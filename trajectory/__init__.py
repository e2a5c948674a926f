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

from trajectory.diagrams import diagram
from trajectory.engine import (
    LANGUAGES,
    Clock,
    ConcurrencyConflict,
    Context,
    CorruptRecord,
    Creation,
    Cycle,
    Deadline,
    DefinitionError,
    Due,
    EffectFailed,
    Event,
    EventDefinition,
    InvalidData,
    Lifecycle,
    ManualClock,
    NoPayload,
    PreconditionFailed,
    Recurring,
    Registry,
    Repeat,
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
    dump_lifecycle,
    load_lifecycle,
    system_clock,
)
from trajectory.ontwikkelkracht import (
    Catalog,
    DevelopmentModel,
    GrowthReport,
    Leertraject,
    Offer,
    Role,
    Rules,
    School,
    SchoolYear,
    Sector,
    catalog,
    development_model,
    growth_report,
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
    "Cycle",
    "Deadline",
    "DefinitionError",
    "DevelopmentModel",
    "Due",
    "EffectFailed",
    "Event",
    "EventDefinition",
    "GrowthReport",
    "InvalidData",
    "Leertraject",
    "Lifecycle",
    "ManualClock",
    "NoPayload",
    "Offer",
    "PreconditionFailed",
    "Recurring",
    "Registry",
    "Repeat",
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
    "development_model",
    "diagram",
    "dump_lifecycle",
    "growth_report",
    "load_catalog",
    "load_lifecycle",
    "load_rules",
    "new_trajectory",
    "open_store",
    "register_rules",
    "replay",
    "rules_for",
    "system_clock",
]
