"""Every role against every operation on one board's application and its locations.

The programme office makes a board's application for two locations and submits it.
Then each other key tries every operation of the OpenAPI document on them, with a body
that would be accepted: another board and an expert school of another offer get a 404
on every read, worded as for an id that does not exist, and a 403 or 404 on every
write; the auditor may read but never change anything. Afterwards every trajectory and
its history are as they were.
"""

from __future__ import annotations

from typing import Any, Final

import pytest
from starlette.testclient import TestClient

import trajectory
from tests.service.conftest import ORIENTATION, PLAN, SCHOOL, TEAM
from tests.service.test_access import OTHER_BOARD, ROUND, Keys
from trajectory.service import openapi_document
from trajectory.store import Store

TALK: Final = {"kind": "exploratory_talk", "date": "2024-05-01"}
#: A body for each operation that the office could send (the rest take ``{}``).
BODIES: Final[dict[str, Any]] = {
    "hold_orientation": ORIENTATION,
    "add_participant": {"name": "Fenna", "role": "teacher", "planned_hours": 150},
    "write_activity_plan": PLAN,
    "talks": TALK,
    "reject": {"reason": "No.", "codes": []},
    "withdraw": {"reason": "Another year."},
    "objections": {"grounds": "It was on time."},
    "objection-decision": {"upheld": False, "reason": "No."},
    "request-completion": {"deadline": "2024-05-20"},
}
#: The roles that must not even learn that the board's data exists.
STRANGERS: Final = ("other_board", "other_expert_school")


def _location(office: TestClient, brin: str) -> str:
    school = {**SCHOOL, "name": f"School {brin}", "brin": brin}
    made = office.post(
        "/trajectories",
        json={"school": school, "offer": "leven-lang-lezen", "school_year": "2024-2025"},
    )
    assert 201 == made.status_code, made.text
    trajectory_id: str = made.json()["id"]
    fire = f"/trajectories/{trajectory_id}/events"
    assert 200 == office.post(f"{fire}/hold_orientation", json=ORIENTATION).status_code
    assert 200 == office.post(f"{fire}/register", json={}).status_code
    for name, role, hours in TEAM:
        body = {"name": name, "role": role, "planned_hours": hours}
        assert 200 == office.post(f"{fire}/add_participant", json=body).status_code
    assert 200 == office.post(f"{fire}/write_activity_plan", json=PLAN).status_code
    return trajectory_id


@pytest.fixture
def keys(store: Store, clock: trajectory.ManualClock) -> Keys:
    return Keys(store, clock)


@pytest.fixture
def board_data(keys: Keys) -> dict[str, str]:
    """The board's submitted application for two locations, and a third location that
    is in no application."""
    office = keys.client("office")
    first, second, loose = (_location(office, brin) for brin in ("11AB00", "12AB00", "14AB00"))
    made = office.post(
        "/applications",
        json={"board": SCHOOL["board"], "round": ROUND, "locations": [first, second]},
    )
    assert 201 == made.status_code, made.text
    application = made.json()["id"]
    assert 200 == office.post(f"/applications/{application}/talks", json=TALK).status_code
    submitted = office.post(f"/applications/{application}/submit", json={})
    assert 200 == submitted.status_code, submitted.text
    return {"application": application, "first": first, "second": second, "loose": loose}


def _requests(data: dict[str, str]) -> list[tuple[str, str, Any]]:
    """Every operation of the document with an id on the board's data: method, path,
    body; and the operations that read or act on the board's data through a body."""
    found: list[tuple[str, str, Any]] = []
    for path, item in openapi_document()["paths"].items():
        if "{id}" not in path:
            continue
        last = path.rsplit("/", 1)[-1]
        for method in item:
            body = BODIES.get(last, {}) if method == "post" else None
            if path.startswith("/applications"):
                found.append((method.upper(), path.replace("{id}", data["application"]), body))
            else:
                for key in ("first", "loose", "application"):
                    found.append((method.upper(), path.replace("{id}", data[key]), body))
    new = {"board": SCHOOL["board"], "round": ROUND, "locations": [data["loose"]]}
    found.append(("POST", "/applications", new))
    return found


def _state(store: Store, data: dict[str, str]) -> dict[str, Any]:
    """What the store holds of the board's data: each trajectory's version, state and
    history, and the list of every trajectory."""
    held: dict[str, Any] = {
        key: (found.version, found.state, [event.name for event in found.history])
        for key, found in ((key, store.load(value)) for key, value in data.items())
    }
    held["all"] = sorted(summary.id for summary in store.list())
    return held


def _unknown(path: str, data: dict[str, str]) -> str:
    for value in data.values():
        path = path.replace(value, "no-such-id")
    return path


@pytest.mark.parametrize("who", STRANGERS)
def test_a_stranger_learns_nothing_and_changes_nothing(
    keys: Keys, board_data: dict[str, str], store: Store, who: str
) -> None:
    before = _state(store, board_data)
    client = keys.client(who)
    for method, path, body in _requests(board_data):
        response = client.request(method, path, json=body)
        if path == "/applications":  # the board's location, named in a body
            assert response.status_code in (403, 422), (who, path, response.text)
            continue
        if method == "GET":
            missing = client.request(method, _unknown(path, board_data))
            assert (404, 404) == (response.status_code, missing.status_code), (who, path)
            shown = response.json()["detail"]
            for value in board_data.values():
                shown = shown.replace(value, "no-such-id")
            assert missing.json() == {**response.json(), "detail": shown}
        else:
            assert response.status_code in (403, 404), (who, method, path, response.text)
    listed = client.get("/trajectories").json()["items"]
    assert not set(board_data.values()) & {item["id"] for item in listed}
    assert before == _state(store, board_data)


def test_the_auditor_reads_everything_and_changes_nothing(
    keys: Keys, board_data: dict[str, str], store: Store
) -> None:
    before = _state(store, board_data)
    auditor = keys.client("auditor")
    for method, path, body in _requests(board_data):
        response = auditor.request(method, path, json=body)
        if method == "GET":
            assert response.status_code in (200, 404), (path, response.text)
            if "/applications/" in path or board_data["application"] not in path:
                assert 200 == response.status_code, (path, response.text)
        else:
            assert response.status_code in (403, 404), (method, path, response.text)
    for path in (f"/rounds/{ROUND}/ledger", f"/rounds/{ROUND}/applications"):
        assert 200 == auditor.get(path).status_code
    made = auditor.post(
        "/trajectories",
        json={"school": SCHOOL, "offer": "leven-lang-lezen", "school_year": "2024-2025"},
    )
    assert 403 == made.status_code
    assert before == _state(store, board_data)


def test_the_board_and_the_expert_school_see_their_own(
    keys: Keys, board_data: dict[str, str]
) -> None:
    """The same requests are not refused wholesale: the board reads its application and
    locations, the expert school of the offer its locations."""
    board, expert = keys.client("board"), keys.client("expert_school")
    assert 200 == board.get(f"/applications/{board_data['application']}").status_code
    for key in ("first", "second", "loose"):
        assert 200 == board.get(f"/trajectories/{board_data[key]}").status_code
        assert 200 == expert.get(f"/trajectories/{board_data[key]}").status_code
    other = keys.client("other_board")
    theirs = {**SCHOOL, "board": OTHER_BOARD, "brin": "13AB00"}
    made = other.post(
        "/trajectories",
        json={"school": theirs, "offer": "leven-lang-lezen", "school_year": "2024-2025"},
    )
    assert 201 == made.status_code
    assert 404 == board.get(f"/trajectories/{made.json()['id']}").status_code
