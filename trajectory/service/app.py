"""The HTTP/JSON service: a Starlette application on a store.

:func:`create_app` builds it; ``trajectory serve`` runs it with uvicorn. The store is
synchronous: each request's work runs in a worker thread, one at a time per process
(a lock), and several worker processes share the store through its database, whose
versions refuse a save based on a stale read (409).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Final

from trajectory.engine.definition import NoPayload
from trajectory.engine.errors import (
    InvalidData,
    MissingDependency,
    PreconditionFailed,
    TransitionNotAllowed,
)
from trajectory.engine.history import Clock
from trajectory.engine.runtime import Trajectory
from trajectory.engine.serialization import dump_event, dump_snapshot, load_payload
from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht
from trajectory.service import requests as bodies
from trajectory.service.access import load_policy, sees
from trajectory.service.credentials import Credential, Credentials
from trajectory.service.idempotency import Kept, fingerprint, held_by, keys_for
from trajectory.service.openapi import APPLICATION_ACTIONS
from trajectory.service.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    language_of,
    problem_of,
    violation_document,
)
from trajectory.store.base import Store
from trajectory.store.errors import TrajectoryNotFound

try:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
except ImportError as missing:  # pragma: no cover - the service extra is not installed
    raise MissingDependency(
        "starlette", extra="service", needed_for="trajectory.service"
    ) from missing

__all__ = ["DEFAULT_LIMIT", "MAX_BODY", "MAX_LIMIT", "create_app"]

#: How many trajectories a page of ``GET /trajectories`` lists unless ``limit`` says.
DEFAULT_LIMIT: Final = 50
#: The most a page lists.
MAX_LIMIT: Final = 500
#: The largest request body taken, in bytes (a payload is a few kilobytes).
MAX_BODY: Final = 1_000_000

Handler = Callable[[Request], Awaitable[Response]]


class _Json(JSONResponse):
    """JSON as the library writes it: UTF-8, no NaN."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False).encode("utf-8")


class Service:
    """What the handlers share: the store, the programme, the clock and the lock that
    lets one request at a time work on the store in this process."""

    def __init__(
        self,
        store: Store,
        programme: Ontwikkelkracht,
        clock: Clock | None,
        credentials: Credentials | None,
    ) -> None:
        from trajectory.office import Office

        self.store = store
        self.programme = programme
        self.clock = clock
        self.office = Office(store, programme=programme, clock=clock)
        self.lock = threading.Lock()
        #: Where the Idempotency-Keys are kept: the store's database, or this process.
        self.keys = keys_for(store)
        #: The lifecycles whose events are fired one by one over HTTP (the
        #: application's move with its locations, through the Office).
        self.event_lifecycles = (programme.leertraject.name,)
        #: The keys a request must carry one of; ``None``: an open service.
        self.credentials = credentials
        #: Who may do what, by role.
        self.policy = load_policy(frozenset(programme.leertraject.events))
        application = programme.application
        self._application = "" if application is None else application.name

    @property
    def converter(self) -> Any:
        """The programme's converter, which writes figures and data as JSON."""
        return self.programme.converter

    # -- reading ---------------------------------------------------------------------

    def load(
        self, trajectory_id: str, who: Credential | None, lifecycle: str | None = None
    ) -> Trajectory[Any]:
        """The stored trajectory (of ``lifecycle``, if given), on the service's clock;
        one that ``who`` may not see is answered as one that does not exist."""
        missing = Problem(
            "not-found", f"there is no {_kind(lifecycle or 'trajectory')} {trajectory_id!r}"
        )
        try:
            found = self.store.load(trajectory_id)
        except TrajectoryNotFound:
            raise missing from None
        if lifecycle is not None and found.lifecycle.name != lifecycle:
            raise missing
        if not self.sees(who, found):
            raise missing
        return self._on_clock(found)

    def sees(self, who: Credential | None, trajectory: Trajectory[Any]) -> bool:
        """Whether ``who`` may see ``trajectory``."""
        return sees(who, trajectory, self.programme.leertraject.name, self._application)

    def _on_clock(self, trajectory: Trajectory[Any]) -> Trajectory[Any]:
        return trajectory if self.clock is None else trajectory.with_clock(self.clock)

    def document(self, trajectory: Trajectory[Any], lang: str) -> dict[str, Any]:
        """A trajectory as the service shows it: its state, version, data, the events
        allowed now and the violations that block each of them."""
        return {
            "id": trajectory.id,
            "lifecycle": trajectory.lifecycle.name,
            "state": trajectory.state,
            "final": trajectory.is_final,
            "version": trajectory.version,
            "allowed_events": list(trajectory.allowed_events()),
            "blockers": {
                event: [violation_document(v, lang, self.converter) for v in violations]
                for event, violations in trajectory.blockers().items()
            },
            "data": dump_snapshot(trajectory)["data"],
        }


