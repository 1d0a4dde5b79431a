"""Creating a fresh database and checking an existing one's schema revision.

Opening an existing database costs one query and does not import SQLAlchemy or alembic:
the revision is read from ``alembic_version`` with the DBAPI. A fresh database gets its
tables from :mod:`heron.store.db.schema` and is stamped with the head revision in one
transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock), so many
processes opening the same new database at once do not race.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heron.exceptions import InvalidState
from heron.store.db.database import Database
from heron.store.db.drivers import Cursor
from heron.store.db.mlflow_revisions import is_mlflow_revision

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine.interfaces import Dialect as SqlalchemyDialect

#: Every schema revision Heron has shipped, oldest first (the alembic chain).
REVISIONS: tuple[str, ...] = (
    "r0001_tracking_core",
    "r0002_logged_models",
    "r0003_registry",
    "r0004_metric_blocks",
)
HEAD_REVISION = REVISIONS[-1]

_VERSION_TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)
#: Every MySQL table's options: InnoDB, utf8mb4, binary (case-sensitive) collation.
MYSQL_TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
_BOOTSTRAP_LOCK_ID = 0x4845524F4E  # "HERON": serialises PostgreSQL bootstraps


def read_revision(cursor: Cursor, dialect: str) -> str | None:
    """The revision stamped in the database, or None when it has no ``alembic_version``."""
    if dialect == "sqlite":
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        )
    elif dialect == "mysql":
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
            "AND table_name = 'alembic_version'"
        )
    else:
        # A scan of the catalog sees what committed before this statement (to_regclass
        # may answer from a cache that predates a concurrent bootstrap).
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = 'alembic_version'"
        )
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT version_num FROM alembic_version")
    row = cursor.fetchone()
    return None if row is None else str(row[0])


def ensure_schema(database: Database) -> None:
    """Create and stamp the tables of a fresh database; refuse one at another revision.

    Raises:
        InvalidState: the database was written by another schema revision.
    """
    dialect = database.dialect.name
    revision = database.read(lambda cursor: read_revision(cursor, dialect))
    if revision is None:
        revision = database.write(lambda cursor: _create_schema(cursor, dialect))
    check_revision(revision, database.uri.redacted)


def check_revision(revision: str, uri: str) -> None:
    """Raise InvalidState unless ``revision`` is the head revision."""
    if revision == HEAD_REVISION:
        return
    if revision in REVISIONS:
        raise InvalidState(
            f"Detected out-of-date database schema (found version {revision}, but expected "
            f"{HEAD_REVISION}). Take a backup of your database, then run "
            f"'heron db upgrade {uri}' to migrate your database to the latest schema."
        )
    if is_mlflow_revision(revision):
        raise InvalidState(
            f"The database {uri} is an MLflow database (schema revision {revision}); Heron "
            f"does not serve MLflow's schema. Copy it into a Heron database with "
            f"'heron db import-mlflow {uri} sqlite:///heron.db' (or another Heron database "
            f"URI), then point Heron at that database."
        )
    raise InvalidState(
        f"Detected a database schema Heron does not know (found version {revision}, but "
        f"expected {HEAD_REVISION}). The database may belong to another tool (such as "
        f"MLflow) or to a newer version of Heron."
    )


def _create_schema(cursor: Cursor, dialect: str) -> str:
    if dialect == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(?)", (_BOOTSTRAP_LOCK_ID,))
    elif dialect == "mysql":  # DDL commits there: a named lock, held until released
        cursor.execute("SELECT GET_LOCK(CONCAT('heron_bootstrap_', DATABASE()), 60)")
        cursor.fetchone()
        try:
            return _create_tables(cursor, dialect)
        finally:
            cursor.execute("SELECT RELEASE_LOCK(CONCAT('heron_bootstrap_', DATABASE()))")
            cursor.fetchone()
    return _create_tables(cursor, dialect)


def _create_tables(cursor: Cursor, dialect: str) -> str:
    revision = read_revision(cursor, dialect)
    if revision is not None:  # another process created it while we waited for the lock
        return revision
    for statement in schema_ddl(dialect):
        cursor.execute(statement)
    cursor.execute(_VERSION_TABLE_DDL)
    cursor.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD_REVISION,))
    return HEAD_REVISION


def schema_ddl(dialect: str) -> list[str]:
    """``CREATE TABLE/INDEX IF NOT EXISTS`` statements for every table, in dependency order."""
    from sqlalchemy.dialects.mysql.base import MySQLDialect
    from sqlalchemy.dialects.postgresql.base import PGDialect
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect
    from sqlalchemy.schema import CreateIndex, CreateTable

    from heron.store.db.schema import metadata

    compiler: SqlalchemyDialect
    if dialect == "sqlite":
        compiler = SQLiteDialect()
    elif dialect == "mysql":
        compiler = MySQLDialect()
    else:
        compiler = PGDialect()  # type: ignore[no-untyped-call]
    statements = []
    for table in metadata.sorted_tables:
        create = str(CreateTable(table, if_not_exists=True).compile(dialect=compiler))
        if dialect == "mysql":
            statements.append(_mysql_table(create, table, compiler))
            continue
        statements.append(create)
        statements.extend(
            str(CreateIndex(index, if_not_exists=True).compile(dialect=compiler))
            for index in sorted(table.indexes, key=lambda index: str(index.name))
            if dialect in index.info.get("dialects", (dialect,))
        )
    return statements


def _mysql_table(create: str, table: Table, compiler: SqlalchemyDialect) -> str:
    """A MySQL ``CREATE TABLE`` with its indexes inside (one atomic statement: MySQL
    commits each DDL statement and has no ``CREATE INDEX IF NOT EXISTS``) and
    :data:`MYSQL_TABLE_OPTIONS` (case-sensitive comparisons, code point order)."""
    quote = compiler.identifier_preparer.quote
    indexes = [
        f"INDEX {quote(str(index.name))} ({', '.join(quote(c.name) for c in index.columns)})"
        for index in sorted(table.indexes, key=lambda index: str(index.name))
        if "mysql" in index.info.get("dialects", ("mysql",))
    ]
    body = create.rstrip()
    assert body.endswith(")")
    if indexes:
        body = f"{body[:-1].rstrip()},\n\t{', '.join(indexes)}\n)"
    return f"{body} {MYSQL_TABLE_OPTIONS}"
