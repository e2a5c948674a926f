"""The programme office's page: the service's data as HTML, for a person with a browser.

:func:`routes` gives the routes under ``/office`` that :func:`~trajectory.service.create_app`
mounts beside the JSON operations:

- ``/office``: the rounds that have applications and the decisions due this week
  (:meth:`Office.due_decisions <trajectory.office.Office.due_decisions>` up to Sunday);
- ``/office/rounds/{round}``: a round's ledger (ceiling, committed, remaining), its
  applications in order of receipt, and what blocks each of their locations;
- ``/office/trajectories/{id}``: one trajectory's timeline (its events, dates and
  actors) and its blockers;
- ``/office/sign-in`` and ``/office/sign-out``.

Everything is rendered on the server (Jinja2, autoescaped) and reads without
JavaScript. Labels and messages are the library's own wording (the lifecycles'
labels, the violations' messages; amounts and dates by Babel), in Dutch unless the
browser asks for English (``Accept-Language``) or the reader chose it (``?lang=en``,
kept in the session).

Access: the person signs in by pasting an API key (the same keys as the JSON
operations, :mod:`trajectory.service.credentials`). The key is checked once; the
session then holds the key's id (not the key), in a cookie signed with itsdangerous
(Starlette's ``SessionMiddleware``) that is ``HttpOnly`` and ``SameSite=Strict``, and
every request checks that the key is still valid (a revoked key signs out). The
session's secret is ``TRAJECTORY_SESSION_SECRET`` (the same for every worker
process); without it, each process draws its own. ``TRAJECTORY_SESSION_SECURE=1``
marks the cookie ``Secure`` (behind a proxy that speaks HTTPS). What a role sees follows
:mod:`trajectory.service.access`: rounds, ledgers and due decisions are the programme
office's and the auditor's; a school board and an expert school see the timelines of
the trajectories they may read: the rounds are refused them (403), and a trajectory
they may not read is answered as one that does not exist (404).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import secrets
import tomllib
import urllib.parse
from collections.abc import Callable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from trajectory.engine.errors import InvalidData, MissingDependency
from trajectory.service.credentials import Credential
from trajectory.service.problems import language_of

try:
    import jinja2
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import RedirectResponse, Response
    from starlette.routing import BaseRoute, Mount, Route, Router
    from starlette.staticfiles import StaticFiles
    from starlette.templating import Jinja2Templates
except ImportError as missing:  # pragma: no cover - the service extra is not installed
    raise MissingDependency(
        missing.name or "jinja2", extra="service", needed_for="trajectory.service.page"
    ) from missing

if TYPE_CHECKING:
    from trajectory.service.app import Service

__all__ = [
    "PREFIX",
    "SESSION_COOKIE",
    "SESSION_SECRET_VARIABLE",
    "SESSION_SECURE_VARIABLE",
    "routes",
    "texts",
]

#: Where the page lives in the service.
PREFIX: Final = "/office"
#: The name of the session cookie.
SESSION_COOKIE: Final = "trajectory_session"
#: The environment variable with the secret that signs the session cookie.
SESSION_SECRET_VARIABLE: Final = "TRAJECTORY_SESSION_SECRET"
#: The environment variable that, set to ``1``, marks the session cookie ``Secure``
#: (sent over HTTPS only): for a page served behind a proxy that speaks HTTPS.
SESSION_SECURE_VARIABLE: Final = "TRAJECTORY_SESSION_SECURE"
#: How long a sign-in lasts, in seconds (a working day).
SESSION_SECONDS: Final = 8 * 60 * 60
#: The largest sign-in form taken, in bytes.
_MAX_FORM: Final = 4096
_LANGUAGES: Final = ("nl", "en")

#: What every page's response says to the browser: no scripts, no other origin, no cache.
_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@functools.cache
def texts() -> Mapping[str, Mapping[str, str]]:
    """The page's own words (headings, captions, buttons) by language: ``texts.toml``
    beside the templates, read once."""
    resource = resources.files("trajectory.service") / "templates" / "texts.toml"
    document = tomllib.loads(resource.read_text("utf-8"))
    return {lang: dict(document[lang]) for lang in _LANGUAGES}


@functools.cache
def _templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("trajectory.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return Jinja2Templates(env=environment)


class _Refused(Exception):
    """A page answered with an error page: ``status`` and the text's key."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