#: The application's steps whose blockers the Office gives, with its locations' (the
#: application's own check sees the application only), by the state they leave.
_OFFICE_CHECKED: Final = {"in_preparation": "submit", "incomplete": "complete"}


def _kind(lifecycle: str) -> str:
    return lifecycle.rsplit(".", 1)[-1]


# -- request helpers ---------------------------------------------------------------------


async def _json_body(request: Request) -> Any:
    """The request's JSON body, read strictly (an empty body is ``{}``)."""
    from trajectory.engine.conversion import read_json

    content_type = request.headers.get("content-type", "application/json")
    media_type = content_type.split(";", 1)[0].strip().lower()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise Problem("too-large", f"the body has {declared} bytes; at most {MAX_BODY} are taken")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise Problem("too-large", f"the body has {len(raw)} bytes; at most {MAX_BODY} are taken")
    if not raw.strip():
        return {}
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise Problem("unsupported-media-type", f"the body is {media_type}, not application/json")
    try:
        return read_json(raw)
    except InvalidData as err:
        raise Problem("malformed-request", err.reason) from None


def _etag(version: int) -> str:
    return f'"{version}"'


def _check_if_match(request: Request, version: int) -> None:
    """Refuse a change whose ``If-Match`` names another version than the stored one."""
    given = request.headers.get("if-match")
    if given is None:
        return
    tags = [tag.strip() for tag in given.split(",") if tag.strip()]
    if "*" in tags:
        return
    if _etag(version) not in tags:
        raise Problem(
            "stale-version",
            f"If-Match is {given}, the current version is {_etag(version)}",
            extra={"version": version},
        )


