"""The model registry's pages: list (search, filter errors, sort), a model, a version (with
its MLmodel's signature), the compare page, the "Register model" panels, all escaping
hostile names, descriptions, tags and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.ui_app import UiApp

HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
NAME = '"><img src=x onerror=alert(1)>'  # model names may not hold '/' or ':'
MLMODEL = """flavors:
  python_function:
    loader_module: heron.sklearn
signature:
  inputs: '[{"type": "double", "name": "<b>f1</b>", "required": true}]'
  outputs: '[{"type": "long", "name": "label", "required": true}]'
  params: null
"""


def _logged_model_run(ui: UiApp, tmp_path: Path, params: dict[str, str]) -> tuple[str, str]:
    """A run holding a model folder ``model``: (experiment id, run id)."""
    client = ui.client
    experiment = client.get_experiment_by_name("models-e")
    experiment_id = experiment.experiment_id if experiment else client.create_experiment("models-e")
    run_id = client.create_run(experiment_id).info.run_id
    for key, value in params.items():
        client.log_param(run_id, key, value)
    folder = tmp_path / run_id / "model"
    folder.mkdir(parents=True)
    (folder / "MLmodel").write_text(MLMODEL)
    client.log_artifacts(run_id, str(folder), "model")
    return experiment_id, run_id


def _register(ui: UiApp, name: str, run_id: str) -> int:
    run = ui.client.get_run(run_id)
    version = ui.client.create_model_version(name, f"{run.info.artifact_uri}/model", run_id)
    return int(version.version)


@pytest.mark.filterwarnings("ignore:.*transition_model_version_stage:FutureWarning")
def test_models_list_escapes_and_shows_versions_aliases_tags(ui: UiApp, tmp_path: Path) -> None:
    ui.client.create_registered_model(NAME, tags={"team": HOSTILE}, description=HOSTILE)
    _, run_id = _logged_model_run(ui, tmp_path, {})
    _register(ui, NAME, run_id)
    ui.client.transition_model_version_stage(NAME, "1", "Production")
    ui.client.set_registered_model_alias(NAME, "champion", "1")
    response = ui.http.get("/models")
    assert response.status_code == 200
    html = response.text
    assert "<img src=x" not in html
    assert "<script>window" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "@champion → v1" in html
    assert "Production" in html
    assert "data-create-model" in html


def test_models_list_search_filter_sort_and_errors(ui: UiApp) -> None:
    for name, team in (("alpha", "nlp"), ("beta", "cv"), ("alphabet", "cv")):
        ui.client.create_registered_model(name, tags={"team": team})
    html = ui.http.get("/models", params={"q": "ALPHA"}).text
    assert ">alpha<" in html
    assert ">alphabet<" in html
    assert ">beta<" not in html
    html = ui.http.get("/models", params={"q": "alpha", "filter": "tags.team = 'cv'"}).text
    assert ">alphabet<" in html
    assert ">alpha<" not in html
    html = ui.http.get("/models", params={"sort": "-name"}).text
    assert html.index(">beta<") < html.index(">alphabet<") < html.index(">alpha<")
    bad = ui.http.get("/models", params={"filter": "nonsense ~ 1"})
    assert bad.status_code == 400
    assert 'class="form-error"' in bad.text
    fragment = ui.http.get(
        "/models",
        params={"filter": "nonsense ~ 1"},
        headers={"HX-Request": "true", "HX-Target": "models-table"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text


def test_model_page_escapes_and_lists_versions(ui: UiApp, tmp_path: Path) -> None:
    ui.client.create_registered_model(NAME, tags={"note": HOSTILE}, description=HOSTILE)
    _, run_id = _logged_model_run(ui, tmp_path, {})
    _register(ui, NAME, run_id)
    _register(ui, NAME, run_id)
    ui.client.set_registered_model_alias(NAME, "x-" + "a" * 8, "2")
    ui.client.update_model_version(NAME, "1", HOSTILE)
    response = ui.http.get(f"/models/{NAME}")
    assert response.status_code == 200
    html = response.text
    assert "<img src=x" not in html
    assert "<script>window" not in html
    assert "Version 2" in html
    assert "Version 1" in html
    assert f'href="/runs/{run_id}"' in html
    assert 'data-api="mlflow/registered-models/update" data-method="PATCH"' in html
    assert 'data-api="mlflow/registered-models/delete-tag" data-method="DELETE"' in html
    assert "data-rename-model" in html
    assert "@x-aaaaaaaa → v2" in html


def test_missing_model_and_version_are_404(ui: UiApp) -> None:
    missing = ui.http.get("/models/nope")
    assert missing.status_code == 404
    assert "RESOURCE_DOES_NOT_EXIST" in missing.text
    ui.client.create_registered_model("m")
    assert ui.http.get("/models/m/versions/3").status_code == 404
    assert ui.http.get("/models/m/versions/abc").status_code == 400
    assert ui.http.get("/models/nope/compare?versions=1").status_code == 404


def test_version_page_shows_signature_and_editors(ui: UiApp, tmp_path: Path) -> None:
    ui.client.create_registered_model("m")
    _, run_id = _logged_model_run(ui, tmp_path, {})
    _register(ui, "m", run_id)
    ui.client.set_model_version_tag("m", "1", "k", HOSTILE)
    ui.client.set_registered_model_alias("m", "champion", "1")
    html = ui.http.get("/models/m/versions/1").text
    assert "models:/m/1" in html
    assert "Signature inputs" in html
    assert "&lt;b&gt;f1&lt;/b&gt;" in html
    assert "label" in html
    assert "<script>window" not in html
    assert 'data-api="mlflow/model-versions/transition-stage"' in html
    assert 'name="archive_existing_versions" value="true" data-json' in html
    assert 'data-api="mlflow/registered-models/alias" data-method="DELETE"' in html
    assert "@champion → v1" in html
    assert 'data-api="mlflow/model-versions/delete" data-method="DELETE"' in html
    assert f'href="/runs/{run_id}"' in html
    assert "data-register-model" not in html  # no "Register model" on a version


def test_version_of_runs_uri_source_reads_the_run_model(ui: UiApp, tmp_path: Path) -> None:
    ui.client.create_registered_model("r")
    _, run_id = _logged_model_run(ui, tmp_path, {})
    ui.client.create_model_version("r", f"runs:/{run_id}/model", run_id)
    html = ui.http.get("/models/r/versions/1").text
    assert "Signature inputs" in html


def test_version_with_a_refused_source_reads_nothing(ui: UiApp, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "MLmodel").write_text(MLMODEL)
    ui.client.create_registered_model("s")
    ui.client.create_model_version("s", str(secret))  # written around the server's rule
    html = ui.http.get("/models/s/versions/1").text
    assert "could not be read" in html
    assert "Signature inputs" not in html


def test_compare_versions_side_by_side(ui: UiApp, tmp_path: Path) -> None:
    ui.client.create_registered_model("c")
    _, first = _logged_model_run(ui, tmp_path, {"alpha": "0.1", "same": "1"})
    _, second = _logged_model_run(ui, tmp_path, {"alpha": HOSTILE, "same": "1"})
    _register(ui, "c", first)
    _register(ui, "c", second)
    html = ui.http.get(
        "/models/c/compare", params=[("versions", "1"), ("versions", "2"), ("versions", "9")]
    ).text
    assert "Version 1" in html
    assert "Version 2" in html
    assert "Not found: version 9" in html
    assert '<tr class="differs"><th scope="row" class="mono wrap">alpha</th>' in html
    assert '<tr><th scope="row" class="mono wrap">same</th>' in html
    assert "&lt;b&gt;f1&lt;/b&gt;" in html
    assert "<script>window" not in html
    assert 'action="/models/c/compare"' in ui.http.get("/models/c").text
    assert 'href="/models/c/compare?versions=1&amp;versions=2&amp;diff=1"' in html
    only = ui.http.get("/models/c/compare?versions=1&versions=2&diff=1").text
    assert ">alpha</th>" in only
    assert ">same</th>" not in only


def test_register_panels_on_the_model_folder_and_the_logged_model(
    ui: UiApp, tmp_path: Path
) -> None:
    experiment_id, run_id = _logged_model_run(ui, tmp_path, {})
    run = ui.client.get_run(run_id)
    html = ui.http.get(
        f"/experiments/{experiment_id}/runs/{run_id}/artifacts", params={"path": "model"}
    ).text
    assert "data-register-model" in html
    assert f'name="source" value="{run.info.artifact_uri}/model"' in html
    assert f'name="run_id" value="{run_id}"' in html
    assert "js/models.js" in html
    model = ui.client.create_logged_model(experiment_id, source_run_id=run_id, name="lm")
    html = ui.http.get(f"/experiments/{experiment_id}/models/{model.model_id}").text
    assert f'name="source" value="models:/{model.model_id}"' in html
    assert f'name="model_id" value="{model.model_id}"' in html
    assert "js/models.js" in html


def test_version_links_its_logged_model(ui: UiApp, tmp_path: Path) -> None:
    experiment_id, run_id = _logged_model_run(ui, tmp_path, {})
    model = ui.client.create_logged_model(experiment_id, source_run_id=run_id, name="lm")
    ui.client.create_registered_model("l")
    ui.client.create_model_version(
        "l", f"models:/{model.model_id}", run_id, model_id=model.model_id
    )
    html = ui.http.get("/models/l/versions/1").text
    assert f'href="/experiments/{experiment_id}/models/{model.model_id}"' in html
