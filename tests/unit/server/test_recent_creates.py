"""The table of recent creates: a retry gets the first answer, distinct creates do not."""

from __future__ import annotations

import asyncio

from heron.protocol.idempotency import REQUEST_ID_HEADER
from heron.server.idempotency import RecentCreates

MLFLOW_AGENT = (b"user-agent", b"mlflow-python-client/3.17.2")


def _scope(*headers: tuple[bytes, bytes], port: int = 1000) -> dict[str, object]:
    return {"headers": list(headers), "client": ("10.0.0.1", port)}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _serve(table: RecentCreates, route: str, scope: dict[str, object], body: bytes) -> bytes:
    async def answer() -> tuple[int, bytes]:
        _MADE.append(1)
        return 200, f"answer-{len(_MADE)}".encode()

    async def go() -> bytes:
        found = table.key(route, scope, body)
        if found is None:
            return (await answer())[1]
        return (await table.run(*found, answer))[1]

    return _LOOP.run_until_complete(go())


_LOOP = asyncio.new_event_loop()
_MADE: list[int] = []


def test_request_ids_replay_within_their_window() -> None:
    clock = Clock()
    table = RecentCreates(120.0, clock)
    scope = _scope((REQUEST_ID_HEADER.lower().encode(), b"abc"))
    first = _serve(table, "CreateExperiment", scope, b"{}")
    assert _serve(table, "CreateExperiment", scope, b"{}") == first
    assert _serve(table, "CreateExperiment", scope, b'{"other": 1}') != first
    clock.now = 601.0
    assert _serve(table, "CreateExperiment", scope, b"{}") != first


def test_mlflow_fingerprints_need_another_connection() -> None:
    table = RecentCreates(120.0, Clock())
    first = _serve(table, "CreateRun", _scope(MLFLOW_AGENT, port=1), b"{}")
    assert _serve(table, "CreateRun", _scope(MLFLOW_AGENT, port=1), b"{}") != first
    second = _serve(table, "CreateRun", _scope(MLFLOW_AGENT, port=1), b"{}")
    assert _serve(table, "CreateRun", _scope(MLFLOW_AGENT, port=2), b"{}") == second


def test_identical_child_run_creates_are_distinct_runs() -> None:
    """MLflow's autolog creates a parameter search's child runs with identical bodies (the
    parent's start time and tags) over several connections: each is a run of its own."""
    table = RecentCreates(120.0, Clock())
    body = b'{"experiment_id": "1", "start_time": 5, "tags": [{"key": "mlflow.parentRunId", '
    body += b'"value": "abc"}, {"key": "mlflow.autologging", "value": "sklearn"}]}'
    answers = {_serve(table, "CreateRun", _scope(MLFLOW_AGENT, port=p), body) for p in (1, 2, 3)}
    assert len(answers) == 3


def test_other_clients_and_routes_are_never_merged() -> None:
    table = RecentCreates(120.0, Clock())
    plain = _scope((b"user-agent", b"curl/8"), port=1)
    first = _serve(table, "CreateRun", plain, b"{}")
    assert _serve(table, "CreateRun", _scope((b"user-agent", b"curl/8"), port=2), b"{}") != first
    assert table.key("CreateExperiment", _scope(MLFLOW_AGENT), b"{}") is None
    assert RecentCreates(0.0).key("CreateRun", _scope(MLFLOW_AGENT), b"{}") is None


def test_failed_creates_are_not_remembered() -> None:
    table = RecentCreates(120.0, Clock())
    scope = _scope((REQUEST_ID_HEADER.lower().encode(), b"id"))
    found = table.key("CreateRun", scope, b"{}")
    assert found is not None

    async def failing() -> tuple[int, bytes]:
        return 503, b"busy"

    async def working() -> tuple[int, bytes]:
        return 200, b"made"

    assert _LOOP.run_until_complete(table.run(*found, failing)) == (503, b"busy")
    assert _LOOP.run_until_complete(table.run(*found, working)) == (200, b"made")
    assert _LOOP.run_until_complete(table.run(*found, failing)) == (200, b"made")
