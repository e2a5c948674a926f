"""Erasure of a person (AVG/GDPR) across every kind of aggregate a store holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import InvalidData
from trajectory.engine.fields import name_key
from trajectory.engine.history import new_id
from trajectory.engine.logs import get_logger
from trajectory.engine.serialization import load_trajectory
from trajectory.store.core import StoreCore, rebuilt
from trajectory.store.errors import CorruptRecord, StoreError, TrajectoryNotFound
from trajectory.store.records import UNREADABLE, TrajectoryRecord, checked_id, encode

__all__ = ["Erasure"]

logger = get_logger("trajectory.store.base")

_Rewrite = tuple[TrajectoryRecord, Sequence[tuple[int, str]], int]


class Erasure(StoreCore):
    """Erasing a person's name from every stored aggregate (part of :class:`Store`)."""

    def erase_person(self, name: str, *, trajectory_id: str | None = None) -> str:
        """Erase a person's personal data (AVG/GDPR): every occurrence of the name in
        the snapshots and stored events of every trajectory that names the person
        (in one of its lifecycle's ``person_fields``), whatever its kind, becomes one
        pseudonym, which is returned. With ``trajectory_id``, only that trajectory is
        searched and rewritten; without, every stored trajectory of a lifecycle with
        ``person_fields`` is read, so the erasure takes time in proportion to them.

        All the trajectories are rewritten in one transaction: all or none. Each
        history keeps its count, order and shape, and still replays. Copies loaded
        before the erasure can no longer be saved (:class:`ConcurrencyConflict`):
        load them again. Free text (reports, plans) is not scanned. Raises
        :class:`InvalidData` if no trajectory names the person, and
        :class:`CorruptRecord` if one that must be searched cannot be read.

        On the disk: SQLite overwrites the freed space (``secure_delete``) and then
        empties its write-ahead log, so that the name is in none of the database's
        files when this returns (if readers keep the log busy past the busy timeout,
        :class:`StoreError` says that the erasure is done and :meth:`purge_erased`
        must finish it). PostgreSQL keeps the old row versions until
        :meth:`purge_erased` rewrites the tables: call it after erasing.
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidData("name", f"expected a non-blank name, got {name!r}")
        if trajectory_id is None:  # every trajectory of a lifecycle whose events name people
            candidates = [
                record.id
                for lifecycle in self._lifecycles.values()
                if lifecycle.person_fields
                for record in self._guarded("*", self._records, {"lifecycle": lifecycle.name}, {})
            ]
        else:
            candidates = [checked_id(trajectory_id)]
        pseudonym = f"pseudonym-{new_id()[:12]}"
        key = name_key(name)
        rewrites: list[_Rewrite] = []
        replaced = [0]
        for candidate in candidates:
            found = self._guarded(candidate, self._read, candidate)
            if found is None:
                if trajectory_id is None:
                    continue  # removed since it was listed
                raise TrajectoryNotFound(candidate)
            record, stored = found
            bodies = [event[-1] for event in stored]
            rewrite = self._erased(candidate, record, bodies, key, pseudonym, replaced)
            if rewrite is not None:
                rewrites.append(rewrite)
        if not rewrites:
            where = "any trajectory" if trajectory_id is None else f"trajectory {trajectory_id}"
            raise InvalidData("name", f"{name!r} is no participant of {where}")
        self._guarded(trajectory_id or "*", self._rewrite, rewrites)
        self._forget_events_read()  # they hold the name
        for record, _, _ in rewrites:
            logger.info("participant_erased", trajectory_id=record.id)
        logger.info("person_erased", trajectories=len(rewrites), occurrences=replaced[0])
        if not self._guarded("*", self._after_erasure):
            ids = ", ".join(record.id for record, _, _ in rewrites)
            raise StoreError(
                f"trajectory {ids}: the person is erased (now {pseudonym}), "
                "but readers kept the write-ahead log busy, so old copies of the name "
                "remain in it: call purge_erased() when they are done"
            )
        return pseudonym

    def erase_participant(self, trajectory_id: str, name: str) -> str:
        """Erase a participant's name from one trajectory:
        ``erase_person(name, trajectory_id=trajectory_id)`` (see :meth:`erase_person`)."""
        return self.erase_person(name, trajectory_id=checked_id(trajectory_id))

    def purge_erased(self) -> None:
        """Rewrite the store's files so that no old copy of an erased name remains.

        PostgreSQL: ``VACUUM (FULL)`` of the tables that hold names (the old row
        versions an erasure leaves are removed; no transaction may still see them).
        It takes an exclusive lock on each table while it runs, and needs the
        tables' owner (else :class:`StoreError`: PostgreSQL skips a table it does not
        own with a mere warning). SQLite: ``VACUUM``, then the write-ahead log is emptied (for
        a database written without ``secure_delete``, such as by an older release;
        :meth:`erase_person` does the rest itself). Memory: nothing to do.
        Raises :class:`StoreError` if the database could not finish it.
        """
        if not self._guarded("*", self._purge):
            raise StoreError(
                "the store: readers kept the write-ahead log busy, so old copies may "
                "remain in it: call purge_erased() again when they are done"
            )

    def _erased(
        self,
        trajectory_id: str,
        record: TrajectoryRecord,
        bodies: Sequence[object],
        key: str,
        pseudonym: str,
        replaced: list[int],
    ) -> _Rewrite | None:
        """The rewrite that erases the person from one stored trajectory; None if it
        does not name the person."""
        lifecycle, snapshot, events = self._documents(trajectory_id, record, bodies)
        if not lifecycle.person_fields:
            return None
        rebuilt(trajectory_id, record, lifecycle, snapshot, events, self._clock)
        if not any(_names_person(event, key, lifecycle) for event in events):
            return None
        snapshot = _pseudonymise(snapshot, key, pseudonym, replaced)
        events = [_pseudonymise(event, key, pseudonym, replaced) for event in events]
        try:  # the erased trajectory must still load and replay
            rebuilt(trajectory_id, record, lifecycle, snapshot, events, self._clock)
            load_trajectory(None, events, lifecycle)
        except UNREADABLE as err:
            raise CorruptRecord(trajectory_id, f"erasure would break it: {err}") from err
        rewritten = attrs.evolve(
            record, snapshot=encode(snapshot), generation=record.generation + 1
        )
        bodies_out = [(index, encode(event)) for index, event in enumerate(events, start=1)]
        return rewritten, bodies_out, record.version


def _names_person(event: Mapping[str, Any], key: str, lifecycle: Lifecycle[Any]) -> bool:
    """Whether the event document names the person in one of the lifecycle's
    person fields (such as a participant's name)."""
    payload = event.get("payload")
    if not isinstance(payload, dict):
        return False
    for field in lifecycle.person_fields:
        value = payload.get(field)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and name_key(item) == key for item in values):
            return True
    return False


def _pseudonymise(value: Any, key: str, pseudonym: str, replaced: list[int]) -> Any:
    """``value`` with every string equal to the name (``name_key``) replaced."""
    if isinstance(value, str):
        if name_key(value) == key:
            replaced[0] += 1
            return pseudonym
        return value
    if isinstance(value, list):
        return [_pseudonymise(item, key, pseudonym, replaced) for item in value]
    if isinstance(value, dict):
        return {k: _pseudonymise(item, key, pseudonym, replaced) for k, item in value.items()}
    return value
