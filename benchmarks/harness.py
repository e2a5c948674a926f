"""The harness that the benchmark scripts share.

``bench_engine.py`` and ``bench_store.py`` each measure their own subjects; what they
have in common lives here:

- :func:`prepare`, called before the scripts import ``trajectory`` or ``tests``: the
  repository on ``sys.path``, structlog configured as a host would in production;
- :func:`size` and :func:`sizes`: a script's settings, with a full and a quick size;
- :class:`Row` and :class:`Section`, one printed figure and a titled table of them;
- :func:`time_per_call`, :func:`alternate`, :func:`to_us`, :func:`to_ms` and :func:`profiled`;
- :func:`metadata` (where and how the figures were made) and :class:`Report`, which
  prints the header, the tables and the targets, and writes the JSON document.

The scripts run as ``python benchmarks/<script>.py``, so this folder is on
``sys.path`` and they import this module as ``harness`` (as they import ``anchors``).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import importlib.metadata
import io
import json
import logging
import os
import platform
import pstats
import shlex
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import structlog

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

V = TypeVar("V")
S = TypeVar("S", bound="DataclassInstance")

#: The repository's root folder.
ROOT: Final = Path(__file__).resolve().parent.parent

#: The metadata keys printed first in the header, in this order.
_HEADER_KEYS: Final = ("command", "date", "python", "platform", "processor", "cpu_count", "git")


# ---------------------------------------------------------------------------
# Set-up
# ---------------------------------------------------------------------------


def prepare() -> None:
    """Make a script's imports work and configure logging as a host would.

    The repository root (for ``tests.builders``) and this folder (for ``anchors``)
    go on ``sys.path``. structlog is configured as in production: INFO events are
    dropped by a filtering logger (cached on first use), before any processor runs.
    Call this before the first trajectory logs anything.
    """
    for path in (ROOT, ROOT / "benchmarks"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL),
        cache_logger_on_first_use=True,
    )


def argument_parser(doc: str | None, profile_help: str) -> argparse.ArgumentParser:
    """A parser with the options every script takes: ``--quick``, ``--json``, ``--profile``.

    ``doc`` is the script's docstring; its first line describes the script.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--quick", action="store_true", help="smaller N: a smoke run")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures here")
    parser.add_argument("--profile", action="store_true", help=profile_help)
    return parser


def size(full: V, *, quick: V | None = None) -> V:
    """A field of a script's settings: its size in a full run and, if other, in a quick one.

    Use it as the field's default (``n_create: int = size(100_000, quick=5_000)``);
    :func:`sizes` picks one of the two.
    """
    return field(default=full, metadata={"quick": full if quick is None else quick})


def sizes(kind: type[S], *, quick: bool) -> S:
    """The settings ``kind`` (fields made by :func:`size`) for a full or a quick run."""
    if not quick:
        return kind()
    return kind(
        **{each.name: each.metadata["quick"] for each in fields(kind) if "quick" in each.metadata}
    )


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass
class Row:
    """One printed figure."""

    key: str
    label: str
    value: float
    unit: str
    n: int
    """Operations or objects per repeat."""
    ratio: float | None = None
    ratio_label: str = ""
    detail: str = ""
    """Printed after the ratio (for instance the median-based figure)."""
    target: str = ""
    met: bool | None = None


@dataclass
class Section:
    """A titled table of rows, with notes printed under it."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        """Append ``row`` and return it."""
        self.rows.append(row)
        return row


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def to_us(seconds: float) -> float:
    """``seconds`` in microseconds."""
    return seconds * 1e6


def to_ms(seconds: float) -> float:
    """``seconds`` in milliseconds."""
    return seconds * 1e3


def _gc_setup(gc_enabled: bool) -> Callable[[], object]:
    """A ``timeit`` setup that (re-)enables the GC inside the timed function, or not."""
    return gc.enable if gc_enabled else (lambda: None)


def time_per_call(
    func: Callable[[], object], repeat: int, min_time: float, *, gc_enabled: bool = True
) -> tuple[float, int]:
    """Best-of-``repeat`` seconds per call of ``func`` and the calls per repeat (``timeit``).

    The calls per repeat grow until one repeat takes ``min_time`` seconds at least.
    ``timeit`` disables the GC while timing; with ``gc_enabled`` (the default) the
    setup turns it back on, so collections count as they would for a user.
    """
    timer = timeit.Timer(func, setup=_gc_setup(gc_enabled))
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= min_time:
            break
        # Aim a little past min_time, growing at most 10× per step.
        number = max(number + 1, min(number * 10, int(number * 1.2 * min_time / elapsed) + 1))
    gc.collect()
    best = min(timer.repeat(repeat=repeat, number=number))
    return best / number, number


def alternate(subjects: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """The median, over ``rounds`` rounds, of what each subject returns (seconds per op).

    Every round calls each subject once, in alternation (the order reversed every
    other round), so a machine whose speed drifts during the run moves all the
    figures alike; the median keeps a round disturbed by a neighbour from counting.
    """
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    order = list(subjects)
    for turn in range(rounds):
        for name in order if turn % 2 == 0 else reversed(order):
            samples[name].append(subjects[name]())
    return {name: statistics.median(values) for name, values in samples.items()}


def profiled(title: str, func: Callable[[], object]) -> str:
    """cProfile ``func()``: the top 15 functions by tottime, as text under a title line.

    What ``func`` returns is dropped only after profiling stops.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    result = func()
    profiler.disable()
    del result
    out = io.StringIO()
    out.write(f"\n== cProfile: {title} (top 15 by tottime) ==\n")
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(15)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


