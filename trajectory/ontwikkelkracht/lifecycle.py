"""The Ontwikkelkracht leertraject as a lifecycle definition, and how to start one.

The definition is data, ``data/leertraject.toml``: its states, events, transitions,
and the counted study and guidance moments. The code it names (guards, effects,
payload classes, the limits read from the rules) is registered in the registry
:func:`leertraject_registry` builds. Neither is built at import: the programme
(:func:`~trajectory.ontwikkelkracht.programme`) reads the file on first use, and
``LIFECYCLE`` and ``REGISTRY`` here are its leertraject and registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData, wrong_type
from trajectory.engine.history import Clock, Event
from trajectory.engine.registry import Registry
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import Codec
from trajectory.ontwikkelkracht.catalog import Catalog, Offer
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules, check_rules
from trajectory.ontwikkelkracht.school import School, SchoolYear
from trajectory.ontwikkelkracht.violations import VIOLATIONS

if TYPE_CHECKING:
    #: The programme's leertraject (``programme().leertraject``), built on first use.
    LIFECYCLE: Lifecycle[Leertraject]
    #: The programme's registry (``programme().registry``), built on first use.
    REGISTRY: Registry

__all__ = [
    "DEFINITION_FILE",
    "LIFECYCLE",
    "REGISTRY",
    "leertraject_registry",
    "load_leertraject",
    "new_trajectory",
    "replay",
]

#: The leertraject's definition file, in ``trajectory.ontwikkelkracht.data``.
DEFINITION_FILE: Final = "leertraject.toml"

BEFORE_GRANT: Final = (
    "orientation_requested",
    "orientation_held",
    "application_in_preparation",
    "application_submitted",
    "application_incomplete",
)
AFTER_GRANT: Final = ("granted", "preparing", "intake", "in_progress", "closing")


class _Describe:
    """What a store indexes and lists a leertraject by: its school year, offer,
    board and school (BRIN)."""

    index_keys: Final = ("school_year", "offer", "board", "school")

    def __call__(self, data: Leertraject) -> dict[str, str | None]:
        return {
            "school_year": str(data.school_year),
            "offer": data.offer.id,
            "board": data.school.board,
            "school": data.school.brin,
        }


_describe: Final = _Describe()


def leertraject_registry() -> Registry:
    """A new registry of the code the leertraject's definition file names: guards,
    effects, payloads, limits, the creation, the data type, what a store indexes, the
    violation types, and the walker hints of its events."""
    # The code is imported here, when the programme is built, not with the package.
    from trajectory.ontwikkelkracht import effects
    from trajectory.ontwikkelkracht import guards as g
    from trajectory.ontwikkelkracht import payloads as p
    from trajectory.ontwikkelkracht import walker as w

    registry = Registry()
    for guard in (
        g.orientation_report,
        g.orientation_positive,
        g.talks_required,
        g.activity_plan_complete,
        g.participants_minimum,
        g.participants_school_leader,
        g.hours_minimum,
        g.window_open,
        g.sector_eligible,
        g.offer_available,
        g.completion_deadline_valid,
        g.completion_in_time,
        g.completion_deadline_expired,
        g.receipt_not_in_future,
        g.grant_amount,
        g.core_group_formed,
        g.core_group_school_leader,
        g.calendar_planned,
        g.development_plan_complete,
        g.implementation_plan_given,
        g.hours_logged,
        g.knowledge_shared,
        g.settlement_request_in_time,
        g.settlement_request_filed,
        g.participant_is_new,
        g.hours_loggable,
    ):
        registry.register_guard(guard.__name__, guard)
    for factory in (
        g.not_in_future,
        g.in_school_year,
        g.not_before_intake,
        g.reason_given,
        g.participants_known,
    ):
        registry.register_guard_factory(factory.__name__, factory)
    for effect in (
        effects.hold_orientation,
        effects.record_reason,
        effects.submit_application,
        effects.request_completion,
        effects.complete_application,
        effects.grant,
        effects.hold_intake,
        effects.hold_study_moment,
        effects.hold_guidance_moment,
        effects.hold_closing_talk,
        effects.deliver_implementation_plan,
        effects.settle,
        effects.record_talk,
        effects.add_participant,
        effects.remove_participant,
        effects.write_activity_plan,
        effects.form_core_group,
        effects.plan_calendar,
        effects.write_development_plan,
        effects.log_hours,
        effects.record_knowledge_sharing,
        effects.record_self_scan,
        effects.withdraw,
        effects.report_change,
        effects.request_settlement,
    ):
        registry.register_effect(effect.__name__, effect)
    payloads: tuple[type[Any], ...] = (
        p.Created,
        p.HoldOrientation,
        p.Decline,
        p.Reject,
        p.Withdraw,
        p.RequestCompletion,
        p.GrantSubsidy,
        p.HoldIntake,
        p.GrantOnObjection,
        p.SubmitApplication,
        p.HoldStudyMoment,
        p.HoldGuidanceMoment,
        p.HoldClosingTalk,
        p.DeliverImplementationPlan,
        p.RecordTalk,
        p.AddParticipant,
        p.RemoveParticipant,
        p.WriteActivityPlan,
        p.FormCoreGroup,
        p.PlanCalendar,
        p.WriteDevelopmentPlan,
        p.LogHours,
        p.RecordKnowledgeSharing,
        p.RecordSelfScan,
        p.RequestSettlement,
        p.ReportChange,
    )
    for payload in payloads:
        registry.register_payload(payload)
    for limit in (g.study_moments_maximum, g.study_moments_minimum, g.guidance_moments_minimum):
        registry.register_limit(limit.__name__, limit)
    registry.register_creation("create", effects.create)
    registry.register_data_type(Leertraject)
    registry.register_describe("leertraject", _describe)
    registry.register_violations(VIOLATIONS)
    for event, preparation in (
        ("hold_orientation", w.prepare_orientation),
        ("decline", w.prepare_decline),
        ("submit_application", w.prepare_submission),
        ("complete_application", w.prepare_completion),
        ("not_consider", w.prepare_not_considered),
        ("grant_on_objection", w.prepare_objection_upheld),
        ("reject", w.prepare_rejection),
        ("start_preparation", w.prepare_preparation),
        ("hold_intake", w.prepare_intake),
        ("start_execution", w.prepare_execution),
        ("hold_study_moment", w.prepare_study_moment),
        ("hold_guidance_moment", w.prepare_guidance_moment),
        ("hold_closing_talk", w.prepare_closing_talk),
        ("deliver_implementation_plan", w.prepare_implementation_plan),
        ("settle", w.prepare_settlement),
        ("request_settlement", w.prepare_settlement_request),
        ("withdraw", w.prepare_withdrawal),
    ):
        registry.register_preparation(event, preparation)
    return registry


def load_leertraject(registry: Registry, codec: Codec) -> Lifecycle[Leertraject]:
    """The Ontwikkelkracht expert-school learning trajectory (leertraject), built from
    ``trajectory/ontwikkelkracht/data/leertraject.toml`` with ``registry`` (see
    :func:`leertraject_registry`) and the programme's ``codec``."""
    from importlib import resources

    from trajectory.engine.loader import load_lifecycle

    text = (resources.files("trajectory.ontwikkelkracht.data") / DEFINITION_FILE).read_text(
        encoding="utf-8"
    )
    return load_lifecycle(text, registry, codec=codec)


