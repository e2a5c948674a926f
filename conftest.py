"""Collection settings and fixtures for the whole repository (tests, doctests, docs)."""

from collections.abc import Iterator

import pytest
import structlog

# Importing __main__ would run the command line.
collect_ignore = ["trajectory/__main__.py"]


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    """Examples configure structlog as a host application would; undo it after each."""
    yield
    structlog.reset_defaults()
