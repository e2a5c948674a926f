"""The payload of every leertraject event: typed fields, validated on the way in.

Each class is a frozen attrs class; ``Trajectory.fire(event, **fields)`` builds it
and a wrong, missing or unknown field raises :class:`~trajectory.InvalidData`
naming the field. Texts keep the library's limits (:mod:`trajectory.engine.fields`),
persons' names are normalised as they enter, and every value is immutable (the
self-scan's scores a ``frozendict``), so a recorded event cannot change afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs
from frozendict import frozendict

from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import (
    Identifier,
    Name,
    Text,
    aware_datetime,
    calendar_date,
    check_choice,
    check_identifier,
    choice,
    dates,
    decimal_amount,
    describe,
    identifier,
    names,
    non_blank,
    optional,
    person_name,
    text,
    with_field,
)
from trajectory.ontwikkelkracht.catalog import Offer
from trajectory.ontwikkelkracht.development_models import development_model
from trajectory.ontwikkelkracht.model import (
    ChangeKind,
    Conclusion,
    KnowledgeSharingForm,
    Role,
    StudyMomentForm,
    TalkKind,
)
from trajectory.ontwikkelkracht.rules import MAX_AMOUNT, Rules
from trajectory.ontwikkelkracht.school import School, SchoolYear

__all__ = [
    "MAX_AMOUNT",
    "AddParticipant",
    "Created",
    "Decline",
    "DeliverImplementationPlan",
    "FormCoreGroup",
    "GrantOnObjection",
    "GrantSubsidy",
    "HoldClosingTalk",
    "HoldGuidanceMoment",
    "HoldIntake",
    "HoldOrientation",
    "HoldStudyMoment",
    "LogHours",
    "PlanCalendar",
    "RecordKnowledgeSharing",
    "RecordSelfScan",
    "RecordTalk",
    "Reject",
    "RemoveParticipant",
    "ReportChange",
    "RequestCompletion",
    "RequestSettlement",
    "SubmitApplication",
    "Withdraw",
    "WriteActivityPlan",
    "WriteDevelopmentPlan",
]

#: The Dutch norm year of a full-time teacher (normjaartaak): a ceiling for planned hours.
MAX_PLANNED_HOURS: Final = Decimal(1659)
#: A day has 24 hours: a ceiling for hours logged on one date.
MAX_HOURS_PER_DAY: Final = Decimal(24)


def _at_least_one_part(instance: Any) -> None:
    if all(getattr(instance, f.name) is None for f in attrs.fields(type(instance))):
        parts = ", ".join(f.name for f in attrs.fields(type(instance)))
        raise InvalidData("parts", f"write at least one of the parts: {parts}")


_CREATED_TYPES: Final = (
    ("school", School),
    ("offer", Offer),
    ("school_year", SchoolYear),
    ("rules", Rules),
)


@attrs.frozen
class Created:
    """The creation of a trajectory: the school, the offer, the year and its rules."""

    school: School
    offer: Offer
    school_year: SchoolYear
    rules: Rules

    def __attrs_post_init__(self) -> None:
        for name, kind in _CREATED_TYPES:
            value = getattr(self, name)
            if type(value) is not kind and not isinstance(value, kind):
                raise InvalidData(
                    name,
                    f"expected a {kind.__name__}, got {describe(value)} ({type(value).__name__})",
                )


@attrs.frozen
class HoldOrientation:
    """``hold_orientation``: the orientation talk with the expert school."""

    date: dt.date = attrs.field(validator=calendar_date)
    """When the talk was held (not in the future)."""
    learning_question: Text = attrs.field(validator=text)
    """The school's learning question (leervraag)."""
    conclusion: Conclusion = attrs.field(converter=choice(Conclusion))  # type: ignore[misc]
    """``positive`` or ``negative``."""
    report: Text = attrs.field(validator=text)
    """The report (verslag) of the talk; required for the application."""


