"""Access by role: a key for each role, what it sees and what it may do (SPEC §9)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
from starlette.testclient import TestClient

import trajectory
from tests.service.conftest import NEW, ORIENTATION, SCHOOL
from tests.service.test_trajectories import problem
from trajectory.service import create_app, openapi_document
from trajectory.service.access import load_policy
from trajectory.service.credentials import MemoryCredentials, SqlCredentials, credentials_for
from trajectory.store import Store

OTHER_BOARD: Final = "Stichting Anders"
#: The expert school of the offer leven-lang-lezen in the shipped catalog.
EXPERT_SCHOOL: Final = "OBS Het Klokhuis"
ROUND: Final = "2024-2025/main"


class Keys:
    """A service with keys, and a client per role."""

    def __init__(self, store: Store, clock: trajectory.ManualClock) -> None:
        self.credentials = MemoryCredentials()
        self.app = create_app(store, clock=clock, credentials=self.credentials)
        self.tokens: dict[str, str] = {}
        self.actors: dict[str, str] = {}
        for who, role, scope in (
            ("office", "office", None),
            ("board", "board", SCHOOL["board"]),
            ("other_board", "board", OTHER_BOARD),
            ("expert_school", "expert_school", EXPERT_SCHOOL),
            ("other_expert_school", "expert_school", "RKBS Drie Koningen"),
            ("auditor", "auditor", None),
        ):
            made, token = self.credentials.create(name=f"the {who}", role=role, scope=scope)
            self.tokens[who] = token
            self.actors[who] = made.actor

    def client(self, who: str | None) -> TestClient:
        headers = {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}
        return TestClient(self.app, headers=headers)


@pytest.fixture
def keys(store: Store, clock: trajectory.ManualClock) -> Keys:
    return Keys(store, clock)


@pytest.fixture
def office(keys: Keys) -> Iterator[TestClient]:
    with keys.client("office") as client:
        yield client


def leertraject(client: TestClient) -> str:
    made = client.post("/trajectories", json=NEW)
    assert 201 == made.status_code, made.text
    trajectory_id: str = made.json()["id"]
    return trajectory_id


def test_every_request_but_the_document_needs_a_key(keys: Keys) -> None:
    anonymous = keys.client(None)
    for response in (
        anonymous.get("/trajectories"),
        anonymous.post("/trajectories", json=NEW),
        anonymous.get("/trajectories/x", headers={"Authorization": "Bearer trj_nothing_here"}),
        anonymous.get("/trajectories", headers={"Authorization": "Basic b2ZmaWNlOnB3"}),
    ):
        problem(response, 401, "unauthenticated")
        assert "Bearer" == response.headers["www-authenticate"]
    assert 200 == anonymous.get("/openapi.json").status_code


def test_a_revoked_key_is_refused(keys: Keys) -> None:
    client = keys.client("auditor")
    assert 200 == client.get("/trajectories").status_code
    auditor = next(c for c in keys.credentials.all() if c.role == "auditor")
    keys.credentials.revoke(auditor.id)
    problem(client.get("/trajectories"), 401, "unauthenticated")


def test_the_actor_in_the_history_is_the_keys_holder(keys: Keys, office: TestClient) -> None:
    trajectory_id = leertraject(office)
    expert = keys.client("expert_school")
    fired = expert.post(
        f"/trajectories/{trajectory_id}/events/hold_orientation",
        json=ORIENTATION,
        headers={"X-Actor": "someone else"},
    )
    assert 200 == fired.status_code, fired.text
    history = office.get(f"/trajectories/{trajectory_id}/history").json()
    assert [keys.actors["office"], keys.actors["expert_school"]] == [e["actor"] for e in history]


def test_a_board_sees_and_lists_its_own_only(keys: Keys, office: TestClient) -> None:
    own = leertraject(office)
    other_school = {**SCHOOL, "board": OTHER_BOARD, "brin": "13AB00"}
    others = office.post("/trajectories", json={**NEW, "school": other_school}).json()["id"]
    board = keys.client("board")
    assert 200 == board.get(f"/trajectories/{own}").status_code
    hidden = board.get(f"/trajectories/{others}")
    missing = board.get("/trajectories/no-such-id")
    assert problem(hidden, 404, "not-found")["detail"].replace(others, "ID") == problem(
        missing, 404, "not-found"
    )["detail"].replace("no-such-id", "ID")
    assert [own] == [item["id"] for item in board.get("/trajectories").json()["items"]]
    assert [] == board.get("/trajectories", params={"board": OTHER_BOARD}).json()["items"]
    assert 2 == len(office.get("/trajectories").json()["items"])


def test_an_expert_school_sees_the_leertrajects_of_its_offers(
    keys: Keys, office: TestClient
) -> None:
    own = leertraject(office)
    expert, other = keys.client("expert_school"), keys.client("other_expert_school")
    assert [own] == [item["id"] for item in expert.get("/trajectories").json()["items"]]
    assert [] == other.get("/trajectories").json()["items"]
    problem(other.get(f"/trajectories/{own}"), 404, "not-found")
    ok = expert.post(f"/trajectories/{own}/events/hold_orientation", json=ORIENTATION)
    assert 200 == ok.status_code, ok.text
    problem(expert.post(f"/trajectories/{own}/events/register", json={}), 403, "forbidden")
    problem(expert.get(f"/rounds/{ROUND}/ledger"), 403, "forbidden")


def test_each_role_may_fire_what_the_policy_gives_it(keys: Keys, office: TestClient) -> None:
    own = leertraject(office)
    fire = f"/trajectories/{own}/events/hold_orientation"
    problem(keys.client("board").post(fire, json=ORIENTATION), 403, "forbidden")
    problem(keys.client("auditor").post(fire, json=ORIENTATION), 403, "forbidden")
    assert 1 == office.get(f"/trajectories/{own}").json()["version"]
    assert 200 == office.post(fire, json=ORIENTATION).status_code
    register = f"/trajectories/{own}/events/register"
    assert 200 == keys.client("board").post(register, json={}).status_code


def test_a_board_starts_and_applies_for_its_own_schools_only(keys: Keys) -> None:
    board = keys.client("board")
    own = leertraject(board)
    other_school = {**SCHOOL, "board": OTHER_BOARD, "brin": "13AB00"}
    refused = board.post("/trajectories", json={**NEW, "school": other_school})
    problem(refused, 403, "forbidden")
    theirs = keys.client("other_board").post("/trajectories", json={**NEW, "school": other_school})
    theirs_id = theirs.json()["id"]
    for_other = {"board": OTHER_BOARD, "round": ROUND, "locations": [theirs_id]}
    problem(board.post("/applications", json=for_other), 403, "forbidden")
    with_theirs = {"board": SCHOOL["board"], "round": ROUND, "locations": [theirs_id]}
    unknown = {"board": SCHOOL["board"], "round": ROUND, "locations": ["no-such-id"]}
    hidden = problem(board.post("/applications", json=with_theirs), 422, "invalid-data")
    missing = problem(board.post("/applications", json=unknown), 422, "invalid-data")
    assert hidden["detail"].replace(theirs_id, "ID") == missing["detail"].replace(
        "no-such-id", "ID"
    )
    made = board.post(
        "/applications", json={"board": SCHOOL["board"], "round": ROUND, "locations": [own]}
    )
    assert 201 == made.status_code, made.text


def _operations(trajectory_id: str, application_id: str) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document on one trajectory or application."""
    found = []
    for path, item in openapi_document()["paths"].items():
        for method in item:
            if "{id}" in path:
                chosen = application_id if path.startswith("/applications") else trajectory_id
                found.append((method.upper(), path.replace("{id}", chosen)))
    return found


