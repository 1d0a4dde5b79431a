"""The artifact-repository contract suite's backends.

Each backend gives a repository under test, rooted at ``<top>/1/run/artifacts``, and a
second repository rooted at ``<top>`` of the same storage, which sees everything (the suite
uses it to plant a canary outside the root and to prove nothing outside changed).

- ``local``: a directory.
- ``s3``: a fresh bucket on moto's S3 server (``tests/fixtures/s3.py``).
- ``proxied``: a live ``heron server`` (``tests/fixtures/server.py``) over a local
  artifacts destination, reached with an
  ``mlflow-artifacts:`` URI resolved against the tracking URI, and (for ``top``) a plain
  ``http://.../api/2.0/mlflow-artifacts/artifacts/...`` URI.
"""

from __future__ import annotations

import uuid
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


def _local(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    top = tmp_path / "storage"
    top.mkdir()
    return Backend(
        repo=LocalArtifactRepository(str(top / "1" / "run" / "artifacts")),
        top=LocalArtifactRepository(top.as_uri()),
        absolute_canary=str(top / "canary"),
    )


def _s3(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    from heron.store.artifacts.s3 import S3ArtifactRepository

    bucket = request.getfixturevalue("s3_bucket")
    return Backend(
        repo=S3ArtifactRepository(f"s3://{bucket}/storage/1/run/artifacts"),
        top=S3ArtifactRepository(f"s3://{bucket}/storage"),
        absolute_canary="/storage/canary",
    )


def _proxied(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    from heron.store.artifacts.http import HttpArtifactRepository

    server = request.getfixturevalue("heron_server")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("HERON_TRACKING_URI", server.url)
    top = uuid.uuid4().hex  # each test gets its own corner of the shared destination
    return Backend(
        repo=HttpArtifactRepository(f"mlflow-artifacts:/{top}/1/run/artifacts"),
        top=HttpArtifactRepository(f"{server.url}/api/2.0/mlflow-artifacts/artifacts/{top}"),
        absolute_canary=str(server.artifacts_destination / top / "canary"),
    )


BUILDERS: dict[str, Callable[[pytest.FixtureRequest, Path], Backend]] = {
    "local": _local,
    "s3": _s3,
    "proxied": _proxied,
}
MARKS = {"s3": [pytest.mark.s3], "proxied": [pytest.mark.integration]}


@pytest.fixture(params=[pytest.param(name, marks=MARKS.get(name, [])) for name in BUILDERS])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each artifact backend, empty."""
    return BUILDERS[request.param](request, tmp_path)


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
