"""MlflowClient's logging methods (synchronous), end to end on a real SQLite store."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from heron.entities import (
    Dataset,
    DatasetInput,
    InputTag,
    LoggedModelInput,
    Metric,
    Param,
    RunTag,
)
from heron.exceptions import InvalidParameter, NotFound
from heron.store.batching import split_batch
from heron.tracking import MlflowClient
from heron.validation import validate_batch


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.delenv("HERON_ENABLE_ASYNC_LOGGING", raising=False)
    monkeypatch.delenv("MLFLOW_ENABLE_ASYNC_LOGGING", raising=False)
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/t.db")


@pytest.fixture
def run_id(client: MlflowClient) -> str:
    return client.create_run("0").info.run_id


def test_log_param_returns_the_value_and_stores_its_string(
    client: MlflowClient, run_id: str
) -> None:
    returned = client.log_param(run_id, "lr", 0.5)

    assert returned == 0.5
    assert client.get_run(run_id).data.params == {"lr": "0.5"}


def test_a_param_cannot_change(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "p", 1)
    client.log_param(run_id, "p", "1")

    with pytest.raises(InvalidParameter, match="Changing param values is not allowed"):
        client.log_param(run_id, "p", 2)


def test_log_metric_defaults_to_step_zero_and_now(client: MlflowClient, run_id: str) -> None:
    before = int(time.time() * 1000)
    returned = client.log_metric(run_id, "m", 1)
    after = int(time.time() * 1000)

    [point] = client.get_metric_history(run_id, "m")
    assert returned is None
    assert (point.key, point.value, point.step) == ("m", 1.0, 0)
    assert before <= point.timestamp <= after


def test_log_metric_converts_numbers(client: MlflowClient, run_id: str) -> None:
    client.log_metric(run_id, "np", np.float32(0.25), timestamp=10, step=1)
    client.log_metric(run_id, "text", "1.5", timestamp=10, step=1)
    client.log_metric(run_id, "array", np.array(3), timestamp=10, step=1)

    assert client.get_run(run_id).data.metrics == {"np": 0.25, "text": 1.5, "array": 3.0}


@pytest.mark.parametrize("value", [True, "abc", None, [1, 2]])
def test_log_metric_refuses_non_numbers(client: MlflowClient, run_id: str, value: object) -> None:
    with pytest.raises(InvalidParameter):
        client.log_metric(run_id, "m", value)  # type: ignore[arg-type]


def test_set_tag_stores_strings_and_delete_tag_removes(client: MlflowClient, run_id: str) -> None:
    client.set_tag(run_id, "count", 3)
    client.set_tag(run_id, "gone", "x")
    client.delete_tag(run_id, "gone")

    tags = client.get_run(run_id).data.tags
    assert tags["count"] == "3"
    assert "gone" not in tags
    with pytest.raises(NotFound):
        client.delete_tag(run_id, "gone")


def test_writes_to_a_deleted_run_are_refused(client: MlflowClient, run_id: str) -> None:
    client.delete_run(run_id)

    with pytest.raises(InvalidParameter, match="must be in the 'active' state"):
        client.log_metric(run_id, "m", 1)


def test_split_batch_follows_mlflow_limits() -> None:
    metrics = [Metric(f"m{i}", 1.0, 1, 0) for i in range(2500)]
    params = [Param(f"p{i}", "v") for i in range(250)]
    tags = [RunTag(f"t{i}", "v") for i in range(150)]

    batches = split_batch(metrics, params, tags)

    assert [(len(m), len(p), len(t)) for m, p, t in batches] == [
        (800, 100, 100),
        (850, 100, 50),
        (850, 50, 0),
    ]
    for batch in batches:
        validate_batch(*batch)


def test_split_batch_of_metrics_only() -> None:
    metrics = [Metric("m", float(i), 1, i) for i in range(2500)]

    sizes = [len(m) for m, _, _ in split_batch(metrics, [], [])]

    assert sizes == [1000, 1000, 500]
    assert split_batch([], [], []) == []


def test_log_batch_splits_big_batches(client: MlflowClient, run_id: str) -> None:
    metrics = [Metric("loss", float(step), 1000 + step, step) for step in range(2500)]
    params = [Param(f"p{i}", i) for i in range(250)]  # type: ignore[arg-type]
    tags = [RunTag(f"t{i}", "v") for i in range(150)]

    returned = client.log_batch(run_id, metrics=metrics, params=params, tags=tags)

    run = client.get_run(run_id)
    assert returned is None
    assert len(client.get_metric_history(run_id, "loss")) == 2500
    assert run.data.params["p249"] == "249"
    assert len(run.data.params) == 250
    assert len([key for key in run.data.tags if key.startswith("t")]) == 150


def test_get_metric_history_is_ordered_by_step(client: MlflowClient, run_id: str) -> None:
    for step in (3, 1, 2):
        client.log_metric(run_id, "m", step * 10, timestamp=step, step=step)

    history = client.get_metric_history(run_id, "m")

    assert [(p.step, p.value) for p in history] == [(1, 10.0), (2, 20.0), (3, 30.0)]
    assert client.get_metric_history(run_id, "other") == []


def test_log_inputs(client: MlflowClient, run_id: str) -> None:
    dataset = Dataset("train", "abc123", "local", '{"uri": "/data"}')
    usage = DatasetInput(dataset, (InputTag("mlflow.data.context", "training"),))

    client.log_inputs(run_id, [usage])

    [stored] = client.get_run(run_id).inputs.dataset_inputs
    assert stored.dataset.name == "train"
    assert stored.context == "training"


def test_log_inputs_records_models(client: MlflowClient, run_id: str) -> None:
    model = client.create_logged_model("0", name="model")
    client.log_inputs(run_id, models=[LoggedModelInput(model.model_id)])
    assert client.get_run(run_id).inputs.model_inputs == (LoggedModelInput(model.model_id),)
