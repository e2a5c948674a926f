"""A process that commits to a round's ledger at the same moment as another (spawned
by tests/store/test_ledger_store.py; importable, so that ``spawn`` can start it)."""

from __future__ import annotations

from typing import Any

from tests.store.reliability_helpers import opened, quiet_logging
from trajectory import ConcurrencyConflict, PreconditionFailed


def commit_at_once(
    url: str, ledger: str, application: str, amount: str, barrier: Any, queue: Any
) -> None:
    """Load the ledger, wait for the others at ``barrier``, commit ``amount`` for
    ``application`` and save; on a conflict load again and try once more. Report
    ``(application, first, second)``: what the first save did (``"saved"`` or
    ``"conflict"``) and, after a conflict, what the second try did (``"saved"``,
    ``"conflict"`` or the violation codes that refused it)."""
    quiet_logging()
    try:
        with opened(url) as store:
            loaded = store.load(ledger)
            barrier.wait(60)
            loaded.fire("commit", application=application, location="00AA00", amount=amount)
            try:
                store.save(loaded)
            except ConcurrencyConflict:
                first = "conflict"
            else:
                queue.put((application, "saved", None))
                return
            again = store.load(ledger)
            try:
                again.fire("commit", application=application, location="00AA00", amount=amount)
                store.save(again)
                second = "saved"
            except PreconditionFailed as refused:
                second = ",".join(v.code for v in refused.violations)
            except ConcurrencyConflict:
                second = "conflict"
            queue.put((application, first, second))
    except BaseException as err:  # reported to the test, which fails on it
        queue.put((application, "error", repr(err)))
