"""Trajectories over HTTP: create, read, fire, list, and every error as a problem."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

import trajectory
from tests.service.conftest import NEW, ORIENTATION, SCHOOL, created, fire, ready_location
from trajectory.service import PROBLEM_BASE, create_app


def problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    """The problem details of ``response``, checked to be of ``kind``."""
    assert status == response.status_code, response.text
    assert "application/problem+json" == response.headers["content-type"]
    document: dict[str, Any] = response.json()
    assert (PROBLEM_BASE + kind, status) == (document["type"], document["status"])
    assert document["title"]
    assert document["detail"]
    return document


def test_a_created_trajectory_is_shown_with_its_version_as_etag(client: TestClient) -> None:
    response = client.post("/trajectories", json=NEW)
    assert 201 == response.status_code
    document = response.json()
    assert '"1"' == response.headers["etag"]
    assert response.headers["location"].endswith(f"/trajectories/{document['id']}")
    assert ("orientation_requested", 1, False) == (
        document["state"],
        document["version"],
        document["final"],
    )
    assert "hold_orientation" in document["allowed_events"]
    assert "OBS De Linde" == document["data"]["school"]["name"]
    shown = client.get(f"/trajectories/{document['id']}")
    assert (200, '"1"', document) == (shown.status_code, shown.headers["etag"], shown.json())


def test_an_event_is_fired_with_its_payload_read_from_json(client: TestClient) -> None:
    trajectory_id = created(client)["id"]
    response = fire(client, trajectory_id, "hold_orientation", ORIENTATION)
    assert 200 == response.status_code, response.text
    assert ("orientation_held", 2) == (response.json()["state"], response.json()["version"])
    assert '"2"' == response.headers["etag"]
    history = client.get(f"/trajectories/{trajectory_id}/history").json()
    assert [1, 2] == [event["sequence"] for event in history]
    assert "hold_orientation" == history[1]["name"]
    assert ORIENTATION["date"] == history[1]["payload"]["date"]


def test_amounts_are_read_as_numbers_or_decimal_text(client: TestClient) -> None:
    trajectory_id = ready_location(client, "OBS De Linde", "12AB00", plan=False)
    data = client.get(f"/trajectories/{trajectory_id}").json()["data"]
    hours = {person["name"]: person["planned_hours"] for person in data["participants"]}
    assert {"Anna": "200", "Bram": "150", "Chloé": "150.0", "Daan": "150", "Eva": "150"} == hours


def test_the_blockers_of_each_next_event_carry_code_figures_and_message(
    client: TestClient,
) -> None:
    trajectory_id = ready_location(client, "OBS De Linde", "12AB00", plan=False)
    shown = client.get(f"/trajectories/{trajectory_id}").json()
    found = [v for blockers in shown["blockers"].values() for v in blockers]
    assert found
    for violation in found:
        assert {"code", "figures", "location", "message"} == set(violation)
        assert violation["code"] not in violation["message"]


def test_a_refusal_lists_every_violation_in_the_language_asked_for(client: TestClient) -> None:
    trajectory_id = created(client)["id"]
    too_early = {**ORIENTATION, "date": "2024-05-02"}  # tomorrow
    dutch = problem(fire(client, trajectory_id, "hold_orientation", too_early), 422, "refused")
    english = problem(
        fire(client, trajectory_id, "hold_orientation", too_early, **{"Accept-Language": "en"}),
        422,
        "refused",
    )
    assert dutch["violations"]
    assert len(dutch["violations"]) == len(english["violations"])
    assert [v["code"] for v in dutch["violations"]] == [v["code"] for v in english["violations"]]
    assert dutch["violations"][0]["message"] != english["violations"][0]["message"]
    assert ("Geweigerd door de regels.", "Refused by the rules.") == (
        dutch["title"],
        english["title"],
    )
    assert 1 == client.get(f"/trajectories/{trajectory_id}").json()["version"]


def test_an_event_not_allowed_in_the_state_is_refused(client: TestClient) -> None:
    trajectory_id = created(client)["id"]
    refused = problem(fire(client, trajectory_id, "settle"), 422, "refused")
    assert refused["violations"]
    assert "orientation_requested" == refused["state"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ORIENTATION, "date": "20-04-2024"}, "$.date"),
        ({**ORIENTATION, "date": 20240420}, "$.date"),
        ({**ORIENTATION, "mood": "fine"}, "$.mood"),
        ({k: v for k, v in ORIENTATION.items() if k != "report"}, "$.report"),
        ([ORIENTATION], "$"),
    ],
)
def test_a_payload_that_does_not_fit_is_a_422_naming_the_field(
    client: TestClient, body: Any, field: str
) -> None:
    trajectory_id = created(client)["id"]
    document = problem(fire(client, trajectory_id, "hold_orientation", body), 422, "invalid-data")
    assert field == document["field"]
    assert 1 == client.get(f"/trajectories/{trajectory_id}").json()["version"]


@pytest.mark.parametrize(
    "text", [b"{", b'{"date": NaN}', b'{"report": "a", "report": "b"}', b"\xff\xfe"]
)
def test_a_body_that_is_no_json_is_a_400(client: TestClient, text: bytes) -> None:
    trajectory_id = created(client)["id"]
    response = client.post(
        f"/trajectories/{trajectory_id}/events/hold_orientation",
        content=text,
        headers={"Content-Type": "application/json"},
    )
    problem(response, 400, "malformed-request")


def test_a_body_too_large_is_a_413(client: TestClient) -> None:
    from trajectory.service.app import MAX_BODY

    huge = b'{"offer": "' + b"x" * MAX_BODY + b'"}'
    response = client.post(
        "/trajectories", content=huge, headers={"Content-Type": "application/json"}
    )
    problem(response, 413, "too-large")


def test_a_body_that_is_not_json_by_its_type_is_a_415(client: TestClient) -> None:
    response = client.post(
        "/trajectories", content=b"name=De Linde", headers={"Content-Type": "text/plain"}
    )
    problem(response, 415, "unsupported-media-type")


def test_unknown_ids_events_paths_and_methods_are_problems(client: TestClient) -> None:
    trajectory_id = created(client)["id"]
    problem(client.get("/trajectories/no-such-id"), 404, "not-found")
    problem(client.get("/trajectories/no-such-id/history"), 404, "not-found")
    problem(fire(client, "no-such-id", "register"), 404, "not-found")
    problem(fire(client, trajectory_id, "fly"), 404, "unknown-event")
    problem(client.get("/nowhere"), 404, "not-found")
    problem(client.delete(f"/trajectories/{trajectory_id}"), 405, "method-not-allowed")


def test_a_stale_if_match_is_refused_and_changes_nothing(client: TestClient) -> None:
    trajectory_id = created(client)["id"]
    stale = fire(client, trajectory_id, "hold_orientation", ORIENTATION, **{"If-Match": '"7"'})
    assert 1 == problem(stale, 412, "stale-version")["version"]
    assert 1 == client.get(f"/trajectories/{trajectory_id}").json()["version"]
    current = fire(client, trajectory_id, "hold_orientation", ORIENTATION, **{"If-Match": '"1"'})
    assert (200, '"2"') == (current.status_code, current.headers["etag"])


def test_a_creation_that_does_not_fit_is_a_422(client: TestClient) -> None:
    for body, field in (
        ({**NEW, "school": {**SCHOOL, "brin": "nonsense"}}, "$.school.brin"),
        ({**NEW, "offer": 12}, "$.offer"),
        ({**NEW, "offer": "no-such-offer"}, None),
        ({**NEW, "school_year": "2024"}, None),
        ({"school": SCHOOL}, "$.offer"),
    ):
        document = problem(client.post("/trajectories", json=body), 422, "invalid-data")
        if field is not None:
            assert document["field"].startswith(field), document
    assert [] == client.get("/trajectories").json()["items"]


def test_the_list_is_paged_with_an_opaque_cursor_and_filtered(client: TestClient) -> None:
    made = [created(client, {**SCHOOL, "brin": f"1{n}AB00"})["id"] for n in range(5)]
    fire(client, made[0], "hold_orientation", ORIENTATION)
    seen: list[str] = []
    cursor = None
    for _ in range(5):  # at most the pages there can be
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = client.get("/trajectories", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(made) == sorted(seen)
    assert len(seen) == len(set(seen))
    held = client.get("/trajectories", params={"state": "orientation_held"}).json()["items"]
    assert [made[0]] == [item["id"] for item in held]
    by_school = client.get("/trajectories", params={"school": "12AB00"}).json()["items"]
    assert [made[2]] == [item["id"] for item in by_school]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "many"},
        {"limit": "501"},
        {"cursor": "not-a-cursor"},
        {"cursor": "eyJvZmZzZXQiOiAtMX0"},  # {"offset": -1}
        {"colour": "red"},
        {"state": "no_such_state"},
        {"lifecycle": "no.such"},
    ],
)
def test_a_query_that_does_not_fit_is_a_400(client: TestClient, query: dict[str, str]) -> None:
    problem(client.get("/trajectories", params=query), 400, "invalid-query")


def test_a_parameter_given_twice_is_a_400(client: TestClient) -> None:
    problem(client.get("/trajectories?state=a&state=b"), 400, "invalid-query")


def test_trajectories_are_kept_in_the_store(store_url: str, clock: trajectory.ManualClock) -> None:
    """Created and fired over HTTP, read back from the store itself."""
    with trajectory.open_store(store_url, clock=clock) as store:
        client = TestClient(create_app(store, clock=clock))
        trajectory_id = created(client)["id"]
        assert 200 == fire(client, trajectory_id, "hold_orientation", ORIENTATION).status_code
        stored = store.load(trajectory_id)
        assert ("orientation_held", 2) == (stored.state, stored.version)
        assert dt.date(2024, 5, 1) == stored.history[1].payload.date


class _RacingClock:
    """A clock that, the first time it is asked once armed, lets another process save
    the trajectory (through a store of its own on the same database) before the
    request's own save: a real concurrent change."""

    def __init__(self, clock: trajectory.ManualClock, url: str) -> None:
        self.clock = clock
        self.url = url
        self.armed: str | None = None

    def __call__(self) -> dt.datetime:
        if self.armed is not None:
            trajectory_id, self.armed = self.armed, None
            with trajectory.open_store(self.url, clock=self.clock) as other:
                other_copy = other.load(trajectory_id)
                other_copy.fire("withdraw", reason="The board changed its mind.")
                other.save(other_copy)
        return self.clock()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_concurrent_change_is_a_409_and_writes_nothing(
    kind: str, request: pytest.FixtureRequest, clock: trajectory.ManualClock
) -> None:
    url: str = request.getfixturevalue(f"{kind}_url")
    racing = _RacingClock(clock, url)
    with trajectory.open_store(url, clock=clock) as store:
        client = TestClient(create_app(store, clock=racing))
        trajectory_id = created(client)["id"]
        racing.armed = trajectory_id
        response = fire(client, trajectory_id, "hold_orientation", ORIENTATION)
        problem(response, 409, "conflict")
        stored = store.load(trajectory_id)
        assert ("withdrawn", 2) == (stored.state, stored.version)


