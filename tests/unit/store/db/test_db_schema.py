"""Schema creation, revisions, migrations and ``heron db upgrade``."""

from __future__ import annotations

import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from heron.exceptions import InvalidState
from heron.store.db import HEAD_REVISION, REVISIONS, current_revision, upgrade
from heron.store.db.migrate import MIGRATIONS_DIR, run_migrations
from heron.store.tracking.sql import SqlTrackingStore


def _sqlite_schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table and index with its SQL, whitespace-insensitively."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return sorted((kind, name, _normal(sql or "")) for kind, name, sql in rows)


def _normal(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql.replace("IF NOT EXISTS ", ""))
    return re.sub(r"\s*([(),])\s*", r"\1", sql)


def test_migrations_build_the_schema_sqlite(tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'fresh.db'}")
    run_migrations(f"sqlite:///{tmp_path / 'migrated.db'}")
    assert _sqlite_schema(tmp_path / "fresh.db") == _sqlite_schema(tmp_path / "migrated.db")
    assert current_revision(f"sqlite:///{tmp_path / 'migrated.db'}") == HEAD_REVISION


_PG_SCHEMA = [
    "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, "
    "column_default FROM information_schema.columns WHERE table_schema = 'public'",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
]


def _pg_schema(uri: str) -> list[list[tuple[object, ...]]]:
    import psycopg

    with psycopg.connect(uri) as connection:
        return [sorted(connection.execute(query).fetchall()) for query in _PG_SCHEMA]


@pytest.mark.postgres
def test_migrations_build_the_schema_postgres(postgres_cluster) -> None:  # type: ignore[no-untyped-def]
    fresh, migrated = postgres_cluster.create_database(), postgres_cluster.create_database()
    upgrade(fresh)
    run_migrations(migrated)
    assert _pg_schema(fresh) == _pg_schema(migrated)
    assert current_revision(migrated) == HEAD_REVISION


def test_revisions_match_the_migration_chain() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    chain = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(chain)) == REVISIONS
    assert scripts.get_current_head() == HEAD_REVISION


def test_current_revision_of_an_empty_database(tmp_path: Path) -> None:
    assert current_revision(f"sqlite:///{tmp_path / 'empty.db'}") is None


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(uri)
    upgrade(uri)
    assert current_revision(uri) == HEAD_REVISION


def test_store_on_upgraded_database_creates_default_experiment(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(uri)
    store = SqlTrackingStore(uri, str(tmp_path))
    assert store.get_experiment("0").name == "Default"
    store.close()


def test_unknown_revision_is_refused(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(uri)
    with sqlite3.connect(tmp_path / "a.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f4a9b2c7d1e6'")
    with pytest.raises(InvalidState, match=r"found version f4a9b2c7d1e6, but expected"):
        SqlTrackingStore(uri, str(tmp_path))
    with pytest.raises(InvalidState, match="Heron does not know"):
        upgrade(uri)


def test_concurrent_first_opens_agree(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'race.db'}"
    with ThreadPoolExecutor(8) as pool:
        stores = list(pool.map(lambda _: SqlTrackingStore(uri, str(tmp_path)), range(8)))
    assert [s.get_experiment("0").name for s in stores] == ["Default"] * 8
    assert len(stores[0].search_experiments()) == 1
    for store in stores:
        store.close()


@pytest.mark.postgres
def test_concurrent_first_opens_agree_postgres(fresh_postgres_uri: str, tmp_path: Path) -> None:
    with ThreadPoolExecutor(4) as pool:
        stores = list(
            pool.map(lambda _: SqlTrackingStore(fresh_postgres_uri, str(tmp_path)), range(4))
        )
    assert len(stores[0].search_experiments()) == 1
    for store in stores:
        store.close()