@attrs.frozen
class Decline:
    """``decline``: the school does not pursue the trajectory."""

    reason: Text = attrs.field(validator=text)


@attrs.frozen
class Reject:
    """``reject``: the funder rejects the application (e.g. ``budget.exhausted``)."""

    reason: Text = attrs.field(validator=text)


@attrs.frozen
class Withdraw:
    """``withdraw``: the school withdraws (before the grant) or stops (after it)."""

    reason: Text = attrs.field(validator=text)


def _talk_kinds(value: object, field: attrs.Attribute[Any]) -> tuple[TalkKind, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidData(field.name, f"expected a list of kinds of talk, got {describe(value)}")
    return tuple(
        check_choice(TalkKind, kind, f"{field.name}[{index}]") for index, kind in enumerate(value)
    )


@attrs.frozen
class SubmitApplication:
    """``submit_application``: the moment of receipt, and the application the location
    is submitted with."""

    received_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime))
    """The moment of receipt (default: the moment it is recorded); the application
    window is judged on it."""
    application: Identifier | None = attrs.field(default=None, validator=optional(identifier))
    """The id of the board's application this location is part of."""
    application_talks: tuple[TalkKind, ...] = attrs.field(
        default=(),
        converter=with_field(_talk_kinds),  # type: ignore[misc]
    )
    """The kinds of talk recorded on the application: they count for every location."""


@attrs.frozen
class GrantOnObjection:
    """``grant_on_objection``: a rejection changed on objection into a grant."""

    decision: Text = attrs.field(validator=text)
    """The decision on the objection that changes the rejection."""
    amount: Decimal | None = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro", allow_none=True
        ),
    )
    """The amount in euro; default: the scheme's fixed amount."""
    override_reason: Text | None = attrs.field(default=None, validator=optional(text))
    """Required when ``amount`` differs from the scheme's fixed amount."""
    decision_amount: Decimal | None = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro", allow_none=True
        ),
    )
    """The amount in euro of the whole decision the location is part of (every location
    of the application it grants, together); default: the location's own amount. It
    chooses how the grant is settled: ex officio at or below the rules'
    ``ex_officio_threshold``, else on the board's settlement request."""


@attrs.frozen
class RequestCompletion:
    """``request_completion``: the funder asks for missing parts."""

    deadline: dt.date | None = attrs.field(default=None, validator=optional(calendar_date))
    """The completion deadline; default: today plus the scheme's completion period."""


@attrs.frozen
class GrantSubsidy:
    """``grant``: the subsidy is granted."""

    amount: Decimal | None = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro", allow_none=True
        ),
    )
    """The amount in euro; default: the scheme's fixed amount."""
    override_reason: Text | None = attrs.field(default=None, validator=optional(text))
    """Required when ``amount`` differs from the scheme's fixed amount."""
    decision_amount: Decimal | None = attrs.field(
        default=None,
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_AMOUNT, unit="euro", allow_none=True
        ),
    )
    """The amount in euro of the whole decision the location is part of (every location
    of the application it grants, together); default: the location's own amount. It
    chooses how the grant is settled: ex officio at or below the rules'
    ``ex_officio_threshold``, else on the board's settlement request."""


@attrs.frozen
class RequestSettlement:
    """``request_settlement``: the board files its settlement request (aanvraag tot
    vaststelling) with its activity report."""

    report: Text = attrs.field(validator=[text, non_blank])
    """The activity report (activiteitenverslag): what was carried out."""
    received_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime))
    """The moment the request was received (default: the moment it is recorded); the
    deadline is judged on it."""
    excuse: Text | None = attrs.field(default=None, validator=optional(text))
    """Why a request received after the deadline is excusable (without it a late request
    is refused)."""


