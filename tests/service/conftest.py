"""The service on a store of each kind, with Starlette's TestClient.

The stores' URLs come from the store tests' fixtures (``tests/store/conftest.py``):
SQLite in a file of the test's own, PostgreSQL in a schema of its own (skipped when
no server is configured).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Final

import pytest
from starlette.testclient import TestClient

import trajectory
from tests.store.conftest import (  # noqa: F401 - fixtures for the tests here
    memory_url,
    postgres_schema,
    postgres_server,
    postgres_url,
    sqlite_url,
)
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.service import create_app
from trajectory.store import Store

BOARD: Final = "Stichting Primair"
SCHOOL: Final = {"name": "OBS De Linde", "sector": "po", "board": BOARD, "brin": "12AB00"}
NEW: Final = {"school": SCHOOL, "offer": "leven-lang-lezen", "school_year": "2024-2025"}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NETHERLANDS)


@pytest.fixture
def clock() -> trajectory.ManualClock:
    """1 May 2024: the main round of 2024-2025 is open."""
    return trajectory.ManualClock(at(dt.date(2024, 5, 1)))


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """The URL of a new store of each kind."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def store(clock: trajectory.ManualClock) -> Iterator[Store]:
    """A memory store (where the kind of store does not matter)."""
    with trajectory.open_store("memory://", clock=clock) as opened:
        yield opened


@pytest.fixture
def client(store: Store, clock: trajectory.ManualClock) -> Iterator[TestClient]:
    with TestClient(create_app(store, clock=clock)) as made:
        yield made


def created(client: TestClient, school: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new leertraject, as the service shows it."""
    response = client.post("/trajectories", json={**NEW, "school": school or SCHOOL})
    assert 201 == response.status_code, response.text
    document: dict[str, Any] = response.json()
    return document


def fire(
    client: TestClient, trajectory_id: str, event: str, body: Any = None, **headers: str
) -> Any:
    return client.post(
        f"/trajectories/{trajectory_id}/events/{event}",
        json={} if body is None else body,
        headers=headers,
    )


ORIENTATION: Final = {
    "date": "2024-05-01",
    "learning_question": "How do we read more?",
    "conclusion": "positive",
    "report": "It fits.",
}
TEAM: Final = (
    ("Anna", "school_leader", 200),
    ("Bram", "teacher", "150"),
    ("Chloé", "teacher", 150.0),
    ("Daan", "teacher", 150),
    ("Eva", "teacher", 150),
)
PLAN: Final = {
    "report": "Report of the orientation talk.",
    "willing_and_able": "Willing and able.",
    "leadership_commitment": "Committed.",
    "team_support": "Supported.",
}


def ready_location(client: TestClient, name: str, brin: str, *, plan: bool = True) -> str:
    """A leertraject walked over HTTP to application_in_preparation, with its team
    (and its activity plan unless ``plan`` is false)."""
    made = created(client, {**SCHOOL, "name": name, "brin": brin})
    trajectory_id: str = made["id"]
    for event, body in (("hold_orientation", ORIENTATION), ("register", {})):
        assert 200 == fire(client, trajectory_id, event, body).status_code
    for person, role, hours in TEAM:
        body = {"name": person, "role": role, "planned_hours": hours}
        response = fire(client, trajectory_id, "add_participant", body)
        assert 200 == response.status_code, response.text
    if plan:
        assert 200 == fire(client, trajectory_id, "write_activity_plan", PLAN).status_code
    return trajectory_id
