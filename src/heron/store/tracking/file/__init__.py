"""The file store: MLflow's ``mlruns`` folder layout, read and written as MLflow 3.17.2 does.

``FileTrackingStore`` (:mod:`.store`) is the tracking store of plain paths and ``file:``
URIs; ``MlrunsReader`` reads a folder without changing it (what ``import-mlflow`` uses).
Names are loaded on first use, so resolving a URI (:mod:`.uris`) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heron.store.tracking.file.reader import MlrunsReader, check_mlruns_folder
    from heron.store.tracking.file.records import MalformedFolder

__all__ = ["MalformedFolder", "MlrunsReader", "check_mlruns_folder"]


def __getattr__(name: str) -> Any:
    if name in ("MlrunsReader", "check_mlruns_folder"):
        from heron.store.tracking.file import reader

        return getattr(reader, name)
    if name == "MalformedFolder":
        from heron.store.tracking.file.records import MalformedFolder

        return MalformedFolder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
