"""Model version sources through a live server: only managed locations (LFI-1, A1).

Two servers: ``heron_server`` (proxied artifacts: runs live under ``mlflow-artifacts:/``)
and ``local`` (runs live in a local directory, so local-path sources can be inside one).
A canary file sits outside every artifact root. Every attack below must be refused with
400 INVALID_PARAMETER_VALUE, with or without a ``run_id`` and with or without the prompt
tag, and leave no version behind; every accepted form is stored with its lineage. Finally
a version whose source escapes (written straight into the database, as a tampered or
legacy registry might hold) can still never be downloaded through the artifact proxy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.raw_http import raw_request
from fixtures.server import HeronServer, start_server
from heron.models.uris import local_path
from heron.store.registry.sql import SqlRegistryStore

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"
SECRET = b"canary-secret-bytes"
PROMPT_TAG = {"key": "mlflow.prompt.is_prompt", "value": "true"}


@dataclass
class Site:
    """A server, a run and a logged model on it, another run and model, and the canary."""

    server: HeronServer
    http: httpx.Client
    run_id: str
    run_root: str
    run_dir: str
    model_id: str
    other_run_id: str
    other_model_id: str
    canary: Path

    def create(self, source: str, **fields: Any) -> httpx.Response:
        """``CreateModelVersion`` of model ``m``."""
        body = {"name": "m", "source": source, **fields}
        return self.http.post(f"{API}/model-versions/create", json=body)

    def version_count(self) -> int:
        """How many versions model ``m`` has."""
        found = self.http.get(f"{API}/model-versions/search", params={"filter": "name = 'm'"})
        return len(found.json().get("model_versions", []))

    def spell(self, template: str) -> str:
        """A source template with this site's values filled in."""
        return template.format(
            run=self.run_id,
            run_root=self.run_root,
            run_dir=self.run_dir,
            other_run=self.other_run_id,
            other_model=self.other_model_id,
            canary=self.canary,
            canary_dir=self.canary.parent,
            port=self.server.port,
        )


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _site(server: HeronServer, http: httpx.Client, canary: Path) -> Site:
    def run() -> tuple[str, str]:
        info = _ok(http.post(f"{API}/runs/create", json={"experiment_id": "0"}))["run"]["info"]
        return info["run_id"], info["artifact_uri"]

    def model(run_id: str) -> str:
        body = {"experiment_id": "0", "name": "model", "source_run_id": run_id}
        return str(_ok(http.post(f"{API}/logged-models", json=body))["model"]["info"]["model_id"])

    _ok(http.post(f"{API}/registered-models/create", json={"name": "m"}))
    (run_id, run_root), (other_run, _) = run(), run()
    run_dir = local_path(run_root) or ""
    return Site(
        server, http, run_id, run_root, run_dir, model(run_id), other_run, model(other_run), canary
    )


def _canary(base: Path) -> Path:
    canary = base / "canary" / "secret.txt"
    canary.parent.mkdir(parents=True, exist_ok=True)
    canary.write_bytes(SECRET)
    return canary


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HeronServer, Path]]:
    """A server whose runs keep their artifacts in a local directory."""
    base = tmp_path_factory.mktemp("sources")
    server = start_server(base / "server", "--default-artifact-root", str(base / "server" / "root"))
    yield server, _canary(base)
    server.stop()


@pytest.fixture
def local(local_server: tuple[HeronServer, Path]) -> Iterator[Site]:
    """A fresh site on the local-root server."""
    server, canary = local_server
    server.reset()
    with httpx.Client(base_url=server.url) as http:
        yield _site(server, http, canary)


@pytest.fixture
def proxied(heron_server: HeronServer, tmp_path: Path) -> Iterator[Site]:
    """A fresh site on the proxied-artifacts server."""
    heron_server.reset()
    with httpx.Client(base_url=heron_server.url) as http:
        yield _site(heron_server, http, _canary(tmp_path))


ATTACKS = [
    "/",
    "/etc",
    "file:///etc",
    "file:/etc",
    "file://localhost/etc",
    "file://evil.example/etc",
    "//etc",
    "\\..\\..\\etc",
    "C:\\Windows",
    "C:/Windows",
    "{canary}",
    "{canary_dir}",
    "file://{canary}",
    "{run_root}/../../../../canary/secret.txt",
    "{run_dir}/../../../../canary/secret.txt",
    "{run_dir}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/canary/secret.txt",
    "{run_root}/..%2f..%2f..%2f..%2fcanary",
    "{run_root}/%252e%252e%252f%252e%252e%252fcanary",
    "{run_root}/model%00.txt",
    "{run_root}/model\x00",
    "{run_root}/model#/../../../../canary",
    "{run_root}/model?/../../../../canary",
    "{run_root}/model;/../../../../canary",
    "..%2f..%2fcanary",
    "%252e%252e%252fcanary",
    "file:///data#/../../canary",
    "file:///data?/../../canary",
    "file:///data;/../canary",
    "mlflow-artifacts:/../../canary",
    "mlflow-artifacts:/0/{run}/artifacts/../../../canary",
    "mlflow-artifacts:/0/{other_run}/artifacts/model",
    "mlflow-artifacts://evil:80/x",
    "http://127.0.0.1:{port}/api/2.0/mlflow-artifacts/artifacts/../../",
    "http://127.0.0.1:{port}/api/2.0/mlflow-artifacts/artifacts/0/{other_run}/artifacts/m",
    "http://evil.example/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts/model",
    "https://evil.example/model.tar.gz",
    "ftp://evil.example/model",
    "sftp://user@evil.example/model",
    "hdfs://evil.example:8020/model",
    "s3://bucket/a/../../b",
    "s3://bucket/a/%2e%2e/%2e%2e/b",
    "runs:/{other_run}/model",
    "runs://host/{run}/x",
    "runs:/{run}/../{other_run}/model",
    "models:/{other_model}",
    "models://host/m/1",
    "javascript:alert(1)",
    "data:text/plain,hi",
    "unknown-scheme://x/y",
    "/" + "a" * 10_000,
]


