"""Exporting registered models: ``model.json`` plus each exported version's run.

Layout (mlflow-export-import's ``export-model``): ``<out>/model.json`` and
``<out>/<run_id>/`` (``run.json``, ``artifacts/``) per version run, with the logged models
those runs produced beside them (``<out>/<model_id>/``). ``export_models`` writes one such
directory per model under ``<out>/<name>/`` and lists them in ``models.json``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from heron.entities import LifecycleStage, ModelVersion, ModelVersionStage, RegisteredModel
from heron.exceptions import InvalidParameter
from heron.tracking.client import MlflowClient
from heron.tracking.pages import read_pages
from heron.transfer import jsonio
from heron.transfer.engine import describe_error
from heron.transfer.exports import Exporter, finish_export, start_export
from heron.transfer.layout import ARTIFACTS_DIR, BundleFormat
from heron.transfer.options import ExportOptions
from heron.transfer.progress import Reporter
from heron.transfer.records import RunRecord
from heron.transfer.registryfile import (
    LIST_FILE,
    MODEL_JSON,
    MODELS_JSON,
    encode_model,
    encode_version,
    run_relative_path,
    source_model_id,
)
from heron.transfer.summary import Summary

PAGE = 1000


def parse_list(value: str | Sequence[str] | None) -> list[str]:
    """``"a,b"`` or ``["a", "b"]`` as a list of stripped, non-empty items."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def version_filters(
    stages: str | Sequence[str] | None, versions: str | Sequence[str] | None
) -> tuple[list[str], list[str]]:
    """The stages and version numbers asked for, each as a list (empty: no filter).

    Raises:
        InvalidParameter: Both are given.
    """
    stage_list, version_list = parse_list(stages), parse_list(versions)
    if stage_list and version_list:
        raise InvalidParameter("Options --stages and --versions are mutually exclusive")
    return stage_list, version_list


def all_versions(client: MlflowClient, name: str) -> list[ModelVersion]:
    """Every version of a registered model, lowest number first."""
    escaped = name.replace("'", "\\'")
    found = read_pages(
        lambda count, token: client.search_model_versions(
            f"name = '{escaped}'", max_results=count, page_token=token
        ),
        PAGE,
        None,
    )
    return sorted(found, key=lambda version: version.version)


def select_versions(
    versions: list[ModelVersion],
    stages: Sequence[str],
    numbers: Sequence[str],
    latest_only: bool,
) -> list[ModelVersion]:
    """The versions to export: those in ``stages`` / ``numbers`` (all by default), or only
    the latest of each stage when ``latest_only``."""
    wanted = {ModelVersionStage.coerce(stage).value for stage in stages}
    chosen = [
        v
        for v in versions
        if (not wanted or v.current_stage in wanted) and (not numbers or str(v.version) in numbers)
    ]
    if latest_only:
        latest: dict[str, ModelVersion] = {}
        for version in chosen:
            latest[version.current_stage] = version
        chosen = sorted(latest.values(), key=lambda v: v.version)
    return chosen


def _export_version(
    exporter: Exporter, version: ModelVersion, output_dir: str, deleted_runs: bool
) -> dict[str, Any] | None:
    """Write one version's run; its ``versions`` entry, or None when it is skipped."""
    source = exporter.source
    if not version.run_id:
        raise ValueError(f"version {version.version} has no run")
    record = source.run_record(version.run_id)
    if record.info.lifecycle_stage == LifecycleStage.DELETED and not deleted_runs:
        exporter.reporter.line(f"Skipping version {version.version}: its run is deleted")
        return None
    experiment = source.client.get_experiment(record.info.experiment_id)
    run_dir = os.path.join(output_dir, version.run_id)
    exporter.reporter.line(
        f"Exporting version {version.version} stage '{version.current_stage}' with run_id "
        f"{version.run_id} to {run_dir}"
    )
    exporter.export_run(record, run_dir, output_dir, experiment.name, whole=False)
    run_source = None
    if exporter.options.bundle_format is BundleFormat.V1_2:
        run_source = bundled_source(exporter, version, record)
    entry = encode_version(version, experiment.name, run_source)
    entry["_run_artifact_uri"] = record.info.artifact_uri
    return entry


def bundled_source(exporter: Exporter, version: ModelVersion, record: RunRecord) -> str | None:
    """Where a version's model files are in the bundle, ``<run_id>/artifacts/<path>``,
    as mlflow-export-import 1.2.0 reads a source; None when the run does not hold them
    (a logged model stored apart from its run)."""
    run_id = record.run_id
    path = run_relative_path(version.source or "", run_id, record.info.artifact_uri)
    model_id = source_model_id(version)
    if path is None and model_id is not None:
        model = exporter.source.logged_model(model_id)
        path = model.model.name if model is not None else None
    files = {digest.path for digest in record.artifacts or ()}
    if path is None or f"{path}/MLmodel".lstrip("/") not in files:
        return None
    return f"{run_id}/{ARTIFACTS_DIR}/{path}".rstrip("/")


