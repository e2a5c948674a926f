"""Side-by-side performance figures for ``trajectory``'s stores, in one process.

Run from the repository root::

    python benchmarks/bench_store.py            # full run (a few minutes at most)
    python benchmarks/bench_store.py --quick    # smoke run (smaller N, under 30 s)
    python benchmarks/bench_store.py --json out.json
    python benchmarks/bench_store.py --profile  # also cProfile a save and blocked()
    python benchmarks/bench_store.py --dir /data/bench  # SQLite files there (same disk)

It measures, next to raw anchors measured in the same run on the same disk, and
prints absolute figures and ratios:

1. durable single-event saves per second: one trajectory fires one event and is
   saved, again and again (each save is one transaction, committed with an fsync):
   SQLite WAL with ``synchronous=full`` (the default: a save survives a machine
   crash), SQLite with ``synchronous=normal`` (survives a process crash),
   PostgreSQL, and ``memory://`` as the ceiling; the anchor is a plain ``sqlite3``
   INSERT + COMMIT of a ~1 KB row per transaction (the floor that fsync sets);
2. loading a trajectory of 200 events: ``store.load`` (snapshot + events
   deserialised, no replay) against a full replay of the same documents;
3. "blocked on what": ``store.blocked()`` over N stored trajectories in a mix of
   states, on SQLite and PostgreSQL.

PostgreSQL comes from ``TRAJECTORY_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``); every part runs in its own new
schema (``bench_<random>_<part>``, reached through the connection's search path),
dropped at the end. If the server does not answer, its rows are skipped with a note.

Throughputs are best of ``k`` repeats (the backends interleaved within a repeat),
with the garbage collector enabled. Nothing is asserted: this is not a test, and
timings on a shared machine (and fsync on a shared disk) are noisy. The targets are
printed with a verdict so a reader can see at a glance where the stores stand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import itertools
import json
import os
import sqlite3
import statistics
import tempfile
import time
import types
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import harness  # this folder is on sys.path when the script runs
from harness import Report, Row, Section, profiled, size, time_per_call, to_ms, to_us

# The repository on sys.path, structlog as in production (before trajectory logs).
harness.prepare()

import attrs  # noqa: E402
import msgspec  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from tests.builders import IN_WINDOW, at_state  # noqa: E402
from trajectory import Leertraject, ManualClock, Store, Trajectory, open_store  # noqa: E402
from trajectory.engine.history import new_id  # noqa: E402
from trajectory.engine.serialization import (  # noqa: E402
    dump_event,
    dump_snapshot,
    load_trajectory,
)
from trajectory.ontwikkelkracht import LIFECYCLE  # noqa: E402
from trajectory.ontwikkelkracht.guards import NETHERLANDS  # noqa: E402
from trajectory.store.sql import SqlStore  # noqa: E402

Leer = Trajectory[Leertraject]

#: The environment variable naming the PostgreSQL server (as for the store tests).
POSTGRES_URL_ENV: Final = "TRAJECTORY_TEST_POSTGRES_URL"
POSTGRES_DEFAULT: Final = "postgresql://postgres@127.0.0.1:5432/test"

#: The moment blocked() is asked at: after the 2024-2025 application windows closed.
ASKED: Final = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)

#: A past date for the trajectories that ``at_state("in_progress")`` returns (their
#: clock stands at 10 September 2024): a guidance moment then is always accepted.
PAST_DATE: Final = dt.date(2024, 9, 9)
PARTICIPANTS: Final = ("Anna", "Bram", "Chloé", "Daan", "Eva")

SAVES_TARGET: Final = 2_000.0  # durable single-event saves per second on SQLite, at least
BLOCKED_TARGET: Final = 1.0  # seconds for store.blocked() over the full N, at most
DRIVER_SAVE_TARGET: Final = 0.8  # fire + save throughput / the driver's, same statements, at least
DRIVER_LOAD_TARGET: Final = 1.5  # store.load / a bare read + decode of the same rows, at most
DRIVER_BLOCKED_TARGET: Final = 1.5  # store.blocked() / the bare indexed query + decode, at most
LOAD_EVENTS: Final = 200  # the version of the trajectory part 2 loads
ANCHOR_ROW_BYTES: Final = 1024


# ---------------------------------------------------------------------------
# Settings and context
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Sizes of one run: a full run's, and where it differs a quick run's (``--quick``)."""

    quick: bool = size(False, quick=True)
    repeat: int = size(3, quick=2)
    """k in best-of-k for the save throughputs."""
    save_batch: int = size(200, quick=100)
    """Single-event saves on one trajectory before it is replaced by a fresh one."""
    save_batches: int = size(3, quick=1)
    """Batches per repeat (per backend)."""
    anchor_transactions: int = size(600, quick=200)
    """Raw INSERT + COMMIT transactions per repeat."""
    load_repeat: int = size(5, quick=3)
    """k in best-of-k for the load timings."""
    load_min_time: float = size(0.2, quick=0.05)
    """Seconds per repeat at least, for the load timings."""
    n_blocked: int = size(100_000, quick=2_000)
    """Trajectories stored for ``blocked()``."""
    fill_batch: int = 500
    """Trajectories saved per unit of work while filling the store for ``blocked()``."""
    driver_saves: int = size(200, quick=60)
    """fire + save transactions per repeat, against the driver replaying the same statements."""
    blocked_repeat: int = size(5, quick=3)
    """k in best-of-k for ``blocked()``."""


