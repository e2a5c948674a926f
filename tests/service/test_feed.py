"""GET /events: the committed events as CloudEvents, in commit order, resumable; the
same as server-sent events; GET /schemas/{name}: the schemas they point at."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Final

import jsonschema
import pytest
from cloudevents.core.formats.json import JSONFormat
from starlette.testclient import TestClient

import trajectory
from tests.service.conftest import ORIENTATION, created, fire
from tests.service.docs_pages import ADDRESS, TOOLS_MISSING, blocks, run_curl_blocks
from trajectory.service import create_app
from trajectory.service.credentials import credentials_for
from trajectory.service.feed import MAX_WAIT, positioned, published
from trajectory.store import Store

BASE: Final = "https://office.example"


def walked(client: TestClient, count: int = 2) -> list[str]:
    """``count`` leertrajects, each started and oriented: two events each."""
    made = []
    for number in range(count):
        school = {
            "name": f"School {number}",
            "sector": "po",
            "board": "B",
            "brin": f"{number:02d}AB00",
        }
        trajectory_id = created(client, school)["id"]
        assert 200 == fire(client, trajectory_id, "hold_orientation", ORIENTATION).status_code
        made.append(trajectory_id)
    return made


def sse(text: str) -> list[tuple[int, dict[str, Any]]]:
    """The messages of a server-sent event stream: (id, data)."""
    found = []
    for message in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in message.splitlines() if ": " in line)
        if "id" in fields:
            found.append((int(fields["id"]), json.loads(fields["data"])))
    return found


@pytest.fixture
def feed(store: Store, clock: trajectory.ManualClock) -> TestClient:
    return TestClient(create_app(store, clock=clock, base_url=BASE))


def test_the_feed_gives_every_committed_event_in_commit_order_as_cloudevents(
    feed: TestClient, store: Store
) -> None:
    ids = walked(feed)
    response = feed.get("/events")
    assert 200 == response.status_code, response.text
    assert response.headers["content-type"].startswith("application/cloudevents-batch+json")
    batch = response.json()
    expected = [(entry.position, entry.event["id"]) for entry in store.read_outbox(0, 100)]
    assert expected == [(event["position"], event["id"]) for event in batch]
    assert 4 == len(batch)
    first = batch[0]
    assert "1.0" == first["specversion"]
    assert BASE == first["source"]
    assert "ontwikkelkracht.leertraject.created" == first["type"]
    assert ids[0] == first["subject"]
    assert f"{BASE}/schemas/leertraject-event.schema.json" == first["dataschema"]
    last = batch[-1]["position"]
    assert f'<{BASE}/events?after={last}&limit=100>; rel="next"' == (response.headers["link"])


def test_a_consumer_resumes_after_its_position_and_pages_with_limit(feed: TestClient) -> None:
    walked(feed, 3)
    everything = feed.get("/events").json()
    seen: list[str] = []
    after = 0
    while True:
        batch = feed.get("/events", params={"after": after, "limit": 4}).json()
        if not batch:
            break
        assert len(batch) <= 4
        seen.extend(event["id"] for event in batch)
        after = batch[-1]["position"]
    assert [event["id"] for event in everything] == seen
    assert [] == feed.get("/events", params={"after": after}).json()


def test_the_feed_matches_the_publisher(feed: TestClient, store: Store) -> None:
    walked(feed, 1)
    entry = store.read_outbox(0, 1)[0]
    expected = positioned(published(BASE), entry)
    shown = feed.get("/events", params={"limit": 1}).json()[0]
    assert json.loads(JSONFormat().write(expected)) == shown
    assert entry.position == shown["position"]


def test_every_event_is_valid_by_the_schema_the_service_serves(feed: TestClient) -> None:
    walked(feed, 1)
    for event in feed.get("/events").json():
        path = event["dataschema"].removeprefix(BASE)
        response = feed.get(path)
        assert 200 == response.status_code
        assert response.headers["content-type"].startswith("application/schema+json")
        jsonschema.validate(event["data"], response.json())


def test_an_unknown_schema_is_not_found(feed: TestClient) -> None:
    response = feed.get("/schemas/nothing.schema.json")
    assert 404 == response.status_code
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_long_poll_answers_when_an_event_is_committed(feed: TestClient) -> None:
    walked(feed, 1)
    after = feed.get("/events").json()[-1]["position"]
    answered: list[Any] = []

    def poll() -> None:
        answered.append(feed.get("/events", params={"after": after, "wait": MAX_WAIT}))

    waiter = threading.Thread(target=poll)
    waiter.start()
    made = created(feed)
    waiter.join(timeout=MAX_WAIT + 10)
    assert not waiter.is_alive()
    batch = answered[0].json()
    assert [made["id"]] == [event["subject"] for event in batch]


def test_nothing_new_and_no_wait_is_an_empty_batch_at_once(feed: TestClient) -> None:
    response = feed.get("/events", params={"after": 99})
    assert 200 == response.status_code
    assert [] == response.json()
    assert 'after=99&limit=100>; rel="next"' in response.headers["link"]


def test_server_sent_events_carry_the_position_as_id_and_resume_with_last_event_id(
    feed: TestClient,
) -> None:
    walked(feed, 2)
    batch = feed.get("/events").json()
    headers = {"Accept": "text/event-stream"}
    response = feed.get("/events", params={"wait": 0}, headers=headers)
    assert response.headers["content-type"].startswith("text/event-stream")
    messages = sse(response.text)
    assert [(event["position"], event["id"]) for event in batch] == [
        (position, data["id"]) for position, data in messages
    ]
    resumed = feed.get(
        "/events",
        params={"wait": 0, "after": 0},
        headers={**headers, "Last-Event-ID": str(messages[1][0])},
    )
    assert [position for position, _ in messages[2:]] == [p for p, _ in sse(resumed.text)]


@pytest.mark.parametrize(
    "query",
    [
        {"after": "-1"},
        {"after": "x"},
        {"limit": "0"},
        {"limit": "1001"},
        {"wait": str(MAX_WAIT + 1)},
        {"since": "1"},
    ],
)
def test_a_bad_query_is_a_problem(feed: TestClient, query: dict[str, str]) -> None:
    response = feed.get("/events", params=query)
    assert 400 == response.status_code, response.text
    assert "invalid-query" in response.json()["type"]


def test_a_bad_last_event_id_is_a_problem(feed: TestClient) -> None:
    response = feed.get("/events", headers={"Accept": "text/event-stream", "Last-Event-ID": "abc"})
    assert 400 == response.status_code


def test_the_source_defaults_to_the_requests_base_url(store: Store) -> None:
    client = TestClient(create_app(store))
    walked(client, 1)
    response = client.get("/events")
    assert "http://testserver" == response.json()[0]["source"]
    assert response.headers["link"].startswith("<http://testserver/events?after=")


def test_the_office_and_auditors_read_the_feed_and_other_roles_are_refused(
    store: Store, clock: trajectory.ManualClock
) -> None:
    keys = credentials_for(store)
    office = keys.create(name="Bureau", role="office")[1]
    auditor = keys.create(name="Accountant", role="auditor")[1]
    board = keys.create(name="Board", role="board", scope="B")[1]
    client = TestClient(create_app(store, clock=clock, credentials=keys))
    bearer = {"Authorization": f"Bearer {office}"}
    made = client.post(
        "/trajectories",
        json={
            "school": {"name": "S", "sector": "po", "board": "B", "brin": "01AB00"},
            "offer": "leven-lang-lezen",
            "school_year": "2024-2025",
        },
        headers=bearer,
    )
    assert 201 == made.status_code, made.text
    for key in (office, auditor):
        response = client.get("/events", headers={"Authorization": f"Bearer {key}"})
        assert 200 == response.status_code
        assert 1 == len(response.json())
    refused = client.get("/events", headers={"Authorization": f"Bearer {board}"})
    assert 403 == refused.status_code
    anonymous = client.get("/events")
    assert 401 == anonymous.status_code
    assert "Bearer" == anonymous.headers["www-authenticate"]
    assert 200 == client.get("/schemas/leertraject-event.schema.json").status_code


def test_the_openapi_document_describes_the_events_out_and_stays_valid(feed: TestClient) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    document = feed.get("/openapi.json").json()
    OpenAPIV31SpecValidator(document).validate()  # the lowest supported version has no validate()
    operations = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert {
        "read_events",
        "get_schema",
        "register_webhook",
        "list_webhooks",
        "get_webhook",
        "delete_webhook",
        "list_dead_letters",
        "replay_dead_letter",
    } <= operations
    events = document["paths"]["/events"]["get"]["responses"]["200"]["content"]
    assert {"application/cloudevents-batch+json", "text/event-stream"} == set(events)


@pytest.mark.end_to_end
@pytest.mark.skipif(TOOLS_MISSING, reason="no curl/jq")
def test_the_pages_curl_blocks_run_and_print_what_the_page_shows(tmp_path: Path) -> None:
    """The ```bash blocks of docs/how-to/consume-events-over-http.md run in order, as
    one script, against ``trajectory serve``; together they print the page's ```text
    blocks."""
    page = "consume-events-over-http.md"
    ran = run_curl_blocks(page, tmp_path, timeout=120)
    assert blocks(page, "text").replace(ADDRESS, ran.address) == ran.output
