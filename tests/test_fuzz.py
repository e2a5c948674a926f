"""Hostile input at every public entry point and every event.

Two properties, over values no caller should send (lone surrogates, NUL bytes, texts of
a hundred thousand characters, integers of thousands of digits, non-finite numbers,
naive moments, nesting thousands of levels deep, objects of any type):

- only :class:`~trajectory.TrajectoryError` subclasses escape, and a refused event
  changes nothing;
- whatever is accepted can be saved to every store (memory, SQLite, PostgreSQL) and
  loaded back equal.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs

import trajectory
from trajectory import Store, Trajectory, TrajectoryError
from trajectory.engine.serialization import dump_event, load_event, load_payload
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.walker import Walker
from trajectory.testing import strategies

from .store.conftest import POSTGRES_URL_ENV, _admin, with_search_path

EVENTS: Final = sorted(LIFECYCLE.events)
STATES: Final = sorted(LIFECYCLE.states)
FUZZ: Final = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class Nested(list[Any]):
    """A list nested thousands of levels deep that prints in one line, so that no
    version of Hypothesis recurses through it while it reports a drawn example."""

    def __repr__(self) -> str:
        return f"<a list nested {self.depth} levels deep>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    depth = 0


def nested(depth: int) -> Nested:
    """A list nested ``depth`` levels deep (built without recursion)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    outer = Nested([value])
    outer.depth = depth
    return outer


class Opaque:
    """An object of a type the library has never heard of."""


hostile_texts = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "\ud800",
            "a\x00b",
            "x" * 100_000,
            "Chloe\u0301 A\u030angstro\u0308m",
            "Anna\u200b",
            "",
            "   ",
            "2024-13-45",
            "1e999999999",
            "NaN",
        ]
    ),
)
hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([1, -1]).map(lambda sign: sign * 10**5000),  # built when drawn: no repr
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [decimal.Decimal("NaN"), decimal.Decimal("Infinity"), decimal.Decimal("1e999999")]
    ),
    hostile_texts,
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.sampled_from([dt.date.max, dt.datetime.max, dt.datetime.min.replace(tzinfo=dt.UTC)]),
    st.builds(Opaque),
)
hostile = st.one_of(
    st.recursive(
        hostile_scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(hostile_texts, inner, max_size=3)
            | st.tuples(inner, inner)
            | st.frozensets(st.integers(), max_size=3)
        ),
        max_leaves=6,
    ),
    st.builds(nested, st.just(5_000)),
)


def _field_names(event: str) -> list[str]:
    payload = LIFECYCLE.events[event].payload
    names = list(getattr(payload, "__attrs_attrs__", ()))
    return [a.name for a in names]


@st.composite
def payloads(draw: st.DrawFn, event: str, walker: Walker, t: Trajectory[Any]) -> dict[str, Any]:
    """Half the time a payload that passes the payload's own checks on this trajectory,
    else an invalid one or either with hostile values put in."""
    valid = strategies.payloads(event, today=walker.today(), data=t.data)
    if draw(st.booleans()):
        return draw(valid)
    base: dict[str, Any] = draw(st.one_of(valid, strategies.payloads(event, valid=False)))
    names = [*_field_names(event), "unknown_field"]
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        base[name] = draw(hostile)
    return base


@st.composite
def cases(draw: st.DrawFn, event: str) -> tuple[Trajectory[Any], dict[str, Any]] | None:
    """A trajectory walked to a state, mostly one the event leaves, and a payload for
    the event; None when no walk leads to the state drawn. (Drawn as one value, so
    that Hypothesis prints it only when an example fails: some of the values cannot
    be printed whole.)"""
    walker = Walker.start(seed=draw(st.integers(0, 3)))
    try:
        t = walker.walk_to(draw(st.sampled_from(sources(event))))
    except TrajectoryError:
        return None
    return t, draw(payloads(event, walker, t))


def sources(event: str) -> list[str]:
    """The states ``event`` leaves, then the others (where it is not allowed)."""
    leaving = sorted({s for tr in LIFECYCLE.events[event].transitions for s in tr.sources})
    return leaving + [s for s in STATES if s not in leaving]


def same(a: Trajectory[Any], b: Trajectory[Any]) -> None:
    assert (a.id, a.state, a.version) == (b.id, b.state, b.version)
    assert a.history == b.history
    assert a.data == b.data


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Store]]:
    """One store per backend for the whole module; PostgreSQL in a schema of its own."""
    opened = [
        trajectory.open_store("memory://"),
        trajectory.open_store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"),
    ]
    server = os.environ.get(POSTGRES_URL_ENV, "").strip()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    if server:
        with _admin(server) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        opened.append(trajectory.open_store(with_search_path(server, schema)))
    yield opened
    for store in opened:
        store.close()
    if server:
        with _admin(server) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def roundtrip(t: Trajectory[Any], stores: list[Store]) -> None:
    """Save ``t`` (every walk has a new id) in every store and load it back equal: a
    copy of it per store, since a trajectory counts as saved once one store has it."""
    for store in stores:
        copy = trajectory.replay(t.history)
        same(t, copy)
        store.save(copy)
        same(t, store.load(t.id))


