"""Every file in examples/ runs, and says what it is meant to say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))

EXPECTED = {
    "quickstart.py": [
        "participants.minimum",
        "participants.school_leader",
        "activity_plan.missing_part",
        "submit_application by board: application_in_preparation → application_submitted",
        "replayed from 11 events: True",
    ],
    "custom_lifecycle.py": [
        "refused: visit.host_missing",
        "refused: visit.date_passed",
        "OBS De Linde: held at RKBS Drie Koningen on 2024-09-20",
    ],
}


def test_every_example_has_expectations() -> None:
    """A new example cannot be added without saying what it should print."""
    assert sorted(EXPECTED) == sorted(path.name for path in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs(path: Path) -> None:
    """The example runs as a script, exits 0 and prints what it promises."""
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert 0 == done.returncode, done.stderr
    for line in EXPECTED[path.name]:
        assert line in done.stdout
