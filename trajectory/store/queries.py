"""The store's queries: listing by state, lifecycle and the values each lifecycle
declares it is indexed by, and the trajectories whose next step is refused."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

from trajectory.engine.errors import InvalidData, TrajectoryError
from trajectory.engine.history import check_moment
from trajectory.store.core import StoreCore
from trajectory.store.errors import CorruptRecord
from trajectory.store.records import (
    LISTED,
    NOT_SCHEDULED,
    Blocked,
    Summary,
    blocked_entry,
    check_columns,
    check_index,
    is_schedule,
    scheduled_entry,
    shown_id,
)

__all__ = ["Queries"]

#: The filters every store takes, whatever its lifecycles index.
_COLUMNS = ("state", "lifecycle")


class Queries(StoreCore):
    """Listing and the trajectories blocked on something (part of :class:`Store`)."""

    @property
    def index_keys(self) -> frozenset[str]:
        """The keys :meth:`list` filters by besides ``state`` and ``lifecycle``: those
        the store's lifecycles declare (``Lifecycle.index_keys``)."""
        return self._index_keys

    def list(
        self, *, state: str | None = None, lifecycle: str | None = None, **index: Any
    ) -> builtins.list[Summary]:
        """The stored trajectories matching every filter given, oldest change first.

        Besides ``state`` and ``lifecycle``, a filter is one of the keys the store's
        lifecycles are indexed by (:attr:`index_keys`; the leertraject's are
        ``school_year``, ``offer``, ``board`` and ``school``):
        ``store.list(school_year="2024-2025")``. Another key, or a value that is not
        text, is an :class:`InvalidData`; a filter of None is no filter.

        A stored row whose columns are not of their types (an id, lifecycle or state
        that is not text, a version that is not a whole number) raises
        :class:`CorruptRecord` naming it; a time of last change that cannot be read
        is listed as None.
        """
        unknown = sorted(set(index) - self._index_keys)
        if unknown:
            known = ", ".join(sorted({*_COLUMNS, *self._index_keys}))
            raise InvalidData(unknown[0], f"the store lists by none such; it lists by: {known}")
        columns = {
            key: value
            for key, value in (("state", state), ("lifecycle", lifecycle))
            if value is not None
        }
        values = {key: value for key, value in index.items() if value is not None}
        for key, value in (*columns.items(), *values.items()):
            if not isinstance(value, str):
                raise InvalidData(key, f"expected text, got {value!r}")
        summaries = []
        for record in self._guarded("*", self._records, columns, values):
            check_columns(record, LISTED)
            check_index(record)
            summaries.append(record.summary())
        return summaries

    def blocked(self, now: dt.datetime | None = None) -> builtins.list[Blocked]:
        """Every trajectory whose next step is refused at ``now`` (default: the
        store's clock), with its violation codes, oldest change first.

        The blockers of a trajectory are those found when it was last saved, except
        in a state whose blockers depend on the moment (its lifecycle's
        ``time_dependent_states``: a guard of an event leaving it reads the time,
        such as an application window): such a trajectory is loaded and its
        blockers are worked out again at ``now``, without saving it. ``now`` is a
        timezone-aware datetime, else :class:`InvalidData`.

        A stored row whose blockers cannot be read (or, in a time-dependent state,
        whose trajectory cannot be loaded) is listed with ``corrupt`` saying why
        (see :class:`Blocked`), so one damaged row hides no other.
        """
        moment = self._moment() if now is None else check_moment(now, "now")
        pairs = self._time_dependent
        rows = self._guarded("*", self._blocked_rows, bool(pairs))
        found: builtins.list[Blocked] = []
        for trajectory_id, state, text, lifecycle in rows:
            try:
                if (pairs and (lifecycle, state) in pairs) or is_schedule(text):
                    scheduled = scheduled_entry(trajectory_id, state, text, moment)
                    if scheduled is NOT_SCHEDULED:
                        entry = self._blocked_at(trajectory_id, moment)
                    else:
                        entry = scheduled  # type: ignore[assignment]
                else:
                    entry = blocked_entry(trajectory_id, state, text)
            except CorruptRecord as err:
                shown_state = state if isinstance(state, str) else ""
                entry = Blocked(err.trajectory_id, shown_state, {}, corrupt=err.reason)
            if entry is not None:
                found.append(entry)
        return found

    def _moment(self) -> dt.datetime:
        """The store's clock's moment, checked."""
        try:
            moment = self._clock()
        except TrajectoryError:
            raise
        except Exception as err:
            raise InvalidData("clock", f"the clock raised {err!r}") from err
        return check_moment(moment, "clock")

    def _blocked_at(self, trajectory_id: object, moment: dt.datetime) -> Blocked | None:
        """The blockers of a stored trajectory at ``moment``, worked out from it
        loaded (None without blockers, or when it is gone since)."""
        if type(trajectory_id) is not str:
            raise CorruptRecord(
                shown_id(trajectory_id),
                f"its column id holds a {type(trajectory_id).__name__}, expected str",
            )
        found = self._guarded(trajectory_id, self._read, trajectory_id)
        if found is None:  # gone since it was listed
            return None
        trajectory = self._restored(trajectory_id, *found)
        blockers = {
            event: tuple(sorted({violation.code for violation in violations}))
            for event, violations in trajectory.blockers(moment).items()
        }
        return Blocked(trajectory.id, trajectory.state, blockers) if blockers else None
