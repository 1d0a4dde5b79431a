"""The file store: MLflow's ``mlruns`` folder layout, read and written as MLflow 3.17.2 does.

``FileTrackingStore`` is the tracking store of plain paths and ``file:`` URIs;
``MlrunsReader`` reads a folder without changing it (what ``import-mlflow`` uses).
"""

from __future__ import annotations

from heron.store.tracking.file.reader import MlrunsReader, check_mlruns_folder
from heron.store.tracking.file.records import MalformedFolder

__all__ = ["MalformedFolder", "MlrunsReader", "check_mlruns_folder"]
