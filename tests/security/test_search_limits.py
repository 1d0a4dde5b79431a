"""Attack: one search with many ``order_by`` clauses. Each param/tag/metric clause joins a
table, and SQLite crashed the server process (a segmentation fault) from 32 of them: one
request, from anyone who may search, stopped the server. Real server, real requests."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from fixtures.server import HeronServer
from heron.search.order_by import MAX_ORDER_BY

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


def test_many_order_by_clauses_are_refused_and_the_server_lives(
    start_heron_server: Callable[..., HeronServer],
) -> None:
    server = start_heron_server()
    with httpx.Client(base_url=server.url, timeout=60) as http:
        created = http.post(f"{API}/experiments/create", json={"name": "sorting"})
        experiment = created.json()["experiment_id"]
        http.post(f"{API}/runs/create", json={"experiment_id": experiment}).raise_for_status()
        for entity in ("params", "metrics", "tags"):
            order = [f"{entity}.k{i}" for i in range(40)]
            body = {"experiment_ids": [experiment], "order_by": order}
            answer = http.post(f"{API}/runs/search", json=body)
            assert answer.status_code == 400, answer.text
            assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
            assert f"at most {MAX_ORDER_BY}" in answer.json()["message"]
        # the same through the runs table page (its sort comes from the URL)
        page = http.get(
            f"/experiments/{experiment}", params=[("order_by", f"params.k{i}") for i in range(40)]
        )
        assert page.status_code in (200, 400)
        assert http.get("/health").text == "OK"
        allowed = [f"params.k{i}" for i in range(MAX_ORDER_BY)]
        fine = http.post(
            f"{API}/runs/search", json={"experiment_ids": [experiment], "order_by": allowed}
        )
        assert fine.status_code == 200, fine.text
        assert len(fine.json()["runs"]) == 1
    assert server.process.poll() is None, server.log()[-2000:]