def _version(package: str) -> str:
    """The installed version of ``package``, or '?'."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _git_state() -> str:
    """HEAD's commit, and how many library files differ from it (the tree is shared)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "trajectory"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{head}" + (f" + {len(changed)} changed file(s) in trajectory/" if changed else "")


def metadata(
    *, quick: bool, packages: Iterable[str], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Where and how the figures were made.

    ``packages`` are the distributions whose versions are recorded; ``extra`` holds a
    script's own entries, placed after the packages.
    """
    return {
        "command": shlex.join(sys.orig_argv),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.replace("\n", " "),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "?",
        "cpu_count": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "packages": {name: _version(name) for name in packages},
        **(extra or {}),
        "git": _git_state(),
        "mode": "quick" if quick else "full",
    }


# ---------------------------------------------------------------------------
# Printing and writing
# ---------------------------------------------------------------------------


def _fmt_value(value: float, unit: str) -> str:
    """``value`` as printed: whole bytes and rates, else three decimals below 100."""
    if unit.startswith("B") or unit.endswith("/s"):
        return f"{value:,.0f}"
    return f"{value:,.3f}" if value < 100 else f"{value:,.1f}"


def print_section(section: Section, *, n_width: int, ratio_width: int) -> None:
    """Print one table: a row per figure (a detail column when any row has one), notes."""
    width = max((len(row.label) for row in section.rows), default=20)
    print(f"\n== {section.title} ==")
    details = max((len(row.detail) for row in section.rows), default=0)
    header = (
        f"{'':<{width}}  {'value':>11} {'unit':<7} {'n':>{n_width}}  {'ratio':>{ratio_width}}"
        + (f"  {'':<{details}}" if details else "")
        + "  target"
    )
    print(header)
    print("-" * len(header))
    for row in section.rows:
        ratio = "" if row.ratio is None else f"{row.ratio:,.2f}× {row.ratio_label}"
        verdict = "" if row.met is None else f"{row.target}: {'MET' if row.met else 'MISSED'}"
        detail = f"  {row.detail:<{details}}" if details else ""
        print(
            f"{row.label:<{width}}  {_fmt_value(row.value, row.unit):>11} {row.unit:<7} "
            f"{row.n:>{n_width}}  {ratio:>{ratio_width}}{detail}  {verdict}".rstrip()
        )
    for note in section.notes:
        print(f"  * {note}")


@dataclass
class Report:
    """One run's figures: printed as they come, summed up by target, written as JSON."""

    meta: dict[str, Any]
    """From :func:`metadata`; :meth:`finish` adds the run's time and final load."""
    settings: DataclassInstance
    """The script's sizes for this run."""
    n_width: int
    """Width of the tables' ``n`` column."""
    ratio_width: int
    """Width of the tables' ``ratio`` column."""
    details: bool
    """Whether the rows' ``detail`` goes into the JSON document."""
    sections: list[Section] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    """When the run started (:meth:`print_header` sets it)."""

    def print_header(self, title: str, extra: Sequence[tuple[str, str]] = ()) -> None:
        """Print the metadata under ``title`` (``extra`` lines before the settings)
        and start the clock."""
        meta = self.meta
        print(f"{title} (figures are noisy on a shared machine)")
        for key in _HEADER_KEYS:
            print(f"  {key:<10} {meta[key]}")
        print(f"  {'load avg':<10} {', '.join(f'{x:.2f}' for x in meta['load_average_at_start'])}")
        print(f"  {'packages':<10} {', '.join(f'{k} {v}' for k, v in meta['packages'].items())}")
        for key, text in extra:
            print(f"  {key:<10} {text}")
        print(f"  {'settings':<10} {asdict(self.settings)}")
        self.started = time.perf_counter()

    def add(self, section: Section) -> None:
        """Print ``section`` and keep it."""
        print_section(section, n_width=self.n_width, ratio_width=self.ratio_width)
        self.sections.append(section)

    def finish(self) -> None:
        """Record the run's time in seconds and the load average at its end."""
        self.meta["seconds"] = round(time.perf_counter() - self.started, 1)
        self.meta["load_average_at_end"] = list(os.getloadavg())

    def _row(self, row: Row) -> dict[str, Any]:
        fields = asdict(row)
        if not self.details:
            del fields["detail"]
        return fields

    def targets(self) -> list[dict[str, Any]]:
        """Every row with a target, with its section's key."""
        return [
            {"section": section.key, **self._row(row)}
            for section in self.sections
            for row in section.rows
            if row.met is not None
        ]

    def print_targets(self, shown: Callable[[dict[str, Any]], str]) -> None:
        """Print the verdict on every target; ``shown`` gives the figure a target judges."""
        print("\n== Targets ==")
        for target in self.targets():
            verdict = "MET" if target["met"] else "MISSED"
            print(f"  {verdict:<7} {target['label']}: {shown(target)} (target {target['target']})")

    def print_elapsed(self) -> None:
        """Print how long the run took and the load average at its end."""
        meta = self.meta
        print(f"\n(ran in {meta['seconds']} s; load average at end {meta['load_average_at_end']})")

    def write_json(self, path: Path, extra: Mapping[str, Any] | None = None) -> None:
        """Write the metadata, settings, tables and targets (and ``extra``) to ``path``."""
        document = {
            "meta": self.meta,
            "settings": asdict(self.settings),
            "sections": {
                section.key: {
                    "title": section.title,
                    "rows": [self._row(row) for row in section.rows],
                    "notes": section.notes,
                }
                for section in self.sections
            },
            "targets": self.targets(),
            **(extra or {}),
        }
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {path}")
