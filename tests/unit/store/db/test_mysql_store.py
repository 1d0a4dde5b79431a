"""The SQL store on a real MariaDB server: ``heron db upgrade``, the utf8mb4 requirement,
case-sensitive names whatever the database's collation, and MySQL URIs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.mariadb import MariadbServer
from heron.cli.main import cli
from heron.entities import Param
from heron.exceptions import InvalidParameter, InvalidState
from heron.store.db import HEAD_REVISION, current_revision
from heron.store.tracking import clear_store_cache, get_tracking_store

pytestmark = pytest.mark.mysql


@pytest.fixture
def database(mariadb_server: MariadbServer) -> Iterator[tuple[MariadbServer, str]]:
    """A database name on the server, dropped afterwards (created by the test)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield mariadb_server, name
    clear_store_cache()
    mariadb_server.sql(f"DROP DATABASE IF EXISTS {name}")


def test_db_upgrade_creates_the_head_schema(database: tuple[MariadbServer, str]) -> None:
    server, name = database
    server.sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    uri = server.uri(name).replace("mysql://", "mysql+pymysql://")
    assert current_revision(uri) is None
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    assert current_revision(uri) == HEAD_REVISION
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])  # already there: nothing to do
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("charset", ["latin1", "utf8mb3"])
def test_a_database_without_utf8mb4_is_refused(
    database: tuple[MariadbServer, str], tmp_path: Path, charset: str
) -> None:
    server, name = database
    server.sql(f"CREATE DATABASE {name} CHARACTER SET {charset}")
    with pytest.raises(InvalidState, match=f"character set {charset}.*requires utf8mb4"):
        get_tracking_store(server.uri(name), str(tmp_path))
    assert current_revision_tables(server, name) == 0  # nothing half-created


def current_revision_tables(server: MariadbServer, name: str) -> int:
    import pymysql

    connection = pymysql.connect(host="127.0.0.1", port=server.port, user="root")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (name,)
            )
            return int(cursor.fetchone()[0])
    finally:
        connection.close()


def test_names_are_case_sensitive_under_a_case_insensitive_default(
    database: tuple[MariadbServer, str], tmp_path: Path
) -> None:
    server, name = database
    server.sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
    store = get_tracking_store(server.uri(name), str(tmp_path))
    upper = store.create_experiment("Exp")
    lower = store.create_experiment("exp")
    assert upper != lower
    assert store.get_experiment_by_name("exp").experiment_id == lower
    found = store.search_experiments(filter_string="name LIKE 'e%'")
    assert [e.name for e in found] == ["exp"]
    found = store.search_experiments(filter_string="name ILIKE 'E%'")
    assert sorted(e.name for e in found) == ["Exp", "exp"]
    run = store.create_run(lower, "u", 1, [], "r").info.run_id
    store.log_param(run, Param("emoji", "\U0001f9ea \\% ok"))  # 4-byte characters survive
    assert store.get_run(run).data.params["emoji"] == "\U0001f9ea \\% ok"
    runs = store.search_runs([lower], "params.emoji LIKE '%\\%%'", 1, 10)
    assert len(runs) == 1


def test_a_uri_without_database_is_refused(mariadb_server: MariadbServer, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="names no database"):
        get_tracking_store(mariadb_server.uri(""), str(tmp_path))


def test_the_migrations_build_the_same_tables(mariadb_server: MariadbServer) -> None:
    """Migrating an empty MySQL database revision by revision gives the bootstrap's tables."""
    from heron.store.db.migrate import run_migrations

    columns = {}
    for how in ("bootstrap", "migrations"):
        name = f"t_{uuid.uuid4().hex[:12]}"
        mariadb_server.sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        try:
            uri = mariadb_server.uri(name)
            run_migrations(uri) if how == "migrations" else CliRunner().invoke(
                cli, ["db", "upgrade", uri], catch_exceptions=False
            )
            assert current_revision(uri) == HEAD_REVISION
            columns[how] = _columns(mariadb_server, name)
        finally:
            mariadb_server.sql(f"DROP DATABASE IF EXISTS {name}")
    assert columns["migrations"] == columns["bootstrap"]


def _columns(server: MariadbServer, name: str) -> set[tuple[str, str, str, str]]:
    import pymysql

    connection = pymysql.connect(host="127.0.0.1", port=server.port, user="root")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, column_type, is_nullable "
                "FROM information_schema.columns WHERE table_schema = %s",
                (name,),
            )
            return {tuple(row) for row in cursor.fetchall()}
    finally:
        connection.close()
