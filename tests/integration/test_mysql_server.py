"""``heron server --backend-store-uri mysql://...``: two workers serve one MariaDB database,
tracking and registry, through the REST API."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fixtures.server import HeronServer
from heron.entities import Metric, Param, RunTag
from heron.store.registry import clear_registry_store_cache, get_registry_store
from heron.store.tracking import clear_store_cache, get_tracking_store

pytestmark = [pytest.mark.integration, pytest.mark.mysql]


def test_a_server_on_mysql(
    start_heron_server: Callable[..., HeronServer], fresh_mysql_uri: str
) -> None:
    server = start_heron_server(
        backend_uri=fresh_mysql_uri.replace("mysql://", "mysql+pymysql://"), workers=2
    )
    try:
        store = get_tracking_store(server.url)
        experiment = store.create_experiment("Ünïcode \U0001f9ea")
        run = store.create_run(experiment, "u", 1, [RunTag("t", "v")], "r").info.run_id
        metrics = [Metric("loss", 1.0 / (step + 1), 1000 + step, step) for step in range(50)]
        store.log_batch(run, metrics, [Param("lr", "0.1")], [])
        found = store.search_runs([experiment], "metrics.loss < 0.05 and params.lr = '0.1'", 1, 10)
        assert [r.info.run_id for r in found] == [run]
        assert len(store.get_metric_history(run, "loss")) == 50
        assert store.get_run(run).data.metrics["loss"] == pytest.approx(1 / 50)
        registry = get_registry_store(server.url)
        registry.create_registered_model("Model")
        registry.create_registered_model("model")  # names are case-sensitive
        names = [m.name for m in registry.search_registered_models(None, 10, None, None)]
        assert names == ["Model", "model"]
    finally:
        clear_registry_store_cache()
        clear_store_cache()
