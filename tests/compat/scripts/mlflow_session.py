"""A scripted tracking session, run by a real client against a tracking server.

Usage::

    python mlflow_session.py --client mlflow|heron --workdir DIR --prefix NAME

``--client mlflow`` drives the official ``mlflow`` package (run it with the mlflow
virtualenv's python), ``--client heron`` the same calls through ``import heron as mlflow``.
The server is the one ``MLFLOW_TRACKING_URI`` names. Each step runs even when an earlier one
failed, and prints nothing but one JSON object on the last line of stdout::

    {"client": "mlflow", "version": "3.17.2",
     "steps": {"experiments": "ok", "model": "FAILED: RestException: ...", ...},
     "experiments": {id: {"name", "lifecycle_stage", "tags"}},
     "runs": {label: run_id}, "models": {name: model_id},
     "logged": {run_id: {"steps": [name], "info": {...}, "params": {...}, "tags": {...},
                         "deleted_tags": [...], "metrics": {key: [[step, value, ts], ...]},
                         "artifacts": {path: sha256}, "inputs": [[name, digest, context]]}}}

``logged`` is what the session sent; a test reads the server's backing store and compares.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import math
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from session_artifacts import ArtifactSteps
from session_searches import SearchSteps
from session_values import T0, same_points

HERE = Path(__file__).resolve().parent


class Session(ArtifactSteps, SearchSteps):
    """The state shared by the steps: the client module, ids, and what was logged."""

    def __init__(self, client: str, workdir: Path, prefix: str):
        self.name = client
        self.mlflow: Any = importlib.import_module(client)
        self.entities: Any = importlib.import_module(f"{client}.entities")
        self.client: Any = self.mlflow.MlflowClient()
        self.workdir = workdir
        self.prefix = prefix
        self.experiments: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, str] = {}
        self.logged: dict[str, dict[str, Any]] = {}
        self.models: dict[str, str] = {}
        self.generated: dict[str, str | None] = {}
        self.step = ""  # the step running now
        self.outcomes: dict[str, str] = {}  # step -> ok | skipped: why | FAILED: error

    # -- bookkeeping ---------------------------------------------------------------------

    def record(self, label: str, run_id: str) -> dict[str, Any]:
        """Start the record of what is sent to run ``run_id``."""
        self.runs[label] = run_id
        entry: dict[str, Any] = {
            "steps": [self.step],
            "info": {"run_name": label, "status": "RUNNING", "lifecycle_stage": "active"},
            "params": {},
            "tags": {},
            "deleted_tags": [],
            "metrics": {},
            "artifacts": {},
            "inputs": [],
        }
        return self.logged.setdefault(run_id, entry)

    def metric(self, run_id: str, key: str, value: float, step: int, timestamp: int) -> None:
        """Remember one metric point as sent."""
        self.logged[run_id]["metrics"].setdefault(key, []).append([step, value, timestamp])

    def expect_error(self, code: str, call: Callable[[], Any]) -> str | None:
        """None if ``call`` raises the client's exception with ``code``, else what happened."""
        try:
            call()
        except self.mlflow.MlflowException as error:
            return None if error.error_code == code else f"{error.error_code}: {error}"
        return "no error"

    # -- experiments ---------------------------------------------------------------------

    def step_experiments(self) -> None:
        """Create, read, rename, tag, search, delete and restore experiments."""
        mlflow, client, entities = self.mlflow, self.client, self.entities
        main = mlflow.set_experiment(f"{self.prefix}-main")
        self.experiments[main.experiment_id] = {"name": main.name, "tags": {}}
        extra = client.create_experiment(f"{self.prefix}-extra", tags={"team": "ml"})
        client.set_experiment_tag(extra, "stage", "dev")
        client.set_experiment_tag(extra, "dropped", "x")
        client.delete_experiment_tag(extra, "dropped")
        client.rename_experiment(extra, f"{self.prefix}-renamed")
        got = client.get_experiment(extra)
        assert got.name == f"{self.prefix}-renamed", got.name
        assert got.tags == {"team": "ml", "stage": "dev"}, got.tags
        assert client.get_experiment_by_name(f"{self.prefix}-renamed").experiment_id == extra
        assert client.get_experiment_by_name(f"{self.prefix}-absent") is None
        client.delete_experiment(extra)
        assert client.get_experiment(extra).lifecycle_stage == "deleted"
        like = f"name LIKE '{self.prefix}-%'"
        active = client.search_experiments(filter_string=like, order_by=["name ASC"])
        assert [e.name for e in active] == [f"{self.prefix}-main"], active
        deleted = client.search_experiments(
            view_type=entities.ViewType.DELETED_ONLY, filter_string=like
        )
        assert [e.experiment_id for e in deleted] == [extra], deleted
        client.restore_experiment(extra)
        assert client.get_experiment(extra).lifecycle_stage == "active"
        tagged = client.search_experiments(filter_string=f"{like} AND tags.team = 'ml'")
        assert [e.experiment_id for e in tagged] == [extra], tagged
        self.experiments[extra] = {"name": got.name, "tags": {"team": "ml", "stage": "dev"}}
        for record in self.experiments.values():
            record["lifecycle_stage"] = "active"

    # -- runs and logging ----------------------------------------------------------------

    def step_fluent_logging(self) -> None:
        """A parent run with every fluent log_* call on values, and two nested runs."""
        mlflow = self.mlflow
        with mlflow.start_run(run_name="parent", tags={"origin": "compat"}) as parent:
            run_id = parent.info.run_id
            entry = self.record("parent", run_id)
            entry["info"]["status"] = "FINISHED"
            mlflow.log_param("alpha", 0.5)
            params = {"l1_ratio": 0.1, "solver": "saga", "opt/learning rate": "1e-3"}
            mlflow.log_params({**params, "note": "unicodé ✓ " + "x" * 400})
            entry["params"] = {
                "alpha": "0.5",
                **{k: str(v) for k, v in params.items()},
                "note": "unicodé ✓ " + "x" * 400,
            }
            for step in range(10):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step, timestamp=T0 + step)
                self.metric(run_id, "loss", 1.0 / (step + 1), step, T0 + step)
            mlflow.log_metric("loss", 0.25, step=3, timestamp=T0 + 100)  # same step again
            self.metric(run_id, "loss", 0.25, 3, T0 + 100)
            mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=3, timestamp=T0 + 3)
            self.metric(run_id, "acc", 0.9, 3, T0 + 3)
            self.metric(run_id, "f1", 0.8, 3, T0 + 3)
            for key, value in (("nan", math.nan), ("pos_inf", math.inf), ("neg_inf", -math.inf)):
                mlflow.log_metric(key, value, step=1, timestamp=T0 + 1)
                self.metric(run_id, key, value, 1, T0 + 1)
            self._tags_on_active_run(entry)
            self._nested_runs(run_id)

    def _tags_on_active_run(self, entry: dict[str, Any]) -> None:
        mlflow = self.mlflow
        mlflow.set_tag("stage", "dev")
        mlflow.set_tags({"team": "ml", "long": "t" * 5000, "empty": ""})
        mlflow.set_tag("temporary", "x")
        mlflow.delete_tag("temporary")
        entry["tags"].update(origin="compat", stage="dev", team="ml", long="t" * 5000, empty="")
        entry["deleted_tags"].append("temporary")

    def _nested_runs(self, parent_id: str) -> None:
        mlflow = self.mlflow
        with mlflow.start_run(run_name="child-a", nested=True) as child:
            entry = self.record("child-a", child.info.run_id)
            entry["info"]["status"] = "FINISHED"
            entry["tags"]["mlflow.parentRunId"] = parent_id
            mlflow.log_param("depth", 1)
            entry["params"]["depth"] = "1"
            mlflow.log_metric("loss", 0.3, step=0, timestamp=T0)
            self.metric(child.info.run_id, "loss", 0.3, 0, T0)
        child_b = mlflow.start_run(run_name="child-b", nested=True)
        entry = self.record("child-b", child_b.info.run_id)
        entry["tags"]["mlflow.parentRunId"] = parent_id
        operations = mlflow.log_metrics({"x": 1.0, "y": 2.0}, synchronous=False, timestamp=T0)
        if operations is not None:
            operations.wait()
        self.metric(child_b.info.run_id, "x", 1.0, 0, T0)
        self.metric(child_b.info.run_id, "y", 2.0, 0, T0)
        mlflow.end_run(status="KILLED")
        entry["info"]["status"] = "KILLED"
        assert mlflow.active_run().info.run_id == parent_id

    def step_client_logging(self) -> None:
        """MlflowClient: create_run, log_batch (split over several requests), inputs, states."""
        entities, client = self.entities, self.client
        experiment_id = next(iter(self.experiments))
        run = client.create_run(experiment_id, run_name="batch", tags={"via": "client"})
        run_id = run.info.run_id
        entry = self.record("batch", run_id)
        entry["tags"]["via"] = "client"
        metrics = [entities.Metric("big", float(i), T0 + i, i) for i in range(1500)]
        metrics += [entities.Metric(f"m{k}", k * 0.5, T0, s) for k in range(3) for s in range(5)]
        params = [entities.Param(f"p{i}", f"v{i}") for i in range(120)]
        tags = [entities.RunTag("batch.tag", "b"), entities.RunTag("batch.other", "c")]
        client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
        for metric in metrics:
            self.metric(run_id, metric.key, metric.value, metric.step, metric.timestamp)
        entry["params"].update({p.key: p.value for p in params})
        entry["tags"].update({t.key: t.value for t in tags})
        client.log_param(run_id, "single", "1")
        client.log_metric(run_id, "single", 7.5, timestamp=T0, step=2)
        client.set_tag(run_id, "single", "yes")
        entry["params"]["single"] = "1"
        entry["tags"]["single"] = "yes"
        self.metric(run_id, "single", 7.5, 2, T0)
        self._log_inputs(run_id, entry)
        client.update_run(run_id, name="batch-renamed")
        client.set_terminated(run_id, status="FAILED")
        entry["info"].update(run_name="batch-renamed", status="FAILED")
        self.runs["batch-renamed"] = self.runs.pop("batch")
        history = client.get_metric_history(run_id, "big")
        assert [(m.step, m.value) for m in history] == [(i, float(i)) for i in range(1500)]

    def _log_inputs(self, run_id: str, entry: dict[str, Any]) -> None:
        entities = self.entities
        dataset = entities.Dataset(
            name="wine",
            digest="abc123",
            source_type="local",
            source=json.dumps({"uri": "/data/wine.csv"}),
            schema=json.dumps({"mlflow_colspec": [{"type": "double", "name": "x"}]}),
            profile=json.dumps({"num_rows": 3}),
        )
        tag = entities.InputTag("mlflow.data.context", "training")
        self.client.log_inputs(run_id, [entities.DatasetInput(dataset, [tag])])
        entry["inputs"].append(["wine", "abc123", "training"])

    def step_run_lifecycle(self) -> None:
        """Delete and restore a run; the run ends as it began, with its data."""
        client = self.client
        run_id = self.runs["child-a"]
        client.delete_run(run_id)
        assert client.get_run(run_id).info.lifecycle_stage == "deleted"
        client.restore_run(run_id)
        run = client.get_run(run_id)
        assert run.info.lifecycle_stage == "active"
        assert run.data.params == {"depth": "1"}, run.data.params

    def step_read_back(self) -> None:
        """What the client itself reads back equals what it sent (as MLflow stores it)."""
        for run_id, sent in self.logged.items():
            run = self.client.get_run(run_id)
            if all(self.outcomes[step] == "ok" for step in sent["steps"]):  # else may be FAILED
                assert run.info.status == sent["info"]["status"], (run_id, run.info.status)
            assert run.info.run_name == sent["info"]["run_name"], run.info.run_name
            assert run.info.end_time or sent["info"]["status"] == "RUNNING"
            assert run.data.params == sent["params"], run.data.params
            missing = {k: v for k, v in sent["tags"].items() if run.data.tags.get(k) != v}
            assert not missing, f"tags not read back: {sorted(missing)}"
            for key, points in sent["metrics"].items():
                history = self.client.get_metric_history(run_id, key)
                got = [[m.step, m.value, m.timestamp] for m in history]
                assert same_points(got, points), (key, got[:5], points[:5])

    def step_errors(self) -> None:
        """The client sees MLflow's error codes for the usual mistakes."""
        client, run_id = self.client, self.runs["parent"]
        missing_run = "0" * 32
        checks = {
            "get missing experiment": (
                "RESOURCE_DOES_NOT_EXIST",
                lambda: client.get_experiment("987654321"),
            ),
            "duplicate experiment": (
                "RESOURCE_ALREADY_EXISTS",
                lambda: client.create_experiment(f"{self.prefix}-main"),
            ),
            "change a param": (
                "INVALID_PARAMETER_VALUE",
                lambda: client.log_param(run_id, "alpha", "0.7"),
            ),
            "get missing run": ("RESOURCE_DOES_NOT_EXIST", lambda: client.get_run(missing_run)),
            "bad filter": (
                "INVALID_PARAMETER_VALUE",
                lambda: client.search_runs([self.runs_experiment()], "metrics.m >>> 1"),
            ),
            "delete missing tag": (
                "RESOURCE_DOES_NOT_EXIST",
                lambda: client.delete_tag(run_id, "never-set"),
            ),
        }
        problems = {name: self.expect_error(code, call) for name, (code, call) in checks.items()}
        problems = {name: problem for name, problem in problems.items() if problem}
        assert not problems, problems
        client.log_param(run_id, "alpha", "0.5")  # the same value again is fine

    def runs_experiment(self) -> str:
        """The experiment the fluent runs went to."""
        return next(iter(self.experiments))

    # -- models --------------------------------------------------------------------------

    def step_model(self) -> None:
        """sklearn log_model, then load it back as pyfunc and predict (needs logged models)."""
        if importlib.util.find_spec(f"{self.name}.sklearn") is None:
            raise Skipped(f"{self.name} has no sklearn flavor")
        import numpy as np
        from sklearn.linear_model import LinearRegression

        mlflow = self.mlflow
        features = np.array([[0.0], [1.0], [2.0], [3.0]])
        model = LinearRegression().fit(features, 2 * features[:, 0] + 1)
        with mlflow.start_run(run_name="model") as run:
            entry = self.record("model", run.info.run_id)
            entry["info"]["status"] = "FINISHED"
            info = mlflow.sklearn.log_model(
                model, name="model", input_example=features[:2], pip_requirements=["scikit-learn"]
            )
        expected = model.predict(features)
        for uri in (info.model_uri, f"runs:/{run.info.run_id}/model"):
            predicted = mlflow.pyfunc.load_model(uri).predict(features)
            assert np.allclose(predicted, expected), (uri, predicted)
        self.models["model"] = info.model_id


