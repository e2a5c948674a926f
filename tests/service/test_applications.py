"""Applications over HTTP, through the Office: a board's locations move together."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

import trajectory
from tests.service.conftest import BOARD, ready_location
from tests.service.test_trajectories import problem
from trajectory.service import create_app

ROUND = "2024-2025/main"
TALK = {"kind": "exploratory_talk", "date": "2024-05-01"}  # the clock's first day


def new_application(client: TestClient, *locations: str) -> Any:
    return client.post(
        "/applications", json={"board": BOARD, "round": ROUND, "locations": list(locations)}
    )


def act(
    client: TestClient, application_id: str, action: str, body: Any = None, **headers: str
) -> Any:
    """POST an action; ``If_Match="..."`` is sent as the header If-Match."""
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    return client.post(f"/applications/{application_id}/{action}", json=body or {}, headers=sent)


def submitted(client: TestClient, *brins: str) -> str:
    """An application for a location of each BRIN, with a talk, submitted."""
    locations = [ready_location(client, f"School {brin}", brin) for brin in brins]
    made = new_application(client, *locations)
    assert 201 == made.status_code, made.text
    application_id: str = made.json()["id"]
    assert 200 == act(client, application_id, "talks", TALK).status_code
    response = act(client, application_id, "submit")
    assert 200 == response.status_code, response.text
    return application_id


def test_an_application_is_created_read_and_submitted_with_its_locations(
    client: TestClient,
) -> None:
    first = ready_location(client, "School A", "11AB00")
    second = ready_location(client, "School B", "12AB00")
    made = new_application(client, first, second)
    assert 201 == made.status_code, made.text
    application_id = made.json()["id"]
    assert made.headers["location"].endswith(f"/applications/{application_id}")
    assert made.json()["lifecycle"].endswith("application")
    assert 200 == act(client, application_id, "talks", TALK).status_code
    shown = client.get(f"/applications/{application_id}")
    assert (200, shown.headers["etag"]) == (shown.status_code, f'"{shown.json()["version"]}"')
    response = act(client, application_id, "submit", If_Match=shown.headers["etag"])
    assert 200 == response.status_code, response.text
    assert "received" == response.json()["state"]
    for location in (first, second):
        assert "application_submitted" == client.get(f"/trajectories/{location}").json()["state"]


def test_a_refused_submission_places_every_violation_at_its_location(client: TestClient) -> None:
    ready = ready_location(client, "School A", "11AB00")
    unready = ready_location(client, "School B", "12AB00", plan=False)
    application_id = new_application(client, ready, unready).json()["id"]
    assert 200 == act(client, application_id, "talks", TALK).status_code
    refused = problem(act(client, application_id, "submit"), 422, "refused")
    places = {violation["location"] for violation in refused["violations"]}
    assert unready in places
    assert ready not in places
    assert all(violation["message"] for violation in refused["violations"])
    shown = client.get(f"/trajectories/{ready}").json()
    assert "application_in_preparation" == shown["state"]


def test_an_application_in_preparation_shows_what_blocks_its_submission(
    client: TestClient,
) -> None:
    """The application's blockers of `submit` are the Office's check: each location's
    violations placed at it, the talk on the application counting for both; once
    nothing blocks, the list is empty."""
    ready = ready_location(client, "School A", "11AB00")
    unready = ready_location(client, "School B", "12AB00", plan=False)
    application_id = new_application(client, ready, unready).json()["id"]
    before = client.get(f"/applications/{application_id}").json()["blockers"]["submit"]
    assert {ready, unready} == {violation["location"] for violation in before}
    assert 200 == act(client, application_id, "talks", TALK).status_code
    after = client.get(f"/applications/{application_id}").json()["blockers"]["submit"]
    assert {unready} == {violation["location"] for violation in after}
    assert all(violation["message"] for violation in after)


def test_the_round_lists_in_order_of_receipt_and_grants_on_its_ledger(
    client: TestClient, clock: trajectory.ManualClock
) -> None:
    first = submitted(client, "11AB00")
    clock.advance(days=1)
    second = submitted(client, "12AB00")
    for path in (f"/rounds/{ROUND}/applications", "/rounds/2024-2025%2Fmain/applications"):
        listed = client.get(path)
        assert 200 == listed.status_code, listed.text
        assert [first, second] == [item["id"] for item in listed.json()["items"]]
    before = client.get(f"/rounds/{ROUND}/ledger").json()
    assert [] == before["commitments"]
    refused = problem(act(client, second, "grant"), 422, "refused")
    assert "order_of_receipt.earlier_pending" in [v["code"] for v in refused["violations"]]
    granted = act(client, first, "grant")
    assert 200 == granted.status_code, granted.text
    after = client.get(f"/rounds/{ROUND}/ledger").json()
    assert [first] == [entry["application"] for entry in after["commitments"]]


def test_the_decisions_due_by_a_day_are_listed(client: TestClient) -> None:
    application_id = submitted(client, "11AB00")
    due = client.get("/due-decisions", params={"by": "2024-12-31"}).json()["items"]
    assert [application_id] == [item["application"]["id"] for item in due]
    assert not due[0]["overdue"]
    assert [] == client.get("/due-decisions", params={"by": "2024-05-02"}).json()["items"]
    problem(client.get("/due-decisions"), 400, "invalid-query")
    problem(client.get("/due-decisions", params={"by": "soon"}), 400, "invalid-query")


def test_the_other_actions_of_the_office(client: TestClient) -> None:
    application_id = submitted(client, "11AB00")
    asked = act(client, application_id, "request-completion", {"deadline": "2024-05-10"})
    assert ("incomplete", 200) == (asked.json()["state"], asked.status_code)
    problem(act(client, application_id, "not-consider"), 422, "refused")  # not yet late
    completed = act(client, application_id, "complete")
    assert "received" == completed.json()["state"], completed.text
    rejected = act(client, application_id, "reject", {"reason": "Too late.", "codes": []})
    assert "decided" == rejected.json()["state"], rejected.text
    lodged = act(client, application_id, "objections", {"grounds": "It was on time."})
    assert "objection_lodged" == lodged.json()["state"], lodged.text
    decided = act(
        client, application_id, "objection-decision", {"upheld": False, "reason": "Late indeed."}
    )
    assert "objection_decided" == decided.json()["state"], decided.text


def test_a_withdrawn_application_takes_its_locations_along(client: TestClient) -> None:
    application_id = submitted(client, "11AB00")
    location = client.get(f"/applications/{application_id}").json()["data"]["locations"][0]
    response = act(client, application_id, "withdraw", {"reason": "Another year."})
    assert "withdrawn" == response.json()["state"], response.text
    assert "withdrawn" == client.get(f"/trajectories/{location['trajectory']}").json()["state"]


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("submit", {"received_at": "yesterday"}, "$.received_at"),
        ("request-completion", {"deadline": 5}, "$.deadline"),
        ("grant", {"amounts": {"x": "lots"}}, "$.amounts"),
        ("reject", {}, "$.reason"),
        ("objection-decision", {"upheld": "yes", "reason": "r"}, "$.upheld"),
        ("withdraw", {"reason": "r", "why": "r"}, "$.why"),
    ],
)
def test_a_body_that_does_not_fit_an_action_is_a_422(
    client: TestClient, action: str, body: Any, field: str
) -> None:
    application_id = submitted(client, "11AB00")
    version = client.get(f"/applications/{application_id}").json()["version"]
    document = problem(act(client, application_id, action, body), 422, "invalid-data")
    assert document["field"].startswith(field)
    assert version == client.get(f"/applications/{application_id}").json()["version"]


def test_unknown_applications_and_stale_versions(client: TestClient) -> None:
    location = ready_location(client, "School A", "11AB00")
    problem(client.get("/applications/no-such-id"), 404, "not-found")
    problem(client.get(f"/applications/{location}"), 404, "not-found")  # a leertraject
    problem(act(client, "no-such-id", "submit"), 404, "not-found")
    application_id = new_application(client, location).json()["id"]
    stale = act(client, application_id, "submit", If_Match='"9"')
    problem(stale, 412, "stale-version")
    problem(new_application(client, "no-such-location"), 422, "invalid-data")
    problem(client.get("/rounds/2024-2025/nothing/ledger"), 422, "invalid-data")
    with_events = client.post(f"/trajectories/{application_id}/events/submit", json={})
    problem(with_events, 404, "unknown-event")


def test_applications_on_every_store(store_url: str, clock: trajectory.ManualClock) -> None:
    with trajectory.open_store(store_url, clock=clock) as store:
        client = TestClient(create_app(store, clock=clock))
        application_id = submitted(client, "11AB00")
        assert "received" == store.load(application_id).state
        assert [application_id] == [
            item["id"] for item in client.get(f"/rounds/{ROUND}/applications").json()["items"]
        ]
