"""The history's building blocks: the manual clock, identifiers and immutable events."""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

import attrs
import pytest

from trajectory import Event, InvalidData, ManualClock, NoPayload, system_clock
from trajectory.engine import new_id
from trajectory.engine.history import new_event_id

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
