"""Heron's entities: frozen values with MLflow's names and fields."""

from heron.entities.dataset import Dataset, DatasetInput, InputTag, RunInputs
from heron.entities.experiment import Experiment
from heron.entities.file_info import FileInfo
from heron.entities.lifecycle import LifecycleStage, RunStatus, SourceType, ViewType
from heron.entities.paging import PagedList
from heron.entities.run import Run, RunInfo
from heron.entities.run_data import ExperimentTag, Metric, Param, RunData, RunTag

__all__ = [
    "Dataset",
    "DatasetInput",
    "Experiment",
    "ExperimentTag",
    "FileInfo",
    "InputTag",
    "LifecycleStage",
    "Metric",
    "PagedList",
    "Param",
    "Run",
    "RunData",
    "RunInfo",
    "RunInputs",
    "RunStatus",
    "RunTag",
    "SourceType",
    "ViewType",
]