@pytest.mark.parametrize("template", ATTACKS)
def test_attacks_are_refused_without_a_trace(local: Site, template: str) -> None:
    source = local.spell(template)
    for fields in ({}, {"run_id": local.run_id}, {"tags": [PROMPT_TAG]}):
        response = local.create(source, **fields)
        assert response.status_code == 400, (fields, response.text)
        assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert SECRET.decode() not in response.text
    assert local.version_count() == 0
    assert local.canary.read_bytes() == SECRET


@pytest.mark.parametrize(
    "template",
    ["mlflow-artifacts:/0/{other_run}/artifacts/model", "{canary}", "runs:/{other_run}/model"],
)
def test_attacks_on_the_proxied_server_are_refused(proxied: Site, template: str) -> None:
    for fields in ({}, {"run_id": proxied.run_id}, {"model_id": proxied.model_id}):
        response = proxied.create(proxied.spell(template), **fields)
        assert response.status_code == 400, (fields, response.text)
    assert proxied.version_count() == 0


def test_a_symlink_out_of_the_run_root_is_refused(local: Site) -> None:
    run_dir = Path(local.run_dir)
    assert run_dir.is_absolute()
    run_dir.mkdir(parents=True, exist_ok=True)
    os.symlink(local.canary.parent, run_dir / "link")
    response = local.create(str(run_dir / "link" / "secret.txt"), run_id=local.run_id)
    assert response.status_code == 400, response.text
    assert local.version_count() == 0


def test_a_source_naming_another_logged_model_is_refused(local: Site) -> None:
    source = f"models:/{local.other_model_id}"
    for fields in ({"model_id": local.model_id}, {"run_id": local.run_id}, {}):
        assert local.create(source, **fields).status_code == 400
    wrong_root = f"mlflow-artifacts:/0/models/{local.other_model_id}/artifacts"
    assert local.create(wrong_root, model_id=local.model_id).status_code == 400
    assert local.create(f"runs:/{local.run_id}/m", model_id=local.model_id).status_code == 400


def test_local_paths_inside_the_runs_root_are_accepted(local: Site) -> None:
    inside = f"{local.run_dir}/model"
    for source in (inside, f"file://{inside}", f"{local.run_root}/model"):
        version = _ok(local.create(source, run_id=local.run_id))["model_version"]
        assert (version["source"], version["run_id"]) == (source, local.run_id)
    assert local.create(inside).status_code == 400  # the run must be named


PROXY = "http://127.0.0.1:{port}/api/2.0/mlflow-artifacts/artifacts"
ACCEPTED = [
    ("runs:/{run}/model", {"run_id": "{run}"}),
    ("mlflow-artifacts:/0/{run}/artifacts/model", {"run_id": "{run}"}),
    (PROXY + "/0/{run}/artifacts/model", {"run_id": "{run}"}),
    (PROXY.replace("/api/", "/ajax-api/") + "/0/{run}/artifacts", {"run_id": "{run}"}),
    ("s3://bucket/path/model", {}),
    ("gs://bucket/path/model", {"run_id": "{run}"}),
    ("wasbs://container@account.blob.core.windows.net/model", {}),
    ("dbfs:/databricks/model", {}),
]  # fmt: skip


@pytest.mark.parametrize(("template", "fields"), ACCEPTED)
def test_managed_and_object_store_sources_are_accepted(
    proxied: Site, template: str, fields: dict[str, str]
) -> None:
    source = proxied.spell(template)
    sent = {key: proxied.spell(value) for key, value in fields.items()}
    version = _ok(proxied.create(source, **sent))["model_version"]
    assert version["source"] == source
    assert version["run_id"] == sent.get("run_id", "")  # "" without a run, as MLflow sends


