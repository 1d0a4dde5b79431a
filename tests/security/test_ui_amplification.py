"""Attack: a runs table URL naming thousands of columns. The page grew with the square of
its columns (3,000 columns: 446 MB and 81 s for one anonymous GET), so a few requests
exhausted the server's memory. Real server, real requests."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from fixtures.server import HeronServer
from heron.server.ui.runs_query import MAX_COLUMNS

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


def test_thousands_of_columns_make_a_bounded_page(heron_server: HeronServer) -> None:
    with httpx.Client(base_url=heron_server.url, timeout=120) as http:
        made = http.post(f"{API}/experiments/create", json={"name": f"wide-{uuid.uuid4().hex}"})
        experiment = made.json()["experiment_id"]
        run = http.post(f"{API}/runs/create", json={"experiment_id": experiment}).json()
        params = [{"key": f"p{i}", "value": "v"} for i in range(3)]
        run_id = run["run"]["info"]["run_id"]
        http.post(f"{API}/runs/log-batch", json={"run_id": run_id, "params": params})
        columns = [("columns", f"params.p{i}") for i in range(3000)]
        started = time.monotonic()
        for path in (f"/experiments/{experiment}", "/compare-experiments"):
            query = columns + ([("experiments", experiment)] if "compare" in path else [])
            page = http.get(path, params=query)
            assert page.status_code == 200
            assert len(page.content) < 20_000_000, len(page.content)
            assert f"p{MAX_COLUMNS - 1}" in page.text
            assert f"params.p{MAX_COLUMNS + 10}" not in page.text
        assert time.monotonic() - started < 60
