"""Reliability of the SQL stores: racing writers, a killed writer, corrupt rows.

Every test runs against SQLite (a file in tmp_path) and PostgreSQL (a schema of its
own on the server in TRAJECTORY_TEST_POSTGRES_URL; skipped when that is unset).
"""

from __future__ import annotations

import functools
import json
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tests.store.reliability_helpers import (
    EVENT,
    GUIDANCE_DATE,
    SPAWN,
    RaceResult,
    opened,
    quiet_logging,
    race,
    race_in_process,
    race_processes,
    read_acks,
    read_outbox_until,
    seed,
    sqlite_store_url,
    wait_for_acks,
    write_until_killed,
)
from trajectory import ConcurrencyConflict, CorruptRecord, Store
from trajectory.ontwikkelkracht import replay
from trajectory.store.sql import SqlStore

THREADS = 8
PROCESSES = 4
SAVES_PER_THREAD = 6
SAVES_PER_PROCESS = 8
#: Tries per save before a worker gives up on it (each failed try is a conflict).
ATTEMPTS = 200
#: Writers killed in a row, each continuing the same trajectory.
KILL_ROUNDS = 3


def engine_of(store: Store) -> sa.Engine:
    """The SQLAlchemy engine behind a SQL store."""
    assert isinstance(store, SqlStore)
    return store.engine


# -- 1. racing writers --------------------------------------------------------------------------


def check_race_outcome(
    store: Store, trajectory_id: str, seeded: int, results: list[RaceResult]
) -> None:
    """The history and the outbox hold exactly the acknowledged events, each once."""
    for result in results:
        assert () == result.errors, f"{result.worker}: not a save or a ConcurrencyConflict"
    acknowledged = [ack for result in results for ack in result.acknowledged]
    assert acknowledged, "no save was acknowledged"
    assert sum(result.conflicts for result in results) > 0, "the workers never raced"

    history = store.history(trajectory_id)
    # 1 creation + the setup events (seeded) + one event per acknowledged save.
    assert seeded + len(acknowledged) == len(history)
    assert list(range(1, len(history) + 1)) == [event.sequence for event in history]
    ids = [event.id for event in history]
    assert len(ids) == len(set(ids)), "an event id occurs twice"
    new = {event.id: event.sequence for event in history[seeded:]}
    assert {event_id for _, event_id in acknowledged} == set(new), (
        "the new events are not exactly the acknowledged ones"
    )
    for sequence, event_id in acknowledged:
        assert sequence == new[event_id], f"event {event_id} acknowledged at another sequence"
    assert all(event.name == EVENT for event in history[seeded:])

    outbox = read_outbox_until(store, len(history))
    assert [(trajectory_id, n) for n in range(1, len(history) + 1)] == [
        (entry.trajectory_id, entry.sequence) for entry in outbox
    ]
    assert ids == [entry.event["id"] for entry in outbox]
    positions = [entry.position for entry in outbox]
    assert sorted(set(positions)) == positions, "outbox positions do not grow"


def test_threads_racing_on_one_trajectory(backend_url: str) -> None:
    """8 threads share one store and each loads, fires and saves the same trajectory
    again and again: every save lands or raises ConcurrencyConflict, and the history
    and the outbox hold exactly the acknowledged events, once each, in order."""
    with opened(backend_url) as store:
        trajectory_id, seeded = seed(store)
        barrier = threading.Barrier(THREADS)
        with ThreadPoolExecutor(THREADS) as pool:
            futures = [
                pool.submit(
                    race,
                    store,
                    trajectory_id,
                    worker=f"thread {number}",
                    saves=SAVES_PER_THREAD,
                    attempts=ATTEMPTS,
                    start=functools.partial(barrier.wait, 30),
                )
                for number in range(THREADS)
            ]
            results = [future.result(timeout=60) for future in futures]
    with opened(backend_url) as store:  # what a fresh reader sees
        check_race_outcome(store, trajectory_id, seeded, results)


def test_processes_racing_on_one_trajectory(backend_url: str) -> None:
    """4 processes, each with a store of its own, load, fire and save the same
    trajectory again and again: every save lands or raises ConcurrencyConflict, and
    the history and the outbox hold exactly the acknowledged events, once each."""
    with opened(backend_url) as store:
        trajectory_id, seeded = seed(store)
    results = race_processes(
        race_in_process,
        [
            (backend_url, trajectory_id, f"process {number}", SAVES_PER_PROCESS, ATTEMPTS)
            for number in range(PROCESSES)
        ],
        timeout=60,
    )
    with opened(backend_url) as store:
        check_race_outcome(store, trajectory_id, seeded, results)


