"""open_store and default_store_url: which store a URL opens, and how."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
import pytest

from tests.builders import new
from tests.store.reliability_helpers import open_at_once
from trajectory import InvalidData, StoreError, open_store
from trajectory.store import DEFAULT_DB_ENV, MemoryStore, default_store_url
from trajectory.store.sql import SqlStore


def pragma(store: Any, name: str) -> Any:
    assert isinstance(store, SqlStore)
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_memory_url_opens_a_memory_store() -> None:
    """memory:// is a MemoryStore, empty."""
    with open_store("memory://") as store:
        assert isinstance(store, MemoryStore)
        assert [] == store.list()


def test_sqlite_url_opens_a_durable_sqlite_store(tmp_path: Path) -> None:
    """sqlite:///file.db creates the file (and its folders): WAL, synchronous=FULL."""
    path = tmp_path / "nested" / "folder" / "t.db"
    with open_store(f"sqlite:///{path}") as store:
        assert isinstance(store, SqlStore)
        store.save(new())
        assert 2 == pragma(store, "synchronous")  # FULL
        assert "wal" == pragma(store, "journal_mode")
        assert 60_000 == pragma(store, "busy_timeout")
        assert 1 == pragma(store, "foreign_keys")
    assert path.is_file()


def test_sqlite_options_are_applied(tmp_path: Path) -> None:
    """?synchronous=normal and ?busy_timeout=… reach every connection."""
    url = f"sqlite:///{tmp_path / 't.db'}?synchronous=normal&busy_timeout=1234"
    with open_store(url) as store:
        assert 1 == pragma(store, "synchronous")  # NORMAL
        assert 1234 == pragma(store, "busy_timeout")
        t = new()
        store.save(t)
        assert t == store.load(t.id)


def test_sqlite_option_values_ignore_case(tmp_path: Path) -> None:
    """synchronous=FULL is the same as full."""
    with open_store(f"sqlite:///{tmp_path / 't.db'}?synchronous=FULL") as store:
        assert 2 == pragma(store, "synchronous")


@pytest.mark.parametrize(
    "query",
    ["synchronous=off", "journal_mode=delete", "busy_timeout=soon", "synchronous=normal&x=1"],
)
def test_bad_sqlite_options_raise_invalid_data(tmp_path: Path, query: str) -> None:
    """An unknown option or a bad value is InvalidData, and no file is made."""
    path = tmp_path / "t.db"
    with pytest.raises(InvalidData):
        open_store(f"sqlite:///{path}?{query}")
    assert not path.exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_sqlite_without_a_file_raises_invalid_data(url: str) -> None:
    """The SQLite store is a file; an in-memory SQLite database is refused."""
    with pytest.raises(InvalidData):
        open_store(url)


@pytest.mark.parametrize("url", ["mysql://user@host/db", "http://example.org/store", "", "  "])
def test_an_unknown_scheme_raises_invalid_data(url: str) -> None:
    """Only memory://, sqlite:/// and postgresql:// (or a plain file path) are stores."""
    with pytest.raises(InvalidData):
        open_store(url)


def test_a_plain_path_is_an_sqlite_file(tmp_path: Path) -> None:
    """A path without a scheme opens (and creates) an SQLite file there."""
    path = tmp_path / "plain.db"
    with open_store(str(path)) as store:
        assert [] == store.list()
    assert path.exists()


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "url",
    [Path("t.db"), 42, b"memory://", 10**5000, _nested(100_000)],
    ids=["path", "int", "bytes", "huge int", "deep list"],
)
def test_a_url_that_is_not_text_raises_invalid_data(url: Any) -> None:
    """The URL must be a string; what arrives instead is named in the message, however
    big or deep it is."""
    with pytest.raises(InvalidData) as caught:
        open_store(url)
    assert len(str(caught.value)) < 1000


def test_a_store_needs_a_lifecycle() -> None:
    """An empty list of lifecycles is InvalidData."""
    with pytest.raises(InvalidData):
        open_store("memory://", lifecycles=[])


def test_an_unreachable_postgresql_server_raises_store_error() -> None:
    """The driver's error does not escape raw: it is a StoreError with it as the cause."""
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")
    assert caught.value.__cause__ is not None


def test_default_store_url_takes_a_path_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """TRAJECTORY_DB as a file path means that SQLite file."""
    monkeypatch.setenv(DEFAULT_DB_ENV, str(tmp_path / "mine.db"))
    assert f"sqlite:///{tmp_path / 'mine.db'}" == default_store_url()


