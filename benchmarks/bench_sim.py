"""Simulated cohorts: complete trajectories per second next to the anchors, and the
wall time of 100,000 schools on every core.

Run from the repository root::

    python benchmarks/bench_sim.py            # full run (a few minutes: 100,000 schools)
    python benchmarks/bench_sim.py --quick    # smoke run (smaller N)
    python benchmarks/bench_sim.py --json out.json
    python benchmarks/bench_sim.py --profile  # also cProfile an in-process cohort

It measures, in one run:

1. complete trajectories per second in one process: ``simulate()`` with no mishaps
   (every school walks to its settlement), and the library's ``Walker``; next to the
   anchors of ``benchmarks/anchors.py`` firing the same sequence of events (one raw
   ``transitions`` Machine per model; one shared Machine with ``add_model``;
   python-statemachine's StateChart and StateMachine; a dict table), and the
   anchors' own 13-event walk;
2. where a simulated school's time goes: the same events fired again on a fresh
   trajectory with their payloads given (the engine alone), and of that the
   ``log_hours`` fires;
3. how a school continues after the budget decision: its first phase's history
   shipped between the processes, or walked again from its seed (``replay``);
4. the cohort: 100,000 schools with the default probabilities on every core (the
   target: at most 30 s wall time, and no slower than a raw ``transitions`` walk of
   the same events on the same processes), and a smaller cohort in one process for
   the speed-up.

Nothing is asserted: timings on a shared machine are noisy. Throughputs are best of
``k`` repeats with the garbage collector enabled.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import harness  # this folder is on sys.path when the script runs
from harness import Report, Row, Section, profiled, size, time_per_call, to_us

# The repository on sys.path, structlog as in production (before trajectory logs).
harness.prepare()

import anchors  # noqa: E402
import attrs  # noqa: E402
from statemachine import StateChart  # noqa: E402
from transitions import Machine  # noqa: E402

from trajectory.engine.history import Event, ManualClock  # noqa: E402
from trajectory.ontwikkelkracht import LIFECYCLE  # noqa: E402
from trajectory.ontwikkelkracht.walker import Walker  # noqa: E402
from trajectory.sim.cohort import Probabilities, simulate, simulate_school  # noqa: E402

#: The wall time a cohort of 100,000 schools should take on this machine, in seconds.
COHORT_TARGET = 30.0
SEED = 2024


@dataclass(frozen=True)
class Settings:
    """Sizes of one run: a full run's, and where it differs a quick run's (``--quick``)."""

    quick: bool = size(False, quick=True)
    repeat: int = size(3, quick=2)
    """k in best-of-k."""
    walk_schools: int = size(2_000, quick=300)
    """Schools per repeat for the in-process throughput of simulate()."""
    walker_walks: int = size(300, quick=50)
    """Walker.walk() calls per repeat."""
    engine_schools: int = size(300, quick=50)
    """Complete trajectories fired again for the engine-only figure."""
    min_time: float = size(0.3, quick=0.05)
    """Seconds per repeat at least, for the anchors."""
    continuation_schools: int = size(10_000, quick=1_000)
    """Schools per run for ship vs replay."""
    single_schools: int = size(10_000, quick=1_000)
    """The in-process cohort (for the speed-up)."""
    cohort: int = size(100_000, quick=5_000)
    """The big cohort, on every core."""
    profile_schools: int = size(1_000, quick=200)
    anchor_sample: int = size(2_000, quick=300)
    """Schools whose events the cohort's transitions anchor fires, in turn."""


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Best-of-``repeat`` seconds for ``run()``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------------------
# The same walk on the anchors
# ---------------------------------------------------------------------------


def walk_events(history: Sequence[Event]) -> tuple[str, ...]:
    """The event names of a history, the creation left out."""
    return tuple(event.name for event in history[1:])


def on_transitions(model: object, events: Sequence[str]) -> str:
    for event in events:
        getattr(model, event)()
    state: str = getattr(model, "state")  # noqa: B009 - set at runtime
    return state


