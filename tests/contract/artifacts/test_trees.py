"""Small trees at once: write_tree and read_tree, on every backend (one request each way
through a Heron proxy), and their confinement."""

from __future__ import annotations

from typing import Any

import pytest

from heron.exceptions import InvalidParameter
from heron.store.artifacts.base import ArtifactRepository
from heron.store.artifacts.http import HttpArtifactRepository

FILES = [("a.txt", b"alpha"), ("sub/b.txt", b"bravo!"), ("sub/deeper/c.bin", bytes(range(256)))]


def test_a_tree_written_at_once_reads_back(repo: ArtifactRepository) -> None:
    repo.write_tree(FILES, "model")
    assert [info.path for info in repo.list_artifacts("model")] == [
        "model/a.txt",
        "model/sub",
    ]
    reader = repo.open_read("model/sub/deeper/c.bin")
    assert b"".join(reader) == bytes(range(256))
    reader.close()
    tree = repo.read_tree("model")
    if isinstance(repo, HttpArtifactRepository):
        assert tree is not None
        assert sorted(tree) == FILES  # one archive from the proxy
    else:
        assert tree is None  # read file by file


def test_writing_a_tree_replaces_its_files(repo: ArtifactRepository) -> None:
    repo.write_tree(FILES)
    repo.write_tree([("a.txt", b"new"), ("sub/b.txt", b"")])
    assert {info.path: info.file_size for info in repo.list_artifacts("sub")}["sub/b.txt"] == 0
    assert repo.list_artifacts()[0].file_size == 3


def test_reading_an_empty_tree(repo: ArtifactRepository) -> None:
    assert repo.read_tree("nothing/here") in (None, [])


@pytest.mark.parametrize(
    "escape", ["../../../canary", "..%2f..%2f..%2fcanary", "a/../../../../canary"]
)
def test_a_tree_outside_is_refused(
    backend: Any, canary: dict[str, int | None], escape: str
) -> None:
    with pytest.raises(InvalidParameter):
        backend.repo.write_tree(FILES, escape)
    with pytest.raises(InvalidParameter):
        backend.repo.write_tree([(f"{escape}/x.txt", b"evil"), ("b.txt", b"fine")])
    with pytest.raises(InvalidParameter):
        backend.repo.read_tree(escape)
    assert backend.snapshot() == canary
