"""The auth database's tables and its schema revisions.

The database carries its revision in ``heron_auth_revision``; :func:`upgrade` applies the
steps after it in order, each in one transaction, so a database written by an older Heron is
brought forward on start and one from a newer Heron is refused rather than misread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from heron.exceptions import InvalidState

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()

revision_table = sa.Table(
    "heron_auth_revision", metadata, sa.Column("revision", sa.String(32), primary_key=True)
)
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(255), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
)
experiment_permissions = sa.Table(
    "experiment_permissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("experiment_id", sa.String(255), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("permission", sa.String(255), nullable=False),
    sa.UniqueConstraint("experiment_id", "user_id", name="unique_experiment_user"),
)
registered_model_permissions = sa.Table(
    "registered_model_permissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("permission", sa.String(255), nullable=False),
    sa.UniqueConstraint("name", "user_id", name="unique_name_user"),
)
access_tokens = sa.Table(
    "heron_access_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=True),
)
sessions = sa.Table(
    "heron_ui_sessions",
    metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)


def _r1_initial(connection: Connection) -> None:
    metadata.create_all(connection)


REVISIONS: list[tuple[str, Callable[[Connection], None]]] = [("a1", _r1_initial)]
HEAD = REVISIONS[-1][0]


def current(connection: Connection) -> str | None:
    """The database's revision, or None when it holds no auth schema yet."""
    if not sa.inspect(connection).has_table(revision_table.name):
        return None
    return connection.execute(sa.select(revision_table.c.revision)).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the auth database to :data:`HEAD`, one revision per transaction.

    Raises:
        InvalidState: the database carries a revision this Heron does not know.
    """
    with engine.begin() as connection:
        revision = current(connection)
    names = [name for name, _ in REVISIONS]
    if revision is not None and revision not in names:
        raise InvalidState(
            f"The auth database is at revision '{revision}', unknown to this Heron: "
            "was it written by a newer version?"
        )
    start = 0 if revision is None else names.index(revision) + 1
    for index, (name, step) in enumerate(REVISIONS[start:], start):
        try:
            with engine.begin() as connection:
                step(connection)
                connection.execute(sa.delete(revision_table))
                connection.execute(sa.insert(revision_table).values(revision=name))
        except sa.exc.DBAPIError:
            # Another worker process may have applied it at the same moment.
            with engine.begin() as connection:
                now = current(connection)
            if now not in names or names.index(now) < index:
                raise
