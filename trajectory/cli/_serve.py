"""The command that serves the HTTP/JSON service: serve."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from trajectory.cli._common import DbOption, open_the_store
from trajectory.engine.errors import InvalidData, MissingDependency


def serve(
    host: Annotated[
        str, typer.Option(metavar="HOST", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(metavar="PORT", min=0, max=65535, help="The port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(metavar="N", min=1, max=64, help="Worker processes, sharing the store."),
    ] = 1,
    open_service: Annotated[
        bool,
        typer.Option(
            "--open",
            help="Serve without keys: everyone may do everything, and nobody is "
            "recorded as the actor (only behind an application that checks its users).",
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            envvar="TRAJECTORY_SERVICE_URL",
            help="The service's public base URL: the source of the events of /events "
            "(default: each request's own).",
            show_default=False,
        ),
    ] = None,
    deliver: Annotated[
        bool,
        typer.Option(
            "--deliver",
            help="Also post the committed events to the registered webhooks (needs "
            "--base-url); see deliver-webhooks.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the HTTP/JSON service (OpenAPI document at /openapi.json) until stopped.

    Works on the embedded store unless --db names another (PostgreSQL too); the store
    is created when there is none. Every request needs a key (see create-key) unless
    --open is given. Needs the service extra: pip install 'trajectory-lifecycle[service]'."""
    try:
        import uvicorn

        import trajectory.service  # noqa: F401 - fails early without starlette
    except ImportError as missing:
        raise MissingDependency(
            missing.name or "uvicorn", extra="service", needed_for="trajectory serve"
        ) from None
    from trajectory.service.server import BASE_URL_ENV, DELIVER_ENV, OPEN_ENV, STORE_ENV
    from trajectory.store import default_store_url

    url = db if db is not None else default_store_url()
    with open_the_store(url, create=True):
        pass  # created now, once, before the workers open it
    os.environ[STORE_ENV] = url
    os.environ[OPEN_ENV] = "1" if open_service else ""
    if base_url is not None:
        os.environ[BASE_URL_ENV] = base_url
    if deliver and not os.environ.get(BASE_URL_ENV):
        raise InvalidData("base_url", "--deliver needs --base-url: the source of the events")
    os.environ[DELIVER_ENV] = "1" if deliver else ""
    uvicorn.run(
        "trajectory.service.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
