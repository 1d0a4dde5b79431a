"""Dataset inputs: stored once, returned with runs, searchable."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from heron.entities import DatasetInput, InputTag
from heron.entities.dataset import Dataset
from heron.exceptions import InvalidParameter
from heron.store.tracking.base import TrackingStore

TRAIN = DatasetInput(
    Dataset("iris", "d1g3st", "local", '{"uri": "/data"}', '{"cols": 4}', '{"rows": 150}'),
    (InputTag("mlflow.data.context", "training"),),
)
EVAL = DatasetInput(
    Dataset("wine", "0ther", "http", '{"url": "x"}'), (InputTag("mlflow.data.context", "eval"),)
)


def test_log_inputs_round_trips(store: TrackingStore, run_id: str) -> None:
    store.log_inputs(run_id, [TRAIN, EVAL])
    inputs = store.get_run(run_id).inputs.dataset_inputs
    assert sorted(inputs, key=lambda i: i.dataset.name) == [TRAIN, EVAL]
    assert inputs[0].context == "training"


def test_same_dataset_is_stored_once(store: TrackingStore, run_id: str) -> None:
    store.log_inputs(run_id, [TRAIN])
    store.log_inputs(run_id, [TRAIN, TRAIN])
    assert store.get_run(run_id).inputs.dataset_inputs == (TRAIN,)


def test_runs_share_a_dataset(store: TrackingStore, make_run: Callable[..., str]) -> None:
    first, second = make_run(), make_run()
    store.log_inputs(first, [TRAIN])
    store.log_inputs(second, [TRAIN])
    assert store.get_run(second).inputs.dataset_inputs == (TRAIN,)
    assert store.get_run(first).inputs.dataset_inputs == (TRAIN,)


def test_invalid_dataset_is_refused(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.log_inputs(run_id, [DatasetInput(Dataset("x", "", "local", "{}"))])
    assert store.get_run(run_id).inputs.dataset_inputs == ()


def test_search_returns_inputs(store: TrackingStore, experiment_id: str, run_id: str) -> None:
    store.log_inputs(run_id, [EVAL])
    (run,) = store.search_runs([experiment_id])
    assert run.inputs.dataset_inputs == (EVAL,)


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("dataset.name = 'iris'", {"train", "both"}),
        ("datasets.digest = '0ther'", {"eval", "both"}),
        ("dataset.context = 'training'", {"train", "both"}),
        ("dataset.name IN ('iris', 'wine')", {"train", "eval", "both"}),
        ("dataset.name NOT IN ('iris')", {"eval", "both"}),
        ("dataset.name LIKE 'w%'", {"eval", "both"}),
        ("dataset.context ILIKE 'TRAIN%'", {"train", "both"}),
        ("dataset.name = 'iris' AND dataset.context = 'eval'", {"both"}),
        ("dataset.name != 'iris'", {"eval", "both"}),
    ],
)
def test_search_runs_by_dataset(
    store: TrackingStore,
    experiment_id: str,
    make_run: Callable[..., str],
    filter_string: str,
    expected: set[str],
) -> None:
    for name, inputs in [
        ("train", [TRAIN]),
        ("eval", [EVAL]),
        ("both", [TRAIN, EVAL]),
        ("none", []),
    ]:
        store.log_inputs(make_run(name=name), inputs)
    found = store.search_runs([experiment_id], filter_string)
    assert {run.info.run_name for run in found} == expected