def transitions_per_model(events: Sequence[str]) -> str:
    model = anchors.PlainModel()
    anchors.transitions_machine(model)
    return on_transitions(model, events)


def transitions_shared(machine: Machine, events: Sequence[str]) -> str:
    model = anchors.PlainModel()
    machine.add_model(model)
    try:
        return on_transitions(model, events)
    finally:
        machine.remove_model(model)


def statemachine(kind: type[StateChart[Any]], events: Sequence[str]) -> str:
    sm = kind()
    for event in events:
        getattr(sm, event)()
    state: str = getattr(sm.model, "state")  # noqa: B009 - internal Model, untyped
    return state


def dict_table(events: Sequence[str]) -> str:
    machine = anchors.DictTableMachine(anchors.LEERTRAJECT_TABLE, anchors.LEERTRAJECT_INITIAL)
    for event in events:
        machine.fire(event)
    return machine.state


def bench_walks(s: Settings) -> tuple[Section, float, tuple[str, ...]]:
    """1. Complete trajectories per second in one process."""
    section = Section(
        "walks",
        f"1. Complete trajectories per second, one process (best of {s.repeat}, GC enabled)",
    )
    none = Probabilities.none()
    sample = simulate_school(0, seed=SEED, probabilities=none)
    if sample.state != "settled":
        raise RuntimeError(f"a school without mishaps ended {sample.state!r}")
    events = walk_events(sample.history)
    counts = Counter(events)

    check = simulate(s.walk_schools, seed=SEED, probabilities=none)
    if check.final_states["settled"] != s.walk_schools:
        raise RuntimeError(f"expected every school settled, got {check.final_states}")
    fired = check.events / check.schools
    seconds = (
        best_of(s.repeat, lambda: simulate(s.walk_schools, seed=SEED, probabilities=none))
        / s.walk_schools
    )
    ours = 1 / seconds
    section.add(
        Row(
            key="simulate",
            label=f"trajectory: simulate(), no mishaps, {fired:.1f} events each",
            value=ours,
            unit="traj/s",
            n=s.walk_schools,
            detail=f"{to_us(seconds) / fired:.1f} µs per event",
        )
    )
    walker = best_of(s.repeat, lambda: [Walker.start(seed=i).walk() for i in range(s.walker_walks)])
    walker_events = Walker.start(seed=0).walk().version
    row = section.add(
        Row(
            key="walker",
            label=f"trajectory: Walker.start().walk(), {walker_events} events each",
            value=s.walker_walks / walker,
            unit="traj/s",
            n=s.walker_walks,
        )
    )
    row.ratio, row.ratio_label = row.value / ours, "this/simulate"

    shared = anchors.transitions_machine()
    same = len(events)
    anchor_walks: list[tuple[str, str, Callable[[], str]]] = [
        (
            "transitions_per_model",
            f"anchor: transitions, Machine per model, same {same} events",
            functools.partial(transitions_per_model, events),
        ),
        (
            "transitions_shared",
            f"anchor: transitions, shared Machine + add_model, same {same} events",
            functools.partial(transitions_shared, shared, events),
        ),
        (
            "statechart",
            f"anchor: python-statemachine StateChart, same {same} events",
            functools.partial(statemachine, anchors.LeertrajectChart, events),
        ),
        (
            "statemachine",
            f"anchor: python-statemachine StateMachine, same {same} events",
            functools.partial(statemachine, anchors.LeertrajectMachine, events),
        ),
        (
            "dict_table",
            f"anchor: dict table, same {same} events",
            functools.partial(dict_table, events),
        ),
        (
            "transitions_per_model_13",
            f"anchor: transitions, Machine per model, {len(anchors.WALK_EVENTS)} events",
            anchors.walk_transitions_per_model,
        ),
        (
            "transitions_shared_13",
            f"anchor: transitions, shared Machine + add_model, {len(anchors.WALK_EVENTS)} events",
            functools.partial(anchors.walk_transitions_shared, shared),
        ),
        (
            "statechart_13",
            f"anchor: python-statemachine StateChart, {len(anchors.WALK_EVENTS)} events",
            anchors.walk_statechart,
        ),
    ]
    for key, label, walk in anchor_walks:
        if walk() != "settled":
            raise RuntimeError(f"{label} did not end settled")
        per_walk, number = time_per_call(walk, s.repeat, s.min_time)
        row = section.add(Row(key=key, label=label, value=1 / per_walk, unit="traj/s", n=number))
        row.ratio, row.ratio_label = row.value / ours, "this/simulate"
    shown = ", ".join(f"{name} × {n}" for name, n in counts.most_common(4))
    section.notes += [
        f"The same events: those of simulate_school(0, seed={SEED}) without mishaps "
        f"({same} events: {shown}, …), fired bare on each anchor (no guards, no data).",
        "simulate() walks each school with its own seeded random numbers and clock, "
        "validates every payload, evaluates every guard, records the history, and adds "
        "the school to the report; simulate() walks each school with the Walker and the "
        "hints registered beside the events, along the leertraject's Story (data).",
    ]
    return section, seconds, events