@attrs.frozen
class ReportChange:
    """``report_change``: the board reports a change after the grant (meldingsplicht)."""

    date: dt.date = attrs.field(validator=calendar_date)
    """When the change happened (not in the future)."""
    kind: ChangeKind = attrs.field(converter=choice(ChangeKind))  # type: ignore[misc]
    """``below_minimum_participants``, ``stopping`` or ``other``."""
    description: Text = attrs.field(validator=[text, non_blank])
    """What changed."""


@attrs.frozen
class HoldIntake:
    """``hold_intake``: the intake talk and work visit are held."""

    date: dt.date | None = attrs.field(default=None, validator=optional(calendar_date))
    """The day they were held (not in the future, inside the school year); default: the
    day planned for the intake in the annual calendar."""


@attrs.frozen
class HoldStudyMoment:
    """``hold_study_moment``: a collective study moment with the whole team."""

    date: dt.date = attrs.field(validator=calendar_date)
    form: StudyMomentForm = attrs.field(converter=choice(StudyMomentForm))  # type: ignore[misc]
    """``own_school``, ``expert_school_visit`` or ``joint_session``."""
    topic: Text | None = attrs.field(default=None, validator=optional(text))


@attrs.frozen
class HoldGuidanceMoment:
    """``hold_guidance_moment``: a guidance moment with the core group."""

    date: dt.date = attrs.field(validator=calendar_date)
    notes: Text | None = attrs.field(default=None, validator=optional(text))


@attrs.frozen
class HoldClosingTalk:
    """``hold_closing_talk``: the closing talk (nagesprek) that evaluates the trajectory."""

    evaluation: Text | None = attrs.field(default=None, validator=optional(text))


@attrs.frozen
class DeliverImplementationPlan:
    """``deliver_implementation_plan``: how the learning is secured the year after."""

    plan: Text = attrs.field(validator=text)


@attrs.frozen
class RecordTalk:
    """``record_talk``: a pre-application talk with the programme office."""

    kind: TalkKind = attrs.field(converter=choice(TalkKind))  # type: ignore[misc]
    """``exploratory_talk``, ``information_talk`` or ``information_meeting``."""
    date: dt.date = attrs.field(validator=calendar_date)


@attrs.frozen
class AddParticipant:
    """``add_participant``: a person who takes part, with the hours they commit."""

    name: Name = attrs.field(converter=person_name)  # type: ignore[misc]
    """The person's name (normalised: see :func:`~trajectory.engine.fields.normalise_name`)."""
    role: Role = attrs.field(converter=choice(Role))  # type: ignore[misc]
    """``school_leader``, ``teacher``, ``support_staff``, ``intern_coach`` or ``other``."""
    planned_hours: Decimal = attrs.field(
        converter=decimal_amount(minimum=Decimal(0), maximum=MAX_PLANNED_HOURS, unit="hours")  # type: ignore[misc]
    )
    """Hours of staff time committed: 0 to 1659 (a full-time norm year)."""


@attrs.frozen
class RemoveParticipant:
    """``remove_participant``: a person no longer takes part."""

    name: Name = attrs.field(converter=person_name)  # type: ignore[misc]


@attrs.frozen
class WriteActivityPlan:
    """``write_activity_plan``: one or more of the activity plan's four parts."""

    report: Text | None = attrs.field(default=None, validator=optional(text))
    willing_and_able: Text | None = attrs.field(default=None, validator=optional(text))
    leadership_commitment: Text | None = attrs.field(default=None, validator=optional(text))
    team_support: Text | None = attrs.field(default=None, validator=optional(text))

    def __attrs_post_init__(self) -> None:
        _at_least_one_part(self)


@attrs.frozen
class FormCoreGroup:
    """``form_core_group``: the participants in the core group (kerngroep)."""

    members: tuple[Name, ...] = attrs.field(converter=with_field(names))  # type: ignore[misc]


