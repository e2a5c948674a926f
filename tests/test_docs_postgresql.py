"""What docs/how-to/postgresql.md says of PostgreSQL, tried on a server.

The page's SQL is run as it is written: the ``GRANT`` statements give an application's
user what the store needs after its owner created the tables; and the outbox holds
back, without any lock, the entries committed after a transaction that is still
open. The server is the one of ``TRAJECTORY_TEST_POSTGRES_URL`` (skipped when unset);
each test works in new schemas and with a new role, dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

import trajectory
from tests.test_docs_code_blocks import ROOT, blocks, postgres_server_url, with_search_path
from trajectory import StoreError

PAGE: Final = ROOT / "docs" / "how-to" / "postgresql.md"
CLOCK_START: Final = dt.datetime(2024, 5, 2, 10, 0, tzinfo=dt.UTC)


def _sql_block(page: Path, containing: str) -> str:
    """The page's one ```sql block that contains ``containing``."""
    found = [b.code for b in blocks(page) if b.lang == "sql" and containing in b.code]
    assert 1 == len(found), f"{page.name}: expected one sql block with {containing!r}"
    return found[0]


@pytest.fixture(scope="module")
def postgres_server() -> str:
    """The PostgreSQL server of ``TRAJECTORY_TEST_POSTGRES_URL`` (skipped when unset)."""
    return postgres_server_url()


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5)


@pytest.fixture
def schemas(postgres_server: str) -> Iterator[list[str]]:
    """A list to add new schemas to (``_schema``); all are dropped afterwards."""
    from psycopg import sql

    made: list[str] = []
    yield made
    with _admin(postgres_server) as conn:
        conn.execute("SET lock_timeout = '10s'")
        for schema in made:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def _schema(server: str, made: list[str]) -> str:
    from psycopg import sql

    schema = f"docs_{uuid.uuid4().hex[:16]}"
    with _admin(server) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    made.append(schema)
    return schema


@pytest.fixture
def role(postgres_server: str, schemas: list[str]) -> Iterator[str]:
    """A new role that may not log in (the tests' user takes it with ``SET ROLE``),
    dropped with its privileges afterwards (after the schemas: fixtures end in
    reverse order)."""
    from psycopg import sql

    name = f"docs_app_{uuid.uuid4().hex[:12]}"
    with _admin(postgres_server) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _admin(postgres_server) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def _leertraject(name: str) -> trajectory.Trajectory[Any]:
    """A registered leertraject with one participant, ``name``."""
    school = trajectory.School(
        name="OBS De Linde", sector="po", board="Stichting Primair", brin="12AB00"
    )
    clock = trajectory.ManualClock(CLOCK_START)
    t = trajectory.new_trajectory(
        school=school, offer="leven-lang-lezen", school_year="2024-2025", clock=clock
    )
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 30),
        learning_question="Reading?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")
    t.fire("add_participant", name=name, role="teacher", planned_hours=180)
    return t


def test_the_pages_grants_let_the_application_use_the_store(
    postgres_server: str, schemas: list[str], role: str
) -> None:
    """After the owner opened the store once, the page's GRANT statements (for the
    schema ``trajectory`` and the user ``app``, here a new schema and role) are all
    the application's user needs: it opens the store and saves, loads, lists, reads
    the outbox and erases a participant. It cannot create the tables itself."""
    schema = _schema(postgres_server, schemas)
    owner = with_search_path(postgres_server, schema)
    trajectory.open_store(owner).close()
    grants = _sql_block(PAGE, "GRANT")
    grants = re.sub(r"\bSCHEMA trajectory\b", f'SCHEMA "{schema}"', grants)
    grants = re.sub(r"\bTO app\b", f'TO "{role}"', grants)
    with _admin(owner) as conn:
        for statement in filter(str.strip, grants.split(";")):
            conn.execute(statement)

    app = with_search_path(postgres_server, schema, role=role)
    t = _leertraject("Anna de Vries")
    with trajectory.open_store(app) as store:
        store.save(t)
        t.fire("add_participant", name="Bram Jansen", role="teacher", planned_hours=160)
        store.save(t)
        assert t == store.load(t.id)
        assert [t.id] == [summary.id for summary in store.list()]
        assert [t.id] == [blocked.id for blocked in store.blocked()]
        assert 5 == len(store.read_outbox())
        store.erase_participant(t.id, "Anna de Vries")
        assert "Anna de Vries" not in str(store.load(t.id).data)

    empty = with_search_path(postgres_server, _schema(postgres_server, schemas), role=role)
    with _admin(postgres_server) as conn:
        conn.execute(f'GRANT USAGE ON SCHEMA "{schemas[-1]}" TO "{role}"')
    with pytest.raises(StoreError):
        trajectory.open_store(empty)


def test_a_long_transaction_holds_the_outbox_back_but_no_save(
    postgres_server: str, schemas: list[str]
) -> None:
    """As the page says: saves take no lock, so a save commits while an older
    transaction is open; read_outbox() gives its entries only once that transaction
    has ended (it waits for it a moment, then returns the entries below it), and
    the positions of the later read follow those of the earlier one."""
    schema = _schema(postgres_server, schemas)
    url = with_search_path(postgres_server, schema)
    with trajectory.open_store(url) as store:
        first = _leertraject("Anna de Vries")
        store.save(first)
        before = store.read_outbox(limit=1000)
        with _admin(url) as holder, holder.transaction():
            holder.execute("SELECT pg_current_xact_id()")  # an open transaction with an id
            later = _leertraject("Bram Jansen")
            store.save(later)
            held_back = store.read_outbox(after=before[-1].position, limit=1000)
        after = store.read_outbox(after=before[-1].position, limit=1000)
    assert [] == held_back
    assert [(later.id, n) for n in range(1, 5)] == [(e.trajectory_id, e.sequence) for e in after]
    assert before[-1].position < after[0].position
