"""`trajectory new`, `fire`, `show`, `list`, `history` and `erase-participant` against the
embedded store: a whole leertraject from the command line, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tests.command_line import NEW_SCHOOL, error, run, runner
from trajectory import open_store
from trajectory.cli import app
from trajectory.engine.history import Event
from trajectory.engine.serialization import dump_event
from trajectory.ontwikkelkracht import LIFECYCLE
from trajectory.ontwikkelkracht.walker import MAIN_PATH, Walker

pytestmark = pytest.mark.usefixtures("database")


def data_options(event: Event) -> list[str]:
    """The --data options that give ``event``'s payload as a person would type it."""
    options = []
    for key, value in dump_event(event, LIFECYCLE)["payload"].items():
        if value is None:
            continue  # an optional field left out
        text = value if isinstance(value, str) else json.dumps(value)
        options += ["--data", f"{key}={text}"]
    return options


def fire(trajectory_id: str, event: Event, *options: str) -> str:
    """`trajectory fire` with ``event``'s name, payload and moment; its stdout."""
    return run(
        "fire",
        trajectory_id,
        event.name,
        *data_options(event),
        "--at",
        event.timestamp.isoformat(),
        *options,
    )


def new_school(walker: Walker) -> str:
    """`trajectory new` for the walker's school, at the walker's creation time."""
    data = walker.data
    created = walker.trajectory.history[0].timestamp
    school = data.school
    return run(
        "new",
        "--name",
        school.name,
        "--sector",
        school.sector.value,
        "--board",
        school.board,
        "--brin",
        school.brin,
        "--offer",
        data.offer.id,
        "--school-year",
        str(data.school_year),
        "--at",
        created.isoformat(),
    ).strip()


@pytest.fixture(scope="module")
def walked() -> Walker:
    """A leertraject walked along the main path, up to the settlement."""
    with capture_logs():
        walker = Walker.start(seed=11)
        walker.walk(MAIN_PATH)
    return walker


def test_new_fire_and_show_take_a_school_through_the_whole_lifecycle(
    walked: Walker, database: Path
) -> None:
    """Every event of the walker's main path, typed as --data on the command line,
    gives the same leertraject in the store, settled."""
    trajectory_id = new_school(walked)
    assert "orientation_requested" == json.loads(run("show", trajectory_id, "--json"))["state"]
    for event in walked.trajectory.history[1:]:
        out = fire(trajectory_id, event, "--lang", "en")
        assert out.startswith(f"{event.name}: ")
    shown = json.loads(run("show", trajectory_id, "--json", "--lang", "en"))
    assert ("settled", True, len(walked.trajectory.history)) == (
        shown["state"],
        shown["final"],
        shown["version"],
    )
    assert [e.name for e in walked.trajectory.history] == [e["name"] for e in shown["timeline"]]
    assert [] == shown["allowed_events"]
    with open_store(f"sqlite:///{database}") as store:
        assert walked.data == store.load(trajectory_id).data
    assert "state       settled\n" in run("show", trajectory_id, "--lang", "en")
    text = run("show", trajectory_id)
    assert "state       settled (vastgesteld)\n" in text
    assert "allowed     — (a final state)" in text


def test_show_lists_the_blockers_with_their_messages(walked: Walker) -> None:
    """After the registration, show names what still blocks the application, in the
    language asked for."""
    trajectory_id = new_school(walked)
    for event in walked.trajectory.history[1:3]:
        fire(trajectory_id, event)
    english = run("show", trajectory_id, "--lang", "en")
    assert (
        "  submit_application: [participants.minimum] At least 5 participants are needed; "
        "there are 0."
    ) in english
    dutch = run("show", trajectory_id)
    assert "Minimaal 5 deelnemers nodig; er zijn er 0." in dutch
    shown = json.loads(run("show", trajectory_id, "--json", "--lang", "en"))
    codes = [v["code"] for v in shown["blockers"]["submit_application"]]
    assert "participants.minimum" in codes
    assert "application_in_preparation" == shown["state"]
    assert "submit_application" in shown["allowed_events"]


def test_a_refused_event_gives_every_violation_on_one_line_and_changes_nothing(
    walked: Walker,
) -> None:
    """fire submit_application too early: one line with every violation, version kept."""
    trajectory_id = new_school(walked)
    for event in walked.trajectory.history[1:3]:
        fire(trajectory_id, event)
    line = error("fire", trajectory_id, "submit_application", "--lang", "en")
    assert line.startswith("error: submit_application refused in application_in_preparation: ")
    assert "[participants.minimum] At least 5 participants are needed; there are 0." in line
    assert "[hours.minimum]" in line
    assert 3 == json.loads(run("show", trajectory_id, "--json"))["version"]