@dataclass
class Context:
    """What every part shares: where the files go, the PostgreSQL server, profiles."""

    settings: Settings
    folder: Path
    postgres: str | None
    """The server's URL, or None when it is not reachable."""
    postgres_note: str
    prefix: str
    """Schema names start with this (``bench_<random>``)."""
    profile: bool
    schemas: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# PostgreSQL schemas and SQLite files
# ---------------------------------------------------------------------------


def with_option(url: str, option: str) -> str:
    """``url`` with one more PostgreSQL connection option (``-cname=value``)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["options"] = f"{query['options']} {option}" if query.get("options") else option
    return parts._replace(query=urlencode(query, quote_via=quote)).geturl()


def with_search_path(url: str, schema: str) -> str:
    """``url`` with the connection option that makes ``schema`` the search path."""
    return with_option(url, f"-csearch_path={schema}")


def shown(url: str) -> str:
    """``url`` without its password, to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def probe_postgres(url: str) -> tuple[str | None, str]:
    """The URL if the server answers (with its version and durability settings as a
    note), else None and why not."""
    try:
        import psycopg
    except ImportError as err:
        return None, f"PostgreSQL rows skipped: psycopg is missing ({err})"
    try:
        with _admin(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("fsync", "synchronous_commit", "wal_sync_method")
            }
    except psycopg.Error as err:
        message = " ".join(str(err).split())
        return None, f"PostgreSQL rows skipped: {shown(url)} is not reachable ({message})"
    described = ", ".join(f"{k}={v}" for k, v in settings.items())
    return url, f"PostgreSQL {version} at {shown(url)} ({described})"


def postgres_store_url(ctx: Context, part: str) -> str | None:
    """A store URL in a new, empty schema for ``part`` (dropped by :func:`drop_schemas`)."""
    if ctx.postgres is None:
        return None
    from psycopg import sql

    schema = f"{ctx.prefix}_{part}"
    with _admin(ctx.postgres) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    ctx.schemas.append(schema)
    return with_search_path(ctx.postgres, schema)


def drop_schemas(ctx: Context) -> None:
    """Drop every schema this run created."""
    if ctx.postgres is None or not ctx.schemas:
        return
    from psycopg import sql

    with _admin(ctx.postgres) as conn:
        conn.execute("SET lock_timeout = '10s'")
        for schema in ctx.schemas:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    ctx.schemas.clear()


def sqlite_url(ctx: Context, name: str, *, synchronous: str = "full") -> str:
    """A store URL for a new SQLite file in the run's folder."""
    path = ctx.folder / f"{name}.db"
    suffix = "" if synchronous == "full" else f"?synchronous={synchronous}"
    return f"sqlite:///{path}{suffix}"


def filesystem_of(path: Path) -> str:
    """The device and type of the file system holding ``path`` (Linux), else '?'."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "?"
    resolved = str(path.resolve())
    best = ("", "?", "?")
    for line in mounts:
        device, point, kind, *_ = line.split()
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, device, kind)
    return f"{best[1]} ({best[2]}, mounted on {best[0]})"


# ---------------------------------------------------------------------------
# Subjects
# ---------------------------------------------------------------------------


def fresh_in_progress() -> Leer:
    """A leertraject in ``in_progress`` (18 events), from the test builders."""
    return at_state("in_progress")


def fire_guidance(t: Leer) -> object:
    """A self-loop in ``in_progress`` with one guard; a past date is always accepted."""
    return t.fire("hold_guidance_moment", date=PAST_DATE)


def grow_to(t: Leer, version: int) -> Leer:
    """Fire ``log_hours`` and ``hold_guidance_moment`` alternately until ``version``.

    Each participant logs 4 hours once on a past day (a different week each time),
    well under the 24 hours per person per day.
    """
    entries = (
        (name, PAST_DATE - dt.timedelta(weeks=week))
        for week in itertools.count()
        for name in PARTICIPANTS
    )
    while t.version < version:
        if t.version % 2:
            name, day = next(entries)
            t.fire("log_hours", participant=name, date=day, hours=4)
        else:
            fire_guidance(t)
    return t


def blocked_templates() -> list[tuple[str, Leer]]:
    """Trajectories in a mix of states: one per state on a valid path, and four
    half-way variants whose next step is blocked."""
    made = [(state, at_state(state)) for state in LIFECYCLE.states]
    registered = at_state("orientation_held")
    registered.fire("register")
    made.append(("application_in_preparation (registered only)", registered))
    one = at_state("orientation_held")
    one.fire("register")
    one.fire("add_participant", name="Anna", role="school_leader", planned_hours=200)
    made.append(("application_in_preparation (one participant)", one))
    clock = ManualClock(IN_WINDOW)
    started = at_state("granted", clock)
    clock.set(dt.datetime(2024, 8, 26, 10, 0, tzinfo=NETHERLANDS))
    started.fire("start_preparation")
    made.append(("preparing (just started)", started))
    guided = at_state("in_progress")
    fire_guidance(guided)
    made.append(("in_progress (one guidance moment)", guided))
    return made


def copy_of(template: Leer) -> Leer:
    """A new trajectory with the template's state, data and history, under new ids
    (the events keep their timestamps); its clock stands at its last event."""
    trajectory_id = new_id()
    history = [
        attrs.evolve(event, id=new_id(), trajectory_id=trajectory_id) for event in template.history
    ]
    return Trajectory.restore(
        LIFECYCLE,
        trajectory_id,
        template.state,
        template.data,
        history,
        version=template.version,
        clock=ManualClock(history[-1].timestamp),
    )


def documents(t: Leer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The snapshot and event documents a store keeps for ``t``, as a store parses
    them back (through JSON text)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    snapshot = json.loads(encode(dump_snapshot(t)))
    events = [json.loads(encode(dump_event(event, LIFECYCLE))) for event in t.history]
    return snapshot, events


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


@dataclass
class SaveRun:
    """One backend's single-event saves over one repeat."""

    loop: float = 0.0
    """Seconds for fire + save, every save of the repeat."""
    saves: float = 0.0
    """Seconds inside ``store.save`` only."""
    early: list[float] = field(default_factory=list)
    """Seconds per save, the first tenth of each batch (short history)."""
    late: list[float] = field(default_factory=list)
    """Seconds per save, the last tenth of each batch (long history)."""
    each: list[float] = field(default_factory=list)
    """Seconds per fire + save, every one."""


