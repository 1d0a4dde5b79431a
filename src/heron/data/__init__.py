"""Datasets: ``from_pandas``, ``from_numpy``, ``from_dict``, ``from_spark``, ``get_source``.

``heron.log_input(heron.data.from_pandas(df, source="data.csv"), context="training")`` records
the dataset on the active run with MLflow's name, digest, source, schema and profile, so
``search_runs(filter_string="datasets.digest = '...'")`` finds it and MLflow reads it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from heron.data.dataset import Dataset, NumpyDataset, PandasDataset
from heron.data.sources import (
    ArtifactDatasetSource,
    CodeDatasetSource,
    DatasetSource,
    DeltaDatasetSource,
    HTTPDatasetSource,
    resolve_dataset_source,
    source_from_json,
)
from heron.data.spark import SparkDataset, from_spark, load_delta
from heron.data.spark_sources import SparkDatasetSource
from heron.entities import Dataset as DatasetEntity
from heron.entities import DatasetInput
from heron.exceptions import InvalidParameter

__all__ = [
    "ArtifactDatasetSource",
    "CodeDatasetSource",
    "Dataset",
    "DatasetSource",
    "DeltaDatasetSource",
    "HTTPDatasetSource",
    "NumpyDataset",
    "PandasDataset",
    "SparkDataset",
    "SparkDatasetSource",
    "from_dict",
    "from_numpy",
    "from_pandas",
    "from_spark",
    "get_source",
    "load_delta",
]


def _source(source: str | os.PathLike[str] | DatasetSource | None) -> DatasetSource:
    if isinstance(source, DatasetSource):
        return source
    if source is not None:
        return resolve_dataset_source(source)
    from heron.tracking.context import resolve_tags

    return CodeDatasetSource(resolve_tags())


def from_pandas(
    df: Any,
    source: str | os.PathLike[str] | DatasetSource | None = None,
    targets: str | None = None,
    name: str | None = None,
    digest: str | None = None,
    predictions: str | None = None,
) -> PandasDataset:
    """A dataset of a pandas DataFrame.

    Args:
        df: The DataFrame.
        source: A path, URI, URL or :class:`DatasetSource`; the calling code when omitted.
        targets: The label column, if any.
        name: The dataset's name (``dataset`` when omitted).
        digest: A digest to use instead of computing one.
        predictions: The predictions column, if any.
    """
    return PandasDataset(df, _source(source), targets, name, digest, predictions)


def from_numpy(
    features: Any,
    source: str | os.PathLike[str] | DatasetSource | None = None,
    targets: Any = None,
    name: str | None = None,
    digest: str | None = None,
) -> NumpyDataset:
    """A dataset of numpy features (an array or a dict of arrays) and optional targets.

    Args:
        features: The features.
        source: A path, URI, URL or :class:`DatasetSource`; the calling code when omitted.
        targets: The labels (an array or a dict of arrays), if any.
        name: The dataset's name (``dataset`` when omitted).
        digest: A digest to use instead of computing one.
    """
    return NumpyDataset(features, _source(source), targets, name, digest)


def from_dict(
    data: Mapping[str, Any],
    source: str | os.PathLike[str] | DatasetSource | None = None,
    targets: str | None = None,
    name: str | None = None,
    digest: str | None = None,
) -> NumpyDataset:
    """A dataset of named columns (a dict of array-likes), one of them optionally the targets.

    Raises:
        InvalidParameter: ``targets`` names no column, or ``data`` is empty.
    """
    import numpy as np

    if not data:
        raise InvalidParameter("from_dict needs at least one column")
    if targets is not None and targets not in data:
        raise InvalidParameter(f"The dictionary has no targets column '{targets}'")
    features = {str(k): np.asarray(v) for k, v in data.items() if k != targets}
    target_array = np.asarray(data[targets]) if targets is not None else None
    return NumpyDataset(features, _source(source), target_array, name, digest)


def get_source(dataset: Dataset | DatasetEntity | DatasetInput) -> DatasetSource:
    """The source of a dataset, a stored dataset, or a run's dataset input.

    ``get_source(run.inputs.dataset_inputs[0]).load()`` fetches the data.

    Raises:
        InvalidParameter: Not a dataset, or its stored source is malformed.
    """
    if isinstance(dataset, DatasetInput):
        dataset = dataset.dataset
    if isinstance(dataset, Dataset):
        return dataset.source
    if isinstance(dataset, DatasetEntity):
        return source_from_json(dataset.source, dataset.source_type)
    raise InvalidParameter(
        f"Unrecognized dataset type {type(dataset).__name__}: expected a heron.data.Dataset, "
        "a heron.entities.Dataset or a heron.entities.DatasetInput"
    )
