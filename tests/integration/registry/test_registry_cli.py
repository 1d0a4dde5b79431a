"""``heron registered-models`` end to end, as subprocesses against a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heron.tracking import MlflowClient

pytestmark = pytest.mark.integration


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    clean["HERON_TRACKING_URI"] = f"sqlite:///{tmp_path / 'cli.db'}"
    clean["HERON_DEFAULT_ARTIFACT_ROOT"] = str(tmp_path / "artifacts")
    return clean


def heron(env: dict[str, str], *args: str, ok: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "heron", "registered-models", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) == ok, result.stderr
    return result.stdout if ok else result.stderr


def _versions(env: dict[str, str], tmp_path: Path, name: str, count: int) -> None:
    client = MlflowClient(tracking_uri=env["HERON_TRACKING_URI"])
    for _ in range(count):
        client.create_model_version(name, str(tmp_path / "model"))


def test_create_list_get_rename_delete(env: dict[str, str], tmp_path: Path) -> None:
    assert "Created registered model 'rf'" in heron(env, "create", "-n", "rf", "-t", "team=ml")
    heron(env, "create", "-n", "other", "-d", "not rf")
    lines = heron(env, "list", "--filter", "name LIKE 'r%'").splitlines()
    assert lines[0].split() == ["Name", "Latest", "Version", "Aliases", "Description"]
    assert [line.split()[0] for line in lines[2:]] == ["rf"]
    listed = heron(env, "list", "--order-by", "name DESC", "--max-results", "1").splitlines()
    assert [line.split()[0] for line in listed[2:]] == ["rf"]
    assert json.loads(heron(env, "get", "-n", "rf"))["tags"] == {"team": "ml"}
    heron(env, "rename", "-n", "rf", "--new-name", "rf2")
    assert "Registered Model with name=rf not found" in heron(env, "get", "-n", "rf", ok=False)
    heron(env, "delete", "-n", "rf2")
    assert "rf2" not in heron(env, "list")
    assert "already exists" in heron(env, "create", "-n", "other", ok=False)


def test_versions_transition_alias_tag(env: dict[str, str], tmp_path: Path) -> None:
    heron(env, "create", "-n", "rf")
    _versions(env, tmp_path, "rf", 2)
    heron(env, "transition", "-n", "rf", "-v", "1", "-s", "production")
    out = heron(
        env, "transition", "-n", "rf", "-v", "2", "-s", "Production", "--archive-existing-versions"
    )
    assert "stage 'Production'" in out
    heron(env, "alias", "-n", "rf", "-a", "champion", "-v", "2")
    heron(env, "tag", "-n", "rf", "-v", "2", "-k", "ok", "--value", "yes")
    rows = [line.split() for line in heron(env, "versions", "-n", "rf").splitlines()[2:]]
    assert rows[0][:3] == ["2", "Production", "champion"]
    assert rows[1][:2] == ["1", "Archived"]
    client = MlflowClient(tracking_uri=env["HERON_TRACKING_URI"])
    assert client.get_model_version("rf", 2).tags == {"ok": "yes"}
    heron(env, "alias", "-n", "rf", "-a", "champion", "--delete")
    heron(env, "tag", "-n", "rf", "-v", "2", "-k", "ok", "--delete")
    heron(env, "delete", "-n", "rf", "-v", "1")
    assert client.get_registered_model("rf").aliases == {}
    assert [v.version for v in client.search_model_versions("name = 'rf'")] == [2]
    assert "Invalid Model Version stage" in heron(
        env, "transition", "-n", "rf", "-v", "2", "-s", "x", ok=False
    )
