"""The history's building blocks: the manual clock, identifiers and immutable events."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from tests.builders import TEAM, at_state
from trajectory import Event, InvalidData, ManualClock, NoPayload, system_clock
from trajectory.engine import new_id, verify_history
from trajectory.engine.history import (
    FIRST_MOMENT,
    LAST_MOMENT,
    History,
    new_event_id,
    stored_history,
    verify_rows,
)
from trajectory.ontwikkelkracht import LIFECYCLE

START = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


def test_manual_clock_returns_its_time() -> None:
    """Calling a ManualClock returns the time it was given, until it is moved."""
    clock = ManualClock(START)

    assert START == clock()
    assert START == clock()


def test_manual_clock_refuses_a_naive_datetime() -> None:
    """A ManualClock is timezone-aware only: a naive start raises InvalidData naming 'now'."""
    with pytest.raises(InvalidData) as refused:
        ManualClock(dt.datetime(2024, 5, 1, 9, 0))

    assert "now" == refused.value.field


def test_manual_clock_refuses_something_that_is_not_a_datetime() -> None:
    """A date or a string is not a time for the clock."""
    with pytest.raises(InvalidData):
        ManualClock(dt.date(2024, 5, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidData):
        ManualClock("2024-05-01T09:00:00+00:00")  # type: ignore[arg-type]


def test_manual_clock_keeps_its_timezone() -> None:
    """A clock started in Europe/Amsterdam reports times in that zone."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    clock = ManualClock(dt.datetime(2024, 4, 20, 10, 0, tzinfo=amsterdam))

    clock.advance(days=1)

    assert dt.datetime(2024, 4, 21, 10, 0, tzinfo=amsterdam) == clock()
    assert amsterdam == clock().tzinfo


def test_manual_clock_advances() -> None:
    """advance(**delta) moves the clock forward by that timedelta; zero keeps it."""
    clock = ManualClock(START)

    clock.advance(days=1, hours=2, minutes=30)
    assert START + dt.timedelta(days=1, hours=2, minutes=30) == clock()

    clock.advance()
    clock.advance(seconds=0)
    assert START + dt.timedelta(days=1, hours=2, minutes=30) == clock()


def test_manual_clock_does_not_go_back() -> None:
    """A negative advance is refused with InvalidData (a TrajectoryError and a ValueError,
    as errors.py promises) and leaves the clock where it was."""
    clock = ManualClock(START)

    with pytest.raises(InvalidData, match="back") as refused:
        clock.advance(hours=-1)

    assert isinstance(refused.value, ValueError)
    assert START == clock()


def test_manual_clock_set_jumps_anywhere_aware() -> None:
    """set() jumps to any timezone-aware moment, earlier ones too."""
    clock = ManualClock(START)

    clock.set(START - dt.timedelta(days=30))
    assert START - dt.timedelta(days=30) == clock()

    clock.set(START + dt.timedelta(days=365))
    assert START + dt.timedelta(days=365) == clock()


def test_manual_clock_set_refuses_a_naive_datetime() -> None:
    """set() with a naive datetime raises InvalidData and keeps the time."""
    clock = ManualClock(START)

    with pytest.raises(InvalidData) as refused:
        clock.set(dt.datetime(2024, 6, 1, 9, 0))

    assert "now" == refused.value.field
    assert START == clock()


def test_manual_clock_assignment_is_validated() -> None:
    """Assigning a naive datetime to clock.now is refused like set()."""
    clock = ManualClock(START)

    with pytest.raises(InvalidData):
        clock.now = dt.datetime(2024, 6, 1, 9, 0)

    assert START == clock()


def test_system_clock_is_aware_utc() -> None:
    """The default clock returns the current time in UTC."""
    before = dt.datetime.now(dt.UTC)
    now = system_clock()
    after = dt.datetime.now(dt.UTC)

    assert dt.timedelta(0) == now.utcoffset()
    assert before <= now <= after


def test_new_id_is_32_lowercase_hex_characters() -> None:
    """new_id returns 128 random bits written as 32 lowercase hex characters."""
    assert re.fullmatch(r"[0-9a-f]{32}", new_id())