def single_event_saves(store: Store, s: Settings) -> SaveRun:
    """``s.save_batches`` batches of ``s.save_batch`` fire + save on fresh trajectories
    (each first saved whole, untimed)."""
    run = SaveRun()
    tenth = max(1, s.save_batch // 10)
    for _ in range(s.save_batches):
        t = fresh_in_progress()
        store.save(t)
        start_version = t.version
        gc.collect()
        for i in range(s.save_batch):
            start = time.perf_counter()
            fire_guidance(t)
            fired = time.perf_counter()
            store.save(t)
            done = time.perf_counter()
            run.loop += done - start
            run.saves += done - fired
            run.each.append(done - start)
            if i < tenth:
                run.early.append(done - fired)
            elif i >= s.save_batch - tenth:
                run.late.append(done - fired)
        if t.saved_version != start_version + s.save_batch:
            raise RuntimeError(f"expected {s.save_batch} saved events on {t!r}")
    return run


def raw_sqlite_commits(path: Path, synchronous: str, n: int) -> float:
    """Seconds for ``n`` transactions of one ~1 KB INSERT + COMMIT each (WAL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("CREATE TABLE IF NOT EXISTS anchor (id INTEGER PRIMARY KEY, body TEXT)")
        body = "x" * ANCHOR_ROW_BYTES
        start = time.perf_counter()
        for _ in range(n):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO anchor (body) VALUES (?)", (body,))
            conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def raw_postgres_commits(url: str, n: int) -> float:
    """Seconds for ``n`` transactions of one ~1 KB INSERT + COMMIT each (psycopg)."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS anchor (id BIGSERIAL PRIMARY KEY, body TEXT)")
        conn.commit()
        body = "x" * ANCHOR_ROW_BYTES
        start = time.perf_counter()
        for _ in range(n):
            conn.execute("INSERT INTO anchor (body) VALUES (%s)", (body,))
            conn.commit()
        return time.perf_counter() - start


# ---------------------------------------------------------------------------
# The three parts
# ---------------------------------------------------------------------------


