"""Moving MLflow's data into Heron directly, without a server: ``heron db import-mlflow``.

:class:`MlflowImport` copies an MLflow SQL database (SQLite, PostgreSQL, MySQL; any schema
revision from MLflow 1.x to 3.17) into a Heron database, then verifies it run by run;
:class:`FolderImport` does the same for an ``mlruns`` folder.
"""

from __future__ import annotations

from heron.migration.folder import FolderImport
from heron.migration.importer import ImportReport, MlflowImport
from heron.migration.verify import Verification

__all__ = ["FolderImport", "ImportReport", "MlflowImport", "Verification", "open_import"]


def open_import(
    source: str, dest: str, copy_artifacts: str | None = None
) -> MlflowImport | FolderImport:
    """The import of ``source``: an ``mlruns`` folder (a path or ``file:`` URI) or an MLflow
    database URI; ``copy_artifacts`` a directory to copy the runs' and logged models'
    artifacts into (None keeps them where they are).
    """
    from heron.store.tracking.file.uris import is_folder_uri

    if is_folder_uri(source):
        return FolderImport(source, dest, copy_artifacts=copy_artifacts)
    return MlflowImport(source, dest, copy_artifacts=copy_artifacts)
