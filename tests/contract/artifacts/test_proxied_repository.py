"""What only the proxied backend does: URI resolution, credentials, streaming, quoting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heron.entities import FileInfo
from heron.exceptions import InvalidParameter, NotFound
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.http import HttpArtifactRepository, resolve_proxied_uri
from heron.store.http import auth_headers

ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.mark.parametrize(
    ("uri", "tracking", "expected"),
    [
        (
            "mlflow-artifacts:/1/r/artifacts",
            "http://h:5000",
            f"http://h:5000{ARTIFACTS}/1/r/artifacts",
        ),
        ("mlflow-artifacts:/1", "https://h/prefix/", f"https://h/prefix{ARTIFACTS}/1"),
        ("mlflow-artifacts:/", "http://h:5000", f"http://h:5000{ARTIFACTS}"),
        ("mlflow-artifacts://other:8080/1", "https://h:5000", f"https://other:8080{ARTIFACTS}/1"),
        (f"http://x{ARTIFACTS}/1", "sqlite:///db", f"http://x{ARTIFACTS}/1"),
    ],
)
def test_proxied_uris_resolve_against_the_tracking_uri(
    uri: str, tracking: str, expected: str
) -> None:
    assert resolve_proxied_uri(uri, tracking) == expected


def test_proxied_uris_use_the_configured_tracking_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HERON_TRACKING_URI", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracker:5000")

    repo = get_artifact_repository("mlflow-artifacts:/3/abc/artifacts")

    assert isinstance(repo, HttpArtifactRepository)
    assert repo.endpoint == f"http://tracker:5000{ARTIFACTS}"
    assert repo.root == "3/abc/artifacts"


@pytest.mark.parametrize("tracking", ["sqlite:///heron.db", "/tmp/mlruns", "postgresql://h/db"])
def test_proxied_uris_need_an_http_tracking_uri(tracking: str) -> None:
    with pytest.raises(InvalidParameter, match="http"):
        resolve_proxied_uri("mlflow-artifacts:/1", tracking)


@pytest.mark.parametrize(
    "uri",
    [
        "http://host/some/files",
        f"http://host{ARTIFACTS}x/1",
        f"http://host{ARTIFACTS}/../../etc",
        f"http://host{ARTIFACTS}/1?x=y",
        "mlflow-artifacts:/1#frag",
    ],
)
def test_uris_that_are_not_the_artifact_endpoint_are_refused(uri: str) -> None:
    with pytest.raises(InvalidParameter):
        HttpArtifactRepository(uri)


def test_basic_credentials_win_over_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "t0k")
    assert auth_headers() == {"Authorization": "Bearer t0k"}

    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ann")
    monkeypatch.setenv("HERON_TRACKING_PASSWORD", "s3cret")
    assert auth_headers() == {"Authorization": "Basic YW5uOnMzY3JldA=="}


def test_no_credentials_send_no_header(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("USERNAME", "PASSWORD", "TOKEN"):
        monkeypatch.delenv(f"HERON_TRACKING_{name}", raising=False)
        monkeypatch.delenv(f"MLFLOW_TRACKING_{name}", raising=False)

    assert auth_headers() == {}


@pytest.fixture
def proxied(heron_server: Any, tmp_path: Path) -> HttpArtifactRepository:
    """A proxied repository in its own corner of the session's server."""
    return HttpArtifactRepository(f"{heron_server.url}{ARTIFACTS}/{tmp_path.name}")


@pytest.mark.integration
def test_streams_go_both_ways(proxied: HttpArtifactRepository) -> None:
    pieces = [bytes([n]) * 300_001 for n in range(10)]

    proxied.write_stream("d/streamed.bin", iter(pieces))
    reader = proxied.open_read("d/streamed.bin")

    assert reader.size == 3_000_010
    assert b"".join(reader) == b"".join(pieces)


@pytest.mark.integration
def test_a_missing_file_is_not_found_when_opened(proxied: HttpArtifactRepository) -> None:
    with pytest.raises(NotFound, match="No such artifact"):
        proxied.open_read("nope.bin")


@pytest.mark.integration
@pytest.mark.parametrize(
    "name",
    ["with space.txt", "100%.txt", "q?x=1.txt", "über.txt", "a+b&c=d.txt", "%2e%2e.txt"],
)
def test_names_needing_quotes_round_trip(
    proxied: HttpArtifactRepository, tmp_path: Path, name: str
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / name).write_text(name)

    proxied.log_artifact(str(tmp_path / "src" / name), "d")

    assert proxied.list_artifacts("d") == [FileInfo(f"d/{name}", False, len(name.encode()))]
    local = proxied.download_artifacts(f"d/{name}", str(tmp_path / "dst"))
    assert Path(local).read_text() == name


@pytest.mark.integration
def test_a_failed_download_leaves_no_partial_file(
    proxied: HttpArtifactRepository, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        proxied.download_artifacts("missing.bin", str(tmp_path / "dst"))

    assert not (tmp_path / "dst" / "missing.bin").exists()
