"""Streaming reads and writes of artifact files: the contract's defaults and the local ones.

The defaults (:meth:`ArtifactRepository.open_read` and ``write_stream`` as the base class
implements them, through a temporary copy) are called explicitly on a local repository, so
both paths run against the same real storage.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.exceptions import InvalidParameter, NotFound
from heron.store.artifacts.base import ArtifactReader, ArtifactRepository, split_artifact_file
from heron.store.artifacts.local import LocalArtifactRepository


@pytest.fixture
def repo(tmp_path: Path) -> LocalArtifactRepository:
    """A local repository in an empty directory."""
    return LocalArtifactRepository(str(tmp_path / "root"))


@pytest.fixture(params=["default", "local"])
def way(request: pytest.FixtureRequest) -> str:
    """Which implementation to call: the base class's default, or the local override."""
    return str(request.param)


def _write(repo: LocalArtifactRepository, way: str, path: str, chunks: object) -> None:
    if way == "default":
        ArtifactRepository.write_stream(repo, path, chunks)  # type: ignore[arg-type]
    else:
        repo.write_stream(path, chunks)  # type: ignore[arg-type]


def _open(repo: LocalArtifactRepository, way: str, path: str) -> ArtifactReader:
    if way == "default":
        return ArtifactRepository.open_read(repo, path)
    return repo.open_read(path)


def test_a_stream_written_reads_back_whole(repo: LocalArtifactRepository, way: str) -> None:
    pieces = [os.urandom(n) for n in (1, 0, 70_000, 3_000_000)]

    _write(repo, way, "d/e/f.bin", iter(pieces))
    reader = _open(repo, way, "d/e/f.bin")

    assert reader.size == sum(map(len, pieces))
    assert b"".join(reader) == b"".join(pieces)
    assert list(reader) == []


def _failing() -> Iterator[bytes]:
    yield b"new content that never completes"
    raise ConnectionError("the client went away")


def test_a_failed_stream_leaves_the_old_file(repo: LocalArtifactRepository, way: str) -> None:
    _write(repo, way, "f.txt", [b"old"])

    with pytest.raises(ConnectionError):
        _write(repo, way, "f.txt", _failing())

    assert b"".join(_open(repo, way, "f.txt")) == b"old"
    assert os.listdir(repo.artifact_dir) == ["f.txt"]


@pytest.mark.parametrize("path", ["missing.txt", "d", "d/missing.txt"])
def test_opening_what_is_not_a_file_is_not_found(
    repo: LocalArtifactRepository, way: str, path: str
) -> None:
    _write(repo, way, "d/f.txt", [b"x"])

    with pytest.raises(NotFound):
        _open(repo, way, path)


@pytest.mark.parametrize("path", ["", "../x.txt", "/abs.txt", "a\\b.txt"])
def test_streams_need_a_safe_file_path(repo: LocalArtifactRepository, way: str, path: str) -> None:
    with pytest.raises(InvalidParameter):
        _write(repo, way, path, [b"x"])
    with pytest.raises(InvalidParameter):
        _open(repo, way, path)


def test_a_reader_closed_early_releases_its_copy(
    repo: LocalArtifactRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "temp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))  # tempfile's own knob
    repo.write_stream("big.bin", [b"x" * 3_000_000])
    reader = ArtifactRepository.open_read(repo, "big.bin")
    copies = os.listdir(tmp_path / "temp")

    next(reader)
    reader.close()
    reader.close()

    assert len(copies) == 1
    assert os.listdir(tmp_path / "temp") == []
    assert list(reader) == []


@pytest.mark.parametrize("path", ["d", "f.txt/g.txt"])
def test_local_streams_cannot_replace_directories_or_pass_through_files(
    repo: LocalArtifactRepository, path: str
) -> None:
    repo.write_stream("d/inner.txt", [b"1"])
    repo.write_stream("f.txt", [b"2"])

    with pytest.raises(InvalidParameter, match="Cannot write artifact"):
        repo.write_stream(path, [b"x"])


@pytest.mark.parametrize(
    ("path", "parts"),
    [("f.txt", ("", "f.txt")), ("a/./b//c.bin", ("a/b", "c.bin")), ("%2e.txt", ("", "%2e.txt"))],
)
def test_file_paths_split_into_directory_and_name(path: str, parts: tuple[str, str]) -> None:
    assert split_artifact_file(path) == parts
