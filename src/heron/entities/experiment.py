"""Experiments: named groups of runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from heron.entities._base import Entity


@dataclass(frozen=True, slots=True)
class Experiment(Entity):
    """An experiment. ``tags`` is a plain ``{key: value}`` dictionary, as in MLflow."""

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: str
    tags: Mapping[str, str] = field(default_factory=dict)
    creation_time: int | None = None
    last_update_time: int | None = None
