"""Whole runs read together (a search page, one run): each run gets its own data only."""

from __future__ import annotations

from collections.abc import Callable

from heron.entities import (
    DatasetInput,
    InputTag,
    LoggedModelInput,
    LoggedModelOutput,
    Metric,
    Param,
    RunTag,
)
from heron.entities.dataset import Dataset
from heron.store.tracking.base import TrackingStore

DATA = DatasetInput(Dataset("iris", "d1", "local", "{}"), (InputTag("mlflow.data.context", "x"),))


def test_a_page_mixes_runs_with_and_without_inputs_and_outputs(
    store: TrackingStore, experiment_id: str, make_run: Callable[..., str]
) -> None:
    ids = {name: make_run(name=name) for name in ("plain", "dataset", "model-in", "model-out")}
    model_id = store.create_logged_model(experiment_id, name="m").model_id
    store.log_inputs(ids["dataset"], [DATA])
    store.log_inputs(ids["model-in"], models=[LoggedModelInput(model_id)])
    store.log_outputs(ids["model-out"], [LoggedModelOutput(model_id, 2)])
    store.log_batch(ids["plain"], [Metric("m", 1.5, 10, 1)], [Param("p", "v")], [RunTag("t", "u")])

    runs = {run.info.run_name: run for run in store.search_runs([experiment_id])}

    assert runs["dataset"].inputs.dataset_inputs == (DATA,)
    assert runs["model-in"].inputs.model_inputs == (LoggedModelInput(model_id),)
    assert runs["model-out"].outputs.model_outputs == (LoggedModelOutput(model_id, 2),)
    plain = runs["plain"]
    assert (plain.inputs.dataset_inputs, plain.inputs.model_inputs) == ((), ())
    assert plain.outputs.model_outputs == ()
    assert (plain.data.metrics, plain.data.params) == ({"m": 1.5}, {"p": "v"})
    assert plain.data.tags == {"t": "u", "mlflow.runName": "plain"}
    assert runs["dataset"].data.params == {}
    assert store.get_run(ids["model-out"]).outputs == runs["model-out"].outputs


def test_params_and_tags_keep_every_character(store: TrackingStore, run_id: str) -> None:
    odd = 'quote " backslash \\ newline \n tab \t unicode é ☃ nul-free {"json": [1]}'
    store.log_batch(run_id, params=[Param("p", odd), Param("empty", "")], tags=[RunTag("t", odd)])
    data = store.get_run(run_id).data
    assert data.params == {"empty": "", "p": odd}
    assert data.tags["t"] == odd
