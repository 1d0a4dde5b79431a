"""Attack: a "billion laughs" MLmodel (a few hundred bytes of YAML aliases that expand to
billions of values). Logged to a run and registered, it made the version page and the run's
artifact pages expand it: the server grew past 8 GB and stopped answering, health checks
included. Real server, real requests; and Model.load itself."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from fixtures.server import HeronServer
from heron.exceptions import InvalidParameter
from heron.models import Model

API = "/api/2.0/mlflow"


def _laughs() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    body = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: x\n"
    return "\n".join(lines) + "\n" + body + "    data: *a9\n"


def test_model_load_refuses_an_alias_bomb(tmp_path: Path) -> None:
    (tmp_path / "MLmodel").write_text(_laughs())
    with pytest.raises(InvalidParameter, match="YAML aliases"):
        Model.load(tmp_path)


def test_model_load_refuses_a_recursive_document(tmp_path: Path) -> None:
    (tmp_path / "MLmodel").write_text("flavors: &f {python_function: {x: *f}}\n")
    with pytest.raises(InvalidParameter, match="refers to itself"):
        Model.load(tmp_path)


def test_shared_nodes_of_a_legit_file_still_load(tmp_path: Path) -> None:
    text = "env: &e {conda: conda.yaml}\nflavors:\n  python_function: {env: *e}\n  x: {env: *e}\n"
    (tmp_path / "MLmodel").write_text(text)
    assert Model.load(tmp_path).flavors["x"]["env"] == {"conda": "conda.yaml"}


@pytest.mark.integration
def test_pages_of_an_alias_bomb_model_answer(heron_server: HeronServer) -> None:
    with httpx.Client(base_url=heron_server.url, timeout=30) as http:
        made = http.post(f"{API}/experiments/create", json={"name": f"laughs-{uuid.uuid4().hex}"})
        experiment = made.json()["experiment_id"]
        run = http.post(f"{API}/runs/create", json={"experiment_id": experiment}).json()
        run_id = run["run"]["info"]["run_id"]
        put = http.put(
            f"/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run_id}/artifacts/model/MLmodel",
            content=_laughs().encode(),
        )
        assert put.status_code == 200
        name = f"laughs-{uuid.uuid4().hex}"
        http.post(f"{API}/registered-models/create", json={"name": name}).raise_for_status()
        version = http.post(
            f"{API}/model-versions/create",
            json={"name": name, "source": f"runs:/{run_id}/model", "run_id": run_id},
        )
        assert version.status_code == 200, version.text
        for path in (
            f"/models/{name}/versions/1",
            f"/experiments/{experiment}/runs/{run_id}/artifacts/model",
            f"/experiments/{experiment}/runs/{run_id}/artifact-preview?path=model",
            f"/experiments/{experiment}/runs/{run_id}/artifact-preview?path=model/MLmodel",
        ):
            page = http.get(path, follow_redirects=True)  # a hang is a timeout here
            assert page.status_code == 200, (path, page.status_code)
        assert http.get("/health", timeout=5).text == "OK"