# -- 2. a writer killed mid-stream ---------------------------------------------------------------


def kill_writer(url: str, trajectory_id: str, acks: Path, pause: float) -> None:
    """Start a writer process, let it acknowledge a few saves, wait ``pause`` seconds,
    SIGKILL it and reap it."""
    writer = SPAWN.Process(target=write_until_killed, args=(url, trajectory_id, str(acks), 30.0))
    writer.start()
    try:
        wait_for_acks(acks, 3, timeout=60)
        time.sleep(pause)
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(30)
    finally:
        if writer.is_alive():
            writer.kill()
            writer.join()
    assert -signal.SIGKILL == writer.exitcode, "the writer ended before it was killed"


def check_after_kill(
    store: Store, trajectory_id: str, acks: list[tuple[int, str]], context: str
) -> None:
    """Every acknowledged event is stored (at most one more: the save in flight), and
    the trajectory loads and replays."""
    last = acks[-1][0]
    history = store.history(trajectory_id)
    assert last <= len(history) <= last + 1, f"last acknowledged save: {last}; {context}"
    assert list(range(1, len(history) + 1)) == [event.sequence for event in history], context
    for sequence, event_id in acks:
        assert event_id == history[sequence - 1].id, f"event {sequence} lost; {context}"
    loaded = store.load(trajectory_id)
    replayed = replay(history)
    assert (loaded.state, loaded.data) == (replayed.state, replayed.data), context
    outbox = [entry.sequence for entry in read_outbox_until(store, len(history))]
    assert list(range(1, len(history) + 1)) == outbox, f"events and outbox differ; {context}"


def save_one_more(store: Store, trajectory_id: str) -> None:
    """A writer after the crash can save (retrying if the save in flight lands late)."""
    for _ in range(10):
        trajectory = store.load(trajectory_id)
        trajectory.fire(EVENT, date=GUIDANCE_DATE, notes="after the kill")
        try:
            store.save(trajectory)
        except ConcurrencyConflict:
            continue
        return
    pytest.fail("no save after the kill got through")


def test_writer_killed_in_the_middle_of_saves(backend_url: str, tmp_path: Path) -> None:
    """A writer process is SIGKILLed at a random moment in a stream of saves (SQLite
    with the default synchronous=FULL): the store reopens cleanly, every acknowledged
    event is there, at most the one in flight besides, and the trajectory replays."""
    kill_rounds(backend_url, tmp_path, synchronous=2)


def test_writer_killed_with_synchronous_normal(tmp_path: Path) -> None:
    """The same with SQLite's synchronous=NORMAL (the faster setting, durable across a
    crash of the process): no acknowledged event is lost to a SIGKILL either."""
    quiet_logging()
    url = f"{sqlite_store_url(tmp_path / 'store.db')}?synchronous=normal"
    kill_rounds(url, tmp_path, synchronous=1)


def kill_rounds(backend_url: str, tmp_path: Path, *, synchronous: int) -> None:
    """Kill a writer in several rounds and check the store after each."""
    with opened(backend_url) as store:
        trajectory_id, _ = seed(store)
    seed_value = random.randrange(2**32)
    rng = random.Random(seed_value)
    for round_number in range(KILL_ROUNDS):
        pause = rng.uniform(0.0, 0.3)
        acks_path = tmp_path / f"acks-{round_number}.txt"
        acks_path.touch()
        kill_writer(backend_url, trajectory_id, acks_path, pause)
        acks = read_acks(acks_path)
        context = f"round {round_number}, pause {pause:.3f} s (random seed {seed_value})"
        with opened(backend_url) as store:
            if backend_url.startswith("sqlite"):
                with engine_of(store).connect() as conn:
                    check = conn.exec_driver_sql("PRAGMA integrity_check").all()
                    assert [("ok",)] == check, context
                    # The setting the crash test is about: FULL (2) or NORMAL (1).
                    found = conn.exec_driver_sql("PRAGMA synchronous").scalar()
                    assert synchronous == found, context
            check_after_kill(store, trajectory_id, acks, context)
            save_one_more(store, trajectory_id)
    with opened(backend_url) as store:
        history = store.history(trajectory_id)
        assert store.load(trajectory_id).data == replay(history).data
        assert list(range(1, len(history) + 1)) == [event.sequence for event in history]


# -- 3. corrupt rows -------------------------------------------------------------------------------


def _event_body(conn: Connection, trajectory_id: str, sequence: int) -> dict[str, Any]:
    body = conn.execute(
        sa.text("SELECT body FROM trajectory_events WHERE trajectory_id = :id AND sequence = :n"),
        {"id": trajectory_id, "n": sequence},
    ).scalar_one()
    document: dict[str, Any] = json.loads(body)
    return document


