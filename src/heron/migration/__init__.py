"""Moving MLflow's data into Heron directly, without a server: ``heron db import-mlflow``.

:class:`MlflowImport` copies an MLflow SQL database (SQLite, PostgreSQL, MySQL; any schema
revision from MLflow 1.x to 3.17) into a Heron database, then verifies it run by run.
"""

from __future__ import annotations

from heron.migration.importer import ImportReport, MlflowImport
from heron.migration.verify import Verification

__all__ = ["ImportReport", "MlflowImport", "Verification"]
