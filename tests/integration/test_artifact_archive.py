"""Heron's archive routes on a live proxy: hostile archives are refused whole, large trees
are answered 413, and paths stay confined."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fixtures.server import start_server
from heron.store.artifacts.archive import ARCHIVE_ROUTE, MAX_ARCHIVE_BYTES, pack, unpack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    directory = tmp_path_factory.mktemp("archive")
    destination = directory / "destination"
    destination.mkdir()
    (directory / "canary.txt").write_text("do not touch")
    heron = start_server(directory, "--artifacts-destination", str(destination))
    try:
        with httpx.Client(base_url=heron.url, timeout=60) as http:
            yield http, destination
    finally:
        heron.stop()


def _tar(*members: tarfile.TarInfo, content: bytes = b"x") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for member in members:
            archive.addfile(member, io.BytesIO(content) if member.isfile() else None)
    return out.getvalue()


def _file(name: str, size: int = 1) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.size = size
    return member


def _link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, target
    return member


def test_an_archive_round_trips(proxy: tuple[httpx.Client, Path]) -> None:
    http, destination = proxy
    files = [("a.txt", b"alpha"), ("deep/er/b.bin", bytes(range(256)))]
    assert http.put(f"{ARCHIVE_ROUTE}/run1/artifacts", content=pack(files)).status_code == 200
    assert (destination / "run1" / "artifacts" / "deep" / "er" / "b.bin").read_bytes() == bytes(
        range(256)
    )
    answer = http.get(f"{ARCHIVE_ROUTE}/run1/artifacts")
    assert answer.headers["content-type"] == "application/x-tar"
    assert sorted(unpack(answer.content)) == files
    missing = http.get(f"{ARCHIVE_ROUTE}/run1/none")
    assert (missing.status_code, missing.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.parametrize(
    "member",
    [
        _file("../escape.txt"),
        _file("/etc/escape.txt"),
        _file("ok/../../escape.txt"),
        _file("..%2f..%2fescape.txt"),
        _file("a\\..\\..\\escape.txt"),
        _link("link", tarfile.SYMTYPE, "../../canary.txt"),
        _link("hard", tarfile.LNKTYPE, "../../canary.txt"),
        _link("fifo", tarfile.FIFOTYPE, ""),
    ],
    ids=[
        "dotdot",
        "absolute",
        "nested-dotdot",
        "encoded",
        "backslash",
        "symlink",
        "hardlink",
        "fifo",
    ],
)
def test_a_hostile_member_refuses_the_whole_archive(
    proxy: tuple[httpx.Client, Path], member: tarfile.TarInfo
) -> None:
    http, destination = proxy
    body = _tar(_file("first.txt"), member)  # a fine file first: it must not be written
    answer = http.put(f"{ARCHIVE_ROUTE}/hostile", content=body)
    assert (answer.status_code, answer.json()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
    assert not (destination / "hostile").exists()
    assert (destination.parent / "canary.txt").read_text() == "do not touch"
    assert not list(destination.parent.rglob("escape.txt"))


@pytest.mark.parametrize("path", ["..", "../..", "%2e%2e/%2e%2e", "a/../../.."])
def test_the_route_path_is_confined(proxy: tuple[httpx.Client, Path], path: str) -> None:
    http, _ = proxy
    answer = http.get(f"{ARCHIVE_ROUTE}/{path}")
    assert answer.status_code in (400, 404)
    assert answer.headers["content-type"] != "application/x-tar"
    put = http.put(f"{ARCHIVE_ROUTE}/{path}", content=pack([("x.txt", b"x")]))
    assert put.status_code in (400, 404)


def test_garbage_and_oversized_bodies_are_refused(proxy: tuple[httpx.Client, Path]) -> None:
    http, destination = proxy
    garbage = http.put(f"{ARCHIVE_ROUTE}/junk", content=b"not a tar" * 200)
    assert garbage.status_code == 400
    too_big = http.put(f"{ARCHIVE_ROUTE}/big", content=b"\0" * (MAX_ARCHIVE_BYTES + (2 << 20)))
    assert too_big.status_code == 400
    assert not (destination / "junk").exists()
    assert not (destination / "big").exists()


def test_a_large_tree_is_answered_413(proxy: tuple[httpx.Client, Path]) -> None:
    http, destination = proxy
    tree = destination / "large"
    tree.mkdir()
    for index in range(3):
        (tree / f"{index}.bin").write_bytes(b"\0" * (MAX_ARCHIVE_BYTES // 2))
    answer = http.get(f"{ARCHIVE_ROUTE}/large")
    assert (answer.status_code, answer.json()["error_code"]) == (413, "RESOURCE_EXHAUSTED")
