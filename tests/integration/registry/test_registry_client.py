"""Seed 004's registry workflows with ``import heron as mlflow``, embedded and via a server."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from sklearn.linear_model import LinearRegression

import heron.pyfunc
import heron.sklearn
from heron.entities import PagedList
from heron.exceptions import AlreadyExists, InvalidParameter, MlflowException, NotFound
from heron.tracking import MlflowClient
from integration.registry.add_n import AddN, added, log_add_n


def test_log_model_registers_v1_then_v2_with_mlflows_messages(
    mlflow: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    model = LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0])
    with mlflow.start_run() as run, pytest.warns(FutureWarning, match="artifact_path"):
        first = heron.sklearn.log_model(
            model, "sklearn-model", registered_model_name="sk-learn-random-forest-reg-model"
        )
    assert (
        "Successfully registered model 'sk-learn-random-forest-reg-model'."
        in capsys.readouterr().err
    )
    with mlflow.start_run(), pytest.warns(FutureWarning, match="artifact_path"):
        second = heron.sklearn.log_model(
            model, "sklearn-model", registered_model_name="sk-learn-random-forest-reg-model"
        )
    err = capsys.readouterr().err
    assert (
        "Registered model 'sk-learn-random-forest-reg-model' already exists. "
        "Creating a new version of this model..."
    ) in err
    assert "Created version '2' of model 'sk-learn-random-forest-reg-model'." in err
    assert (first.registered_model_version, second.registered_model_version) == (1, 2)
    version = MlflowClient().get_model_version("sk-learn-random-forest-reg-model", 1)
    assert version.run_id == run.info.run_id
    assert version.model_id == first.model_id
    assert version.status == "READY"
    assert version.current_stage == "None"
    logged = MlflowClient().get_logged_model(str(first.model_id))
    assert json.loads(logged.tags["mlflow.modelVersions"]) == [
        {"name": "sk-learn-random-forest-reg-model", "version": 1}
    ]
    loaded = heron.sklearn.load_model("models:/sk-learn-random-forest-reg-model/1")
    assert loaded.predict([[2.0]]).tolist() == pytest.approx([4.0])


def test_register_model_from_a_runs_uri(
    mlflow: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    # log_model stores the files only under the logged model (MLflow 3.x), so a runs:/ URI
    # registers that logged model, as MLflow 3.17.2 does.
    info = log_add_n(mlflow, 5)
    version = mlflow.register_model(f"runs:/{info.run_id}/model", "rf-reg", tags={"n": 5})
    assert (version.name, version.version, version.run_id) == ("rf-reg", 1, info.run_id)
    assert version.tags == {"n": "5"}
    assert version.source == f"models:/{info.model_id}"
    assert version.model_id == info.model_id
    assert "Created version '1' of model 'rf-reg'." in capsys.readouterr().err
    assert added(heron.pyfunc.load_model("models:/rf-reg/1")) == 5
    with pytest.raises(NotFound, match="Unable to find a logged_model with artifact_path nope"):
        mlflow.register_model(f"runs:/{info.run_id}/nope", "rf-reg")


def test_register_model_from_a_model_in_the_runs_own_artifacts(
    fluent: ModuleType, tmp_path: Path
) -> None:
    # MLflow 2.x's layout: the model directory logged as plain run artifacts.
    heron.pyfunc.save_model(tmp_path / "saved", python_model=AddN(3))
    client = MlflowClient()
    with fluent.start_run() as run:
        client.log_artifacts(run.info.run_id, str(tmp_path / "saved"), "model")
    version = fluent.register_model(f"runs:/{run.info.run_id}/model", "run-copy")
    artifact_uri = client.get_run(run.info.run_id).info.artifact_uri
    assert version.source == f"{artifact_uri}/model"
    assert version.model_id is None
    assert version.run_id == run.info.run_id
    assert added(heron.pyfunc.load_model("models:/run-copy/latest")) == 3


def test_register_model_from_a_logged_model_uri(mlflow: ModuleType) -> None:
    info = log_add_n(mlflow, 4)
    version = mlflow.register_model(f"models:/{info.model_id}", "by-id")
    assert version.model_id == info.model_id
    assert version.run_id == info.run_id
    assert added(heron.pyfunc.load_model("models:/by-id/1")) == 4


def test_create_model_version_from_a_local_path(fluent: ModuleType, tmp_path: Path) -> None:
    heron.pyfunc.save_model(tmp_path / "saved", python_model=AddN(7))
    client = MlflowClient()
    client.create_registered_model("local", tags={"team": 1}, description="saved before")
    version = client.create_model_version("local", str(tmp_path / "saved"), description="v1")
    assert (version.version, version.source, version.description) == (
        1,
        str(tmp_path / "saved"),
        "v1",
    )
    assert added(heron.pyfunc.load_model("models:/local/1")) == 7
    model = client.get_registered_model("local")
    assert (model.tags, model.description) == ({"team": "1"}, "saved before")
    with pytest.raises(AlreadyExists):
        client.create_registered_model("local")


def test_transition_with_archive_existing_versions(mlflow: ModuleType) -> None:
    for n in (1, 2, 3):
        log_add_n(mlflow, n, registered_model_name="staged")
    client = MlflowClient()
    with pytest.warns(FutureWarning, match="stages"):
        client.transition_model_version_stage("staged", 1, "production")
    assert added(heron.pyfunc.load_model("models:/staged/Production")) == 1
    with pytest.warns(FutureWarning):
        moved = client.transition_model_version_stage(
            "staged", "2", "Production", archive_existing_versions=True
        )
    assert moved.current_stage == "Production"
    assert client.get_model_version("staged", 1).current_stage == "Archived"
    assert added(heron.pyfunc.load_model("models:/staged/production")) == 2
    assert added(heron.pyfunc.load_model("models:/staged/Archived")) == 1
    assert added(heron.pyfunc.load_model("models:/staged/latest")) == 3
    with pytest.warns(FutureWarning):
        stages = client.get_model_version_stages("staged", 1)
    assert stages == ["None", "Staging", "Production", "Archived"]
    with pytest.warns(FutureWarning):
        latest = client.get_latest_versions("staged", ["Production", "None"])
    assert sorted((v.current_stage, v.version) for v in latest) == [
        ("None", 3),
        ("Production", 2),
    ]
    with (
        pytest.raises(InvalidParameter, match="must not be an empty string"),
        pytest.warns(FutureWarning),
    ):
        client.transition_model_version_stage("staged", 3, " ")
    with (
        pytest.raises(InvalidParameter, match="Invalid Model Version stage"),
        pytest.warns(FutureWarning),
    ):
        client.transition_model_version_stage("staged", 3, "Prod")
    with pytest.raises(NotFound, match="No versions of model with name 'staged' and stage"):
        heron.pyfunc.load_model("models:/staged/Staging")


def test_aliases_point_at_versions(mlflow: ModuleType) -> None:
    for n in (10, 20):
        log_add_n(mlflow, n, registered_model_name="aliased")
    client = MlflowClient()
    client.set_registered_model_alias("aliased", "champion", 1)
    assert added(heron.pyfunc.load_model("models:/aliased@champion")) == 10
    client.set_registered_model_alias("aliased", "champion", "2")
    assert client.get_model_version_by_alias("aliased", "champion").version == 2
    assert client.get_registered_model("aliased").aliases == {"champion": 2}
    assert client.get_model_version("aliased", 2).aliases == ["champion"]
    assert added(heron.pyfunc.load_model("models:/aliased@champion")) == 20
    client.delete_registered_model_alias("aliased", "champion")
    with pytest.raises(MlflowException, match="alias champion not found"):
        heron.pyfunc.load_model("models:/aliased@champion")


def test_update_rename_and_delete(mlflow: ModuleType) -> None:
    for n in (1, 2):
        log_add_n(mlflow, n, registered_model_name="sk-model")
    client = MlflowClient()
    updated = client.update_model_version("sk-model", 1, description="100 trees")
    assert updated.description == "100 trees"
    assert client.update_registered_model("sk-model", "the model").description == "the model"
    renamed = client.rename_registered_model("sk-model", "sk-model-100")
    assert renamed.name == "sk-model-100"
    assert added(heron.pyfunc.load_model("models:/sk-model-100/1")) == 1
    with pytest.raises(NotFound, match=r"\(name=sk-model, version=1\) not found"):
        heron.pyfunc.load_model("models:/sk-model/1")
    with pytest.raises(InvalidParameter, match="must not be an empty string"):
        client.rename_registered_model("sk-model-100", "  ")
    client.delete_model_version("sk-model-100", 2)
    with pytest.raises(NotFound):
        client.get_model_version("sk-model-100", 2)
    assert log_add_n(mlflow, 3, registered_model_name="sk-model-100").registered_model_version == 3
    client.delete_registered_model("sk-model-100")
    with pytest.raises(NotFound):
        client.get_registered_model("sk-model-100")


def test_list_registered_models_is_deprecated_but_works(mlflow: ModuleType) -> None:
    client = MlflowClient()
    for name in ("b-model", "a-model"):
        client.create_registered_model(name)
    with pytest.warns(FutureWarning, match="list_registered_models.*search_registered_models"):
        page = client.list_registered_models(max_results=1)
    assert isinstance(page, PagedList)
    assert [m.name for m in page] == ["a-model"]
    with pytest.warns(FutureWarning):
        rest = client.list_registered_models(page_token=page.token)
    assert [dict(m)["name"] for m in rest] == ["b-model"]


def test_tags_on_models_and_versions(mlflow: ModuleType) -> None:
    log_add_n(mlflow, 1, registered_model_name="tagged")
    client = MlflowClient()
    client.set_registered_model_tag("tagged", "team", 42)
    mlflow.set_model_version_tag("tagged", "1", "validated", True)
    assert client.get_registered_model("tagged").tags == {"team": "42"}
    assert client.get_model_version("tagged", 1).tags == {"validated": "True"}
    client.delete_registered_model_tag("tagged", "team")
    client.delete_model_version_tag("tagged", 1, "validated")
    assert client.get_registered_model("tagged").tags == {}
    assert client.get_model_version("tagged", 1).tags == {}
    with pytest.raises(InvalidParameter, match="version or stage must be set"):
        client.set_model_version_tag("tagged", key="k", value="v")
    with pytest.raises(InvalidParameter, match="cannot be set together"):
        client.set_model_version_tag("tagged", 1, "k", "v", stage="None")
    with pytest.warns(FutureWarning):
        client.set_model_version_tag("tagged", key="k", value="v", stage="None")
    assert client.get_model_version("tagged", 1).tags == {"k": "v"}


def test_search_registered_models_and_versions(mlflow: ModuleType) -> None:
    infos = {name: log_add_n(mlflow, 1, registered_model_name=name) for name in ("rf-a", "rf-b")}
    log_add_n(mlflow, 2, registered_model_name="rf-b")
    MlflowClient().create_registered_model("other", tags={"team": "x"})
    names = [m.name for m in mlflow.search_registered_models(filter_string="name LIKE 'rf-%'")]
    assert names == ["rf-a", "rf-b"]
    ordered = mlflow.search_registered_models(order_by=["name DESC"], max_results=2)
    assert [m.name for m in ordered] == ["rf-b", "rf-a"]
    assert [m.name for m in mlflow.search_registered_models(filter_string="tags.team = 'x'")] == [
        "other"
    ]
    versions = mlflow.search_model_versions(filter_string="name = 'rf-b'")
    assert [v.version for v in versions] == [2, 1]
    by_run = MlflowClient().search_model_versions(f"run_id = '{infos['rf-a'].run_id}'")
    assert [(v.name, v.version) for v in by_run] == [("rf-a", 1)]
    page = MlflowClient().search_registered_models(max_results=1)
    assert len(page) == 1
    assert page.token


def test_copy_model_version_keeps_lineage(
    mlflow: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    info = log_add_n(mlflow, 7)
    client = MlflowClient()
    source = mlflow.register_model(f"runs:/{info.run_id}/model", "dev-model", tags={"t": "1"})
    client.set_registered_model_alias("dev-model", "candidate", source.version)
    capsys.readouterr()
    copy = client.copy_model_version("models:/dev-model@candidate", "prod-model")
    err = capsys.readouterr().err
    assert "Successfully registered model 'prod-model'." in err
    assert "Copied version '1' of model 'dev-model' to version '1' of model 'prod-model'." in err
    assert (copy.name, copy.version, copy.source) == ("prod-model", 1, "models:/dev-model/1")
    assert (copy.run_id, copy.tags) == (source.run_id, {"t": "1"})
    assert added(heron.pyfunc.load_model("models:/prod-model/1")) == 7
    with pytest.raises(InvalidParameter, match="Unsupported source model URI"):
        client.copy_model_version(f"runs:/{info.run_id}/model", "prod-model")
    with pytest.raises(NotFound, match="Failed to fetch model version"):
        client.copy_model_version("models:/dev-model/9", "prod-model")
