"""How ``log_model`` ties a LoggedModel to its source run, as MLflow 3.x does.

The run's params become the model's params (the caller's ``params`` first, the run's over
them), the model is recorded as an output of the run at a step, and the run's metrics
logged at that step are logged again with the model's id, so they appear as the model's
metrics (and in ``search_logged_models`` filters on ``metrics.<key>``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heron.entities import LoggedModelOutput

if TYPE_CHECKING:
    from heron.entities import Metric
    from heron.tracking.client import MlflowClient


def logged_model_params(
    client: MlflowClient, run_id: str | None, params: Mapping[str, Any] | None
) -> dict[str, str]:
    """The params of a model logged from ``run_id``: ``params`` overlaid with the run's."""
    merged = {str(key): str(value) for key, value in (params or {}).items()}
    if run_id is not None:
        merged.update(client.get_run(run_id).data.params)
    return merged


def link_run_output(client: MlflowClient, run_id: str, model_id: str, step: int) -> None:
    """Record the model as an output of the run at ``step`` (``run.outputs``)."""
    client.log_outputs(run_id, [LoggedModelOutput(model_id=model_id, step=step)])


def _step_points(client: MlflowClient, run_id: str, step: int) -> list[Metric]:
    points: list[Metric] = []
    for key in client.get_run(run_id).data.metrics:
        points.extend(
            point
            for point in client.get_metric_history(run_id, key)
            if point.step == step and point.model_id is None
        )
    return points


def link_run_metrics(client: MlflowClient, run_id: str, model_id: str, step: int) -> None:
    """Log the run's metric points at ``step`` again, with ``model_id`` set on them."""
    points = [
        dataclasses.replace(point, model_id=model_id, run_id=run_id)
        for point in _step_points(client, run_id, step)
    ]
    if points:
        client.log_batch(run_id, metrics=points, synchronous=True)