# ---------------------------------------------------------------------------
# The engine alone
# ---------------------------------------------------------------------------


def payload_of(event: Event) -> dict[str, Any]:
    payload = event.payload
    return {field.name: getattr(payload, field.name) for field in attrs.fields(type(payload))}


def bench_engine(s: Settings, per_school: float) -> Section:
    """2. The engine's share of a simulated school."""
    section = Section(
        "engine",
        f"2. Where a simulated school's time goes (best of {s.repeat}, one process)",
    )
    none = Probabilities.none()
    walks = []
    for index in range(s.engine_schools):
        history = simulate_school(index, seed=SEED, probabilities=none).history
        walks.append(
            (
                history[0].payload,
                history[0].timestamp,
                [(e.timestamp, e.name, payload_of(e)) for e in history[1:]],
            )
        )
    fires = sum(len(steps) for _, _, steps in walks) / len(walks)
    hours = sum(name == "log_hours" for _, _, steps in walks for _, name, _ in steps) / len(walks)

    spent: defaultdict[str, float] = defaultdict(float)

    def fire_again() -> None:
        perf = time.perf_counter
        for created, start, steps in walks:
            clock = ManualClock(start)
            began = perf()
            trajectory = LIFECYCLE.create(created, clock=clock)
            spent["created"] += perf() - began
            for moment, name, payload in steps:
                clock.set(moment)
                began = perf()
                trajectory.fire(name, **payload)
                spent[name] += perf() - began
            if trajectory.state != "settled":
                raise RuntimeError(f"fired again, a school ended {trajectory.state!r}")

    best: dict[str, float] | None = None
    for _ in range(s.repeat):
        spent.clear()
        fire_again()
        if best is None or sum(spent.values()) < sum(best.values()):
            best = dict(spent)
    assert best is not None
    engine = sum(best.values()) / len(walks)
    log_hours = best.get("log_hours", 0.0) / len(walks)
    rows = [
        ("school", "simulate(), per complete school", per_school, None),
        ("engine", f"engine: create + {fires:.1f} fires, payloads given", engine, fires),
        ("log_hours", f"engine: of which {hours:.1f} log_hours fires", log_hours, hours),
        (
            "other",
            f"engine: of which the other {fires - hours:.1f} fires and the creation",
            engine - log_hours,
            fires - hours,
        ),
        ("rest", "simulator and walker (the rest)", per_school - engine, None),
    ]
    for key, label, seconds, count in rows:
        row = section.add(
            Row(
                key=key,
                label=label,
                value=to_us(seconds),
                unit="µs",
                n=len(walks),
                detail="" if not count else f"{to_us(seconds) / count:.1f} µs per fire",
            )
        )
        row.ratio, row.ratio_label = seconds / per_school, "of a school"
    section.notes += [
        "The engine rows fire the recorded events of complete schools again on a fresh "
        "trajectory (clock set to each event's moment): payload validation, every guard, "
        "the effect and the recorded event, with logging as in production (CRITICAL).",
        "The leertraject refuses more than 24 hours per participant per date, so 800 hours "
        "take at least 34 log_hours fires; the simulator logs whole 24-hour days.",
    ]
    return section


