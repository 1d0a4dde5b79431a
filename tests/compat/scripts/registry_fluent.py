"""Registry session steps through the fluent API: register, log with a registered name, load.

The models are two sklearn LinearRegressions that predict different lines, so a prediction
tells which version a ``models:/`` URI resolved to.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REQUIREMENTS = ["scikit-learn"]  # given, so neither library spends a minute inferring them


@contextlib.contextmanager
def captured_stderr(into: list[str]) -> Iterator[None]:
    """Collect what is written to file descriptor 2 (print, logging, C code) into ``into``."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            into.append(sink.read().decode(errors="replace"))


class FluentSteps:
    """Mixed into the registry session (see ``registry_session.Session``)."""

    name: str
    mlflow: Any
    client: Any
    prefix: str
    label: Any  # Session.label(identifier, label)
    label_experiment: Any  # Session.label_experiment(experiment_id, label)
    record: Any  # Session.record(label, value) -> value
    version_view: Any  # Session.version_view(version) -> dict
    expect_error: Any  # Session.expect_error(label, code, call)
    outcome: Any  # Session.outcome(label, call)
    fluent_name: str = ""

    def _data(self) -> tuple[Any, Any, Any]:
        import numpy as np
        from sklearn.linear_model import LinearRegression

        features = np.array([[0.0], [1.0], [2.0], [3.0]])
        first = LinearRegression().fit(features, 2 * features[:, 0] + 1)
        second = LinearRegression().fit(features, -3 * features[:, 0])
        return features, first, second

    def step_fluent_register(self) -> None:
        """register_model from runs:/, then log_model(registered_model_name=...)."""
        mlflow, name = self.mlflow, f"{self.prefix}-fluent"
        importlib.import_module(f"{self.name}.sklearn")
        features, first, second = self._data()
        experiment = mlflow.set_experiment(f"{self.prefix}-fluent")
        self.label_experiment(experiment.experiment_id, "fluent")
        with mlflow.start_run() as run:
            info = mlflow.sklearn.log_model(
                first, name="model", input_example=features[:2], pip_requirements=REQUIREMENTS
            )
        self.label(run.info.run_id, "run-f1")
        self.label(info.model_id, "logged-1")
        printed: list[str] = []
        with captured_stderr(printed):
            registered = mlflow.register_model(
                f"runs:/{run.info.run_id}/model", name, tags={"via": "register"}
            )
        self.record("register_model", self.version_view(registered))
        self.record("register_model prints", _messages(printed[0], name))
        with mlflow.start_run() as run, captured_stderr(printed):
            info = mlflow.sklearn.log_model(
                second, name="model", registered_model_name=name, pip_requirements=REQUIREMENTS
            )
        self.label(run.info.run_id, "run-f2")
        self.label(info.model_id, "logged-2")
        self.record("log_model registered_model_version", str(info.registered_model_version))
        self.record("log_model prints", _messages(printed[1], name))
        second_version = self.client.get_model_version(name, "2")
        self.record("log_model version", self.version_view(second_version))
        self.fluent_name = name

    def step_load_models(self) -> None:
        """models:/ URIs by version, stage, latest and alias load the right model."""
        mlflow, client = self.mlflow, self.client
        name = self.fluent_name
        assert name, "needs the models of step fluent_register"
        importlib.import_module(f"{self.name}.pyfunc")
        features, first, second = self._data()
        client.transition_model_version_stage(name, "1", "Production")
        client.set_registered_model_alias(name, "champion", "1")
        expected = {"1": first.predict(features), "2": second.predict(features)}
        loaded = {}
        for suffix in ("/1", "/2", "/Production", "/production", "/latest", "@champion", "@latest"):
            predicted = mlflow.pyfunc.load_model(f"models:/{name}{suffix}").predict(features)
            loaded[suffix] = _which(predicted, expected)
        self.record("pyfunc.load_model", loaded)
        assert loaded == {
            "/1": "1",
            "/2": "2",
            "/Production": "1",
            "/production": "1",
            "/latest": "2",
            "@champion": "1",
            "@latest": "2",
        }, loaded
        native = mlflow.sklearn.load_model(f"models:/{name}@champion")
        self.record("sklearn.load_model @champion", _which(native.predict(features), expected))
        self.record("download uri", client.get_model_version_download_uri(name, "1"))
        self._download(name)
        self._load_errors(name)

    def _download(self, name: str) -> None:
        with tempfile.TemporaryDirectory() as directory:
            local = self.mlflow.artifacts.download_artifacts(
                artifact_uri=f"models:/{name}/1", dst_path=directory
            )
            self.record("download_artifacts has MLmodel", (Path(local) / "MLmodel").is_file())

    def _load_errors(self, name: str) -> None:
        load = self.mlflow.pyfunc.load_model
        self.expect_error(
            "load missing version", "RESOURCE_DOES_NOT_EXIST", lambda: load(f"models:/{name}/9")
        )
        self.expect_error(
            "load missing alias", "INVALID_PARAMETER_VALUE", lambda: load(f"models:/{name}@ghost")
        )
        self.outcome("load empty stage", lambda: load(f"models:/{name}/Staging"))


def _which(predicted: Any, expected: dict[str, Any]) -> str:
    import numpy as np

    found = [key for key, values in expected.items() if np.allclose(predicted, values)]
    return found[0] if found else f"neither: {list(predicted)}"


def _messages(printed: str, name: str) -> dict[str, bool]:
    """Which of MLflow's registration messages ``printed`` holds."""
    lines = {
        "created": f"Successfully registered model '{name}'.",
        "exists": f"Registered model '{name}' already exists. Creating a new version of this "
        "model...",
        "version 1": f"Created version '1' of model '{name}'.",
        "version 2": f"Created version '2' of model '{name}'.",
    }
    return {key: line in printed for key, line in lines.items()}
