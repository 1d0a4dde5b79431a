"""Datasets a run can log as inputs: ``PandasDataset`` and ``NumpyDataset``.

Each has a name (``dataset`` by default, as in MLflow), a digest (:mod:`heron.data.digest`), a
source (:mod:`heron.data.sources`), a schema and a profile, and turns into the
``heron.entities.Dataset`` that ``log_input`` records, with MLflow's JSON in every field.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from heron.data.digest import numpy_digest, pandas_digest
from heron.data.sources import DatasetSource
from heron.entities import Dataset as DatasetEntity
from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)


class Dataset(ABC):
    """A dataset with a name, a digest and a source.

    Args:
        source: Where the data came from.
        name: The dataset's name; ``dataset`` when omitted.
        digest: A fingerprint; computed from the data when omitted.
    """

    def __init__(self, source: DatasetSource, name: str | None = None, digest: str | None = None):
        self._source = source
        self._name = name
        self._digest = digest or self._compute_digest()

    @abstractmethod
    def _compute_digest(self) -> str:
        """The digest of the data, MLflow's algorithm."""

    @property
    def name(self) -> str:
        """The dataset's name (``dataset`` when none was given)."""
        return self._name if self._name is not None else "dataset"

    @property
    def digest(self) -> str:
        """The 8-character fingerprint of the data."""
        return self._digest

    @property
    def source(self) -> DatasetSource:
        """Where the data came from."""
        return self._source

    @property
    @abstractmethod
    def profile(self) -> dict[str, Any] | None:
        """Summary figures (row counts, sizes)."""

    @property
    @abstractmethod
    def schema_json(self) -> str | None:
        """The schema as stored on the run (MLflow's JSON), or None."""

    def to_dict(self) -> dict[str, str | None]:
        """The stored fields: name, digest, source, source_type, schema, profile."""
        return {
            "name": self.name,
            "digest": self.digest,
            "source": self.source.to_json(),
            "source_type": self.source.source_type,
            "schema": self.schema_json,
            "profile": json.dumps(self.profile),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON."""
        return json.dumps(self.to_dict())

    def _to_mlflow_entity(self) -> DatasetEntity:
        """The entity ``log_input`` records."""
        fields = self.to_dict()
        return DatasetEntity(
            name=self.name,
            digest=self.digest,
            source_type=self.source.source_type,
            source=self.source.to_json(),
            schema=fields["schema"],
            profile=fields["profile"],
        )


def require_columns(columns: Any, holder: str, **roles: str | None) -> None:
    """Refuse a role (``targets``, ``predictions``) that names no column of the data.

    Raises:
        InvalidParameter: MLflow's message, ``holder`` naming the data ("pandas DataFrame").
    """
    for role, column in roles.items():
        if column is not None and column not in columns:
            raise InvalidParameter(
                f"The specified {holder} does not contain the specified {role} column '{column}'."
            )


class PandasDataset(Dataset):
    """A pandas DataFrame, with optional targets and predictions columns.

    Raises:
        InvalidParameter: ``targets`` or ``predictions`` names no column.
    """

    def __init__(
        self,
        df: Any,
        source: DatasetSource,
        targets: str | None = None,
        name: str | None = None,
        digest: str | None = None,
        predictions: str | None = None,
    ):
        require_columns(df.columns, "pandas DataFrame", targets=targets, predictions=predictions)
        self._df = df
        self.targets = targets
        self.predictions = predictions
        super().__init__(source, name, digest)

    def _compute_digest(self) -> str:
        return pandas_digest(self._df)

    @property
    def df(self) -> Any:
        """The DataFrame."""
        return self._df

    @property
    def profile(self) -> dict[str, Any]:
        """``num_rows`` and ``num_elements``."""
        return {"num_rows": len(self._df), "num_elements": int(self._df.size)}

    @cached_property
    def schema(self) -> Any:
        """The inferred column schema (``heron.types.Schema``), or None."""
        from heron.models.signature import infer_schema

        try:
            return infer_schema(self._df)
        except Exception as error:
            _logger.debug("Failed to infer schema for Pandas dataset: %s", error)
            return None

    @property
    def schema_json(self) -> str | None:
        """``{"mlflow_colspec": [...]}``."""
        schema = self.schema
        return json.dumps({"mlflow_colspec": schema.to_dict()}) if schema is not None else None


def _shape_profile(prefix: str, data: Any) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return {
            f"{prefix}_shape": {k: list(v.shape) for k, v in data.items()},
            f"{prefix}_size": {k: int(v.size) for k, v in data.items()},
            f"{prefix}_nbytes": {k: int(v.nbytes) for k, v in data.items()},
        }
    return {
        f"{prefix}_shape": list(data.shape),
        f"{prefix}_size": int(data.size),
        f"{prefix}_nbytes": int(data.nbytes),
    }


class NumpyDataset(Dataset):
    """Numpy features (an array or a dict of arrays) with optional targets."""

    def __init__(
        self,
        features: Any,
        source: DatasetSource,
        targets: Any = None,
        name: str | None = None,
        digest: str | None = None,
    ):
        self.features = features
        self.targets = targets
        super().__init__(source, name, digest)

    def _compute_digest(self) -> str:
        return numpy_digest(self.features, self.targets)

    @property
    def profile(self) -> dict[str, Any]:
        """Shapes, sizes and byte counts of features (and targets)."""
        profile = _shape_profile("features", self.features)
        if self.targets is not None:
            profile.update(_shape_profile("targets", self.targets))
        return profile

    @property
    def schema_json(self) -> str | None:
        """``{"mlflow_tensorspec": {"features": ..., "targets": ...}}``."""
        from heron.models.signature import infer_schema

        try:
            features = infer_schema(self.features).to_json()
            targets = infer_schema(self.targets).to_json() if self.targets is not None else None
        except Exception as error:
            _logger.warning("Failed to infer schema for NumPy dataset: %s", error)
            return None
        return json.dumps({"mlflow_tensorspec": {"features": features, "targets": targets}})
