"""The Ontwikkelkracht expert-school learning trajectory (leertraject), built on the engine.

From the orientation talk, through the subsidy application and grant, the intake,
the study and guidance moments, to the closing talk, the implementation plan and
the settlement; with the rules per school year and the catalog as data.
"""

from trajectory.ontwikkelkracht import documents as _documents  # noqa: F401 - registers migrations
from trajectory.ontwikkelkracht.catalog import Catalog, Offer, catalog, load_catalog
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE, new_trajectory, replay
from trajectory.ontwikkelkracht.model import (
    ActivityPlan,
    ActivityPlanPart,
    Calendar,
    Conclusion,
    DevelopmentPlan,
    DevelopmentPlanPart,
    Grant,
    GuidanceMoment,
    HoursEntry,
    Orientation,
    Participant,
    Role,
    Settlement,
    StudyMoment,
    StudyMomentForm,
    Talk,
    TalkKind,
)
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import (
    ApplicationWindow,
    Rules,
    load_rules,
    register_rules,
    rules_for,
    shipped_school_years,
    unregister_rules,
)
from trajectory.ontwikkelkracht.school import School, SchoolYear, Sector
from trajectory.ontwikkelkracht.settlement import (
    SettlementPolicy,
    pro_rata,
    register_settlement_policy,
    unregister_settlement_policy,
)
from trajectory.ontwikkelkracht.violations import VIOLATIONS

__all__ = [
    "LIFECYCLE",
    "VIOLATIONS",
    "ActivityPlan",
    "ActivityPlanPart",
    "ApplicationWindow",
    "Calendar",
    "Catalog",
    "Conclusion",
    "DevelopmentPlan",
    "DevelopmentPlanPart",
    "Grant",
    "GuidanceMoment",
    "HoursEntry",
    "Leertraject",
    "Offer",
    "Orientation",
    "Participant",
    "Role",
    "Rules",
    "School",
    "SchoolYear",
    "Sector",
    "Settlement",
    "SettlementPolicy",
    "StudyMoment",
    "StudyMomentForm",
    "Talk",
    "TalkKind",
    "catalog",
    "load_catalog",
    "load_rules",
    "new_trajectory",
    "pro_rata",
    "register_rules",
    "register_settlement_policy",
    "replay",
    "rules_for",
    "shipped_school_years",
    "unregister_rules",
    "unregister_settlement_policy",
]
