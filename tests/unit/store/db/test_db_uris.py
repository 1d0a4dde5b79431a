"""Database URIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.exceptions import InvalidParameter
from heron.store.db import parse_database_uri
from heron.store.db.dialect import like_to_glob


def test_sqlite_absolute_path() -> None:
    parsed = parse_database_uri("sqlite:////data/x.db")
    assert (parsed.dialect, parsed.path, parsed.uri) == (
        "sqlite",
        "/data/x.db",
        "sqlite:////data/x.db",
    )


def test_sqlite_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_database_uri("sqlite:///sub/x.db").path == str(tmp_path / "sub" / "x.db")


@pytest.mark.parametrize("uri", ["sqlite://", "sqlite:///:memory:"])
def test_sqlite_in_memory(uri: str) -> None:
    assert parse_database_uri(uri).in_memory


@pytest.mark.parametrize(
    "uri",
    ["postgresql://u:p@h:5/db", "postgresql+psycopg2://u:p@h:5/db", "postgres://u:p@h:5/db"],
)
def test_postgresql_uses_psycopg3(uri: str) -> None:
    parsed = parse_database_uri(uri)
    assert parsed.uri == "postgresql+psycopg://u:p@h:5/db"
    assert parsed.conninfo == "postgresql://u:p@h:5/db"


@pytest.mark.parametrize(
    "uri",
    ["postgresql://", "mysql+mysqlconnector://h/db", "mssql://h/db", "oracle://h", "x"],
)
def test_unsupported_uris(uri: str) -> None:
    with pytest.raises(InvalidParameter):
        parse_database_uri(uri)


@pytest.mark.parametrize(
    ("like", "glob"),
    [("a%b_", "a*b?"), ("a*b?", "a[*]b[?]"), ("[x]", "[[]x]"), ("100\\%", "100\\*")],
)
def test_like_to_glob(like: str, glob: str) -> None:
    assert like_to_glob(like) == glob


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("postgresql://u:s3cr@t@h:5/db", "postgresql+psycopg://u:***@h:5/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////x.db", "sqlite:////x.db"),
    ],
)
def test_redacted_uri_hides_passwords(uri: str, shown: str) -> None:
    assert parse_database_uri(uri).redacted == shown
