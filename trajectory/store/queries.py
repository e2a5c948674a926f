"""The store's queries: listing by state, lifecycle and the values each lifecycle
declares it is indexed by, and the trajectories whose next step is refused."""

from __future__ import annotations

import builtins
from typing import Any

from trajectory.engine.errors import InvalidData
from trajectory.store.core import StoreCore
from trajectory.store.errors import CorruptRecord
from trajectory.store.records import (
    LISTED,
    Blocked,
    Summary,
    blocked_entry,
    check_columns,
    check_index,
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

    def blocked(self) -> builtins.list[Blocked]:
        """Every trajectory whose next step is refused, with its violation codes.

        A stored row whose blockers cannot be read is listed with ``corrupt`` saying
        why (see :class:`Blocked`), so one damaged row hides no other.
        """
        found: builtins.list[Blocked] = []
        for trajectory_id, state, text in self._guarded("*", self._blocked_rows):
            try:
                entry = blocked_entry(trajectory_id, state, text)
            except CorruptRecord as err:
                shown_state = state if isinstance(state, str) else ""
                entry = Blocked(err.trajectory_id, shown_state, {}, corrupt=err.reason)
            if entry is not None:
                found.append(entry)
        return found