def test_a_refused_event_with_json_prints_its_violations_on_stdout(walked: Walker) -> None:
    """fire --json: a refusal still exits 2 with one line on stderr, and stdout holds the
    violations as JSON, each with its code, figures and message."""
    trajectory_id = new_school(walked)
    for event in walked.trajectory.history[1:3]:
        fire(trajectory_id, event)
    result = runner.invoke(
        app, ["fire", trajectory_id, "submit_application", "--lang", "en", "--json"]
    )
    assert 2 == result.exit_code
    assert 1 == len(result.stderr.splitlines())
    document = json.loads(result.stdout)
    assert "submit_application" == document["refused"]
    assert "application_in_preparation" == document["state"]
    minimum = next(v for v in document["violations"] if v["code"] == "participants.minimum")
    assert 5 == minimum["details"]["required"]
    assert "At least 5 participants are needed; there are 0." == minimum["message"]


def test_fire_reads_the_payload_from_a_json_file(walked: Walker, tmp_path: Path) -> None:
    """--json-file gives the payload as a JSON object; --json prints the event document."""
    trajectory_id = new_school(walked)
    orientation = walked.trajectory.history[1]
    path = tmp_path / "orientation.json"
    path.write_text(json.dumps(dump_event(orientation, LIFECYCLE)["payload"]), encoding="utf-8")
    document = json.loads(
        run(
            "fire",
            trajectory_id,
            "hold_orientation",
            "--json-file",
            str(path),
            "--actor",
            "secretariaat",
            "--at",
            orientation.timestamp.isoformat(),
            "--json",
        )
    )
    assert ("hold_orientation", "orientation_held", "secretariaat") == (
        document["name"],
        document["to_state"],
        document["actor"],
    )
    assert dump_event(orientation, LIFECYCLE)["payload"] == document["payload"]


def test_list_filters_and_history_shows_the_payloads(walked: Walker) -> None:
    """list filters by state, year, offer, board and school; history shows every event."""
    first = new_school(walked)
    second = new_school(walked)
    orientation = walked.trajectory.history[1]
    fire(second, orientation)
    school = walked.data.school
    everything = json.loads(run("list", "--json"))
    assert [first, second] == [row["id"] for row in everything]
    held = json.loads(run("list", "--state", "orientation_held", "--json"))
    assert [second] == [row["id"] for row in held]
    assert 2 == len(
        json.loads(
            run(
                "list",
                "--school-year",
                "2024-2025",
                "--offer",
                walked.data.offer.id,
                "--board",
                school.board,
                "--school",
                school.brin.lower(),
                "--json",
            )
        )
    )
    assert [] == json.loads(run("list", "--school-year", "2025-2026", "--json"))
    assert "2 trajectories" in run("list")
    history = json.loads(run("history", second, "--json"))
    assert ["created", "hold_orientation"] == [e["name"] for e in history]
    assert dump_event(orientation, LIFECYCLE)["payload"] == history[1]["payload"]
    text = run("history", second)
    assert f"        report: {orientation.payload.report}" in text


def test_list_blocked_shows_the_blocked_codes(walked: Walker) -> None:
    """--blocked keeps the trajectories whose next steps are refused."""
    trajectory_id = new_school(walked)
    for event in walked.trajectory.history[1:3]:
        fire(trajectory_id, event)
    (row,) = json.loads(run("list", "--blocked", "--json"))
    assert trajectory_id == row["id"]
    assert "participants.minimum" in row["blockers"]["submit_application"]


def test_erase_participant_prints_the_pseudonym(walked: Walker) -> None:
    """The name disappears from the stored history; the pseudonym takes its place."""
    trajectory_id = new_school(walked)
    history = walked.trajectory.history
    upto = next(i for i, e in enumerate(history) if e.name == "add_participant") + 1
    for event in history[1:upto]:
        fire(trajectory_id, event)
    name = history[upto - 1].payload.name
    pseudonym = run("erase-participant", trajectory_id, name).strip()
    assert pseudonym.startswith("pseudonym-")
    stored = run("history", trajectory_id, "--json")
    assert name not in stored
    assert pseudonym in stored


def test_new_prints_json_with_the_id() -> None:
    """new --json gives the id and the first state."""
    created = json.loads(run(*NEW_SCHOOL, "--json"))
    assert "orientation_requested" == created["state"]
    assert created["id"] == json.loads(run("list", "--json"))[0]["id"]


