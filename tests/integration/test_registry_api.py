"""The model registry API of a live server, over raw HTTP: routes, methods, shapes, errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.server import HeronServer
from heron.exceptions import NotFound
from heron.protocol import ROUTES
from heron.store.registry.sql import SqlRegistryStore

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"
REGISTRY_ROUTES = [r for r in ROUTES if r.tag in ("Registered models", "Model versions")]


@pytest.fixture
def http(heron_server: HeronServer) -> Iterator[httpx.Client]:
    """A client of the session's server, whose store is emptied first."""
    heron_server.reset()
    with httpx.Client(base_url=heron_server.url) as client:
        yield client


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error_code"] == code
    message: str = body["message"]
    return message


def _delete(http: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return http.request("DELETE", f"{API}{path}", json=body)


def _run(http: httpx.Client) -> str:
    body = _ok(http.post(f"{API}/runs/create", json={"experiment_id": "0"}))
    run_id: str = body["run"]["info"]["run_id"]
    return run_id


def _model_with_versions(http: httpx.Client, name: str = "fraud", count: int = 2) -> str:
    _ok(http.post(f"{API}/registered-models/create", json={"name": name}))
    run_id = _run(http)
    for _ in range(count):
        body = {"name": name, "source": f"runs:/{run_id}/model", "run_id": run_id}
        _ok(http.post(f"{API}/model-versions/create", json=body))
    return run_id


def test_registered_model_life_cycle(http: httpx.Client) -> None:
    created = _ok(
        http.post(
            f"{API}/registered-models/create",
            json={"name": "fraud", "tags": [{"key": "k", "value": "v"}], "description": "d"},
        )
    )["registered_model"]
    assert (created["name"], created["tags"], created["description"]) == (
        "fraud",
        [{"key": "k", "value": "v"}],
        "d",
    )
    assert created["creation_timestamp"] == created["last_updated_timestamp"]
    updated = _ok(
        http.patch(f"{API}/registered-models/update", json={"name": "fraud", "description": "e"})
    )
    assert updated["registered_model"]["description"] == "e"
    renamed = _ok(
        http.post(f"{API}/registered-models/rename", json={"name": "fraud", "new_name": "fraud2"})
    )
    assert renamed["registered_model"]["name"] == "fraud2"
    got = _ok(http.get(f"{API}/registered-models/get", params={"name": "fraud2"}))
    assert got["registered_model"]["tags"] == [{"key": "k", "value": "v"}]
    assert _ok(_delete(http, "/registered-models/delete", {"name": "fraud2"})) == {}
    message = _error(
        http.get(f"{API}/registered-models/get", params={"name": "fraud2"}),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    assert message == "Registered Model with name=fraud2 not found"


def test_model_version_json_shape(http: httpx.Client) -> None:
    run_id = _model_with_versions(http, count=1)
    version = _ok(http.get(f"{API}/model-versions/get", params={"name": "fraud", "version": "1"}))[
        "model_version"
    ]
    assert version.pop("creation_timestamp") == version.pop("last_updated_timestamp")
    assert version == {
        "name": "fraud",
        "version": "1",
        "current_stage": "None",
        "description": "",
        "source": f"runs:/{run_id}/model",
        "run_id": run_id,
        "status": "READY",
        "run_link": "",
    }


def test_registered_model_lists_latest_versions_tags_and_aliases(http: httpx.Client) -> None:
    _model_with_versions(http)
    alias = {"name": "fraud", "alias": "champion", "version": "1"}
    assert _ok(http.post(f"{API}/registered-models/alias", json=alias)) == {}
    tag = {"name": "fraud", "key": "team", "value": "risk"}
    assert _ok(http.post(f"{API}/registered-models/set-tag", json=tag)) == {}
    model = _ok(http.get(f"{API}/registered-models/get", params={"name": "fraud"}))[
        "registered_model"
    ]
    assert model["aliases"] == [{"alias": "champion", "version": "1"}]
    assert model["tags"] == [{"key": "team", "value": "risk"}]
    assert [v["version"] for v in model["latest_versions"]] == ["2"]
    by_alias = _ok(
        http.get(f"{API}/registered-models/alias", params={"name": "fraud", "alias": "champion"})
    )["model_version"]
    assert (by_alias["version"], by_alias["aliases"]) == ("1", ["champion"])
    assert (
        _ok(_delete(http, "/registered-models/alias", {"name": "fraud", "alias": "champion"})) == {}
    )
    assert (
        _ok(_delete(http, "/registered-models/delete-tag", {"name": "fraud", "key": "team"})) == {}
    )
    model = _ok(http.get(f"{API}/registered-models/get", params={"name": "fraud"}))
    assert not {"aliases", "tags"} & set(model["registered_model"])


def test_transition_archives_only_when_asked(http: httpx.Client) -> None:
    _model_with_versions(http)
    url = f"{API}/model-versions/transition-stage"
    first = {"name": "fraud", "version": "1", "stage": "production"}
    assert _ok(http.post(url, json=first))["model_version"]["current_stage"] == "Production"
    second = {"name": "fraud", "version": "2", "stage": "Production"}
    _ok(http.post(url, json=second))  # archive_existing_versions defaults to false
    one = _ok(http.get(f"{API}/model-versions/get", params={"name": "fraud", "version": "1"}))
    assert one["model_version"]["current_stage"] == "Production"
    _ok(http.post(url, json={**second, "archive_existing_versions": True}))
    one = _ok(http.get(f"{API}/model-versions/get", params={"name": "fraud", "version": "1"}))
    assert one["model_version"]["current_stage"] == "Archived"


def test_get_latest_versions_answers_post_and_get(http: httpx.Client) -> None:
    _model_with_versions(http)
    url = f"{API}/registered-models/transition-stage".replace("registered-models", "model-versions")
    _ok(http.post(url, json={"name": "fraud", "version": "1", "stage": "Staging"}))
    path = f"{API}/registered-models/get-latest-versions"
    by_post = _ok(http.post(path, json={"name": "fraud", "stages": ["staging"]}))
    by_get = _ok(http.get(path, params=[("name", "fraud"), ("stages", "Staging")]))
    assert by_post == by_get
    assert [(v["version"], v["current_stage"]) for v in by_post["model_versions"]] == [
        ("1", "Staging")
    ]
    every_stage = _ok(http.get(path, params={"name": "fraud"}))["model_versions"]
    assert sorted((v["current_stage"], v["version"]) for v in every_stage) == [
        ("None", "2"),
        ("Staging", "1"),
    ]


def test_version_updates_tags_download_uri_and_delete(http: httpx.Client) -> None:
    run_id = _model_with_versions(http, count=1)
    key = {"name": "fraud", "version": "1"}
    updated = _ok(http.patch(f"{API}/model-versions/update", json={**key, "description": "d"}))
    assert updated["model_version"]["description"] == "d"
    _ok(http.post(f"{API}/model-versions/set-tag", json={**key, "key": "k", "value": "v"}))
    got = _ok(http.get(f"{API}/model-versions/get", params=key))["model_version"]
    assert got["tags"] == [{"key": "k", "value": "v"}]
    _ok(_delete(http, "/model-versions/delete-tag", {**key, "key": "k"}))
    assert "tags" not in _ok(http.get(f"{API}/model-versions/get", params=key))["model_version"]
    uri = _ok(http.get(f"{API}/model-versions/get-download-uri", params=key))
    assert uri == {"artifact_uri": f"runs:/{run_id}/model"}
    assert _ok(_delete(http, "/model-versions/delete", key)) == {}
    message = _error(
        http.get(f"{API}/model-versions/get", params=key), 404, "RESOURCE_DOES_NOT_EXIST"
    )
    assert message == "Model Version (name=fraud, version=1) not found"


def test_searches_page_with_tokens(http: httpx.Client) -> None:
    for name in ("a-1", "a-2", "a-3", "b-1"):
        _ok(http.post(f"{API}/registered-models/create", json={"name": name}))
    params = {"filter": "name LIKE 'a-%'", "max_results": "2", "order_by": "name DESC"}
    first = _ok(http.get(f"{API}/registered-models/search", params=params))
    assert [m["name"] for m in first["registered_models"]] == ["a-3", "a-2"]
    second = _ok(
        http.get(
            f"{API}/registered-models/search",
            params={**params, "page_token": first["next_page_token"]},
        )
    )
    assert [m["name"] for m in second["registered_models"]] == ["a-1"]
    assert "next_page_token" not in second
    _model_with_versions(http, "c-1", count=3)
    versions = _ok(
        http.get(
            f"{API}/model-versions/search",
            params=[
                ("filter", "name = 'c-1' AND version_number >= 2"),
                ("order_by", "version_number"),
            ],
        )
    )
    assert [v["version"] for v in versions["model_versions"]] == ["2", "3"]


BAD_REQUESTS = [
    ("POST", "/registered-models/rename", {"name": "m"}, "required parameter 'new_name'"),
    ("POST", "/model-versions/create", {"name": "m"}, "required parameter 'source'"),
    ("GET", "/model-versions/get", {"name": "m", "version": "abc"}, "must be an integer"),
    (
        "POST",
        "/model-versions/transition-stage",
        {"name": "m", "version": "1", "stage": "bogus"},
        "Invalid Model Version stage: bogus. "
        "Value must be one of None, Staging, Production, Archived.",
    ),
    (
        "GET",
        "/registered-models/alias",
        {"name": "m", "alias": "nope"},
        "Registered model alias nope not found.",
    ),
    (
        "POST",
        "/registered-models/alias",
        {"name": "m", "alias": "latest", "version": "1"},
        "reserved",
    ),
    ("POST", "/registered-models/create", {"name": "a/b"}, "Invalid model name"),
]


@pytest.mark.parametrize(("method", "path", "body", "message"), BAD_REQUESTS)
def test_bad_requests_are_400_invalid_parameter_value(
    http: httpx.Client, method: str, path: str, body: dict[str, str], message: str
) -> None:
    _model_with_versions(http, "m", count=1)
    if method == "GET":
        response = http.get(f"{API}{path}", params=body)
    else:
        response = http.request(method, f"{API}{path}", json=body)
    assert message in _error(response, 400, "INVALID_PARAMETER_VALUE")


def test_conflicts_and_missing_resources(http: httpx.Client) -> None:
    _model_with_versions(http, "m", count=1)
    _ok(http.post(f"{API}/registered-models/create", json={"name": "n"}))
    for response in (
        http.post(f"{API}/registered-models/create", json={"name": "m"}),
        http.post(f"{API}/registered-models/rename", json={"name": "n", "new_name": "m"}),
    ):
        message = _error(response, 400, "RESOURCE_ALREADY_EXISTS")
        assert message == "Registered Model (name=m) already exists."
    alias = {"name": "m", "alias": "a", "version": "9"}
    _error(http.post(f"{API}/registered-models/alias", json=alias), 404, "RESOURCE_DOES_NOT_EXIST")
    create = {"name": "zz", "source": "s3://bucket/model"}
    _error(http.post(f"{API}/model-versions/create", json=create), 404, "RESOURCE_DOES_NOT_EXIST")


def test_json_writes_need_a_json_content_type(http: httpx.Client) -> None:
    response = http.post(
        f"{API}/registered-models/create",
        content=b'{"name": "m"}',
        headers={"content-type": "text/plain"},
    )
    _error(response, 400, "INVALID_PARAMETER_VALUE")
    assert http.get(f"{API}/registered-models/get", params={"name": "m"}).status_code == 404


@pytest.mark.parametrize("prefix", ["/api/2.0", "/ajax-api/2.0"])
def test_every_registry_route_is_reachable(http: httpx.Client, prefix: str) -> None:
    _model_with_versions(http, "m", count=1)
    assert len(REGISTRY_ROUTES) == 21
    for route in REGISTRY_ROUTES:
        for method in route.methods:
            url = prefix + route.path
            response = http.request(
                method,
                url,
                params={"name": "m"} if method == "GET" else None,
                json=None if method == "GET" else {"name": "m"},
            )
            assert response.headers["content-type"] == "application/json", (method, url)
            if response.status_code != 200:
                code = response.json()["error_code"]
                assert code not in ("ENDPOINT_NOT_FOUND", "INTERNAL_ERROR"), (method, url, code)
                assert response.status_code < 500, (method, url)


def test_a_separate_registry_store(start_heron_server: Any, tmp_path: Path) -> None:
    registry_uri = f"sqlite:///{tmp_path / 'registry.db'}"
    server = start_heron_server("--registry-store-uri", registry_uri)
    with httpx.Client(base_url=server.url) as http:
        _model_with_versions(http, "elsewhere", count=1)
    registry, backend = SqlRegistryStore(registry_uri), SqlRegistryStore(server.backend_uri)
    try:
        assert registry.get_model_version("elsewhere", 1).source.startswith("runs:/")
        with pytest.raises(NotFound):
            backend.get_registered_model("elsewhere")
    finally:
        registry.close()
        backend.close()