def bench_saves(ctx: Context) -> tuple[Section, Section]:
    """1. Durable single-event saves per second, and where a save's time goes."""
    s = ctx.settings
    n = s.save_batch * s.save_batches
    throughput = Section(
        "saves",
        f"1. Single-event saves (fire + save, one transaction each), per second "
        f"(best of {s.repeat}, GC enabled)",
    )
    costs = Section("save_costs", "1b. Where a single-event save's time goes, µs per operation")
    stores: dict[str, tuple[str, Store]] = {
        "memory": ("memory:// (ceiling: no I/O)", open_store("memory://")),
        "sqlite_full": (
            "SQLite WAL, synchronous=full (default; survives a machine crash)",
            open_store(sqlite_url(ctx, "saves-full")),
        ),
        "sqlite_normal": (
            "SQLite WAL, synchronous=normal (survives a process crash)",
            open_store(sqlite_url(ctx, "saves-normal", synchronous="normal")),
        ),
    }
    pg_url = postgres_store_url(ctx, "saves")
    if pg_url is not None:
        stores["postgres"] = ("PostgreSQL (synchronous_commit as configured)", open_store(pg_url))
    else:
        throughput.notes.append(ctx.postgres_note)
    anchors: dict[str, tuple[str, Callable[[], float]]] = {
        "raw_sqlite_full": (
            "anchor: sqlite3 INSERT 1 KB + COMMIT, WAL, synchronous=full",
            lambda: raw_sqlite_commits(
                ctx.folder / "anchor-full.db", "FULL", s.anchor_transactions
            ),
        ),
        "raw_sqlite_normal": (
            "anchor: sqlite3 INSERT 1 KB + COMMIT, WAL, synchronous=normal",
            lambda: raw_sqlite_commits(
                ctx.folder / "anchor-normal.db", "NORMAL", s.anchor_transactions
            ),
        ),
    }
    if pg_url is not None:
        url = pg_url
        anchors["raw_postgres"] = (
            "anchor: psycopg INSERT 1 KB + COMMIT, PostgreSQL",
            lambda: raw_postgres_commits(url, s.anchor_transactions),
        )
    try:
        for _, store in stores.values():  # warm up: first connections, statement caches
            warm = fresh_in_progress()
            store.save(warm)
            fire_guidance(warm)
            store.save(warm)
        best: dict[str, SaveRun] = {}
        anchor_best: dict[str, float] = {}
        for _ in range(s.repeat):
            for key, (_, store) in stores.items():
                run = single_event_saves(store, s)
                if key not in best or run.loop < best[key].loop:
                    best[key] = run
            for key, (_, anchor) in anchors.items():
                anchor_best[key] = min(anchor_best.get(key, float("inf")), anchor())

        raw_full = s.anchor_transactions / anchor_best["raw_sqlite_full"]
        for key, (label, _) in stores.items():
            per_second = n / best[key].loop
            sqlite = key.startswith("sqlite")
            throughput.add(
                Row(
                    key=key,
                    label=label,
                    value=per_second,
                    unit="saves/s",
                    n=n,
                    ratio=per_second / raw_full,
                    ratio_label="this/raw full",
                    detail=f"median {1 / statistics.median(best[key].each):,.0f}/s",
                    target=f"≥ {SAVES_TARGET:,.0f}/s" if sqlite else "",
                    met=per_second >= SAVES_TARGET if sqlite else None,
                )
            )
        for key, (label, _) in anchors.items():
            per_second = s.anchor_transactions / anchor_best[key]
            throughput.add(
                Row(
                    key=key,
                    label=label,
                    value=per_second,
                    unit="tx/s",
                    n=s.anchor_transactions,
                    ratio=per_second / raw_full,
                    ratio_label="this/raw full",
                )
            )

        # Where the time goes: the fire, the record every save computes, the save.
        fires = best["memory"].loop - best["memory"].saves
        costs.add(
            Row(
                key="fire",
                label="fire('hold_guidance_moment', date=<past>) (memory:// loop)",
                value=to_us(fires / n),
                unit="µs/op",
                n=n,
            )
        )
        sample = fresh_in_progress()  # as in the middle of a batch
        for _ in range(s.save_batch // 2):
            fire_guidance(sample)
        memory_store = stores["memory"][1]
        record_seconds, record_number = time_per_call(
            lambda: memory_store.record_of(sample), s.load_repeat, s.load_min_time
        )
        costs.add(
            Row(
                key="record_of",
                label=f"store.record_of(t) at version {sample.version} "
                "(blockers + snapshot JSON, every save)",
                value=to_us(record_seconds),
                unit="µs/op",
                n=record_number,
            )
        )
        for key, (label, _) in stores.items():
            run = best[key]
            short = label.split(" (")[0]
            costs.add(
                Row(
                    key=f"{key}_save",
                    label=f"save(): {short}",
                    value=to_us(run.saves / n),
                    unit="µs/op",
                    n=n,
                )
            )
            tenth = len(run.early) // s.save_batches
            early, late = statistics.median(run.early), statistics.median(run.late)
            costs.add(
                Row(
                    key=f"{key}_early",
                    label=f"  median, first tenth of a batch (version 19–{18 + tenth})",
                    value=to_us(early),
                    unit="µs/op",
                    n=len(run.early),
                )
            )
            costs.add(
                Row(
                    key=f"{key}_late",
                    label=f"  median, last tenth (version {19 + s.save_batch - tenth}"
                    f"–{18 + s.save_batch})",
                    value=to_us(late),
                    unit="µs/op",
                    n=len(run.late),
                    ratio=late / early,
                    ratio_label="last/first tenth",
                )
            )
        for key, (label, _) in anchors.items():
            costs.add(
                Row(
                    key=f"{key}_tx",
                    label=label.replace("anchor: ", "anchor, one transaction: "),
                    value=to_us(anchor_best[key] / s.anchor_transactions),
                    unit="µs/op",
                    n=s.anchor_transactions,
                )
            )

        if ctx.profile:
            for key in ("sqlite_full", "sqlite_normal"):
                store = stores[key][1]
                t = fresh_in_progress()
                store.save(t)

                def loop(t: Leer = t, store: Store = store) -> None:
                    for _ in range(s.save_batch):
                        fire_guidance(t)
                        store.save(t)

                ctx.profiles.append(
                    profiled(f"fire + save × {s.save_batch}, {stores[key][0]}", loop)
                )
    finally:
        for _, store in stores.values():
            store.close()

    throughput.notes += [
        f"Each backend fires hold_guidance_moment and saves, {s.save_batch} times on one "
        f"trajectory (from at_state('in_progress'), first saved whole, untimed), "
        f"{s.save_batches} trajector{'y' if s.save_batches == 1 else 'ies'} per repeat; "
        f"so the history grows from 18 to {18 + s.save_batch} events, and the snapshot "
        "with it (every guidance moment stays in the data).",
        "value: saves over the best repeat's total time (fire + save); median: one over "
        "the median fire + save of that repeat, less sensitive to a busy machine.",
        "Each save is one transaction: UPDATE the trajectory row (snapshot, blockers), "
        "INSERT the event and its outbox entry, COMMIT.",
        f"SQLite files in {ctx.folder} on {filesystem_of(ctx.folder)}; "
        f"SQLite {sqlite3.sqlite_version}.",
        f"The anchors run {s.anchor_transactions} transactions per repeat on the same disk; "
        "'raw full' is the fsync floor of one durable SQLite commit.",
    ]
    if ctx.postgres is not None:
        throughput.notes.append(ctx.postgres_note)
    costs.notes += [
        "save() rows: time inside store.save only (fire excluded), mean over the best "
        "repeat; record_of is computed inside every save, before the transaction.",
        "The tenth rows: median save in the first and the last tenth of each batch, "
        "showing how a save's cost grows with the trajectory's data.",
        "Reading: memory:// save ≈ record_of + event JSON (CPU only); SQLite normal minus "
        "memory ≈ SQLAlchemy Core + sqlite3 without fsync; full minus normal ≈ the fsyncs.",
    ]
    return throughput, costs


def bench_load(ctx: Context) -> Section:
    """2. Loading a trajectory of 200 events: snapshot vs full replay."""
    s = ctx.settings
    section = Section(
        "load",
        f"2. Loading a trajectory of {LOAD_EVENTS} events, ms per load "
        f"(best of {s.load_repeat}, GC enabled)",
    )
    t = grow_to(fresh_in_progress(), LOAD_EVENTS)
    if t.version != LOAD_EVENTS or t.state != "in_progress":
        raise RuntimeError(f"expected in_progress at version {LOAD_EVENTS}, got {t!r}")
    snapshot, events = documents(t)
    body_texts = [json.dumps(event, ensure_ascii=False, separators=(",", ":")) for event in events]
    snapshot_text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))

    replayed = load_trajectory(None, events, LIFECYCLE)
    restored = load_trajectory(snapshot, events, LIFECYCLE)
    for other in (replayed, restored):
        if (other.state, other.version, other.data) != (t.state, t.version, t.data):
            raise RuntimeError("a loaded trajectory differs from the one saved")

    def replay_parsed() -> object:
        return load_trajectory(None, events, LIFECYCLE)

    def restore_parsed() -> object:
        return load_trajectory(snapshot, events, LIFECYCLE)

    def replay_text() -> object:
        return load_trajectory(None, [json.loads(body) for body in body_texts], LIFECYCLE)

    def restore_text() -> object:
        parsed = [json.loads(body) for body in body_texts]
        return load_trajectory(json.loads(snapshot_text), parsed, LIFECYCLE)

    replay_seconds, replay_number = time_per_call(replay_parsed, s.load_repeat, s.load_min_time)
    rows: list[tuple[str, str, float, int]] = []
    restore_seconds, restore_number = time_per_call(restore_parsed, s.load_repeat, s.load_min_time)
    rows.append(
        (
            "snapshot_docs",
            "load_trajectory(snapshot, events): parsed documents, no replay",
            restore_seconds,
            restore_number,
        )
    )
    rows.append(
        (
            "replay_docs",
            "load_trajectory(None, events): parsed documents, full replay",
            replay_seconds,
            replay_number,
        )
    )
    text_seconds, text_number = time_per_call(restore_text, s.load_repeat, s.load_min_time)
    rows.append(
        (
            "snapshot_text",
            "json.loads + load_trajectory(snapshot, events) (store.load minus I/O)",
            text_seconds,
            text_number,
        )
    )
    replay_text_seconds, replay_text_number = time_per_call(
        replay_text, s.load_repeat, s.load_min_time
    )
    rows.append(
        (
            "replay_text",
            "json.loads + load_trajectory(None, events) (a load by replay)",
            replay_text_seconds,
            replay_text_number,
        )
    )

    urls: list[tuple[str, str, str]] = [
        ("memory", "store.load: memory://", "memory://"),
        ("sqlite", "store.load: SQLite (WAL, synchronous=full)", sqlite_url(ctx, "load")),
    ]
    pg_url = postgres_store_url(ctx, "load")
    if pg_url is not None:
        urls.append(("postgres", "store.load: PostgreSQL", pg_url))
    else:
        section.notes.append(ctx.postgres_note)
    for key, label, url in urls:
        store = open_store(url)
        try:
            t.mark_saved(0)  # saved whole into each store
            store.save(t)
            loaded = store.load(t.id)
            if (loaded.state, loaded.version, loaded.data) != (t.state, t.version, t.data):
                raise RuntimeError(f"{url}: the loaded trajectory differs from the one saved")

            def load(store: Store = store) -> object:
                return store.load(t.id)

            def first_load(store: Store = store) -> object:
                store._forget_events_read()  # as a store that read nothing before
                return store.load(t.id)

            seconds, number = time_per_call(load, s.load_repeat, s.load_min_time)
            rows.append((f"store_{key}", label, seconds, number))
            seconds, number = time_per_call(first_load, s.load_repeat, s.load_min_time)
            rows.append((f"store_{key}_first", f"{label}, nothing read before", seconds, number))
        finally:
            store.close()

    for key, label, seconds, number in rows:
        section.add(
            Row(
                key=key,
                label=label,
                value=to_ms(seconds),
                unit="ms",
                n=number,
                ratio=replay_text_seconds / seconds,
                ratio_label="replay load/this",
            )
        )
    section.notes += [
        f"One trajectory: at_state('in_progress') (18 events), then log_hours and "
        f"hold_guidance_moment alternately up to version {LOAD_EVENTS}; saved once per store.",
        "store.load reads the row, the snapshot and every event's columns and body, and "
        "restores state and data from the snapshot: it does not replay. It checks the "
        "events' columns (sequence, id, name, timestamp) at once and parses and validates "
        "only the bodies of the events after the snapshot (and of the snapshot's own); "
        "the others when the history is asked for them. A store keeps what it parsed: "
        "loading the same trajectory again (as here, after the first call) reuses it; "
        "'nothing read before' forgets it before each load (the first load of a "
        "trajectory by a process). A replay re-runs every event's effect from the creation.",
        "'replay load' (the ratio's numerator) is json.loads + full replay of the same "
        "documents: what a load would cost without snapshots, I/O aside.",
        f"Replay vs snapshot on the same parsed documents: "
        f"{replay_seconds / restore_seconds:,.2f}× slower.",
    ]
    return section


