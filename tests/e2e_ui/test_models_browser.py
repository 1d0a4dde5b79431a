"""The model registry in Chromium: register a model from the artifacts browser, drive the
new version from its page (stage, alias, description, tag) and check through the mlflow
client that the registry changed; every registry page over hostile data stays clean."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from e2e_ui.browser import Watched
from e2e_ui.hostile import PAYLOADS, log_hostile_data
from fixtures.server import HeronServer

pytestmark = pytest.mark.ui

MLMODEL = """flavors:
  python_function:
    loader_module: heron.sklearn
signature:
  inputs: '[{"type": "double", "name": "petal_width", "required": true}]'
  outputs: null
  params: null
"""


def _run_with_model(server: HeronServer, tmp_path: Path, label: str) -> tuple[str, str]:
    from heron.tracking import MlflowClient

    client = MlflowClient(server.url)
    experiment_id = client.create_experiment(f"models-{label}-{tmp_path.name}")
    run_id = client.create_run(experiment_id).info.run_id
    folder = tmp_path / "logged" / "model"
    folder.mkdir(parents=True)
    (folder / "MLmodel").write_text(MLMODEL)
    client.log_artifacts(run_id, str(folder.parent))
    return experiment_id, run_id


def _register(page: Page, name: str) -> None:
    panel = page.locator("details[data-register-panel]")
    panel.locator("summary").click()
    panel.locator("input[name=name]").fill(name)
    panel.get_by_role("button", name="Register").click()


def test_register_from_artifacts_then_stage_and_alias(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    from heron.tracking import MlflowClient

    client = MlflowClient(heron_server.url)
    experiment_id, run_id = _run_with_model(heron_server, tmp_path, "register")
    name = f"iris-{tmp_path.name}"
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}/artifacts")
    page.get_by_role("navigation", name="Artifacts").get_by_role("link", name="model").click()
    expect(page.locator("#artifact-pane h2")).to_have_text("model")
    _register(page, name)
    expect(page).to_have_url(re.compile(re.escape(f"/models/{quote(name)}/versions/1") + "$"))
    version = client.get_model_version(name, "1")
    assert version.run_id == run_id
    assert version.source == f"{client.get_run(run_id).info.artifact_uri}/model"
    expect(page.locator("table.signature")).to_contain_text("petal_width")  # read back

    page.locator("#transition-stage select[name=stage]").select_option("Production")
    page.locator("#transition-stage input[name=archive_existing_versions]").check()
    page.locator("#transition-stage").get_by_role("button", name="Transition").click()
    expect(page.locator("h1 [data-stage]")).to_have_text("Production")
    assert client.get_model_version(name, "1").current_stage == "Production"

    page.locator("#add-alias summary").click()
    page.locator("#add-alias input[name=alias]").fill("champion")
    page.locator("#add-alias").get_by_role("button", name="Set alias").click()
    expect(page.locator("#aliases")).to_contain_text("@champion → v1")
    assert client.get_registered_model(name).aliases == {"champion": 1}
    assert client.get_model_version_by_alias(name, "champion").version == 1

    page.locator("#edit-description summary").click()
    page.locator("#edit-description textarea").fill("**best** so far")
    page.locator("#edit-description").get_by_role("button", name="Save description").click()
    expect(page.locator("#description strong")).to_have_text("best")
    assert client.get_model_version(name, "1").description == "**best** so far"

    # a second version of the same model, registered over the existing name
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}/artifacts?path=model")
    _register(page, name)
    expect(page).to_have_url(re.compile(re.escape(f"/models/{quote(name)}/versions/2") + "$"))
    page.goto(f"{heron_server.url}/models/{quote(name)}")
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    watched.assert_clean()


def test_register_refused_name_shows_the_error(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    experiment_id, run_id = _run_with_model(heron_server, tmp_path, "refused")
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}/artifacts?path=model")
    _register(page, "bad/name")
    error = page.locator("form[data-register-model] [data-form-error]")
    expect(error).to_contain_text("INVALID_PARAMETER_VALUE")
    watched.assert_clean()


def test_create_rename_tag_and_delete_a_model(
    heron_server: HeronServer, confirming: Watched, tmp_path: Path
) -> None:
    from heron.tracking import MlflowClient

    client = MlflowClient(heron_server.url)
    name = f"created-{tmp_path.name}"
    page = confirming.page
    page.goto(f"{heron_server.url}/models")
    page.locator("#create-model summary").click()
    form = page.locator("form[data-create-model]")
    form.locator("input[name=name]").fill(name)
    form.locator("textarea[name=description]").fill(PAYLOADS[0])
    form.locator("input[name=tag_key]").fill("team")
    form.locator("input[name=tag_value]").fill(PAYLOADS[1])
    form.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(re.escape(f"/models/{quote(name)}") + "$"))
    model = client.get_registered_model(name)
    assert model.tags == {"team": PAYLOADS[1]}
    assert model.description == PAYLOADS[0]

    page.locator("#add-tag summary").click()
    page.locator("#add-tag input[name=key]").fill("stage")
    page.locator("#add-tag").get_by_role("button", name="Add").click()
    expect(page.locator("#tags-table")).to_contain_text("stage")
    page.get_by_role("button", name="Delete tag team").click()
    expect(page.locator("#tags-table")).not_to_contain_text("team")
    assert client.get_registered_model(name).tags == {"stage": ""}

    page.locator("#rename-model summary").click()
    page.locator("#rename-model input[name=new_name]").fill(name + "-renamed")
    page.locator("#rename-model").get_by_role("button", name="Rename").click()
    expect(page).to_have_url(re.compile(re.escape(f"/models/{quote(name)}-renamed") + "$"))
    page.get_by_role("button", name="Delete model").click()
    expect(page).to_have_url(re.compile(r"/models$"))
    assert not client.search_registered_models(f"name = '{name}-renamed'")
    assert confirming.errors == []


def test_registry_pages_over_hostile_data_run_no_script(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    from heron.tracking import MlflowClient

    data = log_hostile_data(heron_server.url, str(tmp_path))
    client = MlflowClient(heron_server.url)
    client.set_model_version_tag(data.model_name, "1", "note", PAYLOADS[1])
    client.create_model_version(data.model_name, f"runs:/{data.run_id}/files", data.run_id)
    page = watched.page
    model = quote(data.model_name, safe="")
    page.goto(f"{heron_server.url}/models?q={data.model_name[-6:]}")
    expect(page.locator("#models .model-link")).to_have_text(data.model_name)
    watched.assert_clean()
    for path in (
        f"/models/{model}",
        f"/models/{model}/versions/1",
        f"/models/{model}/compare?versions=1&versions=2",
        f"/#/models/{model}/versions/2",
    ):
        page.goto(heron_server.url + path)
        expect(page.locator("h1")).to_contain_text(data.model_name[-6:])
        watched.assert_clean()
    expect(page).to_have_url(re.compile(re.escape(f"/models/{model}/versions/2") + "$"))
    page.goto(f"{heron_server.url}/models/{model}")
    page.locator("#versions input[name=versions]").first.check()
    page.locator("#versions input[name=versions]").nth(1).check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.locator("#compare thead th")).to_have_count(3)
    watched.assert_clean()


def test_register_a_logged_model_from_its_page(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    from heron.tracking import MlflowClient

    client = MlflowClient(heron_server.url)
    experiment_id, run_id = _run_with_model(heron_server, tmp_path, "logged")
    model = client.create_logged_model(experiment_id, source_run_id=run_id, name="clf")
    client.create_registered_model(f"existing-{tmp_path.name}")
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/models/{model.model_id}")
    panel = page.locator("details[data-register-panel]")
    panel.locator("summary").click()
    names = panel.locator("datalist[data-model-names] option")
    expect(names).not_to_have_count(0)  # filled when the panel opens
    assert f"existing-{tmp_path.name}" in names.evaluate_all("options => options.map(o => o.value)")
    panel.locator("input[name=name]").fill(f"existing-{tmp_path.name}")
    panel.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/versions/1$"))
    expect(page.locator("#logged-model")).to_have_text(model.model_id)
    version = client.get_model_version(f"existing-{tmp_path.name}", "1")
    assert version.model_id == model.model_id
    assert version.run_id == run_id
    watched.assert_clean()
