"""Export and import of runs, experiments and registered models, between any two
MLflow-compatible stores.

Bundles follow mlflow-export-import's layout (its current one by default, its 1.2.0 one on
request), so both tools read each other's; the older ``manifest.json`` layout is read too.
Beyond the peer, Heron keeps run times, names, statuses and full metric histories, carries
a sha256 for every artifact, imports resumably (complete runs are skipped, interrupted ones
redone), transfers ``workers`` runs at a time, copies store to store without a directory,
and compares source and destination (:func:`diff`). Registered models travel with their
versions' runs, stages, aliases, tags and descriptions (:func:`export_model`,
:func:`import_model`, :func:`copy_model`; compared by :func:`diff_models`).

Example::

    from heron import transfer

    transfer.export_experiments("all", "out", workers=8)
    transfer.import_experiments("out", experiment_name_prefix="imported_", verify=True)
"""

from __future__ import annotations

from heron.transfer.compare import diff, diff_models
from heron.transfer.copy import copy_experiment, copy_experiments, copy_run
from heron.transfer.errors import ChecksumMismatch, CorruptBundle, TransferFailed
from heron.transfer.exports import export_experiment, export_experiments, export_run
from heron.transfer.imports import import_experiment, import_experiments, import_run
from heron.transfer.layout import BundleFormat
from heron.transfer.options import ExportOptions, ImportOptions
from heron.transfer.progress import Reporter
from heron.transfer.registry_copy import copy_model
from heron.transfer.registry_export import export_model, export_models, list_models
from heron.transfer.registry_import import import_model, import_models
from heron.transfer.summary import Summary

__all__ = [
    "BundleFormat",
    "ChecksumMismatch",
    "CorruptBundle",
    "ExportOptions",
    "ImportOptions",
    "Reporter",
    "Summary",
    "TransferFailed",
    "copy_experiment",
    "copy_experiments",
    "copy_model",
    "copy_run",
    "diff",
    "diff_models",
    "export_experiment",
    "export_experiments",
    "export_model",
    "export_models",
    "export_run",
    "import_experiment",
    "import_experiments",
    "import_model",
    "import_models",
    "import_run",
    "list_models",
]
