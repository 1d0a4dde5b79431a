"""Runs, a chunk at a time: each chunk of runs, with every row that hangs off them, is one
Heron transaction, so an interrupted import leaves whole runs behind and a rerun skips them.

Rows per run: the run, params, tags, every metric point (with the logged model and dataset
it was computed for, from MLflow's ``logged_model_metrics``), the latest value per key
(recomputed by Heron's rule: greatest step, then timestamp, then value), the series'
``metric_blocks`` summaries (rebuilt from the stored points by the store's own rule),
dataset inputs, model inputs and model outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from heron.migration.attached import AttachedSqlite, metric_series
from heron.migration.checker import BlockRows, write_blocks
from heron.migration.experiments import ExperimentMap
from heron.migration.source import SourceDatabase
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.blocks import rebuild_runs
from heron.store.tracking.sql.values import encode_metric_value

_POINT_COLUMNS = "run_uuid, key, step, timestamp, value, is_nan"
_INSERT_POINT = f"INSERT INTO metrics ({_POINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
# The latest point of one (run, key): the last entry of the metrics key in (step,
# timestamp, value) order, one index probe (a window over the whole chunk sorts every point).
_LATEST = (
    "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan, model_id, "
    "dataset_name, dataset_digest) SELECT run_uuid, key, step, timestamp, value, is_nan, "
    "model_id, dataset_name, dataset_digest FROM metrics WHERE run_uuid = ? AND key = ? "
    "ORDER BY step DESC, timestamp DESC, value DESC LIMIT 1"
)


def run_rows(source: SourceDatabase) -> list[tuple[Any, ...]]:
    """Every MLflow run as ``(run_uuid, experiment_id, name, user_id, status, start_time,
    end_time, lifecycle_stage, deleted_time, artifact_uri)``, oldest first."""
    return source.all(
        f"SELECT run_uuid, experiment_id, {source.column_or_null('runs', 'name')}, user_id, "
        f"status, start_time, end_time, lifecycle_stage, "
        f"{source.column_or_null('runs', 'deleted_time')}, artifact_uri FROM runs "
        f"ORDER BY start_time, run_uuid"
    )


def copy_runs(
    source: SourceDatabase,
    db: Database,
    runs: Sequence[tuple[Any, ...]],
    mapping: ExperimentMap,
    artifact_uris: dict[str, str] | None = None,
    attached: AttachedSqlite | None = None,
    blocks: tuple[list[str], BlockRows] | None = None,
) -> int:
    """Copy ``runs`` (rows of :func:`run_rows`) in one transaction; returns the points copied.

    Args:
        artifact_uris: New artifact URIs by run id (``--copy-artifacts``); others keep theirs.
        attached: Both databases SQLite: write through this connection, which moves the
            metric points in SQL.
        blocks: As for :func:`write_runs`.
    """
    ids = [str(row[0]) for row in runs]
    where = _in("run_uuid", ids)
    q = source.q
    params = source.all(f"SELECT run_uuid, {q('key')}, value FROM params WHERE {where}", ids)
    tags = source.all(f"SELECT run_uuid, {q('key')}, value FROM tags WHERE {where}", ids)
    points = (
        []
        if attached is not None
        else [
            (run, key, int(step or 0), int(timestamp), *encode_metric_value(value))
            if not nan
            else (run, key, int(step or 0), int(timestamp), 0.0, True)
            for run, key, step, timestamp, value, nan in source.rows(
                f"SELECT run_uuid, {q('key')}, {source.column_or_null('metrics', 'step')}, "
                f"{q('timestamp')}, value, {source.column_or_null('metrics', 'is_nan')} "
                f"FROM metrics WHERE {where}",
                ids,
            )
        ]
    )
    inputs, input_tags, model_inputs, outputs = _inputs(source, ids, mapping)
    rows = RunRows(
        runs=[_run_row(row, mapping, artifact_uris) for row in runs],
        params=params,
        tags=tags,
        points=points,
        model_points=_model_points(source, ids),
        inputs=inputs + model_inputs,
        input_tags=input_tags,
        outputs=outputs,
    )
    return write_runs(db, rows, attached, blocks)


@dataclass
class RunRows:
    """Heron's rows for a chunk of runs, ready to insert.

    Attributes:
        runs: ``(run_uuid, experiment_id, name, user_id, status, start_time, end_time,
            lifecycle_stage, deleted_time, artifact_uri)`` (Heron's experiment ids).
        params: ``(run_uuid, key, value)``.
        tags: ``(run_uuid, key, value)``.
        points: ``(run_uuid, key, step, timestamp, value, is_nan)``, encoded.
        model_points: ``(model_id, key, step, timestamp, value, is_nan, run_uuid,
            dataset_name, dataset_digest)``.
        inputs: ``(destination_type, destination_id, source_type, source_id, input_uuid)``.
        input_tags: ``(input_uuid, name, value)``.
        outputs: ``(run_uuid, model_id, step)``.
        datasets: ``(dataset_uuid, experiment_id, name, digest, source_type, source,
            schema, profile)`` the inputs name (a database import copies them up front).
    """

    runs: list[tuple[Any, ...]]
    params: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    points: list[tuple[Any, ...]] = field(default_factory=list)
    model_points: list[tuple[Any, ...]] = field(default_factory=list)
    inputs: list[tuple[Any, ...]] = field(default_factory=list)
    input_tags: list[tuple[Any, ...]] = field(default_factory=list)
    outputs: list[tuple[Any, ...]] = field(default_factory=list)
    datasets: list[tuple[Any, ...]] = field(default_factory=list)


def write_runs(
    db: Database,
    rows: RunRows,
    attached: AttachedSqlite | None = None,
    blocks: tuple[list[str], BlockRows] | None = None,
) -> int:
    """Insert a chunk of runs and everything under them in one transaction; returns the
    metric points written (with ``attached``, read from its MLflow database in SQL).

    Args:
        blocks: None: the chunk's ``metric_blocks`` are rebuilt in the transaction; else
            the chunk's are left for later and these (earlier chunks' run ids and block
            rows, summarised meanwhile by a :class:`~heron.migration.checker.RunChecker`)
            are written instead.
    """
    ids = [str(row[0]) for row in rows.runs]

    def work(cursor: Cursor) -> int:
        cursor.executemany(
            "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, "
            "end_time, lifecycle_stage, deleted_time, artifact_uri) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows.runs,
        )
        cursor.executemany(
            "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)", rows.params
        )
        cursor.executemany(
            "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)",
            [(run, key, "" if value is None else value) for run, key, value in rows.tags],
        )
        if attached is None:
            cursor.executemany(_INSERT_POINT + "ON CONFLICT DO NOTHING", rows.points)
            copied = len(rows.points)
            series = sorted({(point[0], point[1]) for point in rows.points})
        else:
            copied = attached.copy_points(cursor, ids)
            series = metric_series(cursor, ids)
        _write_model_points(cursor, rows.model_points)
        cursor.executemany(_LATEST, series)
        if blocks is None:
            rebuild_runs(cursor, ids)  # the store's metric_blocks, in step with the points
        else:
            write_blocks(cursor, *blocks)
        cursor.executemany(
            "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, "
            "source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows.datasets,
        )
        cursor.executemany(
            "INSERT INTO inputs (destination_type, destination_id, source_type, source_id, "
            "input_uuid) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows.inputs,
        )
        cursor.executemany(
            "INSERT INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            rows.input_tags,
        )
        cursor.executemany(
            "INSERT INTO run_outputs (run_uuid, model_id, step) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            rows.outputs,
        )
        return copied

    return attached.write(work) if attached is not None else db.write(work)


def _in(column: str, values: Sequence[object]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _run_row(
    row: tuple[Any, ...], mapping: ExperimentMap, artifact_uris: dict[str, str] | None
) -> tuple[Any, ...]:
    run_uuid, eid, name, user, status, start, end, stage, deleted, artifact_uri = row
    if artifact_uris and run_uuid in artifact_uris:
        artifact_uri = artifact_uris[run_uuid]
    return (
        run_uuid,
        mapping.ids[int(eid)],
        name,
        user,
        status or "FINISHED",
        start,
        end,
        stage or "active",
        deleted,
        artifact_uri,
    )


def _model_points(source: SourceDatabase, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """``(model_id, key, step, timestamp, value, is_nan, run_uuid, dataset_name, digest)``."""
    if not source.has_table("logged_model_metrics"):
        return []
    where = _in("run_id", ids)
    found = source.all(
        "SELECT model_id, metric_name, metric_step, metric_timestamp_ms, metric_value, run_id, "
        f"dataset_name, dataset_digest FROM logged_model_metrics WHERE {where}",
        ids,
    )
    return [
        (model, key, int(step), int(ts), *encode_metric_value(float("nan") if v is None else v),
         run, dataset, digest)
        for model, key, step, ts, v, run, dataset, digest in found
    ]  # fmt: skip


def _write_model_points(cursor: Cursor, points: list[tuple[Any, ...]]) -> None:
    cursor.executemany(
        "INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, "
        "run_uuid, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        points,
    )
    # The run's copy of the point says which model and dataset it was computed for.
    cursor.executemany(
        "UPDATE metrics SET model_id = ?, dataset_name = ?, dataset_digest = ? "
        "WHERE run_uuid = ? AND key = ? AND step = ? AND timestamp = ? AND value = ? "
        "AND is_nan = ?",
        [
            (model, dataset, digest, run, key, step, ts, value, nan)
            for model, key, step, ts, value, nan, run, dataset, digest in points
        ],
    )


def _inputs(
    source: SourceDatabase, ids: Sequence[str], mapping: ExperimentMap
) -> tuple[list[tuple[Any, ...]], ...]:
    if not source.has_table("inputs"):
        return [], [], [], []
    where = _in("destination_id", ids)
    datasets = source.all(
        "SELECT input_uuid, source_id, destination_id FROM inputs "
        f"WHERE destination_type = 'RUN' AND source_type = 'DATASET' AND {where}",
        ids,
    )
    inputs = [
        ("RUN", run, "DATASET", mapping.datasets.get(str(dataset), dataset), uuid)
        for uuid, dataset, run in datasets
    ]
    input_tags: list[tuple[Any, ...]] = []
    if datasets and source.has_table("input_tags"):
        uuids = [row[0] for row in datasets]
        tag_where = _in("input_uuid", uuids)
        input_tags = source.all(
            f"SELECT input_uuid, name, value FROM input_tags WHERE {tag_where}", uuids
        )
    where = _in("source_id", ids)
    step = source.column_or_null("inputs", "step")
    edges = source.all(
        f"SELECT input_uuid, source_type, source_id, destination_id, {step} FROM inputs "
        f"WHERE source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND {where}",
        ids,
    )
    model_inputs = [
        ("RUN", run, "MODEL", model, uuid)
        for uuid, kind, run, model, _ in edges
        if kind == "RUN_INPUT"
    ]
    outputs = [(r, m, int(at or 0)) for _, kind, r, m, at in edges if kind == "RUN_OUTPUT"]
    return inputs, input_tags, model_inputs, outputs
