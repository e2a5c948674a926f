"""Helpers for the store reliability tests (tests/store/test_reliability.py).

The workers here run in threads of the test process or in processes started with
the ``spawn`` context: a process opens its own store from a URL (an engine is never
shared across processes) and reports back through a queue or a file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import attrs
import pytest
import structlog

from tests.builders import at_state
from trajectory import ConcurrencyConflict, ManualClock, Store, open_store
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.store import OutboxEntry

#: The environment variable with the PostgreSQL server's URL.
POSTGRES_ENV: Final = "TRAJECTORY_TEST_POSTGRES_URL"

#: Why the PostgreSQL cases are skipped when the variable is unset.
POSTGRES_SKIP: Final = f"no PostgreSQL server: set {POSTGRES_ENV} to run these tests (README)"

#: The stores' clock: after every date the tests fire with.
NOW: Final = dt.datetime(2024, 12, 2, 10, 0, tzinfo=NETHERLANDS)

#: A guidance moment in the past of NOW: always accepted in ``in_progress``.
GUIDANCE_DATE: Final = dt.date(2024, 11, 13)

#: The event the workers fire over and over.
EVENT: Final = "hold_guidance_moment"


def quiet_logging() -> None:
    """Drop the engine's info logs (one per fired event): they only slow the workers."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def postgres_base_url() -> str | None:
    """The PostgreSQL server's URL from the environment, or None when unset."""
    return os.environ.get(POSTGRES_ENV, "").strip() or None


def sqlite_store_url(path: Path) -> str:
    """The URL of an SQLite store in ``path`` (default options: synchronous=FULL)."""
    return f"sqlite:///{path}"


def with_search_path(url: str, schema: str) -> str:
    """``url`` with the connection option that puts ``schema`` first on the search path."""
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def isolated_postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema ``t_<random>`` on the server at ``base_url``, dropped afterwards;
    yields the store URL that works in it."""
    import psycopg

    schema = f"t_{secrets.token_hex(8)}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(base_url, schema)
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            # A killed client's backend may hold locks for a moment: wait, but not forever.
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def open_test_store(url: str) -> Store:
    """The store at ``url`` with the tests' clock."""
    return open_store(url, clock=ManualClock(NOW))


@contextlib.contextmanager
def opened(url: str) -> Iterator[Store]:
    """The store at ``url``, closed afterwards."""
    store = open_test_store(url)
    try:
        yield store
    finally:
        store.close()


def seed(store: Store) -> tuple[str, int]:
    """Save a leertraject in progress; returns its id and version (1 creation + setup)."""
    trajectory = at_state("in_progress")
    store.save(trajectory)
    return trajectory.id, trajectory.version


# -- racing writers -----------------------------------------------------------------------


@attrs.frozen
class RaceResult:
    """What one racing worker saw."""

    worker: str
    #: (sequence, event id) of every save that returned, in order.
    acknowledged: tuple[tuple[int, str], ...]
    #: How many saves raised ConcurrencyConflict (each was retried).
    conflicts: int
    #: How many saves were abandoned after ``attempts`` conflicts in a row.
    gave_up: int
    #: Every other exception, as text: there should be none.
    errors: tuple[str, ...]


def race(
    store: Store,
    trajectory_id: str,
    *,
    worker: str,
    saves: int,
    attempts: int,
    start: Callable[[], Any],
) -> RaceResult:
    """After ``start()``: ``saves`` times, load the trajectory, fire one event and save,
    reloading and retrying on ConcurrencyConflict (at most ``attempts`` tries a save)."""
    acknowledged: list[tuple[int, str]] = []
    errors: list[str] = []
    conflicts = gave_up = 0
    start()
    for number in range(saves):
        for attempt in range(attempts):
            try:
                trajectory = store.load(trajectory_id)
                trajectory.fire(EVENT, date=GUIDANCE_DATE, notes=f"{worker} #{number}.{attempt}")
            except Exception as err:
                errors.append(f"load or fire: {type(err).__name__}: {err}")
                break
            unsaved = len(trajectory.unsaved_events())
            if unsaved != 1:
                errors.append(f"{unsaved} unsaved events before a save, expected 1")
                break
            try:
                store.save(trajectory)
            except ConcurrencyConflict:
                conflicts += 1
                continue
            except Exception as err:
                errors.append(f"save: {type(err).__name__}: {err}")
                break
            if trajectory.saved_version != trajectory.version:
                errors.append(f"saved version {trajectory.saved_version} after a save")
            acknowledged.append((trajectory.version, trajectory.history[-1].id))
            break
        else:
            gave_up += 1
    return RaceResult(worker, tuple(acknowledged), conflicts, gave_up, tuple(errors))


