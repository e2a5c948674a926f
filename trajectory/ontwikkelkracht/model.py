"""The leertraject's vocabulary and the immutable records its events produce."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from trajectory.engine.fields import Identifier, Line, Name, Text

__all__ = [
    "ActivityPlan",
    "ActivityPlanPart",
    "Calendar",
    "ChangeKind",
    "ChangeReport",
    "Conclusion",
    "DevelopmentPlan",
    "DevelopmentPlanPart",
    "Grant",
    "GuidanceMoment",
    "HoursEntry",
    "KnowledgeSharing",
    "KnowledgeSharingForm",
    "Orientation",
    "Participant",
    "Role",
    "SelfScan",
    "Settlement",
    "SettlementRequest",
    "SettlementRoute",
    "StudyMoment",
    "StudyMomentForm",
    "Talk",
    "TalkKind",
]


class Role(enum.StrEnum):
    """The role of a participant in the school."""

    SCHOOL_LEADER = "school_leader"
    TEACHER = "teacher"
    SUPPORT_STAFF = "support_staff"
    INTERN_COACH = "intern_coach"
    OTHER = "other"


class TalkKind(enum.StrEnum):
    """A pre-application talk with the programme office (programmabureau)."""

    EXPLORATORY_TALK = "exploratory_talk"
    """Verkennend gesprek (required for 2024-2025)."""
    INFORMATION_TALK = "information_talk"
    """Informatiegesprek (one of two options for 2026-2027)."""
    INFORMATION_MEETING = "information_meeting"
    """Informatiebijeenkomst (the other option for 2026-2027)."""


class Conclusion(enum.StrEnum):
    """The conclusion of the orientation talk."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class StudyMomentForm(enum.StrEnum):
    """The form of a collective study moment with the whole team."""

    OWN_SCHOOL = "own_school"
    """A study moment at the school itself."""
    EXPERT_SCHOOL_VISIT = "expert_school_visit"
    """A visit to the expert school."""
    JOINT_SESSION = "joint_session"
    """A joint session with other participating schools."""


class KnowledgeSharingForm(enum.StrEnum):
    """How the school shared its knowledge with other schools (seed 003: "De school
    deelt actief zijn kennis met andere scholen")."""

    SCHOOL_VISIT = "school_visit"
    """Other schools visited the school."""
    PRESENTATION = "presentation"
    """A presentation or workshop for other schools."""
    NETWORK_MEETING = "network_meeting"
    """A meeting of a network of schools."""
    JOINT_SESSION = "joint_session"
    """A joint session with other participating schools."""
    PUBLICATION = "publication"
    """A written publication: an article, a blog, a report."""
    OTHER = "other"


class ActivityPlanPart(enum.StrEnum):
    """The four parts the activity plan (activiteitenplan) must contain."""

    REPORT = "report"
    """The report (verslag) of the talk with the expert school."""
    WILLING_AND_ABLE = "willing_and_able"
    """The school is willing and able to take part actively."""
    LEADERSHIP_COMMITMENT = "leadership_commitment"
    """School leadership and board are involved and committed."""
    TEAM_SUPPORT = "team_support"
    """Enough support (draagvlak) in the team to secure the learning."""


class DevelopmentPlanPart(enum.StrEnum):
    """The four parts of the development plan (ontwikkelplan) made at the intake."""

    GUIDANCE = "guidance"
    """How the guidance in the trajectory will look."""
    NEEDS = "needs"
    """What the school needs."""
    CORE_TEAM = "core_team"
    """Who from the school takes part in the core team."""
    HOURS_DEPLOYMENT = "hours_deployment"
    """How the subsidised hours are deployed."""


class SettlementRoute(enum.StrEnum):
    """How a grant is settled (vastgesteld), decided at the grant by the amount of the
    whole decision against the rules' ``ex_officio_threshold``."""

    EX_OFFICIO = "ex_officio"
    """At or below the threshold: the funder settles ex officio (ambtshalve) after the
    school year, on the activities carried out."""
    REQUEST = "request"
    """Above it: the board files a settlement request (aanvraag tot vaststelling) with
    its activity report, within the rules' weeks after the school year."""


class ChangeKind(enum.StrEnum):
    """What a report of changes (meldingsplicht) after the grant is about."""

    BELOW_MINIMUM_PARTICIPANTS = "below_minimum_participants"
    """The location has fewer participants than the rules' minimum."""
    STOPPING = "stopping"
    """The location stops (recorded by ``withdraw`` after the grant)."""
    OTHER = "other"
    """Another change in the activities the subsidy was granted for."""


@attrs.frozen
class Participant:
    """A person taking part: name, role and the hours they commit."""

    name: Name
    role: Role
    planned_hours: Decimal


@attrs.frozen
class Talk:
    """A pre-application talk with the programme office."""

    kind: TalkKind
    date: dt.date


@attrs.frozen
class Orientation:
    """The orientation talk with the expert school and its report."""

    date: dt.date
    learning_question: Text
    conclusion: Conclusion
    report: Text


