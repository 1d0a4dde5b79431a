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
    database URI.

    Raises:
        InvalidParameter: ``--copy-artifacts`` with a folder (its artifacts are files
            already; copy the folder instead).
    """
    from heron.exceptions import InvalidParameter
    from heron.store.tracking.file.uris import is_folder_uri

    if is_folder_uri(source):
        if copy_artifacts is not None:
            raise InvalidParameter(
                "--copy-artifacts applies to database sources; a folder's artifacts are "
                "files under it already"
            )
        return FolderImport(source, dest)
    return MlflowImport(source, dest, copy_artifacts=copy_artifacts)
