"""The Ontwikkelkracht expert-school learning trajectory (leertraject), built on the engine.

From the orientation talk, through the subsidy application and grant, the intake,
the study and guidance moments, to the closing talk, the implementation plan and
the settlement; with the rules per school year and the catalog as data.

One function builds the programme, :func:`programme` (the composition root, see
:mod:`trajectory.ontwikkelkracht.bootstrap`); importing the package registers
nothing and reads no data file. ``LIFECYCLE`` is the programme's leertraject, built
on first use.
"""

import typing

from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht, build_programme, programme
from trajectory.ontwikkelkracht.catalog import Catalog, Offer, catalog, load_catalog
from trajectory.ontwikkelkracht.development_models import (
    Aspect,
    Descriptor,
    DevelopmentModel,
    ExtraCell,
    development_model,
    development_models,
    load_development_models,
)
from trajectory.ontwikkelkracht.growth import AspectGrowth, GrowthReport, growth_report
from trajectory.ontwikkelkracht.ledger import Ledger, ledger_id, open_ledger
from trajectory.ontwikkelkracht.lifecycle import new_trajectory, replay
from trajectory.ontwikkelkracht.model import (
    ActivityPlan,
    ActivityPlanPart,
    Calendar,
    ChangeKind,
    ChangeReport,
    Conclusion,
    DevelopmentPlan,
    DevelopmentPlanPart,
    Grant,
    GuidanceMoment,
    HoursEntry,
    KnowledgeSharing,
    KnowledgeSharingForm,
    Orientation,
    Participant,
    Role,
    SelfScan,
    Settlement,
    SettlementRequest,
    SettlementRoute,
    StudyMoment,
    StudyMomentForm,
    Talk,
    TalkKind,
)
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rounds import Round, draw_lots, new_seed
from trajectory.ontwikkelkracht.rules import (
    ApplicationWindow,
    Rules,
    RulesBook,
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

if typing.TYPE_CHECKING:
    from trajectory.engine.definition import Lifecycle

    #: The programme's leertraject (``programme().leertraject``), built on first use.
    LIFECYCLE: Lifecycle[Leertraject]

#: The names given on first use, by :func:`__getattr__`.
_LAZY_NAMES = frozenset({"LIFECYCLE"})


def __getattr__(name: str) -> typing.Any:
    """``LIFECYCLE``: the programme's leertraject, built on first use."""
    if name == "LIFECYCLE":
        return programme().leertraject
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_NAMES})


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
    "ChangeKind",
    "ChangeReport",
    "Conclusion",
    "Descriptor",
    "DevelopmentModel",
    "DevelopmentPlan",
    "DevelopmentPlanPart",
    "ExtraCell",
    "Grant",
    "GrowthReport",
    "GuidanceMoment",
    "HoursEntry",
    "KnowledgeSharing",
    "KnowledgeSharingForm",
    "Ledger",
    "Leertraject",
    "Offer",
    "Ontwikkelkracht",
    "Orientation",
    "Participant",
    "Role",
    "Round",
    "Rules",
    "RulesBook",
    "School",
    "SchoolYear",
    "Sector",
    "SelfScan",
    "Settlement",
    "SettlementPolicy",
    "SettlementRequest",
    "SettlementRoute",
    "StudyMoment",
    "StudyMomentForm",
    "Talk",
    "TalkKind",
    "build_programme",
    "catalog",
    "development_model",
    "development_models",
    "draw_lots",
    "growth_report",
    "ledger_id",
    "load_catalog",
    "load_development_models",
    "load_rules",
    "new_seed",
    "new_trajectory",
    "open_ledger",
    "pro_rata",
    "programme",
    "register_rules",
    "register_settlement_policy",
    "replay",
    "rules_for",
    "shipped_school_years",
    "unregister_rules",
    "unregister_settlement_policy",
]
