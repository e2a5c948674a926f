"""Performance figures for ``trajectory``'s HTTP service, next to the library in process.

Run from the repository root::

    python benchmarks/bench_service.py            # full run (about a minute)
    python benchmarks/bench_service.py --quick    # smoke run (under 30 s)
    python benchmarks/bench_service.py --json out.json

It starts the real ``trajectory serve --open --workers 2`` (uvicorn) on a free
loopback port, on a SQLite file in a temporary folder, and measures, next to anchors
measured in the same process on the same store:

1. an event fired and saved over HTTP (``POST /trajectories/{id}/events/add_participant``
   from one httpx client with a kept-alive connection: the request, the service's
   load, fire, save and answer) against the same fire and save in this process on the
   same SQLite file (``store.load``, ``fire``, ``store.save``); alternating rounds, a
   new leertraject each round for each, the median of the rounds. Target: HTTP at
   half the in-process rate at least (≥ 0.5×). A third row does in process what the
   service's answer adds: the allowed events and the blockers of every event that
   takes no payload (each of their rules checked);
2. the latency of a fire with 8 clients at once (threads of this process, each with
   its own connection and its own leertraject): the median, the 95th and the 99th
   percentile of every request.

3. the feed: the committed events read by one consumer, ``GET /events?after=…&limit=1000``
   page after page from the start (one httpx client, kept alive), against the same pages
   read in this process (``CloudEvents.read`` on the same store: the outbox read and the
   events made, without HTTP and JSON); alternating rounds, the median. Target: 10,000
   events a second over HTTP.

Nothing is asserted: this is not a test, and timings on a shared machine are noisy.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import harness  # this folder is on sys.path when the script runs
from harness import Report, Row, Section, size, to_ms

# The repository on sys.path, structlog as in production (before trajectory logs).
harness.prepare()

import httpx  # noqa: E402

import trajectory  # noqa: E402

#: The ratio HTTP / in process that the first part aims for.
RATIO_TARGET: Final = 0.5
#: The events a second one consumer of the feed should get.
FEED_TARGET: Final = 10_000
#: The events a page of the feed holds, as the benchmark asks for them.
FEED_PAGE: Final = 1_000
SCHOOL: Final = {"name": "OBS De Linde", "sector": "po", "board": "Stichting Primair"}
ORIENTATION: Final = {
    "date": "2024-05-01",
    "learning_question": "How do we read more?",
    "conclusion": "positive",
    "report": "It fits.",
}


@dataclass(frozen=True)
class Settings:
    """Sizes of one run: a full run's, and where it differs a quick run's (``--quick``)."""

    quick: bool = size(False, quick=True)
    rounds: int = size(9, quick=3)
    """Alternating rounds of the first part."""
    fires: int = size(40, quick=15)
    """Events fired per round and subject."""
    clients: int = 8
    """Clients at once in the second part."""
    fires_per_client: int = size(60, quick=15)
    feed_events: int = size(10_000, quick=2_000)
    """Events in the store when the feed is read (at least)."""
    feed_rounds: int = size(5, quick=2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(url: str, port: int) -> subprocess.Popen[str]:
    """``trajectory serve --open --workers 2`` on ``port``, once it has started."""
    command = Path(sys.executable).parent / "trajectory"
    process = subprocess.Popen(
        [str(command), "serve", "--db", url, "--port", str(port), "--workers", "2", "--open"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "Application startup complete" in line:
            threading.Thread(target=process.stderr.read, daemon=True).start()  # drain
            return process
    raise SystemExit("trajectory serve did not start")


def prepared(client: httpx.Client, brin: str) -> str:
    """A leertraject in application_in_preparation, where participants are added."""
    made = client.post(
        "/trajectories",
        json={
            "school": {**SCHOOL, "brin": brin},
            "offer": "leven-lang-lezen",
            "school_year": "2024-2025",
        },
    )
    made.raise_for_status()
    trajectory_id: str = made.json()["id"]
    for event, body in (("hold_orientation", ORIENTATION), ("register", {})):
        client.post(f"/trajectories/{trajectory_id}/events/{event}", json=body).raise_for_status()
    return trajectory_id


def participant(number: int) -> dict[str, Any]:
    return {"name": f"Teacher {number}", "role": "teacher", "planned_hours": 10}


def bench_fire(s: Settings, client: httpx.Client, store: Any) -> Section:
    section = Section(
        "fire",
        f"1. Fire + save of one event, per second (median of {s.rounds} alternating rounds "
        f"of {s.fires}, a new leertraject per round)",
    )
    counter = iter(range(10**6))

    def over_http() -> float:
        trajectory_id = prepared(client, f"{next(counter) % 90 + 10}AB00")
        path = f"/trajectories/{trajectory_id}/events/add_participant"
        started = time.perf_counter()
        for number in range(s.fires):
            client.post(path, json=participant(number)).raise_for_status()
        return (time.perf_counter() - started) / s.fires

    def in_process() -> float:
        trajectory_id = prepared(client, f"{next(counter) % 90 + 10}AB00")
        started = time.perf_counter()
        for number in range(s.fires):
            found = store.load(trajectory_id)
            found.fire("add_participant", **participant(number))
            store.save(found)
        return (time.perf_counter() - started) / s.fires

    def in_process_shown() -> float:
        trajectory_id = prepared(client, f"{next(counter) % 90 + 10}AB00")
        started = time.perf_counter()
        for number in range(s.fires):
            found = store.load(trajectory_id)
            found.fire("add_participant", **participant(number))
            store.save(found)
            found.allowed_events()
            found.blockers()
        return (time.perf_counter() - started) / s.fires

    medians = harness.alternate(
        {"http": over_http, "in_process": in_process, "in_process_shown": in_process_shown},
        s.rounds,
    )
    ratio = medians["in_process"] / medians["http"]
    section.add(
        Row(
            "in_process",
            "in process: store.load, fire, store.save (SQLite file)",
            1 / medians["in_process"],
            "/s",
            s.fires,
            detail=f"{to_ms(medians['in_process']):.2f} ms per event",
        )
    )
    shown = medians["in_process"] / medians["in_process_shown"]
    section.add(
        Row(
            "in_process_shown",
            "in process, and what the answer shows: allowed_events(), blockers()",
            1 / medians["in_process_shown"],
            "/s",
            s.fires,
            ratio=shown,
            ratio_label="of the in-process rate",
            detail=f"{to_ms(medians['in_process_shown']):.2f} ms per event",
        )
    )
    section.add(
        Row(
            "http",
            "over HTTP: POST …/events/add_participant (uvicorn, loopback)",
            1 / medians["http"],
            "/s",
            s.fires,
            ratio=ratio,
            ratio_label="of the in-process rate",
            detail=f"{to_ms(medians['http']):.2f} ms per request",
            target=f"≥ {RATIO_TARGET}× in process",
            met=ratio >= RATIO_TARGET,
        )
    )
    section.notes.append(
        "the same SQLite file: the service's two workers and this process each open it"
    )
    return section


def bench_latency(s: Settings, client: httpx.Client, base: str) -> Section:
    section = Section(
        "latency",
        f"2. Latency of a fire with {s.clients} clients at once, ms "
        f"({s.clients} × {s.fires_per_client} requests)",
    )
    targets = [prepared(client, f"{10 + n}AB00") for n in range(s.clients)]
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(s.clients)

    def work(trajectory_id: str) -> None:
        mine = []
        with httpx.Client(base_url=base, timeout=60) as own:
            path = f"/trajectories/{trajectory_id}/events/add_participant"
            start.wait()
            for number in range(s.fires_per_client):
                began = time.perf_counter()
                own.post(path, json=participant(number)).raise_for_status()
                mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(each,)) for each in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    for key, label, value in (
        ("p50", "median", statistics.median(latencies)),
        ("p95", "95th percentile", cuts[94]),
        ("p99", "99th percentile", cuts[98]),
    ):
        section.add(Row(key, label, to_ms(value), "ms", len(latencies)))
    section.notes.append(
        f"{len(latencies) / elapsed:,.0f} requests/s in all; the clients are threads of "
        "this process (their own time counts in the latency)"
    )
    return section


def bench_feed(s: Settings, client: httpx.Client, store: Any) -> Section:
    from trajectory.publish import CloudEvents

    section = Section(
        "feed",
        f"3. The feed read from the start by one consumer, events per second (median of "
        f"{s.feed_rounds} alternating rounds, pages of {FEED_PAGE})",
    )
    # Fill the store to at least feed_events, 100 participants to a leertraject.
    present = len(store.read_outbox(0, s.feed_events + 1))
    number = 0
    while present < s.feed_events:
        trajectory_id = prepared(client, f"{number % 90 + 10}AB01")
        found = store.load(trajectory_id)
        for each in range(100):
            found.fire("add_participant", **participant(each))
        store.save(found)
        present += 103  # created, orientation, registration, the participants
        number += 1
    events = CloudEvents(source="http://127.0.0.1/")
    counted: dict[str, int] = {}

    def over_http() -> float:
        after, seen = 0, 0
        started = time.perf_counter()
        while True:
            page = client.get("/events", params={"after": after, "limit": FEED_PAGE})
            page.raise_for_status()
            items = page.json()
            if not items:
                break
            seen += len(items)
            after = items[-1]["position"]
        counted["http"] = seen
        return (time.perf_counter() - started) / seen

    def in_process() -> float:
        after, seen = 0, 0
        started = time.perf_counter()
        while page := events.read(store, after, FEED_PAGE):
            seen += len(page)
            after = page[-1][0]
        counted["in_process"] = seen
        return (time.perf_counter() - started) / seen

    medians = harness.alternate({"http": over_http, "in_process": in_process}, s.feed_rounds)
    section.add(
        Row(
            "in_process",
            "in process: CloudEvents.read, page after page (SQLite file)",
            1 / medians["in_process"],
            "/s",
            counted["in_process"],
        )
    )
    rate = 1 / medians["http"]
    section.add(
        Row(
            "http",
            "over HTTP: GET /events?after=…&limit=1000 (uvicorn, loopback)",
            rate,
            "/s",
            counted["http"],
            ratio=medians["in_process"] / medians["http"],
            ratio_label="of the in-process rate",
            target=f"≥ {FEED_TARGET:,} events/s",
            met=rate >= FEED_TARGET,
        )
    )
    return section


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print (and optionally write) the figures."""
    parser = harness.argument_parser(__doc__, "(no profile: the work is in another process)")
    args = parser.parse_args(argv)
    s = harness.sizes(Settings, quick=args.quick)
    with tempfile.TemporaryDirectory(prefix="bench_service_") as folder:
        url = f"sqlite:///{Path(folder) / 'service.db'}"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        meta = harness.metadata(
            quick=s.quick,
            packages=("trajectory", "starlette", "uvicorn", "httpx", "sqlalchemy"),
            extra={"server": "trajectory serve --open --workers 2 (uvicorn) on loopback"},
        )
        report = Report(meta=meta, settings=s, n_width=6, ratio_width=26, details=True)
        report.print_header("trajectory service benchmarks", [("server", meta["server"])])
        process = serve(url, port)
        try:
            with (
                httpx.Client(base_url=base, timeout=60) as client,
                trajectory.open_store(url) as store,
            ):
                report.add(bench_fire(s, client, store))
                report.add(bench_latency(s, client, base))
                report.add(bench_feed(s, client, store))
        finally:
            process.terminate()
            process.wait(timeout=60)
    report.finish()
    report.print_targets(lambda target: f"{target['ratio']:.2f}×")
    report.print_elapsed()
    if args.json is not None:
        report.write_json(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
