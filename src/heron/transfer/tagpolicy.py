"""Which tags an imported run gets, and which tags a comparison looks at.

Markers (``heron.transfer.*``) make imports resumable: every imported run carries the id
of its source run and whether its import completed. Lineage tags
(``mlflow_export_import.metadata.*``, ``mlflow_exim.*``) are added only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from heron.transfer import jsonio
from heron.transfer.mlmodel import replace_ids
from heron.transfer.options import ImportOptions
from heron.transfer.records import PARENT_RUN_ID_TAG, RUN_NAME_TAG, USER_TAG, RunRecord

MARKER_PREFIX = "heron.transfer."
SOURCE_RUN_TAG = "heron.transfer.source_run_id"
STATE_TAG = "heron.transfer.state"
STATE_IMPORTING = "importing"
STATE_COMPLETE = "complete"
STATE_FAILED = "failed"
METADATA_PREFIX = "mlflow_export_import."
METADATA_TAG = "mlflow_export_import.metadata."
EXIM_PREFIX = "mlflow_exim."
LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history"
MLFLOW_PREFIX = "mlflow."
NOTE_TAG = "mlflow.note.content"
STRUCTURAL_TAGS = frozenset({RUN_NAME_TAG, PARENT_RUN_ID_TAG, NOTE_TAG})
"""``mlflow.*`` tags kept even without ``--import-mlflow-tags``: they carry the run's name,
its description and its place in a tree of nested runs."""


@dataclass(frozen=True)
class Lineage:
    """Where an exported run came from, for lineage tags."""

    tracking_uri: str
    experiment_name: str
    export_time: int


def metadata_tags(record: RunRecord, lineage: Lineage) -> dict[str, str]:
    """mlflow-export-import's legacy lineage tags, ``mlflow_export_import.metadata.*``."""
    info = record.info
    values = {
        "tracking_uri": lineage.tracking_uri,
        "timestamp": lineage.export_time,
        "timestamp_nice": jsonio.utc_text(lineage.export_time),
        "run_id": info.run_id,
        "experiment_id": info.experiment_id,
        "experiment_name": lineage.experiment_name,
        "user_id": info.user_id,
        "status": info.status,
        "start_time": info.start_time,
        "end_time": info.end_time,
        "lifecycle_stage": info.lifecycle_stage,
        "artifact_uri": info.artifact_uri,
    }
    return {f"{METADATA_TAG}{k}": str(v) for k, v in values.items() if v is not None}


def source_tags(record: RunRecord) -> dict[str, str]:
    """mlflow-export-import's current lineage tags (``--import-source-tags``)."""
    tags = {f"{EXIM_PREFIX}run_info.{k}": str(v) for k, v in dict(record.info).items()}
    tags.update(
        {
            f"{EXIM_PREFIX}mlflow_tag.{k[len(MLFLOW_PREFIX) :]}": v
            for k, v in record.tags.items()
            if k.startswith(MLFLOW_PREFIX)
        }
    )
    return {k: v for k, v in tags.items() if v != "None"}


def import_tags(
    record: RunRecord,
    options: ImportOptions,
    user: str,
    ids: Mapping[str, str],
    lineage: Lineage | None,
) -> dict[str, str]:
    """The tags an imported run gets (markers aside).

    Args:
        record: The source run.
        options: The import's options.
        user: The destination user (``mlflow.user``).
        ids: Source to destination ids known so far (runs and logged models); the parent
            tag and ``mlflow.log-model.history`` are rewritten with them.
        lineage: Where the run was exported from, to add missing metadata tags.
    """
    tags = {k: v for k, v in record.tags.items() if not k.startswith(MARKER_PREFIX)}
    if options.import_metadata_tags:
        if lineage is not None and not any(k.startswith(METADATA_TAG) for k in tags):
            tags.update(metadata_tags(record, lineage))
    else:
        tags = {k: v for k, v in tags.items() if not k.startswith(METADATA_PREFIX)}
    if options.import_source_tags:
        tags.update(source_tags(record))
    if not options.import_mlflow_tags:
        tags = {
            k: v for k, v in tags.items() if not k.startswith(MLFLOW_PREFIX) or k in STRUCTURAL_TAGS
        }
    tags[USER_TAG] = user
    parent = tags.get(PARENT_RUN_ID_TAG)
    if parent:
        tags[PARENT_RUN_ID_TAG] = ids.get(parent, parent)
    if options.mlmodel_fix and LOG_MODEL_HISTORY_TAG in tags:
        tags[LOG_MODEL_HISTORY_TAG] = replace_ids(tags[LOG_MODEL_HISTORY_TAG], ids)
    return tags


def comparable_tags(tags: Mapping[str, str], options: ImportOptions) -> dict[str, str]:
    """The tags a comparison of source and destination looks at under these options.

    Markers and lineage tags are left out; so are ``mlflow.*`` tags an import without
    ``import_mlflow_tags`` drops, and ``mlflow.user`` (the run's user is compared instead).
    """
    kept = {
        k: v
        for k, v in tags.items()
        if not k.startswith((MARKER_PREFIX, METADATA_PREFIX, EXIM_PREFIX))
    }
    if not options.import_mlflow_tags:
        kept = {
            k: v for k, v in kept.items() if not k.startswith(MLFLOW_PREFIX) or k in STRUCTURAL_TAGS
        }
    kept.pop(USER_TAG, None)  # compared as the run's user, when kept
    return kept
