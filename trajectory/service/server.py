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

__all__ = ["STORE_ENV", "app_from_environment"]

#: The environment variable that names the store to the worker processes.
STORE_ENV: Final = "TRAJECTORY_SERVICE_DB"


def app_from_environment() -> Any:
    """The service on the store :data:`STORE_ENV` names (default: the embedded store)."""
    from trajectory.ontwikkelkracht.bootstrap import programme
    from trajectory.store import open_store

    store = open_store(os.environ.get(STORE_ENV) or None, lifecycles=programme(), create=False)
    app = create_app(store)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app.router.lifespan_context = lifespan
    return app
