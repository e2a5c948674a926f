"""The errors of the stores, where the stores import them from.

They are defined in :mod:`trajectory.engine.errors`, the bottom layer of the
dependency rule (engine ← store ← programmes), so that they stay importable from
there and from :mod:`trajectory` as they always were, and so that nothing below the
store needs to import it to catch them.

Each store translates what its driver raises in one place
(``StoreCore._guarded``): a driver's error becomes a
:class:`StoreError` with the driver's error as its cause; a stored record that
cannot be read is a :class:`CorruptRecord` naming its trajectory.
"""

from __future__ import annotations

from trajectory.engine.errors import (
    ConcurrencyConflict,
    CorruptRecord,
    StoreError,
    TrajectoryNotFound,
)

__all__ = ["ConcurrencyConflict", "CorruptRecord", "StoreError", "TrajectoryNotFound"]