# ---------------------------------------------------------------------------
# Ship or replay; the cohort
# ---------------------------------------------------------------------------


def bench_continuation(s: Settings, processes: int) -> Section:
    """3. Continuing after the decision: ship the history, or walk phase 1 again."""
    section = Section(
        "continuation",
        f"3. Continuing after the decision, {s.continuation_schools:,} schools, "
        f"{processes} processes (best of {s.repeat}, wall time)",
    )
    figures: dict[str, float] = {}
    for how in ("ship", "replay"):
        run = functools.partial(
            simulate, s.continuation_schools, seed=SEED, processes=processes, continuation=how
        )
        figures[how] = best_of(s.repeat, run)
        row = section.add(
            Row(
                key=how,
                label=f"continuation={how!r}",
                value=figures[how],
                unit="s",
                n=s.continuation_schools,
            )
        )
        row.ratio, row.ratio_label = figures[how] / figures["ship"], "this/ship"
    section.notes += [
        "ship: phase 1 returns each waiting school's history, pickled per chunk; phase 3 "
        "rebuilds the trajectory from it (effects only, no guards). replay: phase 3 walks "
        "phase 1 again from the school's seed (nothing but indices to send).",
        "Both give the identical report; simulate() ships by default.",
    ]
    return section


#: The event sequences a worker of the transitions anchor fires (set by its initializer).
_SEQUENCES: tuple[tuple[str, ...], ...] = ()


def _load_sequences(sequences: tuple[tuple[str, ...], ...]) -> None:
    global _SEQUENCES
    _SEQUENCES = sequences


def _transitions_chunk(task: tuple[int, int, bool]) -> int:
    """Schools ``start`` … ``stop - 1`` on raw ``transitions`` (a Machine per school, or
    one shared Machine with ``add_model``), firing the events of a sampled school in
    turn; the number of events fired."""
    start, stop, shared = task
    machine = anchors.transitions_machine() if shared else None
    fired = 0
    for index in range(start, stop):
        events = _SEQUENCES[index % len(_SEQUENCES)]
        if machine is None:
            transitions_per_model(events)
        else:
            transitions_shared(machine, events)
        fired += len(events)
    return fired


def transitions_cohort(
    schools: int, processes: int, sequences: Sequence[tuple[str, ...]], *, shared: bool = False
) -> int:
    """The anchor of the cohort: ``schools`` schools' events on raw ``transitions`` in a
    spawned pool of ``processes`` workers, in chunks as simulate() makes them (the
    pool's start included, as simulate() includes its own)."""
    from trajectory.sim.cohort import _chunks

    tasks = [(start, stop, shared) for start, stop in _chunks(schools, processes)]

    pool = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_load_sequences,
        initargs=(tuple(sequences),),
    )
    with pool:
        return sum(pool.map(_transitions_chunk, tasks))


