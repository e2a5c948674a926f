"""The errors of the stores, in the library's one tree (under
:class:`~trajectory.TrajectoryError`, see :mod:`trajectory.engine.errors`)::

    TrajectoryError
    ├── ConcurrencyConflict      a save based on a stale version; nothing was written
    └── StoreError               the store failed (the driver's error is the cause)
        ├── TrajectoryNotFound   no trajectory with that id (also a KeyError)
        └── CorruptRecord        a stored record cannot be read

They are importable from :mod:`trajectory` too.

Each store translates what its driver raises in one place
(``StoreCore._guarded``): a driver's error becomes a
:class:`StoreError` with the driver's error as its cause; a stored record that
cannot be read is a :class:`CorruptRecord` naming its trajectory.
"""

from __future__ import annotations

from trajectory.engine.errors import TrajectoryError

__all__ = ["ConcurrencyConflict", "CorruptRecord", "StoreError", "TrajectoryNotFound"]


class ConcurrencyConflict(TrajectoryError):
    """A save based on a stale version: someone else saved the trajectory first.

    Nothing was written. Load the trajectory again, fire again, save again.
    """

    def __init__(self, trajectory_id: str, expected: int, actual: int | None) -> None:
        self.trajectory_id = trajectory_id
        self.expected = expected
        self.actual = actual
        found = "already exists" if expected == 0 else f"is at version {actual}"
        super().__init__(
            f"trajectory {trajectory_id} was saved based on version {expected}, "
            f"but the stored one {found}; nothing was written"
        )


class StoreError(TrajectoryError):
    """The store failed; the driver's error is the ``__cause__``."""


class TrajectoryNotFound(StoreError, KeyError):
    """No trajectory with that id in the store."""

    def __init__(self, trajectory_id: str) -> None:
        self.trajectory_id = trajectory_id
        super().__init__(f"no trajectory {trajectory_id!r} in the store")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class CorruptRecord(StoreError):
    """A stored record of ``trajectory_id`` cannot be read (``reason`` says why)."""

    def __init__(self, trajectory_id: str, reason: str) -> None:
        self.trajectory_id = trajectory_id
        self.reason = reason
        super().__init__(f"trajectory {trajectory_id}: {reason}")


# Tracebacks and reprs show the names where users import them from.
for _error in (ConcurrencyConflict, StoreError, TrajectoryNotFound, CorruptRecord):
    _error.__module__ = "trajectory"
