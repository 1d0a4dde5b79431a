"""The real mlflow client against a basic-auth Heron server: argv[1] is the tracking URI.

Admin creates users with get_app_client("basic-auth"); alice logs, searches and registers
as MLFLOW_TRACKING_USERNAME; bob is refused until alice grants him READ. Prints a JSON
summary on its last line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import mlflow
import mlflow.server
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException, RestException

URI = sys.argv[1]
summary: dict[str, object] = {}


def as_user(name: str, password: str) -> None:
    os.environ["MLFLOW_TRACKING_USERNAME"] = name
    os.environ["MLFLOW_TRACKING_PASSWORD"] = password


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    try:
        call()
    except (MlflowException, RestException) as error:
        return str(getattr(error, "error_code", "")) or type(error).__name__
    return "OK"


as_user("admin", "admin-password-123")
admin = mlflow.server.get_app_client("basic-auth", tracking_uri=URI)
summary["created"] = admin.create_user("alice", "alice-password-123").username
admin.create_user("bob", "bob-password-1234")
summary["bob_is_admin"] = admin.get_user("bob").is_admin

as_user("alice", "alice-password-123")
mlflow.set_tracking_uri(URI)
experiment_id = mlflow.create_experiment("alice-exp")
with mlflow.start_run(experiment_id=experiment_id) as run:
    mlflow.log_param("alpha", "0.5")
    mlflow.log_metric("rmse", 0.25)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "notes.txt")
        with open(path, "w") as handle:
            handle.write("hello")
        mlflow.log_artifact(path)
client = MlflowClient(URI)
summary["alice_runs"] = len(client.search_runs([experiment_id]))
client.create_registered_model("alice-model")
client.create_model_version("alice-model", f"runs:/{run.info.run_id}/model", run.info.run_id)
summary["alice_artifacts"] = [f.path for f in client.list_artifacts(run.info.run_id)]
alice_admin = mlflow.server.get_app_client("basic-auth", tracking_uri=URI)
summary["alice_permission"] = alice_admin.get_user_permission(
    "alice", "experiment", experiment_id
).permission

as_user("bob", "bob-password-1234")
client = MlflowClient(URI)
summary["bob_get_run"] = code_of(lambda: client.get_run(run.info.run_id))
summary["bob_log"] = code_of(lambda: client.log_param(run.info.run_id, "x", "1"))
summary["bob_model"] = code_of(lambda: client.get_registered_model("alice-model"))
summary["bob_sees_experiments"] = [e.name for e in client.search_experiments()]
summary["bob_sees_models"] = [m.name for m in client.search_registered_models()]
summary["bob_create_user"] = code_of(lambda: admin.create_user("eve", "eve-password-1234"))

as_user("alice", "alice-password-123")
alice_admin.grant_user_permission("bob", "experiment", experiment_id, "READ")
as_user("bob", "bob-password-1234")
summary["bob_get_run_after_grant"] = code_of(lambda: client.get_run(run.info.run_id))
summary["bob_log_after_grant"] = code_of(lambda: client.log_param(run.info.run_id, "x", "1"))

as_user("bob", "wrong-password-123")
summary["wrong_password"] = code_of(client.search_experiments)
print(json.dumps(summary))
