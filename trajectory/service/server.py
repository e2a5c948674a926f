"""The application ``trajectory serve`` runs in each of uvicorn's worker processes.

Each worker opens the store named by :data:`STORE_ENV` (the command sets it; the
store exists by then) and closes it when the server stops.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any, Final

from trajectory.service.app import create_app

__all__ = ["BASE_URL_ENV", "OPEN_ENV", "STORE_ENV", "app_from_environment"]

#: The environment variable that names the store to the worker processes.
STORE_ENV: Final = "TRAJECTORY_SERVICE_DB"
#: The environment variable that, set to ``1``, serves without keys (``--open``).
OPEN_ENV: Final = "TRAJECTORY_SERVICE_OPEN"
#: The environment variable that gives the service's base URL, the ``source`` of its
#: events (``--base-url``); unset, each request's own base URL.
BASE_URL_ENV: Final = "TRAJECTORY_SERVICE_URL"


def app_from_environment() -> Any:
    """The service on the store :data:`STORE_ENV` names (default: the embedded store),
    asking every request for one of the store's keys unless :data:`OPEN_ENV` is ``1``."""
    from trajectory.ontwikkelkracht.bootstrap import programme
    from trajectory.store import open_store

    store = open_store(os.environ.get(STORE_ENV) or None, lifecycles=programme(), create=False)
    from trajectory.service.credentials import credentials_for

    credentials = None if os.environ.get(OPEN_ENV) == "1" else credentials_for(store)
    app = create_app(store, credentials=credentials, base_url=os.environ.get(BASE_URL_ENV) or None)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app.router.lifespan_context = lifespan
    return app
