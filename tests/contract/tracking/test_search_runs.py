"""search_runs: every comparator, AND/OR trees, ordering with missing values, paging, views."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from heron.entities import Metric, Param, RunTag, ViewType
from heron.exceptions import InvalidParameter
from heron.search import matches_run, parse_filter, parse_order_by, sort_runs
from heron.store.tracking.base import TrackingStore

# name: (start_time, metrics, params, tags)
POPULATION: dict[str, tuple[int, dict[str, float], dict[str, str], dict[str, str]]] = {
    "alpha": (1000, {"acc": 0.9, "loss": 0.1}, {"lr": "0.1", "model": "CNN"}, {"team": "Vision"}),
    "beta": (2000, {"acc": 0.5, "loss": math.nan}, {"lr": "0.01", "model": "cnn"}, {"team": "nlp"}),
    "gamma": (3000, {"acc": 0.7}, {"lr": "0.1"}, {"pattern": "a*b[1]?"}),
    "Delta": (4000, {}, {}, {"team": "vision_x", "pattern": "axb1!"}),
}


Cases = list[tuple[str, set[str]]]
DATA_FILTERS: Cases = [
    ("metrics.acc > 0.6", {"alpha", "gamma"}),
    ("metrics.acc >= 0.7", {"alpha", "gamma"}),
    ("metrics.acc < 0.7", {"beta"}),
    ("metrics.acc <= 0.5", {"beta"}),
    ("metrics.acc = 0.5", {"beta"}),
    ("metrics.acc != 0.5", {"alpha", "gamma"}),
    ("metrics.loss != 0.1", {"beta"}),  # NaN matches only !=
    ("metrics.loss = 0", set()),  # NaN is stored as 0, yet is not 0
    ("metrics.loss < 1", {"alpha"}),
    ("params.lr = '0.1'", {"alpha", "gamma"}),
    ("params.lr != '0.1'", {"beta"}),
    ("params.model LIKE 'C%'", {"alpha"}),
    ("params.model ILIKE 'c%'", {"alpha", "beta"}),
    ("params.model IS NULL", {"gamma", "Delta"}),
    ("params.model IS NOT NULL", {"alpha", "beta"}),
    ("tags.team = 'nlp'", {"beta"}),
    ("tags.team LIKE 'vision%'", {"Delta"}),
    ("tags.team ILIKE 'vision%'", {"alpha", "Delta"}),
    ("tags.team LIKE 'nl_'", {"beta"}),
    ("tags.team LIKE 'n_'", set()),
    ("tags.pattern LIKE 'a*b[1]?'", {"gamma"}),
    ("tags.pattern LIKE 'a_b%'", {"gamma", "Delta"}),
    ("tags.pattern ILIKE 'A*B[1]_'", {"gamma"}),
    ("tags.pattern IS NULL", {"alpha", "beta"}),
]
ATTRIBUTE_FILTERS: Cases = [
    ("attributes.run_name = 'alpha'", {"alpha"}),
    ("run_name != 'alpha'", {"beta", "gamma", "Delta"}),
    ("attributes.`Run name` LIKE 'D%'", {"Delta"}),
    ("run_name ILIKE 'd%'", {"Delta"}),
    ("attributes.status = 'RUNNING'", {"alpha", "beta", "gamma", "Delta"}),
    ("attributes.start_time > 2500", {"gamma", "Delta"}),
    ("attributes.created <= 2000", {"alpha", "beta"}),
    ("attributes.user_id = 'tester'", {"alpha", "beta", "gamma", "Delta"}),
    ("attributes.artifact_uri LIKE 'file:%'", {"alpha", "beta", "gamma", "Delta"}),
]
TREE_FILTERS: Cases = [
    ("metrics.acc > 0.8 OR params.model = 'cnn'", {"alpha", "beta"}),
    ("(metrics.acc > 0.8 OR params.model = 'cnn') AND tags.team = 'nlp'", {"beta"}),
    ("metrics.acc > 0.8 OR params.model = 'cnn' AND tags.team = 'Vision'", {"alpha"}),
    ("params.lr = '0.1' AND (tags.team = 'Vision' OR metrics.acc < 0.8)", {"alpha", "gamma"}),
    (
        "run_name = 'Delta' OR (metrics.acc >= 0.5 AND metrics.acc <= 0.7)",
        {"beta", "gamma", "Delta"},
    ),
]
ORDERS: list[tuple[list[str], list[str]]] = [
    ([], ["Delta", "gamma", "beta", "alpha"]),  # start_time DESC
    (["metrics.acc DESC"], ["alpha", "gamma", "beta", "Delta"]),
    (["metrics.acc ASC"], ["beta", "gamma", "alpha", "Delta"]),
    (["metrics.loss"], ["alpha", "beta", "Delta", "gamma"]),  # NaN after numbers
    (["metrics.loss DESC"], ["alpha", "beta", "Delta", "gamma"]),
    (["params.lr ASC"], ["beta", "gamma", "alpha", "Delta"]),
    (["params.model DESC", "attributes.start_time ASC"], ["beta", "alpha", "gamma", "Delta"]),
    (["tags.team ASC"], ["alpha", "beta", "Delta", "gamma"]),
    (["attributes.run_name ASC"], ["Delta", "alpha", "beta", "gamma"]),
    (["attributes.start_time ASC"], ["alpha", "beta", "gamma", "Delta"]),
]


@pytest.fixture
def population(store: TrackingStore, make_run: Callable[..., str]) -> dict[str, str]:
    """The runs of POPULATION, by name."""
    ids = {}
    for name, (start, metrics, params, tags) in POPULATION.items():
        run_id = ids[name] = make_run(start_time=start, name=name)
        store.log_batch(
            run_id,
            metrics=[Metric(k, v, start, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
    return ids


def _names(store: TrackingStore, experiment_id: str, **kwargs: object) -> list[str | None]:
    return [run.info.run_name for run in store.search_runs([experiment_id], **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    DATA_FILTERS,
)
def test_filter_run_data(
    store: TrackingStore,
    experiment_id: str,
    population: dict[str, str],
    filter_string: str,
    expected: set[str],
) -> None:
    assert set(_names(store, experiment_id, filter_string=filter_string)) == expected


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    ATTRIBUTE_FILTERS,
)
def test_filter_attributes(
    store: TrackingStore,
    experiment_id: str,
    population: dict[str, str],
    filter_string: str,
    expected: set[str],
) -> None:
    assert set(_names(store, experiment_id, filter_string=filter_string)) == expected


def test_filter_run_id_in(
    store: TrackingStore, experiment_id: str, population: dict[str, str]
) -> None:
    alpha, beta = population["alpha"], population["beta"]
    inside = _names(store, experiment_id, filter_string=f"run_id IN ('{alpha}', '{beta}')")
    outside = _names(store, experiment_id, filter_string=f"attributes.run_id NOT IN ('{alpha}')")
    assert set(inside) == {"alpha", "beta"}
    assert set(outside) == {"beta", "gamma", "Delta"}


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    TREE_FILTERS,
)
def test_filter_and_or_trees(
    store: TrackingStore,
    experiment_id: str,
    population: dict[str, str],
    filter_string: str,
    expected: set[str],
) -> None:
    assert set(_names(store, experiment_id, filter_string=filter_string)) == expected


@pytest.mark.parametrize(
    ("order_by", "expected"),
    ORDERS,
)
def test_order_by(
    store: TrackingStore,
    experiment_id: str,
    population: dict[str, str],
    order_by: list[str],
    expected: list[str],
) -> None:
    assert _names(store, experiment_id, order_by=order_by) == expected


def test_order_ties_break_by_run_id(
    store: TrackingStore, experiment_id: str, make_run: Callable[..., str]
) -> None:
    ids = [make_run(start_time=5) for _ in range(5)]
    found = [run.info.run_id for run in store.search_runs([experiment_id])]
    assert found == sorted(ids)


def test_paging(store: TrackingStore, experiment_id: str, population: dict[str, str]) -> None:
    first = store.search_runs([experiment_id], max_results=3, order_by=["metrics.acc DESC"])
    second = store.search_runs(
        [experiment_id], max_results=3, order_by=["metrics.acc DESC"], page_token=first.token
    )
    assert [r.info.run_name for r in first + second] == ["alpha", "gamma", "beta", "Delta"]
    assert first.token is not None
    assert second.token is None


def test_exact_page_has_no_token(
    store: TrackingStore, experiment_id: str, population: dict[str, str]
) -> None:
    assert store.search_runs([experiment_id], max_results=4).token is None


def test_view_types(store: TrackingStore, experiment_id: str, population: dict[str, str]) -> None:
    store.delete_run(population["Delta"])
    assert "Delta" not in _names(store, experiment_id)
    assert _names(store, experiment_id, run_view_type=ViewType.DELETED_ONLY) == ["Delta"]
    assert len(_names(store, experiment_id, run_view_type=ViewType.ALL)) == 4


def test_search_across_experiments(
    store: TrackingStore, experiment_id: str, make_run: Callable[..., str]
) -> None:
    other = store.create_experiment("other")
    make_run(name="here")
    make_run(name="there", experiment=other)
    assert set(_names(store, experiment_id)) == {"here"}
    found = store.search_runs([experiment_id, other, "12345"])
    assert {run.info.run_name for run in found} == {"here", "there"}
    assert store.search_runs([]) == []


def test_search_returns_whole_runs(
    store: TrackingStore, experiment_id: str, population: dict[str, str]
) -> None:
    found = store.search_runs([experiment_id], "run_name = 'alpha'")
    assert found == [store.get_run(population["alpha"])]
    assert found[0].data.params == {"lr": "0.1", "model": "CNN"}


@pytest.mark.parametrize("max_results", [0, -5, 50001])
def test_bad_max_results(store: TrackingStore, experiment_id: str, max_results: int) -> None:
    with pytest.raises(InvalidParameter):
        store.search_runs([experiment_id], max_results=max_results)


@pytest.mark.parametrize(
    "filter_string", ["metrics.acc > 'x'", "params.lr > '1'", "foo.bar = 1", "metrics.acc >"]
)
def test_bad_filter(store: TrackingStore, experiment_id: str, filter_string: str) -> None:
    with pytest.raises(InvalidParameter):
        store.search_runs([experiment_id], filter_string)


def test_injection_is_inert(
    store: TrackingStore, experiment_id: str, population: dict[str, str]
) -> None:
    found = store.search_runs([experiment_id], "params.lr = '0.1'' OR ''1''=''1'")
    assert found == []
    assert len(store.search_runs([experiment_id])) == 4


@pytest.mark.parametrize(
    "filter_string", [f for f, _ in DATA_FILTERS + ATTRIBUTE_FILTERS + TREE_FILTERS]
)
def test_filters_agree_with_reference_semantics(
    store: TrackingStore, experiment_id: str, population: dict[str, str], filter_string: str
) -> None:
    everything = store.search_runs([experiment_id])
    order = parse_order_by(["metrics.acc DESC", "params.model"], "runs")
    node = parse_filter(filter_string, "runs")
    expected = sort_runs([run for run in everything if matches_run(node, run)], order)
    found = store.search_runs(
        [experiment_id], filter_string, order_by=["metrics.acc DESC", "params.model"]
    )
    assert [run.info.run_id for run in found] == [run.info.run_id for run in expected]


@pytest.mark.parametrize("order_by", [order for order, _ in ORDERS])
def test_order_agrees_with_reference_semantics(
    store: TrackingStore, experiment_id: str, population: dict[str, str], order_by: list[str]
) -> None:
    everything = store.search_runs([experiment_id])
    expected = sort_runs(everything, parse_order_by(order_by, "runs"))
    found = store.search_runs([experiment_id], order_by=order_by)
    assert [run.info.run_id for run in found] == [run.info.run_id for run in expected]
