"""``Idempotency-Key``: a retried POST gets the first response and never acts twice."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

import trajectory
from tests.service.conftest import NEW, ORIENTATION, created
from tests.service.test_trajectories import problem
from trajectory.service import create_app


def test_a_retried_creation_makes_one_trajectory(client: TestClient) -> None:
    first = client.post("/trajectories", json=NEW, headers={"Idempotency-Key": "k-1"})
    again = client.post("/trajectories", json=NEW, headers={"Idempotency-Key": "k-1"})
    assert (201, 201) == (first.status_code, again.status_code)
    assert first.json() == again.json()
    assert first.headers["location"] == again.headers["location"]
    assert "true" == again.headers["idempotent-replayed"]
    assert "idempotent-replayed" not in first.headers
    assert [first.json()["id"]] == [i["id"] for i in client.get("/trajectories").json()["items"]]


def test_a_retried_event_is_fired_once(client: TestClient) -> None:
    trajectory_id = created(client)["id"]
    path = f"/trajectories/{trajectory_id}/events/log_hours"
    hold = f"/trajectories/{trajectory_id}/events/hold_orientation"
    headers = {"Idempotency-Key": "fire-1"}
    first = client.post(hold, json=ORIENTATION, headers=headers)
    again = client.post(hold, json=ORIENTATION, headers=headers)
    assert (200, 200) == (first.status_code, again.status_code), again.text
    assert (2, 2) == (first.json()["version"], again.json()["version"])
    history = client.get(f"/trajectories/{trajectory_id}/history").json()
    assert ["hold_orientation"] == [event["name"] for event in history[1:]]
    other = client.post(path, json={}, headers=headers)  # the same key, another request
    problem(other, 422, "idempotency-key-reused")


def test_a_refusal_is_kept_too(client: TestClient) -> None:
    """The first answer stands, even when a retry would now be accepted."""
    trajectory_id = created(client)["id"]
    hold = f"/trajectories/{trajectory_id}/events/hold_orientation"
    headers = {"Idempotency-Key": "refused-1"}
    refused = client.post(hold, json={**ORIENTATION, "report": ""}, headers=headers)
    again = client.post(hold, json={**ORIENTATION, "report": ""}, headers=headers)
    assert (refused.status_code, refused.json()) == (again.status_code, again.json())


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\there"])
def test_a_key_that_does_not_fit_is_a_400(client: TestClient, key: str) -> None:
    response = client.post("/trajectories", json=NEW, headers={"Idempotency-Key": key})
    problem(response, 400, "invalid-query")
    assert [] == client.get("/trajectories").json()["items"]


def test_a_key_still_at_work_is_a_409(client: TestClient) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    from trajectory.service.idempotency import fingerprint, held_by

    service.keys.reserve(held_by(None, "busy"), fingerprint("POST", "/trajectories", b"{}"))
    response = client.post(
        "/trajectories",
        content=b"{}",
        headers={"Idempotency-Key": "busy", "Content-Type": "application/json"},
    )
    problem(response, 409, "idempotency-key-in-use")


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_key_is_kept_in_the_database_for_every_process(
    kind: str, request: pytest.FixtureRequest, clock: trajectory.ManualClock
) -> None:
    """Two services on one database (as two worker processes are): a retry that
    reaches the other gets the first response, and nothing is made twice."""
    url: str = request.getfixturevalue(f"{kind}_url")
    with (
        trajectory.open_store(url, clock=clock) as one,
        trajectory.open_store(url, clock=clock) as other,
    ):
        first = TestClient(create_app(one, clock=clock))
        second = TestClient(create_app(other, clock=clock))
        made = first.post("/trajectories", json=NEW, headers={"Idempotency-Key": "shared"})
        again = second.post("/trajectories", json=NEW, headers={"Idempotency-Key": "shared"})
        assert made.json()["id"] == again.json()["id"]
        assert "true" == again.headers["idempotent-replayed"]
        assert 1 == len(one.list())
