"""Registered models across the peers: the real MLflow 3.17.2 server and mlflow-export-import.

One registered model, made by each side's own client: version 1 from a run's artifacts
(Archived, a description, a tag), version 2 (Production, alias ``champion``, a tag) as an
MLflow 3 logged model where the tools carry those; the model has a description and a tag.
Version 1 predicts ``Y1``, version 2 ``Y2``. After each transfer, the destination must hold
the same versions, stages, aliases, tags and descriptions, each version's run (with its
params) in the destination experiment, and ``models:/<name>/<version>`` must load there
and predict what it predicted at the source:

- (a) MLflow -> Heron's export-model -> Heron's import-model -> Heron;
- (b) Heron -> Heron's export-model -> Heron's import-model -> MLflow;
- (c) MLflow -> mlflow-export-import's export-model -> Heron's import-model -> Heron;
- (d) Heron -> Heron's export-model -> mlflow-export-import's import-model -> MLflow.

mlflow-export-import 1.2.0 knows nothing of logged models or aliases, and its import-model
insists that a version's new source is a local path: (c) starts from versions kept in
their runs' artifacts, and (d) exports in the 1.2 layout (sources as the peer reads them)
and imports into an MLflow server whose run artifacts are local paths.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from exim import exim_bin, run_peer
from processes import ServerProcess, mlflow_server_command, run_script, start_server
from sklearn.linear_model import LogisticRegression

import heron
import heron.pyfunc
import heron.sklearn
from fixtures.server import HeronServer
from fixtures.server import start_server as start_heron_server
from heron import transfer
from heron.tracking.client import MlflowClient
from heron.transfer.registry_export import all_versions

pytestmark = [pytest.mark.compat, pytest.mark.slow, pytest.mark.xdist_group("transfer-models")]
__all__ = ["exim_bin"]  # the fixture, used by name

SCRIPT = "transfer_models_mlflow.py"
X = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]
Y1 = [0, 0, 0, 1, 1, 1]
Y2 = [1, 1, 1, 0, 0, 0]
EXPECTED = {
    "description": "wine model",
    "tags": {"team": "a"},
    "aliases": {"champion": 2},
    "versions": [
        {
            "version": 1,
            "stage": "Archived",
            "description": "first",
            "tags": {"k": "v"},
            "status": "READY",
            "params": {"labels": "000111"},
            "predictions": Y1,
        },
        {
            "version": 2,
            "stage": "Production",
            "description": "",
            "tags": {"k": "w"},
            "status": "READY",
            "params": {"labels": "111000"},
            "predictions": Y2,
        },
    ],
}


@pytest.fixture(scope="module")
def heron_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeronServer]:
    """A Heron server (proxied artifacts) for this module."""
    server = start_heron_server(tmp_path_factory.mktemp("heron-models"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def local_mlflow(
    mlflow_venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """An MLflow server whose runs' artifact URIs are local paths, as the peer's
    import-model requires (it checks that a version's new source exists on disk)."""
    command = mlflow_server_command(
        mlflow_venv, "--default-artifact-root={artifacts}", "--no-serve-artifacts"
    )
    server = start_server("mlflow", command, tmp_path_factory.mktemp("mlflow-local"))
    yield server
    server.stop()


def _names(tag: str) -> tuple[str, str, str]:
    """A fresh model name, its source experiment and its destination experiment."""
    name = f"{tag}{uuid.uuid4().hex[:8]}-wine"
    return name, f"{name}-train", f"{name}-imported"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(X, columns=["a"])


def make_on_mlflow(mlflow_venv: Path, url: str, name: str, logged_model: bool) -> dict[str, Any]:
    """The registered model, made by the mlflow client on an MLflow server; how the
    client sees it then."""
    flags = ["--logged-model"] if logged_model else []
    return run_script(
        mlflow_venv, SCRIPT, "make", name, f"{name}-train", *flags, MLFLOW_TRACKING_URI=url
    )


def describe_mlflow(mlflow_venv: Path, url: str, name: str) -> dict[str, Any]:
    """The model as the mlflow client reads and loads it from an MLflow server."""
    return run_script(mlflow_venv, SCRIPT, "describe", name, MLFLOW_TRACKING_URI=url)


def _artifact_version(client: MlflowClient, name: str, experiment_id: str, tmp: Path) -> None:
    run_id = client.create_run(experiment_id, run_name="artifacts").info.run_id
    client.log_param(run_id, "labels", "000111")
    path = tmp / f"model-{run_id}"
    heron.sklearn.save_model(LogisticRegression().fit(_frame(), Y1), str(path))
    client.log_artifacts(run_id, str(path), "model")
    client.set_terminated(run_id)
    client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)


