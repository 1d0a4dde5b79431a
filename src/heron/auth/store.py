"""The auth store: users, permissions, tokens and UI sessions on SQLAlchemy Core.

One database of its own (SQLite by default, PostgreSQL works), migrated on open. Every
method is a short transaction; lookups on the request path are single indexed selects.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from heron.auth import schema
from heron.auth.entities import User
from heron.auth.grants import Grants
from heron.auth.passwords import hash_password, validate_password, verify_password
from heron.auth.tokens import Tokens
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, Row

_MAX_NAME = 255
# A valid hash to verify against when the user is unknown, so timing does not tell.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def _engine(uri: str) -> Engine:
    from heron.store.db.uris import parse_database_uri

    parsed = parse_database_uri(uri)
    if parsed.dialect != "sqlite":
        return sa.create_engine(parsed.uri, pool_pre_ping=True)
    engine = sa.create_engine(parsed.uri, connect_args={"timeout": 30.0})
    if parsed.path is not None:

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return engine


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{what} cannot be empty.")
    if len(value) > _MAX_NAME or any(ord(c) < 32 for c in value):
        raise InvalidParameter(f"Invalid {what.lower()}: at most {_MAX_NAME} printable characters.")
    return value


def _user(row: Row[Any]) -> User:
    return User(id=row.id, username=row.username, is_admin=bool(row.is_admin))


class AuthStore:
    """Users, permissions, tokens and sessions in the database at ``uri``.

    Args:
        uri: A SQLAlchemy database URI (``sqlite:///basic_auth.db``, ``postgresql://...``).
    """

    def __init__(self, uri: str):
        self.engine = _engine(uri)
        schema.upgrade(self.engine)
        self.grants = Grants(self.engine)
        self.tokens = Tokens(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # Users

    def create_user(self, username: object, password: object, is_admin: bool = False) -> User:
        """Create a user.

        Raises:
            InvalidParameter: empty or malformed name, or a weak password.
            AlreadyExists: the name is taken (RESOURCE_ALREADY_EXISTS).
        """
        name = _name(username, "Username")
        digest = hash_password(validate_password(password))
        with self.engine.begin() as conn:
            if self._user_row(conn, name) is not None:
                raise AlreadyExists(f"User '{name}' already exists.", "RESOURCE_ALREADY_EXISTS")
            values = {"username": name, "password_hash": digest, "is_admin": bool(is_admin)}
            try:
                key = conn.execute(sa.insert(schema.users).values(**values)).inserted_primary_key
            except sa.exc.IntegrityError:  # created meanwhile by another process
                raise AlreadyExists(
                    f"User '{name}' already exists.", "RESOURCE_ALREADY_EXISTS"
                ) from None
        assert key is not None
        return User(id=int(key[0]), username=name, is_admin=bool(is_admin))

    @staticmethod
    def _user_row(conn: Connection, username: str) -> Row[Any] | None:
        table = schema.users
        return conn.execute(sa.select(table).where(table.c.username == username)).first()

    def has_user(self, username: str) -> bool:
        """Whether a user called ``username`` exists."""
        with self.engine.connect() as conn:
            return self._user_row(conn, username) is not None

    def get_user(self, username: object) -> User:
        """The user called ``username``.

        Raises:
            NotFound: no such user (RESOURCE_DOES_NOT_EXIST).
        """
        name = _name(username, "Username")
        with self.engine.connect() as conn:
            row = self._user_row(conn, name)
        if row is None:
            raise NotFound(f"User with username={name} not found")
        return _user(row)

    def list_users(self) -> list[User]:
        """Every user, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.users).order_by(schema.users.c.username))
            return [_user(row) for row in rows]

    def authenticate_user(self, username: str, password: str) -> User | None:
        """The user if ``password`` is theirs, else None (same cost either way)."""
        with self.engine.connect() as conn:
            row = self._user_row(conn, username)
        if row is None:
            verify_password(password, _DUMMY_HASH)
            return None
        return _user(row) if verify_password(password, row.password_hash) else None

    def update_user(
        self, username: object, password: object = None, is_admin: object = None
    ) -> User:
        """Change a user's password and/or admin flag.

        Raises:
            NotFound: no such user.
            InvalidParameter: a weak password or a non-boolean ``is_admin``.
        """
        user = self.get_user(username)
        values: dict[str, object] = {}
        if password is not None:
            values["password_hash"] = hash_password(validate_password(password))
        if is_admin is not None:
            if not isinstance(is_admin, bool):
                raise InvalidParameter("is_admin must be true or false.")
            values["is_admin"] = is_admin
        if values:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.update(schema.users).where(schema.users.c.id == user.id).values(**values)
                )
                if password is not None:
                    conn.execute(
                        sa.delete(schema.sessions).where(schema.sessions.c.user_id == user.id)
                    )
        return self.get_user(user.username)

    def delete_user(self, username: object) -> None:
        """Delete a user with their permissions, tokens and sessions.

        Raises:
            NotFound: no such user.
        """
        user = self.get_user(username)
        with self.engine.begin() as conn:
            for table in (
                schema.experiment_permissions,
                schema.registered_model_permissions,
                schema.access_tokens,
                schema.sessions,
            ):
                conn.execute(sa.delete(table).where(table.c.user_id == user.id))
            conn.execute(sa.delete(schema.users).where(schema.users.c.id == user.id))