def test_new_ids_are_unique() -> None:
    """Ten thousand new ids are all different."""
    ids = [new_id() for _ in range(10_000)]

    assert len(ids) == len(set(ids))


def test_event_ids_are_32_hex_characters_and_unique() -> None:
    """Event ids come from a seeded generator: same form as new_id, all different."""
    ids = [new_event_id() for _ in range(10_000)]

    assert all(re.fullmatch(r"[0-9a-f]{32}", event_id) for event_id in ids)
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_process_makes_other_event_ids() -> None:
    """After a fork the child seeds its own generator: it does not repeat the parent."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send its next ids, then leave without pytest's cleanup
        os.close(read)
        os.write(write, " ".join(new_event_id() for _ in range(3)).encode())
        os._exit(0)
    os.close(write)
    parent = {new_event_id() for _ in range(3)}
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split())
    os.waitpid(pid, 0)

    assert 3 == len(child)
    assert not parent & child


def _event() -> Event:
    return Event(
        new_id(), new_id(), 2, START, "register", "orientation_held", "prepared", NoPayload()
    )


def test_event_is_frozen() -> None:
    """An Event cannot be changed after it is made."""
    event = _event()

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.sequence = 3  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.to_state = "granted"  # type: ignore[misc]

    assert 2 == event.sequence


def test_events_compare_by_value() -> None:
    """Two events with the same fields are equal; evolving one makes a different event."""
    event = _event()

    assert event == attrs.evolve(event)
    assert event != attrs.evolve(event, sequence=3)
    assert None is event.actor


# -- the range of moments ------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 0, 0, tzinfo=dt.UTC),
        dt.datetime.min.replace(tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 23, 59, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 1, 30, tzinfo=ZoneInfo("Europe/Amsterdam")),
    ],
    ids=["datetime.max", "9999-12-31", "datetime.min", "0001-01-01", "9999-12-31 Amsterdam"],
)
def test_manual_clock_refuses_a_moment_without_a_date_in_every_zone(moment: dt.datetime) -> None:
    """A moment within a day of the ends of datetime is refused (its local date may not
    exist), when the clock is made and when it is set; the clock keeps its time."""
    with pytest.raises(InvalidData) as refused:
        ManualClock(moment)
    assert "now" == refused.value.field

    clock = ManualClock(START)
    with pytest.raises(InvalidData):
        clock.set(moment)
    assert START == clock()


def test_manual_clock_takes_the_first_and_the_last_moment() -> None:
    """The ends of the range are moments like any other."""
    assert LAST_MOMENT == ManualClock(LAST_MOMENT)()
    assert FIRST_MOMENT == ManualClock(FIRST_MOMENT)()
    assert dt.datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=dt.UTC) == LAST_MOMENT


@pytest.mark.parametrize(
    "delta",
    [
        {"days": 1e308},
        {"days": float("inf")},
        {"days": float("nan")},
        {"days": 10**5000},
        {"weeks": -(10**20)},
        {"fortnights": 1},
        {"days": "1"},
    ],
    ids=["1e308", "inf", "nan", "10**5000", "-10**20 weeks", "unknown unit", "text"],
)
def test_manual_clock_refuses_a_step_no_timedelta_holds(delta: dict[str, Any]) -> None:
    """advance() with arguments a timedelta refuses or cannot hold raises InvalidData
    naming 'delta' (never a raw OverflowError, ValueError or TypeError); the clock stays."""
    clock = ManualClock(START)

    with pytest.raises(InvalidData) as refused:
        clock.advance(**delta)

    assert "delta" == refused.value.field
    assert START == clock()


def test_manual_clock_does_not_advance_past_the_last_moment() -> None:
    """A step that would carry the clock past the last moment is refused and the clock
    stays; a step to the last moment itself is taken."""
    clock = ManualClock(dt.datetime(9999, 12, 1, tzinfo=dt.UTC))

    with pytest.raises(InvalidData) as refused:
        clock.advance(days=30)
    assert "delta" == refused.value.field
    assert dt.datetime(9999, 12, 1, tzinfo=dt.UTC) == clock()

    clock.advance(days=30, microseconds=-1)
    assert LAST_MOMENT == clock()
    with pytest.raises(InvalidData):
        clock.advance(microseconds=1)
    with pytest.raises(InvalidData):
        ManualClock(START).advance(days=999_999_999)


# -- verify_history ------------------------------------------------------------------------


def _history() -> list[Event]:
    """A leertraject history: the creation, the orientation, registration, a team."""
    return list(at_state("application_in_preparation").history)


def _wrong(events: Any, **options: Any) -> InvalidData:
    with pytest.raises(InvalidData) as refused:
        verify_history(events, LIFECYCLE, **options)
    return refused.value


def test_verify_history_returns_a_history_as_a_tuple() -> None:
    """A history as fire recorded it is returned, as a tuple, from any iterable."""
    history = _history()

    assert tuple(history) == verify_history(iter(history), LIFECYCLE)
    owner = history[0].trajectory_id
    assert tuple(history) == verify_history(history, LIFECYCLE, trajectory_id=owner)


def test_verify_history_refuses_an_id_used_twice() -> None:
    """Two events with one id are refused at the second, naming its id."""
    history = _history()
    history[4] = attrs.evolve(history[4], id=history[2].id)

    refused = _wrong(history)

    assert "events[4].id" == refused.field
    assert history[2].id in refused.reason


def test_verify_history_refuses_a_timestamp_that_goes_back() -> None:
    """An event earlier than the one before it is refused; an equal moment is not."""
    history = _history()
    before = history[3].timestamp - dt.timedelta(seconds=1)
    history[4] = attrs.evolve(history[4], timestamp=before)

    assert "events[4].timestamp" == _wrong(history).field

    history = _history()
    history[4] = attrs.evolve(history[4], timestamp=history[3].timestamp)
    assert tuple(history) == verify_history(history, LIFECYCLE)


def test_verify_history_compares_timestamps_across_time_zones() -> None:
    """Timestamps in other zones are compared as moments: 10:00 in Amsterdam in May is
    08:00 UTC, so a later event at 09:00 UTC does not go back, one at 07:59 UTC does."""
    history = _history()
    amsterdam = ZoneInfo("Europe/Amsterdam")
    last = history[-1].timestamp.astimezone(amsterdam)
    later = history[-1].timestamp.astimezone(dt.UTC) + dt.timedelta(hours=1)
    history[-2] = attrs.evolve(history[-2], timestamp=last)
    history[-1] = attrs.evolve(history[-1], timestamp=later)
    assert tuple(history) == verify_history(history, LIFECYCLE)

    history[-1] = attrs.evolve(history[-1], timestamp=last - dt.timedelta(minutes=1))
    assert f"events[{len(history) - 1}].timestamp" == _wrong(history).field


def test_verify_history_refuses_a_timestamp_outside_the_range_of_moments() -> None:
    """A timestamp on the last day of datetime is refused like a clock's."""
    history = _history()
    history[-1] = attrs.evolve(history[-1], timestamp=dt.datetime(9999, 12, 31, tzinfo=dt.UTC))

    assert f"events[{len(history) - 1}].timestamp" == _wrong(history).field


