"""Webhooks: every committed event posted, signed, to the URLs the office registers.

The programme office registers a webhook (``POST /webhooks``: a URL and, optionally,
the CloudEvent types it wants); the service makes it a secret of its own in the
Standard Webhooks form (``whsec_`` and base64), shown once. A :class:`Deliverer`
(``trajectory deliver-webhooks``) posts each committed event to each webhook, in
commit order, as a structured CloudEvent (``application/cloudevents+json``), signed
per the Standard Webhooks specification with the maintained ``standardwebhooks``
package: ``webhook-id`` is the event's id (the same on every delivery: a receiver
drops repeats), ``webhook-timestamp`` the moment of sending, ``webhook-signature``
``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body``.

A delivery that fails (an answer other than 2xx, or no answer) is tried again after
an exponentially growing pause; after :data:`DEFAULT_ATTEMPTS` attempts the event goes
on the webhook's dead-letter list and delivery goes on with the next. An operator
lists the dead letters and asks for a replay (``POST /dead-letters/{id}/replay``,
``trajectory replay-dead-letter``); the deliverer then posts it once more.

Everything is kept in tables of the store's database (:data:`WEBHOOKS_TABLE`,
:data:`DEAD_LETTERS_TABLE`; in this process's memory for the memory store): each
webhook's position in the outbox (delivery resumes there after a restart) and its
lease: one deliverer at a time works on a webhook, however many run.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import urllib.error
import urllib.request
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import attrs

from trajectory.engine.errors import InvalidData, MissingDependency, wrong_type
from trajectory.store.base import Store

if TYPE_CHECKING:
    from trajectory.publish import CloudEvents
    from trajectory.store.records import OutboxEntry

__all__ = [
    "DEAD_LETTERS_TABLE",
    "DEFAULT_ATTEMPTS",
    "WEBHOOKS_TABLE",
    "DeadLetter",
    "Deliverer",
    "Webhook",
    "Webhooks",
    "webhooks_for",
]

#: The table of the registered webhooks, their secrets, positions and leases.
WEBHOOKS_TABLE: Final = "trajectory_service_webhooks"
#: The table of the events a webhook could not be given.
DEAD_LETTERS_TABLE: Final = "trajectory_service_dead_letters"
#: How many times a deliverer tries an event before it puts it on the dead letters.
DEFAULT_ATTEMPTS: Final = 6
#: The pause before the second attempt, in seconds; it doubles after every failure.
DEFAULT_BACKOFF: Final = 2.0
#: The longest pause between two attempts, in seconds.
MAX_BACKOFF: Final = 300.0
#: How long a receiver may take to answer, in seconds.
TIMEOUT: Final = 10.0
#: The longest URL taken.
MAX_URL: Final = 2000

#: ``post(url, headers, body)`` → the receiver's status code; raises ``OSError`` when
#: there is no answer.
Post = Callable[[str, Mapping[str, str], bytes], int]


@attrs.frozen
class Webhook:
    """A registered webhook: where events go, which types (none: every type), the
    position in the outbox of the last event it was given (or given up on)."""

    id: str
    url: str
    types: tuple[str, ...]
    position: int
    created_at: dt.datetime

    def wants(self, event_type: str) -> bool:
        """Whether events of ``event_type`` go to this webhook."""
        return not self.types or event_type in self.types

    def document(self) -> dict[str, Any]:
        """The webhook as the service shows it (never its secret)."""
        return {
            "id": self.id,
            "url": self.url,
            "types": list(self.types),
            "position": self.position,
            "created_at": self.created_at.isoformat(),
        }


@attrs.frozen
class DeadLetter:
    """An event a webhook could not be given: after how many attempts, with what last
    error; whether a replay is asked for, and when one succeeded."""

    id: str
    webhook_id: str
    position: int
    event_id: str
    event_type: str
    attempts: int
    error: str
    failed_at: dt.datetime
    replay_requested: bool
    delivered_at: dt.datetime | None

    def document(self) -> dict[str, Any]:
        """The dead letter as the service shows it."""
        return {
            "id": self.id,
            "webhook": self.webhook_id,
            "position": self.position,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "attempts": self.attempts,
            "error": self.error,
            "failed_at": self.failed_at.isoformat(),
            "replay_requested": self.replay_requested,
            "delivered_at": None if self.delivered_at is None else self.delivered_at.isoformat(),
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` with its zone (SQLite gives them back without)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def checked_url(url: object) -> str:
    """``url`` if it is an absolute http(s) URL with a host."""
    if not isinstance(url, str) or not 1 <= len(url) <= MAX_URL:
        raise InvalidData("url", f"expected an http(s) URL of at most {MAX_URL} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or url != url.strip():
        raise InvalidData("url", f"expected an absolute http(s) URL, got {url!r}")
    return url


def _checked_types(types: object) -> tuple[str, ...]:
    if types is None:
        return ()
    if isinstance(types, str) or not isinstance(types, Sequence):
        raise InvalidData("types", "expected a list of CloudEvent types")
    for one in types:
        if not isinstance(one, str) or not 1 <= len(one) <= 200 or one != one.strip():
            raise InvalidData("types", f"expected CloudEvent types as text, got {one!r}")
    return tuple(dict.fromkeys(types))


class Webhooks:
    """The registered webhooks and their dead letters, in a database (SQLAlchemy
    ``engine``): the store's own, or one in this process's memory."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self._engine = engine
        self._lock = threading.RLock()
        metadata = sa.MetaData()
        moment = sa.DateTime(timezone=True)
        self._hooks = sa.Table(
            WEBHOOKS_TABLE,
            metadata,
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("url", sa.String(MAX_URL), nullable=False),
            sa.Column("types", sa.Text, nullable=False),
            sa.Column("secret", sa.String(100), nullable=False),
            sa.Column("position", sa.BigInteger, nullable=False),
            sa.Column("created_at", moment, nullable=False),
            sa.Column("lease_owner", sa.String(64), nullable=True),
            sa.Column("lease_until", moment, nullable=True),
        )
        self._letters = sa.Table(
            DEAD_LETTERS_TABLE,
            metadata,
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("webhook_id", sa.String(64), nullable=False, index=True),
            sa.Column("position", sa.BigInteger, nullable=False),
            sa.Column("event_id", sa.String(200), nullable=False),
            sa.Column("event_type", sa.String(300), nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("error", sa.Text, nullable=False),
            sa.Column("failed_at", moment, nullable=False),
            sa.Column("replay_requested", sa.Boolean, nullable=False),
            sa.Column("delivered_at", moment, nullable=True),
        )
        metadata.create_all(engine, checkfirst=True)

    # -- the webhooks ------------------------------------------------------------------

    def register(
        self, url: str, types: Sequence[str] | None = None, *, after: int = 0
    ) -> tuple[Webhook, str]:
        """Register a webhook for the events after position ``after`` (0: from the
        first) of ``types`` (none: every type); returns it and its secret."""
        url = checked_url(url)
        wanted = _checked_types(types)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise InvalidData("after", f"expected a position ≥ 0, got {after!r}")
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        made = Webhook(f"wh_{uuid.uuid4().hex}", url, wanted, after, _now())
        with self._lock, self._engine.begin() as conn:
            conn.execute(
                self._hooks.insert().values(
                    id=made.id,
                    url=made.url,
                    types=json.dumps(list(wanted)),
                    secret=secret,
                    position=after,
                    created_at=made.created_at,
                )
            )
        return made, secret

    def _webhook(self, row: Any) -> Webhook:
        return Webhook(
            row.id, row.url, tuple(json.loads(row.types)), row.position, _aware(row.created_at)
        )

    def all(self) -> list[Webhook]:
        """Every webhook, the oldest first."""
        import sqlalchemy as sa

        hooks = self._hooks
        with self._lock, self._engine.connect() as conn:
            rows = conn.execute(sa.select(hooks).order_by(hooks.c.created_at, hooks.c.id)).all()
        return [self._webhook(row) for row in rows]

    def get(self, webhook_id: str) -> Webhook | None:
        """The webhook ``webhook_id``, or ``None``."""
        import sqlalchemy as sa

        with self._lock, self._engine.connect() as conn:
            row = conn.execute(
                sa.select(self._hooks).where(self._hooks.c.id == webhook_id)
            ).one_or_none()
        return None if row is None else self._webhook(row)

    def delete(self, webhook_id: str) -> Webhook:
        """Delete the webhook ``webhook_id`` and its dead letters; returns it."""
        found = self.get(webhook_id)
        if found is None:
            raise InvalidData("webhook", f"there is no webhook {webhook_id!r}")
        with self._lock, self._engine.begin() as conn:
            conn.execute(self._hooks.delete().where(self._hooks.c.id == webhook_id))
            conn.execute(self._letters.delete().where(self._letters.c.webhook_id == webhook_id))
        return found

    def secret(self, webhook_id: str) -> str:
        """The secret of the webhook ``webhook_id``, for signing."""
        import sqlalchemy as sa

        with self._lock, self._engine.connect() as conn:
            found = conn.execute(
                sa.select(self._hooks.c.secret).where(self._hooks.c.id == webhook_id)
            ).scalar_one_or_none()
        if found is None:
            raise InvalidData("webhook", f"there is no webhook {webhook_id!r}")
        return str(found)

    # -- leases and positions ----------------------------------------------------------

    def claim(self, webhook_id: str, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take (or renew) the lease on the webhook for ``owner`` until ``until``, unless
        another deliverer holds it beyond ``now``; whether ``owner`` holds it now."""
        import sqlalchemy as sa

        hooks = self._hooks
        with self._lock, self._engine.begin() as conn:
            done = conn.execute(
                hooks.update()
                .where(
                    hooks.c.id == webhook_id,
                    sa.or_(
                        hooks.c.lease_owner.is_(None),
                        hooks.c.lease_owner == owner,
                        hooks.c.lease_until < now,
                    ),
                )
                .values(lease_owner=owner, lease_until=until)
            )
        return bool(done.rowcount == 1)

    def release(self, webhook_id: str, owner: str) -> None:
        """Give up ``owner``'s lease on the webhook."""
        hooks = self._hooks
        with self._lock, self._engine.begin() as conn:
            conn.execute(
                hooks.update()
                .where(hooks.c.id == webhook_id, hooks.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    def advance(
        self, webhook_id: str, owner: str, position: int, dead: DeadLetter | None = None
    ) -> bool:
        """Move the webhook (whose lease ``owner`` holds) on to ``position``, putting
        ``dead`` on its dead letters in the same transaction; whether it was done."""
        hooks = self._hooks
        with self._lock, self._engine.begin() as conn:
            done = conn.execute(
                hooks.update()
                .where(hooks.c.id == webhook_id, hooks.c.lease_owner == owner)
                .values(position=position)
            )
            if done.rowcount != 1:
                return False
            if dead is not None:
                conn.execute(self._letters.insert().values(**attrs.asdict(dead)))
        return True

    # -- dead letters ------------------------------------------------------------------

    def _letter(self, row: Any) -> DeadLetter:
        return DeadLetter(
            row.id,
            row.webhook_id,
            row.position,
            row.event_id,
            row.event_type,
            row.attempts,
            row.error,
            _aware(row.failed_at),
            bool(row.replay_requested),
            None if row.delivered_at is None else _aware(row.delivered_at),
        )

    def dead_letters(self, webhook_id: str | None = None) -> list[DeadLetter]:
        """The dead letters (of the webhook ``webhook_id``, if given), oldest first."""
        import sqlalchemy as sa

        letters = self._letters
        query = sa.select(letters).order_by(letters.c.failed_at, letters.c.position)
        if webhook_id is not None:
            query = query.where(letters.c.webhook_id == webhook_id)
        with self._lock, self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [self._letter(row) for row in rows]

    def dead_letter(self, letter_id: str) -> DeadLetter | None:
        """The dead letter ``letter_id``, or ``None``."""
        import sqlalchemy as sa

        with self._lock, self._engine.connect() as conn:
            row = conn.execute(
                sa.select(self._letters).where(self._letters.c.id == letter_id)
            ).one_or_none()
        return None if row is None else self._letter(row)

    def request_replay(self, letter_id: str) -> DeadLetter:
        """Ask the deliverer to post the dead letter ``letter_id`` once more."""
        letters = self._letters
        with self._lock, self._engine.begin() as conn:
            done = conn.execute(
                letters.update().where(letters.c.id == letter_id).values(replay_requested=True)
            )
        found = self.dead_letter(letter_id)
        if done.rowcount != 1 or found is None:
            raise InvalidData("dead_letter", f"there is no dead letter {letter_id!r}")
        return found

    def replayed(self, letter_id: str, error: str | None, at: dt.datetime) -> None:
        """Record the outcome of a replay: delivered (no ``error``) or failed again."""
        import sqlalchemy as sa

        letters = self._letters
        values: dict[str, Any] = {"replay_requested": False, "attempts": letters.c.attempts + 1}
        if error is None:
            values["delivered_at"] = at
        else:
            values.update(error=error, failed_at=at)
        with self._lock, self._engine.begin() as conn:
            conn.execute(sa.update(letters).where(letters.c.id == letter_id).values(**values))


_MEMORY: weakref.WeakKeyDictionary[Store, Webhooks] = weakref.WeakKeyDictionary()
_MEMORY_LOCK: Final = threading.Lock()


def webhooks_for(store: Store) -> Webhooks:
    """The webhooks of ``store``: in its database, or (the memory store) in this
    process's memory, the same for every caller of the same store."""
    from trajectory.store.sql import SqlStore

    if not isinstance(store, Store):
        raise wrong_type("store", "a Store", store)
    if isinstance(store, SqlStore):
        return Webhooks(store.engine)
    import sqlalchemy as sa
    from sqlalchemy.pool import StaticPool

    with _MEMORY_LOCK:
        found = _MEMORY.get(store)
        if found is None:
            engine = sa.create_engine(
                "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
            found = _MEMORY[store] = Webhooks(engine)
            # Closed with the store: an SQLite connection left to the garbage collector
            # is a ResourceWarning (Python 3.13).
            weakref.finalize(store, engine.dispose)
        return found


# -- delivery ----------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer other than 2xx: a failure


_OPENER: Final = urllib.request.build_opener(_NoRedirects)


def post_with_urllib(url: str, headers: Mapping[str, str], body: bytes) -> int:
    """POST ``body`` to ``url``; the status code of the answer (``OSError`` if none)."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _signer(secret: str) -> Any:
    try:
        from standardwebhooks import Webhook as Signer
    except ImportError as missing:
        raise MissingDependency(
            "standardwebhooks", extra="service", needed_for="trajectory.service.webhooks"
        ) from missing
    return Signer(secret)


class _Stopped(Exception):
    """The deliverer was stopped while it waited to try an event again."""


class Deliverer:
    """Posts the committed events of ``store`` to its webhooks, in commit order.

    ``events`` makes the CloudEvents (:func:`trajectory.service.feed.published`);
    ``attempts`` is how many times an event is tried before it becomes a dead letter;
    the pause after the n-th failure is ``backoff`` × 2ⁿ⁻¹ seconds (at most
    :data:`MAX_BACKOFF`), spent in ``sleep`` (default: waiting, cut short when
    :meth:`run` is stopped, the event left for the next run); ``post`` sends (default: urllib, no
    redirects followed); ``now`` is the clock of the signatures and the leases.
    Several deliverers may run on one database: a lease lets one of them at a time
    work on a webhook."""

    def __init__(
        self,
        store: Store,
        events: CloudEvents,
        *,
        webhooks: Webhooks | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        post: Post = post_with_urllib,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], dt.datetime] = _now,
    ) -> None:
        if not isinstance(store, Store):
            raise wrong_type("store", "a Store", store)
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise InvalidData("attempts", f"expected a whole number ≥ 1, got {attempts!r}")
        if isinstance(backoff, bool) or not isinstance(backoff, int | float) or backoff < 0:
            raise InvalidData("backoff", f"expected seconds ≥ 0, got {backoff!r}")
        self.store = store
        self.events = events
        self.webhooks = webhooks if webhooks is not None else webhooks_for(store)
        self.attempts = attempts
        self.backoff = float(backoff)
        self._post = post
        self._sleep = sleep
        self._stop = threading.Event()
        self._now = now
        self.owner = f"deliverer-{uuid.uuid4().hex}"
        #: How long a lease lasts: longer than the longest pause and answer.
        self.lease = dt.timedelta(seconds=MAX_BACKOFF + TIMEOUT + 60)

    def pause(self, failures: int) -> float:
        """The pause after ``failures`` failed attempts, in seconds."""
        return min(self.backoff * 2.0 ** (failures - 1), MAX_BACKOFF)

    def deliver(self) -> int:
        """One pass: for every webhook this deliverer can lease, the replays asked for,
        then every event after its position up to the end of the outbox. Returns how
        many events were delivered."""
        delivered = 0
        for webhook in self.webhooks.all():
            if not self._claim(webhook.id):
                continue
            try:
                delivered += self._work(webhook)
            except _Stopped:
                return delivered
            finally:
                self.webhooks.release(webhook.id, self.owner)
        return delivered

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Deliver until ``stop`` is set, looking for new events every ``interval``
        seconds; a pass that fails (the database unreachable, say) is logged and
        tried again."""
        from trajectory.engine.logs import get_logger

        logger = get_logger(__name__)
        self._stop = stop
        while not stop.is_set():
            try:
                self.deliver()
            except Exception as error:  # the database away for a moment: try again
                logger.error("delivery_failed", error=type(error).__qualname__)
            stop.wait(interval)

    def _claim(self, webhook_id: str) -> bool:
        now = self._now()
        return self.webhooks.claim(webhook_id, self.owner, now, now + self.lease)

    def _work(self, webhook: Webhook) -> int:
        secret = self.webhooks.secret(webhook.id)
        delivered = self._replays(webhook, secret)
        position = webhook.position
        while True:
            entries = self.store.read_outbox(position, 100)
            if not entries:
                return delivered
            for entry in entries:
                event_type = str(self.events.event(entry).get_type())
                dead = None
                if webhook.wants(event_type):
                    error = self._attempts(webhook, secret, entry)
                    if error is None:
                        delivered += 1
                    else:
                        dead = DeadLetter(
                            f"dl_{uuid.uuid4().hex}",
                            webhook.id,
                            entry.position,
                            str(entry.event.get("id", "")),
                            event_type,
                            self.attempts,
                            error,
                            self._now(),
                            False,
                            None,
                        )
                if not self.webhooks.advance(webhook.id, self.owner, entry.position, dead):
                    return delivered  # the lease was lost, or the webhook deleted
                position = entry.position

    def _attempts(self, webhook: Webhook, secret: str, entry: OutboxEntry) -> str | None:
        """Try ``entry`` until it is delivered (``None``) or the attempts are spent (the
        last error)."""
        error = ""
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                if self._sleep is None:
                    self._stop.wait(self.pause(attempt - 1))
                else:
                    self._sleep(self.pause(attempt - 1))
                if self._stop.is_set():
                    raise _Stopped
                if not self._claim(webhook.id):
                    return "the lease on the webhook was lost"
            sent = self._send(webhook.url, secret, entry)
            if sent is None:
                return None
            error = sent
        return error

    def _send(self, url: str, secret: str, entry: OutboxEntry) -> str | None:
        """Post ``entry`` once: ``None`` when delivered, else what went wrong."""
        from trajectory.publish import CONTENT_TYPE

        body = self.events.to_json(entry)
        event_id = str(entry.event.get("id", ""))
        moment = self._now()
        headers = {
            "Content-Type": CONTENT_TYPE,
            "User-Agent": "trajectory-webhooks",
            "webhook-id": event_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": _signer(secret).sign(event_id, moment, body.decode("utf-8")),
        }
        try:
            status = self._post(url, headers, body)
        except OSError as error:
            return f"no answer: {type(error).__name__}"
        if 200 <= status < 300:
            return None
        return f"answered {status}"

    def _replays(self, webhook: Webhook, secret: str) -> int:
        delivered = 0
        for letter in self.webhooks.dead_letters(webhook.id):
            if not letter.replay_requested:
                continue
            found = self.store.read_outbox(letter.position - 1, 1) if letter.position else []
            if not found or found[0].position != letter.position:
                error: str | None = "the event is no longer in the outbox"
            else:
                error = self._send(webhook.url, secret, found[0])
            self.webhooks.replayed(letter.id, error, self._now())
            delivered += error is None
        return delivered


# -- the operations over HTTP ------------------------------------------------------------


def _office_only(who: Any) -> None:
    from trajectory.service.problems import Problem

    if who is not None and who.role != "office":
        raise Problem("forbidden", "webhooks are managed by the programme office")


def _registration(document: Any) -> tuple[str, tuple[str, ...], int]:
    if not isinstance(document, dict):
        raise InvalidData("body", "expected an object with url (and types, after)")
    unknown = sorted(set(document) - {"url", "types", "after"})
    if unknown:
        raise InvalidData(unknown[0], "no such field; the fields are url, types and after")
    if "url" not in document:
        raise InvalidData("url", "the webhook's URL is required")
    after = document.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise InvalidData("after", f"expected a position ≥ 0, got {after!r}")
    return checked_url(document["url"]), _checked_types(document.get("types")), after


def routes(webhooks: Webhooks, endpoint: Callable[..., Any]) -> list[Any]:
    """The webhooks' routes, made with the service's ``endpoint`` (which authenticates
    the request and answers every error as a problem): ``/webhooks`` and
    ``/dead-letters``, for the programme office (and an open service)."""
    from starlette.routing import Route

    from trajectory.service.problems import Problem

    def found(webhook_id: str) -> Webhook:
        hook = webhooks.get(webhook_id)
        if hook is None:
            raise Problem("not-found", f"there is no webhook {webhook_id!r}")
        return hook

    def register(request: Any, document: Any, lang: str) -> tuple[int, Any, int | None]:
        _office_only(request.state.who)
        url, types, after = _registration(document)
        made, secret = webhooks.register(url, types, after=after)
        return 201, {**made.document(), "secret": secret, "_kind": "webhook"}, None

    def listing(request: Any, document: Any, lang: str) -> tuple[int, Any, int | None]:
        _office_only(request.state.who)
        if request.query_params:
            raise Problem("invalid-query", "GET /webhooks takes no parameters")
        return 200, {"items": [hook.document() for hook in webhooks.all()]}, None

    def showing(request: Any, document: Any, lang: str) -> tuple[int, Any, int | None]:
        _office_only(request.state.who)
        return 200, found(request.path_params["webhook_id"]).document(), None

    def deleting(request: Any, document: Any, lang: str) -> tuple[int, Any, int | None]:
        _office_only(request.state.who)
        hook = found(request.path_params["webhook_id"])
        webhooks.delete(hook.id)
        return 200, hook.document(), None

    def letters(request: Any, document: Any, lang: str) -> tuple[int, Any, int | None]:
        _office_only(request.state.who)
        params = dict(request.query_params)
        if set(params) - {"webhook"} or len(request.query_params.multi_items()) > len(params):
            raise Problem("invalid-query", "the only parameter is webhook (once)")
        webhook_id = params.get("webhook")
        if webhook_id is not None:
            found(webhook_id)
        shown = [letter.document() for letter in webhooks.dead_letters(webhook_id)]
        return 200, {"items": shown}, None

    def replay(request: Any, document: Any, lang: str) -> tuple[int, Any, int | None]:
        _office_only(request.state.who)
        letter_id = request.path_params["letter_id"]
        if webhooks.dead_letter(letter_id) is None:
            raise Problem("not-found", f"there is no dead letter {letter_id!r}")
        if document:
            raise InvalidData("body", "a replay takes no fields")
        return 202, webhooks.request_replay(letter_id).document(), None

    return [
        Route("/webhooks", endpoint(register, body=True), methods=["POST"]),
        Route("/webhooks", endpoint(listing), methods=["GET"]),
        Route("/webhooks/{webhook_id}", endpoint(showing), methods=["GET"], name="webhook"),
        Route("/webhooks/{webhook_id}", endpoint(deleting), methods=["DELETE"]),
        Route("/dead-letters", endpoint(letters), methods=["GET"]),
        Route("/dead-letters/{letter_id}/replay", endpoint(replay, body=True), methods=["POST"]),
    ]
