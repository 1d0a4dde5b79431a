"""Model version sources the server reads itself (``/model-versions/get-artifact``, the
version page): an object-store source is read with the SERVER's credentials, so it must lie
in the storage of the version's own run or logged model. Attacks: a version pointing at
another user's run files in the server's bucket, or at any bucket the server's credentials
reach. Real basic-auth server over moto's S3."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from fixtures.auth_server import ADMIN, ALICE, BOB, write_config
from fixtures.s3 import S3Server
from fixtures.server import HeronServer, start_server

pytestmark = [pytest.mark.integration, pytest.mark.s3]

API = "/api/2.0/mlflow"
MLMODEL = b"artifact_path: model\nflavors:\n  alice_secret_flavor: {}\n"


@dataclass
class Site:
    server: HeronServer
    bucket: str
    other_bucket: str
    experiment_id: str
    run_id: str

    def call(self, auth: tuple[str, str], method: str, path: str, **kw: object) -> httpx.Response:
        return httpx.request(method, self.server.url + path, auth=auth, timeout=30, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def site(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    bucket, other = s3_server.create_bucket(), s3_server.create_bucket()
    s3_server.client.put_object(Bucket=other, Key="secret/MLmodel", Body=MLMODEL)
    directory = tmp_path_factory.mktemp("served-sources")
    server = start_server(
        directory,
        "--app-name",
        "basic-auth",
        "--artifacts-destination",
        f"s3://{bucket}/dest",
        env={"HERON_AUTH_CONFIG_PATH": str(write_config(directory)), **s3_server.environment()},
    )
    try:
        for user in (ALICE, BOB):
            body = {"username": user[0], "password": user[1]}
            httpx.post(f"{server.url}{API}/users/create", auth=ADMIN, json=body, timeout=30)
        s = Site(server, bucket, other, "", "")
        s.experiment_id = s.call(
            ALICE, "POST", f"{API}/experiments/create", json={"name": "alice"}
        ).json()["experiment_id"]
        s.run_id = s.call(
            ALICE, "POST", f"{API}/runs/create", json={"experiment_id": s.experiment_id}
        ).json()["run"]["info"]["run_id"]
        put = s.call(
            ALICE,
            "PUT",
            f"/api/2.0/mlflow-artifacts/artifacts/{s.experiment_id}/{s.run_id}/artifacts/model/MLmodel",
            content=MLMODEL,
        )
        assert put.status_code == 200, put.text
        for user, name in ((ALICE, "alices"), (BOB, "bobs")):
            made = s.call(user, "POST", f"{API}/registered-models/create", json={"name": name})
            assert made.status_code == 200, made.text
        yield s
    finally:
        server.stop()
        s3_server.remove_bucket(bucket)
        s3_server.remove_bucket(other)


def _version(s: Site, user: tuple[str, str], name: str, **body: str) -> str:
    made = s.call(user, "POST", f"{API}/model-versions/create", json={"name": name, **body})
    assert made.status_code == 200, made.text
    return str(made.json()["model_version"]["version"])


def _served(s: Site, user: tuple[str, str], name: str, version: str) -> httpx.Response:
    query = {"name": name, "version": version, "path": "MLmodel"}
    return s.call(user, "GET", "/model-versions/get-artifact", params=query)


def test_version_cannot_read_another_users_run_through_the_servers_bucket(site: Site) -> None:
    source = f"s3://{site.bucket}/dest/{site.experiment_id}/{site.run_id}/artifacts/model"
    version = _version(site, BOB, "bobs", source=source)
    answer = _served(site, BOB, "bobs", version)
    assert answer.status_code in (400, 403), answer.text
    assert b"alice_secret_flavor" not in answer.content
    page = site.call(BOB, "GET", f"/models/bobs/versions/{version}")
    assert page.status_code == 200
    assert "alice_secret_flavor" not in page.text


def test_version_cannot_make_the_server_read_any_bucket(site: Site) -> None:
    version = _version(site, BOB, "bobs", source=f"s3://{site.other_bucket}/secret")
    answer = _served(site, BOB, "bobs", version)
    assert answer.status_code in (400, 403), answer.text
    assert b"alice_secret_flavor" not in answer.content
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    # the client still learns where to download it from with its own credentials
    uri = site.call(
        BOB,
        "GET",
        f"{API}/model-versions/get-download-uri",
        params={"name": "bobs", "version": version},
    )
    assert uri.json()["artifact_uri"] == f"s3://{site.other_bucket}/secret"


def test_versions_of_ones_own_run_are_still_served(site: Site) -> None:
    run = site.run_id
    in_bucket = f"s3://{site.bucket}/dest/{site.experiment_id}/{run}/artifacts/model"
    for body in (
        {"source": f"runs:/{run}/model", "run_id": run},
        {"source": in_bucket, "run_id": run},
    ):
        version = _version(site, ALICE, "alices", **body)
        answer = _served(site, ALICE, "alices", version)
        assert answer.status_code == 200, (body, answer.text)
        assert answer.content == MLMODEL
