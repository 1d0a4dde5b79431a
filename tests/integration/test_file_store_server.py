"""``heron server --backend-store-uri ./mlruns``: a folder in MLflow's layout, served as is
(REST API, web pages and the registry)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from heron.entities import Metric, Param
from heron.store.registry import clear_registry_store_cache, get_registry_store
from heron.store.tracking import clear_store_cache, get_tracking_store

pytestmark = pytest.mark.integration


def test_a_server_browses_an_mlruns_folder(
    start_heron_server: Callable[..., object], tmp_path: Path
) -> None:
    folder = tmp_path / "mlruns"
    store = get_tracking_store(str(folder))
    experiment_id = store.create_experiment("old experiments")
    run_id = store.create_run(experiment_id, "me", 1000, [], "archived-run").info.run_id
    store.log_batch(run_id, [Metric("loss", 0.25, 1000, 3)], [Param("lr", "0.1")])
    registry = get_registry_store(str(folder))
    registry.create_registered_model("fraud")
    registry.create_model_version("fraud", f"{folder}/model", run_id=run_id)
    clear_store_cache()
    clear_registry_store_cache()

    server = start_heron_server(backend_uri=str(folder))
    api = f"{server.url}/api/2.0/mlflow"  # type: ignore[attr-defined]
    found = httpx.post(
        f"{api}/runs/search",
        json={"experiment_ids": [experiment_id], "filter": "metrics.loss < 0.5"},
    ).json()
    versions = httpx.get(f"{api}/model-versions/search").json()
    page = httpx.get(f"{server.url}/experiments/{experiment_id}")  # type: ignore[attr-defined]

    assert [r["info"]["run_id"] for r in found["runs"]] == [run_id]
    assert [(v["name"], v["version"]) for v in versions["model_versions"]] == [("fraud", "1")]
    assert page.status_code == 200
    assert "archived-run" in page.text
