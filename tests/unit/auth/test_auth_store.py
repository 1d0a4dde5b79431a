"""The auth store on SQLite and PostgreSQL: users, hashed passwords, grants, tokens,
sessions and the schema revision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from heron.auth import schema
from heron.auth.passwords import hash_password, token_digest, verify_password
from heron.auth.store import AuthStore
from heron.exceptions import AlreadyExists, InvalidParameter, InvalidState, NotFound

PASSWORD = "a-long-password-1"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[AuthStore]:
    if request.param == "sqlite":
        uri = request.getfixturevalue("sqlite_uri")
    else:
        uri = request.getfixturevalue("fresh_postgres_uri")
    opened = AuthStore(uri)
    yield opened
    opened.close()


def test_passwords_are_salted_scrypt_hashes() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$")
    assert first != second
    assert verify_password(PASSWORD, first)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "md5$whatever")


def test_users(store: AuthStore) -> None:
    user = store.create_user("alice", PASSWORD)
    with pytest.raises(AlreadyExists):
        store.create_user("alice", PASSWORD)
    with pytest.raises(InvalidParameter):
        store.create_user("bob", "short")
    with pytest.raises(InvalidParameter):
        store.create_user("", PASSWORD)
    assert store.authenticate_user("alice", PASSWORD) == user
    assert store.authenticate_user("alice", "wrong-password-123") is None
    assert store.authenticate_user("nobody", PASSWORD) is None
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(schema.users.c.password_hash)).scalar()
    assert PASSWORD not in stored
    store.update_user("alice", is_admin=True)
    assert store.get_user("alice").is_admin
    store.delete_user("alice")
    with pytest.raises(NotFound):
        store.get_user("alice")


def test_grants_follow_renames_and_users(store: AuthStore) -> None:
    user = store.create_user("alice", PASSWORD)
    store.grants.create("experiment", "1", user.id, "READ")
    with pytest.raises(AlreadyExists):
        store.grants.create("experiment", "1", user.id, "EDIT")
    with pytest.raises(InvalidParameter):
        store.grants.put("experiment", "1", user.id, "OWNER")
    with pytest.raises(InvalidParameter):
        store.grants.put("workspace", "1", user.id, "READ")
    store.grants.put("registered_model", "m", user.id, "MANAGE")
    store.grants.rename_model("m", "n")
    assert store.grants.all_for_user("registered_model", user.id) == {"n": "MANAGE"}
    store.grants.update("experiment", "1", user.id, "EDIT")
    assert store.grants.get("experiment", "1", user.id) == "EDIT"
    store.delete_user("alice")
    with store.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(schema.experiment_permissions)
            ).scalar()
            == 0
        )


def test_tokens_are_stored_hashed_and_expire(store: AuthStore) -> None:
    user = store.create_user("alice", PASSWORD)
    token, secret = store.tokens.create(user.id, "ci")
    assert store.tokens.user_for_token(secret) == user
    with store.engine.connect() as conn:
        kept = conn.execute(sa.select(schema.access_tokens.c.token_hash)).scalar()
    assert kept == token_digest(secret)
    assert store.tokens.user_for_token(secret + "x") is None
    store.tokens.revoke(user.id, token.id)
    assert store.tokens.user_for_token(secret) is None
    with pytest.raises(InvalidParameter):
        store.tokens.create(user.id, "x", expires_in_days=0)


def test_sessions_end_on_logout_and_password_change(store: AuthStore) -> None:
    user = store.create_user("alice", PASSWORD)
    secret, csrf = store.tokens.open_session(user.id, hours=1)
    assert store.tokens.session(secret) == (user, csrf)
    store.update_user("alice", password="another-password-1")
    assert store.tokens.session(secret) is None
    secret, _ = store.tokens.open_session(user.id, hours=1)
    store.tokens.close_session(secret)
    assert store.tokens.session(secret) is None


def test_a_newer_schema_is_refused(sqlite_uri: str) -> None:
    AuthStore(sqlite_uri).close()
    engine = sa.create_engine(sqlite_uri)
    with engine.begin() as conn:
        conn.execute(sa.update(schema.revision_table).values(revision="z9"))
    engine.dispose()
    with pytest.raises(InvalidState):
        AuthStore(sqlite_uri)
