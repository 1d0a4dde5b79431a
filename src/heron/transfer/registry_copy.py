"""Copying a registered model straight from one tracking store to another (``copy-model``).

No bundle directory in between: each version's run streams from the source store into the
destination (with the logged models it produced), through the same importer as
``import-model``, so versions keep their stages, tags, descriptions and aliases, and
``verify`` compares the copy with the source model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heron.tracking.client import MlflowClient
from heron.transfer.copy import copy_engine
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.progress import Reporter
from heron.transfer.registry_export import version_filters
from heron.transfer.registry_import import transfer_model
from heron.transfer.registry_sources import LiveModel
from heron.transfer.summary import Summary


def copy_model(
    model: str,
    experiment_name: str,
    dst_model: str | None = None,
    src_tracking_uri: str | None = None,
    dst_tracking_uri: str | None = None,
    stages: str | Sequence[str] | None = None,
    versions: str | Sequence[str] | None = None,
    export_latest_versions: bool = False,
    export_deleted_runs: bool = False,
    delete_model: bool = False,
    await_creation_for: float | None = None,
    options: ImportOptions | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Copy a registered model, its versions (all by default) and their runs to another
    tracking store.

    Args:
        model: The source registered model's name.
        experiment_name: The destination experiment of the versions' runs (created if
            missing).
        dst_model: The destination registered model's name (the source's by default).
        src_tracking_uri: The source store; by default the tracking URI.
        dst_tracking_uri: The destination store; by default the tracking URI.
        stages: Copy only versions in these stages (comma separated or a list).
        versions: Copy only these version numbers (exclusive with ``stages``).
        export_latest_versions: Copy only the latest version of each stage.
        export_deleted_runs: Also copy versions whose run is deleted (left out by default).
        delete_model: First delete the destination model and its versions if it exists.
        await_creation_for: Seconds to wait for each version to become READY.
        options: Import options; ``settings`` (e.g. ``verify=True``) override its fields.
        reporter: Where progress goes; silent by default.

    Raises:
        NotFound: No such registered model at the source.
        InvalidParameter: Both ``stages`` and ``versions`` are given.
        AlreadyExists: The destination model exists and ``delete_model`` is off.
        TransferFailed: Some runs or versions failed, or (with ``verify``) the copy differs.
    """
    stage_list, version_list = version_filters(stages, versions)
    store = LiveStore(MlflowClient(tracking_uri=src_tracking_uri))
    source = LiveModel(
        store, model, stage_list, version_list, export_latest_versions, export_deleted_runs
    )
    engine = copy_engine(dst_tracking_uri, options, settings, reporter, per_experiment=False)
    for version in source.skipped:
        engine.reporter.line(f"Skipping version {version.version}: its run is deleted")
    name = dst_model or model
    engine.reporter.line(
        f"Copying model '{model}' from '{store.tracking_uri}' to '{name}' in "
        f"'{engine.client.tracking_uri}'"
    )
    return transfer_model(engine, source, name, experiment_name, delete_model, await_creation_for)
