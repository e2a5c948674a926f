"""Webhooks: registered by the office, every committed event posted once, signed per
Standard Webhooks, in commit order; retried with back-off, dead-lettered, replayed;
resumed after a restart; one deliverer at a time per webhook."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import pytest
import standardwebhooks
from starlette.testclient import TestClient

import trajectory
from tests.command_line import run
from tests.service.conftest import ORIENTATION, created, fire
from trajectory.service import create_app
from trajectory.service.credentials import credentials_for
from trajectory.service.feed import published
from trajectory.service.webhooks import Deliverer, Webhooks, post_with_urllib, webhooks_for
from trajectory.store import Store

BASE: Final = "https://office.example"


class Receiver:
    """A webhook receiver on loopback: it verifies every signature, and answers 500
    to the events named in ``failing`` as many times as it says."""

    def __init__(self) -> None:
        self.secret = ""
        self.received: list[dict[str, Any]] = []  # every verified delivery it answered 2xx
        self.failed: list[str] = []  # the event ids it answered 500
        self.failing: dict[str, int] = {}
        self.refused = 0  # deliveries whose signature or headers were wrong
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                try:
                    event = standardwebhooks.Webhook(receiver.secret).verify(body, headers)
                except standardwebhooks.WebhookVerificationError:
                    event = None
                if (
                    event is None
                    or self.headers["webhook-id"] != event["id"]
                    or self.headers["content-type"] != "application/cloudevents+json"
                ):
                    receiver.refused += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                with receiver.lock:
                    left = receiver.failing.get(event["id"], 0)
                    if left:
                        receiver.failing[event["id"]] = left - 1
                        receiver.failed.append(event["id"])
                    else:
                        receiver.received.append(event)
                self.send_response(500 if left else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ids(self) -> list[str]:
        assert 0 == self.refused
        return [event["id"] for event in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def kinds_store(store_url: str, clock: trajectory.ManualClock) -> Iterator[Store]:
    with trajectory.open_store(store_url, clock=clock, create=True) as opened:
        yield opened


class Pauses:
    """The deliverer's sleep: it records the pauses and sleeps none."""

    def __init__(self) -> None:
        self.taken: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


def service(store: Store, clock: trajectory.ManualClock) -> TestClient:
    return TestClient(create_app(store, clock=clock, base_url=BASE))


def walked(client: TestClient, count: int) -> None:
    for number in range(count):
        school = {"name": f"S{number}", "sector": "po", "board": "B", "brin": f"{number:02d}AB00"}
        made = created(client, school)["id"]
        assert 200 == fire(client, made, "hold_orientation", ORIENTATION).status_code


def register(client: TestClient, receiver: Receiver, **more: Any) -> dict[str, Any]:
    response = client.post("/webhooks", json={"url": receiver.url, **more})
    assert 201 == response.status_code, response.text
    document: dict[str, Any] = response.json()
    receiver.secret = document["secret"]
    return document


def committed(store: Store) -> list[str]:
    return [entry.event["id"] for entry in store.read_outbox(0, 10_000)]


def deliverer(store: Store, pauses: Pauses | None = None, **more: Any) -> Deliverer:
    more.setdefault("sleep", pauses or Pauses())
    return Deliverer(store, published(BASE), **more)


