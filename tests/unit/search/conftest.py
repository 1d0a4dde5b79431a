"""Small real entities for search tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from heron.entities import (
    Dataset,
    DatasetInput,
    Experiment,
    InputTag,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunTag,
)


def build_run(
    run_id: str = "r1",
    *,
    metrics: dict[str, float] | None = None,
    params: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
    datasets: tuple[tuple[str, str, str | None], ...] = (),
    **info: Any,
) -> Run:
    """A run; ``datasets`` holds (name, digest, context or None) triples."""
    fields: dict[str, Any] = {
        "experiment_id": "0",
        "user_id": "alice",
        "status": "FINISHED",
        "start_time": 1000,
        "end_time": 2000,
        "lifecycle_stage": "active",
        "artifact_uri": f"file:///tmp/{run_id}",
        "run_name": f"name-{run_id}",
    }
    fields.update(info)
    data = RunData(
        metrics=[Metric(k, v, 0) for k, v in (metrics or {}).items()],
        params=[Param(k, v) for k, v in (params or {}).items()],
        tags=[RunTag(k, v) for k, v in (tags or {}).items()],
    )
    inputs = RunInputs(
        tuple(
            DatasetInput(
                Dataset(name, digest, "local", "{}"),
                (InputTag("mlflow.data.context", context),) if context else (),
            )
            for name, digest, context in datasets
        )
    )
    return Run(RunInfo(run_id=run_id, **fields), data, inputs)


def build_experiment(experiment_id: str = "1", **fields: Any) -> Experiment:
    """An experiment with a name, times and tags defaulted from its id."""
    values: dict[str, Any] = {
        "name": f"exp-{experiment_id}",
        "artifact_location": f"file:///tmp/{experiment_id}",
        "lifecycle_stage": "active",
        "creation_time": 100,
        "last_update_time": 200,
    }
    values.update(fields)
    return Experiment(experiment_id=experiment_id, **values)


@pytest.fixture
def make_run() -> Callable[..., Run]:
    """:func:`build_run`."""
    return build_run


@pytest.fixture
def make_experiment() -> Callable[..., Experiment]:
    """:func:`build_experiment`."""
    return build_experiment