def test_verify_history_refuses_another_trajectory() -> None:
    """With a trajectory_id, every event must belong to that trajectory."""
    history = _history()

    assert "events[0].trajectory_id" == _wrong(history, trajectory_id=new_id()).field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sequence": True}, "events[4].sequence"),
        ({"sequence": 3.0}, "events[4].sequence"),
        ({"id": None}, "events[4].id"),
        ({"id": "  "}, "events[4].id"),
        ({"trajectory_id": 7}, "events[4].trajectory_id"),
        ({"actor": 7}, "events[4].actor"),
        ({"name": "no_such_event"}, "events[4].name"),
        ({"name": None}, "events[4].name"),
        ({"payload": NoPayload()}, "events[4].payload"),
        ({"from_state": None}, "events[4].from_state"),
        ({"timestamp": "2024-05-02T10:00:00+02:00"}, "events[4].timestamp"),
    ],
)
def test_verify_history_names_what_is_wrong(change: dict[str, Any], field: str) -> None:
    """A wrong field of an event is reported at that event and field."""
    history = _history()
    assert "add_participant" == history[4].name  # a payload of its own
    history[4] = attrs.evolve(history[4], **change)

    assert field == _wrong(history).field


@pytest.mark.parametrize("events", [None, 5, object()], ids=["None", "int", "object"])
def test_verify_history_refuses_what_is_not_iterable(events: object) -> None:
    """Something that is not a sequence of events is refused, naming 'events'."""
    assert "events" == _wrong(events).field


