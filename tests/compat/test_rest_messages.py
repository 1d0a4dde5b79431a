"""Error answers scripts match on are MLflow 3.17.2's: the same status, code and message
from a real ``mlflow server`` and from ``heron server`` for the same bad request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from processes import ServerProcess

pytestmark = pytest.mark.compat

BULK = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
INTERVAL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
LIST = "/api/2.0/mlflow/artifacts/list"

CASES: list[tuple[str, dict[str, Any]]] = [
    (BULK, {}),
    (BULK, {"run_id": "abc"}),
    (BULK, {"run_id": [f"r{i}" for i in range(101)], "metric_key": "m"}),
    (INTERVAL, {}),
    (INTERVAL, {"run_ids": "abc"}),
    (INTERVAL, {"run_ids": "abc", "metric_key": "m", "max_results": "0"}),
    (INTERVAL, {"run_ids": "abc", "metric_key": "m", "start_step": "5", "end_step": "1"}),
    (INTERVAL, {"run_ids": "abc", "metric_key": "m", "start_step": "5"}),
    (LIST, {"run_id": "abc", "path": "../x"}),
    (LIST, {"run_id": "abc", "path": "a/../../x"}),
    (LIST, {"run_id": "abc", "path": "/etc"}),
    (LIST, {"run_id": "abc", "path": "ok/dir"}),
]


def _answer(server: ServerProcess, path: str, params: dict[str, Any]) -> tuple[int, Any]:
    response = httpx.get(server.url + path, params=params, timeout=60)
    body = response.json()
    return response.status_code, (body.get("error_code"), body.get("message"))


@pytest.mark.parametrize(
    ("path", "params"), CASES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(CASES)]
)
def test_same_error_answer(
    mlflow_server: ServerProcess,
    heron_compat_server: ServerProcess,
    path: str,
    params: dict[str, Any],
) -> None:
    assert _answer(heron_compat_server, path, params) == _answer(mlflow_server, path, params)
