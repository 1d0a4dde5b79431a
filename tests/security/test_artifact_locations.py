"""Attack: an experiment artifact location with ``..`` segments (``mlflow-artifacts:/../x``,
``mlflow-artifacts:/1/<run>/artifacts/..``, percent-encoded too). The server refused every
later use of such an experiment's runs, but created it: an experiment whose runs could never
hold artifacts. It is now refused at create time with MLflow's error code."""

from __future__ import annotations

import uuid

import httpx
import pytest

from fixtures.server import HeronServer

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


@pytest.mark.parametrize(
    "location",
    [
        "mlflow-artifacts:/../outside",
        "mlflow-artifacts:/1/run/artifacts/..",
        "mlflow-artifacts:/1/%2e%2e/x",
        "mlflow-artifacts:/1/%252e%252e/x",
        "file:///tmp/a/../../etc",
        "/tmp/a/../b",
        "s3://bucket/a/../b",
    ],
)
def test_location_with_parent_segments_is_refused(heron_server: HeronServer, location: str) -> None:
    body = {"name": f"loc-{uuid.uuid4().hex}", "artifact_location": location}
    answer = httpx.post(f"{heron_server.url}{API}/experiments/create", json=body, timeout=30)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    found = httpx.get(
        f"{heron_server.url}{API}/experiments/get-by-name",
        params={"experiment_name": body["name"]},
        timeout=30,
    )
    assert found.status_code == 404


def test_ordinary_locations_are_still_accepted(heron_server: HeronServer) -> None:
    for location in ("mlflow-artifacts:/team/a..b", "s3://bucket/x.y/z"):
        body = {"name": f"loc-{uuid.uuid4().hex}", "artifact_location": location}
        answer = httpx.post(f"{heron_server.url}{API}/experiments/create", json=body, timeout=30)
        assert answer.status_code == 200, (location, answer.text)