class Skipped(Exception):
    """A step that does not apply to this client."""


STEPS = (
    "experiments",
    "fluent_logging",
    "client_logging",
    "run_lifecycle",
    "artifact_files",
    "artifact_figures",
    "artifact_listing",
    "artifact_downloads",
    "searches",
    "read_back",
    "errors",
    "model",
)


def run_step(session: Session, name: str) -> str:
    """``ok``, ``skipped: why`` or ``FAILED: error`` (with the innermost frame)."""
    session.step = name
    try:
        getattr(session, f"step_{name}")()
    except Skipped as skipped:
        return f"skipped: {skipped}"
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if Path(f.filename).parent == HERE] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}"
        return f"FAILED: {type(error).__name__}: {error} (at {where})"[:4000]
    finally:
        with contextlib.suppress(Exception):
            while session.mlflow.active_run() is not None:
                session.mlflow.end_run()
    return "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("mlflow", "heron"), required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--prefix", required=True)
    args = parser.parse_args()
    session = Session(args.client, args.workdir, args.prefix)
    for name in STEPS:
        session.outcomes[name] = run_step(session, name)
    summary = {
        "client": args.client,
        "version": session.mlflow.__version__,
        "steps": session.outcomes,
        "experiments": session.experiments,
        "runs": session.runs,
        "models": session.models,
        "logged": session.logged,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