def test_a_logged_model_source_takes_the_models_run_and_lists_the_version(proxied: Site) -> None:
    for source in (
        f"models:/{proxied.model_id}",
        f"mlflow-artifacts:/0/models/{proxied.model_id}/artifacts",
    ):
        version = _ok(proxied.create(source, model_id=proxied.model_id))["model_version"]
        assert (version["run_id"], version["model_id"]) == (proxied.run_id, proxied.model_id)
    model = _ok(proxied.http.get(f"{API}/logged-models/{proxied.model_id}"))["model"]
    tags = {tag["key"]: tag["value"] for tag in model["info"]["tags"]}
    assert json.loads(tags["mlflow.modelVersions"]) == [
        {"name": "m", "version": 1},
        {"name": "m", "version": 2},
    ]


def test_registered_model_sources_are_normalised_and_inherit_lineage(proxied: Site) -> None:
    first = {"source": f"models:/{proxied.model_id}", "model_id": proxied.model_id}
    _ok(proxied.create(**first))
    _ok(proxied.create(f"runs:/{proxied.run_id}/model", run_id=proxied.run_id))
    transition = {"name": "m", "version": "1", "stage": "Staging"}
    _ok(proxied.http.post(f"{API}/model-versions/transition-stage", json=transition))
    alias = {"name": "m", "alias": "champion", "version": "1"}
    _ok(proxied.http.post(f"{API}/registered-models/alias", json=alias))
    for source, expected in (
        ("models:/m/1", "models:/m/1"),
        ("models:/m/staging", "models:/m/1"),
        ("models:/m@champion", "models:/m/1"),
        ("models:/m/latest", "models:/m/5"),
    ):
        version = _ok(proxied.create(source))["model_version"]
        assert version["source"] == expected
        assert version["run_id"] == proxied.run_id
    mismatch = proxied.create("models:/m/1", run_id=proxied.other_run_id)
    assert mismatch.status_code == 400
    assert proxied.create("models:/absent/1").status_code == 404
    assert proxied.create("models:/m/Production").status_code == 404  # nothing in it


def test_prompt_versions_use_placeholders_only(proxied: Site) -> None:
    version = _ok(proxied.create("dummy-source", tags=[PROMPT_TAG]))["model_version"]
    assert version["source"] == "dummy-source"
    assert proxied.create("s3://bucket/x", tags=[PROMPT_TAG]).status_code == 400


def test_an_operator_regex_gates_sources(
    start_heron_server: Any,
) -> None:
    server = start_heron_server(
        env={"MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX": r"^s3://allowed/"}
    )
    with httpx.Client(base_url=server.url) as http:
        _ok(http.post(f"{API}/registered-models/create", json={"name": "m"}))
        url = f"{API}/model-versions/create"
        assert http.post(url, json={"name": "m", "source": "s3://allowed/x"}).status_code == 200
        refused = http.post(url, json={"name": "m", "source": "s3://other/x"})
        assert refused.status_code == 400
        assert refused.json()["message"] == "Invalid model version source: 's3://other/x'."


def test_an_escaping_stored_source_never_downloads_through_the_proxy(proxied: Site) -> None:
    # A registry written around the server (an old or tampered database) holds an escape.
    store = SqlRegistryStore(proxied.server.backend_uri)
    try:
        escape = "mlflow-artifacts:/../canary/secret.txt"
        store.create_model_version("m", escape)
    finally:
        store.close()
    uri = _ok(
        proxied.http.get(
            f"{API}/model-versions/get-download-uri", params={"name": "m", "version": "1"}
        )
    )["artifact_uri"]
    assert uri == escape
    path = uri.removeprefix("mlflow-artifacts:/")
    destination = proxied.server.artifacts_destination
    relative = os.path.relpath(proxied.canary, destination)
    for target in (path, relative, "..%2f" * 8 + "canary/secret.txt", str(proxied.canary)):
        response = raw_request(
            proxied.server.url, "GET", f"/api/2.0/mlflow-artifacts/artifacts/{target}"
        )
        assert response.status in (400, 404), (target, response.status)
        assert SECRET not in response.body
    # MLflow's UI route that served CVE-2023-1177 refuses the stored escape.
    ui = raw_request(
        proxied.server.url, "GET", "/model-versions/get-artifact?name=m&version=1&path=secret.txt"
    )
    assert ui.status == 400
    assert SECRET not in ui.body


def test_a_registered_proxied_source_downloads_its_own_files(proxied: Site) -> None:
    path = f"0/{proxied.run_id}/artifacts/model/MLmodel"
    put = proxied.http.put(f"/api/2.0/mlflow-artifacts/artifacts/{path}", content=b"flavors: {}")
    assert put.status_code == 200, put.text
    source = f"mlflow-artifacts:/0/{proxied.run_id}/artifacts/model"
    _ok(proxied.create(source, run_id=proxied.run_id))
    uri = _ok(
        proxied.http.get(
            f"{API}/model-versions/get-download-uri", params={"name": "m", "version": "1"}
        )
    )["artifact_uri"]
    got = proxied.http.get(
        "/api/2.0/mlflow-artifacts/artifacts/" + uri.removeprefix("mlflow-artifacts:/") + "/MLmodel"
    )
    assert (got.status_code, got.content) == (200, b"flavors: {}")
