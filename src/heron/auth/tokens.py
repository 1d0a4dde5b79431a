"""Personal access tokens and web UI sessions: secrets kept only as SHA-256 digests."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

import sqlalchemy as sa

from heron.auth import schema
from heron.auth.entities import AccessToken, User
from heron.auth.passwords import new_token, token_digest
from heron.exceptions import InvalidParameter, NotFound

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MAX_TOKENS_PER_USER = 50


def _now() -> int:
    return int(time.time() * 1000)


class Tokens:
    """Tokens and sessions in the auth database.

    Args:
        engine: The auth database.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    def create(
        self, user_id: int, name: object, expires_in_days: object = None
    ) -> tuple[AccessToken, str]:
        """A new token for the user: its record and its secret (shown once).

        Raises:
            InvalidParameter: a bad name or lifetime, or too many tokens.
        """
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise InvalidParameter("A token needs a name of 1 to 100 characters.")
        expires_at = None
        if expires_in_days is not None:
            if (
                not isinstance(expires_in_days, int)
                or isinstance(expires_in_days, bool)
                or not 1 <= expires_in_days <= 3650
            ):
                raise InvalidParameter("expires_in_days must be a whole number from 1 to 3650.")
            expires_at = _now() + expires_in_days * 86_400_000
        secret = new_token()
        table = schema.access_tokens
        with self.engine.begin() as conn:
            count = conn.execute(
                sa.select(sa.func.count()).where(table.c.user_id == user_id)
            ).scalar()
            if (count or 0) >= MAX_TOKENS_PER_USER:
                raise InvalidParameter(f"A user may hold at most {MAX_TOKENS_PER_USER} tokens.")
            label, created = name.strip(), _now()
            values = {
                "user_id": user_id,
                "name": label,
                "token_hash": token_digest(secret),
                "created_at": created,
                "expires_at": expires_at,
            }
            key = conn.execute(sa.insert(table).values(**values)).inserted_primary_key
        assert key is not None
        return AccessToken(int(key[0]), user_id, label, created, expires_at), secret

    def list(self, user_id: int) -> list[AccessToken]:
        """The user's tokens, oldest first."""
        table = schema.access_tokens
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(table).where(table.c.user_id == user_id).order_by(table.c.id)
            )
            return [AccessToken(r.id, r.user_id, r.name, r.created_at, r.expires_at) for r in rows]

    def revoke(self, user_id: int, token_id: object) -> None:
        """Delete one of the user's tokens; NotFound when they hold none with that id."""
        if not isinstance(token_id, int) or isinstance(token_id, bool):
            try:
                token_id = int(str(token_id))
            except ValueError:
                raise InvalidParameter("token id must be an integer.") from None
        table = schema.access_tokens
        with self.engine.begin() as conn:
            where = sa.and_(table.c.id == token_id, table.c.user_id == user_id)
            if conn.execute(sa.delete(table).where(where)).rowcount == 0:
                raise NotFound(f"Token {token_id} not found")

    def user_for_token(self, secret: str) -> User | None:
        """The owner of a valid, unexpired token, or None."""
        tokens, users = schema.access_tokens, schema.users
        query = (
            sa.select(users.c.id, users.c.username, users.c.is_admin, tokens.c.expires_at)
            .join(users, users.c.id == tokens.c.user_id)
            .where(tokens.c.token_hash == token_digest(secret))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or (row.expires_at is not None and row.expires_at < _now()):
            return None
        return User(row.id, row.username, bool(row.is_admin))

    # UI sessions

    def open_session(self, user_id: int, hours: float) -> tuple[str, str]:
        """A new session for the user: (cookie secret, CSRF token)."""
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        table = schema.sessions
        with self.engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.expires_at < _now()))
            conn.execute(
                sa.insert(table).values(
                    session_hash=token_digest(secret),
                    user_id=user_id,
                    csrf_token=csrf,
                    expires_at=_now() + int(hours * 3_600_000),
                )
            )
        return secret, csrf

    def session(self, secret: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None."""
        table, users = schema.sessions, schema.users
        query = (
            sa.select(
                users.c.id,
                users.c.username,
                users.c.is_admin,
                table.c.csrf_token,
                table.c.expires_at,
            )
            .join(users, users.c.id == table.c.user_id)
            .where(table.c.session_hash == token_digest(secret))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.expires_at < _now():
            return None
        return User(row.id, row.username, bool(row.is_admin)), str(row.csrf_token)

    def close_session(self, secret: str) -> None:
        """End a session (logout)."""
        table = schema.sessions
        with self.engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.session_hash == token_digest(secret)))
