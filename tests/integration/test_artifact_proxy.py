"""The artifacts proxy routes of a live ``heron server``, over a local destination (spec 4)."""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from fixtures.raw_http import raw_request
from fixtures.server import start_server

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow-artifacts"


@dataclass
class Proxy:
    """A live proxy, an HTTP client for it, and its destination directory."""

    url: str
    http: httpx.Client
    destination: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """One ``heron server`` for the module, over a local artifacts destination."""
    directory = tmp_path_factory.mktemp("proxy")
    destination = directory / "destination"
    destination.mkdir()
    heron = start_server(directory, "--artifacts-destination", str(destination))
    try:
        with httpx.Client(base_url=heron.url) as http:
            yield Proxy(heron.url, http, destination)
    finally:
        heron.stop()


@pytest.fixture
def proxy(server: Proxy) -> Proxy:
    """The module's proxy, its destination emptied."""
    shutil.rmtree(server.destination)
    server.destination.mkdir()
    return server


def test_an_upload_is_stored_and_downloads_as_an_attachment(proxy: Proxy) -> None:
    put = proxy.http.put(f"{API}/artifacts/1/run/artifacts/notes.txt", content=b"hello")
    got = proxy.http.get(f"{API}/artifacts/1/run/artifacts/notes.txt")

    assert put.status_code == 200
    assert (proxy.destination / "1" / "run" / "artifacts" / "notes.txt").read_bytes() == b"hello"
    assert got.content == b"hello"
    assert got.headers["content-type"].startswith("text/plain")
    assert got.headers["content-disposition"] == "attachment; filename=notes.txt"  # MLflow's
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-length"] == "5"


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "app.js"])
def test_active_content_is_served_as_plain_text(proxy: Proxy, name: str) -> None:
    proxy.http.put(f"{API}/artifacts/{name}", content=b"<script>alert(1)</script>")

    got = proxy.http.get(f"{API}/artifacts/{name}")

    assert got.headers["content-type"].startswith("text/plain")


