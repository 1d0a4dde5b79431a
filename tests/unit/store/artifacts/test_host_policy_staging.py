"""The host policy for artifact locations, all-or-nothing local writes, partial-upload
clean-up, and database errors that name no server path."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from heron.exceptions import InvalidParameter
from heron.store.artifacts.host_policy import check_uri_host, is_trusted, uri_targets
from heron.store.artifacts.local import LocalArtifactRepository
from heron.store.artifacts.staging import remove_partial_uploads
from heron.store.db.drivers import SqliteDriver

ROOTS = ("mlflow-artifacts:/", "http://store.internal:9000/api/2.0/mlflow-artifacts/artifacts")


@pytest.mark.parametrize(
    "uri",
    [
        "http://169.254.169.254/x",
        "http://store.internal:9001/x",
        "mlflow-artifacts://127.0.0.1:5000/x",
        "ftp://store.internal/x",
        "http://store.internal\\@evil:9000/x",
        "http://store.internal:bad/x",
    ],
)
def test_foreign_hosts_are_refused(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HERON_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES", raising=False)
    monkeypatch.delenv("MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES", raising=False)
    with pytest.raises(InvalidParameter, match="ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES"):
        check_uri_host(uri, ROOTS, "artifact_location")


@pytest.mark.parametrize(
    "uri",
    ["/local/dir", "s3://bucket/x", "mlflow-artifacts:/x", "http://STORE.internal:9000/y"],
)
def test_hostless_and_own_locations_pass(uri: str) -> None:
    check_uri_host(uri, ROOTS)


def test_the_setting_allows_a_scheme_on_any_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES", " HTTPS , ftp")
    check_uri_host("https://anywhere/x", ROOTS)
    check_uri_host("ftp://anywhere/x", ROOTS)
    with pytest.raises(InvalidParameter):
        check_uri_host("http://anywhere/x", ROOTS)


def test_targets_follow_default_ports() -> None:
    assert uri_targets("http://h/x") == frozenset({("http", "h", 80)})
    assert uri_targets("mlflow-artifacts://h/x") == frozenset(
        {("http", "h", 80), ("http", "h", 443)}
    )
    assert uri_targets("viewfs://h:1/x") == frozenset({("hdfs", "h", 1)})
    assert uri_targets("s3://b/x") is None
    assert is_trusted("http://store.internal:9000/z", ROOTS)


def test_tree_writes_are_all_or_nothing(tmp_path: Path) -> None:
    repository = LocalArtifactRepository(str(tmp_path))
    (tmp_path / "blocker").write_text("a file")
    files = [("new/one.txt", b"1"), ("two.txt", b"2"), ("blocker/three.txt", b"3")]
    with pytest.raises(InvalidParameter):
        repository.write_tree(files, "")
    assert sorted(os.listdir(tmp_path)) == ["blocker"]  # nor the new directory
    repository.write_tree([("new/one.txt", b"1"), ("two.txt", b"2")])
    assert (tmp_path / "new" / "one.txt").read_bytes() == b"1"
    assert not [name for name in os.listdir(tmp_path / "new") if name.endswith(".partial")]


def test_stale_partial_uploads_are_removed(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    stale, fresh, other = nested / ".heron-x.partial", nested / ".heron-y.partial", nested / "z"
    for path in (stale, fresh, other):
        path.write_bytes(b"x")
    old = time.time() - 600
    for path in (stale, other):
        os.utime(path, (old, old))
    assert remove_partial_uploads(str(tmp_path)) == 1
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()
    assert remove_partial_uploads(str(tmp_path / "missing")) == 0


def test_database_errors_name_no_server_path(tmp_path: Path) -> None:
    driver = SqliteDriver(str(tmp_path / "secret-dir" / "heron.db"), 1.0)
    for message in ("database or disk is full", "disk I/O error", "database is locked"):
        error = driver.translate(sqlite3.OperationalError(message))
        assert error is not None
        assert str(tmp_path) not in error.message
        assert "secret-dir" not in error.message
    full = driver.translate(sqlite3.OperationalError("database or disk is full"))
    assert full is not None
    assert "full" in full.message
