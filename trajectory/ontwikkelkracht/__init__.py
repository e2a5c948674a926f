"""The Ontwikkelkracht expert-school learning trajectory (leertraject), built on the engine.

From the orientation talk, through the subsidy application and grant, the intake,
the study and guidance moments, to the closing talk, the implementation plan and
the settlement; with the rules per school year and the catalog as data.
"""

from trajectory.ontwikkelkracht import documents as _documents  # noqa: F401 - registers migrations
from trajectory.ontwikkelkracht.catalog import Catalog, Offer, catalog, load_catalog
from trajectory.ontwikkelkracht.development_models import (
    Aspect,
    Descriptor,
    DevelopmentModel,
    development_model,
    development_models,
    load_development_models,
)
from trajectory.ontwikkelkracht.growth import AspectGrowth, GrowthReport, growth_report
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
    SelfScan,
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
    "Aspect",
    "AspectGrowth",
    "Calendar",
    "Catalog",
    "Conclusion",
    "Descriptor",
    "DevelopmentModel",
    "DevelopmentPlan",
    "DevelopmentPlanPart",
    "Grant",
    "GrowthReport",
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
    "SelfScan",
    "Settlement",
    "SettlementPolicy",
    "StudyMoment",
    "StudyMomentForm",
    "Talk",
    "TalkKind",
    "catalog",
    "development_model",
    "development_models",
    "growth_report",
    "load_catalog",
    "load_development_models",
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
