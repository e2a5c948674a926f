"""`trajectory new`, `fire`, `show`, `list`, `history` and `erase-participant` against the
embedded store: a whole leertraject from the command line, and one-line errors."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tests.command_line import (
    NEW_SCHOOL,
    REFUSED,
    USAGE,
    error,
    make_store,
    refused,
    run,
    runner,
)
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
        "there are none."
    ) in english
    dutch = run("show", trajectory_id)
    assert "Minimaal 5 deelnemers nodig; er zijn er geen." in dutch
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
    line = error("fire", trajectory_id, "submit_application", "--lang", "en", code=REFUSED)
    assert line.startswith(
        "error: ‘submit the application’ refused in the state ‘application in preparation’: "
    )
    assert "[participants.minimum] At least 5 participants are needed; there are none." in line
    assert "[hours.minimum]" in line
    assert 3 == json.loads(run("show", trajectory_id, "--json"))["version"]


def test_a_refused_event_with_json_prints_its_violations_on_stdout(walked: Walker) -> None:
    """fire --json: a refusal still exits 1 with one line on stderr, and stdout holds the
    violations as JSON, each with its code, figures and message."""
    trajectory_id = new_school(walked)
    for event in walked.trajectory.history[1:3]:
        fire(trajectory_id, event)
    result = runner.invoke(
        app, ["fire", trajectory_id, "submit_application", "--lang", "en", "--json"]
    )
    assert REFUSED == result.exit_code
    assert 1 == len(result.stderr.splitlines())
    document = json.loads(result.stdout)
    assert "submit_application" == document["refused"]
    assert "application_in_preparation" == document["state"]
    minimum = next(v for v in document["violations"] if v["code"] == "participants.minimum")
    assert 5 == minimum["details"]["required"]
    assert "At least 5 participants are needed; there are none." == minimum["message"]


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
    ("arguments", "message", "code"),
    [
        (_with(NEW, "--offer", "leven-lang-rekenen"), "unknown offer 'leven-lang-rekenen'", USAGE),
        (_with(NEW, "--school-year", "2030-2031"), "no rules for school year 2030-2031", USAGE),
        (_with(NEW, "--school-year", "2024"), "school_year", USAGE),
        (_with(NEW, "--brin", "12AB0"), "brin", USAGE),
        (_with(NEW, "--sector", "mbo"), "sector", USAGE),
        (_with(NEW, "--at", "yesterday"), "--at moet een ISO-datum of -datum-tijd zijn", USAGE),
        ([*_with(NEW, "--at", "yesterday"), "--lang", "en"], "--at must be an ISO date", USAGE),
        (["show", "nope"], "geen traject `nope` in de opslag", REFUSED),
        (["show", "nope", "--lang", "en"], "no trajectory `nope` in the store", REFUSED),
        (["show", "nope", "--lang", "fr"], "--lang must be nl or en, got `fr`", USAGE),
        (["history", "nope"], "geen traject `nope` in de opslag", REFUSED),
        (["fire", "nope", "register"], "geen traject `nope` in de opslag", REFUSED),
        (["erase-participant", "nope", "Anna"], "geen traject `nope` in de opslag", REFUSED),
        (["list", "--state", "granted_"], "--state: onbekende toestand `granted_`", USAGE),
        (["list", "--state", "x", "--lang", "en"], "--state: unknown state `x`", USAGE),
        (["list", "--school-year", "next year"], "school_year", USAGE),
        (["list", "--offer", "lezen"], "unknown offer 'lezen'", USAGE),
        (["list", "--board", " "], "--board mag niet leeg zijn", USAGE),
        (["list", "--board", " ", "--lang", "en"], "--board must not be blank", USAGE),
        (["list", "--db", "ftp://example/db"], "expected memory://, sqlite:///file.db", USAGE),
    ],
)
def test_bad_input_is_one_line(
    arguments: list[str], message: str, code: int, database: Path
) -> None:
    """Bad input gives one line on stderr that says what is wrong, in Dutch unless
    --lang en; exit code 2 for input that does not fit, 1 for what the store refuses."""
    make_store(database)
    assert message in error(*arguments, code=code)


@pytest.fixture
def created() -> str:
    """A new leertraject in the default store; its id."""
    return run(*NEW).strip()


@pytest.mark.parametrize(
    ("arguments", "message", "code"),
    [
        (["regster"], "onbekende gebeurtenis `regster`; bedoelt u `register`?", USAGE),
        (["regster", "--lang", "en"], "unknown event `regster`; did you mean `register`?", USAGE),
        (["register", "--lang", "de"], "--lang must be nl or en", USAGE),
        (
            ["register"],
            "‘aanmelden’ kan niet in de fase ‘aanvraag oriënterend gesprek’",
            REFUSED,
        ),
        (
            ["register", "--lang", "en"],
            "‘register’ cannot be taken in the state ‘orientation requested’",
            REFUSED,
        ),
        (["hold_orientation", "-d", "date=2024-13-01"], "month must be in 1..12", USAGE),
        (["record_talk", "-d", "kind=exploratory_talk", "-d", "date=soon"], "$.date", USAGE),
        (
            ["record_talk", "-d", "kind=chat", "-d", "date=2024-04-01"],
            "'chat' is not a valid",
            USAGE,
        ),
        (["record_talk", "-d", "knd=chat"], "'record_talk' takes no field 'knd'", USAGE),
        (["record_talk", "-d", "kind"], "--data verwacht `sleutel=waarde`, niet `kind`", USAGE),
        (
            ["record_talk", "-d", "kind", "--lang", "en"],
            "--data takes `key=value`, got `kind`",
            USAGE,
        ),
        (["record_talk", "-d", "kind=a", "-d", "kind=b"], "--data geeft `kind` twee keer", USAGE),
        (["record_talk", "-d", "kind=exploratory_talk"], "$.date: required field missing", USAGE),
        (
            ["record_talk", "--json-file", "missing.json"],
            "--json-file: kan `missing.json` niet",
            USAGE,
        ),
        (["register", "--at", "2024-03-01"], "ligt vóór de laatste gebeurtenis", REFUSED),
        (["register", "--at", "2024-03-01", "--lang", "en"], "lies before the last event", REFUSED),
    ],
)
def test_bad_fire_input_is_one_line(
    created: str, arguments: list[str], message: str, code: int
) -> None:
    """A mistyped event, a bad payload value, an unknown field or a bad option (exit
    code 2), or an event the rules refuse now (exit code 1): one line on stderr, in
    the language of --lang, and the trajectory is unchanged."""
    assert message in error("fire", created, *arguments, code=code)
    assert 1 == json.loads(run("show", created, "--json"))["version"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is no JSON"),
        ("[1, 2]", "must hold a JSON object, got a JSON array"),
        ('{"kind": "exploratory_talk", "date": 20240401}', "$.date: expected a date"),
        ('{"kind": "exploratory_talk", "kind": "x", "date": "2024-04-01"}', "'kind' appears twice"),
        ('{"kind": "exploratory_talk", "date": NaN}', "NaN is no JSON number"),
        ('{"kind": "exploratory_talk", "date": Infinity}', "Infinity is no JSON number"),
        ('{"kind": ' + "[" * 100_000 + "]" * 100_000 + "}", "is nested too deeply"),
    ],
)
def test_a_bad_json_file_is_one_line(
    created: str, tmp_path: Path, content: str, message: str
) -> None:
    """A payload file that is no JSON object, is no strict JSON (a key twice, NaN),
    is nested deeper than the reader goes, or holds a bad value, is one line."""
    path = tmp_path / "payload.json"
    path.write_text(content, encoding="utf-8")
    arguments = ("fire", created, "record_talk", "--json-file", str(path), "--lang", "en")
    assert message in error(*arguments)


def test_data_and_json_file_together_are_refused(created: str, tmp_path: Path) -> None:
    """The payload comes from one place."""
    path = tmp_path / "payload.json"
    path.write_text("{}", encoding="utf-8")
    line = error("fire", created, "register", "-d", "a=1", "--json-file", str(path))
    assert "niet met allebei" in line


def test_erasing_someone_who_is_no_participant_is_one_line(created: str) -> None:
    """A name that no event gives is refused."""
    assert "'Nobody' is no participant" in error("erase-participant", created, "Nobody")


# -- a store that is not there ----------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ["list"],
        ["list", "--blocked"],
        ["show", "abc"],
        ["history", "abc"],
        ["fire", "abc", "register"],
        ["erase-participant", "abc", "Anna"],
        ["diagram", "--counts-from-db"],
    ],
    ids=lambda arguments: " ".join(arguments),
)
def test_a_command_on_a_mistyped_db_creates_nothing(arguments: list[str], tmp_path: Path) -> None:
    """Every command but new and demo opens an existing store only: on a path where
    there is none it exits 1 with one line naming the path, and creates no folder and
    no file."""
    missing = tmp_path / "nonexistent" / "x.db"
    line = refused(*arguments, "--db", str(missing), "--lang", "en")
    assert f"error: no store at {missing}: the file does not exist" == line
    assert [] == list(tmp_path.iterdir())


def test_the_default_store_is_not_created_by_reading_it(database: Path) -> None:
    """Without --db, `list` on a default store that does not exist yet is refused,
    and leaves no file behind."""
    assert "no store at" in refused("list")
    assert not database.exists()
    assert [] == list(database.parent.iterdir())


def test_new_creates_the_store_and_its_folders(tmp_path: Path) -> None:
    """`new` starts the store where there is none yet, folders included."""
    path = tmp_path / "a" / "b" / "x.db"
    trajectory_id = run(*NEW_SCHOOL, "--db", str(path)).strip()
    assert [trajectory_id] == [
        row["id"] for row in json.loads(run("list", "--db", str(path), "--json"))
    ]


# -- what show and list show ------------------------------------------------------------


def _written(amount: Decimal) -> str:
    """An amount as the command line writes it: 180, 3.5."""
    return format(amount.normalize(), "f")


def test_show_gives_the_school_participants_and_hours(walked: Walker, database: Path) -> None:
    """show names the school, and each participant with role, planned and logged
    hours, and the hours together against the minimum; --json gives the same."""
    trajectory_id = new_school(walked)
    history = walked.trajectory.history
    upto = [i for i, e in enumerate(history) if e.name == "log_hours"][2] + 1
    for event in history[1:upto]:
        fire(trajectory_id, event)
    with open_store(f"sqlite:///{database}") as store:
        data = store.load(trajectory_id).data
    assert data.participants
    assert data.hours

    def logged(name: str) -> Decimal:
        return sum((h.hours for h in data.hours if h.participant == name), Decimal(0))

    shown = json.loads(run("show", trajectory_id, "--json"))
    assert data.school.name == shown["name"]
    assert [
        {
            "name": person.name,
            "role": person.role.value,
            "planned_hours": str(person.planned_hours),
            "logged_hours": str(logged(person.name)),
        }
        for person in data.participants
    ] == shown["participants"]
    assert {
        "planned": str(data.planned_hours),
        "logged": str(data.logged_hours),
        "minimum": str(data.rules.minimum_hours),
    } == shown["hours"]
    text = run("show", trajectory_id).splitlines()
    assert f"name        {data.school.name}" in text
    assert (
        f"hours       {_written(data.planned_hours)} planned, {_written(data.logged_hours)} "
        f"logged (at least {_written(Decimal(data.rules.minimum_hours))} needed)"
    ) in text
    for person in data.participants:
        pattern = (
            rf"  {re.escape(person.name)} +{person.role.value} +"
            rf"{_written(person.planned_hours)} planned +{_written(logged(person.name))} logged"
        )
        assert 1 == sum(1 for line in text if re.fullmatch(pattern, line)), pattern


def test_list_gives_the_school_name(walked: Walker) -> None:
    """list shows each trajectory's school name, as text and as JSON."""
    trajectory_id = new_school(walked)
    (row,) = json.loads(run("list", "--json"))
    assert (trajectory_id, walked.data.school.name) == (row["id"], row["name"])
    assert walked.data.school.name in run("list")