@pytest.mark.parametrize("who", ["other_board", "other_expert_school"])
def test_another_boards_data_reveals_nothing_to_any_operation(
    keys: Keys, office: TestClient, who: str
) -> None:
    """Every operation on a leertraject and an application of another board answers as
    on an id that does not exist: a 404, the same words, nothing changed."""
    own = leertraject(office)
    application = office.post(
        "/applications", json={"board": SCHOOL["board"], "round": ROUND, "locations": [own]}
    ).json()["id"]
    versions = {i: office.get(f"/trajectories/{i}").json()["version"] for i in (own, application)}
    client = keys.client(who)
    for method, path in _operations(own, application):
        response = client.request(method, path, json={} if method == "POST" else None)
        missing = client.request(
            method,
            path.replace(own, "no-such-id").replace(application, "no-such-id"),
            json={} if method == "POST" else None,
        )
        assert (404, 404) == (response.status_code, missing.status_code), (path, response.text)
        words = response.json()["detail"].replace(own, "ID").replace(application, "ID")
        assert words == missing.json()["detail"].replace("no-such-id", "ID")
    after = {i: office.get(f"/trajectories/{i}").json()["version"] for i in (own, application)}
    assert versions == after


def test_the_auditor_reads_everything_and_changes_nothing(keys: Keys, office: TestClient) -> None:
    own = leertraject(office)
    auditor = keys.client("auditor")
    assert 200 == auditor.get(f"/trajectories/{own}").status_code
    assert 200 == auditor.get(f"/rounds/{ROUND}/ledger").status_code
    assert 200 == auditor.get("/due-decisions", params={"by": "2025-01-01"}).status_code
    problem(auditor.post("/trajectories", json=NEW), 403, "forbidden")
    problem(auditor.post(f"/trajectories/{own}/events/register"), 403, "forbidden")
    assert 1 == len(office.get("/trajectories").json()["items"])


def test_idempotency_keys_are_each_holders_own(keys: Keys) -> None:
    board, other = keys.client("board"), keys.client("other_board")
    headers = {"Idempotency-Key": "same"}
    mine = board.post("/trajectories", json=NEW, headers=headers)
    other_school = {**SCHOOL, "board": OTHER_BOARD, "brin": "13AB00"}
    theirs = other.post("/trajectories", json={**NEW, "school": other_school}, headers=headers)
    assert (201, 201) == (mine.status_code, theirs.status_code)
    assert "idempotent-replayed" not in theirs.headers


def test_the_shipped_policy_names_known_events_and_is_assumed() -> None:
    from trajectory.ontwikkelkracht.bootstrap import programme

    policy = load_policy(frozenset(programme().leertraject.events))
    assert not policy.confirmed
    assert policy.source
    assert "log_hours" in policy.roles["expert_school"].events
    with pytest.raises(trajectory.DefinitionError, match="fly"):
        load_policy(frozenset({"register"}), '[roles.board]\nevents = ["fly"]\n')


def test_keys_are_kept_hashed_in_the_database(sqlite_url: str) -> None:
    import sqlite3

    with trajectory.open_store(sqlite_url) as store:
        credentials = credentials_for(store)
        assert isinstance(credentials, SqlCredentials)
        made, token = credentials.create(name="Bureau", role="office")
        assert made == credentials.authenticate(token)
        assert credentials.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        stored: list[Any] = conn.execute("SELECT * FROM trajectory_service_credentials").fetchall()
    assert token.split("_", 2)[2] not in str(stored)
    with trajectory.open_store(sqlite_url) as store:
        credentials = credentials_for(store)
        credentials.revoke(made.id)
        assert credentials.authenticate(token) is None
        assert credentials.all()[0].revoked_at is not None
