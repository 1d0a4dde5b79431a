"""The web UI's summaries, one query each: experiment activity, run counts, the keys runs
use, metric ranges, dataset summaries (the generic versions are in
:mod:`heron.store.tracking.page_reads`)."""

from __future__ import annotations

from collections.abc import Sequence

from heron.entities import LifecycleStage
from heron.entities.dataset import DATASET_CONTEXT_TAG
from heron.entities.summary import DatasetSummary, ExperimentActivity, MetricRange, RunKeys
from heron.exceptions import InvalidParameter, NotFound
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.queries import runs_condition
from heron.store.tracking.sql.search import Sql
from heron.store.tracking.sql.values import experiment_key


def experiment_activity(
    db: Database, experiment_ids: Sequence[str]
) -> dict[str, ExperimentActivity]:
    """Run count and latest start or end time of the active runs of each experiment."""
    keys: dict[int, str] = {}
    result = {experiment_id: ExperimentActivity() for experiment_id in experiment_ids}
    for experiment_id in experiment_ids:
        try:
            keys[experiment_key(experiment_id)] = experiment_id
        except (NotFound, InvalidParameter):  # an id that cannot exist: no runs
            continue
    if not keys:
        return result
    condition, values = db.dialect.one_of("experiment_id", list(keys))
    query = (
        "SELECT experiment_id, COUNT(*), MAX(start_time), MAX(end_time) FROM runs "
        f"WHERE {condition} AND lifecycle_stage = ? GROUP BY experiment_id"
    )

    def work(cursor: Cursor) -> None:
        cursor.execute(query, [*values, LifecycleStage.ACTIVE])
        for key, count, started, ended in cursor.fetchall():
            times = [t for t in (started, ended) if t is not None]
            result[keys[int(key)]] = ExperimentActivity(count, max(times) if times else None)

    db.read(work)
    return result


def count_runs(
    db: Database,
    experiment_ids: Sequence[str],
    filter_string: str | None,
    run_view_type: int,
) -> int:
    """How many runs :func:`~heron.store.tracking.sql.queries.search_runs` would return."""
    where = runs_condition(db.dialect, experiment_ids, filter_string, run_view_type)
    if where is None:
        return 0
    query = Sql(f"SELECT COUNT(*) FROM runs r WHERE {where.text}", where.params)

    def work(cursor: Cursor) -> int:
        cursor.execute(query.text, query.params)
        return int(cursor.fetchone()[0])

    return db.read(work)


_KIND_TABLES = ("latest_metrics", "params", "tags")


def run_keys(db: Database, experiment_ids: Sequence[str], run_view_type: int) -> RunKeys:
    """The metric, param and tag keys the runs of these experiments use, each sorted."""
    where = runs_condition(db.dialect, experiment_ids, None, run_view_type)
    if where is None:
        return RunKeys()
    selects = [
        f"SELECT DISTINCT {kind}, x.key FROM {table} x JOIN runs r ON r.run_uuid = x.run_uuid "
        f"WHERE {where.text}"
        for kind, table in enumerate(_KIND_TABLES)
    ]
    query = " UNION ALL ".join(selects)
    found: tuple[list[str], list[str], list[str]] = ([], [], [])

    def work(cursor: Cursor) -> None:
        cursor.execute(query, where.params * len(_KIND_TABLES))
        for kind, key in cursor.fetchall():
            found[kind].append(key)

    db.read(work)
    metrics, params, tags = (tuple(sorted(keys)) for keys in found)
    return RunKeys(metrics, params, tags)


def metric_ranges(
    db: Database, run_ids: Sequence[str], keys: Sequence[str]
) -> dict[str, dict[str, MetricRange]]:
    """Min and max of each of ``keys`` over each run's whole history (NaN ignored)."""
    result: dict[str, dict[str, MetricRange]] = {run_id: {} for run_id in run_ids}
    if not run_ids or not keys:
        return result
    runs, run_values = db.dialect.one_of("run_uuid", list(dict.fromkeys(run_ids)))
    names, key_values = db.dialect.one_of("key", list(dict.fromkeys(keys)))
    query = (
        "SELECT run_uuid, key, MIN(value), MAX(value) FROM metrics "
        f"WHERE {runs} AND {names} AND NOT is_nan GROUP BY run_uuid, key"
    )

    def work(cursor: Cursor) -> None:
        cursor.execute(query, [*run_values, *key_values])
        for run_id, key, low, high in cursor.fetchall():
            result[run_id][key] = MetricRange(low, high)

    db.read(work)
    return result


def dataset_summaries(
    db: Database, experiment_ids: Sequence[str], max_results: int
) -> list[DatasetSummary]:
    """Each distinct dataset and context the runs of these experiments used (MLflow's
    query: datasets joined with their inputs and, if any, the input's context tag)."""
    keys = []
    for experiment_id in experiment_ids:
        try:
            keys.append(experiment_key(experiment_id))
        except (NotFound, InvalidParameter):  # an id that cannot exist: no datasets
            continue
    if not keys:
        return []
    condition, values = db.dialect.one_of("d.experiment_id", keys)
    query = (
        "SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value FROM datasets d "
        "JOIN inputs i ON i.source_type = 'DATASET' AND i.source_id = d.dataset_uuid "
        "LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid AND t.name = ? "
        f"WHERE {condition} LIMIT {int(max_results)}"
    )

    def work(cursor: Cursor) -> list[DatasetSummary]:
        cursor.execute(query, [DATASET_CONTEXT_TAG, *values])
        return [
            DatasetSummary(str(experiment), name, digest, context)
            for experiment, name, digest, context in cursor.fetchall()
        ]

    return db.read(work)
