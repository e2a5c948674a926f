"""Workers for the Office's race tests: each runs in a process of its own (``spawn``),
opens its own store from a URL and its own Office, and reports back through a queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import trajectory
from trajectory.ontwikkelkracht.school import NETHERLANDS

#: The moment every process decides at.
DECIDED_AT = dt.datetime(2024, 9, 2, 10, 0, tzinfo=NETHERLANDS)


def decide_in_process(url: str, action: str, application_id: str, barrier: Any, queue: Any) -> None:
    """Wait for the others, then ``grant`` the application (or uphold its objection);
    report ``("granted", id)`` or ``("refused", id, codes)``, or the error."""
    from tests.store.reliability_helpers import quiet_logging

    quiet_logging()
    clock = trajectory.ManualClock(DECIDED_AT)
    try:
        with trajectory.open_store(url, clock=clock) as store:
            office = trajectory.Office(store, clock=clock)
            barrier.wait(60)
            try:
                if action == "grant":
                    office.grant(application_id)
                else:
                    office.decide_objection(application_id, upheld=True, reason="Upheld.")
            except trajectory.PreconditionFailed as refused:
                queue.put(("refused", application_id, sorted({v.code for v in refused.violations})))
            else:
                queue.put(("granted", application_id))
    except BaseException as err:  # reported, so the test fails with the cause
        queue.put(("error", application_id, repr(err)))