def _set_event_body(conn: Connection, trajectory_id: str, sequence: int, body: str) -> None:
    conn.execute(
        sa.text(
            "UPDATE trajectory_events SET body = :b WHERE trajectory_id = :id AND sequence = :n"
        ),
        {"b": body, "id": trajectory_id, "n": sequence},
    )


def _snapshot(conn: Connection, trajectory_id: str) -> dict[str, Any]:
    text = conn.execute(
        sa.text("SELECT snapshot FROM trajectories WHERE id = :id"), {"id": trajectory_id}
    ).scalar_one()
    document: dict[str, Any] = json.loads(text)
    return document


def _set_column(conn: Connection, trajectory_id: str, column: str, value: str) -> None:
    conn.execute(
        sa.text(f"UPDATE trajectories SET {column} = :v WHERE id = :id"),
        {"v": value, "id": trajectory_id},
    )


def truncate_snapshot(conn: Connection, trajectory_id: str) -> None:
    """The snapshot cut in the middle: not JSON."""
    text = json.dumps(_snapshot(conn, trajectory_id))
    _set_column(conn, trajectory_id, "snapshot", text[: len(text) // 2])


def truncate_event(conn: Connection, trajectory_id: str) -> None:
    """An event body cut in the middle: not JSON."""
    text = json.dumps(_event_body(conn, trajectory_id, 3))
    _set_event_body(conn, trajectory_id, 3, text[: len(text) // 2])


def event_of_schema_99(conn: Connection, trajectory_id: str) -> None:
    """An event body of an unknown (future) schema version."""
    document = _event_body(conn, trajectory_id, 3)
    _set_event_body(conn, trajectory_id, 3, json.dumps({**document, "schema_version": 99}))


def snapshot_of_schema_99(conn: Connection, trajectory_id: str) -> None:
    """A snapshot of an unknown (future) schema version."""
    document = {**_snapshot(conn, trajectory_id), "schema_version": 99}
    _set_column(conn, trajectory_id, "snapshot", json.dumps(document))


def event_of_wrong_shape(conn: Connection, trajectory_id: str) -> None:
    """An event body that is JSON but whose payload is a list."""
    document = _event_body(conn, trajectory_id, 3)
    _set_event_body(conn, trajectory_id, 3, json.dumps({**document, "payload": [1, 2]}))


def snapshot_nested_too_deep(conn: Connection, trajectory_id: str) -> None:
    """A snapshot of brackets nested deeper than the JSON parser recurses."""
    _set_column(conn, trajectory_id, "snapshot", "[" * 100_000 + "]" * 100_000)


def updated_at_not_a_time(conn: Connection, trajectory_id: str) -> None:
    """The row's updated_at column is not an ISO 8601 time."""
    _set_column(conn, trajectory_id, "updated_at", "not a time")


TAMPERINGS: dict[str, Callable[[Connection, str], None]] = {
    "snapshot-not-json": truncate_snapshot,
    "event-not-json": truncate_event,
    "event-schema-99": event_of_schema_99,
    "snapshot-schema-99": snapshot_of_schema_99,
    "event-wrong-shape": event_of_wrong_shape,
    "snapshot-nested-too-deep": snapshot_nested_too_deep,
    "updated-at-not-a-time": updated_at_not_a_time,
}


@pytest.mark.parametrize("tamper", list(TAMPERINGS.values()), ids=list(TAMPERINGS))
def test_corrupt_row_names_its_trajectory_and_spares_the_others(
    backend_url: str, tamper: Callable[[Connection, str], None]
) -> None:
    """A row tampered with via SQL (or of an unknown schema_version) gives
    CorruptRecord naming its trajectory; every other trajectory still loads, and
    list() still lists them all."""
    with opened(backend_url) as store:
        seeded = [seed(store) for _ in range(3)]
        victim = seeded[1][0]
        with engine_of(store).begin() as conn:
            tamper(conn, victim)
    with opened(backend_url) as store:  # a fresh store: nothing cached
        # history() reads every event (load() an event before the snapshot only
        # when its history asks for it), the row and the snapshot as load() does.
        reads = [store.history] if "event" in tamper.__name__ else [store.load, store.history]
        for read in reads:
            with pytest.raises(CorruptRecord) as caught:
                read(victim)
            assert victim == caught.value.trajectory_id
            assert victim in str(caught.value)
        for trajectory_id, version in seeded:
            if trajectory_id != victim:
                assert version == store.load(trajectory_id).version
        assert sorted(trajectory_id for trajectory_id, _ in seeded) == sorted(
            summary.id for summary in store.list()
        )