def bench_blocked(ctx: Context) -> Section:
    """3. ``store.blocked()`` over N stored trajectories in a mix of states."""
    s = ctx.settings
    n = s.n_blocked
    section = Section(
        "blocked",
        f"3. store.blocked() over {n:,} stored trajectories, ms per call "
        f"(best of {s.blocked_repeat}, GC enabled)",
    )
    templates = blocked_templates()
    # In a time-dependent state blocked() answers at the moment asked (here: after the
    # application windows closed) from the schedule kept at the save; elsewhere the
    # blockers are as saved.
    timed = LIFECYCLE.time_dependent_states
    blocked_flags = [
        bool(copy_of(template).blockers(ASKED if template.state in timed else None))
        for _, template in templates
    ]
    expected = sum(blocked_flags[i % len(templates)] for i in range(n))
    worked_out = sum(templates[i % len(templates)][1].state in timed for i in range(n))

    # (key, label, URL to fill it through, URL to measure through)
    targets: list[tuple[str, str, str, str]] = [
        (
            "sqlite",
            "SQLite",
            sqlite_url(ctx, "blocked", synchronous="normal"),
            sqlite_url(ctx, "blocked"),
        )
    ]
    pg_url = postgres_store_url(ctx, "blocked")
    if pg_url is not None:
        targets.append(
            ("postgres", "PostgreSQL", with_option(pg_url, "-csynchronous_commit=off"), pg_url)
        )
    else:
        section.notes.append(ctx.postgres_note)
    setup_notes: list[str] = []
    for key, label, fill_url, url in targets:
        filling = open_store(fill_url)
        try:
            start = time.perf_counter()
            for first in range(0, n, s.fill_batch):
                with filling.unit_of_work() as uow:
                    for i in range(first, min(n, first + s.fill_batch)):
                        uow.save(copy_of(templates[i % len(templates)][1]))
            filled = time.perf_counter() - start
        finally:
            filling.close()
        setup_notes.append(f"{label}: {n:,} saves in {filled:,.1f} s (untimed setup)")
        store = open_store(url)
        try:
            found = store.blocked(ASKED)
            if len(found) != expected:
                raise RuntimeError(f"{url}: blocked() found {len(found)}, expected {expected}")
            gc.collect()
            best = float("inf")
            for _ in range(s.blocked_repeat):
                start = time.perf_counter()
                store.blocked(ASKED)
                best = min(best, time.perf_counter() - start)
            section.add(
                Row(
                    key=key,
                    label=f"store.blocked(): {label}",
                    value=to_ms(best),
                    unit="ms",
                    n=expected,
                    target=f"< {BLOCKED_TARGET:g} s",
                    met=best < BLOCKED_TARGET,
                )
            )
            if isinstance(store, SqlStore):

                def raw(store: SqlStore = store) -> object:
                    return bare_blocked(store)

                raw_best = float("inf")
                for _ in range(s.blocked_repeat):
                    start = time.perf_counter()
                    raw()
                    raw_best = min(raw_best, time.perf_counter() - start)
                ratio = best / raw_best
                section.add(
                    Row(
                        key=f"{key}_raw",
                        label=f"anchor: the driver's cursor, the same indexed query, "
                        f"msgspec-decoded: {label}",
                        value=to_ms(raw_best),
                        unit="ms",
                        n=expected,
                        ratio=ratio,
                        ratio_label="blocked()/this",
                        target=f"blocked()/bare <= {DRIVER_BLOCKED_TARGET:g}",
                        met=ratio <= DRIVER_BLOCKED_TARGET,
                    )
                )
            if ctx.profile:
                ctx.profiles.append(
                    profiled(
                        f"store.blocked() over {n:,}, {label}",
                        functools.partial(store.blocked, ASKED),
                    )
                )
        finally:
            store.close()

    mix = ", ".join(
        f"{name}{' [blocked]' if flag else ''}"
        for (name, _), flag in zip(templates, blocked_flags, strict=True)
    )
    section.notes += [
        f"{n:,} trajectories copied round-robin (new ids, same data and history) from "
        f"{len(templates)} templates: {mix}.",
        f"{expected:,} of them are blocked (n column: rows returned) at the moment asked, "
        f"{ASKED:%Y-%m-%d}. {worked_out:,} are in a time-dependent state "
        f"({', '.join(sorted(timed))}): their rows keep a schedule of their blockers "
        "over time, and blocked() reads the interval holding that moment; the others' "
        "blockers are those saved.",
        *setup_notes,
        f"The setup saves {s.fill_batch} trajectories per unit of work, with "
        "synchronous=normal (SQLite) or synchronous_commit=off (PostgreSQL): durability is "
        "not what is measured here. blocked() then runs through a store opened with the "
        "default settings.",
        "The anchor runs the store's query (id, state, blockers and lifecycle of the rows "
        "with blockers, through the partial index ix_trajectories_blocked, and of the rows "
        "in a time-dependent state, through ix_trajectories_state) on the driver's cursor "
        "and decodes each row's blockers with msgspec: the gap is the store's checks of "
        "what it reads, picking each schedule's interval and building each Blocked.",
    ]
    return section


