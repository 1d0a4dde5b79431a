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


@dataclass(frozen=True, slots=True)
class Run(Entity):
    """A run: its info, data, inputs and outputs (the models it logged)."""

    info: RunInfo
    data: RunData = field(default_factory=RunData)
    inputs: RunInputs = field(default_factory=RunInputs)
    outputs: RunOutputs = field(default_factory=RunOutputs)
