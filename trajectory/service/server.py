"""The application ``trajectory serve`` runs in each of uvicorn's worker processes.

Each worker opens the store named by :data:`STORE_ENV` (the command sets it; the
store exists by then) and closes it when the server stops.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator
from typing import Any, Final

from trajectory.service.app import create_app

__all__ = ["BASE_URL_ENV", "DELIVER_ENV", "OPEN_ENV", "STORE_ENV", "app_from_environment"]

#: The environment variable that names the store to the worker processes.
STORE_ENV: Final = "TRAJECTORY_SERVICE_DB"
#: The environment variable that, set to ``1``, serves without keys (``--open``).
OPEN_ENV: Final = "TRAJECTORY_SERVICE_OPEN"
#: The environment variable that gives the service's base URL, the ``source`` of its
#: events (``--base-url``); unset, each request's own base URL.
BASE_URL_ENV: Final = "TRAJECTORY_SERVICE_URL"
#: The environment variable that, set to ``1``, runs a webhook deliverer in each worker
#: (``--deliver``; their leases let one at a time work on a webhook).
DELIVER_ENV: Final = "TRAJECTORY_SERVICE_DELIVER"


def app_from_environment() -> Any:
    """The service on the store :data:`STORE_ENV` names (default: the embedded store),
    asking every request for one of the store's keys unless :data:`OPEN_ENV` is ``1``;
    with :data:`DELIVER_ENV` ``1``, a webhook deliverer runs beside it until it stops."""
    from trajectory.ontwikkelkracht.bootstrap import programme
    from trajectory.store import open_store

    store = open_store(os.environ.get(STORE_ENV) or None, lifecycles=programme(), create=False)
    from trajectory.service.credentials import credentials_for

    credentials = None if os.environ.get(OPEN_ENV) == "1" else credentials_for(store)
    app = create_app(store, credentials=credentials, base_url=os.environ.get(BASE_URL_ENV) or None)

    deliverer = None
    if os.environ.get(DELIVER_ENV) == "1":
        from trajectory.service.feed import published
        from trajectory.service.webhooks import Deliverer

        base_url = os.environ.get(BASE_URL_ENV) or ""
        deliverer = Deliverer(store, published(base_url))

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        stop = threading.Event()
        running = None
        if deliverer is not None:
            running = threading.Thread(target=deliverer.run, args=(stop,), daemon=True)
            running.start()
        try:
            yield
        finally:
            stop.set()
            if running is not None:
                running.join(timeout=30)
            store.close()

    app.router.lifespan_context = lifespan
    return app
