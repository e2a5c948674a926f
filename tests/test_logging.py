"""The library is quiet unless its host asks for its logs.

A program that never configures logging sees nothing at all; a host that configured
structlog (or captures its entries in a test) gets every fired event as a structured
entry; a host that configured only the standard library's logging gets them there.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import structlog
from structlog.testing import LogCapture, capture_logs

import trajectory
from tests.builders import new
from trajectory import InvalidData, PreconditionFailed
from trajectory.engine.logs import get_logger

ROOT = Path(__file__).resolve().parents[1]

#: A program that starts a leertraject and fires an accepted and a refused event.
FIRES = textwrap.dedent(
    """
    import datetime as dt
    import trajectory

    school = trajectory.School(
        name="OBS De Linde", sector="po", board="Stichting Primair", brin="12AB00"
    )
    clock = trajectory.ManualClock(dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC))
    t = trajectory.new_trajectory(
        school=school, offer="leven-lang-lezen", school_year="2024-2025", clock=clock
    )
    t.fire("hold_orientation", date=dt.date(2024, 4, 30), learning_question="Reading?",
           conclusion="positive", report="The trajectory fits.")
    t.fire("register")
    try:
        t.fire("submit_application")
    except trajectory.PreconditionFailed:
        pass
    """
)

#: The keys every fired event's entry carries.
KEYS = ("event", "trajectory_id", "from_state", "to_state", "outcome")


def _run(program: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "FORCE_COLOR", "NO_COLOR"))
    }
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def unconfigured() -> None:
    """structlog as a host leaves it that never configures it (the repository's
    conftest resets structlog after every test)."""
    structlog.reset_defaults()


def _fire_three() -> str:
    """Fire an accepted, a recording and a refused event; the trajectory's id."""
    t = new()
    t.fire(
        "hold_orientation",
        date=t.clock().date(),
        learning_question="Reading?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    with pytest.raises(PreconditionFailed):
        t.fire("submit_application")
    return t.id


def test_a_program_that_never_configures_logging_prints_nothing() -> None:
    """python -c "import trajectory; ... fire events ..." writes nothing at all, on
    standard output or standard error."""
    result = _run(FIRES)

    assert (0, "", "") == (result.returncode, result.stdout, result.stderr)


def test_a_library_warning_is_quiet_for_a_host_that_configured_nothing() -> None:
    """Even a warning of the library prints nothing when the host configured no logging
    at all (the package's standard logger has a NullHandler, as a library should)."""
    program = (
        "from trajectory.engine.logs import get_logger\n"
        "get_logger('trajectory.store').warning('corrupt_record_skipped', trajectory_id='t1')\n"
    )

    result = _run(program)

    assert (0, "", "") == (result.returncode, result.stdout, result.stderr)


def test_a_host_of_the_standard_library_gets_the_events_there() -> None:
    """A host that configured only logging (basicConfig at INFO) sees each event on its
    handler as 'event key=value …'; structlog's coloured output does not appear."""
    program = "import logging\nlogging.basicConfig(level=logging.INFO)\n" + FIRES

    result = _run(program)

    assert (0, "") == (result.returncode, result.stdout)
    lines = result.stderr.splitlines()
    assert 3 == len(lines), result.stderr
    assert lines[1].startswith("INFO:trajectory.engine.runtime:register trajectory_id=")
    assert "from_state='orientation_held' to_state='application_in_preparation'" in lines[1]
    assert "outcome='refused'" in lines[2]
    assert "\x1b[" not in result.stderr


def test_captured_entries_arrive_without_configuring(unconfigured: None) -> None:
    """With structlog.testing.capture_logs() in a host that never configured structlog,
    every fired event arrives with its name and bound keys."""
    with capture_logs() as logs:
        trajectory_id = _fire_three()

    preparing = "application_in_preparation"
    assert [
        (
            "hold_orientation",
            trajectory_id,
            "orientation_requested",
            "orientation_held",
            "accepted",
        ),
        ("register", trajectory_id, "orientation_held", preparing, "accepted"),
        ("submit_application", trajectory_id, preparing, "application_submitted", "refused"),
    ] == [tuple(entry[key] for key in KEYS) for entry in logs]
    assert "activity_plan.missing_part" in logs[-1]["violations"]
    assert {"info"} == {entry["log_level"] for entry in logs}


def test_a_host_that_configured_structlog_gets_the_same_entries(unconfigured: None) -> None:
    """A host's structlog configuration (here: its own processor) receives the same
    entries as a capture, even when it configures structlog after the library logged
    its first, quiet, event."""
    new().fire("withdraw", reason="Before the configuration: nothing to see.")
    captured = LogCapture()
    structlog.configure(processors=[captured])

    trajectory_id = _fire_three()

    assert ["hold_orientation", "register", "submit_application"] == [
        entry["event"] for entry in captured.entries
    ]
    assert {trajectory_id} == {entry["trajectory_id"] for entry in captured.entries}
    assert all(set(KEYS) <= set(entry) for entry in captured.entries)


def test_a_host_that_caches_loggers_gets_the_entries_as_json() -> None:
    """A host configured as in production (a JSON renderer, loggers cached on first use,
    configured after the first, quiet, event) gets one JSON line per fired event on its
    own output, with the event's name and bound keys; nothing else is printed. (In a
    process of its own: a cached logger is kept, as structlog keeps its own.)"""
    program = FIRES.replace(
        't.fire("register")',
        "import structlog\n"
        "structlog.configure(processors=[structlog.processors.JSONRenderer()],"
        " cache_logger_on_first_use=True)\n"
        't.fire("register")',
    )

    result = _run(program)

    assert (0, "") == (result.returncode, result.stderr)
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("register", "accepted"), ("submit_application", "refused")] == [
        (entry["event"], entry["outcome"]) for entry in entries
    ]
    assert all(set(KEYS) <= set(entry) for entry in entries)


