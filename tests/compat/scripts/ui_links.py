"""Log a run, a logged model and a registered version with the real mlflow client, and
report every link it printed to the UI (``View run ... at: URL`` and the like).

Usage: python ui_links.py   (MLFLOW_TRACKING_URI names the server)
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import mlflow
from sklearn.linear_model import LinearRegression

output = io.StringIO()
with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
    experiment_id = mlflow.set_experiment("ui links").experiment_id
    with mlflow.start_run(run_name="linked run") as run:
        mlflow.log_param("alpha", "0.5")
        mlflow.log_metric("rmse", 0.25)
        info = mlflow.sklearn.log_model(
            LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0]),
            name="model",
            registered_model_name="ui-links-model",
        )
printed = output.getvalue()
links = sorted(set(re.findall(r"https?://[^\s'\"]+", printed)))
print(
    json.dumps(
        {
            "experiment_id": experiment_id,
            "run_id": run.info.run_id,
            "model_id": info.model_id,
            "links": links,
            "printed": printed[-3000:],
        }
    )
)