# -- times in Dutch time ----------------------------------------------------------------


def test_every_command_shows_times_in_dutch_time() -> None:
    """A moment given in UTC is shown in Dutch time (summer: +02:00) by show, history
    and list, as text and as JSON."""
    trajectory_id = run(*NEW_SCHOOL, "--at", "2024-10-01T12:00+00:00").strip()
    assert "   1  2024-10-01 14:00  created" in run("show", trajectory_id)
    assert "   1  2024-10-01 14:00  created" in run("history", trajectory_id)
    assert "2024-10-01 14:00" in run("list")
    shown = json.loads(run("show", trajectory_id, "--json"))
    assert "2024-10-01T14:00:00+02:00" == shown["timeline"][0]["timestamp"]
    history = json.loads(run("history", trajectory_id, "--json"))
    assert "2024-10-01T14:00:00+02:00" == history[0]["timestamp"]
    (row,) = json.loads(run("list", "--json"))
    assert row["updated_at"].endswith("+02:00")


def test_a_moment_in_winter_is_shown_with_the_winter_offset() -> None:
    """In winter Dutch time is UTC+1."""
    trajectory_id = run(*NEW_SCHOOL, "--at", "2024-12-01T12:00Z").strip()
    assert (
        "2024-12-01T13:00:00+01:00"
        == json.loads(run("history", trajectory_id, "--json"))[0]["timestamp"]
    )