@attrs.frozen
class PlanCalendar:
    """``plan_calendar``: the annual calendar planned with the expert school."""

    intake: dt.date = attrs.field(validator=calendar_date)
    study_moments: tuple[dt.date, ...] = attrs.field(converter=with_field(dates))  # type: ignore[misc]
    guidance_moments: tuple[dt.date, ...] = attrs.field(converter=with_field(dates))  # type: ignore[misc]


@attrs.frozen
class WriteDevelopmentPlan:
    """``write_development_plan``: one or more of the development plan's four parts."""

    guidance: Text | None = attrs.field(default=None, validator=optional(text))
    needs: Text | None = attrs.field(default=None, validator=optional(text))
    core_team: Text | None = attrs.field(default=None, validator=optional(text))
    hours_deployment: Text | None = attrs.field(default=None, validator=optional(text))

    def __attrs_post_init__(self) -> None:
        _at_least_one_part(self)


@attrs.frozen
class LogHours:
    """``log_hours``: hours a participant invested on a date."""

    participant: Name = attrs.field(converter=person_name)  # type: ignore[misc]
    date: dt.date = attrs.field(validator=calendar_date)
    hours: Decimal = attrs.field(
        converter=decimal_amount(  # type: ignore[misc]
            minimum=Decimal(0), maximum=MAX_HOURS_PER_DAY, unit="hours", strict_minimum=True
        )
    )
    """More than 0 and at most 24."""


@attrs.frozen
class RecordKnowledgeSharing:
    """``record_knowledge_sharing``: the school shared its knowledge with other schools."""

    date: dt.date = attrs.field(validator=calendar_date)
    """When (not in the future, inside the school year)."""
    form: KnowledgeSharingForm = attrs.field(converter=choice(KnowledgeSharingForm))  # type: ignore[misc]
    """``school_visit``, ``presentation``, ``network_meeting``, ``joint_session``,
    ``publication`` or ``other``."""
    with_whom: Text = attrs.field(validator=[text, non_blank])
    """The schools (or network) the knowledge was shared with."""


def _known_model(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    development_model(check_identifier(value, attribute.name))


def _scores(value: object, field: attrs.Attribute[Any]) -> frozendict[str, int]:
    """An immutable copy: a recorded self-scan cannot change afterwards."""
    if not isinstance(value, Mapping):
        raise InvalidData(
            field.name, f"expected a mapping of aspect to level, got {describe(value)}"
        )
    return frozendict(value)


@attrs.frozen
class RecordSelfScan:
    """``record_self_scan``: the school's self-scan on a School aan Zet development model,
    a baseline at the intake and a result at the closing talk."""

    model: Identifier = attrs.field(validator=_known_model)
    """``samen-leren-inhoud-geven`` or ``lerende-organisatie``."""
    date: dt.date = attrs.field(validator=calendar_date)
    scores: Mapping[str, int] = attrs.field(converter=with_field(_scores))  # type: ignore[misc]
    """A level (1 to 5) for every aspect of the model, by aspect id (kept immutable)."""

    def __attrs_post_init__(self) -> None:
        model = development_model(self.model)
        for aspect, level in self.scores.items():
            if aspect not in model.aspect_ids:
                where = (
                    f"scores.{aspect}" if isinstance(aspect, str) and len(aspect) < 80 else "scores"
                )
                raise InvalidData(
                    where,
                    f"{describe(aspect)} is not an aspect of {model.id}; "
                    f"its aspects: {', '.join(model.aspect_ids)}",
                )
            if isinstance(level, bool) or not isinstance(level, int):
                raise InvalidData(
                    f"scores.{aspect}", f"expected a level 1 to 5, got {describe(level)}"
                )
            if not 1 <= level <= len(model.levels):
                raise InvalidData(
                    f"scores.{aspect}",
                    f"expected a level 1 to {len(model.levels)}, got {describe(level)}",
                )
        missing = [aspect for aspect in model.aspect_ids if aspect not in self.scores]
        if missing:
            raise InvalidData(
                f"scores.{missing[0]}", f"every aspect needs a level: {', '.join(missing)}"
            )