NEW: list[str] = [*NEW_SCHOOL, "--at", "2024-04-01T09:00"]


def _with(arguments: list[str], option: str, value: str) -> list[str]:
    changed = list(arguments)
    changed[changed.index(option) + 1] = value
    return changed


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (_with(NEW, "--offer", "leven-lang-rekenen"), "unknown offer 'leven-lang-rekenen'"),
        (_with(NEW, "--school-year", "2030-2031"), "no rules for school year 2030-2031"),
        (_with(NEW, "--school-year", "2024"), "school_year"),
        (_with(NEW, "--brin", "12AB0"), "brin"),
        (_with(NEW, "--sector", "mbo"), "sector"),
        (_with(NEW, "--at", "yesterday"), "--at must be an ISO date or date-time"),
        (["show", "nope"], "no trajectory 'nope' in the store"),
        (["show", "nope", "--lang", "fr"], "--lang must be one of nl, en"),
        (["history", "nope"], "no trajectory 'nope' in the store"),
        (["fire", "nope", "register"], "no trajectory 'nope' in the store"),
        (["erase-participant", "nope", "Anna"], "no trajectory 'nope' in the store"),
        (["list", "--state", "granted_"], "unknown state 'granted_'"),
        (["list", "--school-year", "next year"], "school_year"),
        (["list", "--offer", "lezen"], "unknown offer 'lezen'"),
        (["list", "--board", " "], "--board must not be blank"),
        (["list", "--db", "ftp://example/db"], "expected memory://, sqlite:///file.db"),
    ],
)
def test_bad_input_is_one_line(arguments: list[str], message: str) -> None:
    """Bad input gives one line on stderr that says what is wrong, exit code 2."""
    assert message in error(*arguments)


@pytest.fixture
def created() -> str:
    """A new leertraject in the default store; its id."""
    return run(*NEW).strip()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["regster"], "unknown event 'regster'; did you mean 'register'?"),
        (["register", "--lang", "de"], "--lang must be one of nl, en"),
        (["register"], "event 'register' is not allowed in state 'orientation_requested'"),
        (["hold_orientation", "-d", "date=2024-13-01"], "$.date: month must be in 1..12"),
        (["record_talk", "-d", "kind=exploratory_talk", "-d", "date=soon"], "$.date"),
        (["record_talk", "-d", "kind=chat", "-d", "date=2024-04-01"], "'chat' is not a valid"),
        (["record_talk", "-d", "knd=chat"], "'record_talk' takes no field 'knd'"),
        (["record_talk", "-d", "kind"], "--data takes key=value, got 'kind'"),
        (["record_talk", "-d", "kind=a", "-d", "kind=b"], "--data gives 'kind' twice"),
        (["record_talk", "-d", "kind=exploratory_talk"], "$.date: required field missing"),
        (["record_talk", "--json-file", "missing.json"], "--json-file: cannot read"),
        (["register", "--at", "2024-03-01"], "lies before the last event"),
    ],
)
def test_bad_fire_input_is_one_line(created: str, arguments: list[str], message: str) -> None:
    """A mistyped event, a bad payload value, an unknown field or a bad option: one
    line on stderr, exit code 2, and the trajectory is unchanged."""
    assert message in error("fire", created, *arguments)
    assert 1 == json.loads(run("show", created, "--json"))["version"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is no JSON"),
        ("[1, 2]", "must hold a JSON object, got list"),
        ('{"kind": "exploratory_talk", "date": 20240401}', "$.date: expected a date"),
    ],
)
def test_a_bad_json_file_is_one_line(
    created: str, tmp_path: Path, content: str, message: str
) -> None:
    """A payload file that is no JSON object, or holds a bad value, is one line."""
    path = tmp_path / "payload.json"
    path.write_text(content, encoding="utf-8")
    assert message in error("fire", created, "record_talk", "--json-file", str(path))


def test_data_and_json_file_together_are_refused(created: str, tmp_path: Path) -> None:
    """The payload comes from one place."""
    path = tmp_path / "payload.json"
    path.write_text("{}", encoding="utf-8")
    line = error("fire", created, "register", "-d", "a=1", "--json-file", str(path))
    assert "not both" in line


def test_erasing_someone_who_is_no_participant_is_one_line(created: str) -> None:
    """A name that no event gives is refused."""
    assert "'Nobody' is no participant" in error("erase-participant", created, "Nobody")
