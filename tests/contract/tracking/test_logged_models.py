"""Logged models (MLflow 3.x): create, finalize, tags, params, deletion, run outputs and the
metric points logged for a model."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from heron.entities import (
    LoggedModelInput,
    LoggedModelOutput,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    Metric,
)
from heron.exceptions import EndpointNotFound, InvalidParameter, NotFound, NotImplementedFeature
from heron.store.tracking.base import TrackingStore

ModelMaker = Callable[..., str]


@pytest.fixture(autouse=True)
def _needs_logged_models(store: TrackingStore) -> None:
    """Skip on a backend that has no logged models yet (REST, until its server has them)."""
    try:
        store.search_logged_models(["0"])
    except (NotImplementedFeature, EndpointNotFound) as error:
        pytest.skip(f"no logged models on this backend yet: {error}")


@pytest.fixture
def make_model(store: TrackingStore, experiment_id: str) -> ModelMaker:
    """Create a logged model: ``make_model(name=..., tags={...}, params={...})``."""

    def make(
        name: str | None = "model",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        experiment: str | None = None,
        source_run_id: str | None = None,
    ) -> str:
        model = store.create_logged_model(
            experiment or experiment_id,
            name=name,
            source_run_id=source_run_id,
            tags=[LoggedModelTag(k, v) for k, v in (tags or {}).items()],
            params=[LoggedModelParameter(k, v) for k, v in (params or {}).items()],
        )
        return model.model_id

    return make


def test_create_returns_a_pending_model(
    store: TrackingStore, experiment_id: str, run_id: str
) -> None:
    model = store.create_logged_model(
        experiment_id,
        name="model",
        source_run_id=run_id,
        tags=[LoggedModelTag("mlflow.user", "ana")],
        params=[LoggedModelParameter("alpha", "0.5")],
        model_type="sklearn",
    )
    assert re.fullmatch(r"m-[0-9a-f]{32}", model.model_id)
    assert model.status == LoggedModelStatus.PENDING
    assert model.status.wire_name == "LOGGED_MODEL_PENDING"
    location = store.get_experiment(experiment_id).artifact_location
    assert model.artifact_location == f"{location}/models/{model.model_id}/artifacts"
    assert (model.name, model.source_run_id, model.model_type) == ("model", run_id, "sklearn")
    assert (model.tags, model.params) == ({"mlflow.user": "ana"}, {"alpha": "0.5"})
    assert model.creation_timestamp == model.last_updated_timestamp > 0
    assert store.get_logged_model(model.model_id) == model


def test_create_generates_a_missing_name(store: TrackingStore, experiment_id: str) -> None:
    model = store.create_logged_model(experiment_id)
    assert model.name
    assert store.get_logged_model(model.model_id).name == model.name


@pytest.mark.parametrize("name", ["", "a/b", "a.b", "a:b", "50%", "it's", 'say "x"'])
def test_invalid_names_are_refused(store: TrackingStore, experiment_id: str, name: str) -> None:
    with pytest.raises(InvalidParameter):
        store.create_logged_model(experiment_id, name=name)


def test_over_long_fields_are_refused(store: TrackingStore, experiment_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.create_logged_model(experiment_id, model_type="x" * 501)
    with pytest.raises(InvalidParameter):
        store.create_logged_model(experiment_id, source_run_id="r" * 33)


def test_create_needs_an_active_experiment(store: TrackingStore, experiment_id: str) -> None:
    with pytest.raises(NotFound):
        store.create_logged_model("424242")
    store.delete_experiment(experiment_id)
    with pytest.raises(InvalidParameter, match="active"):
        store.create_logged_model(experiment_id)


def test_get_missing_model_is_not_found(store: TrackingStore) -> None:
    with pytest.raises(NotFound, match="m-missing"):
        store.get_logged_model("m-missing")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (LoggedModelStatus.READY, LoggedModelStatus.READY),
        ("LOGGED_MODEL_UPLOAD_FAILED", LoggedModelStatus.FAILED),
        ("ready", LoggedModelStatus.READY),
        (2, LoggedModelStatus.READY),
    ],
)
def test_finalize_sets_the_status(
    store: TrackingStore, make_model: ModelMaker, status: object, expected: LoggedModelStatus
) -> None:
    model_id = make_model()
    finalized = store.finalize_logged_model(model_id, status)  # type: ignore[arg-type]
    assert finalized.status == expected
    assert store.get_logged_model(model_id).status == expected


def test_finalize_refuses_bad_status_and_missing_models(
    store: TrackingStore, make_model: ModelMaker
) -> None:
    with pytest.raises(InvalidParameter):
        store.finalize_logged_model(make_model(), "DONE")
    with pytest.raises(NotFound):
        store.finalize_logged_model("m-missing", LoggedModelStatus.READY)


def test_deleted_models_are_hidden(
    store: TrackingStore, experiment_id: str, make_model: ModelMaker
) -> None:
    kept, deleted = make_model(), make_model()
    store.delete_logged_model(deleted)
    store.delete_logged_model(deleted)
    with pytest.raises(NotFound):
        store.get_logged_model(deleted)
    assert store.get_logged_model(deleted, allow_deleted=True).model_id == deleted
    assert [m.model_id for m in store.search_logged_models([experiment_id])] == [kept]
    with pytest.raises(NotFound):
        store.delete_logged_model("m-missing")


def test_tags_are_set_overwritten_and_deleted(store: TrackingStore, make_model: ModelMaker) -> None:
    model_id = make_model(tags={"a": "1"})
    store.set_logged_model_tags(model_id, [LoggedModelTag("a", "2"), LoggedModelTag("b", "3")])
    assert store.get_logged_model(model_id).tags == {"a": "2", "b": "3"}
    store.delete_logged_model_tag(model_id, "a")
    assert store.get_logged_model(model_id).tags == {"b": "3"}
    with pytest.raises(NotFound):
        store.delete_logged_model_tag(model_id, "a")
    with pytest.raises(NotFound):
        store.set_logged_model_tags("m-missing", [LoggedModelTag("a", "1")])


def test_params_are_written_once(store: TrackingStore, make_model: ModelMaker) -> None:
    model_id = make_model(params={"alpha": "0.5"})
    store.log_logged_model_params(
        model_id, [LoggedModelParameter("alpha", "0.5"), LoggedModelParameter("beta", "1")]
    )
    assert store.get_logged_model(model_id).params == {"alpha": "0.5", "beta": "1"}
    with pytest.raises(InvalidParameter, match="Changing param values"):
        store.log_logged_model_params(model_id, [LoggedModelParameter("alpha", "0.7")])
    with pytest.raises(NotFound):
        store.log_logged_model_params("m-missing", [LoggedModelParameter("a", "1")])


def test_outputs_are_shown_in_the_run(
    store: TrackingStore, experiment_id: str, run_id: str, make_model: ModelMaker
) -> None:
    first, second = make_model(), make_model()
    store.log_outputs(run_id, [LoggedModelOutput(second, 3), LoggedModelOutput(first, 0)])
    store.log_outputs(run_id, [LoggedModelOutput(first, 0)])  # a retry changes nothing
    expected = (LoggedModelOutput(first, 0), LoggedModelOutput(second, 3))
    assert store.get_run(run_id).outputs.model_outputs == expected
    assert store.search_runs([experiment_id])[0].outputs.model_outputs == expected


def test_outputs_need_an_active_run_and_existing_models(
    store: TrackingStore, run_id: str, make_model: ModelMaker
) -> None:
    with pytest.raises(NotFound):
        store.log_outputs(run_id, [LoggedModelOutput("m-missing", 0)])
    model_id = make_model()
    store.delete_run(run_id)
    with pytest.raises(InvalidParameter, match="active"):
        store.log_outputs(run_id, [LoggedModelOutput(model_id, 0)])
    assert store.get_run(run_id).outputs.model_outputs == ()


def test_model_inputs_are_shown_in_the_run(
    store: TrackingStore, run_id: str, make_model: ModelMaker
) -> None:
    model_id = make_model()
    store.log_inputs(run_id, models=[LoggedModelInput(model_id)])
    store.log_inputs(run_id, models=[LoggedModelInput(model_id)])
    inputs = store.get_run(run_id).inputs
    assert (inputs.model_inputs, inputs.dataset_inputs) == ((LoggedModelInput(model_id),), ())


def test_metric_points_of_a_model(
    store: TrackingStore, run_id: str, make_model: ModelMaker
) -> None:
    model_id = make_model()
    point = Metric("acc", 0.9, 100, 2, model_id, "test", "d1g")
    store.log_batch(run_id, metrics=[point, Metric("loss", 0.1, 100, 2)])
    store.log_batch(run_id, metrics=[point])  # a retry stores nothing twice
    (logged,) = store.get_logged_model(model_id).metrics
    assert logged == Metric("acc", 0.9, 100, 2, model_id, "test", "d1g", run_id)
    history = store.get_metric_history(run_id, "acc")
    assert [(m.value, m.model_id, m.dataset_name, m.dataset_digest) for m in history] == [
        (0.9, model_id, "test", "d1g")
    ]
    latest = {m.key: m for m in store.get_run(run_id).data.metric_objects}
    assert (latest["acc"].model_id, latest["loss"].model_id) == (model_id, None)


def test_latest_value_keeps_its_own_context(
    store: TrackingStore, run_id: str, make_model: ModelMaker
) -> None:
    model_id = make_model()
    store.log_metric(run_id, Metric("acc", 0.5, 1, 1, model_id, "test", "d"))
    store.log_metric(run_id, Metric("acc", 0.6, 2, 2))
    (latest,) = store.get_run(run_id).data.metric_objects
    assert (latest.value, latest.model_id, latest.dataset_name) == (0.6, None, None)
    store.log_batch(run_id, metrics=[Metric("acc", 0.7, 3, 3, model_id, "test", "d")])
    (latest,) = store.get_run(run_id).data.metric_objects
    assert (latest.value, latest.model_id, latest.dataset_digest) == (0.7, model_id, "d")


def test_relogging_run_metrics_for_a_model(
    store: TrackingStore, run_id: str, make_model: ModelMaker
) -> None:
    # What the mlflow client's log_model does: re-log the run's metrics with the model id.
    store.log_metric(run_id, Metric("rmse", 0.5, 10, 1))
    model_id = make_model()
    store.log_metric(run_id, Metric("rmse", 0.5, 10, 1, model_id=model_id))
    assert len(store.get_metric_history(run_id, "rmse")) == 1
    (point,) = store.get_logged_model(model_id).metrics
    assert (point.key, point.value, point.run_id, point.model_id) == ("rmse", 0.5, run_id, model_id)


def test_a_batch_naming_a_missing_model_stores_nothing(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(NotFound):
        store.log_batch(run_id, metrics=[Metric("a", 1.0, 1), Metric("b", 2.0, 1, model_id="m-x")])
    assert store.get_run(run_id).data.metrics == {}


def test_nan_points_of_a_model(store: TrackingStore, run_id: str, make_model: ModelMaker) -> None:
    model_id = make_model()
    store.log_metric(run_id, Metric("m", float("nan"), 1, 0, model_id=model_id))
    (point,) = store.get_logged_model(model_id).metrics
    assert point.value != point.value


def test_metric_context_is_validated(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.log_metric(run_id, Metric("m", 1.0, 1, dataset_digest="d"))
    with pytest.raises(InvalidParameter):
        store.log_metric(run_id, Metric("m", 1.0, 1, dataset_name="x" * 501))
