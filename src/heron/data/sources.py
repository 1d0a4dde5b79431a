"""Where a dataset came from: MLflow's dataset sources, their JSON, and ``load()``.

A source is stored on the run as ``source_type`` plus a JSON ``source`` (``{"uri": ...}``,
``{"url": ...}``, ``{"tags": ...}``, ``{"path"/"delta_table_name"/...}``), exactly as
MLflow writes them, so MLflow and Heron read each other's dataset inputs.
"""

from __future__ import annotations

import json
import os
import tempfile
from abc import ABC, abstractmethod
from typing import Any, ClassVar
from urllib.parse import urlparse

from heron.exceptions import InvalidParameter

# URI schemes MLflow resolves to an artifact-repository source, and the source_type it uses.
ARTIFACT_SCHEMES = {
    "s3": "s3",
    "gs": "gs",
    "wasbs": "wasbs",
    "ftp": "ftp",
    "sftp": "sftp",
    "hdfs": "hdfs",
    "viewfs": "viewfs",
    "abfss": "abfss",
    "r2": "r2",
    "b2": "b2",
}


class DatasetSource(ABC):
    """The origin of a dataset; ``source_type`` names its kind in stored dataset inputs."""

    source_type: ClassVar[str]

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready description stored as the dataset's ``source``."""

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON (MLflow's ``source`` field)."""
        return json.dumps(self.to_dict())

    def load(self, dst_path: str | None = None) -> str:
        """Fetch the data locally and return its path.

        Raises:
            InvalidParameter: This kind of source cannot be loaded.
        """
        raise InvalidParameter(f"A dataset source of type {self.source_type!r} cannot be loaded")

    def _get_source_type(self) -> str:
        return self.source_type


class CodeDatasetSource(DatasetSource):
    """Data built by code: the run context tags (user, source name and type) of that code."""

    source_type = "code"

    def __init__(self, tags: dict[str, Any]):
        self.tags = dict(tags)

    def to_dict(self) -> dict[str, Any]:
        """``{"tags": {...}}``."""
        return {"tags": self.tags}


class ArtifactDatasetSource(DatasetSource):
    """A file or directory at a URI: a local path (``local``), ``s3://``, ``gs://``, ..."""

    source_type = "local"

    def __init__(self, uri: str, source_type: str | None = None):
        self.uri = uri
        if source_type is not None:
            self.source_type = source_type  # type: ignore[misc]

    def to_dict(self) -> dict[str, Any]:
        """``{"uri": ...}``."""
        return {"uri": self.uri}

    def load(self, dst_path: str | None = None) -> str:
        """Download (or for a local path, return) the data; see :meth:`DatasetSource.load`."""
        from heron.artifacts import download_artifacts

        return download_artifacts(artifact_uri=self.uri, dst_path=dst_path)


class HTTPDatasetSource(DatasetSource):
    """Data at an ``http(s)`` URL."""

    source_type = "http"

    def __init__(self, url: str):
        self.url = url

    def to_dict(self) -> dict[str, Any]:
        """``{"url": ...}``."""
        return {"url": self.url}

    def load(self, dst_path: str | None = None) -> str:
        """Download the URL into ``dst_path`` (a new temporary directory by default)."""
        import httpx

        directory = dst_path or tempfile.mkdtemp()
        name = os.path.basename(urlparse(self.url).path) or "dataset_source"
        target = os.path.join(directory, name)
        with httpx.stream("GET", self.url, follow_redirects=True, timeout=60) as response:
            response.raise_for_status()
            with open(target, "wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
        return target


class DeltaDatasetSource(DatasetSource):
    """A Delta table, by path or by name, optionally at a version."""

    source_type = "delta_table"

    def __init__(
        self,
        path: str | None = None,
        delta_table_name: str | None = None,
        delta_table_version: int | None = None,
    ):
        if not path and not delta_table_name:
            raise InvalidParameter("Must specify exactly one of 'path' or 'delta_table_name'")
        self.path = path
        self.delta_table_name = delta_table_name
        self.delta_table_version = delta_table_version

    def to_dict(self) -> dict[str, Any]:
        """``{"path"|"delta_table_name": ..., "delta_table_version": ...}``."""
        info: dict[str, Any] = {}
        if self.path:
            info["path"] = self.path
        if self.delta_table_name:
            info["delta_table_name"] = self.delta_table_name
        if self.delta_table_version:
            info["delta_table_version"] = self.delta_table_version
        return info

    def load(self, dst_path: str | None = None) -> Any:
        """The table (at ``delta_table_version`` when set) as a ``pyspark.sql.DataFrame``."""
        from heron.data.spark_sources import load_delta_source

        return load_delta_source(self.path, self.delta_table_name, self.delta_table_version)


def resolve_dataset_source(raw: str | os.PathLike[str]) -> DatasetSource:
    """The source a user's string names: an ``http(s)`` URL, an artifact URI or a local path.

    Raises:
        InvalidParameter: An unsupported scheme.
    """
    text = os.fspath(raw)
    scheme = urlparse(text).scheme.lower()
    if scheme in ("http", "https"):
        return HTTPDatasetSource(text)
    if scheme in ARTIFACT_SCHEMES:
        return ArtifactDatasetSource(text, ARTIFACT_SCHEMES[scheme])
    if scheme in ("", "file") or (len(scheme) == 1 and os.name == "nt"):
        return ArtifactDatasetSource(text, "local")
    raise InvalidParameter(f"Could not find a dataset source for {text!r} (scheme {scheme!r})")


def source_from_json(source_json: str, source_type: str) -> DatasetSource:
    """Rebuild a source from a stored dataset's ``source`` and ``source_type``.

    Raises:
        InvalidParameter: Malformed JSON or an unknown source type.
    """
    try:
        info = json.loads(source_json)
    except ValueError as error:
        raise InvalidParameter(f"Dataset source is not valid JSON: {error}") from error
    if not isinstance(info, dict):
        raise InvalidParameter("Dataset source JSON must be an object")
    if source_type == "code":
        return CodeDatasetSource(info.get("tags") or {})
    if source_type == "http" and isinstance(info.get("url"), str):
        return HTTPDatasetSource(info["url"])
    if source_type == "spark":
        from heron.data.spark_sources import SparkDatasetSource

        return SparkDatasetSource(info.get("path"), info.get("table_name"), info.get("sql"))
    if source_type == "delta_table":
        return DeltaDatasetSource(
            info.get("path"), info.get("delta_table_name"), info.get("delta_table_version")
        )
    if (source_type == "local" or source_type in ARTIFACT_SCHEMES.values()) and isinstance(
        info.get("uri"), str
    ):
        return ArtifactDatasetSource(info["uri"], source_type)
    raise InvalidParameter(f"Unknown or malformed dataset source of type {source_type!r}")
