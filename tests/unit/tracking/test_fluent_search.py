"""Fluent search_runs: which experiments, all pages, and MLflow's DataFrame shape."""

from __future__ import annotations

import math
from types import ModuleType

import pandas as pd
import pytest

from heron.exceptions import InvalidParameter


def _run(fluent: ModuleType, **logged: dict[str, object]) -> str:
    with fluent.start_run() as run:
        fluent.log_metrics(logged.get("metrics", {}))
        fluent.log_params(logged.get("params", {}))
        fluent.set_tags(logged.get("tags", {}))
    return str(run.info.run_id)


def test_dataframe_columns_and_dtypes(fluent: ModuleType) -> None:
    run_id = _run(fluent, metrics={"rmse": 0.5}, params={"alpha": "0.5"}, tags={"t": "x"})
    frame = fluent.search_runs()
    info = ["run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time"]
    assert list(frame.columns[:6]) == info
    assert {"metrics.rmse", "params.alpha", "tags.t", "tags.mlflow.user"} <= set(frame.columns)
    assert str(frame["start_time"].dtype) == "datetime64[ns, UTC]"
    assert str(frame["end_time"].dtype) == "datetime64[ns, UTC]"
    assert frame["metrics.rmse"].dtype == "float64"
    row = frame.iloc[0]
    assert (row["run_id"], row["status"], row["params.alpha"]) == (run_id, "FINISHED", "0.5")
    start_ms = fluent.get_run(run_id).info.start_time
    assert row["start_time"] == pd.Timestamp(start_ms, unit="ms", tz="UTC")


def test_dataframe_missing_values(fluent: ModuleType) -> None:
    first = _run(fluent, metrics={"a": 1.0}, params={"p": "1"})
    second = _run(fluent, metrics={"b": 2.0}, params={"q": "2"})
    frame = fluent.search_runs(order_by=["attributes.start_time ASC", "params.p DESC"])
    frame = frame.set_index("run_id")
    assert math.isnan(frame.loc[second, "metrics.a"])
    assert math.isnan(frame.loc[first, "metrics.b"])
    assert pd.isna(frame.loc[second, "params.p"])
    assert frame.loc[first, "params.p"] == "1"
    assert frame.loc[second, "metrics.b"] == 2.0


def test_dataframe_keeps_the_search_order(fluent: ModuleType) -> None:
    ids = [_run(fluent, metrics={"m": float(v)}) for v in (2, 3, 1)]
    frame = fluent.search_runs(order_by=["metrics.m DESC"])
    assert list(frame["run_id"]) == [ids[1], ids[0], ids[2]]


def test_active_run_end_time_is_missing(fluent: ModuleType) -> None:
    with fluent.start_run():
        frame = fluent.search_runs()
    assert frame["end_time"].isna().all()
    assert list(frame["status"]) == ["RUNNING"]


def test_empty_result_has_the_info_columns(fluent: ModuleType) -> None:
    frame = fluent.search_runs()
    assert frame.empty
    assert list(frame.columns) == [
        "run_id",
        "experiment_id",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
    ]


def test_list_format_and_filter(fluent: ModuleType) -> None:
    keep = _run(fluent, metrics={"rmse": 0.5}, params={"alpha": "0.5"})
    _run(fluent, metrics={"rmse": 0.9}, params={"alpha": "0.5"})
    runs = fluent.search_runs(
        filter_string="metrics.rmse < 0.7 and params.alpha = '0.5'", output_format="list"
    )
    assert [r.info.run_id for r in runs] == [keep]


def test_unknown_output_format(fluent: ModuleType) -> None:
    with pytest.raises(ValueError, match="Unsupported output format: csv"):
        fluent.search_runs(output_format="csv")


def test_default_is_the_active_experiment(fluent: ModuleType) -> None:
    in_default = _run(fluent)
    fluent.set_experiment("other")
    in_other = _run(fluent)
    assert list(fluent.search_runs()["run_id"]) == [in_other]
    assert list(fluent.search_runs(experiment_ids=["0"])["run_id"]) == [in_default]
    assert list(fluent.search_runs(experiment_ids="0")["run_id"]) == [in_default]


def test_by_experiment_names_and_all_experiments(fluent: ModuleType) -> None:
    fluent.set_experiment("a")
    in_a = _run(fluent)
    fluent.set_experiment("b")
    in_b = _run(fluent)
    by_name = fluent.search_runs(experiment_names=["a", "missing"], output_format="list")
    assert [r.info.run_id for r in by_name] == [in_a]
    everywhere = fluent.search_runs(search_all_experiments=True, output_format="list")
    assert {r.info.run_id for r in everywhere} == {in_a, in_b}


def test_ids_and_names_together_are_refused(fluent: ModuleType) -> None:
    with pytest.raises(InvalidParameter, match="Only experiment_ids or experiment_names"):
        fluent.search_runs(experiment_ids=["0"], experiment_names=["Default"])


def test_reads_every_page_up_to_max_results(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heron.tracking import fluent_search

    monkeypatch.setattr(fluent_search, "RUNS_PER_PAGE", 2)
    ids = {_run(fluent) for _ in range(5)}
    assert set(fluent.search_runs()["run_id"]) == ids
    assert len(fluent.search_runs(max_results=3, output_format="list")) == 3
    assert fluent.search_runs(max_results=0, output_format="list") == []
