"""MLflow's UI-support routes: get-artifact (runs, model versions, logged models), upload,
search-datasets; their content types, headers and MLflow's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.ui_app import UiApp
from heron.entities import Dataset, DatasetInput, InputTag
from heron.entities.registry import ModelVersionTag
from heron.store.registry.sql import SqlRegistryStore

UPLOAD = "/ajax-api/2.0/mlflow/upload-artifact"
SEARCH_DATASETS = "/ajax-api/2.0/mlflow/experiments/search-datasets"
OCTETS = {"content-type": "application/octet-stream"}


def _run(ui: UiApp, tmp_path: Path, files: dict[str, bytes]) -> tuple[str, str]:
    experiment = ui.client.create_experiment("exp", artifact_location=(tmp_path / "art").as_uri())
    run_id = ui.client.create_run(experiment).info.run_id
    folder = tmp_path / "files"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    if files:
        ui.client.log_artifacts(run_id, str(folder))
    return experiment, run_id


def _error(response, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["message"] == message


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.txt", "text/plain"),
        ("MLmodel", "text/plain"),
        ("MLproject", "text/plain"),
        ("d.json", "text/plain"),
        ("t.csv", "text/plain"),
        ("i.png", "image/png"),
        ("p.html", "text/html"),
        ("v.svg", "image/svg+xml"),
        ("d.pdf", "application/pdf"),
        ("noext", "application/octet-stream"),
    ],
)
def test_get_artifact_sends_an_attachment_typed_as_mlflow_does(
    ui: UiApp, tmp_path: Path, name: str, content_type: str
) -> None:
    _, r = _run(ui, tmp_path, {f"dir/{name}": b"<script>x</script>"})
    response = ui.http.get("/get-artifact", params={"run_id": r, "path": f"dir/{name}"})
    assert response.status_code == 200
    assert response.content == b"<script>x</script>"
    assert response.headers["content-type"] == content_type
    assert response.headers["content-disposition"] == f"attachment; filename={name}"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_get_artifact_takes_run_uuid_and_quotes_hostile_names(ui: UiApp, tmp_path: Path) -> None:
    hostile = '<img src=x onerror="a">;.txt'
    _, r = _run(ui, tmp_path, {"é.txt": b"e"})
    response = ui.http.get("/get-artifact", params={"run_uuid": r, "path": hostile})
    _error(response, 400, "Invalid path")  # ';' is refused by Heron's path rule
    quoted = '<img src=x onerror="a">.txt'
    other = ui.client.create_run(ui.client.get_experiment_by_name("exp").experiment_id)
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / quoted).write_bytes(b"q")
    ui.client.log_artifact(other.info.run_id, str(tmp_path / "q" / quoted))
    named = ui.http.get("/get-artifact", params={"run_uuid": other.info.run_id, "path": quoted})
    assert named.headers["content-disposition"] == (
        'attachment; filename="<img src=x onerror=\\"a\\">.txt"'
    )
    accented = ui.http.get("/get-artifact", params={"run_uuid": r, "path": "é.txt"})
    disposition = accented.headers["content-disposition"]
    assert disposition == "attachment; filename=e.txt; filename*=UTF-8''%C3%A9.txt"


def test_get_artifact_errors_are_mlflows(ui: UiApp, tmp_path: Path) -> None:
    _, r = _run(ui, tmp_path, {"d/a.txt": b"a"})
    (tmp_path / "secret.txt").write_text("secret")
    missing_path = ui.http.get("/get-artifact", params={"run_id": r})
    assert missing_path.status_code == 400
    assert "<h1>Bad Request</h1>" in missing_path.text
    _error(ui.http.get("/get-artifact?path=a.txt"), 404, "Run with id=None not found")
    _error(ui.http.get("/get-artifact?run_id=nope&path=a"), 404, "Run with id=nope not found")
    for path in ("../secret.txt", "/etc/passwd", "%252e%252e%252fsecret.txt", "a\\..\\b", "a#b"):
        _error(
            ui.http.get("/get-artifact", params={"run_id": r, "path": path}), 400, "Invalid path"
        )
    _error(
        ui.http.get("/get-artifact", params={"run_id": r, "path": "d"}),
        400,
        "Artifact path refers to a directory, not a file: 'd'",
    )
    _error(
        ui.http.get("/get-artifact", params={"run_id": r, "path": "d/b.txt"}),
        404,
        "No such artifact: 'd/b.txt'",
    )


def test_proxied_run_errors_name_the_destination_path(ui: UiApp) -> None:
    body = {"name": "proxied", "artifact_location": "mlflow-artifacts:/proxied"}
    experiment = ui.http.post("/api/2.0/mlflow/experiments/create", json=body).json()[
        "experiment_id"
    ]
    run = ui.http.post("/api/2.0/mlflow/runs/create", json={"experiment_id": experiment}).json()
    run_id = run["run"]["info"]["run_id"]
    response = ui.http.get("/get-artifact", params={"run_id": run_id, "path": "x.txt"})
    _error(response, 404, f"No such artifact: 'proxied/{run_id}/artifacts/x.txt'")


def test_model_version_get_artifact(ui: UiApp, tmp_path: Path) -> None:
    _, r = _run(ui, tmp_path, {"model/MLmodel": b"flavors: {}\n"})
    source = f"{ui.client.get_run(r).info.artifact_uri}/model"
    ui.client.create_registered_model("m")
    ui.client.create_model_version("m", source, run_id=r)
    response = ui.http.get("/model-versions/get-artifact?name=m&version=1&path=MLmodel")
    assert response.content == b"flavors: {}\n"
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["content-disposition"] == "attachment; filename=MLmodel"
    mv = "/model-versions/get-artifact"
    _error(
        ui.http.get(f"{mv}?name=m&version=9&path=MLmodel"),
        404,
        "Model Version (name=m, version=9) not found",
    )
    _error(
        ui.http.get(f"{mv}?version=1&path=MLmodel"),
        400,
        "Missing value for required parameter 'name'.",
    )
    _error(ui.http.get(f"{mv}?name=m&version=1&path=../MLmodel"), 400, "Invalid path")
    assert ui.http.get(f"{mv}?name=m&version=1").status_code == 400


def test_logged_model_artifact_files(ui: UiApp, tmp_path: Path) -> None:
    experiment, _ = _run(ui, tmp_path, {})
    model = ui.client.create_logged_model(experiment, name="lm")
    (tmp_path / "lm").mkdir()
    (tmp_path / "lm" / "MLmodel").write_text("flavors: {}\n")
    ui.client.log_model_artifacts(model.model_id, str(tmp_path / "lm"))
    base = f"/ajax-api/2.0/mlflow/logged-models/{model.model_id}/artifacts/files"
    response = ui.http.get(base, params={"artifact_file_path": "MLmodel"})
    assert response.content == b"flavors: {}\n"
    assert response.headers["content-type"] == "text/plain"
    missing = ui.http.get(base)
    _error(missing, 400, 'Request must include the "artifact_file_path" query parameter.')
    assert missing.json()["error_code"] == "BAD_REQUEST"
    _error(ui.http.get(base, params={"artifact_file_path": "../x"}), 400, "Invalid path")
    _error(
        ui.http.get(
            "/ajax-api/2.0/mlflow/logged-models/m-nope/artifacts/files?artifact_file_path=a"
        ),
        404,
        "Logged model with ID 'm-nope' not found.",
    )


def test_upload_artifact_writes_the_body_into_the_run(ui: UiApp, tmp_path: Path) -> None:
    _, r = _run(ui, tmp_path, {})
    response = ui.http.post(
        f"{UPLOAD}?run_uuid={r}&path=up/u.txt", content=b"hello", headers=OCTETS
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "application/json"
    assert ui.http.get(f"/get-artifact?run_id={r}&path=up/u.txt").content == b"hello"


def test_upload_artifact_refusals(ui: UiApp, tmp_path: Path) -> None:
    _, r = _run(ui, tmp_path, {})

    def post(query: str, body: bytes = b"x", **headers: str):  # type: ignore[no-untyped-def]
        return ui.http.post(f"{UPLOAD}?{query}", content=body, headers={**OCTETS, **headers})

    _error(post(f"run_id={r}&path=a"), 400, "Request must specify run_uuid.")
    _error(post(f"run_uuid={r}"), 400, "Request must specify path.")
    _error(post(f"run_uuid={r}&path=a", b""), 400, "Request must specify data.")
    form = {"content-type": "application/x-www-form-urlencoded"}
    _error(post(f"run_uuid={r}&path=a", b"a=b", **form), 400, "Request must specify data.")
    for path in ("../x", "/abs", "..%2fx", "a\\b"):
        _error(post(f"run_uuid={r}&path={path}"), 400, "Invalid path")
    _error(post("run_uuid=nope&path=a"), 404, "Run with id=nope not found")
    big = b"x" * (10 * 1024 * 1024 + 1)
    _error(
        post(f"run_uuid={r}&path=big", big), 400, "Artifact size is too large. Max size is 10MB."
    )
    assert ui.http.get(f"{UPLOAD}?run_uuid={r}&path=a").status_code == 405


def test_state_changing_support_routes_refuse_other_origins(ui: UiApp, tmp_path: Path) -> None:
    _, r = _run(ui, tmp_path, {})
    evil = {"origin": "http://evil.example", **OCTETS}
    upload = ui.http.post(f"{UPLOAD}?run_uuid={r}&path=x", content=b"x", headers=evil)
    assert upload.status_code == 403
    search = ui.http.post(
        SEARCH_DATASETS, json={"experiment_ids": ["0"]}, headers={"origin": "http://evil.example"}
    )
    assert search.status_code == 403
    same = ui.http.post(
        f"{UPLOAD}?run_uuid={r}&path=x",
        content=b"x",
        headers={"origin": "http://127.0.0.1:5000", **OCTETS},
    )
    assert same.status_code == 200


def test_search_datasets_lists_each_dataset_once(ui: UiApp, tmp_path: Path) -> None:
    experiment, r = _run(ui, tmp_path, {})
    dataset = Dataset("iris", "d1", "local", "{}")
    training = DatasetInput(dataset, (InputTag("mlflow.data.context", "training"),))
    ui.client.log_inputs(r, [training, DatasetInput(Dataset("raw", "d2", "local", "{}"))])
    other = ui.client.create_run(experiment).info.run_id
    ui.client.log_inputs(other, [training])
    response = ui.http.post(SEARCH_DATASETS, json={"experiment_ids": [experiment]})
    summaries = response.json()["dataset_summaries"]
    assert sorted(summaries, key=lambda s: s["name"]) == [
        {"experiment_id": experiment, "name": "iris", "digest": "d1", "context": "training"},
        {"experiment_id": experiment, "name": "raw", "digest": "d2"},
    ]
    assert ui.http.post(SEARCH_DATASETS, json={"experiment_ids": ["0"]}).json() == {}


def test_search_datasets_errors_are_mlflows(ui: UiApp) -> None:
    def post(body: object, **headers: str):  # type: ignore[no-untyped-def]
        return ui.http.post(SEARCH_DATASETS, json=body, headers=headers)

    none = "SearchDatasets request must specify at least one experiment_id."
    _error(post({}), 400, none)
    _error(post({"experiment_ids": "1"}), 400, none)
    ids = [str(i) for i in range(21)]
    _error(
        post({"experiment_ids": ids}),
        400,
        "SearchDatasets request cannot specify more than 20 experiment_ids. "
        "Received 21 experiment_ids.",
    )
    _error(
        post({"experiment_ids": ["abc"]}),
        400,
        "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.",
    )
    plain = ui.http.post(SEARCH_DATASETS, content=b"{}", headers={"content-type": "text/plain"})
    _error(plain, 400, "Bad Request. Content-Type must be one of ['application/json'].")
    assert ui.http.get(SEARCH_DATASETS).status_code == 405


@pytest.mark.parametrize("kind", ["local path", "file uri", "prompt"])
def test_model_version_get_artifact_refuses_sources_written_around_the_server(
    ui: UiApp, tmp_path: Path, kind: str
) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("top secret")
    # A registry written around the server (an old or tampered database).
    store = SqlRegistryStore(ui.tracking_uri)
    try:
        store.create_registered_model("m")
        source = secret.as_uri() if kind == "file uri" else str(secret)
        tags = [ModelVersionTag("mlflow.prompt.is_prompt", "true")] if kind == "prompt" else None
        store.create_model_version("m", source, tags=tags)
    finally:
        store.close()
    response = ui.http.get("/model-versions/get-artifact?name=m&version=1&path=key.txt")
    assert response.status_code == 400
    assert "top secret" not in response.text
