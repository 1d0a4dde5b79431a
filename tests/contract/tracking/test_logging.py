"""Params, metrics and tags: immutability, NaN/inf, duplicates, latest values, batches."""

from __future__ import annotations

import math

import pytest

from heron.entities import Metric, Param, RunTag
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking.base import TrackingStore


def test_param_same_value_twice_is_accepted(store: TrackingStore, run_id: str) -> None:
    store.log_param(run_id, Param("lr", "0.1"))
    store.log_param(run_id, Param("lr", "0.1"))
    assert store.get_run(run_id).data.params == {"lr": "0.1"}


def test_param_change_is_refused(store: TrackingStore, run_id: str) -> None:
    store.log_param(run_id, Param("lr", "1"))
    message = (
        f"Changing param values is not allowed. Param with key='lr' was already logged with "
        f"value='1' for run ID='{run_id}'. Attempted logging new value '2'."
    )
    with pytest.raises(InvalidParameter) as caught:
        store.log_param(run_id, Param("lr", "2"))
    assert caught.value.message == message
    assert store.get_run(run_id).data.params == {"lr": "1"}


def test_long_param_value_is_truncated(store: TrackingStore, run_id: str) -> None:
    store.log_param(run_id, Param("long", "x" * 6001))
    assert store.get_run(run_id).data.params["long"] == "x" * 6000


@pytest.mark.parametrize("key", ["../x", "/abs", "a//b", "bad\\char", "x" * 251])
def test_invalid_keys_are_refused(store: TrackingStore, run_id: str, key: str) -> None:
    with pytest.raises(InvalidParameter):
        store.log_param(run_id, Param(key, "1"))
    with pytest.raises(InvalidParameter):
        store.log_metric(run_id, Metric(key, 1.0, 0, 0))
    with pytest.raises(InvalidParameter):
        store.set_tag(run_id, RunTag(key, "1"))


def test_metric_value_must_be_a_number(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.log_metric(run_id, Metric("m", "1.0", 0, 0))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameter):
        store.log_metric(run_id, Metric("m", True, 0, 0))