def test_every_event_is_delivered_once_signed_in_commit_order_and_resumed(
    kinds_store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(kinds_store, clock)
    walked(client, 2)
    hook = register(client, receiver)
    pauses = Pauses()
    assert 4 == deliverer(kinds_store, pauses).deliver()
    assert committed(kinds_store) == receiver.ids()
    assert [] == pauses.taken
    first = receiver.received[0]
    assert BASE == first["source"]
    assert "ontwikkelkracht.leertraject.created" == first["type"]
    assert f"{BASE}/schemas/leertraject-event.schema.json" == first["dataschema"]
    shown = client.get(f"/webhooks/{hook['id']}").json()
    assert kinds_store.read_outbox(0, 100)[-1].position == shown["position"]
    # a new deliverer (a restart) goes on from the webhook's position
    walked(client, 1)
    assert 2 == deliverer(kinds_store).deliver()
    assert 0 == deliverer(kinds_store).deliver()
    assert committed(kinds_store) == receiver.ids()


def test_a_restart_on_the_same_database_resumes_from_the_position(
    tmp_path: Path, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with trajectory.open_store(url, clock=clock, create=True) as store:
        client = service(store, clock)
        walked(client, 1)
        register(client, receiver)
        deliverer(store).deliver()
        walked(client, 1)
    with trajectory.open_store(url, clock=clock) as reopened:
        assert 2 == deliverer(reopened).deliver()
        assert committed(reopened) == receiver.ids()


def test_a_failed_delivery_is_retried_with_exponential_back_off(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 2)
    register(client, receiver)
    second = committed(store)[1]
    receiver.failing[second] = 3
    pauses = Pauses()
    deliverer(store, pauses, backoff=1.5).deliver()
    assert [1.5, 3.0, 6.0] == pauses.taken
    assert [second] * 3 == receiver.failed
    assert committed(store) == receiver.ids()  # each once, in order


def test_after_the_last_attempt_the_event_is_a_dead_letter_and_delivery_goes_on(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 2)
    hook = register(client, receiver)
    events = committed(store)
    receiver.failing[events[1]] = 4
    pauses = Pauses()
    deliverer(store, pauses, attempts=4).deliver()
    assert [2.0, 4.0, 8.0] == pauses.taken
    assert [events[0], *events[2:]] == receiver.ids()
    letters = client.get("/dead-letters").json()["items"]
    assert 1 == len(letters)
    letter = letters[0]
    assert (hook["id"], events[1], 4, "answered 500") == (
        letter["webhook"],
        letter["event_id"],
        letter["attempts"],
        letter["error"],
    )
    assert "ontwikkelkracht.leertraject.hold_orientation" == letter["event_type"]
    assert letters == client.get("/dead-letters", params={"webhook": hook["id"]}).json()["items"]
    # nothing happens to it until an operator asks for a replay
    assert 0 == deliverer(store).deliver()
    replay = client.post(f"/dead-letters/{letter['id']}/replay")
    assert 202 == replay.status_code, replay.text
    assert replay.json()["replay_requested"]
    assert 1 == deliverer(store).deliver()
    assert events[1] == receiver.ids()[-1]
    done = client.get("/dead-letters").json()["items"][0]
    assert done["delivered_at"] is not None
    assert not done["replay_requested"]
    assert 0 == deliverer(store).deliver()  # a replay is posted once
    # deduplicated by id, the receiver has every event
    assert sorted(events) == sorted(set(receiver.ids()))


def test_no_answer_counts_as_a_failure(store: Store, clock: trajectory.ManualClock) -> None:
    client = service(store, clock)
    walked(client, 1)
    closed = Receiver()
    closed.close()  # nobody listens there any more
    response = client.post("/webhooks", json={"url": closed.url})
    assert 201 == response.status_code
    deliverer(store, attempts=2).deliver()
    letters = webhooks_for(store).dead_letters()
    assert 2 == len(letters)
    assert all(letter.error.startswith("no answer") for letter in letters)


def test_a_webhook_gets_only_the_types_it_asked_for(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 2)
    wanted = "ontwikkelkracht.leertraject.hold_orientation"
    hook = register(client, receiver, types=[wanted])
    assert 2 == deliverer(store).deliver()
    assert [wanted, wanted] == [event["type"] for event in receiver.received]
    last = store.read_outbox(0, 100)[-1].position
    assert last == client.get(f"/webhooks/{hook['id']}").json()["position"]


def test_a_webhook_may_start_after_a_position(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 2)
    after = store.read_outbox(0, 100)[1].position
    register(client, receiver, after=after)
    deliverer(store).deliver()
    assert committed(store)[2:] == receiver.ids()


def test_one_deliverer_at_a_time_holds_a_webhooks_lease(store: Store) -> None:
    webhooks = webhooks_for(store)
    hook, _ = webhooks.register("https://receiver.example/hook")
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    assert webhooks.claim(hook.id, "a", now, now + hour)
    assert not webhooks.claim(hook.id, "b", now, now + hour)
    assert not webhooks.advance(hook.id, "b", 5)
    assert webhooks.claim(hook.id, "a", now, now + hour)  # renewed
    assert webhooks.claim(hook.id, "b", now + 2 * hour, now + 3 * hour)  # expired
    assert not webhooks.advance(hook.id, "a", 5)
    assert webhooks.advance(hook.id, "b", 5)
    webhooks.release(hook.id, "b")
    assert webhooks.claim(hook.id, "a", now, now + hour)


def test_a_busy_webhook_is_left_to_the_deliverer_that_holds_it(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 1)
    hook = register(client, receiver)
    now = dt.datetime.now(dt.UTC)
    assert webhooks_for(store).claim(hook["id"], "other", now, now + dt.timedelta(hours=1))
    assert 0 == deliverer(store).deliver()
    assert [] == receiver.received


def test_the_office_manages_webhooks_and_the_secret_is_shown_once(
    store: Store, clock: trajectory.ManualClock
) -> None:
    client = service(store, clock)
    made = client.post(
        "/webhooks", json={"url": "https://receiver.example/hook", "types": ["a.b.c"]}
    )
    assert 201 == made.status_code
    document = made.json()
    assert document["secret"].startswith("whsec_")
    standardwebhooks.Webhook(document["secret"])  # a secret the package takes
    assert made.headers["location"].endswith(f"/webhooks/{document['id']}")
    listed = client.get("/webhooks").json()["items"]
    assert [document["id"]] == [hook["id"] for hook in listed]
    assert all("secret" not in hook for hook in listed)
    assert ["a.b.c"] == listed[0]["types"]
    assert 0 == listed[0]["position"]
    other = client.post("/webhooks", json={"url": "https://receiver.example/2"}).json()
    assert other["secret"] != document["secret"]
    assert 200 == client.delete(f"/webhooks/{document['id']}").status_code
    assert 404 == client.get(f"/webhooks/{document['id']}").status_code
    assert 404 == client.delete(f"/webhooks/{document['id']}").status_code
    assert [other["id"]] == [hook["id"] for hook in client.get("/webhooks").json()["items"]]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "ftp://receiver.example/"},
        {"url": "not a url"},
        {"url": "https://receiver.example/", "types": "a.b"},
        {"url": "https://receiver.example/", "types": [1]},
        {"url": "https://receiver.example/", "after": -1},
        {"url": "https://receiver.example/", "colour": "red"},
        [],
    ],
)
def test_a_bad_registration_is_refused_and_registers_nothing(
    store: Store, clock: trajectory.ManualClock, body: Any
) -> None:
    client = service(store, clock)
    response = client.post("/webhooks", json=body)
    assert 422 == response.status_code, response.text
    assert [] == client.get("/webhooks").json()["items"]


