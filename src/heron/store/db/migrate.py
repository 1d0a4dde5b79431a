"""``heron db upgrade``: bring a database to the head schema revision."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from heron.store.db.bootstrap import (
    HEAD_REVISION,
    REVISIONS,
    check_revision,
    ensure_schema,
    read_revision,
)
from heron.store.db.database import Database
from heron.store.db.engine import make_engine
from heron.store.db.uris import parse_database_uri

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def current_revision(uri: str) -> str | None:
    """The schema revision of the database at ``uri``, or None for an empty database."""
    database = Database(uri)
    try:
        dialect = database.dialect.name
        return database.read(lambda cursor: read_revision(cursor, dialect))
    finally:
        database.close()


def upgrade(uri: str) -> None:
    """Migrate the database at ``uri`` to the head revision (creating it if it is empty).

    Each migration runs in a transaction, so an interrupted upgrade leaves the database at
    its old revision or a later one, never half-way.

    Raises:
        InvalidState: the database carries a revision Heron does not know.
    """
    revision = current_revision(uri)
    if revision is None:
        database = Database(uri)
        try:
            ensure_schema(database)
        finally:
            database.close()
        return
    if revision == HEAD_REVISION:
        return
    if revision not in REVISIONS:
        check_revision(revision, parse_database_uri(uri).redacted)
    run_migrations(uri, HEAD_REVISION)


def run_migrations(uri: str, target: str = "heads") -> None:
    """Run the alembic migrations of ``uri`` up to ``target`` (alembic's own upgrade)."""
    from alembic import command

    engine = make_engine(parse_database_uri(uri))
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), target)
    finally:
        engine.dispose()


def alembic_config(connection: Connection) -> Config:
    """An alembic configuration for Heron's migrations, bound to ``connection``."""
    from alembic.config import Config

    alembic = Config()
    alembic.set_main_option("script_location", str(MIGRATIONS_DIR))
    alembic.attributes["connection"] = connection
    return alembic
