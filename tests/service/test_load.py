"""A load on loopback: ``trajectory serve --workers 2`` with 8 clients at once.

On SQLite and on PostgreSQL (a schema of its own), each client fires events on a
leertraject of its own and on two that all of them share, each with an Idempotency-Key
of its own; a 409 (another request changed the trajectory first, or the key's first
request is still at work) is retried with the same key, and every acknowledged event
is sent once more, which must be replayed, not recorded again. Afterwards every
acknowledged event is in its trajectory's history exactly once, nothing more is, and
the outbox holds each once. Bounded: 8 clients × 8 events.
"""

from __future__ import annotations

import collections
import threading
import uuid
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

import trajectory
from tests.service.conftest import NEW, ORIENTATION, SCHOOL
from tests.service.test_serve import free_port, serving, stop

CLIENTS: Final = 8
#: Events each client fires: half on its own leertraject, half on the shared ones.
EVENTS: Final = 8
SHARED: Final = 2
#: How often a 409 is retried before the client gives up (and the test fails).
RETRIES: Final = 50


def _prepared(client: httpx.Client, brin: str) -> str:
    """A leertraject in application_in_preparation, where participants are added."""
    made = client.post("/trajectories", json={**NEW, "school": {**SCHOOL, "brin": brin}})
    assert 201 == made.status_code, made.text
    trajectory_id: str = made.json()["id"]
    for event, body in (("hold_orientation", ORIENTATION), ("register", {})):
        fired = client.post(f"/trajectories/{trajectory_id}/events/{event}", json=body)
        assert 200 == fired.status_code, fired.text
    return trajectory_id


def _fire(client: httpx.Client, trajectory_id: str, body: dict[str, Any], key: str) -> Any:
    """Fire add_participant with ``key`` until it is not a 409; the last response."""
    for _ in range(RETRIES):
        response = client.post(
            f"/trajectories/{trajectory_id}/events/add_participant",
            json=body,
            headers={"Idempotency-Key": key},
        )
        if response.status_code != 409:
            return response
    return response


@pytest.mark.end_to_end
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_concurrent_clients_record_each_acknowledged_event_once(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    url: str = request.getfixturevalue(f"{kind}_url")
    port = free_port()
    process = serving(url, port, "--workers", "2", "--open")
    base = f"http://127.0.0.1:{port}"
    acknowledged: dict[str, list[str]] = collections.defaultdict(list)
    failures: list[str] = []
    lock = threading.Lock()
    try:
        with httpx.Client(base_url=base, timeout=60) as setup:
            shared = [_prepared(setup, f"{90 + n}AB00") for n in range(SHARED)]
            own = [_prepared(setup, f"{10 + n}AB00") for n in range(CLIENTS)]

        def work(number: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                for count in range(EVENTS):
                    target = own[number] if count % 2 == 0 else shared[count // 2 % SHARED]
                    name = f"client {number} event {count}"
                    body = {"name": name, "role": "teacher", "planned_hours": 10}
                    key = str(uuid.uuid4())
                    response = _fire(client, target, body, key)
                    again = _fire(client, target, body, key)
                    with lock:
                        if response.status_code != 200:
                            failures.append(f"{name}: {response.status_code} {response.text}")
                            continue
                        acknowledged[target].append(name)
                        if (again.status_code, again.headers.get("idempotent-replayed")) != (
                            200,
                            "true",
                        ):
                            failures.append(f"{name} again: {again.status_code} {again.text}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        stop(process)
    assert [] == failures
    assert CLIENTS * EVENTS == sum(len(names) for names in acknowledged.values())
    with trajectory.open_store(url) as store:
        for trajectory_id in [*own, *shared]:
            history = store.load(trajectory_id).history
            recorded = [event.payload.name for event in history if event.name == "add_participant"]
            assert sorted(acknowledged[trajectory_id]) == sorted(recorded)
            assert [event.sequence for event in history] == list(range(1, len(history) + 1))
        entries = []
        after = 0
        while batch := store.read_outbox(after=after, limit=500):
            entries.extend(batch)
            after = batch[-1].position
    places = [(entry.trajectory_id, entry.sequence) for entry in entries]
    assert len(places) == len(set(places))
    fired = collections.Counter(
        entry.event["payload"]["name"]
        for entry in entries
        if entry.event["name"] == "add_participant"
    )
    expected = collections.Counter(name for names in acknowledged.values() for name in names)
    assert expected == fired
