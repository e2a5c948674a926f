"""The data of one leertraject: everything its events have recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from trajectory.engine.fields import name_key
from trajectory.engine.records import evolver
from trajectory.ontwikkelkracht.catalog import Offer
from trajectory.ontwikkelkracht.model import (
    EMPTY_ACTIVITY_PLAN,
    EMPTY_DEVELOPMENT_PLAN,
    ActivityPlan,
    Calendar,
    DevelopmentPlan,
    Grant,
    GuidanceMoment,
    HoursEntry,
    Orientation,
    Participant,
    Role,
    SelfScan,
    Settlement,
    StudyMoment,
    Talk,
)
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import School, SchoolYear

__all__ = ["Leertraject"]


@attrs.frozen
class Leertraject:
    """One school location following one offered leertraject in one school year.

    Immutable: every event that changes it produces a new one.
    """

    school: School
    offer: Offer
    school_year: SchoolYear
    rules: Rules
    orientation: Orientation | None = None
    talks: tuple[Talk, ...] = ()
    participants: tuple[Participant, ...] = ()
    activity_plan: ActivityPlan = EMPTY_ACTIVITY_PLAN
    submitted_at: dt.datetime | None = None
    """When the application was first received (it is decided in order of receipt)."""
    completion_deadline: dt.date | None = None
    grant: Grant | None = None
    core_group: tuple[str, ...] = ()
    calendar: Calendar | None = None
    development_plan: DevelopmentPlan = EMPTY_DEVELOPMENT_PLAN
    study_moments: tuple[StudyMoment, ...] = ()
    guidance_moments: tuple[GuidanceMoment, ...] = ()
    hours: tuple[HoursEntry, ...] = ()
    self_scans: tuple[SelfScan, ...] = ()
    evaluation: str | None = None
    implementation_plan: str | None = None
    reason: str | None = None
    """Why the trajectory was declined, rejected, withdrawn or stopped."""
    settlement: Settlement | None = None
    # An index of the hours per (participant, date), built on first use; not data.
    _day_totals: dict[tuple[str, dt.date], Decimal] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    @property
    def planned_hours(self) -> Decimal:
        """The hours the participants committed, together."""
        return sum((p.planned_hours for p in self.participants), Decimal(0))

    @property
    def logged_hours(self) -> Decimal:
        """The hours invested so far, together."""
        return sum((entry.hours for entry in self.hours), Decimal(0))

    @property
    def school_leaders(self) -> tuple[Participant, ...]:
        """The participants who are school leaders."""
        return tuple(p for p in self.participants if p.role is Role.SCHOOL_LEADER)

    def hours_on(self, participant: str, day: dt.date) -> Decimal:
        """The hours ``participant`` (as registered) logged on ``day``, together."""
        index = self._day_totals
        if index is None:
            index = {}
            for entry in self.hours:
                key = (entry.participant, entry.date)
                index[key] = index.get(key, Decimal(0)) + entry.hours
            object.__setattr__(self, "_day_totals", index)  # a cache: the data is unchanged
        return index.get((participant, day), Decimal(0))

    def with_hours(self, entry: HoursEntry) -> Leertraject:
        """A copy with ``entry`` logged (the index carried along, not rebuilt)."""
        changed = evolver(Leertraject)(self, hours=(*self.hours, entry))
        if self._day_totals is not None:
            index = dict(self._day_totals)
            key = (entry.participant, entry.date)
            index[key] = index.get(key, Decimal(0)) + entry.hours
            object.__setattr__(changed, "_day_totals", index)
        return changed

    def participant(self, name: str) -> Participant | None:
        """The participant called ``name`` (case and blanks ignored), if any."""
        for participant in self.participants:  # the exact name first: the usual case
            if participant.name == name:
                return participant
        key = name_key(name)
        return next((p for p in self.participants if name_key(p.name) == key), None)