def test_unknown_dead_letters_and_webhooks_are_not_found(
    store: Store, clock: trajectory.ManualClock
) -> None:
    client = service(store, clock)
    assert 404 == client.post("/dead-letters/nothing/replay").status_code
    assert 404 == client.get("/dead-letters", params={"webhook": "nothing"}).status_code
    assert 400 == client.get("/dead-letters", params={"colour": "red"}).status_code


def test_only_the_office_manages_webhooks(store: Store, clock: trajectory.ManualClock) -> None:
    keys = credentials_for(store)
    office = keys.create(name="Bureau", role="office")[1]
    auditor = keys.create(name="Accountant", role="auditor")[1]
    client = TestClient(create_app(store, clock=clock, credentials=keys))
    body = {"url": "https://receiver.example/hook"}
    as_auditor = {"Authorization": f"Bearer {auditor}"}
    assert 403 == client.post("/webhooks", json=body, headers=as_auditor).status_code
    assert 403 == client.get("/webhooks", headers=as_auditor).status_code
    assert 403 == client.get("/dead-letters", headers=as_auditor).status_code
    assert 401 == client.get("/webhooks").status_code
    as_office = {"Authorization": f"Bearer {office}"}
    assert 201 == client.post("/webhooks", json=body, headers=as_office).status_code