def test_verify_history_refuses_a_creation_with_another_payload() -> None:
    """The creation's payload must be of the creation's payload class."""
    history = _history()
    history[0] = attrs.evolve(history[0], payload=history[4].payload)

    assert "events[0].payload" == _wrong(history).field


def test_the_participants_of_the_verified_history_are_the_team() -> None:
    """The history used above holds the builders' team (so its events carry payloads)."""
    names = [event.payload.name for event in _history() if event.name == "add_participant"]

    assert [name for name, _, _ in TEAM] == names


# -- stored histories, read lazily -------------------------------------------------------


def _rows(events: list[Event]) -> list[tuple[Any, ...]]:
    """The rows a store keeps beside the events' documents."""
    return [(e.sequence, e.id, e.name, e.timestamp) for e in events]


def _rows_wrong(rows: Any) -> InvalidData:
    with pytest.raises(InvalidData) as refused:
        verify_rows(rows, LIFECYCLE)
    return refused.value


class Reads:
    """A store's reading of event documents, counted: ``read(i)`` gives ``events[i]``."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.read: list[int] = []

    def __call__(self, index: int) -> Any:
        self.read.append(index)
        return self.events[index]


def _stored(events: list[Any], history: list[Event]) -> tuple[History, Reads]:
    """A stored history with the rows of ``history`` that reads ``events``."""
    reads = Reads(events)
    owner = history[0].trajectory_id
    return stored_history(_rows(history), reads, LIFECYCLE, trajectory_id=owner), reads


def test_verify_rows_gives_the_state_each_event_leads_to() -> None:
    """The states of a good history's rows are those its events reached."""
    history = _history()

    assert tuple(e.to_state for e in history) == verify_rows(_rows(history), LIFECYCLE)


def test_verify_rows_reads_timestamps_stored_as_iso_text() -> None:
    """A store that keeps timestamps as ISO text gives them so; they are read as moments."""
    history = _history()
    rows = [(s, i, n, t.astimezone(dt.UTC).isoformat()) for s, i, n, t in _rows(history)]

    assert tuple(e.to_state for e in history) == verify_rows(rows, LIFECYCLE)


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        (0, 7, "events[4].sequence"),
        (0, True, "events[4].sequence"),
        (0, "5", "events[4].sequence"),
        (1, None, "events[4].id"),
        (1, " ", "events[4].id"),
        (2, "no_such_event", "events[4].name"),
        (2, "register", "events[4].name"),  # does not leave the state before
        (2, None, "events[4].name"),
        (3, "soon", "events[4].timestamp"),
        (3, "2024-05-02T10:00:00", "events[4].timestamp"),
        (3, dt.datetime(2024, 5, 2, 10, 0), "events[4].timestamp"),
        (3, START - dt.timedelta(days=400), "events[4].timestamp"),
    ],
)
def test_verify_rows_names_what_is_wrong(column: int, value: object, field: str) -> None:
    """A wrong column of a row is reported at that row and column, as verify_history
    reports the event's field."""
    rows = _rows(_history())
    changed = list(rows[4])
    changed[column] = value
    rows[4] = tuple(changed)

    assert field == _rows_wrong(rows).field


def test_verify_rows_refuses_an_id_used_twice_and_a_missing_creation() -> None:
    """An id taken by an earlier row, a history without its creation, and no rows at
    all are refused, naming the position."""
    rows = _rows(_history())
    assert "events[3].id" == _rows_wrong([*rows[:3], (4, rows[1][1], *rows[3][2:])]).field
    assert "events[0].name" == _rows_wrong([(1, "x", "register", START)]).field
    assert "events[0]" == _rows_wrong([]).field
    assert "events[2]" == _rows_wrong([*rows[:2], (3, "x")]).field


