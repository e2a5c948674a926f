"""The data of one leertraject: everything its events have recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from trajectory.engine.fields import Name, Text, name_key
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


# Not slotted: an event's copy of the record is a copy of its dictionary (see
# trajectory.engine.records.evolver), several times faster than __init__ for 23 fields.
@attrs.frozen(slots=False)
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
    core_group: tuple[Name, ...] = ()
    calendar: Calendar | None = None
    development_plan: DevelopmentPlan = EMPTY_DEVELOPMENT_PLAN
    study_moments: tuple[StudyMoment, ...] = ()
    guidance_moments: tuple[GuidanceMoment, ...] = ()
    hours: tuple[HoursEntry, ...] = ()
    self_scans: tuple[SelfScan, ...] = ()
    evaluation: Text | None = None
    implementation_plan: Text | None = None
    reason: Text | None = None
    """Why the trajectory was declined, rejected, withdrawn or stopped."""
    settlement: Settlement | None = None
    # An index of the hours per (participant, date), built on first use; not data
    # (a _HoursIndex; typed Any so that schema generation passes over it).
    _hours_index: Any = attrs.field(default=None, init=False, eq=False, repr=False)

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
        index: _HoursIndex | None = self._hours_index
        if index is None:
            index = _HoursIndex(self.hours)
            object.__setattr__(self, "_hours_index", index)  # a cache: the data is unchanged
        return index.total(self.hours, (participant, day))

    def with_hours(self, entry: HoursEntry) -> Leertraject:
        """A copy with ``entry`` logged (the index shared along, not rebuilt)."""
        hours = self.hours
        changed = _evolve(self, hours=hours + (entry,))  # noqa: RUF005 - one copy, not two
        index: _HoursIndex | None = self._hours_index
        if index is not None and index.extend(len(hours), entry):
            object.__setattr__(changed, "_hours_index", index)
        return changed

    def participant(self, name: str) -> Participant | None:
        """The participant called ``name`` (case and blanks ignored), if any."""
        for participant in self.participants:  # the exact name first: the usual case
            if participant.name == name:
                return participant
        key = name_key(name)
        return next((p for p in self.participants if name_key(p.name) == key), None)


_evolve = evolver(Leertraject)


class _HoursIndex:
    """Where each (participant, date) occurs in a line of ``hours`` tuples.

    The records of one trajectory each hold a longer ``hours`` tuple than the one
    before; they share one index, extended in place when a record at its end
    logs more hours, so logging does not copy it. An index may list positions
    that a record's tuple does not reach, or that another line of records took
    (a record copied twice, by two threads at once): :meth:`total` counts only the
    positions where the record's own tuple holds an entry of the key, each once.
    A key with one position keeps a bare int (fewer objects for the collector).
    """

    __slots__ = ("covered", "positions")

    def __init__(self, hours: tuple[HoursEntry, ...]) -> None:
        self.positions: dict[tuple[str, dt.date], int | list[int]] = {}
        self.covered = 0
        for position, entry in enumerate(hours):
            self.extend(position, entry)

    def extend(self, position: int, entry: HoursEntry) -> bool:
        """Add ``entry`` at ``position`` if the index ends there; whether it did."""
        if self.covered != position:
            return False
        self.covered = position + 1
        key = (entry.participant, entry.date)
        found = self.positions.get(key)
        if found is None:
            self.positions[key] = position
        elif isinstance(found, int):
            self.positions[key] = [found, position]
        else:
            found.append(position)
        return True

    def total(self, hours: tuple[HoursEntry, ...], key: tuple[str, dt.date]) -> Decimal:
        """The hours logged under ``key`` in ``hours``."""
        found = self.positions.get(key)
        if found is None:
            return Decimal(0)
        participant, day = key
        size = len(hours)
        total = Decimal(0)
        for position in (found,) if isinstance(found, int) else set(found):
            if position < size:
                entry = hours[position]
                if entry.participant == participant and entry.date == day:
                    total += entry.hours
        return total
