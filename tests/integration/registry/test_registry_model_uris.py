"""``models:/`` URIs everywhere a model URI is accepted: load_model, download_artifacts."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
import yaml

import heron.pyfunc
from heron.artifacts import download_artifacts, resolve_artifact_uri
from heron.exceptions import InvalidParameter, NotFound
from heron.tracking import MlflowClient
from integration.registry.add_n import added, log_add_n


def test_every_form_loads_the_right_version(mlflow: ModuleType) -> None:
    for n in (1, 2, 3):
        log_add_n(mlflow, n, registered_model_name="forms")
    client = MlflowClient()
    client.set_registered_model_alias("forms", "champion", 2)
    client.registry_store.transition_model_version_stage("forms", 1, "Staging")
    expected = {
        "models:/forms/1": 1,
        "models:/forms/3": 3,
        "models:/forms/staging": 1,
        "models:/forms/latest": 3,
        "models:/forms/LATEST": 3,
        "models:/forms@champion": 2,
        "models:/forms@latest": 3,
    }
    loaded = {uri: added(heron.pyfunc.load_model(uri)) for uri in expected}
    assert loaded == expected


def test_download_artifacts_of_registered_versions(mlflow: ModuleType, tmp_path: Path) -> None:
    info = log_add_n(mlflow, 1, registered_model_name="files")
    MlflowClient().set_registered_model_alias("files", "prod", 1)
    whole = download_artifacts("models:/files/1", dst_path=str(tmp_path))
    assert yaml.safe_load(Path(whole, "MLmodel").read_text())["model_id"] == info.model_id
    single = download_artifacts("models:/files@prod/MLmodel", dst_path=str(tmp_path))
    assert Path(single).name == "MLmodel"
    assert Path(single).read_text() == Path(whole, "MLmodel").read_text()


def test_download_uri_is_resolved_recursively(fluent: ModuleType, tmp_path: Path) -> None:
    info = log_add_n(fluent, 6)
    client = MlflowClient()
    client.create_registered_model("chain")
    client.create_model_version("chain", f"runs:/{info.run_id}/model", run_id=info.run_id)
    client.create_registered_model("promoted")
    client.create_model_version("promoted", "models:/chain/1")
    direct = resolve_artifact_uri("models:/promoted/1")
    assert not direct.startswith(("models:", "runs:"))
    assert added(heron.pyfunc.load_model("models:/promoted/1")) == 6


def test_missing_models_versions_and_aliases(mlflow: ModuleType) -> None:
    log_add_n(mlflow, 1, registered_model_name="present")
    with pytest.raises(NotFound, match=r"\(name=absent, version=1\) not found"):
        heron.pyfunc.load_model("models:/absent/1")
    with pytest.raises(NotFound, match="Registered Model with name=absent not found"):
        heron.pyfunc.load_model("models:/absent@champion")
    with pytest.raises(NotFound, match=r"Model Version \(name=present, version=9\) not found"):
        heron.pyfunc.load_model("models:/present/9")
    with pytest.raises(NotFound, match="nothing-here"):  # a path inside version 1
        download_artifacts("models:/present/1/nothing-here")
    with pytest.raises(InvalidParameter, match="Not a proper models:/ URI"):
        heron.pyfunc.load_model("models:/@champion")
    with pytest.raises(InvalidParameter, match="alias"):
        download_artifacts("models:/present@nobody")


def test_the_registry_uri_can_differ_from_the_tracking_uri(
    fluent: ModuleType, tmp_path: Path
) -> None:
    registry = f"sqlite:///{tmp_path / 'registry.db'}"
    fluent.set_registry_uri(registry)
    log_add_n(fluent, 8, registered_model_name="elsewhere")
    assert MlflowClient(registry_uri=registry).get_registered_model("elsewhere").name == "elsewhere"
    tracking_only = MlflowClient(registry_uri=fluent.get_tracking_uri())
    with pytest.raises(NotFound):
        tracking_only.get_registered_model("elsewhere")
    assert added(heron.pyfunc.load_model("models:/elsewhere/1")) == 8
