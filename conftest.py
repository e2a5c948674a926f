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


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    """Examples configure structlog as a host application would; undo it after each."""
    yield
    structlog.reset_defaults()
