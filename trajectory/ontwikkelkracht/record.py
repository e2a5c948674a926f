"""The data of one leertraject: everything its events have recorded.

The record is immutable in fact: every field is an immutable value, and every event
that changes it produces a new record. The collections that grow as events arrive
(talks, participants, moments, hours, knowledge shared) are
:class:`~trajectory.engine.records.Entries`, which grow in constant time and share
what they hold with the record they grew from; they read as sequences and equal the
tuples of the same entries, so the JSON documents and the schema are those of tuples.
The participants and the hours also carry the figures the guards ask for on every
event, kept as they grow (the hours per participant and date and in all, the
participants by name, their planned hours and the number of school leaders), so that
no event sums or scans them again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
import immutables

from trajectory.engine.fields import Identifier, Name, Text, name_key
from trajectory.engine.records import Entries, evolver, slot_setter
from trajectory.ontwikkelkracht.catalog import Offer
from trajectory.ontwikkelkracht.model import (
    EMPTY_ACTIVITY_PLAN,
    EMPTY_DEVELOPMENT_PLAN,
    ActivityPlan,
    Calendar,
    ChangeReport,
    DevelopmentPlan,
    Grant,
    GuidanceMoment,
    HoursEntry,
    KnowledgeSharing,
    Orientation,
    Participant,
    Role,
    SelfScan,
    Settlement,
    SettlementRequest,
    SettlementRoute,
    StudyMoment,
    Talk,
    TalkKind,
)
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import School, SchoolYear
from trajectory.ontwikkelkracht.terms import advance_of, settlement_request_deadline

__all__ = ["Hours", "Leertraject", "Participants"]

E = TypeVar("E")

_ZERO: Final = Decimal(0)


class Hours(Entries[HoursEntry]):
    """The hours logged, in the order they were, with their totals kept as they grow:
    per participant (as registered) and date, and in all."""

    __slots__ = ("_by_day", "_total")

    _by_day: immutables.Map[tuple[str, dt.date], Decimal]
    _total: Decimal

    def __init__(self, entries: Iterable[HoursEntry] = ()) -> None:
        super().__init__(entries)
        by_day: dict[tuple[str, dt.date], Decimal] = {}
        total = _ZERO
        for entry in self:
            key = (entry.participant, entry.date)
            by_day[key] = by_day.get(key, _ZERO) + entry.hours
            total += entry.hours
        days: immutables.Map[tuple[str, dt.date], Decimal] = immutables.Map(by_day)
        _set_by_day(self, days)
        _set_total(self, total)

    @classmethod
    def of(cls, entries: Iterable[HoursEntry]) -> Hours:
        """``entries`` as Hours (the same object when it is one already)."""
        if type(entries) is cls:
            return entries
        return _NO_HOURS if entries == () else cls(entries)

    def appended(self, item: HoursEntry) -> Hours:
        """These hours and ``item`` after them (this one is unchanged)."""
        key = (item.participant, item.date)
        grown: Hours = Hours.__new__(Hours)
        grown._set(*self._grown(item))
        by_day = self._by_day
        _set_by_day(grown, by_day.set(key, by_day.get(key, _ZERO) + item.hours))
        _set_total(grown, self._total + item.hours)
        return grown

    def on(self, participant: str, day: dt.date) -> Decimal:
        """The hours ``participant`` (as registered) logged on ``day``, together."""
        return self._by_day.get((participant, day), _ZERO)

    @property
    def total(self) -> Decimal:
        """Every hour logged, together."""
        return self._total


class Participants(Entries[Participant]):
    """The participants, in the order they were added, found by name (as registered,
    or with case and blanks ignored), with their planned hours and the number of
    school leaders kept as they grow."""

    __slots__ = ("_by_key", "_by_name", "_leaders", "_planned")

    _by_name: immutables.Map[str, Participant]
    _by_key: immutables.Map[str, Participant]
    _planned: Decimal
    _leaders: int

    def __init__(self, participants: Iterable[Participant] = ()) -> None:
        super().__init__(participants)
        by_name: dict[str, Participant] = {}
        by_key: dict[str, Participant] = {}
        planned = _ZERO
        leaders = 0
        for participant in self:  # the first of a name is the one found by it
            by_name.setdefault(participant.name, participant)
            by_key.setdefault(name_key(participant.name), participant)
            planned += participant.planned_hours
            leaders += participant.role is Role.SCHOOL_LEADER
        _set_by_name(self, immutables.Map(by_name))
        _set_by_key(self, immutables.Map(by_key))
        _set_planned(self, planned)
        _set_leaders(self, leaders)

    @classmethod
    def of(cls, participants: Iterable[Participant]) -> Participants:
        """``participants`` as Participants (the same object when it is one already)."""
        if type(participants) is cls:
            return participants
        return _NO_PARTICIPANTS if participants == () else cls(participants)

    def appended(self, item: Participant) -> Participants:
        """These participants and ``item`` after them (this one is unchanged)."""
        grown: Participants = Participants.__new__(Participants)
        grown._set(*self._grown(item))
        by_name, by_key, key = self._by_name, self._by_key, name_key(item.name)
        _set_by_name(grown, by_name if item.name in by_name else by_name.set(item.name, item))
        _set_by_key(grown, by_key if key in by_key else by_key.set(key, item))
        _set_planned(grown, self._planned + item.planned_hours)
        _set_leaders(grown, self._leaders + (item.role is Role.SCHOOL_LEADER))
        return grown

    def without(self, name: str) -> Participants:
        """These participants but those called ``name`` (case and blanks ignored)."""
        key = name_key(name)
        return Participants.of(tuple(p for p in self if name_key(p.name) != key))

    def find(self, name: str) -> Participant | None:
        """The participant called ``name``: the first registered with exactly that
        name, else the first whose name is ``name`` with case and blanks ignored."""
        found = self._by_name.get(name)
        if found is not None:  # the exact name first: the usual case
            return found
        return self._by_key.get(name_key(name))

    @property
    def planned_hours(self) -> Decimal:
        """The hours the participants committed, together."""
        return self._planned

    @property
    def school_leader_count(self) -> int:
        """How many of the participants are school leaders."""
        return self._leaders


_set_by_day: Final = slot_setter(Hours, "_by_day")
_set_total: Final = slot_setter(Hours, "_total")
_set_by_name: Final = slot_setter(Participants, "_by_name")
_set_by_key: Final = slot_setter(Participants, "_by_key")
_set_planned: Final = slot_setter(Participants, "_planned")
_set_leaders: Final = slot_setter(Participants, "_leaders")

_NO_ENTRIES: Final[Entries[Any]] = Entries()
_NO_HOURS: Final = Hours()
_NO_PARTICIPANTS: Final = Participants()


def _entries(items: Iterable[E]) -> Entries[E]:
    """``items`` as Entries (the same object when it is one already; one shared
    empty sequence for no items)."""
    if isinstance(items, Entries):
        return items
    return _NO_ENTRIES if items == () else Entries(items)


def _participants(items: Iterable[Participant]) -> Participants:
    """``items`` as Participants (the converter of :attr:`Leertraject.participants`)."""
    return Participants.of(items)


def _hours(items: Iterable[HoursEntry]) -> Hours:
    """``items`` as Hours (the converter of :attr:`Leertraject.hours`)."""
    return Hours.of(items)


@attrs.frozen
class Leertraject:
    """One school location following one offered leertraject in one school year.

    Immutable: every event that changes it produces a new one. The collections are
    read-only sequences (:class:`~trajectory.engine.records.Entries`; given as any
    iterable, such as a tuple, they are made into one).
    """

    school: School
    offer: Offer
    school_year: SchoolYear
    rules: Rules
    orientation: Orientation | None = None
    talks: Sequence[Talk] = attrs.field(default=(), converter=_entries)
    participants: Sequence[Participant] = attrs.field(default=(), converter=_participants)
    activity_plan: ActivityPlan = EMPTY_ACTIVITY_PLAN
    submitted_at: dt.datetime | None = None
    """When the application was first received (it is decided in order of receipt)."""
    application: Identifier | None = None
    """The board's application the location was submitted with, if any."""
    application_talks: tuple[TalkKind, ...] = ()
    """The kinds of talk recorded on that application: they count for this location."""
    completion_deadline: dt.date | None = None
    grant: Grant | None = None
    core_group: tuple[Name, ...] = ()
    calendar: Calendar | None = None
    intake_held_on: dt.date | None = None
    """The day the intake was held, where ``hold_intake`` gave one (see :attr:`intake_date`)."""
    development_plan: DevelopmentPlan = EMPTY_DEVELOPMENT_PLAN
    study_moments: Sequence[StudyMoment] = attrs.field(default=(), converter=_entries)
    guidance_moments: Sequence[GuidanceMoment] = attrs.field(default=(), converter=_entries)
    hours: Sequence[HoursEntry] = attrs.field(default=(), converter=_hours)
    knowledge_sharing: Sequence[KnowledgeSharing] = attrs.field(default=(), converter=_entries)
    """How the school shared its knowledge with other schools."""
    self_scans: tuple[SelfScan, ...] = ()
    evaluation: Text | None = None
    implementation_plan: Text | None = None
    reason: Text | None = None
    """Why the trajectory was declined, rejected, withdrawn or stopped."""
    settlement: Settlement | None = None
    settlement_request: SettlementRequest | None = None
    """The board's settlement request, where the grant is settled on request."""
    change_reports: tuple[ChangeReport, ...] = ()
    """The reports of changes after the grant (meldingsplicht), in the order made."""

    @property
    def settlement_route(self) -> SettlementRoute | None:
        """How the grant is settled (``None`` before the grant): ex officio where the
        whole decision's amount is at most the rules' ``ex_officio_threshold``, else on
        the board's request. The grant and the trajectory's rules never change, so
        neither does the route."""
        if self.grant is None:
            return None
        if self.grant.decision <= self.rules.ex_officio_threshold:
            return SettlementRoute.EX_OFFICIO
        return SettlementRoute.REQUEST

    @property
    def advance(self) -> Decimal | None:
        """The advance the grant paid (``None`` before the grant): the rules'
        ``advance_share`` of the amount granted, to the cent."""
        if self.grant is None:
            return None
        return advance_of(self.grant.amount, self.rules.advance_share)

    @property
    def settlement_request_deadline(self) -> dt.date:
        """The last day to file a settlement request: the rules' weeks after the end
        of the school year."""
        return settlement_request_deadline(
            self.school_year.end, weeks=self.rules.settlement_request_weeks
        )

    @property
    def intake_date(self) -> dt.date | None:
        """The date of the intake: the day ``hold_intake`` gave, else the day planned
        for it in the annual calendar (``None`` without either)."""
        if self.intake_held_on is not None:
            return self.intake_held_on
        return None if self.calendar is None else self.calendar.intake

    @property
    def planned_hours(self) -> Decimal:
        """The hours the participants committed, together."""
        return Participants.of(self.participants).planned_hours

    @property
    def logged_hours(self) -> Decimal:
        """The hours invested so far, together."""
        return Hours.of(self.hours).total

    @property
    def school_leaders(self) -> tuple[Participant, ...]:
        """The participants who are school leaders."""
        return tuple(p for p in self.participants if p.role is Role.SCHOOL_LEADER)

    @property
    def school_leader_count(self) -> int:
        """How many of the participants are school leaders."""
        return Participants.of(self.participants).school_leader_count

    def hours_on(self, participant: str, day: dt.date) -> Decimal:
        """The hours ``participant`` (as registered) logged on ``day``, together."""
        return Hours.of(self.hours).on(participant, day)

    def with_hours(self, entry: HoursEntry) -> Leertraject:
        """A copy with ``entry`` logged."""
        return _evolve(self, hours=Hours.of(self.hours).appended(entry))

    def with_participant(self, participant: Participant) -> Leertraject:
        """A copy with ``participant`` added after the others."""
        return _evolve(self, participants=Participants.of(self.participants).appended(participant))

    def participant(self, name: str) -> Participant | None:
        """The participant called ``name`` (case and blanks ignored), if any."""
        return Participants.of(self.participants).find(name)


_evolve = evolver(Leertraject)
