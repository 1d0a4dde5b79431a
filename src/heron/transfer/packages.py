"""The units an import or copy works on: a run with its files and logged models.

A :class:`RunTask` names a run and knows how to load its :class:`RunPackage` (from a
bundle directory, or from a live source store), so one import engine serves bundles and
direct copies alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from heron.transfer.records import LoggedModelRecord, RunRecord
from heron.transfer.sources import ArtifactSource
from heron.transfer.tagpolicy import Lineage


@dataclass
class ModelPackage:
    """A logged model and its files."""

    record: LoggedModelRecord
    artifacts: ArtifactSource


@dataclass
class RunPackage:
    """A run, its files, and the logged models it produced."""

    record: RunRecord
    artifacts: ArtifactSource
    models: list[ModelPackage] = field(default_factory=list)
    lineage: Lineage | None = None

    def verify(self) -> None:
        """Check every file against its recorded checksum, the models' files too."""
        self.artifacts.verify()
        for model in self.models:
            model.artifacts.verify()


@dataclass
class ExperimentTarget:
    """A source experiment and where its runs go.

    Attributes:
        source_id: The experiment's id at the source.
        source_name: Its name at the source.
        name: The destination experiment's name.
        tags: Tags for the destination experiment when it is created.
        experiment_id: The destination experiment's id, once known.
    """

    source_id: str
    source_name: str
    name: str
    tags: dict[str, str] = field(default_factory=dict)
    experiment_id: str = ""


@dataclass
class RunTask:
    """One run to import: its source id and parent, where it goes, how to load it."""

    source_id: str
    parent_id: str | None
    target: ExperimentTarget
    load: Callable[[], RunPackage]
