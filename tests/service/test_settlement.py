"""After the grant, over HTTP: a location that stops, the settlement request and the
settlement, which releases on the round's ledger what the grants no longer need."""

from __future__ import annotations

from decimal import Decimal

from starlette.testclient import TestClient

import trajectory
from tests.service.test_applications import act
from tests.service.test_trajectories import problem
from trajectory.service import create_app
from trajectory.service.credentials import MemoryCredentials
from trajectory.store import Store
from trajectory.testing import MadeApplication, make_application


class Keys:
    """A service with an office key and a key of the application's board."""

    def __init__(self, made: MadeApplication, clock: trajectory.ManualClock) -> None:
        credentials = MemoryCredentials()
        self.app = create_app(made.store, clock=clock, credentials=credentials)
        self.tokens: dict[str, str] = {}
        self.actors: dict[str, str] = {}
        for who, role, scope in (
            ("office", "office", None),
            ("board", "board", made.application.board),
        ):
            key, token = credentials.create(name=f"the {who}", role=role, scope=scope)
            self.tokens[who], self.actors[who] = token, key.actor

    def client(self, who: str) -> TestClient:
        return TestClient(self.app, headers={"Authorization": f"Bearer {self.tokens[who]}"})


def test_a_location_stops_and_is_settled_releasing_what_it_no_longer_needs(
    store: Store, clock: trajectory.ManualClock
) -> None:
    """The board reports that the granted location of a single-location application
    (settled ex officio) stops; the office settles it: the location is settled on its
    hours (none), and its whole grant is released."""
    made = make_application("decided", locations=1, store=store, clock=clock)
    (first,) = made.application.locations
    keys = Keys(made, clock)
    with keys.client("board") as board, keys.client("office") as office:
        stopped = act(board, made.id, "stop", {"location": first, "reason": "The team left."})
        assert 200 == stopped.status_code, stopped.text
        location = office.get(f"/trajectories/{first}").json()
        assert "stopped" == location["state"]
        assert ["stopping"] == [report["kind"] for report in location["data"]["change_reports"]]
        history = office.get(f"/trajectories/{first}/history").json()
        assert keys.actors["board"] == history[-1]["actor"]
        problem(act(board, made.id, "settle", {"locations": [first]}), 403, "forbidden")
        before = made.office.ledger(made.application.round).committed
        settled = act(office, made.id, "settle", {"locations": [first]})
        assert 200 == settled.status_code, settled.text
        assert "settled" == office.get(f"/trajectories/{first}").json()["state"]
    after = made.office.ledger(made.application.round)
    assert before - Decimal("21200.00") == after.committed
    assert Decimal("21200.00") == after.released


def test_a_settlement_request_too_early_is_refused_with_every_location(
    store: Store, clock: trajectory.ManualClock
) -> None:
    """Two locations cross the threshold, so the board files a settlement request; while
    they are still granted (not completed or stopped) it is refused, each violation
    placed at its location, and nothing moves."""
    made = make_application("decided", locations=2, store=store, clock=clock)
    keys = Keys(made, clock)
    with keys.client("board") as board:
        refused = problem(
            act(board, made.id, "settlement-request", {"report": "What we did."}), 422, "refused"
        )
    places = {violation["location"] for violation in refused["violations"]}
    assert set(made.application.locations) == places
    assert all(violation["message"] for violation in refused["violations"])
    assert all("granted" == store.load(one).state for one in made.application.locations)
