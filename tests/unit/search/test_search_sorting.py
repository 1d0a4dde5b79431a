"""sort_runs / sort_experiments: directions, missing and NaN values, tie-breaks."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from heron.entities import Experiment, Run
from heron.search import parse_order_by, sort_experiments, sort_runs

MakeRun = Callable[..., Run]
MakeExperiment = Callable[..., Experiment]


def run_order(runs: list[Run], *order_by: str) -> list[str]:
    return [r.info.run_id for r in sort_runs(runs, parse_order_by(list(order_by), "runs"))]


@pytest.fixture
def metric_runs(make_run: MakeRun) -> list[Run]:
    return [
        make_run("missing"),
        make_run("nan", metrics={"m": math.nan}),
        make_run("low", metrics={"m": -1.0}),
        make_run("high", metrics={"m": 7.0}),
        make_run("inf", metrics={"m": math.inf}),
    ]


def test_metric_ascending_puts_nan_then_missing_last(metric_runs: list[Run]) -> None:
    assert run_order(metric_runs, "metrics.m") == ["low", "high", "inf", "nan", "missing"]


def test_metric_descending_still_puts_nan_then_missing_last(metric_runs: list[Run]) -> None:
    assert run_order(metric_runs, "metrics.m DESC") == ["inf", "high", "low", "nan", "missing"]


@pytest.mark.parametrize(
    ("direction", "expected"), [("ASC", ["B", "a", "b"]), ("DESC", ["b", "a", "B"])]
)
def test_strings_sort_by_code_point_with_missing_last(
    make_run: MakeRun, direction: str, expected: list[str]
) -> None:
    runs = [make_run(v, params={"p": v}) for v in ("a", "b")]
    runs += [make_run("none"), make_run("B", params={"p": "B"})]
    assert run_order(runs, f"params.p {direction}") == [*expected, "none"]


def test_implicit_order_is_start_time_desc_then_run_id(make_run: MakeRun) -> None:
    runs = [make_run("b", start_time=1), make_run("c", start_time=2), make_run("a", start_time=1)]
    assert run_order(runs) == ["c", "a", "b"]


def test_start_time_breaks_ties_of_explicit_keys(make_run: MakeRun) -> None:
    runs = [
        make_run("old", start_time=1, tags={"t": "x"}),
        make_run("new", start_time=2, tags={"t": "x"}),
        make_run("first", start_time=0, tags={"t": "a"}),
    ]
    assert run_order(runs, "tags.t") == ["first", "new", "old"]


def test_explicit_start_time_replaces_the_implicit_one(make_run: MakeRun) -> None:
    runs = [make_run("b", start_time=1), make_run("c", start_time=2), make_run("a", start_time=1)]
    assert run_order(runs, "start_time") == ["a", "b", "c"]
    assert run_order(runs, "created DESC") == ["c", "a", "b"]


def test_run_id_is_the_last_tie_break(make_run: MakeRun) -> None:
    runs = [make_run(i, status="FINISHED") for i in ("z", "x", "y")]
    assert run_order(runs, "status DESC") == ["x", "y", "z"]


def test_multiple_keys_mix_directions(make_run: MakeRun) -> None:
    runs = [
        make_run("1", params={"g": "a"}, metrics={"m": 1}),
        make_run("2", params={"g": "b"}, metrics={"m": 5}),
        make_run("3", params={"g": "a"}, metrics={"m": 3}),
    ]
    assert run_order(runs, "params.g DESC", "metrics.m DESC") == ["2", "3", "1"]
    assert run_order(runs, "params.g", "metrics.m") == ["1", "3", "2"]


def test_missing_end_time_sorts_last_both_ways(make_run: MakeRun) -> None:
    runs = [make_run("open", end_time=None), make_run("e1", end_time=1), make_run("e2", end_time=2)]
    assert run_order(runs, "end_time") == ["e1", "e2", "open"]
    assert run_order(runs, "end_time DESC") == ["e2", "e1", "open"]


def test_sorting_ten_thousand_runs_is_correct(make_run: MakeRun) -> None:
    runs = [
        make_run(f"r{i:05d}", metrics={"m": float(i % 97)}, start_time=i % 13)
        for i in range(10_000)
    ]
    ordered = sort_runs(runs, parse_order_by(["metrics.m DESC"], "runs"))
    keys = [(-r.data.metrics["m"], -(r.info.start_time or 0), r.info.run_id) for r in ordered]
    assert keys == sorted(keys)


def test_experiments_default_order(make_experiment: MakeExperiment) -> None:
    exps = [
        make_experiment("10", creation_time=5),
        make_experiment("9", creation_time=5),
        make_experiment("abc", creation_time=5),
        make_experiment("1", creation_time=7),
    ]
    assert [e.experiment_id for e in sort_experiments(exps, [])] == ["1", "9", "10", "abc"]


def test_experiments_by_id_descending_is_numeric(make_experiment: MakeExperiment) -> None:
    exps = [make_experiment(i) for i in ("2", "10", "1")]
    order = parse_order_by(["experiment_id DESC"], "experiments")
    assert [e.experiment_id for e in sort_experiments(exps, order)] == ["10", "2", "1"]


def test_experiments_by_name_then_creation_time(make_experiment: MakeExperiment) -> None:
    exps = [
        make_experiment("1", name="b"),
        make_experiment("2", name="a", creation_time=1),
        make_experiment("3", name="a", creation_time=2),
    ]
    order = parse_order_by(["name"], "experiments")
    assert [e.experiment_id for e in sort_experiments(exps, order)] == ["3", "2", "1"]
