"""``heron db import-mlflow ./mlruns``: an MLflow ``mlruns`` folder into a Heron database.

The folder is read (never written) by the file store's reader; the rows go through the
same writers as a database import (:mod:`heron.migration.runs` and its siblings), so ids,
idempotence and chunked transactions are the same. Half-written run folders (no
``meta.yaml``: MLflow crashed while creating them) are reported and skipped.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from heron.entities import Metric, RunInfo, ViewType
from heron.migration.artifacts import copy_artifact_tree, run_artifact_dir
from heron.migration.experiments import ExperimentMap, write_experiments
from heron.migration.importer import clear_marker, mark_started, summarize
from heron.migration.models import relocate_model, write_logged_models
from heron.migration.registry import write_registry
from heron.migration.runs import RunRows, write_runs
from heron.migration.verify import Verification
from heron.store.db import Database, ensure_schema
from heron.store.db.drivers import Cursor
from heron.store.registry.file.folder import RegistryFolder
from heron.store.tracking.file.layout import read_yaml
from heron.store.tracking.file.reader import MlrunsReader, check_mlruns_folder
from heron.store.tracking.file.uris import mlruns_path
from heron.store.tracking.sql.values import encode_metric_value

_RUNS_PER_TRANSACTION = 50
_DATASETS = uuid.UUID("6f1d5e0c-8e4b-4c55-9a52-3f1d2a7b9c01")  # names dataset uuids


class FolderImport:
    """One import of an ``mlruns`` folder (same interface as ``MlflowImport``).

    Args:
        folder: The ``mlruns`` folder (a path or ``file:`` URI).
        dest_uri: The Heron database (created when it does not exist).
        copy_artifacts: A directory to copy each run's and logged model's artifacts into
            (their URIs then point there); None leaves them in the folder.

    Raises:
        InvalidParameter: the folder is not an ``mlruns`` tree.
    """

    def __init__(self, folder: str, dest_uri: str, copy_artifacts: str | None = None):
        self.path = mlruns_path(folder)
        self.copy_artifacts = copy_artifacts
        check_mlruns_folder(self.path)
        self.reader = MlrunsReader(self.path)
        self.db = Database(dest_uri)
        try:
            ensure_schema(self.db)
        except BaseException:
            self.db.close()
            raise
        self.experiments = list(self.reader.experiments(ViewType.ALL))
        self.runs = [
            (experiment.experiment_id, run_dir, info)
            for experiment in self.experiments
            for run_dir, info in self.reader.run_infos(experiment.experiment_id, ViewType.ALL)
        ]
        self.half_written = [
            run_dir
            for experiment in self.experiments
            for run_dir in self.reader.half_written_runs(experiment.experiment_id)
        ]
        self.description = f"MLflow folder {self.path}"
        self.destination = self.db.uri.redacted
        self.mapping = ExperimentMap()
        self.points_copied = 0
        self.runs_copied = 0
        self.logged_models = 0
        self.registered_models = 0
        self.seconds = 0.0

    def summary(self) -> str:
        """One line saying what the copy did."""
        return summarize(
            len(self.mapping.ids), len(self.runs), self.runs_copied, self.points_copied,
            self.seconds, self.logged_models, self.registered_models,
        )  # fmt: skip

    def close(self) -> None:
        """Close the Heron database."""
        self.db.close()

    def copy(self, on_runs: Callable[[int], None] = lambda count: None) -> None:
        """Copy everything; ``on_runs(n)`` is called after each chunk of ``n`` runs."""
        started = time.monotonic()
        mark_started(self.db, self.path)
        rows = [
            (int(e.experiment_id), e.name, e.artifact_location, e.lifecycle_stage,
             e.creation_time, e.last_update_time)
            for e in self.experiments
        ]  # fmt: skip
        tags = [(int(e.experiment_id), k, v) for e in self.experiments for k, v in e.tags.items()]
        self.mapping = write_experiments(self.db, rows, tags, [])
        self._copy_logged_models()
        present = self.db.read(_run_ids)
        pending = [run for run in self.runs if run[2].run_id not in present]
        on_runs(len(self.runs) - len(pending))
        for start in range(0, len(pending), _RUNS_PER_TRANSACTION):
            chunk = pending[start : start + _RUNS_PER_TRANSACTION]
            self.points_copied += write_runs(self.db, self._run_rows(chunk))
            self.runs_copied += len(chunk)
            on_runs(len(chunk))
        self._copy_registry()
        self.seconds = time.monotonic() - started

    def verify(self, on_runs: Callable[[int], None] = lambda count: None) -> Verification:
        """Compare each run's params, tags and points (count, step and value sums)."""
        result = Verification()
        for _, run_dir, info in self.runs:
            run = self.reader.read_run(run_dir, info=info)
            points = [p for ps in self.reader.metric_points(run_dir).values() for p in ps]
            want = (len(run.data.params), len(run.data.tags), len(points),
                    sum(int(p.step) for p in points))  # fmt: skip
            got = self.db.read(lambda cursor, r=info.run_id: _counts(cursor, r))  # type: ignore[misc]
            if want != got:
                result.differences.append(f"run {info.run_id} differs: {want} != {got}")
            result.runs_checked += 1
            result.points_checked += len(points)
            on_runs(1)
        if result.ok:
            clear_marker(self.db)
        return result

    def _run_rows(self, chunk: list[tuple[str, str, RunInfo]]) -> RunRows:
        rows = RunRows(runs=[])
        models_by_experiment: dict[str, Any] = {}
        for experiment_id, run_dir, info in chunk:
            if experiment_id not in models_by_experiment:
                models_by_experiment[experiment_id] = self.reader.model_points(
                    os.path.dirname(run_dir)
                )
            run = self.reader.read_run(run_dir, models_by_experiment[experiment_id], info)
            heron_eid = self.mapping.ids[int(experiment_id)]
            artifact_uri = info.artifact_uri
            if self.copy_artifacts is not None:
                target = run_artifact_dir(self.copy_artifacts, heron_eid, info.run_id)
                artifact_uri = copy_artifact_tree(artifact_uri, target)
            rows.runs.append(
                (info.run_id, heron_eid, info.run_name, info.user_id, info.status,
                 info.start_time, info.end_time, info.lifecycle_stage,
                 _deleted_time(run_dir, info), artifact_uri)
            )  # fmt: skip
            rows.params.extend((info.run_id, k, v) for k, v in run.data.params.items())
            rows.tags.extend((info.run_id, k, v) for k, v in run.data.tags.items())
            for point in _points(
                self.reader.metric_points(run_dir, models_by_experiment[experiment_id])
            ):
                value, nan = encode_metric_value(point.value)
                rows.points.append(
                    (info.run_id, point.key, point.step, point.timestamp, value, nan)
                )
                if point.model_id:
                    rows.model_points.append(
                        (point.model_id, point.key, point.step, point.timestamp, value, nan,
                         info.run_id, point.dataset_name, point.dataset_digest)
                    )  # fmt: skip
            self._inputs(rows, info.run_id, heron_eid, run)
        return rows

    def _inputs(self, rows: RunRows, run_id: str, experiment_id: int, run: Any) -> None:
        for dataset_input in run.inputs.dataset_inputs:
            dataset = dataset_input.dataset
            dataset_id = uuid.uuid5(_DATASETS, f"{experiment_id}/{dataset.name}/{dataset.digest}")
            input_id = uuid.uuid5(dataset_id, run_id).hex
            rows.datasets.append(
                (dataset_id.hex, experiment_id, dataset.name, dataset.digest,
                 dataset.source_type, dataset.source, dataset.schema, dataset.profile)
            )  # fmt: skip
            rows.inputs.append(("RUN", run_id, "DATASET", dataset_id.hex, input_id))
            rows.input_tags.extend((input_id, tag.key, tag.value) for tag in dataset_input.tags)
        for model_input in run.inputs.model_inputs:
            rows.inputs.append(("RUN", run_id, "MODEL", model_input.model_id, uuid.uuid4().hex))
        rows.outputs.extend((run_id, o.model_id, o.step) for o in run.outputs.model_outputs)

    def _copy_logged_models(self) -> None:
        models: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        params: list[tuple[Any, ...]] = []
        for experiment in self.experiments:
            for model_dir in self.reader.logged_model_dirs(experiment.experiment_id):
                model, stage = self.reader.read_logged_model(model_dir)
                models.append(
                    (model.model_id, self.mapping.ids[int(model.experiment_id)], model.name,
                     model.artifact_location, model.creation_timestamp,
                     model.last_updated_timestamp, str(model.status), model.status_message,
                     stage, model.model_type, model.source_run_id)
                )  # fmt: skip
                tags.extend((model.model_id, k, v) for k, v in model.tags.items())
                params.extend((model.model_id, k, v) for k, v in model.params.items())
        if self.copy_artifacts is not None:
            models = [relocate_model(row, self.copy_artifacts) for row in models]
        write_logged_models(self.db, models, tags, params)
        self.logged_models = len(models)

    def _copy_registry(self) -> None:
        folder = RegistryFolder(self.path)
        if not os.path.isdir(folder.models):
            return
        models: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        model_tags: list[tuple[Any, ...]] = []
        version_tags: list[tuple[Any, ...]] = []
        aliases: list[tuple[Any, ...]] = []
        for name in folder.model_names():
            model_dir = folder.model_dir(name)
            model = folder.read_model(model_dir)
            names = folder.aliases(model_dir)
            models.append((name, model.creation_timestamp, model.last_updated_timestamp,
                           model.description))  # fmt: skip
            model_tags.extend((name, k, v) for k, v in model.tags.items())
            aliases.extend((name, alias, version) for alias, version in names.items())
            for number in folder.version_numbers(model_dir):
                v = folder.read_version(model_dir, number, names)
                versions.append(
                    (name, number, v.creation_timestamp, v.last_updated_timestamp,
                     v.description, v.user_id, v.current_stage, v.source, v.run_id, v.run_link,
                     v.status, v.status_message, folder.storage_location(model_dir, number))
                )  # fmt: skip
                version_tags.extend((name, number, k, val) for k, val in v.tags.items())
        write_registry(self.db, models, versions, model_tags, version_tags, aliases)
        self.registered_models = len(models)


def _deleted_time(run_dir: str, info: RunInfo) -> int | None:
    if info.lifecycle_stage != "deleted":
        return None
    meta = read_yaml(os.path.join(run_dir, "meta.yaml"))
    value = meta.get("deleted_time")
    return int(value) if value is not None else None


def _points(by_key: dict[str, list[Metric]]) -> Iterator[Metric]:
    for points in by_key.values():
        yield from points


def _run_ids(cursor: Cursor) -> set[str]:
    cursor.execute("SELECT run_uuid FROM runs")
    return {str(row[0]) for row in cursor.fetchall()}


def _counts(cursor: Cursor, run_id: str) -> tuple[int, ...]:
    counts = []
    for table in ("params", "tags"):
        cursor.execute(f"SELECT count(*) FROM {table} WHERE run_uuid = ?", (run_id,))
        counts.append(int(cursor.fetchone()[0]))
    cursor.execute("SELECT count(*), sum(step) FROM metrics WHERE run_uuid = ?", (run_id,))
    points, steps = cursor.fetchone()
    return (*counts, int(points), int(steps or 0))
