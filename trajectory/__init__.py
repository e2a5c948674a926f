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

The programme (lifecycle, registry, converter, migrations, rules, catalog) is built
by one function, :func:`trajectory.ontwikkelkracht.programme`, on first use:
importing the package reads no data file and registers nothing. The definition-file
loader and the stores are imported on first use of their names.
"""

import typing

from trajectory.diagrams import diagram
from trajectory.engine import (
    LANGUAGES,
    Clock,
    Context,
    Creation,
    Cycle,
    Deadline,
    DefinitionError,
    Due,
    EffectFailed,
    Event,
    EventDefinition,
    GuardFailed,
    InvalidData,
    Lifecycle,
    Listener,
    ListenerVetoed,
    ManualClock,
    MissingDependency,
    NoPayload,
    PreconditionFailed,
    Recurring,
    Refusal,
    Registry,
    Repeat,
    State,
    Trajectory,
    TrajectoryError,
    Transition,
    TransitionNotAllowed,
    UnknownEvent,
    Violation,
    ViolationRegistry,
    ViolationType,
    system_clock,
)
from trajectory.engine.lazy import lazy_names as _lazy_names
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

if typing.TYPE_CHECKING:
    from trajectory._stores import open_store
    from trajectory.engine.loader import dump_lifecycle, load_lifecycle
    from trajectory.office import Application, Office
    from trajectory.store import Store
    from trajectory.store.errors import (
        ConcurrencyConflict,
        CorruptRecord,
        StoreError,
        TrajectoryNotFound,
    )

__version__ = "0.1.0"

#: The names imported on first use, and the module of each.
_LAZY_NAMES = {
    # The Office loads and saves through a store: importing it imports the store.
    "Application": "trajectory.office",
    "Office": "trajectory.office",
    # The store's errors live beside the stores: importing them imports the store.
    "ConcurrencyConflict": "trajectory.store.errors",
    "CorruptRecord": "trajectory.store.errors",
    "Store": "trajectory.store",
    "StoreError": "trajectory.store.errors",
    "TrajectoryNotFound": "trajectory.store.errors",
    "dump_lifecycle": "trajectory.engine.loader",
    "load_lifecycle": "trajectory.engine.loader",
    "open_store": "trajectory._stores",
}


__getattr__, __dir__ = _lazy_names(globals(), _LAZY_NAMES)


__all__ = [
    "LANGUAGES",
    "Application",
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
    "GuardFailed",
    "InvalidData",
    "Leertraject",
    "Lifecycle",
    "Listener",
    "ListenerVetoed",
    "ManualClock",
    "MissingDependency",
    "NoPayload",
    "Offer",
    "Office",
    "PreconditionFailed",
    "Recurring",
    "Refusal",
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