def __getattr__(name: str) -> Any:
    """``LIFECYCLE`` and ``REGISTRY``: the programme's leertraject and registry, built
    on first use (importing this module reads no file)."""
    if name in ("LIFECYCLE", "REGISTRY"):
        from trajectory.ontwikkelkracht.bootstrap import programme

        built = programme()
        return built.leertraject if name == "LIFECYCLE" else built.registry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def new_trajectory(
    *,
    school: School,
    offer: str | Offer,
    school_year: str | SchoolYear,
    clock: Clock | None = None,
    rules: Rules | None = None,
    offers: Catalog | None = None,
    id: str | None = None,
    actor: str | None = None,
) -> Trajectory[Leertraject]:
    """Start a leertraject: the school asked the expert school for an orientation talk.

    ``offer`` is an offer id from the catalog (or an :class:`Offer`); ``rules``
    default to the programme's rules for the school year
    (:func:`~trajectory.ontwikkelkracht.rules_for`); ``offers`` to its catalog;
    ``clock`` to the system clock in UTC. An argument of the wrong type raises
    :class:`InvalidData` naming it.
    """
    from trajectory.ontwikkelkracht.bootstrap import programme

    built = programme()
    if not isinstance(school, School):
        raise wrong_type("school", "a School", school)
    if offers is not None and not isinstance(offers, Catalog):
        raise wrong_type("offers", "a Catalog", offers)
    year = SchoolYear.parse(school_year)
    if isinstance(offer, str):
        chosen = (built.catalog if offers is None else offers).get(offer)
    elif isinstance(offer, Offer):
        chosen = offer
    else:
        raise wrong_type("offer", "an offer id or an Offer", offer)
    if rules is None:
        year_rules = built.rules_for(year)
    elif isinstance(rules, Rules):
        check_rules(rules)
        year_rules = rules
    else:
        raise wrong_type("rules", "Rules", rules)
    if year_rules.school_year != year:
        raise InvalidData(
            "rules", f"the rules are for {year_rules.school_year}, the trajectory for {year}"
        )
    from trajectory.ontwikkelkracht.payloads import Created

    payload = Created(school, chosen, year, year_rules)
    return built.leertraject.create(payload, clock=clock, id=id, actor=actor)


def replay(events: Iterable[Event], *, clock: Clock | None = None) -> Trajectory[Leertraject]:
    """Rebuild a leertraject from its history (see :meth:`Lifecycle.replay`).

    Events that do not form one leertraject's history (a gap or a repeat in the
    sequence, an id used twice, a timestamp earlier than the one before, an event
    leaving another state than the one before reached …) raise :class:`InvalidData`
    naming the first that does not (``events[3].timestamp``).
    """
    from trajectory.ontwikkelkracht.bootstrap import programme

    return programme().leertraject.replay(events, clock=clock)