def only_library_errors(call: Callable[[], Any]) -> Any:
    """The call's result, or None when it raised a library error; anything else fails."""
    try:
        return call()
    except TrajectoryError:
        return None


@pytest.mark.parametrize("event", EVENTS)
def test_hostile_payloads_for_every_event(event: str, stores: list[Store]) -> None:
    """Firing any event with hostile payloads, in every state where it could be asked
    for, raises only library errors, changes nothing when refused, and what is accepted
    saves to every store and loads back equal."""

    @FUZZ
    @given(case=cases(event))
    def run(case: tuple[Trajectory[Any], dict[str, Any]] | None) -> None:
        if case is None:
            return  # no path of the walker's leads to the state drawn
        t, payload = case
        before = (t.state, t.version, t.history, t.data)
        try:
            t.fire(event, **payload)
        except TrajectoryError as error:
            assert before == (t.state, t.version, t.history, t.data)
            hypothesis.event(f"refused: {type(error).__name__}")
            return
        hypothesis.event("accepted, saved and loaded back")
        roundtrip(t, stores)

    run()


@FUZZ
@given(
    school=hostile,
    offer=hostile,
    school_year=hostile,
    actor=hostile,
    extra=st.dictionaries(st.sampled_from(["offers", "clock", "rules"]), hostile),
)
def test_hostile_arguments_to_new_trajectory(
    school: Any, offer: Any, school_year: Any, actor: Any, extra: dict[str, Any]
) -> None:
    """``new_trajectory`` with any arguments raises only library errors."""
    with capture_logs():
        only_library_errors(
            lambda: trajectory.new_trajectory(
                school=school, offer=offer, school_year=school_year, actor=actor, **extra
            )
        )


@FUZZ
@given(name=hostile, sector=hostile, board=hostile, brin=hostile)
def test_hostile_schools(name: Any, sector: Any, board: Any, brin: Any) -> None:
    """``School`` with any field values raises only library errors."""
    only_library_errors(lambda: trajectory.School(name=name, sector=sector, board=board, brin=brin))


@FUZZ
@given(event=st.sampled_from(EVENTS), document=hostile)
def test_hostile_json_payload_documents(event: str, document: Any) -> None:
    """``load_payload`` with any document raises only library errors."""
    only_library_errors(lambda: load_payload(document, LIFECYCLE, event))


@FUZZ
@given(index=st.integers(0, 30), field=st.text(max_size=12), value=hostile)
def test_hostile_event_documents(index: int, field: str, value: Any) -> None:
    """``load_event`` with a real event document in which one field is hostile raises
    only library errors; ``replay`` of a history with such an event too."""
    with capture_logs():
        t = Walker.start(seed=1).walk_to("in_progress")
    events = list(t.history)
    position = index % len(events)
    document = json.loads(json.dumps(dump_event(events[position], LIFECYCLE)))
    keys = [*document, field]
    document[keys[index % len(keys)]] = value
    loaded = only_library_errors(lambda: load_event(document, LIFECYCLE))
    if loaded is not None:
        events[position] = loaded
    with capture_logs():
        only_library_errors(lambda: trajectory.replay(events))


@FUZZ
@given(events=hostile)
def test_hostile_histories_to_replay(events: Any) -> None:
    """``replay`` with anything at all raises only library errors."""
    with capture_logs():
        only_library_errors(lambda: trajectory.replay(events))


@FUZZ
@given(url=hostile)
def test_hostile_store_urls(url: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``open_store`` with any URL raises only library errors (run in an empty folder)."""
    folder = tmp_path_factory.mktemp("urls")
    here = Path.cwd()
    os.chdir(folder)
    try:
        store = only_library_errors(lambda: trajectory.open_store(url))
        if store is not None:
            store.close()
    finally:
        os.chdir(here)


@FUZZ
@given(
    start=hostile, delta=st.dictionaries(st.sampled_from(["days", "hours", "weeks", "x"]), hostile)
)
def test_hostile_clocks(start: Any, delta: dict[str, Any]) -> None:
    """``ManualClock`` and its ``advance`` with any values raise only library errors."""
    clock = only_library_errors(lambda: trajectory.ManualClock(start))
    if clock is not None:
        only_library_errors(lambda: clock.advance(**delta))


@FUZZ
@given(
    moment=st.one_of(
        st.datetimes(timezones=st.just(dt.UTC)),
        st.sampled_from(
            [
                dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
                dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
            ]
        ),
    ),
    state=st.sampled_from(STATES),
)
def test_clocks_at_the_ends_of_time(moment: dt.datetime, state: str) -> None:
    """A trajectory whose clock stands at any moment, the ends of time included, checks
    every event and reports its blockers raising only library errors."""
    with capture_logs():
        try:
            t = Walker.start(seed=2).walk_to(state)
        except TrajectoryError:
            return
        at_moment = trajectory.replay(t.history, clock=lambda: moment)
        for event in EVENTS:
            only_library_errors(lambda event=event: at_moment.check(event))
        only_library_errors(at_moment.blockers)
