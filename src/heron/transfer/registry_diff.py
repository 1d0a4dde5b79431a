"""Comparing a registered model with its copy (``heron transfer diff``, ``--verify True``).

Compared: the model's description, tags and aliases (an alias must point at the copy of
the version it pointed at); for each source version, its copy's stage, description, tags,
status and where its model files are (the same path inside its run, or a logged model);
and the run behind each version, as :func:`heron.transfer.diff.compare_copy` compares runs.
Destination versions are paired with source versions by the import's own record when it
is given, else through their runs' lineage tags (the source run id every Heron import
leaves), else in version order. Each difference is one line of text.
"""

from __future__ import annotations

from collections.abc import Mapping

from heron.entities import ModelVersion, RegisteredModel
from heron.exceptions import NotFound
from heron.models.uris import is_models_uri
from heron.transfer.diff import compare_copy, mapping_diff, source_run_id
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.records import PARENT_RUN_ID_TAG, RunRecord
from heron.transfer.registry_export import all_versions
from heron.transfer.registry_sources import ModelSource
from heron.transfer.registryfile import run_relative_path, source_model_id


def pair_versions(
    sources: list[ModelVersion], copies: list[ModelVersion], destination: LiveStore
) -> dict[int, int]:
    """Source version number to the number of its copy: by the source run each copy's
    run names, then in version order for the rest."""
    by_run: dict[str, list[int]] = {}
    for copy in copies:
        if copy.run_id:
            origin = source_run_id(destination.client.get_run(copy.run_id))
            if origin:
                by_run.setdefault(origin, []).append(copy.version)
    pairs: dict[int, int] = {}
    for version in sources:
        candidates = by_run.get(version.run_id or "", [])
        if candidates:
            pairs[version.version] = candidates.pop(0)
    rest = [c.version for c in copies if c.version not in pairs.values()]
    for version in sources:
        if version.version not in pairs and rest:
            pairs[version.version] = rest.pop(0)
    return pairs


def _model_lines(
    source: RegisteredModel, copy: RegisteredModel, pairs: Mapping[int, int]
) -> list[str]:
    expected = {alias: pairs[n] for alias, n in source.aliases.items() if n in pairs}
    lines = mapping_diff(
        "attribute",
        {"description": source.description or ""},
        {"description": copy.description or ""},
    )
    lines += mapping_diff("tag", source.tags, copy.tags)
    lines += mapping_diff("alias", expected, copy.aliases)
    return lines


def _location(version: ModelVersion, artifact_uri: str | None) -> str:
    """Where a version's model files are, in terms an import keeps."""
    source = version.source or ""
    if source_model_id(version) and is_models_uri(source):
        return "a logged model"
    path = run_relative_path(source, version.run_id, artifact_uri) if version.run_id else None
    return source if path is None else f"'{path}' in its run"


def _version_lines(
    source: ModelSource,
    version: ModelVersion,
    copy: ModelVersion,
    copy_artifact_uri: str | None,
) -> list[str]:
    artifact_uri = source.artifact_uri(version.run_id) if version.run_id else None
    lines = mapping_diff(
        "attribute",
        {
            "stage": version.current_stage,
            "description": version.description or "",
            "status": version.status,
            "model files": _location(version, artifact_uri),
        },
        {
            "stage": copy.current_stage,
            "description": copy.description or "",
            "status": copy.status,
            "model files": _location(copy, copy_artifact_uri),
        },
    )
    return lines + mapping_diff("tag", version.tags, copy.tags)


def _copied_run(destination: LiveStore, copy: ModelVersion) -> RunRecord | None:
    """The run behind a destination version, None if it has none or it is gone."""
    if not copy.run_id:
        return None
    try:
        return destination.run_record(copy.run_id)
    except NotFound:
        return None


def diff_model(
    source: ModelSource,
    destination: LiveStore,
    name: str,
    options: ImportOptions,
    compare_artifacts: bool = True,
    pairs: Mapping[int, int] | None = None,
) -> list[str]:
    """Compare a source registered model with its copy ``name``; one line per difference.

    Args:
        source: The source model and the versions that were transferred.
        destination: The destination store.
        name: The destination registered model.
        options: The options the import used (which run tags and users it kept).
        compare_artifacts: Compare the sha256 of every file of the versions' runs too.
        pairs: Source to destination version numbers, when the import recorded them.
    """
    client = destination.client
    try:
        copy = client.get_registered_model(name)
    except NotFound:
        return [f"registered model '{name}' is missing from the destination"]
    copies = {v.version: v for v in all_versions(client, name)}
    if pairs is None:
        pairs = pair_versions(source.versions, list(copies.values()), destination)
    prefix = f"registered model '{source.model.name}' -> '{name}': "
    lines = [prefix + line for line in _model_lines(source.model, copy, pairs)]
    runs: dict[tuple[str, str], RunRecord] = {}  # (source run, destination run): the copy
    for version in source.versions:
        found = copies.get(pairs.get(version.version, -1))
        if found is None:
            lines.append(f"{prefix}version {version.version} is missing from the destination")
            continue
        run = _copied_run(destination, found)
        where = f"{prefix}version {version.version} -> {found.version}: "
        uri = run.info.artifact_uri if run is not None else None
        lines += [where + line for line in _version_lines(source, version, found, uri)]
        if version.run_id and run is not None:
            runs[(version.run_id, run.run_id)] = run
        elif version.run_id:
            lines.append(f"{where}its run is missing")
    extra = sorted(set(copies) - set(pairs.values()))
    lines += [f"{prefix}version {number} was not in the source" for number in extra]
    back = _parents_back(destination, list(runs.values()), {c: o for o, c in runs})
    for (origin, _), run in runs.items():
        package = source.package(origin)
        lines += compare_copy(
            (package.record, package.artifacts), destination, run, options, compare_artifacts, back
        )
    return lines


def _parents_back(
    destination: LiveStore, runs: list[RunRecord], back: dict[str, str]
) -> dict[str, str]:
    """``back`` (destination to source run ids) with the parents of ``runs`` added, as
    their lineage tags name them, so nested runs compare in source terms."""
    for run in runs:
        parent = run.tags.get(PARENT_RUN_ID_TAG)
        if parent and parent not in back:
            try:
                origin = source_run_id(destination.client.get_run(parent))
            except NotFound:
                origin = None
            if origin:
                back[parent] = origin
    return back
