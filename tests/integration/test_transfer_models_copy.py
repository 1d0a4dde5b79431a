"""copy-model: a registered model straight from one store to another, no directory between."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.server import HeronServer
from fixtures.transfer_data import Source, populate, sqlite_client
from fixtures.transfer_models import check_imported, register
from heron import transfer
from heron.exceptions import AlreadyExists, InvalidParameter
from heron.tracking.client import MlflowClient
from heron.transfer.registry_export import all_versions

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


@pytest.fixture
def origin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[MlflowClient, Source]:
    client = sqlite_client(monkeypatch, tmp_path / "source")
    source = populate(client, tmp_path)
    register(client, source)
    return client, source


def test_copy_model_between_servers(
    start_heron_server: Callable[..., HeronServer], tmp_path: Path
) -> None:
    source_url, target_url = start_heron_server().url, start_heron_server().url
    register(
        MlflowClient(tracking_uri=source_url),
        populate(MlflowClient(tracking_uri=source_url), tmp_path),
    )
    summary = transfer.copy_model("wine", "imported", None, source_url, target_url, verify=True)
    assert (summary.runs_ok, summary.runs_total, summary.failures) == (3, 3, [])
    target = MlflowClient(tracking_uri=target_url)
    check_imported(target)
    assert transfer.diff_models(source_url, target_url, "wine") == []
    with pytest.raises(AlreadyExists, match="--delete-model True"):
        transfer.copy_model("wine", "imported", None, source_url, target_url)
    again = transfer.copy_model(
        "wine", "imported", None, source_url, target_url, delete_model=True, verify=True
    )
    assert (again.runs_skipped, again.failures) == (3, [])  # the runs were there already
    check_imported(target)


def test_copy_model_filters_versions_and_renames(
    origin: tuple[MlflowClient, Source], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, source = origin
    target = sqlite_client(monkeypatch, tmp_path / "target")
    copy = transfer.copy_model(
        "wine",
        "picked",
        "wine-picked",
        client.tracking_uri,
        target.tracking_uri,
        stages="production,Staging",
        verify=True,
    )
    assert copy.runs_ok == 2
    versions = all_versions(target, "wine-picked")
    assert [(v.version, v.current_stage) for v in versions] == [(1, "Staging"), (2, "Production")]
    assert target.get_registered_model("wine-picked").aliases == {"candidate": 1, "champion": 2}
    runs = [target.get_run(v.run_id or "") for v in versions]
    assert [r.info.run_name for r in runs] == ["child", "modelled"]
    # Against the whole source model, the copy lacks version 1 (it was filtered out).
    lines = transfer.diff_models(
        client.tracking_uri, target.tracking_uri, "wine", dst_model="wine-picked"
    )
    assert lines == [
        "registered model 'wine' -> 'wine-picked': version 1 is missing from the destination"
    ]
    with pytest.raises(InvalidParameter, match="mutually exclusive"):
        transfer.copy_model(
            "wine", "x", None, client.tracking_uri, target.tracking_uri, stages="None", versions="1"
        )
    assert source.runs["parent"] not in {r.info.run_id for r in runs}


def test_copy_model_leaves_out_versions_of_deleted_runs(
    origin: tuple[MlflowClient, Source], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, source = origin
    client.delete_run(source.runs["parent"])
    target = sqlite_client(monkeypatch, tmp_path / "target")
    transfer.copy_model("wine", "imported", None, client.tracking_uri, target.tracking_uri)
    assert [v.current_stage for v in all_versions(target, "wine")] == ["Staging", "Production"]
    other = sqlite_client(monkeypatch, tmp_path / "other")
    transfer.copy_model(
        "wine", "imported", None, client.tracking_uri, other.tracking_uri, export_deleted_runs=True
    )
    (first, *_) = all_versions(other, "wine")
    assert first.current_stage == "Archived"
    assert other.get_run(first.run_id or "").info.run_name == "parent"


def _run(env: dict[str, str], *args: str, ok: bool = True) -> str:
    result = subprocess.run([*args], env=env, capture_output=True, text=True, check=False)
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_copy_model_console_script_and_heron_subcommand(
    origin: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, _ = origin
    target_uri = f"sqlite:///{tmp_path / 'target.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    env.update(
        MLFLOW_TRACKING_URI=target_uri,
        HERON_DEFAULT_ARTIFACT_ROOT=str(tmp_path / "target-artifacts"),
    )
    args = [
        "--model",
        "wine",
        "--experiment-name",
        "imported",
        "--src-mlflow-uri",
        client.tracking_uri,
    ]
    text = _run(env, str(BIN / "copy-model"), *args, "--verify", "True")
    assert "3/3 versions successfully copied" in text
    assert "No differences" in text
    check_imported(MlflowClient(tracking_uri=target_uri))
    refused = _run(env, str(BIN / "copy-model"), *args, ok=False)
    assert "Error: Registered model 'wine' already exists" in refused
    heron = [sys.executable, "-m", "heron"]
    assert "--dst-model TEXT" in _run(env, *heron, "copy-model", "--help")
    diff = [*heron, "transfer", "diff", "--src-mlflow-uri", client.tracking_uri, "--model", "wine"]
    assert _run(env, *diff).strip() == "No differences"
    client.set_model_version_tag("wine", 1, "added", "later")
    changed = _run(env, *diff, ok=False)
    assert "1 difference:" in changed
    assert "registered model 'wine' -> 'wine': version 1 -> 1: tag 'added' is missing" in changed
