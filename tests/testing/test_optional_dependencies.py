"""What a missing optional dependency tells the user: the package and the extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Run in a fresh interpreter in which Hypothesis cannot be imported (None in
# sys.modules makes Python refuse the import, as for a package never installed).
_WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None
import trajectory
try:
    {statement}
except trajectory.MissingDependency as err:
    assert isinstance(err, ImportError) and isinstance(err, trajectory.TrajectoryError)
    print(err.package, err.extra, str(err), sep="|")
else:
    print("imported")
"""


@pytest.mark.parametrize(
    "statement",
    [
        "import trajectory.testing.strategies",
        "from trajectory.testing import strategies",
        "from trajectory.testing import LeertrajectMachine",
        "import trajectory.testing.stateful",
        "from trajectory.testing import ApplicationMachine",
        "import trajectory.testing.application_machine",
    ],
)
def test_the_toolkit_without_hypothesis_names_the_testing_extra(statement: str) -> None:
    """The strategies and the state machine need Hypothesis: without it, importing them
    raises MissingDependency naming the package and the extra that installs it."""
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_HYPOTHESIS.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    )
    package, extra, message = done.stdout.strip().split("|")
    assert ("hypothesis", "testing") == (package, extra)
    assert "pip install 'trajectory-lifecycle[testing]'" in message


def test_the_rest_of_the_toolkit_works_without_hypothesis() -> None:
    """make_trajectory and the pytest plugin need nothing more than the library."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WITHOUT_HYPOTHESIS.format(
                statement="from trajectory.testing import make_application, make_trajectory; "
                "from trajectory.testing import plugin; "
                "assert make_trajectory('in_progress').state == 'in_progress'; "
                "assert make_application('decided').application.state == 'decided'"
            ),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "imported" == done.stdout.strip()
