"""No request to a live server's artifact proxy reaches outside its destination (ART-1, ART-2).

The destination is ``<base>/root``; a canary lives in ``<base>/canary``. Each escape below is
sent byte for byte (no client-side normalisation) to every artifact route, under both the
``/api`` and ``/ajax-api`` prefixes. Expected: 400 (404 only for a harmless missing path),
the canary intact, nothing created outside the destination.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from fixtures.raw_http import raw_request
from fixtures.server import start_server

pytestmark = pytest.mark.integration

PREFIXES = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"]
ESCAPES = [
    "../canary/secret.txt",
    "..%2fcanary%2fsecret.txt",
    "%2e%2e%2fcanary/secret.txt",
    "%252e%252e%252fcanary/secret.txt",
    "%25252e%25252e%25252fcanary/secret.txt",
    "..%5ccanary%5csecret.txt",
    "..\\canary\\secret.txt",
    "{absolute}",
    "C:%5ccanary%5csecret.txt",
    "C:/canary/secret.txt",
    "x;/../../canary/secret.txt",
    "x%3b/../../canary/secret.txt",
    "x%23/../../canary/secret.txt",
    "x%00.txt",
    "../canary/secret.txt%00.png",
    "%c0%ae%c0%ae/canary/secret.txt",
    "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afcanary/secret.txt",
    "a/./../../canary/secret.txt",
    "a/../../canary/secret.txt",
    "a" * 4000,
]


@dataclass
class Layout:
    """The proxy's URL, its destination, and the files outside it that must not change."""

    url: str
    base: Path
    root: Path
    outside: dict[str, bytes]

    def spell(self, escape: str) -> str:
        """The escape as it goes into a URL (an absolute path names the real canary)."""
        return escape.replace("{absolute}", str(self.base / "canary" / "secret.txt"))

    def assert_untouched(self) -> None:
        """Nothing outside the destination was created, changed or removed."""
        assert _files(self.base, exclude=self.root) == self.outside


def _files(top: Path, exclude: Path) -> dict[str, bytes]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(top):
        if Path(dirpath) == exclude or exclude in Path(dirpath).parents:
            continue
        dirnames.sort()
        for name in filenames:
            path = Path(dirpath) / name
            found[str(path.relative_to(top))] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Layout]:
    """A proxy over ``<base>/root``; ``root/exp/link`` is a symlink to ``<base>/canary``."""
    base = tmp_path_factory.mktemp("confinement")
    (base / "canary").mkdir()
    (base / "canary" / "secret.txt").write_text("do not touch")
    (base / "root" / "exp").mkdir(parents=True)
    (base / "root" / "exp" / "own.txt").write_text("mine")
    (base / "root" / "exp" / "link").symlink_to(base / "canary", target_is_directory=True)
    outside = _files(base, exclude=base / "root")
    server = start_server(
        tmp_path_factory.mktemp("confinement-server"),
        "--artifacts-destination",
        str(base / "root"),
    )
    try:
        yield Layout(server.url, base, base / "root", outside)
    finally:
        server.stop()


def _assert_refused(status: int, body: bytes) -> None:
    assert status in (400, 404), (status, body)
    if status == 404:
        assert b"RESOURCE_DOES_NOT_EXIST" in body
    else:
        assert b'"error_code":"INVALID_PARAMETER_VALUE"' in body


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("escape", ESCAPES)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_escapes_on_artifact_routes_are_refused(
    layout: Layout, method: str, escape: str, prefix: str
) -> None:
    target = f"{prefix}/artifacts/{layout.spell(escape)}"

    answer = raw_request(layout.url, method, target, b"evil" if method == "PUT" else b"")

    _assert_refused(answer.status, answer.body)
    if method != "GET":
        assert answer.status == 400
    layout.assert_untouched()


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("escape", ESCAPES)
def test_escapes_in_listings_are_refused(layout: Layout, escape: str, prefix: str) -> None:
    answer = raw_request(layout.url, "GET", f"{prefix}/artifacts?path={layout.spell(escape)}")

    assert answer.status == 400, answer.body
    assert b"INVALID_PARAMETER_VALUE" in answer.body


@pytest.mark.parametrize("endpoint", ["mpu/create", "mpu/complete", "mpu/abort", "presigned"])
@pytest.mark.parametrize("escape", ESCAPES[:8])
def test_escapes_on_multipart_routes_are_refused(
    layout: Layout, endpoint: str, escape: str
) -> None:
    method = "GET" if endpoint == "presigned" else "POST"
    target = f"/api/2.0/mlflow-artifacts/{endpoint}/{layout.spell(escape)}"

    answer = raw_request(layout.url, method, target)

    assert answer.status == 400, answer.body
    layout.assert_untouched()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_raw_fragment_never_leaves_the_root(layout: Layout, method: str) -> None:
    target = "/api/2.0/mlflow-artifacts/artifacts/x#/../../canary/secret.txt"

    answer = raw_request(layout.url, method, target, b"evil" if method == "PUT" else b"")

    assert answer.status < 500
    layout.assert_untouched()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "exp/link/secret.txt"),
        ("PUT", "exp/link/evil.txt"),
        ("PUT", "exp/link/secret.txt"),
        ("DELETE", "exp/link/secret.txt"),
        ("DELETE", "exp/link"),
    ],
)
def test_symlinks_out_of_the_destination_are_refused(
    layout: Layout, method: str, path: str
) -> None:
    answer = raw_request(layout.url, method, f"/api/2.0/mlflow-artifacts/artifacts/{path}", b"evil")

    assert answer.status == 400, answer.body
    assert b"outside the artifact root" in answer.body
    layout.assert_untouched()
    assert (layout.root / "exp" / "link").is_symlink()


def test_symlinks_out_of_the_destination_are_not_listed(layout: Layout) -> None:
    inside = raw_request(layout.url, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=exp")
    through = raw_request(layout.url, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=exp/link")

    assert inside.body == b'{"files":[{"path":"own.txt","is_dir":false,"file_size":4}]}'
    assert through.status == 400


def test_error_messages_do_not_reveal_server_paths(layout: Layout) -> None:
    target = "/api/2.0/mlflow-artifacts/artifacts/d/" + quote("b" * 300) + ".txt"

    answer = raw_request(layout.url, "PUT", target, b"x")

    assert answer.status == 400
    assert str(layout.base).encode() not in answer.body
