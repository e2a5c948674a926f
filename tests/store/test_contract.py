"""The store contract: every store behaves alike, whatever keeps the records.

:class:`StoreContract` holds the tests; each backend runs all of them by
subclassing it and saying how to open a fresh store (and how to damage a record
behind the store's back), as pytransitions re-runs its suite per machine.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

import trajectory
from tests.builders import IN_WINDOW, SCHOOL, at_state, new
from tests.store.aggregates import BUDGET, budget_round
from trajectory import (
    ConcurrencyConflict,
    CorruptRecord,
    Event,
    InvalidData,
    ManualClock,
    School,
    Store,
    StoreError,
    Trajectory,
    TrajectoryNotFound,
    open_store,
)
from trajectory.engine.fields import name_key
from trajectory.engine.serialization import dump_event, dump_snapshot
from trajectory.ontwikkelkracht import programme
from trajectory.ontwikkelkracht.guards import NETHERLANDS
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE
from trajectory.store import Blocked, MemoryStore, OutboxEntry, Summary
from trajectory.store.sql import SqlStore
from trajectory.store.sql import events as events_table
from trajectory.store.sql import trajectories as trajectories_table

OTHER_SCHOOL = School(name="CBS De Wiek", sector="po", board="Stichting Anders", brin="34CD00")

#: Inside the 2025-2026 application window.
NEXT_YEAR = dt.datetime(2025, 5, 2, 10, 0, tzinfo=NETHERLANDS)


def talk(t: Trajectory[Any]) -> Event:
    """Record another exploratory talk (the trajectory stays where it is)."""
    return t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))


def save_together(store: Store, *aggregates: Trajectory[Any]) -> None:
    """Save ``aggregates`` in one unit of work."""
    with store.unit_of_work() as uow:
        for aggregate in aggregates:
            uow.save(aggregate)


def everything(store: Store) -> list[OutboxEntry]:
    """The whole outbox."""
    return store.read_outbox(limit=10_000)


def as_json(document: Any) -> Any:
    """``document`` as a store gives it back (tuples become lists)."""
    return json.loads(json.dumps(document))


def strings(document: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, list):
        for item in document:
            yield from strings(item)
    elif isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from strings(value)


def occurrences(document: Any, name: str) -> int:
    """How often ``name`` (case and blanks ignored) is a whole string in ``document``."""
    return sum(1 for text in strings(document) if name_key(text) == name_key(name))


class StoreContract:
    """The behaviour every store promises. Subclasses give ``store_url`` and the
    two ways to damage stored records."""

    @pytest.fixture
    def store_url(self) -> str:
        """The URL of a fresh, empty store (each backend says which)."""
        raise NotImplementedError

    @pytest.fixture
    def clock(self) -> ManualClock:
        """The clock the store gives the trajectories it loads."""
        return ManualClock(IN_WINDOW)

    @pytest.fixture
    def store(self, store_url: str, clock: ManualClock) -> Iterator[Store]:
        with open_store(store_url, clock=clock) as store:
            yield store

    def corrupt_snapshot(self, store: Store, trajectory_id: str) -> None:
        """Make the stored snapshot of the trajectory unreadable."""
        raise NotImplementedError

    def set_event_version(self, store: Store, trajectory_id: str, sequence: int, v: int) -> None:
        """Give a stored event document the schema version ``v``."""
        raise NotImplementedError

    # -- saving and loading ---------------------------------------------------------------

    @pytest.mark.parametrize(
        "state",
        [
            "orientation_requested",
            "application_in_preparation",
            "in_progress",
            "settled",
            "stopped",
        ],
    )
    def test_save_then_load_gives_an_equal_trajectory(self, store: Store, state: str) -> None:
        """What is loaded equals what was saved: state, data and the whole history."""
        saved = at_state(state)
        store.save(saved)
        loaded = store.load(saved.id)
        assert saved == loaded
        assert state == loaded.state
        assert saved.version == loaded.saved_version
        assert () == loaded.unsaved_events()

    def test_save_marks_the_trajectory_saved(self, store: Store) -> None:
        """After a save, the trajectory has no unsaved events left."""
        t = at_state("orientation_held")
        assert 3 == len(t.unsaved_events())
        store.save(t)
        assert 3 == t.saved_version
        assert () == t.unsaved_events()

    def test_the_loaded_trajectory_is_independent_of_the_store(self, store: Store) -> None:
        """Firing on a loaded trajectory changes nothing stored until it is saved."""
        t = new()
        store.save(t)
        loaded = store.load(t.id)
        talk(loaded)
        assert t == store.load(t.id)

    def test_saving_again_appends_only_the_new_events(self, store: Store) -> None:
        """A second save writes the events fired since the first, and no others."""
        t = new()
        store.save(t)
        talk(t)
        talk(t)
        store.save(t)
        assert t == store.load(t.id)
        assert [(t.id, 1), (t.id, 2), (t.id, 3)] == [
            (entry.trajectory_id, entry.sequence) for entry in everything(store)
        ]

    def test_saving_again_after_loading_appends_only_the_new_events(self, store: Store) -> None:
        """A loaded trajectory counts as saved: saving it writes only what it fired since."""
        t = at_state("orientation_held")
        store.save(t)
        loaded = store.load(t.id)
        loaded.fire("register")
        store.save(loaded)
        assert "application_in_preparation" == store.load(t.id).state
        assert [1, 2, 3, 4] == [entry.sequence for entry in everything(store)]

    def test_saving_without_new_events_is_a_no_op(self, store: Store) -> None:
        """Nothing is written, and no subscriber is told, when nothing happened."""
        t = new()
        store.save(t)
        before = everything(store)
        calls: list[object] = []
        store.subscribe(lambda t, events: calls.append(events))
        store.save(t)
        store.save(store.load(t.id))
        assert before == everything(store)
        assert [] == calls
        assert t == store.load(t.id)

    def test_loading_an_unknown_id_raises_trajectory_not_found(self, store: Store) -> None:
        """An unknown id is TrajectoryNotFound, which is also a KeyError."""
        with pytest.raises(TrajectoryNotFound) as caught:
            store.load("no-such-trajectory")
        assert isinstance(caught.value, KeyError)
        assert isinstance(caught.value, StoreError)
        assert "no-such-trajectory" == caught.value.trajectory_id
        with pytest.raises(KeyError):
            store.history("no-such-trajectory")

    @pytest.mark.parametrize("bad", ["", None, 42])
    def test_loading_a_malformed_id_raises_invalid_data(self, store: Store, bad: Any) -> None:
        """An id that is not a non-empty string is InvalidData, not a driver error."""
        with pytest.raises(InvalidData):
            store.load(bad)

    def test_saving_something_else_raises_invalid_data(self, store: Store) -> None:
        """Only trajectories can be saved."""
        with pytest.raises(InvalidData):
            store.save("not a trajectory")  # type: ignore[arg-type]

    # -- optimistic concurrency ---------------------------------------------------------------

    def test_a_stale_save_raises_a_conflict_and_writes_nothing(self, store: Store) -> None:
        """Of two copies loaded at the same version, the second to save is refused;
        the stored history and the outbox stay as the first left them."""
        t = new()
        store.save(t)
        first, second = store.load(t.id), store.load(t.id)
        talk(first)
        store.save(first)
        history, outbox = store.history(t.id), everything(store)
        talk(second)
        talk(second)
        with pytest.raises(ConcurrencyConflict) as caught:
            store.save(second)
        assert t.id == caught.value.trajectory_id
        assert 1 == caught.value.expected
        assert history == store.history(t.id)
        assert outbox == everything(store)
        assert first == store.load(t.id)
        assert 2 == len(second.unsaved_events())  # still to be saved: nothing was

    def test_two_new_trajectories_with_the_same_id_conflict(self, store: Store) -> None:
        """Creating a trajectory under an id that is taken is refused; nothing is written."""
        first = new(id="same-id")
        store.save(first)
        outbox = everything(store)
        clash = new(id="same-id", school=OTHER_SCHOOL)
        with pytest.raises(ConcurrencyConflict) as caught:
            store.save(clash)
        assert "same-id" == caught.value.trajectory_id
        assert 0 == caught.value.expected
        assert first == store.load("same-id")
        assert outbox == everything(store)

    def test_racing_writers_never_lose_an_update(self, store: Store) -> None:
        """Several threads save copies of the same version at once: exactly one wins,
        the others are refused, and the store holds the winner's history."""
        t = new()
        store.save(t)
        copies = [store.load(t.id) for _ in range(4)]
        for copy in copies:
            talk(copy)
        outcomes: list[str] = []
        start = threading.Barrier(len(copies))

        def save(copy: Trajectory[Any]) -> None:
            start.wait()
            try:
                store.save(copy)
            except ConcurrencyConflict:
                outcomes.append("conflict")
            else:
                outcomes.append("saved")

        threads = [threading.Thread(target=save, args=(copy,)) for copy in copies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert ["conflict"] * 3 + ["saved"] == sorted(outcomes)
        winner = next(copy for copy in copies if not copy.unsaved_events())
        assert winner == store.load(t.id)
        assert [1, 2] == [entry.sequence for entry in everything(store)]

    # -- queries ------------------------------------------------------------------------------

    def test_list_filters_by_every_column_and_their_combinations(self, store: Store) -> None:
        """list() returns the trajectories matching every filter given."""
        a = new()
        b = at_state("application_in_preparation")
        c = new(offer="gedrag-en-leren", school=OTHER_SCHOOL)
        d = new(school_year="2025-2026", clock=ManualClock(NEXT_YEAR))
        for t in (a, b, c, d):
            store.save(t)

        def found(**filters: str) -> set[str]:
            return {summary.id for summary in store.list(**filters)}

        assert {a.id, b.id, c.id, d.id} == found()
        assert {a.id, c.id, d.id} == found(state="orientation_requested")
        assert {b.id} == found(state="application_in_preparation")
        assert {d.id} == found(school_year="2025-2026")
        assert {a.id, b.id, c.id} == found(school_year="2024-2025")
        assert {c.id} == found(offer="gedrag-en-leren")
        assert {c.id} == found(board="Stichting Anders")
        assert {c.id} == found(school="34CD00")
        assert {a.id, b.id, c.id, d.id} == found(lifecycle=LIFECYCLE.name)
        assert set() == found(lifecycle="another.lifecycle")
        assert {a.id, c.id} == found(state="orientation_requested", school_year="2024-2025")
        assert {b.id} == found(board=SCHOOL.board, state="application_in_preparation")
        assert {d.id} == found(offer="leven-lang-lezen", school_year="2025-2026", school="12AB00")
        assert set() == found(state="settled")
        assert set() == found(board="Stichting Anders", school_year="2025-2026")

    def test_list_describes_each_trajectory(self, store: Store) -> None:
        """A summary carries the id, lifecycle, state, version, last update and the
        values the lifecycle indexes it by; the leertraject's read by name too."""
        t = at_state("application_in_preparation")
        store.save(t)
        expected = Summary(
            t.id,
            LIFECYCLE.name,
            "application_in_preparation",
            t.version,
            t.history[-1].timestamp,
            {
                "school_year": "2024-2025",
                "offer": "leven-lang-lezen",
                "board": SCHOOL.board,
                "school": SCHOOL.brin,
            },
        )
        assert [expected] == store.list()
        (summary,) = store.list()
        assert ("2024-2025", "leven-lang-lezen", SCHOOL.board, SCHOOL.brin) == (
            summary.school_year,
            summary.offer,
            summary.board,
            summary.school,
        )

    def test_list_refuses_a_key_no_lifecycle_declares(self, store: Store) -> None:
        """A filter key that none of the store's lifecycles is indexed by is
        InvalidData naming it; the keys the store lists by are its lifecycles'."""
        store.save(new())
        with pytest.raises(InvalidData) as caught:
            store.list(colour="blue")
        assert "colour" == caught.value.field
        assert {
            key for lifecycle in programme() for key in lifecycle.index_keys
        } == store.index_keys
        assert set(LIFECYCLE.index_keys) | {"round"} == store.index_keys

    def test_list_is_in_order_of_the_last_update(self, store: Store) -> None:
        """The trajectory updated longest ago comes first."""
        late = new(clock=ManualClock(IN_WINDOW + dt.timedelta(hours=2)))
        early = new(clock=ManualClock(IN_WINDOW))
        middle = new(clock=ManualClock(IN_WINDOW + dt.timedelta(minutes=30, microseconds=5)))
        for t in (late, early, middle):
            store.save(t)
        assert [early.id, middle.id, late.id] == [summary.id for summary in store.list()]

    def test_list_refuses_a_filter_that_is_not_text(self, store: Store) -> None:
        """A filter value must be a string."""
        with pytest.raises(InvalidData):
            store.list(state=3)  # type: ignore[arg-type]

    def test_an_empty_store_lists_nothing(self, store: Store) -> None:
        """A new store holds no trajectories, no blockers and no outbox entries."""
        assert [] == store.list()
        assert [] == store.blocked()
        assert [] == everything(store)

    def test_blocked_lists_the_trajectories_whose_next_step_is_refused(self, store: Store) -> None:
        """blocked() shows each refused step with its codes, and only blocked trajectories."""
        few = at_state("orientation_held")
        few.fire("register")
        few.fire("add_participant", name="Anna", role="school_leader", planned_hours=200)
        ready = at_state("application_in_preparation")
        done = at_state("settled")
        running = at_state("in_progress")
        for t in (few, ready, done, running):
            store.save(t)
        found = {blocked.id: blocked for blocked in store.blocked()}
        assert {few.id, running.id} == set(found)
        assert "participants.minimum" in found[few.id].blockers["submit_application"]
        expected = Blocked(
            few.id,
            "application_in_preparation",
            {
                event: tuple(sorted({violation.code for violation in violations}))
                for event, violations in few.blockers().items()
            },
        )
        assert expected == found[few.id]
        assert "in_progress" == found[running.id].state

    def test_blocked_follows_the_last_save(self, store: Store) -> None:
        """Once the missing steps are taken and saved, the trajectory is no longer blocked."""
        t = at_state("orientation_held")
        t.fire("register")
        store.save(t)
        assert [t.id] == [blocked.id for blocked in store.blocked()]
        loaded = store.load(t.id)
        for name, role, hours in [
            ("Anna", "school_leader", 200),
            ("Bram", "teacher", 160),
            ("Chloé", "teacher", 160),
            ("Daan", "support_staff", 140),
            ("Eva", "teacher", 140),
        ]:
            loaded.fire("add_participant", name=name, role=role, planned_hours=hours)
        loaded.fire(
            "write_activity_plan",
            report="Report.",
            willing_and_able="Yes.",
            leadership_commitment="Yes.",
            team_support="Yes.",
        )
        store.save(loaded)
        assert [] == store.blocked()

    def test_blocked_asks_time_dependent_guards_at_the_moment_asked(
        self, store: Store, clock: ManualClock
    ) -> None:
        """A complete application saved while the window is open is not blocked;
        asked after the window closed (not saved again) it is blocked on the closed
        window, and asked back in the window it is not; the default moment is the
        store's clock."""
        ready = at_state("application_in_preparation")
        store.save(ready)
        after_window = dt.datetime(2024, 7, 1, 9, 0, tzinfo=NETHERLANDS)
        closed = Blocked(
            ready.id, "application_in_preparation", {"submit_application": ("window.closed",)}
        )

        assert [] == store.blocked()
        assert [closed] == store.blocked(after_window)
        assert [] == store.blocked(IN_WINDOW + dt.timedelta(days=1))
        clock.set(after_window)
        assert [closed] == store.blocked()
        assert ready.version == store.load(ready.id).version

    def test_blocked_reads_the_schedule_without_loading(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A trajectory in a time-dependent state is saved with its blockers as a
        schedule over time: asked at any moment from the save on, blocked() reads it
        from the row and loads nothing."""
        ready = at_state("application_in_preparation")
        store.save(ready)
        loads: list[str] = []
        read = store._read

        def counting(trajectory_id: str) -> Any:
            loads.append(trajectory_id)
            return read(trajectory_id)

        monkeypatch.setattr(store, "_read", counting)
        closed = {"submit_application": ("window.closed",)}
        after_main = dt.datetime(2024, 7, 1, 9, 0, tzinfo=NETHERLANDS)
        extra = dt.datetime(2024, 10, 2, 9, 0, tzinfo=NETHERLANDS)
        after_all = dt.datetime(2025, 3, 1, 9, 0, tzinfo=NETHERLANDS)

        assert [] == store.blocked(IN_WINDOW)
        assert [closed] == [entry.blockers for entry in store.blocked(after_main)]
        assert [] == store.blocked(extra)
        assert [closed] == [entry.blockers for entry in store.blocked(after_all)]
        assert [] == loads

    def test_blocked_before_the_save_works_the_blockers_out(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A moment before the save, which the schedule does not cover, is answered
        by loading the trajectory and asking it."""
        ready = at_state("application_in_preparation")
        store.save(ready)
        loads: list[str] = []
        read = store._read

        def counting(trajectory_id: str) -> Any:
            loads.append(trajectory_id)
            return read(trajectory_id)

        monkeypatch.setattr(store, "_read", counting)
        before = ready.history[0].timestamp - dt.timedelta(days=60)

        found = store.blocked(before)

        assert [ready.id] == loads
        expected = {
            event: tuple(sorted({violation.code for violation in violations}))
            for event, violations in ready.blockers(before).items()
        }
        assert expected == (found[0].blockers if found else {})

    def test_blocked_merges_worked_out_and_stored_blockers_oldest_change_first(
        self, store: Store
    ) -> None:
        """Trajectories in time-dependent states (worked out again) and in other
        states (as saved) are listed together, oldest change first."""
        running = at_state("in_progress")
        ready = at_state("application_in_preparation")
        few = at_state("orientation_held")
        few.fire("register")
        for t in (running, ready, few):
            store.save(t)
        after_window = dt.datetime(2025, 1, 6, 9, 0, tzinfo=NETHERLANDS)

        found = store.blocked(after_window)

        order = sorted((running, ready, few), key=lambda t: (t.last_event.timestamp, t.id))
        assert [t.id for t in order] == [entry.id for entry in found]
        by_id = {entry.id: entry for entry in found}
        assert ("window.closed",) == by_id[ready.id].blockers["submit_application"]
        assert "window.closed" in by_id[few.id].blockers["submit_application"]
        stored = {entry.id: entry for entry in store.blocked()}
        assert stored[running.id] == by_id[running.id]

    @pytest.mark.parametrize("now", [dt.datetime(2024, 7, 1, 9, 0), "2024-07-01", 5])
    def test_blocked_refuses_a_moment_that_is_not_aware(self, store: Store, now: Any) -> None:
        """``now`` must be a timezone-aware datetime: InvalidData naming it."""
        store.save(at_state("application_in_preparation"))

        with pytest.raises(InvalidData) as caught:
            store.blocked(now)

        assert "now" == caught.value.field

    def test_history_equals_the_trajectory_history(self, store: Store) -> None:
        """history(id) gives every event, the creation first, as fired."""
        t = at_state("in_progress")
        store.save(t)
        history = store.history(t.id)
        assert t.history == history
        assert (1, None) == (history[0].sequence, history[0].from_state)

    # -- subscribers --------------------------------------------------------------------------

    def test_subscribers_are_told_of_the_new_events_after_the_commit(self, store: Store) -> None:
        """A subscriber gets the trajectory and exactly the new events, and the store
        already holds them when it is called."""
        seen: list[tuple[str, tuple[Event, ...], int]] = []

        def subscriber(t: Trajectory[Any], events: Any) -> None:
            seen.append((t.id, tuple(events), store.load(t.id).version))

        store.subscribe(subscriber)
        t = new()
        store.save(t)
        talk(t)
        talk(t)
        store.save(t)
        assert [(t.id, t.history[:1], 1), (t.id, t.history[1:], 3)] == seen

    def test_subscribers_are_not_told_of_a_refused_save(self, store: Store) -> None:
        """A conflicting save tells no subscriber."""
        t = new()
        store.save(t)
        first, second = store.load(t.id), store.load(t.id)
        talk(first)
        store.save(first)
        calls: list[object] = []
        store.subscribe(lambda t, events: calls.append(events))
        talk(second)
        with pytest.raises(ConcurrencyConflict):
            store.save(second)
        assert [] == calls

    def test_unsubscribing_stops_the_calls(self, store: Store) -> None:
        """After unsubscribe() the subscriber hears nothing; unsubscribing twice is harmless."""
        calls: list[object] = []
        unsubscribe = store.subscribe(lambda t, events: calls.append(t.id))
        t = new()
        store.save(t)
        unsubscribe()
        unsubscribe()
        talk(t)
        store.save(t)
        assert [t.id] == calls

    def test_a_raising_subscriber_does_not_break_the_save(self, store: Store) -> None:
        """The save stands, later subscribers are still told, and the failure is logged."""

        def failing(t: Trajectory[Any], events: Any) -> None:
            raise RuntimeError("subscriber down")

        calls: list[str] = []
        store.subscribe(failing)
        store.subscribe(lambda t, events: calls.append(t.id))
        t = new()
        with capture_logs() as logs:
            store.save(t)
        assert [t.id] == calls
        assert () == t.unsaved_events()
        assert t == store.load(t.id)
        assert [t.id] == [
            entry["trajectory_id"] for entry in logs if entry["event"] == "subscriber_failed"
        ]

    def test_a_raising_subscriber_logs_no_personal_data(self, store: Store) -> None:
        """The failure is logged with the trajectory, the subscriber and the error's
        type, but neither the error's message nor its traceback (whose locals a
        renderer may show): both may hold a participant's name."""

        def failing(t: Trajectory[Any], events: Any) -> None:
            participant = "Chloé Ångström"
            raise KeyError(participant)

        store.subscribe(failing)
        t = at_state("application_in_preparation")
        with capture_logs() as logs:
            store.save(t)
        [entry] = [entry for entry in logs if entry["event"] == "subscriber_failed"]
        assert {
            "event": "subscriber_failed",
            "log_level": "error",
            "trajectory_id": t.id,
            "subscriber": f"{__name__}.StoreContract."
            "test_a_raising_subscriber_logs_no_personal_data.<locals>.failing",
            "error": "KeyError",
        } == entry

    def test_subscribe_refuses_what_cannot_be_called(self, store: Store) -> None:
        """A subscriber must be callable."""
        with pytest.raises(InvalidData):
            store.subscribe("not callable")  # type: ignore[arg-type]

    # -- the outbox ---------------------------------------------------------------------------

    def test_the_outbox_holds_every_committed_event_once_in_commit_order(
        self, store: Store
    ) -> None:
        """Each event is in the outbox once, as its JSON document, in the order of the
        commits, at strictly increasing positions."""
        one, two = new(), at_state("orientation_held")
        store.save(one)
        store.save(two)
        talk(one)
        store.save(one)
        entries = everything(store)
        expected = [(one.id, 1), (two.id, 1), (two.id, 2), (two.id, 3), (one.id, 2)]
        assert expected == [(entry.trajectory_id, entry.sequence) for entry in entries]
        positions = [entry.position for entry in entries]
        assert all(a < b for a, b in itertools.pairwise(positions))
        assert all(position > 0 for position in positions)
        by_id = {(t.id, event.sequence): event for t in (one, two) for event in t.history}
        for entry in entries:
            event = by_id[(entry.trajectory_id, entry.sequence)]
            assert as_json(dump_event(event, LIFECYCLE)) == entry.event

    def test_the_outbox_resumes_after_a_position(self, store: Store) -> None:
        """read_outbox(after=p) gives the entries after p, and nothing after the last."""
        store.save(at_state("orientation_held"))
        store.save(new())
        entries = everything(store)
        assert entries[2:] == store.read_outbox(after=entries[1].position)
        assert [] == store.read_outbox(after=entries[-1].position)
        assert entries == store.read_outbox()

    def test_the_outbox_gives_at_most_limit_entries(self, store: Store) -> None:
        """limit caps the entries; paging with after and limit visits each entry once."""
        store.save(at_state("application_in_preparation"))
        entries = everything(store)
        assert entries[:3] == store.read_outbox(limit=3)
        paged: list[OutboxEntry] = []
        after = 0
        while page := store.read_outbox(after=after, limit=4):
            paged.extend(page)
            after = page[-1].position
        assert entries == paged

    @pytest.mark.parametrize(
        "arguments",
        [
            {"after": -1},
            {"after": True},
            {"after": 1.5},
            {"after": "0"},
            {"limit": 0},
            {"limit": 10_001},
            {"limit": True},
            {"limit": None},
        ],
    )
    def test_read_outbox_refuses_bad_arguments(
        self, store: Store, arguments: dict[str, Any]
    ) -> None:
        """after must be a position ≥ 0 and limit 1 to 10000 (whole numbers, not bools)."""
        with pytest.raises(InvalidData):
            store.read_outbox(**arguments)

    # -- erasure ------------------------------------------------------------------------------

    def saved_with_anna(self, store: Store) -> Trajectory[Any]:
        """A saved trajectory where Anna occurs in payloads, data and as an actor."""
        t = at_state("in_progress")
        t.fire("log_hours", participant="anna", date=dt.date(2024, 9, 10), hours=4, actor="ANNA")
        store.save(t)
        return t

    def test_erasure_replaces_the_name_everywhere_with_one_pseudonym(self, store: Store) -> None:
        """The name (any case) leaves the snapshot, every event and the outbox; one
        pseudonym takes its place everywhere."""
        t = self.saved_with_anna(store)
        assert 0 < occurrences(dump_snapshot(t), "Anna")
        pseudonym = store.erase_participant(t.id, "  aNNa ")
        loaded = store.load(t.id)
        documents = [
            dump_snapshot(loaded),
            *(dump_event(event, LIFECYCLE) for event in loaded.history),
            *(entry.event for entry in everything(store)),
        ]
        assert [0] * len(documents) == [occurrences(d, "Anna") for d in documents]
        pseudonyms = {s for d in documents for s in strings(d) if s.startswith("pseudonym-")}
        assert {pseudonym} == pseudonyms
        assert pseudonym == loaded.data.participants[0].name
        assert pseudonym in loaded.data.core_group
        assert pseudonym == loaded.history[-1].actor
        assert pseudonym == loaded.history[-1].payload.participant
        assert ["Bram", "Chloé", "Daan", "Eva"] == [p.name for p in loaded.data.participants[1:]]

    def test_erasure_leaves_no_copy_of_the_name_in_what_the_store_keeps_read(
        self, store: Store
    ) -> None:
        """A store keeps the events and snapshots it read, so as not to parse them
        again; an erasure forgets them, so the name stays in no object the store holds."""
        t = self.saved_with_anna(store)
        store.load(t.id)
        kept = [*store._events_read.values(), *store._snapshots_read.values()]
        assert any("Anna" in repr(item) for item in kept)
        pseudonym = store.erase_participant(t.id, "Anna")
        assert ([], []) == (list(store._events_read), list(store._snapshots_read))
        loaded = store.load(t.id)
        assert pseudonym == loaded.data.participants[0].name

    def test_erasure_keeps_the_history_shape_and_replay(self, store: Store) -> None:
        """Same number of events, same names, ids and sequences, same outbox positions;
        the erased history still replays to the loaded state and data."""
        t = self.saved_with_anna(store)
        outbox = everything(store)
        store.erase_participant(t.id, "Anna")
        loaded = store.load(t.id)
        assert [(e.id, e.sequence, e.name, e.from_state, e.to_state) for e in t.history] == [
            (e.id, e.sequence, e.name, e.from_state, e.to_state) for e in loaded.history
        ]
        assert [(e.position, e.trajectory_id, e.sequence) for e in outbox] == [
            (e.position, e.trajectory_id, e.sequence) for e in everything(store)
        ]
        replayed = trajectory.replay(loaded.history)
        assert loaded.state == replayed.state
        assert loaded.data == replayed.data
        assert loaded == replayed
        assert t.state == loaded.state
        assert t.version == loaded.version

    def test_erasure_touches_only_that_trajectory(self, store: Store) -> None:
        """Another trajectory with a participant of the same name keeps it."""
        t = self.saved_with_anna(store)
        other = at_state("application_in_preparation")
        store.save(other)
        store.erase_participant(t.id, "Anna")
        assert other == store.load(other.id)
        assert 0 < sum(
            occurrences(entry.event, "Anna")
            for entry in everything(store)
            if entry.trajectory_id == other.id
        )

    def test_erasing_an_unknown_name_raises_invalid_data(self, store: Store) -> None:
        """A name that does not occur is InvalidData, and nothing changes."""
        t = self.saved_with_anna(store)
        outbox = everything(store)
        with pytest.raises(InvalidData):
            store.erase_participant(t.id, "Zoë")
        with pytest.raises(InvalidData):
            store.erase_participant(t.id, "  ")
        assert t == store.load(t.id)
        assert outbox == everything(store)

    @pytest.mark.parametrize("word", ["teacher", "in_progress"])
    def test_erasing_a_word_that_is_not_a_name_raises_invalid_data(
        self, store: Store, word: str
    ) -> None:
        """A role or a state is no participant's name: the request is InvalidData (it
        is the request that is wrong, not a stored record), and nothing changes."""
        t = self.saved_with_anna(store)
        with pytest.raises(InvalidData):
            store.erase_participant(t.id, word)
        assert t == store.load(t.id)

    def test_erasing_in_an_unknown_trajectory_raises_trajectory_not_found(
        self, store: Store
    ) -> None:
        """The trajectory must exist."""
        with pytest.raises(TrajectoryNotFound):
            store.erase_participant("no-such-trajectory", "Anna")

    def test_an_erased_name_does_not_come_back_from_an_older_copy(self, store: Store) -> None:
        """A copy loaded before the erasure still holds the name; saving it is refused
        with ConcurrencyConflict, so the name is not written back."""
        t = at_state("application_in_preparation")
        store.save(t)
        before = store.load(t.id)
        store.erase_participant(t.id, "Anna")
        before.fire("add_participant", name="Femke", role="teacher", planned_hours=100)
        with pytest.raises(ConcurrencyConflict):
            store.save(before)
        loaded = store.load(t.id)
        assert 0 == occurrences(dump_snapshot(loaded), "Anna")
        assert trajectory.replay(loaded.history).data == loaded.data

    # -- several kinds of aggregate, units of work ----------------------------------------------

    @pytest.fixture
    def mixed(self, store_url: str, clock: ManualClock) -> Iterator[Store]:
        """A store of leertrajects and budget rounds."""
        with open_store(store_url, lifecycles=(LIFECYCLE, BUDGET), clock=clock) as store:
            yield store

    def test_one_store_holds_several_kinds_of_aggregate(self, mixed: Store) -> None:
        """Leertrajects and budget rounds are saved, loaded, listed by their own keys
        and by a key both declare, and blocked() shows each kind's blockers."""
        t = at_state("application_in_preparation")
        empty, booked = budget_round(), budget_round(board="Stichting Anders", round="2026")
        booked.fire("book", amount=100, by="Anna")
        for aggregate in (t, empty, booked):
            mixed.save(aggregate)
        assert booked == mixed.load(booked.id)
        assert {t.id, empty.id} == {s.id for s in mixed.list(board=SCHOOL.board)}
        assert {booked.id} == {s.id for s in mixed.list(round="2026")}
        assert {empty.id, booked.id} == {s.id for s in mixed.list(lifecycle=BUDGET.name)}
        assert {"board": "Stichting Anders", "round": "2026"} == dict(
            mixed.list(round="2026")[0].index
        )
        assert set(LIFECYCLE.index_keys) | {"round"} == mixed.index_keys
        blocked = {entry.id: entry.blockers for entry in mixed.blocked()}
        assert {"close": ("ledger.empty",)} == blocked[empty.id]
        assert booked.id not in blocked

    def test_a_unit_of_work_saves_every_aggregate_in_one_commit(self, mixed: Store) -> None:
        """Saved in one unit of work, both aggregates are stored, marked saved, in
        the outbox, and the subscribers hear of both after the commit."""
        t, budget = new(), budget_round()
        heard: list[str] = []
        mixed.subscribe(lambda trajectory, events: heard.append(trajectory.id))
        with mixed.unit_of_work() as uow:
            uow.save(t)
            uow.save(budget)
            uow.save(t)  # once is enough
            assert [] == heard
            assert [] == mixed.list()
        assert [t.id, budget.id] == heard
        assert (t, budget) == (mixed.load(t.id), mixed.load(budget.id))
        assert ((), ()) == (tuple(t.unsaved_events()), tuple(budget.unsaved_events()))
        assert [(t.id, 1), (budget.id, 1)] == [
            (entry.trajectory_id, entry.sequence) for entry in everything(mixed)
        ]

    def test_a_conflict_in_a_unit_of_work_writes_none_of_it(self, mixed: Store) -> None:
        """One stale aggregate makes the whole unit of work a ConcurrencyConflict:
        the other aggregates are not written, not marked saved, nobody is told."""
        budget = budget_round()
        mixed.save(budget)
        stale = mixed.load(budget.id)
        budget.fire("book", amount=5, by="Bram")
        mixed.save(budget)
        stale.fire("book", amount=7, by="Chloé")
        t = new()
        outbox = everything(mixed)
        heard: list[str] = []
        mixed.subscribe(lambda trajectory, events: heard.append(trajectory.id))
        with pytest.raises(ConcurrencyConflict) as caught:
            save_together(mixed, t, stale)
        assert budget.id == caught.value.trajectory_id
        assert [budget.id] == [s.id for s in mixed.list()]
        assert budget == mixed.load(budget.id)
        assert outbox == everything(mixed)
        assert [] == heard
        assert 1 == len(t.unsaved_events())
        mixed.save(t)  # not marked saved: it can still be saved on its own
        assert t == mixed.load(t.id)

    def test_an_error_in_a_unit_of_work_writes_nothing(self, mixed: Store) -> None:
        """An error raised inside the block leaves the store as it was."""
        t = new()

        def change_of_mind() -> None:
            with mixed.unit_of_work() as uow:
                uow.save(t)
                raise RuntimeError("changed my mind")

        with pytest.raises(RuntimeError):
            change_of_mind()
        assert [] == mixed.list()
        assert [] == everything(mixed)

    def test_a_unit_of_work_refuses_what_it_cannot_save(self, mixed: Store) -> None:
        """What is no trajectory is InvalidData at once; a finished unit of work
        takes nothing more."""
        with mixed.unit_of_work() as uow, pytest.raises(InvalidData):
            uow.save("t")  # type: ignore[arg-type]
        with pytest.raises(InvalidData):
            uow.save(new())
        assert [] == mixed.list()

    def test_erase_person_erases_the_name_from_every_kind_of_aggregate(self, mixed: Store) -> None:
        """One call replaces the name in every aggregate that names the person, with
        one pseudonym; aggregates that do not name the person are untouched."""
        t = self.saved_with_anna(mixed)
        budget, other = budget_round(), budget_round(round="2026")
        budget.fire("book", amount=100, by="ANNA")
        other.fire("book", amount=5, by="Bram")
        mixed.save(budget)
        mixed.save(other)
        pseudonym = mixed.erase_person("anna")
        documents = [
            dump_snapshot(mixed.load(t.id)),
            dump_snapshot(mixed.load(budget.id)),
            *(entry.event for entry in everything(mixed)),
        ]
        assert [0] * len(documents) == [occurrences(d, "Anna") for d in documents]
        assert (pseudonym,) == tuple(b.by for b in mixed.load(budget.id).data.ledger)
        assert pseudonym == mixed.load(t.id).data.participants[0].name
        assert other == mixed.load(other.id)

    def test_erase_person_of_nobody_raises_invalid_data(self, mixed: Store) -> None:
        """A name no aggregate holds is InvalidData, and nothing changes."""
        budget = budget_round()
        budget.fire("book", amount=100, by="Anna")
        mixed.save(budget)
        with pytest.raises(InvalidData):
            mixed.erase_person("Zoë")
        assert budget == mixed.load(budget.id)

    # -- corrupt records ----------------------------------------------------------------------

    def test_a_corrupt_snapshot_raises_corrupt_record_naming_the_trajectory(
        self, store: Store
    ) -> None:
        """An unreadable snapshot is CorruptRecord for that trajectory; others still load."""
        bad, good = new(), at_state("orientation_held")
        store.save(bad)
        store.save(good)
        self.corrupt_snapshot(store, bad.id)
        with pytest.raises(CorruptRecord) as caught:
            store.load(bad.id)
        assert bad.id == caught.value.trajectory_id
        assert bad.id in str(caught.value)
        assert good == store.load(good.id)
        assert {bad.id, good.id} == {summary.id for summary in store.list()}

    def test_an_event_of_an_unknown_schema_version_raises_corrupt_record(
        self, store: Store
    ) -> None:
        """An event document of a version this release does not know is CorruptRecord
        for that trajectory; others still load."""
        bad, good = at_state("orientation_held"), at_state("orientation_held")
        store.save(bad)
        store.save(good)
        self.set_event_version(store, bad.id, 2, 99)
        with pytest.raises(CorruptRecord) as caught:
            store.load(bad.id)
        assert bad.id == caught.value.trajectory_id
        assert "schema_version" in str(caught.value)
        assert good == store.load(good.id)


class TestMemoryStore(StoreContract):
    """memory://"""

    @pytest.fixture
    def store_url(self, memory_url: str) -> str:
        return memory_url

    def corrupt_snapshot(self, store: Store, trajectory_id: str) -> None:
        assert isinstance(store, MemoryStore)
        record = store._rows[trajectory_id]
        store._rows[trajectory_id] = attrs.evolve(record, snapshot='{"schema_version": 2, "ki')

    def set_event_version(self, store: Store, trajectory_id: str, sequence: int, v: int) -> None:
        assert isinstance(store, MemoryStore)
        stored = store._events[trajectory_id]
        document = json.loads(stored[sequence - 1].body)
        document["schema_version"] = v
        stored[sequence - 1] = attrs.evolve(stored[sequence - 1], body=json.dumps(document))

    def test_every_memory_url_opens_a_new_empty_store(self, store: Store) -> None:
        """memory:// keeps nothing between store objects."""
        store.save(new())
        with open_store("memory://") as other:
            assert [] == other.list()


class SqlStoreContract(StoreContract):
    """What the SQL stores add: records damaged with SQL, several store objects."""

    def corrupt_snapshot(self, store: Store, trajectory_id: str) -> None:
        assert isinstance(store, SqlStore)
        with store.engine.begin() as conn:
            conn.execute(
                sa.update(trajectories_table)
                .where(trajectories_table.c.id == trajectory_id)
                .values(snapshot='{"schema_version": 2, "ki')
            )

    def set_event_version(self, store: Store, trajectory_id: str, sequence: int, v: int) -> None:
        assert isinstance(store, SqlStore)
        where = sa.and_(
            events_table.c.trajectory_id == trajectory_id, events_table.c.sequence == sequence
        )
        with store.engine.begin() as conn:
            body = conn.execute(sa.select(events_table.c.body).where(where)).scalar_one()
            document = json.loads(body)
            document["schema_version"] = v
            conn.execute(sa.update(events_table).where(where).values(body=json.dumps(document)))

    def test_another_store_object_on_the_same_url_sees_the_trajectory(
        self, store: Store, store_url: str, clock: ManualClock
    ) -> None:
        """What one store object saves, another opened on the same URL loads; a copy
        that the other one moved on is stale in the first."""
        t = at_state("orientation_held")
        store.save(t)
        mine = store.load(t.id)
        with open_store(store_url, clock=clock) as other:
            theirs = other.load(t.id)
            assert t == theirs
            theirs.fire("register")
            other.save(theirs)
        assert theirs == store.load(t.id)
        mine.fire("decline", reason="Not now.")
        with pytest.raises(ConcurrencyConflict):
            store.save(mine)
        assert [1, 2, 3, 4] == [entry.sequence for entry in everything(store)]


class TestSqliteStore(SqlStoreContract):
    """sqlite:///file.db"""

    @pytest.fixture
    def store_url(self, sqlite_url: str) -> str:
        return sqlite_url


class TestPostgresStore(SqlStoreContract):
    """postgresql://… (each test in its own schema)"""

    @pytest.fixture
    def store_url(self, postgres_url: str) -> str:
        return postgres_url

    def test_a_connection_the_server_closed_is_replaced_without_an_error(
        self, store: Store, postgres_server: str
    ) -> None:
        """The engine does not ping a pooled connection before each use; when the
        server has closed it, a save, a load, the queries and the outbox run again on
        a new connection, and nothing is written twice."""
        import psycopg

        assert isinstance(store, SqlStore)
        t = at_state("orientation_held")
        store.save(t)

        def kill_the_pooled_connection() -> None:
            pooled = store.engine.raw_connection()
            pid = pooled.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
            pooled.close()  # back to the pool, alive as far as the pool knows
            with psycopg.connect(postgres_server, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        kill_the_pooled_connection()
        t.fire("register")
        store.save(t)
        for read in (
            lambda: store.load(t.id),
            store.list,
            store.blocked,
            lambda: everything(store),
        ):
            kill_the_pooled_connection()
            read()
        assert t == store.load(t.id)
        assert [1, 2, 3, 4] == [entry.sequence for entry in everything(store)]

    def test_the_store_keeps_its_tables_in_the_tests_own_schema(
        self, store: Store, postgres_schema: str
    ) -> None:
        """The search_path in the URL reaches the connections open_store makes."""
        assert isinstance(store, SqlStore)
        store.save(new())
        with store.engine.connect() as conn:
            assert postgres_schema == conn.execute(sa.text("SELECT current_schema()")).scalar()
            tables = conn.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = :schema ORDER BY table_name"
                ),
                {"schema": postgres_schema},
            ).scalars()
            assert [
                "trajectories",
                "trajectory_events",
                "trajectory_index",
                "trajectory_outbox",
                "trajectory_schema",
            ] == list(tables)