def make_on_heron(
    url: str, name: str, tmp: Path, monkeypatch: pytest.MonkeyPatch, logged_model: bool = True
) -> None:
    """The registered model, made by Heron's client and ``heron.sklearn.log_model`` (its
    files kept apart from the run, as MLflow 3.x does) or, without ``logged_model``, with
    version 2's files in its run's artifacts (MLflow 2.x's layout)."""
    monkeypatch.delenv("HERON_TRACKING_URI", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    client = MlflowClient(tracking_uri=url)
    experiment_id = client.create_experiment(f"{name}-train")
    client.create_registered_model(name, tags={"team": "a"}, description="wine model")
    _artifact_version(client, name, experiment_id, tmp)
    with heron.start_run(experiment_id=experiment_id, run_name="logged") as run:
        heron.log_param("labels", "111000")
        model = LogisticRegression().fit(_frame(), Y2)
        if logged_model:
            heron.sklearn.log_model(model, name="model", registered_model_name=name)
        else:
            heron.sklearn.save_model(model, str(tmp / "run-copy"))
            heron.log_artifacts(str(tmp / "run-copy"), "model")
            heron.register_model(f"runs:/{run.info.run_id}/model", name)
    client.update_model_version(name, 1, description="first")
    client.set_model_version_tag(name, 1, "k", "v")
    client.set_model_version_tag(name, 2, "k", "w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stages are deprecated, as in MLflow
        client.transition_model_version_stage(name, 1, "Archived")
        client.transition_model_version_stage(name, 2, "Production")
    client.set_registered_model_alias(name, "champion", 2)


def describe_heron(url: str, name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The model as Heron's client reads and loads it from a Heron server."""
    monkeypatch.delenv("HERON_TRACKING_URI", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    client = MlflowClient(tracking_uri=url)
    model = client.get_registered_model(name)
    versions = []
    for version in all_versions(client, name):
        assert version.run_id is not None
        run = client.get_run(version.run_id)
        loaded = heron.pyfunc.load_model(f"models:/{name}/{version.version}")
        versions.append(
            {
                "version": version.version,
                "stage": version.current_stage,
                "description": version.description or "",
                "tags": dict(version.tags),
                "status": version.status,
                "source": version.source,
                "run_id": version.run_id,
                "params": dict(run.data.params),
                "predictions": pd.Series(loaded.predict(_frame())).tolist(),
            }
        )
    return {
        "name": model.name,
        "description": model.description or "",
        "tags": dict(model.tags),
        "aliases": dict(model.aliases),
        "versions": versions,
    }


def kept(view: dict[str, Any]) -> dict[str, Any]:
    """What a transfer must keep: everything but the run ids and sources."""
    return {
        "description": view["description"],
        "tags": view["tags"],
        "aliases": view["aliases"],
        "versions": [
            {k: v for k, v in version.items() if k not in ("run_id", "source")}
            for version in view["versions"]
        ],
    }


def _runs_in(client: MlflowClient, experiment: str, view: dict[str, Any]) -> None:
    """Each version's run is a new run of the destination experiment."""
    found = client.get_experiment_by_name(experiment)
    assert found is not None
    for version in view["versions"]:
        assert client.get_run(version["run_id"]).info.experiment_id == found.experiment_id


def test_a_mlflow_model_exported_and_imported_by_heron(
    mlflow_venv: Path,
    mlflow_server: ServerProcess,
    heron_server: HeronServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, _, experiment = _names("a")
    assert kept(make_on_mlflow(mlflow_venv, mlflow_server.url, name, logged_model=True)) == EXPECTED
    out = str(tmp_path / "m")
    transfer.export_model(name, out, client=MlflowClient(tracking_uri=mlflow_server.url))
    target = MlflowClient(tracking_uri=heron_server.url)
    transfer.import_model(out, name, experiment, client=target, verify=True)
    view = describe_heron(heron_server.url, name, monkeypatch)
    assert kept(view) == EXPECTED
    _runs_in(target, experiment, view)


def test_b_heron_model_exported_and_imported_by_heron_into_mlflow(
    mlflow_venv: Path,
    mlflow_server: ServerProcess,
    heron_server: HeronServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, _, experiment = _names("b")
    make_on_heron(heron_server.url, name, tmp_path, monkeypatch)
    assert kept(describe_heron(heron_server.url, name, monkeypatch)) == EXPECTED
    out = str(tmp_path / "m")
    transfer.export_model(name, out, client=MlflowClient(tracking_uri=heron_server.url))
    target = MlflowClient(tracking_uri=mlflow_server.url)
    transfer.import_model(out, name, experiment, client=target, verify=True)
    view = describe_mlflow(mlflow_venv, mlflow_server.url, name)
    assert kept(view) == EXPECTED
    _runs_in(target, experiment, view)


def test_c_peer_model_bundle_imports_into_heron(
    mlflow_venv: Path,
    exim_bin: Path,
    mlflow_server: ServerProcess,
    heron_server: HeronServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, _, experiment = _names("c")
    make_on_mlflow(mlflow_venv, mlflow_server.url, name, logged_model=False)
    out = tmp_path / "peer-out"
    run_peer(exim_bin, "export-model", mlflow_server.url, "--model", name, "--output-dir", str(out))
    assert (out / "model.json").is_file()
    target = MlflowClient(tracking_uri=heron_server.url)
    transfer.import_model(str(out), name, experiment, client=target, verify=True)
    view = describe_heron(heron_server.url, name, monkeypatch)
    assert kept(view) == EXPECTED
    _runs_in(target, experiment, view)


def test_d_heron_model_bundle_imports_with_the_peer_into_mlflow(
    mlflow_venv: Path,
    exim_bin: Path,
    local_mlflow: ServerProcess,
    heron_server: HeronServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, _, experiment = _names("d")
    # mlflow-export-import 1.2.0 reads a version's files from its run only (it knows no
    # logged models), so the model's files are in the run here.
    make_on_heron(heron_server.url, name, tmp_path, monkeypatch, logged_model=False)
    out = tmp_path / "heron-out"
    transfer.export_model(
        name, str(out), client=MlflowClient(tracking_uri=heron_server.url), bundle_format="1.2"
    )
    run_peer(
        exim_bin,
        "import-model",
        local_mlflow.url,
        "--model",
        name,
        "--experiment-name",
        experiment,
        "--input-dir",
        str(out),
    )
    view = describe_mlflow(mlflow_venv, local_mlflow.url, name)
    assert kept(view) == {**EXPECTED, "aliases": {}}  # the peer's 1.2.0 drops aliases
    _runs_in(MlflowClient(tracking_uri=local_mlflow.url), experiment, view)
    lines = transfer.diff_models(str(out), local_mlflow.url, compare_artifacts=False)
    assert f"registered model '{name}' -> '{name}': alias 'champion' is missing" in lines
