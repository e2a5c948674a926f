"""Fixtures shared by the tests of several modules."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default store is a file in the test's own folder (``$TRAJECTORY_DB``)."""
    path = tmp_path / "default.db"
    monkeypatch.setenv("TRAJECTORY_DB", str(path))
    return path