def test_the_app_takes_a_store_only(clock: trajectory.ManualClock) -> None:
    with pytest.raises(trajectory.InvalidData):
        create_app("memory://", clock=clock)  # type: ignore[arg-type]


def test_a_failing_store_is_a_500_that_says_nothing_of_its_cause(
    sqlite_url: str, clock: trajectory.ManualClock
) -> None:
    """A store whose tables are gone is no client's doing: a 500 problem, no details."""
    import sqlite3

    with trajectory.open_store(sqlite_url, clock=clock) as store:
        client = TestClient(create_app(store, clock=clock))
        trajectory_id = created(client)["id"]
        with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as damaged:
            tables = damaged.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in tables.fetchall():
                damaged.execute(f'DROP TABLE "{table}"')
        document = problem(client.get(f"/trajectories/{trajectory_id}"), 500, "internal-error")
        assert "table" not in document["detail"]


def test_the_list_takes_the_blocked_ones_or_the_others(client: TestClient) -> None:
    """`blocked=true` lists the trajectories whose next steps are refused now, as the
    store lists them; `blocked=false` the others; anything else is a bad query."""
    waiting = created(client)["id"]
    registered = created(client, {**SCHOOL, "brin": "13AB00"})["id"]
    fire(client, registered, "hold_orientation", ORIENTATION)
    assert 200 == fire(client, registered, "register").status_code
    blocked = client.get("/trajectories", params={"blocked": "true"}).json()["items"]
    others = client.get("/trajectories", params={"blocked": "false"}).json()["items"]
    assert [registered] == [item["id"] for item in blocked]
    assert [waiting] == [item["id"] for item in others]
    problem(client.get("/trajectories", params={"blocked": "yes"}), 400, "invalid-query")
