"""The library's defaults, where the layers meet: a store for the Ontwikkelkracht
programme unless told otherwise.

:mod:`trajectory.store` is generic and knows no programme; this module (above the
store and the programmes in the dependency rule, beside the command line) gives
:func:`open_store` its default.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trajectory.engine.definition import Lifecycle
    from trajectory.engine.history import Clock
    from trajectory.store.base import Store

__all__ = ["open_store"]


def open_store(
    url: str | None = None,
    *,
    lifecycles: Iterable[Lifecycle[Any]] | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
    create: bool = True,
) -> Store:
    """Open the store at ``url`` for ``lifecycles``, by default the lifecycles of the
    Ontwikkelkracht programme (:func:`trajectory.ontwikkelkracht.programme`).

    Everything else is :func:`trajectory.store.open_store`: the URLs it takes, what
    ``migrate`` and ``create`` do and the errors it raises.

    >>> import trajectory
    >>> store = trajectory.open_store("memory://")
    >>> sorted(store.index_keys)  # what its lifecycles are listed by
    ['board', 'offer', 'round', 'school', 'school_year']
    """
    from trajectory.ontwikkelkracht.bootstrap import programme
    from trajectory.store import open_store as open_generic

    return open_generic(
        url,
        lifecycles=programme() if lifecycles is None else lifecycles,
        clock=clock,
        migrate=migrate,
        create=create,
    )