def bench_cohort(s: Settings, processes: int) -> Section:
    """4. The big cohort on every core, and a smaller one in one process."""
    section = Section(
        "cohort", "4. A cohort with the default probabilities (one run each, wall time)"
    )
    start = time.perf_counter()
    single = simulate(s.single_schools, seed=SEED, processes=1)
    one = time.perf_counter() - start
    section.add(
        Row(
            key="one_process",
            label=f"{s.single_schools:,} schools, 1 process",
            value=one,
            unit="s",
            n=s.single_schools,
            detail=f"{s.single_schools / one:,.0f} schools/s",
        )
    )
    start = time.perf_counter()
    report = simulate(s.cohort, seed=SEED, processes=processes)
    wall = time.perf_counter() - start
    complete = report.final_states["settled"] - report.stopped
    expected_one = one / s.single_schools * s.cohort
    row = section.add(
        Row(
            key="cohort",
            label=f"{s.cohort:,} schools, {processes} processes",
            value=wall,
            unit="s",
            n=s.cohort,
            detail=f"{s.cohort / wall:,.0f} schools/s, {complete / wall:,.0f} complete traj/s",
            target=f"≤ {COHORT_TARGET:g} s" if s.cohort >= 100_000 else "",
            met=wall <= COHORT_TARGET if s.cohort >= 100_000 else None,
        )
    )
    row.ratio, row.ratio_label = expected_one / wall, "speed-up"
    sample = [
        walk_events(simulate_school(index, seed=SEED).history) for index in range(s.anchor_sample)
    ]
    if any(len(events) == 0 for events in sample):
        raise RuntimeError("a sampled school fired no events")
    for shared, key, how in (
        (False, "cohort_transitions", "a Machine per school"),
        (True, "cohort_transitions_shared", "one shared Machine + add_model"),
    ):
        start = time.perf_counter()
        fired = transitions_cohort(s.cohort, processes, sample, shared=shared)
        anchor = time.perf_counter() - start
        row = section.add(
            Row(
                key=key,
                label=f"anchor: {s.cohort:,} schools on transitions ({how}), {processes} processes",
                value=anchor,
                unit="s",
                n=s.cohort,
                detail=f"{fired:,} events, {fired / anchor:,.0f} events/s",
                target="simulate() no slower",
                met=wall <= anchor,
            )
        )
        row.ratio, row.ratio_label = wall / anchor, "simulate/this"
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    section.notes += [
        f"Peak resident memory: {parent:,.0f} MB in this process, {workers:,.0f} MB in the "
        "largest worker (ru_maxrss, whole run).",
        f"The {s.cohort:,} schools: {dict(report.final_states)}; {complete:,} completed "
        f"the year; {report.events:,} events recorded; {single.schools:,} schools in one "
        "process for the speed-up (scaled linearly).",
        "Each school's figure includes its share of the pool's start (spawned workers "
        "import trajectory) and of the phase-2 sort.",
        f"The transitions anchor fires, for school i, the accepted events of "
        f"simulate_school(i mod {s.anchor_sample:,}, seed={SEED}) (the same mix of "
        "events as the cohort, refusals aside) bare (no guards, no data, no history) on a "
        "Machine of its own, or on one Machine per worker with add_model and remove_model, "
        "in the same chunks on a spawned pool of the same size.",
    ]
    return section


def target_figure(target: dict[str, Any]) -> str:
    return f"{target['value']:,.1f} {target['unit']}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print (and optionally write) the figures."""
    parser = harness.argument_parser(__doc__, "also cProfile an in-process cohort (untimed)")
    args = parser.parse_args(argv)
    s = harness.sizes(Settings, quick=args.quick)
    processes = os.cpu_count() or 1
    meta = harness.metadata(
        quick=s.quick,
        packages=("trajectory", "transitions", "python-statemachine", "attrs", "structlog"),
        extra={"processes": processes},
    )
    report = Report(meta=meta, settings=s, n_width=7, ratio_width=20, details=True)
    report.print_header("trajectory simulation benchmarks", [("processes", str(processes))])

    walks, per_school, _ = bench_walks(s)
    report.add(walks)
    report.add(bench_engine(s, per_school))
    report.add(bench_continuation(s, processes))
    report.add(bench_cohort(s, processes))
    report.finish()
    report.print_targets(target_figure)
    report.print_elapsed()
    profiles: list[str] = []
    if args.profile:
        profiles.append(
            profiled(
                f"simulate({s.profile_schools:,}, processes=1)",
                lambda: simulate(s.profile_schools, seed=SEED),
            )
        )
        print(profiles[-1], end="")
    if args.json is not None:
        report.write_json(args.json, {"profiles": profiles})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