def test_names_are_quoted_in_the_disposition(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/d/r%C3%A9sum%C3%A9%20%22x%22.bin", content=b"1")

    got = proxy.http.get(f"{API}/artifacts/d/r%C3%A9sum%C3%A9%20%22x%22.bin")

    assert got.headers["content-disposition"] == (
        'attachment; filename="resume \\"x\\".bin"; '
        "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.bin"
    )
    assert (proxy.destination / "d" / 'résumé "x".bin').read_bytes() == b"1"


def test_a_missing_artifact_is_not_found(proxy: Proxy) -> None:
    got = proxy.http.get(f"{API}/artifacts/1/nope.txt")

    assert got.status_code == 404
    assert got.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert got.json()["message"] == "No such artifact: '1/nope.txt'"


@pytest.mark.parametrize("path", ["", "d", "d/"])
def test_downloading_a_directory_is_a_bad_request(proxy: Proxy, path: str) -> None:
    proxy.http.put(f"{API}/artifacts/d/f.txt", content=b"x")

    got = proxy.http.get(f"{API}/artifacts/{path}")

    assert got.status_code == 400
    assert got.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_head_gives_the_headers_without_the_body(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/f.bin", content=b"12345")

    head = proxy.http.head(f"{API}/artifacts/f.bin")

    assert head.status_code == 200
    assert head.headers["content-length"] == "5"
    assert head.content == b""


def test_listing_gives_basenames_sizes_and_directories(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/1/r/a.txt", content=b"alpha")
    proxy.http.put(f"{API}/artifacts/1/r/sub/b.txt", content=b"b")

    listed = proxy.http.get(f"{API}/artifacts", params={"path": "1/r"})

    assert listed.json() == {
        "files": [
            {"path": "a.txt", "is_dir": False, "file_size": 5},
            {"path": "sub", "is_dir": True},
        ]
    }


@pytest.mark.parametrize("path", ["missing", "1/r/a.txt", "1/r/empty"])
def test_listing_a_file_a_missing_or_an_empty_path_gives_an_empty_object(
    proxy: Proxy, path: str
) -> None:
    proxy.http.put(f"{API}/artifacts/1/r/a.txt", content=b"alpha")
    (proxy.destination / "1" / "r" / "empty").mkdir()

    listed = proxy.http.get(f"{API}/artifacts", params={"path": path})

    assert listed.status_code == 200
    assert listed.json() == {}


def test_the_ajax_prefix_serves_the_same_routes(proxy: Proxy) -> None:
    proxy.http.put("/ajax-api/2.0/mlflow-artifacts/artifacts/a.txt", content=b"a")

    assert proxy.http.get(f"{API}/artifacts/a.txt").content == b"a"
    assert proxy.http.get("/ajax-api/2.0/mlflow-artifacts/artifacts").json()["files"]


def test_uploading_again_replaces_the_file(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/f.txt", content=b"first version")

    proxy.http.put(f"{API}/artifacts/f.txt", content=b"second")

    assert proxy.http.get(f"{API}/artifacts/f.txt").content == b"second"


@pytest.mark.parametrize("path", ["", "d/", "existing"])
def test_an_upload_needs_a_file_name_that_is_not_a_directory(proxy: Proxy, path: str) -> None:
    (proxy.destination / "existing").mkdir(parents=True)

    put = proxy.http.put(f"{API}/artifacts/{path}", content=b"x")

    assert put.status_code == 400
    assert put.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_an_upload_under_a_file_is_a_bad_request(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/f.txt", content=b"x")

    put = proxy.http.put(f"{API}/artifacts/f.txt/g.txt", content=b"y")

    assert put.status_code == 400
    assert (proxy.destination / "f.txt").read_bytes() == b"x"


def test_delete_removes_a_file_or_a_tree_but_never_the_root(proxy: Proxy) -> None:
    for path in ("keep.txt", "d/a.txt", "d/e/b.txt"):
        proxy.http.put(f"{API}/artifacts/{path}", content=b"x")

    assert proxy.http.delete(f"{API}/artifacts/d").json() == {}
    assert proxy.http.delete(f"{API}/artifacts/not/there").status_code == 200
    assert proxy.http.delete(f"{API}/artifacts/").status_code == 400
    assert sorted(p.name for p in proxy.destination.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("endpoint", ["mpu/create", "mpu/complete", "mpu/abort"])
def test_multipart_upload_is_not_implemented_for_local_destinations(
    proxy: Proxy, endpoint: str
) -> None:
    body = {"path": "big.bin", "num_parts": 2, "upload_id": "u", "parts": []}

    answer = proxy.http.post(f"{API}/{endpoint}/1/run", json=body)

    assert answer.status_code == 501
    assert answer.json()["error_code"] == "NOT_IMPLEMENTED"


def test_presigned_downloads_are_not_offered(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/f.txt", content=b"x")

    answer = proxy.http.get(f"{API}/presigned/f.txt")

    assert answer.status_code == 501


def test_a_chunked_upload_is_streamed_whole(proxy: Proxy) -> None:
    pieces = [bytes([n]) * (100_000 + n) for n in range(40)]

    put = proxy.http.put(f"{API}/artifacts/big.bin", content=iter(pieces))

    assert put.status_code == 200
    assert (proxy.destination / "big.bin").read_bytes() == b"".join(pieces)


def test_an_upload_of_many_batches_keeps_its_order(proxy: Proxy) -> None:
    # Uneven pieces, 3 to 4 of the server's upload batches and more than two writeback
    # windows: every piece must land once, in order, however the body is regrouped.
    pieces = [os.urandom(n) for n in [1, 65_537, 3 << 20, 7, 5 << 20, 1 << 20] * 3]

    put = proxy.http.put(f"{API}/artifacts/d/many.bin", content=iter(pieces))
    got = proxy.http.get(f"{API}/artifacts/d/many.bin")

    assert put.status_code == 200
    assert got.content == b"".join(pieces)
    assert os.listdir(proxy.destination / "d") == ["many.bin"]


def _partial_files(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".partial")]


def test_an_interrupted_upload_publishes_nothing_and_keeps_the_old_file(proxy: Proxy) -> None:
    proxy.http.put(f"{API}/artifacts/f.bin", content=b"old")
    host, port = proxy.url.removeprefix("http://").split(":")
    head = (
        f"PUT {API}/artifacts/f.bin HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4000000\r\n\r\n"
    ).encode()

    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(head + b"n" * 3_000_000)
        deadline = time.monotonic() + 10  # wait until the server has begun writing
        while not _partial_files(proxy.destination) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _partial_files(proxy.destination)
    deadline = time.monotonic() + 10  # the server notices the hang-up and cleans up
    while _partial_files(proxy.destination) and time.monotonic() < deadline:
        time.sleep(0.01)

    assert _partial_files(proxy.destination) == []
    assert (proxy.destination / "f.bin").read_bytes() == b"old"
    assert raw_request(proxy.url, "GET", f"{API}/artifacts/f.bin").body == b"old"
