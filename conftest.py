"""Collection settings and fixtures for the whole repository (tests, doctests, docs)."""

import os
from collections.abc import Iterator

import pytest
import structlog
from hypothesis import settings

# Importing __main__ would run the command line.
collect_ignore = ["trajectory/__main__.py"]

# No deadlines: a busy machine must not fail an example for being slow. In CI, the
# examples are derandomized, so a run is repeatable; locally they keep exploring.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "default")


#: The PostgreSQL server the store tests use, unless TRAJECTORY_TEST_POSTGRES_URL names one.
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pytest_configure(config: pytest.Config) -> None:
    """Without ``TRAJECTORY_TEST_POSTGRES_URL``, the PostgreSQL tests use a local server
    at :data:`DEFAULT_POSTGRES_URL` when one answers there (README: "The tests of the
    PostgreSQL store"); where none answers they are skipped, saying so."""
    if os.environ.get("TRAJECTORY_TEST_POSTGRES_URL", "").strip():
        return
    try:
        import psycopg

        psycopg.connect(DEFAULT_POSTGRES_URL, connect_timeout=3).close()
    except Exception:  # any failure means: no server there
        return
    os.environ["TRAJECTORY_TEST_POSTGRES_URL"] = DEFAULT_POSTGRES_URL


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    """Examples configure structlog as a host application would; undo it after each."""
    yield
    structlog.reset_defaults()