def test_a_stored_history_reads_an_event_only_when_it_is_asked_for() -> None:
    """Making a stored history reads no event; asking for one reads that one, once;
    iterating reads the others; it then reads as the events, sliced and reversed."""
    history = _history()
    stored, reads = _stored(history, history)

    assert ([], len(history)) == (reads.read, len(stored))
    assert history[2] == stored[2]
    assert history[-1] == stored[-1]
    assert [2, len(history) - 1] == reads.read
    assert tuple(history) == tuple(stored)
    assert sorted(reads.read) == list(range(len(history)))
    assert tuple(history[1:4]) == stored[1:4]
    assert list(reversed(history)) == list(reversed(stored))
    assert len(history) == len(reads.read)  # each read once


def test_a_stored_history_equals_its_events_and_pickles_as_them() -> None:
    """A history equals the tuple, the list and the history of the same events, hashes
    as their tuple, and pickles (reading every event first) into an equal one."""
    history = _history()
    stored, _ = _stored(history, history)

    assert stored == tuple(history)
    assert tuple(history) == stored
    assert stored == history
    assert stored == History(history)
    assert stored != tuple(history[:-1])
    assert hash(tuple(history)) == hash(stored)
    assert stored == pickle.loads(pickle.dumps(stored))
    with pytest.raises(IndexError):
        stored[len(history)]


def test_a_history_holds_only_events() -> None:
    """History(events) refuses what is no event, naming its position."""
    assert "events[1]" == _refused_history([_history()[0], "event"]).field
    assert "events" == _refused_history(5).field


def _refused_history(events: Any) -> InvalidData:
    with pytest.raises(InvalidData) as refused:
        History(events)
    return refused.value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sequence": 7}, "events[4].sequence"),
        ({"id": "another"}, "events[4].id"),
        ({"trajectory_id": "another"}, "events[4].trajectory_id"),
        ({"from_state": "granted"}, "events[4].from_state"),
        ({"to_state": "granted"}, "events[4].to_state"),
        ({"timestamp": START}, "events[4].timestamp"),
        ({"actor": 7}, "events[4].actor"),
        ({"payload": NoPayload()}, "events[4].payload"),
    ],
)
def test_a_stored_event_that_disagrees_with_its_row_is_refused_when_read(
    change: dict[str, Any], field: str
) -> None:
    """An event read that is not the one its row and the states before it say is
    refused when it is asked for, each time, naming the position and field; the
    others read as before."""
    history = _history()
    events: list[Any] = [*history[:4], attrs.evolve(history[4], **change), *history[5:]]
    stored, _ = _stored(events, history)

    for _ in range(2):
        with pytest.raises(InvalidData) as refused:
            stored[4]
        assert field == refused.value.field
    assert history[3] == stored[3]
    with pytest.raises(InvalidData):
        tuple(stored)


def test_a_stored_history_refuses_what_read_gives_that_is_no_event() -> None:
    """What read gives for an event must be an Event; the store's own error for one
    (refuse) is raised instead of InvalidData when given."""
    history = _history()
    stored, _ = _stored([*history[:2], "no event", *history[3:]], history)
    with pytest.raises(InvalidData) as refused:
        stored[2]
    assert "events[2]" == refused.value.field

    class StoreSaysNo(Exception):
        pass

    reads = Reads([*history[:2], "no event", *history[3:]])
    refusing = stored_history(
        _rows(history),
        reads,
        LIFECYCLE,
        trajectory_id=history[0].trajectory_id,
        refuse=lambda error: StoreSaysNo(str(error)),
    )
    with pytest.raises(StoreSaysNo, match=r"events\[2\]"):
        refusing[2]


@pytest.mark.parametrize(
    "part",
    [
        slice(None),
        slice(2, 5),
        slice(-3, None),
        slice(None, None, -1),
        slice(6, 1, -2),
        slice(50, 60),
    ],
    ids=repr,
)
def test_a_slice_of_a_history_is_the_tuple_of_those_events(part: slice) -> None:
    """A slice of a history, read or stored (read as it is sliced), is the tuple of the
    events a list would give for it."""
    history = _history()
    stored, _ = _stored(history, history)

    assert tuple(history[part]) == History(history)[part] == stored[part]