# -- payloads: --json-file strictly, --data leniently -----------------------------------


def test_json_file_is_read_by_the_strict_reader_and_data_by_the_lenient_one(
    created: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--json-file goes through load_payload (JSON: strict), --data through
    parse_payload (text from the command line: lenient)."""
    import trajectory.cli._trajectories as commands

    calls: list[str] = []
    strict, lenient = commands.load_payload, commands.parse_payload

    def spy_strict(*arguments: object) -> object:
        calls.append("load_payload")
        return strict(*arguments)  # type: ignore[arg-type]

    def spy_lenient(*arguments: object) -> object:
        calls.append("parse_payload")
        return lenient(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(commands, "load_payload", spy_strict)
    monkeypatch.setattr(commands, "parse_payload", spy_lenient)
    path = tmp_path / "talk.json"
    path.write_text('{"kind": "exploratory_talk", "date": "2024-04-01"}', encoding="utf-8")
    run("fire", created, "record_talk", "--json-file", str(path), "--at", "2024-04-02")
    run("fire", created, "record_talk", "-d", "kind=exploratory_talk", "-d", "date=2024-04-02")
    assert ["load_payload", "parse_payload"] == calls


def test_a_json_null_is_refused_where_text_typed_on_the_command_line_is_taken(
    created: str, tmp_path: Path
) -> None:
    """JSON's null is no text: refused from --json-file; on the command line the same
    word is text, taken as it is typed."""
    payload = {
        "date": "2024-04-02",
        "learning_question": None,
        "conclusion": "positive",
        "report": "Past.",
    }
    path = tmp_path / "orientation.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    arguments = ("fire", created, "hold_orientation", "--at", "2024-04-02", "--lang", "en")
    assert "$.learning_question" in error(*arguments, "--json-file", str(path))
    options = [f"{key}={'null' if value is None else value}" for key, value in payload.items()]
    run(*arguments, *(part for option in options for part in ("-d", option)))
    (orientation,) = json.loads(run("history", created, "--json"))[1:]
    assert "null" == orientation["payload"]["learning_question"]


def test_deeply_nested_data_is_one_line(created: str) -> None:
    """A --data value nested thousands of levels deep: one line, exit code 2, no
    traceback."""
    nested = "[" * 20_000 + "]" * 20_000
    line = error("fire", created, "form_core_group", "-d", f"members={nested}")
    assert "members" in line


# -- the end of time --------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59", "9999-12-31", "9999-12-31T23:59-05:00", "0001-01-01T00:00+05:00"]
)
def test_a_moment_at_the_end_of_time_is_one_line(created: str, moment: str) -> None:
    """--at at the very end (or start) of time: refused with one line, exit code 2,
    and nothing changed; never a traceback."""
    line = error("fire", created, "register", "--at", moment, "--lang", "en")
    assert "9999" in line or "0001" in line or "--at" in line
    assert 1 == json.loads(run("show", created, "--json"))["version"]


CATALOG_2025 = """
[[offers]]
id = "leven-lang-lezen"
title = "Een leven lang lezen"
expert_school = "OBS Het Klokhuis"
place = "Beek en Donk"
school_years = ["2024-2025", "2025-2026"]
summary = "Leesmotivatie."
"""


def test_new_starts_a_trajectory_from_a_catalog_of_ones_own(tmp_path: Path) -> None:
    """The shipped catalog offers 2024-2025 only (a submission for a later year is
    refused with offer.unavailable): --catalog names a file with the offers of a later
    year, the trajectory keeps that offer, and `catalog --catalog` lists them."""
    later = _with(list(NEW_SCHOOL), "--school-year", "2025-2026")
    shipped = json.loads(run("show", json.loads(run(*later, "--json"))["id"], "--json"))
    assert ["2024-2025"] == shipped["data"]["offer"]["school_years"]
    path = tmp_path / "catalog.toml"
    path.write_text(CATALOG_2025, encoding="utf-8")
    created = json.loads(run(*later, "--catalog", str(path), "--json"))
    shown = json.loads(run("show", created["id"], "--json"))
    assert "2025-2026" == shown["data"]["school_year"]
    assert ["2024-2025", "2025-2026"] == sorted(shown["data"]["offer"]["school_years"])
    listed = json.loads(
        run("catalog", "--catalog", str(path), "--school-year", "2025-2026", "--json")
    )
    assert ["leven-lang-lezen"] == [offer["id"] for offer in listed]
    assert [] == json.loads(run("catalog", "--school-year", "2025-2026", "--json"))


def test_new_refuses_a_catalog_file_that_is_missing_or_wrong(tmp_path: Path) -> None:
    """A missing catalog file, or one that is no catalog, is a one-line usage error."""
    assert "missing.toml" in error(*NEW_SCHOOL, "--catalog", str(tmp_path / "missing.toml"))
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[[offers]]\nid = "x"\n', encoding="utf-8")
    assert "title" in error(*NEW_SCHOOL, "--catalog", str(wrong))