def test_default_store_url_resolves_a_relative_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A relative TRAJECTORY_DB is taken from the current directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(DEFAULT_DB_ENV, "data/mine.db")
    assert f"sqlite:///{tmp_path.resolve() / 'data' / 'mine.db'}" == default_store_url()


@pytest.mark.parametrize("url", ["memory://", "postgresql://app@db.example.org:5432/trajectories"])
def test_default_store_url_takes_a_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """TRAJECTORY_DB as a URL is used as it is."""
    monkeypatch.setenv(DEFAULT_DB_ENV, url)
    assert url == default_store_url()


@pytest.mark.parametrize("unset", [None, "", "   "])
def test_default_store_url_without_the_environment_is_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, unset: str | None
) -> None:
    """Unset (or blank), the default is trajectory.db in the user's data directory."""
    if unset is None:
        monkeypatch.delenv(DEFAULT_DB_ENV, raising=False)
    else:
        monkeypatch.setenv(DEFAULT_DB_ENV, unset)
    url = default_store_url()
    folder = Path(platformdirs.user_data_dir("trajectory", appauthor=False))
    assert f"sqlite:///{folder / 'trajectory.db'}" == url
    assert url.endswith("trajectory.db")


def test_open_store_without_a_url_opens_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """open_store() opens the store that default_store_url names."""
    path = tmp_path / "default.db"
    monkeypatch.setenv(DEFAULT_DB_ENV, str(path))
    t = new()
    with open_store() as store:
        store.save(t)
    with open_store(f"sqlite:///{path}") as store:
        assert t == store.load(t.id)


def test_many_stores_opening_a_new_sqlite_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Four stores opening the same new SQLite file at the same moment all succeed, in
    every one of many rounds: switching a new database to WAL can find it locked, and
    that is waited out, not reported."""
    failures = [
        failure
        for round_number in range(40)
        for failure in open_at_once(f"sqlite:///{tmp_path / f'new-{round_number}.db'}")
    ]
    assert [] == failures


# -- bad URLs, OS errors and wrong types ------------------------------------------------


def _everything_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://[::1/x.db",
        "postgresql://[::1",
        "postgresql://user@host:99999/db",
        "sqlite:///x\x00.db",
        "\x00",
        "x\x00.db",
        "sqlite:///x%00.db",
        "sqlite:///\ud800.db",
        "\ud800.db",
        "sqlite://host/x.db",
        "sqlite://localhost/x.db",
        "memory://x",
        "memory://?a=1",
    ],
)
def test_a_url_that_names_no_store_raises_invalid_data_and_creates_nothing(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed URL (an unclosed IPv6 host, a port out of range), a NUL or a lone
    surrogate, a host in an SQLite URL, or anything after memory:// is InvalidData,
    and nothing is created in the current directory."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidData):
        open_store(url)
    assert [] == _everything_under(tmp_path)


def test_an_sqlite_url_with_a_host_says_which_forms_are_meant() -> None:
    """sqlite://host/x.db used to write ./x.db; the refusal names the two forms."""
    with pytest.raises(InvalidData) as caught:
        open_store("sqlite://host/x.db")
    assert "sqlite:///relative/path.db or sqlite:////absolute/path.db" in str(caught.value)


def test_three_slashes_name_a_relative_path_and_four_an_absolute_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sqlite:///x.db is x.db in the current directory; sqlite:////abs/x.db is /abs/x.db."""
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///here/x.db") as store:
        store.save(new())
    assert (tmp_path / "here" / "x.db").is_file()
    absolute = tmp_path / "there" / "y.db"
    assert str(absolute).startswith("/")
    with open_store(f"sqlite:///{absolute}") as store:
        assert [] == store.list()
    assert absolute.is_file()


def test_a_plain_path_is_taken_as_it_is_written(tmp_path: Path) -> None:
    """A path holding ?, # and % names that very file (it is not read as a URL)."""
    path = tmp_path / "a?b #c%20.db"
    with open_store(str(path)) as store:
        store.save(new())
    assert ["a?b #c%20.db"] == [p.name for p in tmp_path.glob("*.db")]


def test_a_percent_escape_in_an_sqlite_url_is_decoded(tmp_path: Path) -> None:
    """sqlite:////…/my%20store.db is the file 'my store.db', as in SQLAlchemy."""
    with open_store(f"sqlite:///{tmp_path}/my%20store.db"):
        pass
    assert (tmp_path / "my store.db").is_file()