def _query(request: Request, known: set[str]) -> dict[str, str]:
    return bodies.read_query(request.query_params.multi_items(), known)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def _offset(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset = decoded["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeEncodeError):
        raise Problem("invalid-query", "the cursor is not one this service gave") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise Problem("invalid-query", "the cursor is not one this service gave")
    return offset


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise Problem("invalid-query", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


# -- the application ---------------------------------------------------------------------


def create_app(
    store: Store,
    *,
    programme: Ontwikkelkracht | None = None,
    clock: Clock | None = None,
    credentials: Credentials | None = None,
    base_url: str | None = None,
) -> Starlette:
    """The HTTP/JSON service on ``store``: a Starlette (ASGI) application.

    ``programme`` defaults to the Ontwikkelkracht programme, ``clock`` to the store's
    (the system clock). With ``credentials``
    (:func:`~trajectory.service.credentials.credentials_for` the store), every request
    but ``GET /openapi.json`` must carry one of their keys (``Authorization: Bearer
    …``), and may see and do what its role may (:mod:`trajectory.service.access`);
    the actor of what it records is the key's holder. Without, the service is open:
    everyone may do everything, and nobody is recorded as the actor (for a service
    behind an application that authenticates its users itself).

    Run it with any ASGI server, or ``trajectory serve``; test it with Starlette's
    ``TestClient``. ``GET /openapi.json`` describes every operation. ``/office`` is the
    programme office's page, in HTML (:mod:`trajectory.service.page`). ``base_url`` is
    the ``source`` of the events of ``GET /events`` (:mod:`trajectory.service.feed`;
    default: the request's base URL).
    """
    from trajectory.engine.errors import wrong_type

    if not isinstance(store, Store):
        raise wrong_type("store", "a Store", store)
    if programme is None:
        from trajectory.ontwikkelkracht.bootstrap import programme as default_programme

        programme = default_programme()
    service = Service(store, programme, clock, credentials)
    policy = service.policy
    openapi: dict[str, Any] = {}

    def endpoint(
        work: Callable[[Request, Any, str], tuple[int, Any, int | None]],
        *,
        body: bool = False,
        public: bool = False,
    ) -> Handler:
        """A handler: read the body (when the operation takes one), then do ``work``
        (request, body, language → status, content, version) on the store in a
        worker thread, one at a time; every error becomes a problem."""

        async def handle(request: Request) -> Response:
            lang = language_of(request.headers.get("accept-language"))
            request.state.who = None
            if not public and service.credentials is not None:
                try:
                    request.state.who = await run_in_threadpool(
                        _authenticated, service.credentials, request
                    )
                except Problem as error:
                    response = _problem_response(error, lang, service.converter)
                    response.headers["WWW-Authenticate"] = "Bearer"
                    return response
            key = request.headers.get("idempotency-key") if body else None
            if key is None:
                return await respond(request, lang)
            who: Credential | None = request.state.who
            try:
                made_of = fingerprint(request.method, request.url.path, await request.body())
                key = held_by(None if who is None else who.id, key)
                kept = await run_in_threadpool(service.keys.reserve, key, made_of)
            except Exception as error:  # a key that does not fit, or is in use
                return _problem_response(error, lang, service.converter)
            if kept is not None:
                replayed = {**kept.headers, "Idempotent-Replayed": "true"}
                return Response(kept.body, status_code=kept.status, headers=replayed)
            try:
                response = await respond(request, lang)
            except BaseException:
                await run_in_threadpool(service.keys.free, key)
                raise
            if response.status_code == 409 or response.status_code >= 500:
                await run_in_threadpool(service.keys.free, key)  # try again: it acts
            else:
                headers = {
                    name: value
                    for name, value in response.headers.items()
                    if name.lower() != "content-length"
                }
                kept = Kept(response.status_code, headers, bytes(response.body))
                await run_in_threadpool(service.keys.keep, key, kept)
            return response

        async def respond(request: Request, lang: str) -> Response:
            try:
                document = await _json_body(request) if body else None

                def locked() -> tuple[int, Any, int | None]:
                    with service.lock:
                        return work(request, document, lang)

                status, content, version = await run_in_threadpool(locked)
            except Exception as error:  # every error answers as a problem
                return _problem_response(error, lang, service.converter)
            headers = {"Content-Language": lang}
            if version is not None:
                headers["ETag"] = _etag(version)
            if status == 201 and isinstance(content, dict) and "id" in content:
                name, parameter = _SELF[content["_kind"]]
                shown = request.url_for(name, **{parameter: content["id"]})
                headers["Location"] = str(shown)
                content = {k: v for k, v in content.items() if k != "_kind"}
            return _Json(content, status_code=status, headers=headers)

        return handle

    # -- trajectories -----------------------------------------------------------------

    def new_trajectory(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        from trajectory.ontwikkelkracht.payloads import Created
        from trajectory.ontwikkelkracht.school import SchoolYear

        who: Credential | None = request.state.who
        if not policy.may_create(who):
            raise Problem("forbidden", "this key may not start leertrajects")
        asked = bodies.read_body(document, bodies.NewTrajectory, service.converter)
        year = SchoolYear.parse(asked.school_year)
        payload = Created(
            asked.school,
            programme.catalog.get(asked.offer),
            year,
            programme.rules_for(year),
        )
        made = programme.leertraject.create(payload, clock=clock, actor=_actor(who))
        if not service.sees(who, made):
            raise Problem("forbidden", "this key may start its own leertrajects only")
        store.save(made)
        return 201, {**service.document(made, lang), "_kind": "trajectory"}, made.version

    def list_trajectories(
        request: Request, document: Any, lang: str
    ) -> tuple[int, Any, int | None]:
        filters = {"state", "lifecycle", *store.index_keys}
        params = _query(request, {*filters, "limit", "cursor", "blocked"})
        limit = _limit(params.pop("limit", None))
        cursor = params.pop("cursor", None)
        blocked = params.pop("blocked", None)
        if blocked not in (None, "true", "false"):
            raise Problem("invalid-query", f"blocked is true or false, not {blocked!r}")
        offset = 0 if cursor is None else _offset(cursor)
        if "lifecycle" in params:
            known = [lifecycle.name for lifecycle in programme]
            if params["lifecycle"] not in known:
                raise Problem("invalid-query", f"no lifecycle {params['lifecycle']!r}")
        if "state" in params:
            states = {s for lifecycle in programme for s in lifecycle.states}
            if params["state"] not in states:
                raise Problem("invalid-query", f"no state {params['state']!r}")
        found = listed(request.state.who, params)
        if blocked is not None:  # what the store lists as blocked now
            now = None if service.clock is None else service.clock()
            ids = {entry.id for entry in store.blocked(now)}
            found = [summary for summary in found if (summary.id in ids) == (blocked == "true")]
        page = found[offset : offset + limit]
        following = offset + limit if offset + limit < len(found) else None
        return (
            200,
            {
                "items": [
                    {
                        "id": summary.id,
                        "lifecycle": summary.lifecycle,
                        "state": summary.state,
                        "version": summary.version,
                        "updated_at": None
                        if summary.updated_at is None
                        else summary.updated_at.isoformat(),
                        "index": dict(summary.index),
                    }
                    for summary in page
                ],
                "next_cursor": None if following is None else _cursor(following),
            },
            None,
        )

    def listed(who: Credential | None, params: dict[str, str]) -> list[Any]:
        """The summaries ``store.list(**params)`` gives, of what ``who`` may see."""
        if policy.reads_everything(who):
            return store.list(**params)
        assert who is not None
        if who.role == "board":
            if params.get("board", who.scope) != who.scope:
                return []
            return store.list(**{**params, "board": who.scope})
        leertraject = programme.leertraject.name
        if who.role != "expert_school" or params.get("lifecycle", leertraject) != leertraject:
            return []
        offers = [
            offer.id
            for offer in programme.catalog.offers
            if offer.expert_school == who.scope and params.get("offer", offer.id) == offer.id
        ]
        found = [
            summary
            for offer in offers
            for summary in store.list(**{**params, "lifecycle": leertraject, "offer": offer})
        ]
        never = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(found, key=lambda summary: (summary.updated_at or never, summary.id))

    def get_trajectory(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        found = service.load(request.path_params["id"], request.state.who)
        return 200, service.document(found, lang), found.version

    def get_history(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        found = service.load(request.path_params["id"], request.state.who)
        events = [dump_event(event, found.lifecycle) for event in found.history]
        return 200, events, found.version

    def fire_event(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        who: Credential | None = request.state.who
        found = service.load(request.path_params["id"], who)
        event = request.path_params["event"]
        lifecycle = found.lifecycle
        if lifecycle.name not in service.event_lifecycles:
            raise Problem(
                "unknown-event",
                f"the events of a {_kind(lifecycle.name)} are not fired one by one; "
                "use the operations of /applications",
            )
        if event not in lifecycle.events:
            raise Problem("unknown-event", f"a {_kind(lifecycle.name)} has no event {event!r}")
        if not policy.may_fire(who, event):
            raise Problem("forbidden", f"this key may not fire {event!r}")
        _check_if_match(request, found.version)
        payload = load_payload(document, lifecycle, event)
        fields = _fields(payload)
        try:
            found.fire(event, actor=_actor(who), **fields)
        except TransitionNotAllowed:  # a refusal like any other: its violation worded
            raise PreconditionFailed(event, found.state, found.check(event, **fields)) from None
        store.save(found)
        return 200, service.document(found, lang), found.version

    # -- applications -------------------------------------------------------------------

    application_lifecycle = programme.application.name if programme.application else ""

    def application_document(
        trajectory_id: str, lang: str, who: Credential | None
    ) -> tuple[dict[str, Any], int]:
        found = service.load(trajectory_id, who, application_lifecycle)
        shown = service.document(found, lang)
        step = _OFFICE_CHECKED.get(found.state)
        if step is not None:  # what the board's next step meets, its locations' too
            shown["blockers"][step] = [
                violation_document(violation, lang, service.converter)
                for violation in service.office.blockers(found.id)
            ]
        return shown, found.version

    def new_application(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        who: Credential | None = request.state.who
        if not policy.may_act(who, "new"):
            raise Problem("forbidden", "this key may not make applications")
        asked = bodies.read_body(document, bodies.NewApplication, service.converter)
        if who is not None and who.role == "board":
            if asked.board != who.scope:
                raise Problem("forbidden", "this key may make its own board's applications only")
            for location in asked.locations:  # another board's is answered as none
                try:
                    service.load(location, who, programme.leertraject.name)
                except Problem:
                    raise InvalidData("location", f"no location {location!r}") from None
        made = service.office.new_application(
            board=asked.board, round=asked.round, locations=asked.locations, actor=_actor(who)
        )
        shown, version = application_document(made.id, lang, who)
        return 201, {**shown, "_kind": "application"}, version

    def get_application(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        shown, version = application_document(request.path_params["id"], lang, request.state.who)
        return 200, shown, version

    def office_action(
        action: str, cls: type[Any], act: Callable[[str, Any, str | None], object]
    ) -> Callable[[Request, Any, str], tuple[int, Any, int | None]]:
        def work(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
            who: Credential | None = request.state.who
            application_id = request.path_params["id"]
            current = service.load(application_id, who, application_lifecycle)
            if not policy.may_act(who, action):
                raise Problem("forbidden", f"this key may not {action.replace('-', ' ')}")
            _check_if_match(request, current.version)
            asked = bodies.read_body(document, cls, service.converter)
            act(application_id, asked, _actor(who))
            shown, version = application_document(application_id, lang, who)
            return 200, shown, version

        return work

    office = service.office
    calls: dict[str, Callable[[str, Any, str | None], object]] = {
        "talks": lambda i, b, a: office.record_talk(i, kind=b.kind, date=b.date, actor=a),
        "submit": lambda i, b, a: office.submit(i, received_at=b.received_at, actor=a),
        "request-completion": lambda i, b, a: office.request_completion(
            i, deadline=b.deadline, actor=a
        ),
        "complete": lambda i, b, a: office.complete(i, completed_at=b.completed_at, actor=a),
        "not-consider": lambda i, b, a: office.not_consider(i, actor=a),
        "grant": lambda i, b, a: office.grant(
            i,
            rejected=b.rejected,
            amounts=b.amounts,
            override_reason=b.override_reason,
            actor=a,
        ),
        "reject": lambda i, b, a: office.reject(i, reason=b.reason, codes=b.codes, actor=a),
        "objections": lambda i, b, a: office.lodge_objection(
            i, lodged_at=b.lodged_at, grounds=b.grounds, excuse=b.excuse, actor=a
        ),
        "objection-decision": lambda i, b, a: office.decide_objection(
            i, upheld=b.upheld, reason=b.reason, grant=b.grant, actor=a
        ),
        "withdraw": lambda i, b, a: office.withdraw(i, reason=b.reason, actor=a),
        "settlement-request": lambda i, b, a: office.request_settlement(
            i, report=b.report, received_at=b.received_at, excuse=b.excuse, actor=a
        ),
        "settle": lambda i, b, a: office.settle(i, locations=b.locations, actor=a),
        "stop": lambda i, b, a: office.stop(i, b.location, reason=b.reason, actor=a),
    }
    actions = {
        action: office_action(action, kind, calls[action])
        for action, kind, _, _ in APPLICATION_ACTIONS
    }

    # -- rounds and what is due ---------------------------------------------------------

    def office_or_auditor(request: Request) -> None:
        if not policy.reads_everything(request.state.who):
            raise Problem("forbidden", "the rounds are read by the programme office and auditors")

    def ledger(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        office_or_auditor(request)
        round_id = request.path_params["round_id"]
        found = office.ledger(round_id)
        return 200, service.converter.unstructure(found), None

    def round_applications(
        request: Request, document: Any, lang: str
    ) -> tuple[int, Any, int | None]:
        office_or_auditor(request)
        round_id = request.path_params["round_id"]
        in_order = office.in_order_of_receipt(round_id)
        return (
            200,
            {
                "round": round_id,
                "items": [application_document(one.id, lang, None)[0] for one in in_order],
            },
            None,
        )

    def due_decisions(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        office_or_auditor(request)
        params = _query(request, {"by"})
        if "by" not in params:
            raise Problem("invalid-query", "by (a date such as 2025-03-31) is required")
        try:
            by = dt.date.fromisoformat(params["by"])
        except ValueError:
            raise Problem("invalid-query", f"by is {params['by']!r}, not a date") from None
        due = office.due_decisions(by)
        return (
            200,
            {
                "by": by.isoformat(),
                "items": [
                    {
                        "application": application_document(item.application.id, lang, None)[0],
                        "due": item.due.isoformat(),
                        "overdue": item.overdue,
                        "suspended_days": item.suspended_days,
                    }
                    for item in due
                ],
            },
            None,
        )

    def openapi_json(request: Request, document: Any, lang: str) -> tuple[int, Any, int | None]:
        if not openapi:
            from trajectory.service.openapi import openapi_document

            openapi.update(openapi_document(programme))
        return 200, openapi, None

    routes = [
        Route("/openapi.json", endpoint(openapi_json, public=True), methods=["GET"]),
        Route("/trajectories", endpoint(list_trajectories), methods=["GET"]),
        Route("/trajectories", endpoint(new_trajectory, body=True), methods=["POST"]),
        Route("/trajectories/{id}", endpoint(get_trajectory), methods=["GET"], name="trajectory"),
        Route("/trajectories/{id}/history", endpoint(get_history), methods=["GET"]),
        Route(
            "/trajectories/{id}/events/{event}",
            endpoint(fire_event, body=True),
            methods=["POST"],
        ),
        Route("/applications", endpoint(new_application, body=True), methods=["POST"]),
        Route(
            "/applications/{id}",
            endpoint(get_application),
            methods=["GET"],
            name="application",
        ),
        *(
            Route(f"/applications/{{id}}/{action}", endpoint(work, body=True), methods=["POST"])
            for action, work in actions.items()
        ),
        Route("/rounds/{round_id:path}/ledger", endpoint(ledger), methods=["GET"]),
        Route(
            "/rounds/{round_id:path}/applications",
            endpoint(round_applications),
            methods=["GET"],
        ),
        Route("/due-decisions", endpoint(due_decisions), methods=["GET"]),
        *_events_out(service, base_url, endpoint),
    ]

    async def http_problem(request: Request, error: Exception) -> Response:
        lang = language_of(request.headers.get("accept-language"))
        status = getattr(error, "status_code", 500)
        kind = {404: "not-found", 405: "method-not-allowed"}.get(status, "malformed-request")
        detail = f"{request.method} {request.url.path}"
        return _problem_response(Problem(kind, detail), lang, service.converter)

    from trajectory.service import page  # the programme office's page, under /office

    every = [*routes, *page.routes(service)]
    app = Starlette(routes=every, exception_handlers={HTTPException: http_problem})
    app.state.service = service
    return app


#: The route that shows a created resource, and its path parameter, by its kind.
_SELF: Final = {
    "trajectory": ("trajectory", "id"),
    "application": ("application", "id"),
    "webhook": ("webhook", "webhook_id"),
}


def _events_out(service: Service, base_url: str | None, endpoint: Any) -> list[Route]:
    """The routes of the event feed and the webhooks."""
    from trajectory.service import feed, webhooks

    async def authenticate(request: Request) -> Credential | None:
        if service.credentials is None:
            return None
        found: Credential = await run_in_threadpool(_authenticated, service.credentials, request)
        return found

    def problem(error: Exception, lang: str) -> Response:
        response = _problem_response(error, lang, service.converter)
        if isinstance(error, Problem) and error.kind == "unauthenticated":
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    return [
        *feed.routes(service, base_url, authenticate, problem),
        *webhooks.routes(webhooks.webhooks_for(service.store), endpoint),
    ]


def _actor(who: Credential | None) -> str | None:
    """The actor of what ``who`` records: the key's holder (none on an open service)."""
    return None if who is None else who.actor


def _authenticated(credentials: Credentials, request: Request) -> Credential:
    """The credential of the request's ``Authorization: Bearer`` key, or a 401."""
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem("unauthenticated", "send a key as Authorization: Bearer <key>")
    found = credentials.authenticate(token.strip())
    if found is None:
        raise Problem("unauthenticated", "the key is unknown or revoked")
    return found


def _fields(payload: Any) -> dict[str, Any]:
    import attrs

    if isinstance(payload, NoPayload):
        return {}
    return {field.name: getattr(payload, field.name) for field in attrs.fields(type(payload))}


def _problem_response(error: Exception, lang: str, converter: Any) -> Response:
    """The problem details response of ``error``; an error that is not the client's
    doing is an ``internal-error`` that says nothing of its cause."""
    problem = problem_of(error)
    if problem is None:
        from trajectory.engine.logs import get_logger

        # called in the handler's except clause: the entry carries the traceback
        get_logger(__name__).exception("request failed", error=type(error).__name__)
        problem = Problem("internal-error", "the error is logged on the server")
    return _Json(
        problem.document(lang, converter),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Content-Language": lang},
    )
