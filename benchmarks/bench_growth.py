"""Costs against the anchor of the same kind, and against the length of a history.

Run from the repository root::

    python benchmarks/bench_growth.py            # full run (histories up to 100,000)
    python benchmarks/bench_growth.py --quick    # up to 10,000 events, under a minute
    python benchmarks/bench_growth.py --json out.json

It measures, in one process, each figure beside its anchor in alternation (the
median of several rounds, see :func:`harness.alternate`):

1. ``fire`` against the raw ``transitions`` trigger *of the same kind*: an internal
   transition (``log_hours``, ``dest=None``: the state is kept, no exit or enter)
   and an external one (``hold_closing_talk``, ``in_progress -> closing``);
2. creating a trajectory (``new_trajectory``) against ``transitions``' ``add_model``
   as a function of the number of models already attached to the machine (and of
   trajectories alive);
3. the growth table: ``fire("log_hours")``, ``fire("hold_guidance_moment")``,
   ``check("hold_closing_talk")``, ``blockers()``, an SQLite ``store.save`` of
   one new event, the record a save with a snapshot writes (``store.record_of``),
   and SQLite ``store.load`` (by the store that loaded it before, and by a store
   opened anew) against the length of a history of logged hours, and
   ``fire("add_participant")`` against the length of a history of added
   participants, each as a ratio to its cost at 100 events.

Nothing is asserted: this is not a test, and a shared machine is noisy. The
targets are printed with a verdict.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness  # this folder is on sys.path when the script runs
from harness import Report, Row, Section, size, to_us

# The repository on sys.path, structlog as in production (before trajectory logs).
harness.prepare()

import anchors  # noqa: E402
import bench_engine  # noqa: E402

from trajectory import Leertraject, ManualClock, Store, Trajectory, open_store  # noqa: E402
from trajectory.testing import make_trajectory  # noqa: E402

Leer = Trajectory[Leertraject]

#: The history length every growth figure is divided by.
BASE_LENGTH = 100
#: ``fire``, ``check``, ``blockers()``, a save and a load at 10,000 events cost at
#: most this much their cost at 100.
GROWTH_TARGET = 1.2
#: The figures the target judges.
JUDGED = (
    "log_hours",
    "guidance",
    "participant",
    "check",
    "blockers",
    "save",
    "save_memory",
    "snapshot",
    "load",
    "load_cold",
)
#: Up to this length a mutating figure gets a new trajectory per sample (exactly
#: this long); longer ones are reused and grow by one event per sample.
FRESH_LIMIT = 1_000


@dataclass(frozen=True)
class Settings:
    """Sizes of one run: a full run's, and where it differs a quick run's (``--quick``)."""

    quick: bool = size(False, quick=True)
    rounds: int = size(11, quick=7)
    """Alternation rounds for parts 1 and 2 (the median is reported)."""
    kind_batch: int = size(200, quick=100)
    """Fires (or triggers) per round in part 1."""
    attached: tuple[int, ...] = size((0, 1_000, 10_000, 100_000), quick=(0, 1_000, 10_000))
    """Models already attached (and trajectories alive) in part 2."""
    create_batch: int = size(200, quick=100)
    """Models added (trajectories created) per round in part 2."""
    lengths: tuple[int, ...] = size(
        (10, 100, 1_000, 10_000, 100_000), quick=(10, 100, 1_000, 10_000)
    )
    """History lengths of the growth table (a length below the shortest in-progress
    history with its moments is measured at that shortest one)."""
    samples: int = size(31, quick=21)
    """Single-call samples per figure and length in part 3 (the median is reported)."""


# ---------------------------------------------------------------------------
# Long histories, built cheaply
# ---------------------------------------------------------------------------


class Grower:
    """An in-progress trajectory from ``make_trajectory`` that logs hours on demand.

    Two study moments and a guidance moment are held first, so that
    ``hold_closing_talk`` is allowed and ``check`` evaluates every guard to the end.
    Each ``log_hours`` moves the trajectory's own :class:`ManualClock` on by an hour
    and logs one hour for the next participant, so no day holds more than 24.
    """

    def __init__(self, seed: int = 0) -> None:
        """Build the trajectory (``seed`` as for ``make_trajectory``)."""
        self.t: Leer = make_trajectory("in_progress", seed=seed)
        clock = self.t.clock
        if not isinstance(clock, ManualClock):
            raise TypeError(f"make_trajectory gave a {type(clock).__name__}, not a ManualClock")
        self.clock = clock
        self.names = [str(p.name) for p in self.t.data.participants]
        self.logged = 0
        self.added = 0
        for form in ("own_school", "joint_session"):
            self.t.fire("hold_study_moment", date=self.today(), form=form)
        self.t.fire("hold_guidance_moment", date=self.today())
        if self.t.check("hold_closing_talk"):
            raise RuntimeError("hold_closing_talk should be allowed on a grown trajectory")

    def today(self) -> dt.date:
        """The trajectory's clock's date."""
        return self.clock.now.date()

    def next_log(self) -> Callable[[], object]:
        """Move the clock on by an hour; return the fire of one hour for the next participant."""
        self.clock.advance(hours=1)
        self.logged += 1
        name = self.names[self.logged % len(self.names)]
        return functools.partial(
            self.t.fire, "log_hours", participant=name, date=self.today(), hours=1
        )

    def next_participant(self) -> Callable[[], object]:
        """Move the clock on by an hour; return the fire of a new participant's
        registration (a name no participant has yet)."""
        self.clock.advance(hours=1)
        self.added += 1
        return functools.partial(
            self.t.fire,
            "add_participant",
            name=f"Deelnemer {self.added}",
            role="teacher",
            planned_hours=1,
        )

    def next_guidance(self) -> Callable[[], object]:
        """Move the clock on by an hour; return the fire of a guidance moment."""
        self.clock.advance(hours=1)
        return functools.partial(self.t.fire, "hold_guidance_moment", date=self.today())

    def log_hours(self) -> object:
        """Fire :meth:`next_log`'s event."""
        return self.next_log()()

    def grow_to(self, length: int) -> Grower:
        """Log hours until the history holds ``length`` events (never shrinks it)."""
        while self.t.version < length:
            self.log_hours()
        return self

    def add_to(self, length: int) -> Grower:
        """Add participants until the history holds ``length`` events."""
        while self.t.version < length:
            self.next_participant()()
        return self