def _missing(plan: object, parts: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(name for name in _names(parts) if not (getattr(plan, name) or "").strip())


@functools.cache
def _names(parts: type[enum.StrEnum]) -> tuple[str, ...]:
    # Iterating an enum class is slow; a plan's parts are asked for on every submission.
    return tuple(part.value for part in parts)


@attrs.frozen
class ActivityPlan:
    """The activity plan's four parts; a part not yet written is ``None``."""

    report: Text | None = None
    willing_and_able: Text | None = None
    leadership_commitment: Text | None = None
    team_support: Text | None = None

    @property
    def missing_parts(self) -> tuple[str, ...]:
        """The parts not yet written (or blank), in order."""
        return _missing(self, ActivityPlanPart)


@attrs.frozen
class DevelopmentPlan:
    """The development plan's four parts; a part not yet written is ``None``."""

    guidance: Text | None = None
    needs: Text | None = None
    core_team: Text | None = None
    hours_deployment: Text | None = None

    @property
    def missing_parts(self) -> tuple[str, ...]:
        """The parts not yet written (or blank), in order."""
        return _missing(self, DevelopmentPlanPart)


EMPTY_ACTIVITY_PLAN: Final = ActivityPlan()
EMPTY_DEVELOPMENT_PLAN: Final = DevelopmentPlan()


@attrs.frozen
class Calendar:
    """The annual calendar (jaarkalender) planned with the expert school."""

    intake: dt.date | None
    study_moments: tuple[dt.date, ...]
    guidance_moments: tuple[dt.date, ...]

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Every planned date."""
        intake = () if self.intake is None else (self.intake,)
        return (*intake, *self.study_moments, *self.guidance_moments)


@attrs.frozen
class StudyMoment:
    """A collective study moment held with the whole team."""

    date: dt.date
    form: StudyMomentForm
    topic: Text | None = None


@attrs.frozen
class GuidanceMoment:
    """A guidance moment held with the core group."""

    date: dt.date
    notes: Text | None = None


@attrs.frozen
class KnowledgeSharing:
    """The school shared its knowledge with other schools: when, how, with whom."""

    date: dt.date
    form: KnowledgeSharingForm
    with_whom: Text


@attrs.frozen
class HoursEntry:
    """Hours a participant invested on a date."""

    participant: Name
    date: dt.date
    hours: Decimal


@attrs.frozen
class SelfScan:
    """A School aan Zet self-scan: a level per aspect of a development model.

    ``moment`` is the state it was recorded in: ``intake`` (the baseline) or
    ``closing`` (the result).
    """

    moment: Line
    model: Identifier
    date: dt.date
    scores: Mapping[str, int]

    @property
    def kind(self) -> str:
        """``baseline`` (recorded at the intake) or ``result`` (at the closing talk)."""
        return "baseline" if self.moment == "intake" else "result"


@attrs.frozen
class Grant:
    """The subsidy granted (subsidieverlening).

    ``decision_amount`` is the amount of the whole decision the location is part of
    (every location of the application it grants, together); ``None`` where the grant
    named none (or was recorded before it was kept): the location's own amount. The
    advance the grant pays and the route of its settlement follow from it and the
    trajectory's own rules (``Leertraject.advance``, ``Leertraject.settlement_route``).
    """

    amount: Decimal
    date: dt.date
    override_reason: Text | None = None
    decision_amount: Decimal | None = None

    @property
    def decision(self) -> Decimal:
        """The amount of the whole decision: ``decision_amount``, else the own amount."""
        return self.amount if self.decision_amount is None else self.decision_amount


@attrs.frozen
class SettlementRequest:
    """The board's settlement request (aanvraag tot vaststelling) with its activity
    report: when it was received, and why a late one is excusable."""

    received_at: dt.datetime
    report: Text
    excuse: Text | None = None


@attrs.frozen
class ChangeReport:
    """A report of changes (melding) after the grant: when, what kind, what happened."""

    date: dt.date
    kind: ChangeKind
    description: Text


@attrs.frozen
class Settlement:
    """The subsidy settled (vaststelling) against the hours actually invested.

    ``hourly_cost`` and ``reimbursed_share`` are the figures the policy settled with
    (from the rules). The difference with the advance is one of ``final_payment`` and
    ``repayment``, the other 0 (both 0 when the advance was exactly right); ``balance``
    is it signed. These are ``None`` in a settlement recorded before they were kept.
    """

    policy: Identifier
    amount_granted: Decimal
    amount_settled: Decimal
    hours_required: Decimal
    hours_logged: Decimal
    participants: int
    participants_required: int
    date: dt.date
    hourly_cost: Decimal | None = None
    reimbursed_share: Decimal | None = None
    route: SettlementRoute | None = None
    """How it was settled: ex officio or on the board's request."""
    advance: Decimal | None = None
    """The advance paid at the grant."""
    final_payment: Decimal | None = None
    """What the funder still pays: the settled amount less the advance, where that is
    more than nothing (else 0)."""
    repayment: Decimal | None = None
    """What the board pays back (terugvordering): the advance less the settled amount,
    where that is more than nothing (else 0)."""

    @property
    def balance(self) -> Decimal | None:
        """The settled amount less the advance, signed: ``final_payment`` when positive,
        ``-repayment`` when negative (``None`` for a settlement recorded before the
        advance was kept)."""
        if self.advance is None:
            return None
        return self.amount_settled - self.advance
