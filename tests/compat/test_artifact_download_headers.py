"""Artifact-proxy downloads carry MLflow 3.17.2's Content-Type (``text/plain`` for MLmodel
and text extensions, no charset added) and Content-Disposition: the same file
uploaded to a real ``mlflow server`` and to ``heron server`` comes back with equal headers."""

from __future__ import annotations

import httpx
import pytest
from processes import ServerProcess

pytestmark = pytest.mark.compat

NAMES = [
    "MLmodel",
    "MLproject",
    "conda.yaml",
    "requirements.txt",
    "model.pkl",
    "data.parquet",
    "image.png",
    "notes.md",
    "archive.tar.gz",
    "no_extension",
    "with space.txt",
    "modèle.json",
]


@pytest.mark.parametrize("name", NAMES)
def test_download_headers_match_mlflow(
    mlflow_server: ServerProcess, heron_compat_server: ServerProcess, name: str
) -> None:
    found = []
    for server in (mlflow_server, heron_compat_server):
        url = f"{server.url}/api/2.0/mlflow-artifacts/artifacts/headers-test/{name}"
        assert httpx.put(url, content=b"x", timeout=60).status_code == 200
        answer = httpx.get(url, timeout=60)
        assert answer.status_code == 200
        found.append((answer.headers["content-type"], answer.headers["content-disposition"]))
    assert found[1] == found[0]
