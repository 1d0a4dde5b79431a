"""Dataset summaries (MLflow's ``search-datasets``): each store's answer equals the generic
one built from search_runs (page_reads), whatever the store does instead."""

from __future__ import annotations

from collections.abc import Callable

from heron.entities import Dataset, DatasetInput, InputTag
from heron.entities.summary import DatasetSummary
from heron.store.tracking import page_reads
from heron.store.tracking.base import TrackingStore


def _used(name: str, digest: str, context: str | None = None) -> DatasetInput:
    tags = (InputTag("mlflow.data.context", context),) if context else ()
    return DatasetInput(Dataset(name, digest, "local", "{}"), tags)


def _key(summary: DatasetSummary) -> tuple[str, str, str, str]:
    return (summary.experiment_id, summary.name, summary.digest, summary.context or "")


def test_dataset_summaries_match_generic(
    store: TrackingStore, experiment_id: str, make_run: Callable[..., str]
) -> None:
    other = store.create_experiment("contract-datasets-other")
    first, second, gone = make_run(name="a"), make_run(name="b"), make_run(name="gone")
    elsewhere = make_run(name="elsewhere", experiment=other)
    store.log_inputs(first, [_used("iris", "d1", "training"), _used("raw", "d2")])
    store.log_inputs(second, [_used("iris", "d1", "eval")])
    store.log_inputs(gone, [_used("old", "d3")])
    store.log_inputs(elsewhere, [_used("other", "d4", "training")])
    store.delete_run(gone)
    found = store.get_dataset_summaries([experiment_id])
    assert sorted(found, key=_key) == sorted(
        page_reads.dataset_summaries(store, [experiment_id], 1000), key=_key
    )
    assert sorted(map(_key, found)) == [
        (experiment_id, "iris", "d1", "eval"),
        (experiment_id, "iris", "d1", "training"),
        (experiment_id, "old", "d3", ""),
        (experiment_id, "raw", "d2", ""),
    ]
    both = store.get_dataset_summaries([experiment_id, other])
    assert len(both) == 5
    assert len(store.get_dataset_summaries([experiment_id, other], max_results=2)) == 2


def test_dataset_summaries_of_unknown_experiments_are_empty(store: TrackingStore) -> None:
    assert store.get_dataset_summaries(["987654"]) == []