# ---------------------------------------------------------------------------
# 4. The store against its driver, running the same statements
# ---------------------------------------------------------------------------


class RecordingCursor:
    """A DBAPI cursor that writes down every statement and its parameters."""

    def __init__(self, cursor: Any, log: list[tuple[str, str, Any]]) -> None:
        self._cursor = cursor
        self._log = log

    def execute(self, sql: str, parameters: Any = None) -> Any:
        self._log.append(("execute", sql, None if parameters is None else list(parameters)))
        return (
            self._cursor.execute(sql)
            if parameters is None
            else self._cursor.execute(sql, parameters)
        )

    def executemany(self, sql: str, rows: Any) -> Any:
        rows = [list(row) for row in rows]
        self._log.append(("many", sql, rows))
        return self._cursor.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class RecordingConnection:
    """A pooled DBAPI connection whose cursors record; commits end a transaction."""

    def __init__(self, connection: Any, transactions: list[list[tuple[str, str, Any]]]) -> None:
        self._connection = connection
        self._transactions = transactions
        self._log: list[tuple[str, str, Any]] = []

    def cursor(self) -> RecordingCursor:
        return RecordingCursor(self._connection.cursor(), self._log)

    def commit(self) -> None:
        self._connection.commit()
        self._transactions.append(self._log)
        self._log = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def recorded_saves(url: str, template: Leer, n: int) -> list[list[tuple[str, str, Any]]]:
    """The statements of each transaction a store runs for a first save of a copy of
    ``template``, then ``n`` single-event saves (fire + save)."""
    transactions: list[list[tuple[str, str, Any]]] = []
    store = open_store(url)
    try:
        assert isinstance(store, SqlStore)
        engine = store.engine
        plain = engine.raw_connection

        def recording(self: sa.Engine) -> Any:
            return RecordingConnection(plain(), transactions)

        engine.raw_connection = types.MethodType(recording, engine)  # type: ignore[method-assign]
        t = copy_of(template)
        store.save(t)
        for _ in range(n):
            fire_guidance(t)
            store.save(t)
    finally:
        store.close()
    return transactions


