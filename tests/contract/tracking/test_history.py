"""Metric history: order, paging, unknown runs and keys."""

from __future__ import annotations

import pytest

from heron.entities import Metric
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking.base import TrackingStore


def _steps(metrics: list[Metric]) -> list[tuple[int, int]]:
    return [(m.step, m.timestamp) for m in metrics]


def test_history_is_ordered_by_step_then_timestamp(store: TrackingStore, run_id: str) -> None:
    for step, timestamp in [(3, 1), (1, 9), (2, 5), (1, 2), (-1, 7)]:
        store.log_metric(run_id, Metric("m", float(step), timestamp, step))
    history = store.get_metric_history(run_id, "m")
    assert _steps(history) == [(-1, 7), (1, 2), (1, 9), (2, 5), (3, 1)]
    assert history.token is None


def test_history_pages(store: TrackingStore, run_id: str) -> None:
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(10)])
    seen, token, pages = [], None, 0
    while True:
        page = store.get_metric_history(run_id, "m", max_results=3, page_token=token)
        seen += [m.step for m in page]
        pages, token = pages + 1, page.token
        if token is None:
            break
    assert (seen, pages) == (list(range(10)), 4)


def test_history_exact_page_has_no_token(store: TrackingStore, run_id: str) -> None:
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(4)])
    assert store.get_metric_history(run_id, "m", max_results=4).token is None


def test_history_of_one_metric_and_one_run(
    store: TrackingStore, run_id: str, make_run: object
) -> None:
    other = store.create_run("0", "u", 0, [], None).info.run_id
    store.log_metric(run_id, Metric("m", 1.0, 1, 1))
    store.log_metric(run_id, Metric("n", 2.0, 1, 1))
    store.log_metric(other, Metric("m", 3.0, 1, 1))
    assert [m.value for m in store.get_metric_history(run_id, "m")] == [1.0]
    assert store.get_metric_history(run_id, "missing") == []


def test_history_of_unknown_run(store: TrackingStore) -> None:
    with pytest.raises(NotFound):
        store.get_metric_history("0badc0de", "m")


@pytest.mark.parametrize("max_results", [0, -1])
def test_history_bad_page_size(store: TrackingStore, run_id: str, max_results: int) -> None:
    with pytest.raises(InvalidParameter):
        store.get_metric_history(run_id, "m", max_results=max_results)


def test_history_bad_page_token(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.get_metric_history(run_id, "m", max_results=1, page_token="not-a-token")