def shortest() -> int:
    """The length of the shortest history :class:`Grower` builds."""
    return Grower().t.version


def seconds_of(func: Callable[[], object]) -> float:
    """Seconds one call of ``func`` takes."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------
# 1. fire against the trigger of the same kind
# ---------------------------------------------------------------------------


def bench_kind(s: Settings) -> Section:
    """``fire`` against the raw ``transitions`` trigger of the same kind."""
    section = Section(
        "kind",
        f"1. fire against the transitions trigger of the same kind, µs per fire "
        f"(median of {s.rounds} alternating rounds, GC enabled)",
    )
    m = s.kind_batch

    def internal_anchor() -> float:
        model = anchors.transitions_models_at("in_progress", 1)[0]
        trigger = getattr(model, "log_hours")  # noqa: B009 - bound at runtime
        start = time.perf_counter()
        for _ in range(m):
            trigger()
        return (time.perf_counter() - start) / m

    def internal_ours() -> float:
        grower = Grower().grow_to(BASE_LENGTH)
        calls = [grower.next_log() for _ in range(m)]
        start = time.perf_counter()
        for call in calls:
            call()
        return (time.perf_counter() - start) / m

    base = Grower().grow_to(BASE_LENGTH).t

    def external_anchor() -> float:
        triggers = [
            getattr(model, "hold_closing_talk")  # noqa: B009 - bound at runtime
            for model in anchors.transitions_models_at("in_progress", m)
        ]
        start = time.perf_counter()
        for trigger in triggers:
            trigger()
        return (time.perf_counter() - start) / m

    def external_ours() -> float:
        copies = [
            Trajectory.from_history(base.lifecycle, base.history, clock=ManualClock(base.clock()))
            for _ in range(m)
        ]
        start = time.perf_counter()
        for copy in copies:
            copy.fire("hold_closing_talk")
        return (time.perf_counter() - start) / m

    medians = harness.alternate(
        {
            "internal_anchor": internal_anchor,
            "internal_ours": internal_ours,
            "external_anchor": external_anchor,
            "external_ours": external_ours,
        },
        s.rounds,
    )
    for kind, label, anchor_label in (
        (
            "internal",
            f"fire('log_hours', …) in in_progress, history from {BASE_LENGTH}",
            "anchor: transitions log_hours, internal (dest=None), in_progress",
        ),
        (
            "external",
            f"fire('hold_closing_talk') in_progress -> closing, history of {base.version}",
            "anchor: transitions hold_closing_talk, external, in_progress -> closing",
        ),
    ):
        ours, anchor = medians[f"{kind}_ours"], medians[f"{kind}_anchor"]
        section.add(
            Row(
                key=f"{kind}_ours",
                label=label,
                value=to_us(ours),
                unit="µs/op",
                n=m,
                ratio=ours / anchor,
                ratio_label="ours/transitions",
            )
        )
        section.add(
            Row(key=f"{kind}_anchor", label=anchor_label, value=to_us(anchor), unit="µs/op", n=m)
        )
    section.notes += [
        "The anchor is the leertraject as a transitions Machine (auto_transitions=False) "
        "with no callbacks and no conditions; a model is attached in in_progress with "
        "add_model(initial=...), outside the timing. log_hours is internal there "
        "(dest=None: no exit/enter, state kept); hold_closing_talk is external (exit "
        "in_progress, enter closing), so each model fires it once.",
        "Ours: log_hours validates its payload (participant, date, hours), runs its 2 guards "
        "and its effect and appends an Event, on a trajectory from make_trajectory grown "
        f"to {BASE_LENGTH} events (new per round; each round adds {m}); hold_closing_talk "
        "runs its guards (minimum moments, participants …) on copies rebuilt with "
        "Trajectory.from_history outside the timing.",
    ]
    return section


# ---------------------------------------------------------------------------
# 2. creation against add_model, by the number of models attached
# ---------------------------------------------------------------------------


def bench_attached(s: Settings) -> Section:
    """``new_trajectory`` against ``add_model`` by the number of models already attached."""
    section = Section(
        "attached",
        f"2. Creation against add_model by models already attached, µs per object "
        f"(median of {s.rounds} alternating rounds, GC enabled)",
    )
    m = s.create_batch
    clock = ManualClock(bench_engine.IN_WINDOW)
    machine = anchors.transitions_machine()
    schools = bench_engine.distinct_schools(m)
    alive: list[Leer] = []
    for attached in s.attached:
        filling = time.perf_counter()
        machine.add_model([anchors.PlainModel() for _ in range(attached - len(machine.models))])
        alive += bench_engine.make_with_new_trajectory(
            bench_engine.distinct_schools(attached - len(alive)), clock
        )
        filled = time.perf_counter() - filling

        def anchor() -> float:
            models = [anchors.PlainModel() for _ in range(m)]
            start = time.perf_counter()
            for model in models:
                machine.add_model(model)
            seconds = time.perf_counter() - start
            for model in models:
                machine.remove_model(model)
            return seconds / m

        def ours() -> float:
            start = time.perf_counter()
            made = bench_engine.make_with_new_trajectory(schools, clock)
            seconds = time.perf_counter() - start
            del made
            return seconds / m

        medians = harness.alternate({"anchor": anchor, "ours": ours}, s.rounds)
        section.add(
            Row(
                key=f"add_model_{attached}",
                label=f"anchor: add_model with {attached:,} models attached",
                value=to_us(medians["anchor"]),
                unit="µs/obj",
                n=m,
            )
        )
        section.add(
            Row(
                key=f"new_trajectory_{attached}",
                label=f"new_trajectory with {attached:,} trajectories alive",
                value=to_us(medians["ours"]),
                unit="µs/obj",
                n=m,
                ratio=medians["anchor"] / medians["ours"],
                ratio_label="add_model/ours",
                detail=f"filling took {filled:.1f} s",
            )
        )
    section.notes += [
        "add_model attaches a model to one shared leertraject Machine: it scans "
        "machine.models (`model in machine.models`, a list) and binds a trigger per "
        "event and a check per state onto the model; the models added in a round are "
        "removed again outside the timing.",
        "new_trajectory(school=…, offer=…, school_year=…) with distinct Schools built "
        "beforehand; the trajectories of each step stay alive, as many as the models "
        "attached, so that both sides carry the same number of live objects.",
    ]
    return section


# ---------------------------------------------------------------------------
# 3. the growth table
# ---------------------------------------------------------------------------


@dataclass
class Subject:
    """One figure of the growth table."""

    key: str
    label: str
    mutates: bool
    prepare: Callable[[Grower, Store], Callable[[], object]]
    """What is done before the timing; returns the call that is timed."""
    participants: bool = False
    """Whether its history is of added participants (else of logged hours)."""


def _save_one(grower: Grower, store: Store) -> Callable[[], object]:
    """Log one hour (not timed) and return the save of that one new event."""
    if grower.t.saved_version == 0:
        store.save(grower.t)
    grower.log_hours()
    return functools.partial(store.save, grower.t)


#: A store in memory for the save without I/O: what a save costs the process.
_memory: list[Store] = []


def _save_in_memory(grower: Grower, store: Store) -> Callable[[], object]:
    """As :func:`_save_one`, into a ``memory://`` store: a save without I/O (a
    trajectory saved in the SQLite store before is saved whole into it first)."""
    if not _memory:
        _memory.append(open_store("memory://"))
    memory = _memory[0]
    if grower.t.id not in {summary.id for summary in memory.list()}:
        grower.t.mark_saved(0)
    return _save_one(grower, memory)


def _snapshot_record(grower: Grower, store: Store) -> Callable[[], object]:
    """Log one hour (not timed) and return the making of the record a save with a
    snapshot writes (index values, blockers, the snapshot's JSON)."""
    grower.log_hours()
    return functools.partial(store.record_of, grower.t)


def _load(grower: Grower, store: Store) -> Callable[[], object]:
    """The load of the saved trajectory by the store that saved (and loaded) it."""
    return functools.partial(store.load, grower.t.id)


#: The stores opened by _load_cold, closed when the growth table is done.
_opened: list[Store] = []


def _load_cold(grower: Grower, store: Store) -> Callable[[], object]:
    """The load of the saved trajectory by a store opened anew on the same file
    (opened outside the timing): nothing read before is kept."""
    path = getattr(store, "engine").url.database  # noqa: B009 - an SqlStore
    fresh = open_store(str(path))
    _opened.append(fresh)
    return functools.partial(fresh.load, grower.t.id)


SUBJECTS: tuple[Subject, ...] = (
    Subject("log_hours", "fire('log_hours', …)", True, lambda g, _: g.next_log()),
    Subject("guidance", "fire('hold_guidance_moment', …)", True, lambda g, _: g.next_guidance()),
    Subject(
        "participant",
        "fire('add_participant', …), a history of participants",
        True,
        lambda g, _: g.next_participant(),
        participants=True,
    ),
    Subject(
        "check",
        "check('hold_closing_talk')",
        False,
        lambda g, _: functools.partial(g.t.check, "hold_closing_talk"),
    ),
    Subject("blockers", "blockers()", False, lambda g, _: g.t.blockers),
    # The loads first: the kept trajectories then hold the snapshot of their first save.
    Subject("load", "SQLite store.load, again", False, _load),
    Subject("load_cold", "SQLite store.load, by a store opened anew", False, _load_cold),
    Subject("save", "SQLite store.save of one new event", True, _save_one),
    Subject("save_memory", "memory:// store.save of one new event", True, _save_in_memory),
    Subject(
        "snapshot", "store.record_of: the record of a save with a snapshot", True, _snapshot_record
    ),
)


def bench_growth(s: Settings, store: Store) -> Section:
    """Cost against the history's length, each as a ratio to its cost at 100 events."""
    section = Section(
        "growth",
        f"3. Cost against the history's length, µs per call (median of {s.samples} "
        f"single calls per length, the lengths in alternation; ratio to {BASE_LENGTH})",
    )
    floor = shortest()
    lengths = sorted({max(n, floor) for n in s.lengths} | {BASE_LENGTH})
    kept: dict[tuple[bool, int], Grower] = {}
    seeds = iter(range(1, 10**9))
    built: dict[int, float] = {}
    for n in lengths:
        start = time.perf_counter()
        kept[False, n] = Grower(next(seeds)).grow_to(n)
        built[n] = time.perf_counter() - start
        store.save(kept[False, n].t)
        kept[True, n] = Grower(next(seeds)).add_to(n)

    def grown(subject: Subject, n: int) -> Grower:
        grower = Grower(next(seeds))
        return grower.add_to(n) if subject.participants else grower.grow_to(n)

    def sample(subject: Subject, n: int) -> float:
        # One call of the subject outside the timing first, on the very trajectory
        # the timed call meets: any cost paid once per trajectory (a first save) is
        # not the cost of a call, and every length is timed with its trajectory as
        # recently touched as every other's.
        if subject.mutates and n <= FRESH_LIMIT:
            grower = grown(subject, n - 1)  # the timed call then meets exactly n events
        else:
            grower = kept[subject.participants, n]
        subject.prepare(grower, store)()
        return seconds_of(subject.prepare(grower, store))

    medians: dict[tuple[str, int], float] = {}
    for subject in SUBJECTS:
        figures = harness.alternate(
            {str(n): functools.partial(sample, subject, n) for n in lengths}, s.samples
        )
        medians.update({(subject.key, int(n)): value for n, value in figures.items()})
        while _opened:
            _opened.pop().close()

    for subject in SUBJECTS:
        base = medians[subject.key, BASE_LENGTH]
        for n in lengths:
            value = medians[subject.key, n]
            judged = subject.key in JUDGED and n == 10_000
            ratio = value / base
            section.add(
                Row(
                    key=f"{subject.key}_{n}",
                    label=f"{subject.label} at {n:,} events",
                    value=to_us(value),
                    unit="µs/op",
                    n=s.samples,
                    ratio=ratio,
                    ratio_label=f"this/at {BASE_LENGTH}",
                    target=f"≤ {GROWTH_TARGET:g}×" if judged else "",
                    met=ratio <= GROWTH_TARGET if judged else None,
                )
            )
    reused = min((n for n in lengths if n > FRESH_LIMIT), default=FRESH_LIMIT)
    section.notes += [
        f"Histories: make_trajectory('in_progress') ({floor} events with two study moments "
        "and a guidance moment, the shortest there is: a length below it is measured at "
        "it), then one log_hours per hour of its ManualClock. Building the kept ones took "
        + ", ".join(f"{n:,}: {built[n]:.1f} s" for n in lengths)
        + ".",
        f"fire and save samples up to {FRESH_LIMIT:,} events use a new trajectory per "
        "sample, built outside the timing, so that the timed call meets that many events; "
        "longer ones reuse one trajectory, which grows by two events per sample "
        f"({s.samples * 6} in all, {s.samples * 6 / reused:.2%} of {reused:,} at most). "
        "Every sample is warmed by one untimed call of the same kind on the same "
        "trajectory (a save's first, whole save and a save of one event).",
        "add_participant is measured on histories of added participants (a trajectory "
        "from make_trajectory, then one add_participant per hour of its clock): at 10,000 "
        "events the trajectory has nearly 10,000 participants.",
        "check and blockers do not change the trajectory. The save is of a trajectory "
        "saved before, after one more log_hours: one event and the row, and a snapshot "
        "where the save passes into another bucket (store.base.snapshot_bucket: never at "
        "these lengths once warmed), in an SQLite file (default synchronous) in a "
        "temporary folder. The record of a save with a snapshot (store.record_of) is "
        "made after one more log_hours, on the trajectory kept (whose last snapshot was "
        "encoded by the warm-up call, as a save's would be).",
        "The loads are of the kept trajectories, saved once (the snapshot at their last "
        "event, so a load applies no event again) before any save figure: by the store "
        "that saved them (what it read before is reused: the snapshot's data), and by a "
        "store opened anew on the same file outside the timing (the snapshot parsed and "
        "validated). A load reads the row and the columns of every event (sequence, id, "
        "name, timestamp) and their bodies as text, and parses the bodies after the "
        "snapshot only.",
    ]
    return section


def target_figure(target: dict[str, Any]) -> str:
    """The figure a target judges: its ratio."""
    return f"{target['ratio']:,.2f}× {target['ratio_label']}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three parts and print (and optionally write) the figures."""
    parser = harness.argument_parser(__doc__, "not used by this script")
    args = parser.parse_args(argv)
    s = harness.sizes(Settings, quick=args.quick)
    report = Report(
        meta=harness.metadata(
            quick=s.quick,
            packages=("trajectory", "transitions", "structlog", "attrs"),
        ),
        settings=s,
        n_width=6,
        ratio_width=20,
        details=True,
    )
    report.print_header("trajectory: costs by kind, by models attached, by history length")
    report.add(bench_kind(s))
    report.add(bench_attached(s))
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "growth.sqlite"))
        try:
            report.add(bench_growth(s, store))
        finally:
            store.close()
    report.finish()
    report.print_targets(target_figure)
    report.print_elapsed()
    if args.json is not None:
        report.write_json(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
