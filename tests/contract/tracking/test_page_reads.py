"""The web UI's summary reads: each store's answer equals the generic one built from
search_runs and get_metric_history (page_reads), whatever the store does instead."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from heron.entities import Metric, Param, RunTag, ViewType
from heron.entities.summary import ExperimentActivity, MetricRange
from heron.exceptions import InvalidParameter
from heron.store.tracking import page_reads
from heron.store.tracking.base import TrackingStore


@pytest.fixture
def populated(
    store: TrackingStore, experiment_id: str, make_run: Callable[..., str]
) -> dict[str, str]:
    """Runs with metrics (NaN and infinities among them), params and tags, one deleted, one
    in a second experiment; returns run ids by name (and ``other``: that experiment)."""
    other = store.create_experiment("contract-other")
    ids = {
        "a": make_run(start_time=1000, name="a"),
        "b": make_run(start_time=2000, name="b", tags={"team": "nlp"}),
        "gone": make_run(start_time=9000, name="gone"),
        "elsewhere": make_run(start_time=500, name="elsewhere", experiment=other),
    }
    store.log_batch(
        ids["a"],
        [Metric("loss", 3.0, 1, 0), Metric("loss", 1.0, 2, 1), Metric("loss", 2.0, 3, 2)],
        [Param("alpha", "0.1"), Param("layers", "3")],
        [RunTag("mlflow.user", "ann")],
    )
    store.log_batch(
        ids["b"],
        [
            Metric("loss", math.nan, 1, 0),
            Metric("loss", 5.0, 2, 1),
            Metric("acc", math.inf, 1, 0),
            Metric("acc", -math.inf, 1, 1),
            Metric("only_nan", math.nan, 1, 0),
        ],
        [Param("alpha", "0.2")],
    )
    store.log_batch(
        ids["gone"], [Metric("deleted_metric", 1.0, 1, 0)], [Param("deleted_param", "x")]
    )
    store.log_batch(ids["elsewhere"], [Metric("other_metric", 7.0, 1, 0)], [Param("beta", "1")])
    store.update_run_info(ids["b"], "FINISHED", 4000, None)
    store.delete_run(ids["gone"])
    return {**ids, "other": other}


def test_experiment_activity_matches_generic(
    store: TrackingStore, experiment_id: str, populated: dict[str, str]
) -> None:
    empty = store.create_experiment("contract-empty")
    ids = [experiment_id, populated["other"], empty, "123456", "not-a-number"]
    activity = store.get_experiment_activity(ids)
    assert activity == page_reads.experiment_activity(store, ids)
    assert activity[experiment_id] == ExperimentActivity(2, 4000)  # the deleted run left out
    assert activity[empty] == ExperimentActivity(0, None)


@pytest.mark.parametrize(
    ("filter_string", "view"),
    [
        (None, ViewType.ACTIVE_ONLY),
        (None, ViewType.ALL),
        (None, ViewType.DELETED_ONLY),
        ("params.alpha = '0.1' OR tags.team = 'nlp'", ViewType.ACTIVE_ONLY),
        ("metrics.loss < 4", ViewType.ALL),
        ("attributes.run_name LIKE 'g%'", ViewType.ALL),
        ("params.missing = 'x'", ViewType.ACTIVE_ONLY),
    ],
)
def test_count_runs_matches_generic(
    store: TrackingStore,
    experiment_id: str,
    populated: dict[str, str],
    filter_string: str | None,
    view: int,
) -> None:
    experiments = [experiment_id, populated["other"]]
    expected = page_reads.count_runs(store, experiments, filter_string, view)
    assert store.count_runs(experiments, filter_string, view) == expected
    assert store.count_runs([experiment_id], filter_string, view) == page_reads.count_runs(
        store, [experiment_id], filter_string, view
    )


def test_count_runs_of_no_or_unknown_experiments_is_zero(
    store: TrackingStore, populated: dict[str, str]
) -> None:
    assert store.count_runs([]) == 0
    assert store.count_runs(["987654"]) == 0


def test_count_runs_rejects_a_bad_filter_like_search_runs(
    store: TrackingStore, experiment_id: str, populated: dict[str, str]
) -> None:
    with pytest.raises(InvalidParameter, match="position"):
        store.count_runs([experiment_id], "metrics.loss < 'a'")


@pytest.mark.parametrize("view", [ViewType.ACTIVE_ONLY, ViewType.DELETED_ONLY, ViewType.ALL])
def test_run_keys_match_generic(
    store: TrackingStore, experiment_id: str, populated: dict[str, str], view: int
) -> None:
    keys = store.get_run_keys([experiment_id], view)
    assert keys == page_reads.run_keys(store, [experiment_id], view)
    both = [experiment_id, populated["other"]]
    assert store.get_run_keys(both, view) == page_reads.run_keys(store, both, view)


def test_run_keys_of_active_runs(
    store: TrackingStore, experiment_id: str, populated: dict[str, str]
) -> None:
    keys = store.get_run_keys([experiment_id])
    assert keys.metrics == ("acc", "loss", "only_nan")
    assert keys.params == ("alpha", "layers")
    assert {"team", "mlflow.user", "mlflow.runName"} <= set(keys.tags)
    assert store.get_run_keys([]) == page_reads.run_keys(store, [], ViewType.ACTIVE_ONLY)


def test_metric_ranges_match_generic(store: TrackingStore, populated: dict[str, str]) -> None:
    run_ids = [populated["a"], populated["b"], populated["elsewhere"]]
    keys = ["loss", "acc", "only_nan", "absent"]
    ranges = store.get_metric_ranges(run_ids, keys)
    assert ranges == page_reads.metric_ranges(store, run_ids, keys)
    assert ranges[populated["a"]] == {"loss": MetricRange(1.0, 3.0)}
    assert ranges[populated["b"]]["loss"] == MetricRange(5.0, 5.0)  # NaN ignored
    assert "only_nan" not in ranges[populated["b"]]
    low, high = ranges[populated["b"]]["acc"].min, ranges[populated["b"]]["acc"].max
    assert low is not None
    assert high is not None
    assert low < 0 < high
    assert ranges[populated["elsewhere"]] == {}
    assert store.get_metric_ranges([], keys) == {}
    assert store.get_metric_ranges(run_ids, []) == {run_id: {} for run_id in run_ids}