def test_the_command_line_delivers_lists_and_replays_dead_letters(
    tmp_path: Path, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    with trajectory.open_store(db, clock=clock, create=True) as store:
        client = service(store, clock)
        walked(client, 1)
        register(client, receiver)
        first = committed(store)[0]
    receiver.failing[first] = 100
    assert (
        "delivered 1 events"
        == run(
            "deliver-webhooks", "--once", "--attempts", "1", "--base-url", BASE, "--db", db
        ).strip()
    )
    letters = json.loads(run("list-dead-letters", "--json", "--db", db))
    assert [first] == [letter["event_id"] for letter in letters]
    assert "answered 500" in run("list-dead-letters", "--db", db)
    receiver.failing.clear()
    run("replay-dead-letter", letters[0]["id"], "--db", db)
    assert (
        "delivered 1 events"
        == run("deliver-webhooks", "--once", "--base-url", BASE, "--db", db).strip()
    )
    assert first == receiver.ids()[-1]
    assert json.loads(run("list-dead-letters", "--json", "--db", db))[0]["delivered_at"]


def test_webhooks_of_a_memory_store_are_shared_by_its_service_and_deliverer(
    store: Store,
) -> None:
    assert webhooks_for(store) is webhooks_for(store)
    assert isinstance(webhooks_for(store), Webhooks)


def test_a_receiver_with_another_secret_refuses_the_signature(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 1)
    register(client, receiver)
    other = client.post("/webhooks", json={"url": "https://receiver.example/"}).json()
    client.delete(f"/webhooks/{other['id']}")
    receiver.secret = other["secret"]
    deliverer(store, attempts=1, webhooks=webhooks_for(store)).deliver()
    assert 2 == receiver.refused
    assert [] == receiver.received
    assert ["answered 400"] * 2 == [letter.error for letter in webhooks_for(store).dead_letters()]


def test_a_running_deliverer_delivers_until_it_is_stopped(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 1)
    register(client, receiver)
    stop = threading.Event()

    def post(url: str, headers: Any, body: bytes) -> int:
        status = post_with_urllib(url, headers, body)
        if len(receiver.received) == 2:
            stop.set()  # both events are in: stop after this pass
        return status

    runner = threading.Thread(target=deliverer(store, post=post).run, args=(stop,))
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive()
    assert committed(store) == receiver.ids()


def test_a_deliverer_stopped_during_a_pause_leaves_the_event_for_the_next(
    store: Store, clock: trajectory.ManualClock, receiver: Receiver
) -> None:
    client = service(store, clock)
    walked(client, 1)
    hook = register(client, receiver)
    first = committed(store)[0]
    receiver.failing[first] = 1
    stop = threading.Event()
    deliverer(store, sleep=lambda seconds: stop.set()).run(stop)
    assert [first] == receiver.failed
    assert [] == webhooks_for(store).dead_letters()
    assert 0 == client.get(f"/webhooks/{hook['id']}").json()["position"]
    assert 2 == deliverer(store).deliver()
    assert committed(store) == receiver.ids()


@pytest.mark.end_to_end
def test_serve_with_deliver_posts_the_events_to_the_webhooks(
    tmp_path: Path, receiver: Receiver
) -> None:
    import time
    import urllib.error
    import urllib.request

    from tests.service.test_serve import create_key, free_port, serving, stop

    db = f"sqlite:///{tmp_path / 'serve.db'}"
    port = free_port()
    key = create_key(db, "--role", "office", "--name", "Bureau")
    process = serving(db, port, "--deliver", "--base-url", BASE, "--workers", "2")
    try:

        def call(path: str, body: Any) -> Any:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                data=json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())

        for _ in range(300):  # uvicorn says it started just before its workers listen
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=30)
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        receiver.secret = call("/webhooks", {"url": receiver.url})["secret"]
        school = {"name": "S", "sector": "po", "board": "B", "brin": "01AB00"}
        made = call(
            "/trajectories",
            {"school": school, "offer": "leven-lang-lezen", "school_year": "2026-2027"},
        )
        for _ in range(600):  # the deliverers look every second; at most a minute
            if receiver.received:
                break
            time.sleep(0.1)
    finally:
        stop(process)
    assert [made["id"]] == [event["subject"] for event in receiver.received]
    assert BASE == receiver.received[0]["source"]
