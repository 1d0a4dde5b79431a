"""Many clients logging at once through a server with several workers lose nothing."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from fixtures.server import HeronServer
from heron.entities import Metric, Param, RunTag
from heron.store.tracking.rest import RestStore

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIENTS = 16
BATCHES = 12
POINTS = 40


def _log(url: str, experiment_id: str, client: int) -> str:
    store = RestStore(url)  # each client its own connection pool, as separate processes would
    try:
        run_id = store.create_run(
            experiment_id, f"client-{client}", 0, [], f"run-{client}"
        ).info.run_id
        for batch in range(BATCHES):
            metrics = [Metric("loss", 1.0 / (step + 1), 1000 + batch, batch * POINTS + step)
                       for step in range(POINTS)]  # fmt: skip
            store.log_batch(
                run_id, metrics, [Param(f"p{batch}", str(batch))], [RunTag("batch", str(batch))]
            )
        return run_id
    finally:
        store.close()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_concurrent_clients_lose_nothing(
    start_heron_server: Callable[..., HeronServer],
    request: pytest.FixtureRequest,
    backend: str,
) -> None:
    uri = request.getfixturevalue("fresh_postgres_uri") if backend == "postgresql" else None
    server = start_heron_server(backend_uri=uri, workers=2)
    store = RestStore(server.url)
    experiment_id = store.create_experiment("concurrent")
    with ThreadPoolExecutor(CLIENTS) as pool:
        run_ids = list(pool.map(lambda c: _log(server.url, experiment_id, c), range(CLIENTS)))
    for run_id in run_ids:
        history = store.get_metric_history(run_id, "loss")
        assert len(history) == BATCHES * POINTS
        run = store.get_run(run_id)
        assert len(run.data.params) == BATCHES
        assert run.data.tags["batch"] == str(BATCHES - 1)
    assert len(store.search_runs([experiment_id], max_results=100)) == CLIENTS
    store.close()
    assert "Traceback" not in server.log()
