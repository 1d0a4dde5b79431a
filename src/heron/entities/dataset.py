"""Datasets a run used, as recorded by ``log_input``."""

from __future__ import annotations

from dataclasses import dataclass, field

from heron.entities._base import Entity
from heron.entities.logged_model import LoggedModelInput

DATASET_CONTEXT_TAG = "mlflow.data.context"


@dataclass(frozen=True, slots=True)
class Dataset(Entity):
    """A dataset's identity: name, digest, where it came from, and optionally its shape."""

    name: str
    digest: str
    source_type: str
    source: str
    schema: str | None = None
    profile: str | None = None


@dataclass(frozen=True, slots=True)
class InputTag(Entity):
    """A tag on a dataset input, such as ``mlflow.data.context=training``."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class DatasetInput(Entity):
    """A dataset used by a run, with tags saying how."""

    dataset: Dataset
    tags: tuple[InputTag, ...] = field(default_factory=tuple)

    @property
    def context(self) -> str | None:
        """The ``mlflow.data.context`` tag's value, if any."""
        for tag in self.tags:
            if tag.key == DATASET_CONTEXT_TAG:
                return tag.value
        return None


@dataclass(frozen=True, slots=True)
class RunInputs(Entity):
    """Everything a run took as input: datasets, and logged models."""

    dataset_inputs: tuple[DatasetInput, ...] = ()
    model_inputs: tuple[LoggedModelInput, ...] = ()
