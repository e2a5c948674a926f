"""The SQL schema migrations, on SQLite and (schema-isolated) PostgreSQL."""

from __future__ import annotations

import contextlib
import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.builders import at_state
from tests.store.reliability_helpers import open_at_once
from trajectory import InvalidData, open_store
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE
from trajectory.store.sql import MIGRATIONS, SqlStore, migrate, schema_table, schema_version

TABLES = {
    "trajectories",
    "trajectory_events",
    "trajectory_index",
    "trajectory_outbox",
    "trajectory_schema",
}
#: The indexes of ``trajectories`` at version 2 and 3, and from version 4 on.
INDEXES_2 = {"ix_trajectories_state", "ix_trajectories_school_year", "ix_trajectories_board"}
INDEXES = {"ix_trajectories_state", "ix_trajectories_blocked"}

#: Databases written by the release whose tables are at version 3 (its own DDL,
#: dumped with four leertrajects in four states, one of them blocked).
DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database: a new SQLite file, or a new PostgreSQL schema."""
    return str(request.getfixturevalue(f"{request.param}_url"))


def engine_for(url: str) -> Engine:
    """A plain SQLAlchemy engine on the database behind a store URL."""
    if url.startswith("sqlite:"):
        return sa.create_engine(url)
    return sa.create_engine(urlsplit(url)._replace(scheme="postgresql+psycopg").geturl())


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    yield engine
    engine.dispose()


def version_of(engine: Engine) -> int:
    with engine.connect() as conn:
        return schema_version(conn)


def indexes_of(engine: Engine) -> set[str]:
    return {index["name"] or "" for index in sa.inspect(engine).get_indexes("trajectories")}


def claim_version(engine: Engine, version: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(schema_table).values(version=version))


def collect_quietly() -> list[str]:
    """Collect garbage now; return what finalizers complained of (a connection left
    open, say) instead of letting it fail whichever test runs next."""
    complaints: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: complaints.append(str(unraisable.exc_value))
    try:
        gc.collect()
    finally:
        sys.unraisablehook = previous
    return complaints


def test_an_empty_database_is_at_version_0(engine: Engine) -> None:
    """Before any migration there is no schema."""
    assert 0 == version_of(engine)


def test_a_fresh_database_migrates_to_the_latest_version(engine: Engine) -> None:
    """Every migration runs: the tables and indexes exist, the version is recorded."""
    assert len(MIGRATIONS) == migrate(engine)
    assert len(MIGRATIONS) == version_of(engine)
    assert TABLES <= set(sa.inspect(engine).get_table_names())
    assert INDEXES <= indexes_of(engine)


def test_migrating_again_is_a_no_op(engine: Engine) -> None:
    """A database at the latest version stays as it is."""
    migrate(engine)
    assert len(MIGRATIONS) == migrate(engine)
    assert len(MIGRATIONS) == version_of(engine)
    with engine.connect() as conn:
        assert [len(MIGRATIONS)] == list(conn.execute(sa.select(schema_table.c.version)).scalars())


def test_a_database_at_version_1_upgrades_to_2_and_gains_the_indexes(engine: Engine) -> None:
    """Version 1 has the tables only; the upgrade adds the indexes of version 2."""
    assert 1 == migrate(engine, target=1)
    assert 1 == version_of(engine)
    assert TABLES - {"trajectory_index"} <= set(sa.inspect(engine).get_table_names())
    assert set() == indexes_of(engine) & INDEXES_2
    assert 2 == migrate(engine, target=2)
    assert 2 == version_of(engine)
    assert INDEXES_2 <= indexes_of(engine)


def test_a_database_at_version_2_upgrades_to_3_and_gains_the_generation(engine: Engine) -> None:
    """Version 3 adds the generation column; rows written before it get generation 0."""
    migrate(engine, target=2)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("trajectories")}
    assert "generation" not in columns
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO trajectories (id, lifecycle, state, version, blocked, snapshot, "
                "updated_at) VALUES ('old', 'x', 's', 1, '{}', '{}', '2024-01-01T00:00:00+00:00')"
            )
        )
    assert 3 == migrate(engine, target=3)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("trajectories")}
    assert "generation" in columns
    with engine.connect() as conn:
        assert [0] == list(conn.execute(sa.text("SELECT generation FROM trajectories")).scalars())


def test_open_store_upgrades_a_database_at_version_1(engine: Engine, database_url: str) -> None:
    """Opening a store on an older database brings it up to date."""
    migrate(engine, target=1)
    with open_store(database_url) as store:
        t = at_state("orientation_held")
        store.save(t)
        assert t == store.load(t.id)
    assert len(MIGRATIONS) == version_of(engine)
    assert INDEXES <= indexes_of(engine)


def test_a_store_that_may_not_upgrade_refuses_an_older_database(engine: Engine) -> None:
    """SqlStore(upgrade=False) on a database at version 1 is InvalidData."""
    migrate(engine, target=1)
    with pytest.raises(InvalidData):
        SqlStore(engine, [LIFECYCLE], upgrade=False)


def test_a_database_of_a_newer_version_is_refused(engine: Engine, database_url: str) -> None:
    """A schema version this release does not know is InvalidData, and left alone."""
    migrate(engine)
    claim_version(engine, len(MIGRATIONS) + 1)
    with pytest.raises(InvalidData) as caught:
        migrate(engine)
    assert str(len(MIGRATIONS) + 1) in str(caught.value)
    with pytest.raises(InvalidData):
        open_store(database_url)
    collect_quietly()  # what the refused open leaves behind: see the next test
    assert len(MIGRATIONS) + 1 == version_of(engine)


def test_a_refused_open_leaves_no_connection_open(engine: Engine, database_url: str) -> None:
    """When open_store refuses a database, it closes the connections it made."""
    migrate(engine)
    claim_version(engine, len(MIGRATIONS) + 1)
    with pytest.raises(InvalidData):
        open_store(database_url)
    assert [] == collect_quietly()


def test_a_migration_target_beyond_the_known_ones_is_refused(engine: Engine) -> None:
    """migrate(target=n) for an n this release does not know is InvalidData."""
    with pytest.raises(InvalidData):
        migrate(engine, target=len(MIGRATIONS) + 1)


def test_open_store_on_an_existing_database_keeps_its_data(database_url: str) -> None:
    """Reopening a store keeps the trajectories, the outbox and the schema version."""
    t = at_state("in_progress")
    with open_store(database_url) as store:
        store.save(t)
        outbox = store.read_outbox(limit=1000)
    with open_store(database_url) as store:
        assert t == store.load(t.id)
        assert outbox == store.read_outbox(limit=1000)
    engine = engine_for(database_url)
    try:
        assert len(MIGRATIONS) == version_of(engine)
    finally:
        engine.dispose()


def test_stores_opened_at_once_migrate_once(database_url: str) -> None:
    """Several instances opening a new database together all succeed."""
    assert [] == open_at_once(database_url)
    engine = engine_for(database_url)
    try:
        assert len(MIGRATIONS) == version_of(engine)
    finally:
        engine.dispose()


def load_version_3(url: str) -> None:
    """Fill the empty database behind ``url`` from the dump of a version 3 database."""
    if url.startswith("sqlite:"):
        import sqlite3

        script = (DATA / "schema-3.sqlite.sql").read_text(encoding="utf-8")
        with contextlib.closing(sqlite3.connect(urlsplit(url).path[1:])) as conn:
            conn.executescript(script)
        return
    import psycopg

    script = (DATA / "schema-3.postgresql.sql").read_text(encoding="utf-8")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(script)  # a script of our own


def test_a_database_at_version_3_upgrades_to_4_and_keeps_what_it_lists(
    engine: Engine, database_url: str
) -> None:
    """A database written by the release at version 3 opens with this one: its
    listing values move into trajectory_index (the old columns and their indexes
    go), every trajectory loads, lists and is blocked as before, and new saves
    come after the old entries in the outbox."""
    load_version_3(database_url)
    assert 3 == version_of(engine)
    with engine.connect() as conn:
        before = {
            row.id: (row.state, row.school_year, row.offer, row.board, row.school, row.blocked)
            for row in conn.execute(sa.text("SELECT * FROM trajectories"))
        }
    with open_store(database_url) as store:
        assert len(MIGRATIONS) == version_of(engine)
        assert 4 == len(before)
        listed = {s.id: s for s in store.list(school_year="2024-2025")}
        assert set(before) == set(listed)
        for trajectory_id, (state, year, offer, board, school, _) in before.items():
            summary = listed[trajectory_id]
            assert state == summary.state
            assert {"school_year": year, "offer": offer, "board": board, "school": school} == dict(
                summary.index
            )
            assert state == store.load(trajectory_id).state
        blocked = {entry.id: entry.blockers for entry in store.blocked()}
        assert {
            trajectory_id: {event: tuple(codes) for event, codes in json.loads(text).items()}
            for trajectory_id, (*_, text) in before.items()
            if text != "{}"
        } == blocked
        old = store.read_outbox(limit=1000)
        t = at_state("orientation_held")
        store.save(t)
        assert [t.id] == [s.id for s in store.list(state="orientation_held")]
        entries = store.read_outbox(limit=1000)
        assert old == entries[: len(old)]
        assert [(t.id, 1), (t.id, 2), (t.id, 3)] == [
            (e.trajectory_id, e.sequence) for e in entries[len(old) :]
        ]
        assert old[-1].position < entries[len(old)].position
    columns = {c["name"] for c in sa.inspect(engine).get_columns("trajectories")}
    assert set() == columns & {"school_year", "offer", "board", "school"}
    assert INDEXES == indexes_of(engine)