def write_model(
    exporter: Exporter,
    model: RegisteredModel,
    output_dir: str,
    stages: Sequence[str] = (),
    versions: Sequence[str] = (),
    export_latest_versions: bool = False,
    export_deleted_runs: bool = False,
) -> int:
    """Export one registered model into ``output_dir``; how many versions failed."""
    client = exporter.source.client
    found = all_versions(client, model.name)
    chosen = select_versions(found, stages, versions, export_latest_versions)
    exporter.reporter.line(f"Found {len(found)} versions")
    entries, failed = [], []
    for version in chosen:
        try:
            entry = _export_version(exporter, version, output_dir, export_deleted_runs)
            if entry is not None:
                entries.append(entry)
                exporter.summary.run_succeeded(version.run_id or "", None, skipped=False)
        except Exception as error:  # counted; the tool exits non-zero
            reason = describe_error(error)
            failed.append({"version": str(version.version), "reason": reason})
            exporter.summary.failed("model version", f"{model.name}/{version.version}", reason)
    exporter.reporter.line(
        f"{len(entries)}/{len(chosen)} versions of model '{model.name}' exported"
    )
    info = {
        "num_target_stages": len(stages),
        "num_target_versions": len(versions),
        "num_src_versions": len(found),
        "num_dst_versions": len(entries),
        "failed_versions": failed,
        "export_latest_versions": export_latest_versions,
        "export_permissions": False,
    }
    content = jsonio.envelope(exporter.system(), encode_model(model, entries), info)
    jsonio.write_json(os.path.join(output_dir, MODEL_JSON), content)
    return len(failed)


def export_model(
    model: str,
    output_dir: str,
    stages: str | Sequence[str] | None = None,
    versions: str | Sequence[str] | None = None,
    export_latest_versions: bool = False,
    export_deleted_runs: bool = False,
    options: ExportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Export a registered model, its versions (all by default) and their runs.

    Args:
        model: The registered model's name.
        output_dir: Where to write ``model.json`` and ``<run_id>/`` per version.
        stages: Export only versions in these stages (comma separated or a list).
        versions: Export only these version numbers (exclusive with ``stages``).
        export_latest_versions: Export only the latest version of each stage.
        export_deleted_runs: Export versions whose run is deleted (skipped by default).
        options: Export options; ``settings`` override its fields.
        client: The source; by default the tracking URI's.
        reporter: Where progress goes; silent by default.

    Raises:
        NotFound: No such registered model.
        InvalidParameter: Both ``stages`` and ``versions`` are given.
        TransferFailed: Some versions failed (the others are exported).
    """
    stage_list, version_list = version_filters(stages, versions)
    exporter = start_export(
        options, settings, client, reporter, "export_model.py", per_experiment=False
    )
    found = exporter.source.client.get_registered_model(model)
    write_model(
        exporter,
        found,
        output_dir,
        stage_list,
        version_list,
        export_latest_versions,
        export_deleted_runs,
    )
    return finish_export(exporter)


def model_names(client: MlflowClient, models: str | Sequence[str]) -> list[str]:
    """``"all"``, names (comma separated; a trailing ``*`` matches a prefix), or a ``.txt``
    file of names, one a line."""
    if isinstance(models, str) and models.endswith(".txt") and os.path.isfile(models):
        with open(models, encoding="utf-8") as f:
            models = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    names = parse_list(models)
    if names != ["all"] and not any(name.endswith("*") for name in names):
        return names
    every = [model.name for model in registered_models(client)]
    if names == ["all"]:
        return every
    chosen: list[str] = []
    for name in names:
        prefix = name[:-1] if name.endswith("*") else None
        chosen += [n for n in every if n.startswith(prefix)] if prefix is not None else [name]
    return list(dict.fromkeys(chosen))


def registered_models(client: MlflowClient) -> list[RegisteredModel]:
    """Every registered model, by name."""
    return read_pages(
        lambda count, token: client.search_registered_models(max_results=count, page_token=token),
        PAGE,
        None,
    )


def export_models(
    models: str | Sequence[str],
    output_dir: str,
    stages: str | Sequence[str] | None = None,
    export_latest_versions: bool = False,
    export_deleted_runs: bool = False,
    options: ExportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Export several (or ``"all"``) registered models, one directory per model name,
    listed in ``models.json``.

    Raises:
        NotFound: A named model does not exist.
        TransferFailed: Some versions failed (the others are exported).
    """
    exporter = start_export(
        options, settings, client, reporter, "export_models.py", per_experiment=False
    )
    names = model_names(exporter.source.client, models)
    done = []
    for name in names:
        directory = os.path.join(output_dir, name)
        exporter.reporter.line(f"Exporting model '{name}' to '{directory}'")
        found = exporter.source.client.get_registered_model(name)
        write_model(
            exporter,
            found,
            directory,
            parse_list(stages),
            (),
            export_latest_versions,
            export_deleted_runs,
        )
        done.append(name)
    info = {"model_names": done, "stages": parse_list(stages), "num_models": len(done)}
    content = jsonio.envelope(exporter.system(), {"models": done}, info)
    jsonio.write_json(os.path.join(output_dir, MODELS_JSON), content)
    exporter.reporter.line(f"{len(done)} models exported")
    return finish_export(exporter)


def list_models(
    output_file: str = LIST_FILE, client: MlflowClient | None = None
) -> list[RegisteredModel]:
    """Write every registered model (with its latest versions) to ``output_file``
    (``registered_models.json``); the models.
    """
    client = client or MlflowClient()
    models = registered_models(client)
    listed = []
    for model in models:
        entry = encode_model(model, [])["registered_model"]
        del entry["versions"]
        entry["latest_versions"] = [encode_version(v) for v in model.latest_versions]
        listed.append(entry)
    jsonio.write_json(output_file, {"registered_models": listed})
    return models
