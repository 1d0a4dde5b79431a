"""The artifact-repository contract.

A repository is rooted at one artifact URI (a run's ``artifact_uri``, say). Every
``artifact_path`` argument is relative to that root, uses ``/`` separators, and must stay
inside it: implementations refuse anything else with INVALID_PARAMETER_VALUE, whatever the
encoding. Writes are atomic: a reader never sees half a file.
"""

from __future__ import annotations

import abc
import os
import posixpath
import tempfile

from heron.entities import FileInfo
from heron.store.artifacts.paths import safe_relative_path


class ArtifactRepository(abc.ABC):
    """Files under one artifact root."""

    def __init__(self, artifact_uri: str):
        self.artifact_uri = artifact_uri

    @abc.abstractmethod
    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        """Copy one local file into ``artifact_path`` (a directory) under the root."""

    @abc.abstractmethod
    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Copy the contents of a local directory into ``artifact_path`` under the root."""

    @abc.abstractmethod
    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """The direct children of ``path``; paths in the result are relative to the root."""

    @abc.abstractmethod
    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        """Copy one file under the root to a local path."""

    @abc.abstractmethod
    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        """Remove a file or a directory tree under the root (the whole root for None)."""

    def is_dir(self, artifact_path: str) -> bool:
        """Whether ``artifact_path`` is a directory (listing it gives entries)."""
        if not artifact_path:
            return True
        listing = self.list_artifacts(artifact_path)
        return bool(listing) and not (
            len(listing) == 1 and not listing[0].is_dir and listing[0].path == artifact_path
        )

    def download_artifacts(self, artifact_path: str, dst_path: str | None = None) -> str:
        """Download a file or directory to ``dst_path`` (a new temporary directory for None).

        Returns the local path of the downloaded file or directory.
        """
        artifact_path = safe_relative_path(artifact_path)
        dst = dst_path or tempfile.mkdtemp(prefix="heron-artifacts-")
        dst = os.path.abspath(dst)
        if self.is_dir(artifact_path):
            self._download_tree(artifact_path, dst)
            return os.path.join(dst, *artifact_path.split("/")) if artifact_path else dst
        local = os.path.join(dst, *artifact_path.split("/"))
        os.makedirs(os.path.dirname(local), exist_ok=True)
        self._download_file(artifact_path, local)
        return local

    def _download_tree(self, artifact_path: str, dst: str) -> None:
        os.makedirs(
            os.path.join(dst, *artifact_path.split("/")) if artifact_path else dst, exist_ok=True
        )
        for info in self.list_artifacts(artifact_path or None):
            safe_relative_path(info.path)  # a hostile listing must not write outside dst
            if info.is_dir:
                self._download_tree(info.path, dst)
            else:
                local = os.path.join(dst, *info.path.split("/"))
                os.makedirs(os.path.dirname(local), exist_ok=True)
                self._download_file(info.path, local)


def join_artifact_path(*parts: str | None) -> str:
    """Join relative artifact path parts with ``/``, skipping empty ones."""
    return posixpath.join(*[p.strip("/") for p in parts if p]) if any(parts) else ""