def test_a_configured_filter_drops_the_events_below_its_level(unconfigured: None) -> None:
    """The host's filtering logger decides: at WARNING, no fired event reaches its
    processors, while the library's own warnings do."""
    captured = LogCapture()
    structlog.configure(
        processors=[captured],
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
    )

    _fire_three()
    get_logger("trajectory.example").warning("something_odd", trajectory_id="t1")

    assert [("something_odd", "warning")] == [
        (entry["event"], entry["log_level"]) for entry in captured.entries
    ]


def test_the_standard_library_gets_bound_values_and_exceptions(
    unconfigured: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Without structlog configured, an entry goes to the module's standard logger with
    its bound values, and exception() carries the exception being handled."""
    logger = get_logger("trajectory.example")

    with caplog.at_level(logging.INFO, logger="trajectory"):
        logger.bind(trajectory_id="t1").info("saved", version=3)
        try:
            raise InvalidData("hours", "expected at most 24")
        except InvalidData:
            logger.exception("subscriber_failed", trajectory_id="t1")

    saved, failed = caplog.records
    assert ("trajectory.example", logging.INFO) == (saved.name, saved.levelno)
    assert "saved trajectory_id='t1' version=3" == saved.getMessage()
    assert failed.exc_info is not None
    assert (logging.ERROR, InvalidData) == (failed.levelno, failed.exc_info[0])


def test_the_library_logger_names_its_module() -> None:
    """get_logger(__name__) is the logger of that module, for both structlog and logging."""
    logger: Any = get_logger("trajectory.engine.runtime")

    assert "trajectory.engine.runtime" == logger.name
    assert "<LibraryLogger trajectory.engine.runtime>" == repr(logger)


def test_every_module_logs_through_the_library_logger() -> None:
    """No module of the package but trajectory.engine.logs asks structlog for a logger:
    every entry goes through the one mechanism that keeps the library quiet."""
    package = Path(trajectory.__file__).parent
    asking = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "structlog.get_logger(" in path.read_text("utf-8")
        or "from structlog import get_logger" in path.read_text("utf-8")
    )

    assert [str(Path("engine") / "logs.py")] == asking