def test_a_folder_that_cannot_be_made_raises_store_error_with_the_cause(tmp_path: Path) -> None:
    """A file where a folder should be: StoreError, the OSError as its cause."""
    (tmp_path / "plain-file").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{tmp_path / 'plain-file' / 'sub' / 'x.db'}")
    assert isinstance(caught.value.__cause__, OSError)
    assert "plain-file" in str(caught.value)


def test_a_folder_as_the_database_raises_store_error(tmp_path: Path) -> None:
    """SQLite cannot open a folder as a database: StoreError with the driver's error."""
    with pytest.raises(StoreError) as caught:
        open_store(str(tmp_path))
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"migrate": "yes"}, "migrate"),
        ({"create": None}, "create"),
        ({"create": 0}, "create"),
        ({"clock": 5}, "clock"),
        ({"lifecycles": 5}, "lifecycles"),
        ({"lifecycles": "leertraject"}, "lifecycles"),
        ({"lifecycles": ["leertraject"]}, "lifecycles"),
    ],
)
def test_wrong_typed_arguments_raise_invalid_data(arguments: dict[str, Any], field: str) -> None:
    """Each argument of the wrong type is InvalidData naming it, not a raw TypeError."""
    with pytest.raises(InvalidData) as caught:
        open_store("memory://", **arguments)
    assert field == caught.value.field


def test_a_path_that_is_no_text_in_the_environment_raises_invalid_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TRAJECTORY_DB naming a file in bytes that are no UTF-8 (SQLite takes UTF-8 names
    only) is InvalidData naming the variable."""
    monkeypatch.setenv(DEFAULT_DB_ENV, "x\udcff.db")  # the byte 0xff
    with pytest.raises(InvalidData) as caught:
        default_store_url()
    assert DEFAULT_DB_ENV == caught.value.field


# -- create=False: an existing store only -----------------------------------------------


@pytest.mark.parametrize("form", ["url", "path"])
def test_without_create_a_missing_file_is_refused_and_nothing_is_made(
    tmp_path: Path, form: str
) -> None:
    """create=False on a path that does not exist: StoreError, and neither the file nor
    its folders are created."""
    path = tmp_path / "missing" / "folder" / "x.db"
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{path}" if form == "url" else str(path), create=False)
    assert "does not exist" in str(caught.value)
    assert [] == _everything_under(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "holds no trajectory tables"), (b"not a database at all " * 100, "no store at")],
)
def test_without_create_a_file_that_is_no_store_is_refused_and_left_as_it_is(
    tmp_path: Path, content: bytes, message: str
) -> None:
    """An empty file or a file that is no SQLite database is refused; it is not changed
    and no -wal or -shm file appears."""
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        open_store(str(path), create=False)
    assert message in str(caught.value)
    assert content == path.read_bytes()
    assert ["x.db"] == _everything_under(tmp_path)


def test_without_create_an_sqlite_database_of_another_program_gets_no_tables(
    tmp_path: Path,
) -> None:
    """An SQLite database without the store's tables is refused and stays as it was."""
    import sqlite3

    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    with pytest.raises(StoreError):
        open_store(str(path), create=False)
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()
    assert ["notes"] == tables


def test_without_create_an_existing_store_opens(tmp_path: Path) -> None:
    """create=False opens a store that is there, for reading and writing."""
    path = tmp_path / "x.db"
    t = new()
    with open_store(str(path)) as store:
        store.save(t)
    with open_store(f"sqlite:///{path}", create=False) as store:
        assert t == store.load(t.id)
        store.save(new())
        assert 2 == len(store.list())


def test_without_create_a_memory_store_opens_empty() -> None:
    """memory:// has nothing to create: it opens, new and empty, with create=False."""
    with open_store("memory://", create=False) as store:
        assert [] == store.list()


def test_without_create_an_empty_postgresql_schema_is_refused(postgres_url: str) -> None:
    """create=False on a PostgreSQL database without the tables: StoreError, and no
    table is created; once created, the store opens."""
    with pytest.raises(StoreError) as caught:
        open_store(postgres_url, create=False)
    assert "holds no trajectory tables" in str(caught.value)
    with pytest.raises(StoreError):  # the refusal created no table
        open_store(postgres_url, create=False)
    with open_store(postgres_url) as made:
        made.save(new())
    with open_store(postgres_url, create=False) as store:
        assert 1 == len(store.list())


@pytest.mark.parametrize("create", [True, False])
def test_a_name_too_long_for_the_file_system_raises_store_error(
    create: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name longer than the file system takes: StoreError with the OS's (or
    SQLite's) error as its cause, with or without create, and nothing is made."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store("x" * 5000, create=create)
    assert caught.value.__cause__ is not None
    assert [] == _everything_under(tmp_path)
