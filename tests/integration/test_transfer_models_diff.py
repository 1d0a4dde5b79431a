"""Verifying registered-model transfers: ``--verify True`` for import-model and
``heron transfer diff`` for models; and the bundle fields other tools need."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.transfer_data import Source, populate, sqlite_client
from fixtures.transfer_models import check_imported, register
from heron import transfer
from heron.tracking.client import MlflowClient
from heron.transfer import TransferFailed
from heron.transfer.registry_export import all_versions

pytestmark = pytest.mark.integration


@pytest.fixture
def imported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[MlflowClient, MlflowClient, Source, Path]:
    """``wine`` exported to ``m`` and imported (verified) into another store."""
    origin = sqlite_client(monkeypatch, tmp_path / "source")
    source = populate(origin, tmp_path)
    register(origin, source)
    target = sqlite_client(monkeypatch, tmp_path / "target")
    out = tmp_path / "m"
    transfer.export_model("wine", str(out), client=origin)
    summary = transfer.import_model(str(out), "wine", "imported", client=target, verify=True)
    assert summary.failures == []
    return origin, target, source, out


def test_diff_finds_nothing_after_an_import_then_every_change(
    imported: tuple[MlflowClient, MlflowClient, Source, Path],
) -> None:
    origin, target, source, out = imported
    assert transfer.diff(str(out), target.tracking_uri) == []
    assert transfer.diff_models(origin.tracking_uri, target.tracking_uri, "wine") == []
    target.update_registered_model("wine", "changed")
    target.set_registered_model_alias("wine", "candidate", 1)
    with pytest.warns(FutureWarning):  # stages are deprecated, as in MLflow
        target.transition_model_version_stage("wine", 1, "None")
    target.set_model_version_tag("wine", 3, "extra", "x")
    version_two = target.get_model_version("wine", 2)
    target.log_param(version_two.run_id or "", "added", "later")
    target.create_model_version("wine", f"runs:/{version_two.run_id}/model", version_two.run_id)
    prefix = "registered model 'wine' -> 'wine': "
    lines = transfer.diff(str(out), target.tracking_uri)
    assert lines == [
        f"{prefix}attribute 'description' differs: 'wine model' != 'changed'",
        f"{prefix}alias 'candidate' differs: 2 != 1",
        f"{prefix}version 1 -> 1: attribute 'stage' differs: 'Archived' != 'None'",
        f"{prefix}version 3 -> 3: tag 'extra' was not in the source",
        f"{prefix}version 4 was not in the source",
        f"run '{source.runs['child']}' -> '{version_two.run_id}': param 'added' was not in the "
        "source",
    ]


def test_diff_of_a_renamed_model_and_one_that_is_missing(
    imported: tuple[MlflowClient, MlflowClient, Source, Path],
) -> None:
    origin, target, _, out = imported
    assert transfer.diff(str(out), target.tracking_uri, dst_model="other") == [
        "registered model 'other' is missing from the destination"
    ]
    target.rename_registered_model("wine", "renamed")
    assert transfer.diff(str(out), target.tracking_uri, dst_model="renamed") == []
    lines = transfer.diff_models(origin.tracking_uri, target.tracking_uri, "wine")
    assert lines == ["registered model 'wine' is missing from the destination"]


def test_verify_fails_an_import_whose_copy_differs(
    imported: tuple[MlflowClient, MlflowClient, Source, Path],
) -> None:
    _, target, _, out = imported
    content = json.loads((out / "model.json").read_text())
    content["mlflow"]["registered_model"]["versions"][1]["description"] = "edited since"
    (out / "model.json").write_text(json.dumps(content))
    # Importing again resumes (nothing to do) and compares the bundle with the destination.
    with pytest.raises(TransferFailed, match="'description' differs: 'edited since' != 'two'"):
        transfer.import_model(str(out), "wine", "imported", client=target, verify=True)
    check_imported(target)


def test_import_model_verify_on_the_command_line(
    imported: tuple[MlflowClient, MlflowClient, Source, Path], tmp_path: Path
) -> None:
    _, target, _, out = imported
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    env.update(MLFLOW_TRACKING_URI=target.tracking_uri)
    args = ["--model", "copy", "--experiment-name", "imported-again", "--input-dir", str(out)]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "import-model"), *args, "--verify", "True"],
        env={**env, "HERON_DEFAULT_ARTIFACT_ROOT": str(tmp_path / "cli-artifacts")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No differences" in result.stdout
    check_imported(target, "copy", "imported-again")
    diff = [sys.executable, "-m", "heron", "transfer", "diff", "--input-dir", str(out)]
    changed = subprocess.run(
        [*diff, "--dst-model", "copy"], env=env, capture_output=True, text=True, check=False
    )
    assert (changed.returncode, changed.stdout.strip()) == (0, "No differences")
    target.delete_registered_model_alias("copy", "champion")
    changed = subprocess.run(
        [*diff, "--dst-model", "copy"], env=env, capture_output=True, text=True, check=False
    )
    assert changed.returncode == 1
    assert "registered model 'wine' -> 'copy': alias 'champion' is missing" in changed.stdout


def test_model_list_bundles_are_compared_model_by_model(
    imported: tuple[MlflowClient, MlflowClient, Source, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    origin, _, _, _ = imported
    many = tmp_path / "many"
    transfer.export_models("all", str(many), client=origin)
    target = sqlite_client(monkeypatch, tmp_path / "third")
    transfer.import_models(str(many), "imported_", client=target, verify=True)
    assert transfer.diff(str(many), target.tracking_uri) == []
    target.delete_model_version("wine", 1)
    lines = transfer.diff(str(many), target.tracking_uri)
    assert lines == ["registered model 'wine' -> 'wine': version 1 is missing from the destination"]


def test_the_1_2_layout_writes_sources_that_the_peer_reads(
    imported: tuple[MlflowClient, MlflowClient, Source, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    origin, _, source, _ = imported
    out = tmp_path / "old"
    transfer.export_model("wine", str(out), client=origin, bundle_format="1.2")
    versions = json.loads((out / "model.json").read_text())["mlflow"]["registered_model"]
    first, _, third = versions["versions"]
    parent = source.runs["parent"]
    assert (first["source"], first["_source"]) == (
        f"{parent}/artifacts/model",
        f"runs:/{parent}/model",
    )
    assert (out / first["source"] / "MLmodel").is_file()  # the model's files, in the bundle
    assert third["source"] == f"models:/{source.model_id}"  # kept apart from its run
    assert "_source" not in third
    target = sqlite_client(monkeypatch, tmp_path / "target-old")
    transfer.import_model(str(out), "wine", "imported", client=target, verify=True)
    check_imported(target)


def test_a_logged_model_missing_from_the_bundle_fails_its_version(
    imported: tuple[MlflowClient, MlflowClient, Source, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """As in bundles of mlflow-export-import 1.2.0 made from MLflow 3 (whose server leaves
    a version's ``model_id`` out): the version names its logged model only in ``source``."""
    _, _, source, out = imported
    shutil.rmtree(out / source.model_id)
    content = json.loads((out / "model.json").read_text())
    del content["mlflow"]["registered_model"]["versions"][2]["model_id"]
    (out / "model.json").write_text(json.dumps(content))
    (out / "heron_import_state.json").unlink()
    target = sqlite_client(monkeypatch, tmp_path / "target-peer")
    with pytest.raises(TransferFailed, match=f"its logged model '{source.model_id}' was not"):
        transfer.import_model(str(out), "wine", "imported", client=target)
    assert [v.current_stage for v in all_versions(target, "wine")] == ["Archived", "Staging"]
