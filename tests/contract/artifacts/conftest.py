"""The artifact-repository contract suite's backends.

Each backend gives a repository under test, rooted at ``<top>/1/run/artifacts``, and a
second repository rooted at ``<top>`` of the same storage, which sees everything (the suite
uses it to plant a canary outside the root and to prove nothing outside changed). A later
issue adds ``s3`` and ``proxied`` by adding a param and a builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from heron.store.artifacts.base import ArtifactRepository
from heron.store.artifacts.local import LocalArtifactRepository


@dataclass
class Backend:
    """A repository under test and a view of its whole storage."""

    repo: ArtifactRepository
    top: ArtifactRepository
    absolute_canary: str  # how the canary directory is spelled as an absolute path

    def snapshot(self, path: str | None = None) -> dict[str, int | None]:
        """Every file and directory in the storage, with file sizes."""
        found: dict[str, int | None] = {}
        for info in self.top.list_artifacts(path):
            found[info.path] = info.file_size
            if info.is_dir:
                found.update(self.snapshot(info.path))
        return found


def _local(tmp_path: Path) -> Backend:
    top = tmp_path / "storage"
    top.mkdir()
    return Backend(
        repo=LocalArtifactRepository(str(top / "1" / "run" / "artifacts")),
        top=LocalArtifactRepository(top.as_uri()),
        absolute_canary=str(top / "canary"),
    )


BUILDERS: dict[str, Callable[[Path], Backend]] = {"local": _local}


@pytest.fixture(params=sorted(BUILDERS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each artifact backend, empty."""
    return BUILDERS[request.param](tmp_path)


@pytest.fixture
def repo(backend: Backend) -> ArtifactRepository:
    """The repository under test, rooted three levels below the top of its storage."""
    return backend.repo


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A local tree to upload: a.txt, sub/b.txt, sub/deeper/c.bin."""
    root = tmp_path / "source"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("alpha")
    (root / "sub" / "b.txt").write_text("bravo!")
    (root / "sub" / "deeper" / "c.bin").write_bytes(bytes(range(256)))
    return root


@pytest.fixture
def canary(backend: Backend, tmp_path: Path) -> dict[str, int | None]:
    """A file at ``<top>/canary/secret.txt``, outside the root; returns the storage snapshot."""
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch")
    backend.top.log_artifact(str(secret), "canary")
    return backend.snapshot()