def routes(service: Service) -> list[BaseRoute]:
    """The page's routes on ``service``: one mount at :data:`PREFIX` with its session."""
    page = _Page(service)
    inner = Router(
        routes=[
            Route("/", page.home, methods=["GET"], name="home"),
            Route("/sign-in", page.sign_in_form, methods=["GET"], name="sign_in"),
            Route("/sign-in", page.sign_in, methods=["POST"]),
            Route("/sign-out", page.sign_out, methods=["POST"], name="sign_out"),
            Route("/rounds/{round_id:path}", page.round, methods=["GET"], name="round"),
            Route("/trajectories/{id}", page.trajectory, methods=["GET"], name="trajectory"),
            Mount(
                "/static",
                app=StaticFiles(packages=[("trajectory.service", "static")]),
                name="static",
            ),
        ]
    )
    secret = os.environ.get(SESSION_SECRET_VARIABLE) or secrets.token_urlsafe(32)
    sessions = SessionMiddleware(
        inner,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        path=PREFIX,
        same_site="strict",
        https_only=os.environ.get(SESSION_SECURE_VARIABLE) == "1",
    )
    return [Mount(PREFIX, app=sessions, name="office")]


class _Page:
    """The page's handlers on a service."""

    def __init__(self, service: Service) -> None:
        self.service = service

    # -- who and which language ----------------------------------------------------------

    @staticmethod
    def _lang(request: Request) -> str:
        """The reader's language: ``?lang=`` (kept in the session), the session's, then
        ``Accept-Language``; Dutch by default."""
        chosen = request.query_params.get("lang")
        if chosen in _LANGUAGES:
            request.session["lang"] = chosen
            return chosen
        kept = request.session.get("lang")
        if kept in _LANGUAGES:
            return str(kept)
        return language_of(request.headers.get("accept-language"))

    def _who(self, request: Request) -> tuple[bool, Credential | None]:
        """Whether the request is signed in, and with which key (``None`` on an open
        service, where everyone reads everything)."""
        credentials = self.service.credentials
        if credentials is None:
            return True, None
        key_id = request.session.get("key")
        if not isinstance(key_id, str):
            return False, None
        for credential in credentials.all():
            if credential.id == key_id and credential.revoked_at is None:
                return True, credential
        request.session.clear()  # revoked or gone: signed out
        return False, None

    # -- rendering ---------------------------------------------------------------------------

    def _render(
        self,
        request: Request,
        name: str,
        lang: str,
        who: Credential | None,
        context: Mapping[str, Any],
        status: int = 200,
    ) -> Response:
        words = texts()[lang]
        other = "en" if lang == "nl" else "nl"
        signed_in = self.service.credentials is not None and who is not None
        full = {
            "lang": lang,
            "t": words,
            "other_lang": other,
            "other_lang_name": texts()[other]["language_name"],
            "who": who,
            "signed_in": signed_in,
            "role_label": words.get(f"role_{who.role}", who.role) if who else "",
            **context,
        }
        headers = {**_HEADERS, "Content-Language": lang}
        return _templates().TemplateResponse(
            request, name, full, status_code=status, headers=headers
        )

    def _refused(
        self, request: Request, lang: str, who: Credential | None, error: _Refused
    ) -> Response:
        context = {"title": texts()[lang][error.key], "status": error.status}
        return self._render(request, "error.html", lang, who, context, error.status)

    def _sign_in_first(self, request: Request) -> Response:
        after = request.url.path
        if request.url.query:
            after += "?" + request.url.query
        target = f"{PREFIX}/sign-in?" + urllib.parse.urlencode({"next": after})
        return RedirectResponse(target, status_code=303, headers=_HEADERS)

    async def _read(self, request: Request, work: Any, name: str) -> Response:
        """Sign-in checked, then ``work(who, lang)`` (the template's context) on the store
        in a worker thread, under the service's lock, rendered with template ``name``."""
        lang = self._lang(request)
        signed_in, who = await run_in_threadpool(self._who, request)
        if not signed_in:
            return self._sign_in_first(request)

        def locked() -> dict[str, Any]:
            with self.service.lock:
                result: dict[str, Any] = work(who, lang)
                return result

        try:
            context = await run_in_threadpool(locked)
        except _Refused as error:
            return self._refused(request, lang, who, error)
        return self._render(request, name, lang, who, context)

    # -- signing in and out ------------------------------------------------------------------

    async def sign_in_form(self, request: Request) -> Response:
        """The form where the reader pastes an API key."""
        lang = self._lang(request)
        if self.service.credentials is None:
            return RedirectResponse(f"{PREFIX}/", status_code=303, headers=_HEADERS)
        context = {"next": _safe_next(request.query_params.get("next")), "failed": False}
        return self._render(request, "sign_in.html", lang, None, context)

    async def sign_in(self, request: Request) -> Response:
        """Check the pasted key; a valid one starts a session holding the key's id."""
        lang = self._lang(request)
        credentials = self.service.credentials
        if credentials is None:
            return RedirectResponse(f"{PREFIX}/", status_code=303, headers=_HEADERS)
        raw = await request.body()
        form = urllib.parse.parse_qs(raw[:_MAX_FORM].decode("utf-8", "replace"))
        token = (form.get("key") or [""])[0].strip()
        after = _safe_next((form.get("next") or [""])[0])
        found = await run_in_threadpool(credentials.authenticate, token) if token else None
        if found is None:
            context = {"next": after, "failed": True}
            return self._render(request, "sign_in.html", lang, None, context, 401)
        kept_lang = request.session.get("lang")
        request.session.clear()
        request.session["key"] = found.id
        if kept_lang in _LANGUAGES:
            request.session["lang"] = kept_lang
        return RedirectResponse(after, status_code=303, headers=_HEADERS)

    async def sign_out(self, request: Request) -> Response:
        """End the session."""
        request.session.clear()
        return RedirectResponse(f"{PREFIX}/sign-in", status_code=303, headers=_HEADERS)

    # -- the pages ----------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        """The rounds with applications and the decisions due this week."""
        return await self._read(request, self._home, "home.html")

    def _home(self, who: Credential | None, lang: str) -> dict[str, Any]:
        service = self.service
        if not service.policy.reads_everything(who):
            return {"rounds": None, "due": None, "week_end": None}
        office = service.office
        rounds = sorted({application.round for application in office.applications()})
        from trajectory.ontwikkelkracht.school import NETHERLANDS

        today = office.clock().astimezone(NETHERLANDS).date()
        week_end = today + dt.timedelta(days=6 - today.weekday())
        wording = self._application_wording()
        due = [
            {
                "id": item.application.id,
                "board": item.application.board,
                "round": item.application.round,
                "state": wording.label("state", item.application.state, lang),
                "due": wording.format(item.due, "date", lang),
                "overdue": item.overdue,
                "suspended_days": item.suspended_days,
            }
            for item in office.due_decisions(week_end)
        ]
        return {
            "rounds": rounds,
            "due": due,
            "week_end": wording.format(week_end, "date", lang),
            "today": wording.format(today, "date", lang),
        }

    async def round(self, request: Request) -> Response:
        """A round's ledger, applications in order of receipt and blocked locations."""
        round_id = request.path_params["round_id"]
        return await self._read(
            request, lambda who, lang: self._round(round_id, who, lang), "round.html"
        )

    def _round(self, round_id: str, who: Credential | None, lang: str) -> dict[str, Any]:
        service = self.service
        if not service.policy.reads_everything(who):
            raise _Refused(403, "forbidden")
        office = service.office
        try:
            ledger = office.ledger(round_id)
            every = office.applications(round_id)
        except InvalidData:
            raise _Refused(404, "not_found") from None
        wording = self._application_wording()
        in_order = office.in_order_of_receipt(round_id)
        ordered = {application.id for application in in_order}

        def row(application: Any, position: int | None) -> dict[str, Any]:
            return {
                "position": position,
                "id": application.id,
                "board": application.board,
                "state": wording.label("state", application.state, lang),
                "received": None
                if application.order_moment is None
                else wording.moment(application.order_moment, lang),
                "requested": wording.amount(application.requested, lang),
                "granted": wording.amount(application.granted, lang),
                "locations": len(application.locations),
            }

        locations = []
        for application in every:
            steps = self._steps(application, lang)
            for location_id in application.locations:
                found = service.store.load(location_id)
                locations.append(
                    {
                        "id": location_id,
                        "name": _name_of(found),
                        "application": application.id,
                        "state": found.lifecycle.wording.label("state", found.state, lang),
                        "blockers": self._blockers(found, lang)
                        if steps is None
                        else steps(location_id),
                    }
                )
        remaining = ledger.remaining
        return {
            "round_id": round_id,
            "ledger": {
                "ceiling": None if ledger.ceiling is None else wording.amount(ledger.ceiling, lang),
                "committed": wording.amount(ledger.committed, lang),
                "released": wording.amount(ledger.released, lang),
                "remaining": None if remaining is None else wording.amount(remaining, lang),
            },
            "in_order": [row(one, number) for number, one in enumerate(in_order, 1)],
            "others": [row(one, None) for one in every if one.id not in ordered],
            "locations": locations,
        }

    async def trajectory(self, request: Request) -> Response:
        """One trajectory's timeline and blockers."""
        trajectory_id = request.path_params["id"]
        return await self._read(
            request,
            lambda who, lang: self._trajectory(trajectory_id, who, lang),
            "trajectory.html",
        )

    def _trajectory(self, trajectory_id: str, who: Credential | None, lang: str) -> dict[str, Any]:
        from trajectory.service.problems import Problem

        try:
            found = self.service.load(trajectory_id, who)
        except Problem:
            raise _Refused(404, "not_found") from None
        wording = found.lifecycle.wording
        events = [
            {
                "label": wording.label("event", event.name, lang),
                "moment": wording.moment(event.timestamp, lang),
                "iso": event.timestamp.isoformat(),
                "actor": event.actor,
                "state": wording.label("state", event.to_state, lang),
            }
            for event in found.history
        ]
        return {
            "id": found.id,
            "name": _name_of(found),
            "kind": texts()[lang].get(f"kind_{_kind(found.lifecycle.name)}", found.lifecycle.name),
            "state": wording.label("state", found.state, lang),
            "events": events,
            "blockers": self._blockers(found, lang),
            "reads_rounds": self.service.policy.reads_everything(who),
            "round": _round_of(found),
        }

    # -- helpers ------------------------------------------------------------------------------

    def _application_wording(self) -> Any:
        application = self.service.programme.application
        lifecycle = application if application is not None else self.service.programme.leertraject
        return lifecycle.wording

    def _steps(self, application: Any, lang: str) -> Callable[[str], list[dict[str, Any]]] | None:
        """While the board's next step is the application's (submitting or completing
        it), what blocks each location's part of it, as the Office checks it (a talk
        recorded on the application counts for every location; what blocks the
        application itself blocks each location): by location id. ``None`` in the
        other states, where each location's own blockers are shown."""
        step = _BOARD_STEPS.get(application.state)
        if step is None:
            return None
        found = self.service.office.blockers(application.id)
        label = self.service.programme.leertraject.wording.label("event", step, lang)

        def of(location_id: str) -> list[dict[str, Any]]:
            messages = [
                violation.message(lang)
                for violation in found
                if violation.location in (None, location_id)
            ]
            return [{"event": label, "messages": messages}] if messages else []

        return of

    def _blockers(self, found: Any, lang: str) -> list[dict[str, Any]]:
        """What blocks each event that leaves the trajectory's state: the event's label
        and its violations' messages."""
        wording = found.lifecycle.wording
        return [
            {
                "event": wording.label("event", event, lang),
                "messages": [violation.message(lang) for violation in violations],
            }
            for event, violations in found.blockers().items()
            if violations
        ]


#: The application's states in which the board's next step is the application's, and
#: each location's event in it.
_BOARD_STEPS: Final = {"in_preparation": "submit_application", "incomplete": "complete_application"}


def _kind(lifecycle: str) -> str:
    return lifecycle.rsplit(".", 1)[-1]


def _name_of(found: Any) -> str:
    """What a trajectory is called on the page: a leertraject its school's name, an
    application its board, else its id."""
    data = found.data
    school = getattr(data, "school", None)
    if school is not None and getattr(school, "name", None):
        return str(school.name)
    board = getattr(data, "board", None)
    if isinstance(board, str) and board:
        return board
    return str(found.id)


def _round_of(found: Any) -> str | None:
    round_id = getattr(found.data, "round", None)
    return round_id if isinstance(round_id, str) else None


def _safe_next(given: str | None) -> str:
    """Where to go after signing in: a path of the page only (never another site)."""
    home = f"{PREFIX}/"
    if not given or not given.startswith(PREFIX + "/") or "//" in given or "\\" in given:
        return home
    return given
