"""Heron's entities: frozen values with MLflow's names and fields."""

from heron.entities.dataset import Dataset, DatasetInput, InputTag, RunInputs
from heron.entities.experiment import Experiment
from heron.entities.file_info import FileInfo
from heron.entities.lifecycle import LifecycleStage, RunStatus, SourceType, ViewType
from heron.entities.logged_model import (
    LoggedModel,
    LoggedModelInput,
    LoggedModelOutput,
    LoggedModelParam,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    ModelInput,
    ModelOutput,
    RunOutputs,
)
from heron.entities.paging import PagedList
from heron.entities.registry import (
    ModelVersion,
    ModelVersionStage,
    ModelVersionStatus,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelAlias,
    RegisteredModelTag,
)
from heron.entities.run import Run, RunInfo
from heron.entities.run_content import MetricSeries, RunContent, RunHistory
from heron.entities.run_data import ExperimentTag, Metric, Param, RunData, RunTag

__all__ = [
    "Dataset",
    "DatasetInput",
    "Experiment",
    "ExperimentTag",
    "FileInfo",
    "InputTag",
    "LifecycleStage",
    "LoggedModel",
    "LoggedModelInput",
    "LoggedModelOutput",
    "LoggedModelParam",
    "LoggedModelParameter",
    "LoggedModelStatus",
    "LoggedModelTag",
    "Metric",
    "MetricSeries",
    "ModelInput",
    "ModelOutput",
    "ModelVersion",
    "ModelVersionStage",
    "ModelVersionStatus",
    "ModelVersionTag",
    "PagedList",
    "Param",
    "RegisteredModel",
    "RegisteredModelAlias",
    "RegisteredModelTag",
    "Run",
    "RunContent",
    "RunData",
    "RunHistory",
    "RunInfo",
    "RunInputs",
    "RunOutputs",
    "RunStatus",
    "RunTag",
    "SourceType",
    "ViewType",
]
