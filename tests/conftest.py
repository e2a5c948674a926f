"""Fixtures shared by the tests of several modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default store is a file in the test's own folder (``$TRAJECTORY_DB``)."""
    path = tmp_path / "default.db"
    monkeypatch.setenv("TRAJECTORY_DB", str(path))
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store: an SQLite file, or a PostgreSQL schema of its own on
    the server in ``TRAJECTORY_TEST_POSTGRES_URL`` (skipped when that is unset)."""
    from tests.store.reliability_helpers import backend

    with backend(request.param, tmp_path) as url:
        yield url
