"""The service's credentials: API keys, each for one role, stored hashed.

A key is made with ``trajectory create-key`` (or :meth:`Credentials.create`) and
shown once: ``trj_<id>_<secret>``. The store's database keeps its id, its name, its
role and scope, and the SHA-256 of its secret (a secret of 256 random bits needs no
slow hash: it cannot be guessed, only stolen, and the hash is useless to a thief);
never the secret. ``trajectory revoke-key ID`` revokes it: from then on it is
refused. A client sends it as ``Authorization: Bearer <key>``.

The roles (SPEC §9) and their scope:

- ``office``: the programme office, everything;
- ``board``: a school board (scope: the board's name, as its schools give it), its
  own applications and leertrajects;
- ``expert_school``: an expert school (scope: its name, as the catalog's offers give
  it), the leertrajects of its offers, whose sessions it records;
- ``auditor``: reads everything, changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from typing import Any, Final, Protocol

import attrs

from trajectory.engine.errors import InvalidData

__all__ = [
    "CREDENTIALS_TABLE",
    "ROLES",
    "SCOPED_ROLES",
    "Credential",
    "Credentials",
    "MemoryCredentials",
    "SqlCredentials",
    "credentials_for",
]

#: The roles a key may have.
ROLES: Final = ("office", "board", "expert_school", "auditor")
#: The roles whose key names what they may see (a board's or an expert school's name).
SCOPED_ROLES: Final = ("board", "expert_school")
#: The table that keeps the keys in the store's database.
CREDENTIALS_TABLE: Final = "trajectory_service_credentials"
_PREFIX: Final = "trj"


@attrs.frozen
class Credential:
    """A key as the store keeps it (without its secret)."""

    id: str
    name: str
    role: str
    scope: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def actor(self) -> str:
        """Who acts with this key, as the history records it: its name and its id."""
        return f"{self.name} ({self.id})"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _checked(name: object, role: object, scope: object) -> tuple[str, str, str | None]:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidData("name", "a key needs a name of 1 to 200 characters (who holds it)")
    if role not in ROLES:
        raise InvalidData("role", f"expected one of {', '.join(ROLES)}, got {role!r}")
    if role in SCOPED_ROLES:
        if not isinstance(scope, str) or not scope.strip():
            whose = "board" if role == "board" else "expert school"
            raise InvalidData("scope", f"a {role} key needs the {whose}'s name as its scope")
        return name.strip(), role, scope.strip()
    if scope is not None:
        raise InvalidData("scope", f"a {role} key has no scope")
    return name.strip(), role, None


def _split(token: str) -> tuple[str, str] | None:
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != _PREFIX or not key_id or not secret:
        return None
    return key_id, secret


class Credentials(Protocol):
    """Where the keys are kept."""

    def create(self, *, name: str, role: str, scope: str | None = None) -> tuple[Credential, str]:
        """A new key: its credential and the key to give its holder (shown once)."""

    def revoke(self, key_id: str) -> Credential:
        """Revoke the key ``key_id``; :class:`InvalidData` if there is none."""

    def all(self) -> list[Credential]:
        """Every key, revoked ones included, oldest first."""

    def authenticate(self, token: str) -> Credential | None:
        """The credential of ``token``, or ``None`` when it is no key, an unknown or a
        revoked one."""


def _new(name: str, role: str, scope: str | None) -> tuple[Credential, str, str]:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    made = Credential(key_id, name, role, scope, dt.datetime.now(dt.UTC))
    return made, f"{_PREFIX}_{key_id}_{secret}", _hash(secret)


class MemoryCredentials:
    """The keys in this process's memory (for the memory store)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[Credential, str]] = {}

    def create(self, *, name: str, role: str, scope: str | None = None) -> tuple[Credential, str]:
        made, token, hashed = _new(*_checked(name, role, scope))
        with self._lock:
            self._keys[made.id] = (made, hashed)
        return made, token

    def revoke(self, key_id: str) -> Credential:
        with self._lock:
            if key_id not in self._keys:
                raise InvalidData("key", f"there is no key {key_id!r}")
            found, hashed = self._keys[key_id]
            if found.revoked_at is None:
                found = attrs.evolve(found, revoked_at=dt.datetime.now(dt.UTC))
                self._keys[key_id] = (found, hashed)
            return found

    def all(self) -> list[Credential]:
        with self._lock:
            return sorted((c for c, _ in self._keys.values()), key=lambda c: c.created_at)

    def authenticate(self, token: str) -> Credential | None:
        parts = _split(token)
        if parts is None:
            return None
        with self._lock:
            found = self._keys.get(parts[0])
        if found is None or found[0].revoked_at is not None:
            return None
        return found[0] if hmac.compare_digest(found[1], _hash(parts[1])) else None


class SqlCredentials:
    """The keys in a table of the store's database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self._engine = engine
        metadata = sa.MetaData()
        self._table = sa.Table(
            CREDENTIALS_TABLE,
            metadata,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("role", sa.String(32), nullable=False),
            sa.Column("scope", sa.String(200), nullable=True),
            sa.Column("secret_sha256", sa.String(64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        )
        metadata.create_all(engine, checkfirst=True)

    @staticmethod
    def _credential(row: Any) -> Credential:
        def utc(moment: dt.datetime | None) -> dt.datetime | None:  # SQLite forgets the zone
            if moment is None or moment.tzinfo is not None:
                return moment
            return moment.replace(tzinfo=dt.UTC)

        created = utc(row.created_at)
        assert created is not None  # the column is not nullable
        return Credential(row.id, row.name, row.role, row.scope, created, utc(row.revoked_at))

    def create(self, *, name: str, role: str, scope: str | None = None) -> tuple[Credential, str]:
        made, token, hashed = _new(*_checked(name, role, scope))
        with self._engine.begin() as conn:
            conn.execute(
                self._table.insert().values(
                    id=made.id,
                    name=made.name,
                    role=made.role,
                    scope=made.scope,
                    secret_sha256=hashed,
                    created_at=made.created_at,
                )
            )
        return made, token

    def revoke(self, key_id: str) -> Credential:
        import sqlalchemy as sa

        table = self._table
        with self._engine.begin() as conn:
            conn.execute(
                table.update()
                .where(table.c.id == key_id, table.c.revoked_at.is_(None))
                .values(revoked_at=dt.datetime.now(dt.UTC))
            )
            row = conn.execute(sa.select(table).where(table.c.id == key_id)).one_or_none()
        if row is None:
            raise InvalidData("key", f"there is no key {key_id!r}")
        return self._credential(row)

    def all(self) -> list[Credential]:
        import sqlalchemy as sa

        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(self._table).order_by(self._table.c.created_at)).all()
        return [self._credential(row) for row in rows]

    def authenticate(self, token: str) -> Credential | None:
        import sqlalchemy as sa

        parts = _split(token)
        if parts is None:
            return None
        table = self._table
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == parts[0])).one_or_none()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.secret_sha256, _hash(parts[1])):
            return None
        return self._credential(row)


def credentials_for(store: Any) -> Credentials:
    """Where ``store``'s service keeps its keys: its database, or this process."""
    from trajectory.store.sql import SqlStore

    if isinstance(store, SqlStore):
        return SqlCredentials(store.engine)
    return MemoryCredentials()
