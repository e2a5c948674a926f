"""A fresh store per test for each backend: memory, SQLite and PostgreSQL.

PostgreSQL runs when ``TRAJECTORY_TEST_POSTGRES_URL`` names a server, or a local one
answers at the default URL (the repository's conftest.py sets the variable then).
Each test gets its own schema (``CREATE SCHEMA t_<random>``), reached by setting the
connection's ``search_path`` in the URL, and dropped afterwards; so tests never see
each other's tables, nor those of anyone sharing the database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest

#: The environment variable naming the PostgreSQL server for the store tests.
POSTGRES_URL_ENV: Final = "TRAJECTORY_TEST_POSTGRES_URL"

POSTGRES_SKIP_REASON: Final = (
    "no PostgreSQL server at postgresql://postgres@127.0.0.1:5432/test; set "
    "TRAJECTORY_TEST_POSTGRES_URL to another to run the PostgreSQL store tests (README)"
)


def with_search_path(url: str, schema: str) -> str:
    """``url`` with the connection option that makes ``schema`` the search path."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    option = f"-csearch_path={schema}"
    query["options"] = f"{query['options']} {option}" if query.get("options") else option
    return parts._replace(query=urlencode(query, quote_via=quote)).geturl()


def shown(url: str) -> str:
    """``url`` without its password, to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5)


@pytest.fixture
def memory_url() -> str:
    """A store in this process's memory (every open_store gives a new, empty one)."""
    return "memory://"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file for this test."""
    return f"sqlite:///{tmp_path / 't.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server's URL: skip when none is configured, fail when it is
    configured but does not answer (a CI without its database must not pass)."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        pytest.skip(POSTGRES_SKIP_REASON)
    try:
        import psycopg
    except ImportError as err:  # pragma: no cover - psycopg is a dev dependency
        pytest.fail(f"{POSTGRES_URL_ENV} is set but psycopg is missing: {err}", pytrace=False)
    try:
        _admin(url).close()
    except psycopg.Error as err:
        pytest.fail(
            f"PostgreSQL is not reachable at {shown(url)} (from {POSTGRES_URL_ENV}): {err}",
            pytrace=False,
        )
    return url


@pytest.fixture
def postgres_schema(postgres_server: str) -> Iterator[str]:
    """A new, empty schema for this test, dropped with everything in it afterwards."""
    from psycopg import sql

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with _admin(postgres_server) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with _admin(postgres_server) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def postgres_url(postgres_server: str, postgres_schema: str) -> str:
    """A store URL whose connections use this test's own schema."""
    return with_search_path(postgres_server, postgres_schema)
