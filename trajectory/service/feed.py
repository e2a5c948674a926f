"""The event feed: committed events as CloudEvents 1.0, over HTTP, resumable.

``GET /events?after=<position>&limit=<n>&wait=<seconds>`` answers the events committed
after the consumer's position, in commit order, as a JSON array of structured
CloudEvents (``application/cloudevents-batch+json``, made by
:class:`trajectory.publish.CloudEvents`). Each event carries its position in the
outbox as the extension attribute ``position`` (an integer); the consumer keeps the
position of the last event it handled and asks for the events after it. The answer's
``Link`` header (RFC 8288, ``rel="next"``) is the request for the next batch. When
there is nothing new, the request waits up to ``wait`` seconds (at most
:data:`MAX_WAIT`) for an event before it answers an empty batch (a long poll).

With ``Accept: text/event-stream`` the same events come as server-sent events: one
message each, whose ``id`` is the event's position and whose ``data`` is the
structured CloudEvent; the stream stays open for ``wait`` seconds (default and at most
:data:`MAX_WAIT`), then ends, and a client resumes with ``Last-Event-ID`` (an
``EventSource`` does so by itself).

Every event's ``source`` is the service's base URL (``create_app(base_url=…)``,
``trajectory serve --base-url``; the request's own base URL otherwise) and its
``dataschema`` the JSON Schema of its lifecycle's events, which the service serves at
``GET /schemas/{name}``.

The programme office and auditors read the feed (every event); a key of a school board
or an expert school is refused (403): the feed is the whole programme's.

PostgreSQL's outbox holds back an entry behind a transaction still running
(docs/how-to/postgresql.md): the feed only ever reads on from a position, so an event
appears once everything before it is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from trajectory.publish import BATCH_CONTENT_TYPE, CloudEvents
from trajectory.service.problems import Problem, language_of
from trajectory.service.requests import read_query

if TYPE_CHECKING:
    from cloudevents.core.v1.event import CloudEvent
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from trajectory.service.app import Service
    from trajectory.store.records import OutboxEntry

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_WAIT",
    "SSE_MEDIA_TYPE",
    "positioned",
    "published",
    "routes",
    "schema_names",
]

#: How many events a batch holds unless ``limit`` says.
DEFAULT_LIMIT: Final = 100
#: The most a batch holds.
MAX_LIMIT: Final = 1000
#: The longest a request waits for a new event (and a stream stays open), in seconds.
MAX_WAIT: Final = 60
#: How often a waiting request looks for new events, in seconds.
POLL_INTERVAL: Final = 0.2
#: The media type of server-sent events.
SSE_MEDIA_TYPE: Final = "text/event-stream"
#: The package that holds the shipped JSON Schemas.
_SCHEMAS: Final = "trajectory.ontwikkelkracht.schemas"


def schema_names() -> tuple[str, ...]:
    """The names of the JSON Schemas the service serves at ``/schemas/{name}``."""
    return tuple(
        sorted(
            entry.name
            for entry in resources.files(_SCHEMAS).iterdir()
            if entry.name.endswith(".schema.json")
        )
    )


def published(base_url: str) -> CloudEvents:
    """How the service at ``base_url`` publishes its events: ``source`` is the base URL,
    ``dataschema`` the schema of the event's lifecycle at ``{base_url}/schemas/…``."""
    base = base_url.rstrip("/")
    names = set(schema_names())

    def schema(lifecycle: str) -> str | None:
        name = f"{lifecycle.rsplit('.', 1)[-1]}-event.schema.json"
        return f"{base}/schemas/{name}" if name in names else None

    return CloudEvents(source=base_url, schemas=schema)


def positioned(events: CloudEvents, entry: OutboxEntry) -> CloudEvent:
    """The CloudEvent of ``entry`` with its position in the outbox (the extension
    attribute ``position``)."""
    made = events.event(entry)
    attributes = {**made.get_attributes(), "position": entry.position}
    return type(made)(attributes, made.get_data())


