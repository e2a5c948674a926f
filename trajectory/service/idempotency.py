"""``Idempotency-Key``: a retried POST gets the first response and never acts twice.

A POST that carries an ``Idempotency-Key`` header reserves the key before it acts: in
a table of the store's own database (``trajectory_service_idempotency``, created
when the service starts), so that every worker process, and every server on that
database, sees it; in the process's memory for the memory store. The first request
with a key acts and keeps its response under the key; a retry with the same key, the
same method and path and the same body gets that response again (with
``Idempotent-Replayed: true``) and acts on nothing. The same key with another request
is a 422 (``idempotency-key-reused``); a retry while the first is still at work, a
409 (``idempotency-key-in-use``).

A response that says to try again is not kept, so that a retry acts: a concurrent
change (409) and an error on the server's side (5xx) free the key. Keys are kept
until an operator deletes them (the table's ``created_at`` says when each was made).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from typing import Any, Final, NamedTuple, Protocol

from trajectory.service.problems import Problem

__all__ = [
    "IDEMPOTENCY_TABLE",
    "Kept",
    "Keys",
    "MemoryKeys",
    "SqlKeys",
    "fingerprint",
    "held_by",
    "keys_for",
]

#: The table that keeps the keys in the store's database.
IDEMPOTENCY_TABLE: Final = "trajectory_service_idempotency"
#: The longest key taken.
MAX_KEY_LENGTH: Final = 255


class Kept(NamedTuple):
    """A response kept under a key: its status, its headers and its body."""

    status: int
    headers: dict[str, str]
    body: bytes


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What a retry must repeat to be the same request: method, path and body."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def checked_key(key: str) -> str:
    """``key`` if it is one: 1 to 255 visible ASCII characters."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise Problem(
            "invalid-query",
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (a UUID, say)",
        )
    return key


def held_by(holder: str | None, key: str) -> str:
    """``key`` as it is kept: each credential has keys of its own (``holder`` is its id;
    ``None`` on an open service), so that nobody replays another's response."""
    return f"{holder or ''}/{checked_key(key)}"


class Keys(Protocol):
    """Where the keys are kept."""

    def reserve(self, key: str, made_of: str) -> Kept | None:
        """Reserve ``key`` for the request ``made_of`` (its :func:`fingerprint`): ``None``
        when it is new (act now), the kept response when the same request was answered."""

    def keep(self, key: str, response: Kept) -> None:
        """Keep ``response`` under the reserved ``key``."""

    def free(self, key: str) -> None:
        """Free the reserved ``key``: a retry acts."""


def _reused(key: str) -> Problem:
    return Problem(
        "idempotency-key-reused",
        f"the Idempotency-Key {key!r} was used for another request",
    )


def _in_use(key: str) -> Problem:
    return Problem(
        "idempotency-key-in-use",
        f"a request with the Idempotency-Key {key!r} is still at work; retry later",
    )


class MemoryKeys:
    """The keys in this process's memory (for the memory store)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[str, Kept | None]] = {}

    def reserve(self, key: str, made_of: str) -> Kept | None:
        with self._lock:
            found = self._keys.get(key)
            if found is None:
                self._keys[key] = (made_of, None)
                return None
        if found[0] != made_of:
            raise _reused(key)
        if found[1] is None:
            raise _in_use(key)
        return found[1]

    def keep(self, key: str, response: Kept) -> None:
        with self._lock:
            self._keys[key] = (self._keys[key][0], response)

    def free(self, key: str) -> None:
        with self._lock:
            self._keys.pop(key, None)


class SqlKeys:
    """The keys in a table of the store's database (SQLite or PostgreSQL): its primary
    key lets one request reserve a key, whichever process it reaches."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self._engine = engine
        metadata = sa.MetaData()
        self._table = sa.Table(
            IDEMPOTENCY_TABLE,
            metadata,
            sa.Column("key", sa.String(MAX_KEY_LENGTH + 40), primary_key=True),
            sa.Column("request", sa.String(64), nullable=False),
            sa.Column("status", sa.Integer, nullable=True),
            sa.Column("headers", sa.Text, nullable=True),
            sa.Column("body", sa.LargeBinary, nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
        metadata.create_all(engine, checkfirst=True)

    def reserve(self, key: str, made_of: str) -> Kept | None:
        import sqlalchemy as sa

        table = self._table
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    table.insert().values(
                        key=key, request=made_of, created_at=dt.datetime.now(dt.UTC)
                    )
                )
            return None
        except sa.exc.IntegrityError:
            pass  # the key is taken: by this request, or by another
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.key == key)).one_or_none()
        if row is None:  # freed in the meantime: reserve it now
            return self.reserve(key, made_of)
        if row.request != made_of:
            raise _reused(key)
        if row.status is None:
            raise _in_use(key)
        return Kept(row.status, json.loads(row.headers), bytes(row.body))

    def keep(self, key: str, response: Kept) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                self._table.update()
                .where(self._table.c.key == key)
                .values(
                    status=response.status,
                    headers=json.dumps(response.headers),
                    body=response.body,
                )
            )

    def free(self, key: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(self._table.delete().where(self._table.c.key == key))


def keys_for(store: Any) -> Keys:
    """Where ``store``'s service keeps its keys: its database, or this process."""
    from trajectory.store.sql import SqlStore

    if isinstance(store, SqlStore):
        return SqlKeys(store.engine)
    return MemoryKeys()
