"""Multipart uploads: a client sends a big file's parts straight to the storage, in parallel.

A repository that can hand out one URL per part (S3 presigned URLs) mixes in
:class:`MultipartUploadMixin`; the artifact proxy offers its ``mpu/create|complete|abort``
endpoints only for such repositories. The names and shapes follow MLflow's
``MultipartUploadMixin`` and ``mlflow.entities.multipart_upload``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

MAX_PARTS = 10_000
"""The most parts one upload may have (S3's limit)."""


@dataclass(frozen=True)
class MultipartUploadCredential:
    """Where and how to PUT one part: a URL, the part's number (from 1), extra headers."""

    url: str
    part_number: int
    headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the proxy's CreateMultipartUpload response entries."""
        return {"url": self.url, "part_number": self.part_number, "headers": self.headers}


@dataclass(frozen=True)
class MultipartUploadPart:
    """One uploaded part: its number, the ETag the storage answered, and the URL used."""

    part_number: int
    etag: str
    url: str | None = None


@dataclass(frozen=True)
class CreateMultipartUploadResponse:
    """A started upload: its id and one credential per part."""

    upload_id: str
    credentials: list[MultipartUploadCredential]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the proxy's CreateMultipartUpload response."""
        return {
            "upload_id": self.upload_id,
            "credentials": [credential.to_dict() for credential in self.credentials],
        }


class MultipartUploadMixin(abc.ABC):
    """What a repository implements to accept multipart uploads.

    In every method ``local_file`` is the file's name (MLflow's client sends its local path;
    only the last component counts) and ``artifact_path`` the directory under the root.
    """

    @abc.abstractmethod
    def create_multipart_upload(
        self, local_file: str, num_parts: int = 1, artifact_path: str | None = None
    ) -> CreateMultipartUploadResponse:
        """Start an upload of ``num_parts`` parts (1 to :data:`MAX_PARTS`)."""

    @abc.abstractmethod
    def complete_multipart_upload(
        self,
        local_file: str,
        upload_id: str,
        parts: list[MultipartUploadPart],
        artifact_path: str | None = None,
    ) -> None:
        """Assemble the uploaded parts into the file; it appears whole, at once."""

    @abc.abstractmethod
    def abort_multipart_upload(
        self, local_file: str, upload_id: str, artifact_path: str | None = None
    ) -> None:
        """Give up an upload and free its parts."""
