"""Asynchronous logging through MlflowClient: queued writes, batches, waits and errors."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from heron.entities import Metric, Param
from heron.exceptions import InvalidParameter
from heron.tracking import MlflowClient, RunOperations, flush_async_logging
from heron.tracking.async_logging import _commit, _pack, _Write


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.delenv("HERON_ENABLE_ASYNC_LOGGING", raising=False)
    monkeypatch.delenv("MLFLOW_ENABLE_ASYNC_LOGGING", raising=False)
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/t.db")


@pytest.fixture
def run_id(client: MlflowClient) -> str:
    return client.create_run("0").info.run_id


def test_async_writes_are_stored_once_waited_for(client: MlflowClient, run_id: str) -> None:
    operations = [
        client.log_metric(run_id, "m", 1.5, synchronous=False),
        client.log_param(run_id, "p", 7, synchronous=False),
        client.set_tag(run_id, "t", "x", synchronous=False),
    ]
    for operation in operations:
        assert isinstance(operation, RunOperations)
        operation.wait()

    data = client.get_run(run_id).data
    assert (data.metrics, data.params, data.tags["t"]) == ({"m": 1.5}, {"p": "7"}, "x")


def test_the_environment_switches_async_logging_on(
    client: MlflowClient, run_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_ENABLE_ASYNC_LOGGING", "true")

    operation = client.log_param(run_id, "p", 1)

    assert isinstance(operation, RunOperations)
    operation.wait()
    assert client.log_param(run_id, "q", 2, synchronous=True) == 2


def test_flush_applies_everything_queued(client: MlflowClient, run_id: str) -> None:
    for step in range(300):
        client.log_metric(run_id, "m", step, step=step, synchronous=False)

    flush_async_logging()

    assert len(client.get_metric_history(run_id, "m")) == 300


def test_a_big_async_batch_is_split_and_stored(client: MlflowClient, run_id: str) -> None:
    metrics = [Metric("loss", float(step), 1, step) for step in range(2500)]
    params = [Param(f"p{i}", str(i)) for i in range(150)]

    client.log_batch(run_id, metrics, params, synchronous=False).wait()  # type: ignore[union-attr]

    assert len(client.get_metric_history(run_id, "loss")) == 2500
    assert len(client.get_run(run_id).data.params) == 150


def test_a_store_error_is_raised_by_wait(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "p", 1)
    bad = client.log_param(run_id, "p", 2, synchronous=False)
    good = client.log_metric(run_id, "m", 3, synchronous=False)

    with pytest.raises(InvalidParameter, match="Changing param values is not allowed"):
        bad.wait()
    good.wait()  # type: ignore[union-attr]
    assert client.get_run(run_id).data.metrics == {"m": 3.0}


def test_writes_to_a_deleted_run_fail_on_wait(client: MlflowClient, run_id: str) -> None:
    client.delete_run(run_id)

    operation = client.set_tag(run_id, "t", "v", synchronous=False)

    with pytest.raises(InvalidParameter, match="must be in the 'active' state"):
        operation.wait()  # type: ignore[union-attr]


def test_malformed_writes_are_refused_before_queueing(client: MlflowClient, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        client.log_metric(run_id, "m", True, synchronous=False)
    with pytest.raises(InvalidParameter):
        client.set_tag(run_id, "../bad", "v", synchronous=False)


def test_a_param_logged_twice_with_one_value_is_fine(client: MlflowClient, run_id: str) -> None:
    first = client.log_param(run_id, "p", 1, synchronous=False)
    second = client.log_param(run_id, "p", 1, synchronous=False)

    first.wait()
    second.wait()
    assert client.get_run(run_id).data.params == {"p": "1"}


def test_the_last_queued_tag_value_wins(client: MlflowClient, run_id: str) -> None:
    for value in range(50):
        client.set_tag(run_id, "t", value, synchronous=False)

    flush_async_logging()

    assert client.get_run(run_id).data.tags["t"] == "49"


def test_writes_from_many_threads_all_land(client: MlflowClient, run_id: str) -> None:
    def log(worker: int) -> None:
        for step in range(100):
            client.log_metric(run_id, f"w{worker}", step, step=step, synchronous=False)

    threads = [threading.Thread(target=log, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flush_async_logging()

    assert [len(client.get_metric_history(run_id, f"w{w}")) for w in range(4)] == [100] * 4


def test_one_background_thread_serves_every_client(client: MlflowClient, tmp_path: Path) -> None:
    other = MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/other.db")
    ops = [
        c.set_tag(c.create_run("0").info.run_id, "t", 1, synchronous=False) for c in (client, other)
    ]

    RunOperations.merge(ops).wait()  # type: ignore[arg-type]

    workers = [t for t in threading.enumerate() if t.name == "heron-async-logging"]
    assert len(workers) == 1
    assert workers[0].daemon


def test_set_terminated_applies_queued_writes_first(client: MlflowClient, run_id: str) -> None:
    metrics = [Metric("m", float(step), 1, step) for step in range(5000)]
    client.log_batch(run_id, metrics, synchronous=False)

    client.set_terminated(run_id)

    assert client.get_run(run_id).data.metrics == {"m": 4999.0}


def test_waiting_on_nothing_returns() -> None:
    RunOperations().wait()
    RunOperations.merge([]).wait()


def test_queued_writes_are_flushed_at_interpreter_exit(client: MlflowClient, run_id: str) -> None:
    script = (
        "import sys\n"
        "from heron.entities import Metric\n"
        "from heron.tracking import MlflowClient\n"
        "client = MlflowClient(sys.argv[1])\n"
        "metrics = [Metric('m', float(s), 1, s) for s in range(5000)]\n"
        "client.log_batch(sys.argv[2], metrics, synchronous=False)\n"
    )

    subprocess.run([sys.executable, "-c", script, client.tracking_uri, run_id], check=True)

    assert len(client.get_metric_history(run_id, "m")) == 5000


def test_writes_of_a_run_are_packed_into_few_batches(client: MlflowClient, run_id: str) -> None:
    def write(metrics: int = 0, param: str | None = None) -> _Write:
        points = [Metric("m", 1.0, 1, step) for step in range(metrics)]
        params = [Param(param, "v")] if param else []
        return _Write(client.store, run_id, points, params, [])

    writes = [write(600), write(300), write(200), write(param="p"), write(param="p"), write(1)]

    sizes = [len(batch) for batch in _pack(writes)]

    assert sizes == [2, 2, 2]  # 600+300, then 200 + p, then p again (a new batch) + 1


def test_a_failed_batch_is_retried_write_by_write(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "p", "old")
    bad = _Write(client.store, run_id, [], [Param("p", "new")], [])
    good = _Write(client.store, run_id, [Metric("m", 2.0, 1, 0)], [], [])

    _commit([bad, good])

    assert isinstance(bad.future.exception(), InvalidParameter)
    assert good.future.result() is None
    assert client.get_run(run_id).data.metrics == {"m": 2.0}