def _json(events: CloudEvents, entry: OutboxEntry) -> str:
    """The structured CloudEvent of ``entry`` with its ``position``: the SDK's JSON
    object with the attribute put first (the same as :func:`positioned` written,
    without making the event twice)."""
    written = events.to_json(entry).decode("utf-8")
    return f'{{"position": {entry.position}, {written.removeprefix("{")}'


def _whole(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise Problem("invalid-query", f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _params(request: Request) -> dict[str, str]:
    return read_query(request.query_params.multi_items(), {"after", "limit", "wait"})


def _wants_stream(request: Request) -> bool:
    accepted = [
        part.split(";", 1)[0].strip().lower()
        for part in request.headers.get("accept", "").split(",")
    ]
    return SSE_MEDIA_TYPE in accepted


def routes(
    service: Service,
    base_url: str | None,
    authenticate: Callable[[Request], Any],
    problem: Callable[[Exception, str], Response],
) -> list[Route]:
    """The feed's routes: ``GET /events`` and ``GET /schemas/{name}``.

    ``authenticate(request)`` (awaited) gives the request's credential or raises a
    problem; ``problem(error, lang)`` answers an error."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    made: dict[str, CloudEvents] = {}

    def events_of(request: Request) -> CloudEvents:
        base = base_url or str(request.base_url).rstrip("/")
        if base not in made:
            made[base] = published(base)
        return made[base]

    def read(after: int, limit: int) -> list[OutboxEntry]:
        with service.lock:
            return service.store.read_outbox(after, limit)

    async def waiting(after: int, limit: int, wait: float) -> list[OutboxEntry]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            entries = await run_in_threadpool(read, after, limit)
            left = deadline - loop.time()
            if entries or left <= 0:
                return entries
            await asyncio.sleep(min(POLL_INTERVAL, left))

    async def feed(request: Request) -> Response:
        lang = language_of(request.headers.get("accept-language"))
        try:
            who = await authenticate(request)
            if not service.policy.reads_everything(who):
                raise Problem(
                    "forbidden", "the event feed is read by the programme office and auditors"
                )
            params = _params(request)
            after = _whole(params, "after", 0, 0, 2**63 - 1)
            limit = _whole(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
            events = events_of(request)
            if _wants_stream(request):
                last = request.headers.get("last-event-id", "").strip()
                if last:
                    if not last.isdigit():
                        raise Problem("invalid-query", "Last-Event-ID must be a position")
                    after = int(last)
                wait = _whole(params, "wait", MAX_WAIT, 0, MAX_WAIT)
                return StreamingResponse(
                    stream(events, after, limit, wait),
                    media_type=SSE_MEDIA_TYPE,
                    headers={"Cache-Control": "no-store"},
                )
            wait = _whole(params, "wait", 0, 0, MAX_WAIT)
            entries = await waiting(after, limit, wait)
            body = "[" + ",".join(_json(events, entry) for entry in entries) + "]"
        except Exception as error:  # every error answers as a problem
            return problem(error, lang)
        following = entries[-1].position if entries else after
        base = f"{base_url.rstrip('/')}/events" if base_url else str(request.url.replace(query=""))
        return Response(
            body.encode("utf-8"),
            media_type=BATCH_CONTENT_TYPE,
            headers={
                "Link": f'<{base}?after={following}&limit={limit}>; rel="next"',
                "Cache-Control": "no-store",
            },
        )

    async def stream(events: CloudEvents, after: int, limit: int, wait: int) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        position = after
        while True:
            entries = await run_in_threadpool(read, position, limit)
            for entry in entries:
                yield f"id: {entry.position}\ndata: {_json(events, entry)}\n\n"
                position = entry.position
            left = deadline - loop.time()
            if entries:
                continue
            if left <= 0:
                return
            await asyncio.sleep(min(POLL_INTERVAL, left))

    async def schema(request: Request) -> Response:
        lang = language_of(request.headers.get("accept-language"))
        name = request.path_params["name"]
        if name not in schema_names():
            return problem(Problem("not-found", f"there is no schema {name!r}"), lang)
        text = resources.files(_SCHEMAS).joinpath(name).read_bytes()
        return Response(text, media_type="application/schema+json")

    return [
        Route("/events", feed, methods=["GET"]),
        Route("/schemas/{name}", schema, methods=["GET"]),
    ]