def test_out_of_range_step_is_refused(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.log_metric(run_id, Metric("m", 1.0, 0, 2**63))
    assert store.get_metric_history(run_id, "m") == []


def test_nan_metric_round_trips(store: TrackingStore, run_id: str) -> None:
    store.log_metric(run_id, Metric("m", math.nan, 10, 0))
    assert math.isnan(store.get_run(run_id).data.metrics["m"])
    assert math.isnan(store.get_metric_history(run_id, "m")[0].value)


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_infinite_metrics_are_clamped(store: TrackingStore, run_id: str, value: float) -> None:
    store.log_metric(run_id, Metric("m", value, 10, 0))
    expected = math.copysign(1.7976931348623157e308, value)
    assert store.get_run(run_id).data.metrics["m"] == expected
    assert store.get_metric_history(run_id, "m")[0].value == expected


def test_duplicate_points_are_stored_once(store: TrackingStore, run_id: str) -> None:
    point = Metric("m", 0.5, 100, 3)
    store.log_metric(run_id, point)
    store.log_metric(run_id, point)
    store.log_batch(run_id, metrics=[point, point])
    assert store.get_metric_history(run_id, "m") == [point]


@pytest.mark.parametrize(
    ("points", "latest"),
    [
        ([(1.0, 5, 2), (9.0, 9, 1)], 1.0),  # the highest step wins over a newer timestamp
        ([(1.0, 5, 2), (9.0, 4, 2)], 1.0),  # same step: the newest timestamp wins
        ([(1.0, 5, 2), (9.0, 5, 2)], 9.0),  # same step and timestamp: the larger value
        ([(9.0, 5, 2), (1.0, 5, 2)], 9.0),
    ],
)
def test_latest_metric_rule(
    store: TrackingStore, run_id: str, points: list[tuple[float, int, int]], latest: float
) -> None:
    for value, timestamp, step in points:
        store.log_metric(run_id, Metric("m", value, timestamp, step))
    assert store.get_run(run_id).data.metrics == {"m": latest}


def test_latest_metric_rule_in_batches(store: TrackingStore, run_id: str) -> None:
    store.log_batch(run_id, metrics=[Metric("m", 3.0, 1, 7), Metric("m", 1.0, 9, 2)])
    store.log_batch(run_id, metrics=[Metric("m", 2.0, 9, 6)])
    latest = store.get_run(run_id).data.metric_objects
    assert [(m.key, m.value, m.timestamp, m.step) for m in latest] == [("m", 3.0, 1, 7)]


def test_tags_last_write_wins(store: TrackingStore, run_id: str) -> None:
    store.set_tag(run_id, RunTag("t", "1"))
    store.set_tag(run_id, RunTag("t", "2"))
    store.log_batch(run_id, tags=[RunTag("u", "a"), RunTag("u", "b")])
    tags = store.get_run(run_id).data.tags
    assert (tags["t"], tags["u"]) == ("2", "b")


def test_delete_tag(store: TrackingStore, run_id: str) -> None:
    store.set_tag(run_id, RunTag("t", "1"))
    store.delete_tag(run_id, "t")
    assert "t" not in store.get_run(run_id).data.tags
    with pytest.raises(NotFound, match=f"No tag with name: t in run with id {run_id}"):
        store.delete_tag(run_id, "t")


def test_log_batch_writes_everything(store: TrackingStore, run_id: str) -> None:
    store.log_batch(
        run_id,
        metrics=[Metric("m", 1.0, 1, 0), Metric("m", 2.0, 2, 1)],
        params=[Param("p", "x")],
        tags=[RunTag("t", "y"), RunTag("mlflow.runName", "batch-name")],
    )
    run = store.get_run(run_id)
    assert (run.data.metrics, run.data.params) == ({"m": 2.0}, {"p": "x"})
    assert run.data.tags["t"] == "y"
    assert run.info.run_name == "batch-name"


def test_log_batch_with_param_conflict_writes_nothing(store: TrackingStore, run_id: str) -> None:
    store.log_param(run_id, Param("fixed", "1"))
    with pytest.raises(InvalidParameter, match="Changing param values is not allowed"):
        store.log_batch(
            run_id,
            metrics=[Metric("m", 1.0, 1, 0)],
            params=[Param("new", "n"), Param("fixed", "2")],
            tags=[RunTag("t", "y")],
        )
    data = store.get_run(run_id).data
    assert (data.metrics, data.params, data.tags.get("t")) == ({}, {"fixed": "1"}, None)


def test_log_batch_with_duplicate_param_keys(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter, match="Duplicate parameter keys"):
        store.log_batch(run_id, params=[Param("p", "1"), Param("p", "2")])
    assert store.get_run(run_id).data.params == {}


@pytest.mark.parametrize(
    ("metrics", "params", "tags"),
    [(1001, 0, 0), (0, 101, 0), (0, 0, 101), (900, 100, 1)],
)
def test_log_batch_limits(
    store: TrackingStore, run_id: str, metrics: int, params: int, tags: int
) -> None:
    with pytest.raises(InvalidParameter, match="A batch logging request can contain at most"):
        store.log_batch(
            run_id,
            metrics=[Metric("m", 1.0, i, i) for i in range(metrics)],
            params=[Param(f"p{i}", "v") for i in range(params)],
            tags=[RunTag(f"t{i}", "v") for i in range(tags)],
        )
    assert store.get_metric_history(run_id, "m") == []


def test_log_batch_at_the_limits(store: TrackingStore, run_id: str) -> None:
    store.log_batch(run_id, metrics=[Metric(f"m{i % 7}", 1.0, i, i) for i in range(1000)])
    store.log_batch(run_id, params=[Param(f"p{i}", "v") for i in range(100)])
    store.log_batch(run_id, tags=[RunTag(f"t{i}", "v") for i in range(100)])
    data = store.get_run(run_id).data
    assert (len(data.metrics), len(data.params), len(data.tags)) == (7, 100, 101)
