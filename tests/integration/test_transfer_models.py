"""Export and import of registered models: bundles, stores, servers, the console tools."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.server import HeronServer
from fixtures.transfer_data import Source, populate, sqlite_client
from fixtures.transfer_models import check_imported, register
from heron import transfer
from heron.exceptions import AlreadyExists
from heron.tracking.client import MlflowClient
from heron.transfer import TransferFailed
from heron.transfer.registry_export import all_versions

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


@pytest.fixture
def stores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[MlflowClient, MlflowClient, Source]:
    origin = sqlite_client(monkeypatch, tmp_path / "source")
    source = populate(origin, tmp_path)
    register(origin, source)
    target = sqlite_client(monkeypatch, tmp_path / "target")
    return origin, target, source


def test_sqlite_round_trip_keeps_versions_stages_aliases_tags(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, target, source = stores
    out = tmp_path / "m"
    exported = transfer.export_model("wine", str(out), client=origin)
    assert exported.runs_ok == 3
    content = json.loads((out / "model.json").read_text())
    listed = content["mlflow"]["registered_model"]
    assert [v["version"] for v in listed["versions"]] == ["1", "2", "3"]
    assert listed["aliases"] == [
        {"alias": "candidate", "version": "2"},
        {"alias": "champion", "version": "3"},
    ]
    assert (out / source.runs["child"] / "run.json").is_file()
    assert (out / source.model_id).is_dir()
    transfer.import_model(str(out), "wine", "imported", client=target)
    check_imported(target)


def test_stage_and_version_filters(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, _, source = stores
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), stages="Production,staging", client=origin)
    listed = json.loads((out / "model.json").read_text())["mlflow"]["registered_model"]
    assert [v["version"] for v in listed["versions"]] == ["2", "3"]
    assert not (out / source.runs["parent"]).exists()
    other = tmp_path / "v"
    transfer.export_model("wine", str(other), versions="1", client=origin)
    listed = json.loads((other / "model.json").read_text())["mlflow"]["registered_model"]
    assert [v["version"] for v in listed["versions"]] == ["1"]


def test_existing_model_needs_delete_model(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, target, _ = stores
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), client=origin)
    target.create_registered_model("wine", description="already here")
    with pytest.raises(AlreadyExists, match="--delete-model True"):
        transfer.import_model(str(out), "wine", "imported", client=target)
    assert target.get_experiment_by_name("imported") is None
    assert all_versions(target, "wine") == []
    transfer.import_model(str(out), "wine", "imported", client=target, delete_model=True)
    check_imported(target)


def test_reimport_skips_versions_already_imported(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, target, _ = stores
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), client=origin)
    transfer.import_model(str(out), "wine", "imported", client=target)
    again = transfer.import_model(str(out), "wine", "imported", client=target)
    assert again.runs_total == 0
    check_imported(target)
    experiment = target.get_experiment_by_name("imported")
    assert experiment is not None
    assert len(target.search_runs([experiment.experiment_id])) == 3


def test_interrupted_import_continues_where_it_stopped(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, target, _ = stores
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), client=origin)
    transfer.import_model(str(out), "wine", "imported", client=target)
    state_path = out / "heron_import_state.json"
    state = json.loads(state_path.read_text())
    recorded = state["destinations"][target.tracking_uri]["model_versions"]
    assert recorded == {"wine:wine/1": "1", "wine:wine/2": "2", "wine:wine/3": "3"}
    del recorded["wine:wine/3"]  # as if the import had stopped before version 3
    state_path.write_text(json.dumps(state))
    target.delete_model_version("wine", 3)
    resumed = transfer.import_model(str(out), "wine", "imported", client=target)
    assert (resumed.runs_total, resumed.runs_skipped) == (1, 1)
    versions = all_versions(target, "wine")
    assert [(v.version, v.current_stage) for v in versions][-1] == (4, "Production")
    assert target.get_registered_model("wine").aliases == {"candidate": 2, "champion": 4}
    experiment = target.get_experiment_by_name("imported")
    assert experiment is not None
    assert len(target.search_runs([experiment.experiment_id])) == 3


def test_reads_the_user_guides_older_model_json(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, target, source = stores
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), versions="1", client=origin)
    current = json.loads((out / "model.json").read_text())["mlflow"]["registered_model"]
    older = {
        "registered_model": {
            "name": "wine",
            "description": "old style",
            "latest_versions": current["versions"],
        }
    }
    (out / "model.json").write_text(json.dumps(older))
    transfer.import_model(str(out), "old", "imported", client=target)
    model = target.get_registered_model("old")
    assert model.description == "old style"
    (version,) = all_versions(target, "old")
    assert version.current_stage == "Archived"
    assert version.run_id != source.runs["parent"]


def test_server_to_server_round_trip(
    start_heron_server: Callable[..., HeronServer], tmp_path: Path
) -> None:
    origin, target = (MlflowClient(tracking_uri=start_heron_server().url) for _ in range(2))
    register(origin, populate(origin, tmp_path))
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), client=origin)
    transfer.import_model(str(out), "wine", "imported", client=target)
    check_imported(target)


def tool(env: dict[str, str], name: str, *args: str, ok: bool = True) -> str:
    result = subprocess.run(
        [str(BIN / name), *args], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_console_tools(stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path) -> None:
    origin, target, _ = stores
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    source_env = {**clean, "MLFLOW_TRACKING_URI": origin.tracking_uri}
    target_env = {
        **clean,
        "MLFLOW_TRACKING_URI": target.tracking_uri,
        "HERON_DEFAULT_ARTIFACT_ROOT": str(tmp_path / "target" / "artifacts"),
    }
    out = tmp_path / "m"
    text = tool(source_env, "export-model", "--model", "wine", "--output-dir", str(out))
    assert "Found 3 versions" in text
    assert "Exporting version 3 stage 'Production' with run_id" in text
    target.create_registered_model("wine")
    args = ["--model", "wine", "--experiment-name", "imported", "--input-dir", str(out)]
    refused = tool(target_env, "import-model", *args, ok=False)
    assert "Registered model 'wine' already exists" in refused
    text = tool(target_env, "import-model", *args, "--delete-model", "True")
    assert "3/3 versions successfully imported" in text
    check_imported(target)
    listing = tmp_path / "list"
    listing.mkdir()
    subprocess.run(
        [str(BIN / "list-models")], env=target_env, cwd=listing, check=True, capture_output=True
    )
    listed = json.loads((listing / "registered_models.json").read_text())["registered_models"]
    assert [m["name"] for m in listed] == ["wine"]
    assert {v["version"] for v in listed[0]["latest_versions"]} == {"1", "2", "3"}
    assert "Usage" in tool(clean, "heron", "import-model", "--help")
    many = tmp_path / "many"
    tool(source_env, "export-model-list", "--models", "all", "--output-dir", str(many))
    assert (many / "wine" / "model.json").is_file()
    assert json.loads((many / "models.json").read_text())["mlflow"]["models"] == ["wine"]


def test_a_version_whose_run_is_missing_fails_alone(
    stores: tuple[MlflowClient, MlflowClient, Source], tmp_path: Path
) -> None:
    origin, target, source = stores
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), client=origin)
    shutil.rmtree(out / source.runs["parent"])
    with pytest.raises(TransferFailed, match="wine/1") as failed:
        transfer.import_model(str(out), "wine", "imported", client=target)
    # Version 2's run is a child of version 1's: it waits for its parent, and fails with it.
    assert "its parent run" in str(failed.value)
    (version,) = all_versions(target, "wine")
    assert version.current_stage == "Production"
    assert target.get_registered_model("wine").aliases == {"champion": 1}
