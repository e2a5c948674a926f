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


@pytest.mark.parametrize("url", [Path("t.db"), 42, b"memory://"])
def test_a_url_that_is_not_text_raises_invalid_data(url: Any) -> None:
    """The URL must be a string."""
    with pytest.raises(InvalidData):
        open_store(url)


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
