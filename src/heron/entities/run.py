"""Runs: their info (identity, status, times) and the whole run."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from heron.entities._base import Entity
from heron.entities.dataset import RunInputs
from heron.entities.logged_model import RunOutputs
from heron.entities.run_data import RunData


@dataclass(frozen=True, slots=True)
class RunInfo(Entity):
    """A run's identity and lifecycle. ``status`` is a name such as ``"RUNNING"``."""

    run_id: str
    experiment_id: str
    user_id: str
    status: str
    start_time: int | None
    end_time: int | None
    lifecycle_stage: str
    artifact_uri: str | None = None
    run_name: str | None = None

    @property
    def run_uuid(self) -> str:
        """MLflow's older name for :attr:`run_id`."""
        return self.run_id

    def replace(self, **changes: Any) -> RunInfo:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _first(mlflow_name: Any, field_name: Any, default: Any) -> Any:
    if mlflow_name is not None:
        return mlflow_name
    return field_name if field_name is not None else default()


@dataclass(frozen=True, slots=True)
class Run(Entity):
    """A run: its info, data, inputs and outputs (the models it logged)."""

    info: RunInfo
    data: RunData = field(default_factory=RunData)
    inputs: RunInputs = field(default_factory=RunInputs)
    outputs: RunOutputs = field(default_factory=RunOutputs)

    def __init__(
        self,
        run_info: RunInfo | None = None,
        run_data: RunData | None = None,
        run_inputs: RunInputs | None = None,
        run_outputs: RunOutputs | None = None,
        *,
        info: RunInfo | None = None,
        data: RunData | None = None,
        inputs: RunInputs | None = None,
        outputs: RunOutputs | None = None,
    ) -> None:
        """Positional arguments, MLflow's keywords (``run_info=``...) or the field names."""
        chosen = run_info if run_info is not None else info
        if chosen is None:
            raise TypeError("run_info cannot be None")
        object.__setattr__(self, "info", chosen)
        object.__setattr__(self, "data", _first(run_data, data, RunData))
        object.__setattr__(self, "inputs", _first(run_inputs, inputs, RunInputs))
        object.__setattr__(self, "outputs", _first(run_outputs, outputs, RunOutputs))