def driver_connection(url: str) -> Any:
    """A plain driver connection (sqlite3 or psycopg) on the database behind ``url``."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(urlsplit(url).path[1:], isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn
    import psycopg

    return psycopg.connect(url)


def replayed(connection: Any, transactions: Sequence[list[tuple[str, str, Any]]]) -> float:
    """Seconds to run ``transactions`` on the driver's connection, one commit each."""
    cursor = connection.cursor()
    start = time.perf_counter()
    for statements in transactions:
        for kind, sql, parameters in statements:
            if kind == "many":
                cursor.executemany(sql, parameters)
            elif parameters is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, parameters)
        connection.commit()
    elapsed = time.perf_counter() - start
    cursor.close()
    return elapsed


_DECODER: Final = msgspec.json.Decoder()


def bare_load(store: SqlStore, trajectory_id: str) -> object:
    """What a load reads, on the driver's cursor: the row and the events' columns and
    bodies, with the snapshot decoded and the bodies a load parses (those of the
    events from the snapshot's version on) decoded (msgspec)."""
    mark = "%s" if store.engine.dialect.name == "postgresql" else "?"
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if mark == "?":
            cursor.execute("BEGIN DEFERRED")
        cursor.execute(
            "SELECT id, lifecycle, state, version, blocked, snapshot, updated_at, "
            f"generation FROM trajectories WHERE id = {mark}",
            [trajectory_id],
        )
        row = cursor.fetchone()
        cursor.execute(
            "SELECT sequence, id, name, timestamp, body FROM trajectory_events "
            f"WHERE trajectory_id = {mark} ORDER BY sequence",
            [trajectory_id],
        )
        events = cursor.fetchall()
        snapshot = _DECODER.decode(row[5])
        bodies = [_DECODER.decode(event[4]) for event in events[snapshot["version"] - 1 :]]
        cursor.close()
        connection.rollback()
        return snapshot, bodies
    finally:
        connection.close()


def bare_blocked(store: SqlStore) -> object:
    """What blocked() reads, on the driver's cursor: the store's own indexed query
    (the rows with blockers, and those in a time-dependent state), each row's
    blockers (or schedule of blockers) decoded (msgspec)."""
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        states = sorted(store._time_dependent_states)
        if states:  # the store's query: the rows with blockers or in such a state
            cursor.execute(store._statements.blocked_or_in, states)
        else:
            cursor.execute(store._statements.blocked)
        rows = [(row[0], row[1], _DECODER.decode(row[2]), row[3]) for row in cursor.fetchall()]
        cursor.close()
        connection.rollback()
        return rows
    finally:
        connection.close()


