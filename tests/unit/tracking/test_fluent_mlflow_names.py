"""MLflow 3.x fluent names that scripts use: restore, load_table, the logged-model API,
``heron.artifacts.load_*``/``list_artifacts``, ``heron.client`` and the tag constants."""

from __future__ import annotations

from types import ModuleType

import pytest

import heron.artifacts
from heron.entities import LifecycleStage, LoggedModelStatus
from heron.exceptions import BadRequest, HeronError, InvalidParameter, NotFound


def test_restore_run_and_experiment_and_delete_experiment_tag(fluent: ModuleType) -> None:
    experiment_id = fluent.create_experiment("restorable")
    fluent.set_experiment(experiment_id=experiment_id)
    fluent.set_experiment_tag("team", "a")
    fluent.delete_experiment_tag("team")
    assert "team" not in fluent.get_experiment(experiment_id).tags
    with pytest.raises(NotFound):
        fluent.delete_experiment_tag("team")
    with fluent.start_run() as run:
        pass
    fluent.delete_run(run.info.run_id)
    fluent.restore_run(run.info.run_id)
    assert fluent.get_run(run.info.run_id).info.lifecycle_stage == LifecycleStage.ACTIVE
    fluent.delete_experiment(experiment_id)
    fluent.restore_experiment(experiment_id)
    assert fluent.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.ACTIVE


def test_load_table_concatenates_the_runs_tables_with_extra_columns(fluent: ModuleType) -> None:
    fluent.set_experiment("tables")
    ids = []
    for value in (1, 2):
        with fluent.start_run() as run:
            fluent.log_table({"x": [value, value * 10]}, "eval/table.json")
            ids.append(run.info.run_id)
    with fluent.start_run():
        fluent.log_table({"x": [99]}, "other.json")
    frame = fluent.load_table("eval/table.json", extra_columns=["run_id"])
    assert sorted(frame["x"].tolist()) == [1, 2, 10, 20]
    assert sorted(set(frame["run_id"])) == sorted(ids)
    only = fluent.load_table("eval/table.json", run_ids=[ids[0]])
    assert only["x"].tolist() == [1, 10]
    with pytest.raises(InvalidParameter):
        fluent.load_table("../escape.json")


def test_logged_model_fluent_api(fluent: ModuleType) -> None:
    fluent.set_experiment("models")
    with fluent.start_run() as run:
        model = fluent.initialize_logged_model(name="agent", params={"lr": "0.1"}, tags={"a": "1"})
    assert model.status == LoggedModelStatus.PENDING
    assert model.source_run_id == run.info.run_id
    assert fluent.last_logged_model().model_id == model.model_id
    ready = fluent.finalize_logged_model(model.model_id, "READY")
    assert ready.status == LoggedModelStatus.READY
    fluent.set_logged_model_tags(model.model_id, {"b": 2})
    fluent.delete_logged_model_tag(model.model_id, "a")
    assert fluent.get_logged_model(model.model_id).tags == {"b": "2"}
    fluent.log_model_params({"depth": "3"}, model_id=model.model_id)
    assert fluent.get_logged_model(model.model_id).params == {"lr": "0.1", "depth": "3"}
    found = fluent.search_logged_models(filter_string="name = 'agent'", output_format="list")
    assert [m.model_id for m in found] == [model.model_id]
    frame = fluent.search_logged_models()
    assert frame["model_id"].tolist() == [model.model_id]
    with pytest.raises(InvalidParameter, match="Unsupported output format"):
        fluent.search_logged_models(output_format="json")


def test_external_and_active_models(fluent: ModuleType) -> None:
    fluent.set_experiment("active")
    with pytest.raises(InvalidParameter):
        fluent.set_active_model()
    with pytest.raises(InvalidParameter, match="No model_id"):
        fluent.log_model_params({"a": "1"})
    active = fluent.set_active_model(name="chatbot")  # created as an external model
    assert fluent.get_active_model_id() == active.model_id
    assert active.tags["mlflow.model.isExternal"] == "true"
    assert active.status == LoggedModelStatus.READY
    mlmodel = heron.artifacts.load_text(f"models:/{active.model_id}/MLmodel")
    assert active.model_id in mlmodel
    fluent.log_model_params({"temperature": "0.2"})
    assert fluent.get_logged_model(active.model_id).params == {"temperature": "0.2"}
    with fluent.set_active_model(name="other") as other:
        assert fluent.get_active_model_id() == other.model_id
    assert fluent.get_active_model_id() == active.model_id
    again = fluent.set_active_model(name="chatbot")
    assert again.model_id == active.model_id
    with pytest.raises(InvalidParameter, match="does not match"):
        fluent.set_active_model(name="nope", model_id=active.model_id)
    fluent.clear_active_model()
    assert fluent.get_active_model_id() is None


