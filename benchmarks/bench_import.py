"""The time ``import trajectory`` takes, against ``import transitions``.

Run from the repository root::

    python benchmarks/bench_import.py             # 15 rounds
    python benchmarks/bench_import.py --rounds 31 --details
    python benchmarks/bench_import.py --no-bytecode   # every module compiled anew

Every figure is one fresh interpreter (a subprocess) that imports one package and
reports the time the import statement took (``time.perf_counter`` around it, so the
interpreter's own start is left out). The two imports alternate, round by round,
and the report gives the median of each, their ratio and the target (``import
trajectory`` in at most 100 ms on the machine that runs it).

The imports are measured as an installed package runs them: with bytecode written
once (to a temporary ``PYTHONPYCACHEPREFIX``, so the working tree stays clean) and
read afterwards. ``--no-bytecode`` measures the worst case instead, where every
module is compiled at every start (``PYTHONDONTWRITEBYTECODE`` without bytecode).
``--details`` prints the modules whose import took longest (``-X importtime``).

Nothing is asserted: this is not a test, and a shared machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

#: The repository's root folder.
ROOT: Final = Path(__file__).resolve().parent.parent
#: The target for ``import trajectory``, in milliseconds.
TARGET_MS: Final = 100.0
#: The packages measured: the subject first, then its anchor.
SUBJECT: Final = "trajectory"
ANCHOR: Final = "transitions"

_PROBE: Final = (
    "import time\n"
    "start = time.perf_counter()\n"
    "import {module}\n"
    "print(time.perf_counter() - start)\n"
)


def _environment(cache: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if cache is None:  # the worst case: no bytecode at all
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def import_seconds(module: str, env: dict[str, str]) -> float:
    """The seconds ``import module`` takes in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def slowest_imports(module: str, env: dict[str, str], count: int = 15) -> list[tuple[int, str]]:
    """The ``count`` modules whose import (with what they import) took longest, in
    microseconds, as ``-X importtime`` reports them for ``import module``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    """Measure, print the report, and write it as JSON when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="subprocesses per package")
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module")
    parser.add_argument("--details", action="store_true", help="the slowest imports")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        env = _environment(None if arguments.no_bytecode else folder)
        for module in (SUBJECT, ANCHOR):  # writes the bytecode once
            import_seconds(module, env)
        times: dict[str, list[float]] = {SUBJECT: [], ANCHOR: []}
        for _ in range(arguments.rounds):
            for module in (SUBJECT, ANCHOR):
                times[module].append(import_seconds(module, env) * 1000)
        details = slowest_imports(SUBJECT, env) if arguments.details else []
    medians = {module: statistics.median(found) for module, found in times.items()}
    ratio = medians[SUBJECT] / medians[ANCHOR]
    bytecode = "none (compiled at every start)" if arguments.no_bytecode else "written once"
    print(f"python {sys.version.split()[0]}, {arguments.rounds} rounds, bytecode: {bytecode}")
    for module, median in medians.items():
        spread = f"{min(times[module]):.1f} – {max(times[module]):.1f}"
        print(f"  import {module:<12} median {median:7.1f} ms   (min – max {spread} ms)")
    print(f"  ratio trajectory / transitions: {ratio:.1f}")
    verdict = "met" if medians[SUBJECT] <= TARGET_MS else "missed"
    print(f"  target: import trajectory ≤ {TARGET_MS:.0f} ms: {verdict}")
    if details:
        print("slowest imports under import trajectory (-X importtime, cumulative):")
        for microseconds, name in details:
            print(f"  {microseconds / 1000:7.1f} ms  {name}")
    if arguments.json is not None:
        document = {
            "rounds": arguments.rounds,
            "bytecode": not arguments.no_bytecode,
            "milliseconds": times,
            "medians": medians,
            "ratio": ratio,
            "target_ms": TARGET_MS,
        }
        arguments.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