def race_in_process(
    url: str,
    trajectory_id: str,
    worker: str,
    saves: int,
    attempts: int,
    barrier: Any,
    results: Any,
) -> None:
    """:func:`race` in a process of its own, with its own store; the result goes to the
    ``results`` queue (an error opening the store is reported there too)."""
    quiet_logging()
    try:
        store = open_test_store(url)
    except Exception as err:
        barrier.abort()
        results.put(RaceResult(worker, (), 0, 0, (f"open: {type(err).__name__}: {err}",)))
        return
    try:
        outcome = race(
            store,
            trajectory_id,
            worker=worker,
            saves=saves,
            attempts=attempts,
            start=lambda: barrier.wait(60),
        )
    except Exception as err:
        outcome = RaceResult(worker, (), 0, 0, (f"{type(err).__name__}: {err}",))
    finally:
        store.close()
    results.put(outcome)


# -- a writer that gets killed ------------------------------------------------------------------


def write_until_killed(url: str, trajectory_id: str, acks: str, seconds: float) -> None:
    """Save one event after another (for at most ``seconds``); after each save that
    returned, append ``"<sequence> <event id>"`` to the file ``acks`` and flush."""
    quiet_logging()
    store = open_test_store(url)
    trajectory = store.load(trajectory_id)
    deadline = time.monotonic() + seconds
    with open(acks, "a", encoding="utf-8") as out:
        while time.monotonic() < deadline:
            trajectory.fire(EVENT, date=GUIDANCE_DATE, notes=f"pid {os.getpid()}")
            store.save(trajectory)
            out.write(f"{trajectory.version} {trajectory.history[-1].id}\n")
            out.flush()
    store.close()


def read_acks(path: Path) -> list[tuple[int, str]]:
    """The acknowledged (sequence, event id) pairs in ``path``; a line cut short by the
    kill is left out."""
    text = path.read_text(encoding="utf-8")
    complete = text[: text.rfind("\n") + 1]
    found = []
    for line in complete.splitlines():
        sequence, event_id = line.split()
        found.append((int(sequence), event_id))
    return found


def wait_for_acks(path: Path, count: int, timeout: float) -> None:
    """Wait until ``path`` holds ``count`` complete lines (AssertionError on timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").count("\n") >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the writer acknowledged fewer than {count} saves in {timeout} s")


def open_at_once(url: str, count: int = 4) -> list[BaseException]:
    """Open (and close) ``count`` stores on ``url`` from as many threads at the same
    moment; returns what they raised."""
    failures: list[BaseException] = []
    start = threading.Barrier(count)

    def open_one() -> None:
        start.wait()
        try:
            open_store(url).close()
        except BaseException as err:  # returned to the caller
            failures.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def read_outbox_until(store: Store, count: int, timeout: float = 30.0) -> list[OutboxEntry]:
    """The store's outbox from the start, read as a consumer does (on from the last
    position it got) until it holds ``count`` entries or ``timeout`` seconds pass.

    On PostgreSQL a read gives only the entries below every transaction still running
    on the server (any database's: transaction ids are the cluster's); one that runs
    longer than the read waits holds the entries above it back for a later read."""
    entries: list[OutboxEntry] = []
    deadline = time.monotonic() + timeout
    while True:
        after = entries[-1].position if entries else 0
        entries += store.read_outbox(after, 10_000)
        if len(entries) >= count or time.monotonic() >= deadline:
            return entries
        time.sleep(0.05)


#: Worker processes start anew (``spawn``): no lock or connection is inherited.
SPAWN: Final = multiprocessing.get_context("spawn")


def race_processes(
    target: Callable[..., None], arguments: Sequence[tuple[Any, ...]], timeout: float = 120
) -> list[Any]:
    """Run ``target(*args, barrier, queue)`` for each ``args`` in a process of its own,
    all meeting at one barrier, and return what each put on the queue (one item each,
    in the order they came); every process is reaped, killed if it hangs."""
    barrier = SPAWN.Barrier(len(arguments))
    queue = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, barrier, queue)) for args in arguments]
    try:
        for process in processes:
            process.start()
        results = [queue.get(timeout=timeout) for _ in processes]
        for process in processes:
            process.join(timeout / 2)
            assert 0 == process.exitcode
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
        queue.close()
    return results


@contextlib.contextmanager
def backend(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store of ``kind``: an SQLite file in ``tmp_path``, or a
    PostgreSQL schema of its own (the test is skipped without a server)."""
    quiet_logging()  # the repository's conftest resets structlog after each test
    if kind == "sqlite":
        yield sqlite_store_url(tmp_path / "store.db")
        return
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP)
    with isolated_postgres_schema(base) as url:
        yield url
