"""Inputs: which datasets (deduplicated per experiment) and logged models a run used."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from heron.entities import Dataset, DatasetInput, InputTag, LoggedModelInput
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.run_models import log_model_inputs
from heron.store.tracking.sql.runs import require_active_run
from heron.validation import validate_dataset_input, validate_run_id

_INSERT_DATASET = (
    "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, "
    "schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (experiment_id, name, digest) DO NOTHING"
)
_INSERT_INPUT = (
    "INSERT INTO inputs (destination_type, destination_id, source_type, source_id, input_uuid) "
    "VALUES ('RUN', ?, 'DATASET', ?, ?) ON CONFLICT DO NOTHING"
)
_INSERT_INPUT_TAG = "INSERT INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)"


def log_inputs(
    db: Database,
    run_id: str,
    datasets: Sequence[DatasetInput] | None,
    models: Sequence[LoggedModelInput] | None = None,
) -> None:
    """Record the datasets and models a run used; one already recorded is left as it is.

    A malformed run id is INVALID_PARAMETER_VALUE, as MLflow's SQL store checks it first.
    """
    validate_run_id(run_id)
    inputs = list(datasets or ())
    for dataset_input in inputs:
        validate_dataset_input(dataset_input)

    def work(cursor: Cursor) -> None:
        experiment_id = require_active_run(cursor, run_id)
        for dataset_input in inputs:
            _log_input(cursor, experiment_id, run_id, dataset_input)
        log_model_inputs(cursor, db.dialect, run_id, models or ())

    db.write(work)


def _log_input(cursor: Cursor, experiment_id: int, run_id: str, item: DatasetInput) -> None:
    ds = item.dataset
    cursor.execute(
        _INSERT_DATASET,
        (uuid.uuid4().hex, experiment_id, *_dataset_fields(ds)),
    )
    cursor.execute(
        "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
        (experiment_id, ds.name, ds.digest),
    )
    dataset_uuid = cursor.fetchone()[0]
    input_uuid = uuid.uuid4().hex
    cursor.execute(_INSERT_INPUT, (run_id, dataset_uuid, input_uuid))
    if cursor.rowcount == 1:
        tags = {tag.key: tag.value for tag in item.tags}
        cursor.executemany(_INSERT_INPUT_TAG, [(input_uuid, k, v) for k, v in tags.items()])


def _dataset_fields(ds: Dataset) -> tuple[str | None, ...]:
    return (ds.name, ds.digest, ds.source_type, ds.source, ds.schema, ds.profile)


def load_inputs(
    cursor: Cursor, dialect: Dialect, run_ids: Sequence[str]
) -> dict[str, list[DatasetInput]]:
    """The dataset inputs of each run (runs without any are absent), in two queries."""
    condition, params = dialect.one_of("i.destination_id", run_ids)
    cursor.execute(
        "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.source_type, d.source, "
        "d.schema, d.profile FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
        f"WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET' AND {condition} "
        "ORDER BY i.destination_id, d.name, d.digest",
        params,
    )
    rows = cursor.fetchall()
    if not rows:
        return {}
    tags: dict[str, list[InputTag]] = {row[1]: [] for row in rows}
    condition, params = dialect.one_of("input_uuid", list(tags))
    cursor.execute(
        f"SELECT input_uuid, name, value FROM input_tags WHERE {condition} ORDER BY name", params
    )
    for input_uuid, name, value in cursor.fetchall():
        tags[input_uuid].append(InputTag(name, value))
    found: dict[str, list[DatasetInput]] = {}
    for run_id, input_uuid, *dataset in rows:
        found.setdefault(run_id, []).append(
            DatasetInput(Dataset(*dataset), tuple(tags[input_uuid]))
        )
    return found