def test_artifact_loaders_and_listing(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        fluent.log_text("hello", "notes/a.txt")
        fluent.log_dict({"k": [1, 2]}, "notes/b.json")
        fluent.log_text("not json", "notes/c.json")
    uri = f"runs:/{run.info.run_id}"
    assert heron.artifacts.load_text(f"{uri}/notes/a.txt") == "hello"
    assert heron.artifacts.load_dict(f"{uri}/notes/b.json") == {"k": [1, 2]}
    with pytest.raises(BadRequest, match="Unable to form a JSON object"):
        heron.artifacts.load_dict(f"{uri}/notes/c.json")
    listed = heron.artifacts.list_artifacts(f"{uri}/notes")
    assert sorted(info.path for info in listed) == ["notes/a.txt", "notes/b.json", "notes/c.json"]
    by_run = heron.artifacts.list_artifacts(run_id=run.info.run_id, artifact_path="notes")
    assert sorted(info.path for info in by_run) == sorted(info.path for info in listed)
    direct = heron.artifacts.list_artifacts(f"{run.info.artifact_uri}/notes")
    assert sorted(info.path for info in direct) == sorted(info.path for info in listed)
    with pytest.raises(InvalidParameter, match="Exactly one"):
        heron.artifacts.list_artifacts()
    with pytest.raises(InvalidParameter):
        heron.artifacts.list_artifacts(uri, artifact_path="notes")


def test_load_image_round_trip(fluent: ModuleType) -> None:
    image_module = pytest.importorskip("PIL.Image")
    with fluent.start_run() as run:
        fluent.log_image(image_module.new("RGB", (3, 2), "red"), "pic.png")
    loaded = heron.artifacts.load_image(f"runs:/{run.info.run_id}/pic.png")
    assert loaded.size == (3, 2)


def test_mlflow_import_paths() -> None:
    from heron.client import MlflowClient
    from heron.tracking import MlflowClient as TrackingClient
    from heron.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID, MLFLOW_RUN_NAME

    assert MlflowClient is TrackingClient
    assert (MLFLOW_RUN_NAME, MLFLOW_PARENT_RUN_ID) == ("mlflow.runName", "mlflow.parentRunId")


def test_model_info_model_load_and_set_signature_by_uri(fluent: ModuleType) -> None:
    import heron.models
    import heron.pyfunc
    from heron.models.model import Model
    from heron.types import ColSpec, Schema

    class Doubler(heron.pyfunc.PythonModel):
        def predict(self, context: object, model_input: object) -> object:
            return model_input

    with fluent.start_run() as run:
        logged = heron.pyfunc.log_model(name="doubler", python_model=Doubler())
    runs_uri = f"runs:/{run.info.run_id}/doubler"
    info = heron.models.get_model_info(runs_uri)
    assert (info.model_uri, info.run_id) == (runs_uri, run.info.run_id)
    assert info.model_id == logged.model_id
    assert "python_function" in info.flavors
    assert heron.models.get_model_info(f"models:/{logged.model_id}").model_id == logged.model_id
    assert Model.load(runs_uri).model_id == logged.model_id
    assert fluent.last_logged_model().model_id == logged.model_id

    signature = heron.models.ModelSignature(inputs=Schema([ColSpec("double", "x")]))
    heron.models.set_signature(f"models:/{logged.model_id}", signature)
    assert Model.load(f"models:/{logged.model_id}").signature == signature
    with pytest.raises(InvalidParameter, match="ModelSignature"):
        heron.models.set_signature(runs_uri, "not a signature")  # type: ignore[arg-type]


def test_mlflow_exception_names() -> None:
    from heron.exceptions import (
        MissingConfigException,
        MlflowException,
        MlflowNotImplementedException,
        get_error_code,
    )

    assert (get_error_code(404), get_error_code(400), get_error_code(418)) == (1001, 4, 1)
    assert MlflowNotImplementedException("x").error_code == "NOT_IMPLEMENTED"
    assert issubclass(MissingConfigException, MlflowException)


def test_pyfunc_and_sklearn_defaults() -> None:
    import heron.pyfunc
    import heron.sklearn

    assert heron.sklearn.get_default_pip_requirements()[0].startswith("scikit-learn==")
    pip = heron.pyfunc.get_default_conda_env()["dependencies"][-1]["pip"]
    assert pip[0].startswith("mlflow==")
    assert pip[1].startswith("cloudpickle==")


def test_serving_input_round_trip(tmp_path: object) -> None:
    pd = pytest.importorskip("pandas")
    import heron.models
    import heron.pyfunc

    class Total(heron.pyfunc.PythonModel):
        def predict(self, context: object, model_input: object) -> object:
            return model_input.sum(axis=1).tolist()  # type: ignore[attr-defined]

    path = f"{tmp_path}/model"
    example = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    heron.pyfunc.save_model(path, python_model=Total(), input_example=example)
    body = heron.models.convert_input_example_to_serving_input(example)
    assert body is not None
    assert '"dataframe_split"' in body
    assert heron.models.convert_input_example_to_serving_input(None) is None
    assert list(heron.models.validate_serving_input(path, body)) == [4.0, 6.0]
    with pytest.raises(HeronError):
        heron.models.validate_serving_input(path, {"nope": 1})


def test_run_takes_mlflow_argument_names() -> None:
    from heron.entities import Run, RunData, RunInfo

    info = RunInfo("r1", "0", "me", "RUNNING", 1, None, "active")
    data = RunData(params=[])
    assert Run(run_info=info, run_data=data) == Run(info, data) == Run(info=info, data=data)
    assert Run(info).data == RunData()
    with pytest.raises(TypeError, match="run_info cannot be None"):
        Run()


def test_local_artifact_locations_are_plain_absolute_paths(fluent: ModuleType) -> None:
    import os

    relative = fluent.create_experiment("rel", artifact_location="rel/dir")
    assert fluent.get_experiment(relative).artifact_location == os.path.join(os.getcwd(), "rel/dir")
    absolute = fluent.create_experiment("abs", artifact_location="/abs/dir")
    assert fluent.get_experiment(absolute).artifact_location == "/abs/dir"
    uri = fluent.create_experiment("uri", artifact_location="file:///abs/uri")
    assert fluent.get_experiment(uri).artifact_location == "file:///abs/uri"
    fluent.set_experiment(experiment_id=relative)
    with fluent.start_run() as run:
        fluent.log_text("x", "a.txt")
    assert run.info.artifact_uri == os.path.join(
        os.getcwd(), "rel/dir", run.info.run_id, "artifacts"
    )
    assert heron.artifacts.load_text(f"runs:/{run.info.run_id}/a.txt") == "x"


def test_log_outputs_and_update_model_requirements(fluent: ModuleType) -> None:
    import heron.models
    import heron.pyfunc
    from heron.entities import LoggedModelOutput

    class Echo(heron.pyfunc.PythonModel):
        def predict(self, context: object, model_input: object) -> object:
            return model_input

    external = fluent.create_external_model(name="outside")
    with fluent.start_run() as run:
        fluent.log_outputs([LoggedModelOutput(model_id=external.model_id, step=3)])
        logged = heron.pyfunc.log_model(name="echo", python_model=Echo())
    outputs = fluent.get_run(run.info.run_id).outputs.model_outputs
    assert (external.model_id, 3) in [(o.model_id, o.step) for o in outputs]

    uri = f"models:/{logged.model_id}"
    heron.models.update_model_requirements(uri, "add", ["Requests==2.0", "numpy>=1"])
    heron.models.update_model_requirements(uri, "remove", ["numpy"])
    text = heron.artifacts.load_text(f"{uri}/requirements.txt").split()
    assert "requests==2.0" in text
    assert not any(line.startswith("numpy") for line in text)
    conda = heron.artifacts.load_text(f"{uri}/conda.yaml")
    assert "requests==2.0" in conda
    local = heron.artifacts.download_artifacts(uri)
    heron.models.update_model_requirements(local, "add", ["requests==3.0"])
    with open(f"{local}/requirements.txt", encoding="utf-8") as handle:
        assert "requests==3.0" in handle.read().split()
    with pytest.raises(InvalidParameter, match="invalid requirements"):
        heron.models.update_model_requirements(uri, "add", ["==bad"])
    with pytest.raises(InvalidParameter, match="not supported"):
        heron.models.update_model_requirements("models:/name/1", "add", ["x"])
    with pytest.raises(InvalidParameter, match="Unsupported operation"):
        heron.models.update_model_requirements(uri, "replace", ["x"])  # type: ignore[arg-type]


def test_params_without_a_params_schema_are_ignored_with_a_warning(tmp_path: object) -> None:
    import heron.pyfunc

    class Echo(heron.pyfunc.PythonModel):
        def predict(self, context: object, model_input: object, params: object = None) -> object:
            return [params]

    heron.pyfunc.save_model(f"{tmp_path}/m", python_model=Echo())
    model = heron.pyfunc.load_model(f"{tmp_path}/m")
    with pytest.warns(UserWarning, match="Ignoring provided params: \\['a'\\]"):
        assert model.predict([1], params={"a": 1}) == [{}]
    assert model.predict([1]) == [None]