def bench_driver(ctx: Context) -> Section:
    """4. The store against its driver: saves, a load and blocked() (part 3)."""
    s = ctx.settings
    n = s.driver_saves
    section = Section(
        "driver",
        f"4. The store against a bare driver running the same statements "
        f"(best of {s.repeat}, GC enabled)",
    )
    targets = [("sqlite", "SQLite (WAL, synchronous=full)", lambda part: sqlite_url(ctx, part))]
    if ctx.postgres is not None:
        targets.append(("postgres", "PostgreSQL", lambda part: postgres_store_url(ctx, part)))
    else:
        section.notes.append(ctx.postgres_note)
    template = fresh_in_progress()
    for key, label, url_for in targets:
        store_best = anchor_best = float("inf")
        for repeat in range(s.repeat):
            urls = [url_for(f"driver_{name}_{repeat}") for name in ("record", "bare", "store")]
            record_url, bare_url, store_url = (str(url) for url in urls)
            transactions = recorded_saves(record_url, template, n)
            open_store(bare_url).close()  # the tables
            connection = driver_connection(bare_url)
            try:
                replayed(connection, transactions[:1])
                gc.collect()
                anchor_best = min(anchor_best, replayed(connection, transactions[1:]))
            finally:
                connection.close()
            with open_store(store_url) as store:
                t = copy_of(template)
                store.save(t)
                gc.collect()
                start = time.perf_counter()
                for _ in range(n):
                    fire_guidance(t)
                    store.save(t)
                store_best = min(store_best, time.perf_counter() - start)
        ratio = anchor_best / store_best
        section.add(
            Row(
                key=f"{key}_driver_saves",
                label=f"fire + save: {label}",
                value=n / store_best,
                unit="/s",
                n=n,
                ratio=ratio,
                ratio_label="this/bare",
                detail=f"bare driver: {n / anchor_best:,.0f}/s",
                target=f"fire + save / bare >= {DRIVER_SAVE_TARGET:g}",
                met=ratio >= DRIVER_SAVE_TARGET,
            )
        )

        # One load, against reading and decoding the same rows on the driver.
        url = str(url_for("driver_load"))
        t = grow_to(fresh_in_progress(), LOAD_EVENTS)
        with open_store(url) as store:
            assert isinstance(store, SqlStore)
            store.save(t)

            def bare(store: SqlStore = store, t_id: str = t.id) -> object:
                return bare_load(store, t_id)

            def load(store: SqlStore = store, t_id: str = t.id) -> object:
                return store.load(t_id)

            bare_seconds, _ = time_per_call(bare, s.load_repeat, s.load_min_time)
            load_seconds, number = time_per_call(load, s.load_repeat, s.load_min_time)
        ratio = load_seconds / bare_seconds
        section.add(
            Row(
                key=f"{key}_driver_load",
                label=f"store.load, {LOAD_EVENTS} events: {label}",
                value=to_ms(load_seconds),
                unit="ms",
                n=number,
                ratio=ratio,
                ratio_label="this/bare",
                detail=f"bare read + decode: {to_ms(bare_seconds):,.3f} ms",
                target=f"load / bare <= {DRIVER_LOAD_TARGET:g}",
                met=ratio <= DRIVER_LOAD_TARGET,
            )
        )
    section.notes += [
        f"Saves: a store records the statements and parameters of a first save and {n} "
        "single-event saves (fire + save) of a leertraject in in_progress; the bare "
        "driver (sqlite3, or psycopg) replays exactly those, one commit per save, on "
        "tables the store created; then the store runs the same fire + save loop on a "
        "copy of the trajectory. The ratio is the store's throughput over the driver's.",
        "Load: the bare driver reads the trajectory's row and its events' columns and "
        "bodies, and decodes the snapshot and the bodies a load parses (from the "
        "snapshot's version on) with msgspec; store.load reads the same, checks every "
        "event's columns, validates those events and restores the trajectory.",
    ]
    return section


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def target_figure(target: dict[str, Any]) -> str:
    """The figure a target judges: times in seconds, else the value and its unit."""
    if target["unit"] == "ms":
        return f"{target['value'] / 1e3:,.3f} s"
    return f"{target['value']:,.0f} {target['unit']}"


@contextlib.contextmanager
def run_folder(given: Path | None) -> Iterator[Path]:
    """A new folder for the SQLite files (inside ``given`` if set), removed afterwards."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench_store_", dir=given) as folder:
        yield Path(folder)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print (and optionally write) the figures."""
    parser = harness.argument_parser(__doc__, "also cProfile a save loop and blocked() (untimed)")
    parser.add_argument(
        "--dir", metavar="PATH", type=Path, help="put the SQLite files here (default: a temp dir)"
    )
    args = parser.parse_args(argv)
    s = harness.sizes(Settings, quick=args.quick)
    base = os.environ.get(POSTGRES_URL_ENV, "").strip() or POSTGRES_DEFAULT
    postgres, postgres_note = probe_postgres(base)

    with run_folder(args.dir) as folder:
        ctx = Context(
            settings=s,
            folder=folder,
            postgres=postgres,
            postgres_note=postgres_note,
            prefix=f"bench_{uuid.uuid4().hex[:12]}",
            profile=args.profile,
        )
        meta = harness.metadata(
            quick=s.quick,
            packages=("trajectory", "sqlalchemy", "psycopg", "attrs", "cattrs", "structlog"),
            extra={
                "sqlite": sqlite3.sqlite_version,
                "disk": f"{folder} on {filesystem_of(folder)}",
                "postgres": postgres_note,
            },
        )
        report = Report(meta=meta, settings=s, n_width=6, ratio_width=26, details=True)
        report.print_header(
            "trajectory store benchmarks",
            [
                ("sqlite", f"{meta['sqlite']}; files in {meta['disk']}"),
                ("postgres", postgres_note),
            ],
        )

        try:
            part = time.perf_counter()
            for section in bench_saves(ctx):
                report.add(section)
            print(f"  (part took {time.perf_counter() - part:,.1f} s)")
            for bench in (bench_load, bench_blocked, bench_driver):
                part = time.perf_counter()
                report.add(bench(ctx))
                print(f"  (part took {time.perf_counter() - part:,.1f} s)")
        finally:
            drop_schemas(ctx)
    report.finish()

    report.print_targets(target_figure)
    targets = report.targets()
    settings = {"sqlite_full": "synchronous=full", "sqlite_normal": "synchronous=normal"}
    meeting = [settings[t["key"]] for t in targets if t["key"] in settings and t["met"]]
    saves = {
        row.key: row.value for sec in report.sections if sec.key == "saves" for row in sec.rows
    }
    if meeting:
        verdict = f"{' and '.join(meeting)} meet{'s' if len(meeting) == 1 else ''} it"
    else:
        verdict = "neither synchronous=full nor synchronous=normal meets it"
    print(
        f"  => {SAVES_TARGET:,.0f} durable single-event saves/s on SQLite: {verdict} "
        f"(memory:// ceiling {saves.get('memory', 0.0):,.0f}/s, "
        f"raw fsync floor {saves.get('raw_sqlite_full', 0.0):,.0f} tx/s)"
    )
    report.print_elapsed()

    for text in ctx.profiles:
        print(text, end="")
    if args.json is not None:
        report.write_json(args.json, {"profiles": ctx.profiles})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
