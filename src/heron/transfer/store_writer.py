"""Writing a run into a destination tracking store, whole or not at all.

The run is created in one ``import_run`` call with its original start and end time,
status, user, name, params, tags and full metric history (original timestamps), and the
source-run marker (state ``importing``); then its logged models, files, inputs and
outputs are written, and the marker flips to ``complete``. If anything fails on the way the
run is marked ``failed`` and deleted, and the error is raised: a later import retries it.
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Callable, Mapping

from heron.entities import (
    DatasetInput,
    LoggedModelInput,
    LoggedModelOutput,
    LoggedModelStatus,
    Metric,
    Param,
    RunContent,
    RunStatus,
    RunTag,
)
from heron.entities.registry import MODEL_VERSIONS_TAG
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.base import ArtifactRepository
from heron.store.batching import fits_in_batch, split_batch
from heron.tracking.client import MlflowClient
from heron.tracking.context import current_user
from heron.transfer.mlmodel import is_mlmodel, patch_mlmodel
from heron.transfer.options import ImportOptions
from heron.transfer.packages import ModelPackage, RunPackage
from heron.transfer.records import RUN_NAME_TAG, USER_TAG, RunRecord
from heron.transfer.resume import IdMap
from heron.transfer.sources import ArtifactSource
from heron.transfer.tagpolicy import (
    SOURCE_RUN_TAG,
    STATE_COMPLETE,
    STATE_FAILED,
    STATE_IMPORTING,
    STATE_TAG,
    import_tags,
)

Patch = Callable[[bytes], bytes]


def upload(source: ArtifactSource, repository: ArtifactRepository, patch: Patch | None) -> None:
    """Copy every file of ``source`` into ``repository``; ``MLmodel`` files through
    ``patch``. A small tree goes in one :meth:`~ArtifactRepository.write_tree` call (one
    request to a Heron server)."""
    small = source.small_files()
    if small is not None:
        repository.write_tree(
            [(p, patch(c) if patch is not None and is_mlmodel(p) else c) for p, c in small]
        )
        return
    for path in source.paths():
        directory = posixpath.dirname(path) or None
        local = source.local_path(path)
        if patch is not None and is_mlmodel(path):
            repository.write_stream(path, [patch(b"".join(source.chunks(path)))])
        elif local is not None:
            repository.log_artifact(local, directory)
        else:
            repository.write_stream(path, source.chunks(path))


class StoreWriter:
    """Writes run packages into a destination store.

    Args:
        client: The destination.
        options: The import's options.
        ids: Source to destination ids of runs and logged models, shared by the import.
    """

    def __init__(self, client: MlflowClient, options: ImportOptions, ids: IdMap):
        self.client = client
        self.options = options
        self.ids = ids

    def user_of(self, record: RunRecord) -> str:
        """The destination run's user under ``use_src_user_id``."""
        if self.options.use_src_user_id:
            return record.tags.get(USER_TAG) or record.info.user_id or current_user()
        return current_user()

    def write_run(self, package: RunPackage, experiment_id: str) -> str:
        """Write one run into an experiment and return its new id.

        Checksums are verified first, so a damaged package creates nothing. The run, its
        params, tags and plain metric points are one ``import_run`` call, marked
        ``importing``; its logged models, files, inputs and outputs follow; the last write
        flips the marker to ``complete``.

        Raises:
            HeronError: The package or the destination failed; the partial run is deleted.
        """
        package.verify()
        record = package.record
        user = self.user_of(record)
        known = self.ids.snapshot()
        tags = import_tags(record, self.options, user, known, package.lineage)
        points = self._context_points(record, known)
        later = bool(package.models) and bool(points)  # points of models made below
        finished = record.info.status != "RUNNING"
        markers = {SOURCE_RUN_TAG: record.run_id, STATE_TAG: STATE_IMPORTING}
        run = self.client.store.import_run(
            experiment_id,
            RunContent(
                user_id=user,
                start_time=record.info.start_time,
                run_name=tags.get(RUN_NAME_TAG) or record.info.run_name,
                status=RunStatus.name_of(record.info.status) if finished else None,
                end_time=record.info.end_time if finished else None,
                tags=[RunTag(k, v) for k, v in {**tags, **markers}.items()],
                params=[Param(k, v) for k, v in record.params.items()],
                series=list(record.series.values()),
                points=[] if later else points,
            ),
        )
        run_id = run.info.run_id
        local = {record.run_id: run_id}  # ids made here; shared only once the run is whole
        try:
            self._fill(package, run_id, run.info.artifact_uri, experiment_id, user, local, tags)
        except BaseException:
            self._give_up(run_id)
            raise
        for source, destination in local.items():
            self.ids.add(source, destination)
        return run_id

    def _fill(
        self,
        package: RunPackage,
        run_id: str,
        artifact_uri: str | None,
        experiment_id: str,
        user: str,
        local: dict[str, str],
        written: dict[str, str],
    ) -> None:
        """Everything but the run itself; the batch carrying the ``complete`` marker is
        the very last write, so a run marked complete is whole. ``written`` are the tags
        the run was created with (tags naming ids made here are rewritten at the end)."""
        record = package.record
        locations: dict[str, str] = {}  # source to destination logged-model locations
        outputs = [
            self._write_model(m, run_id, experiment_id, local, locations) for m in package.models
        ]
        ids = {**self.ids.snapshot(), **local}
        upload(
            package.artifacts, self._repository(artifact_uri), self._patch(run_id, ids, locations)
        )
        self._log_inputs(run_id, record, ids)
        steps = {o.model_id: o.step for o in record.model_outputs}
        produced = [LoggedModelOutput(new_id, steps.get(old_id, 0)) for old_id, new_id in outputs]
        if produced:
            self.client.log_outputs(run_id, produced)
        tags = import_tags(record, self.options, user, ids, package.lineage)
        changed = [RunTag(k, v) for k, v in tags.items() if written.get(k) != v]
        points = self._context_points(record, ids) if package.models else []
        batches = split_batch(points, [], changed)
        marker = RunTag(STATE_TAG, STATE_COMPLETE)
        last = batches[-1] if batches else ([], [], [])
        if fits_in_batch(len(last[0]), len(last[1]), len(last[2]) + 1):
            batches[-1:] = [(last[0], last[1], [*last[2], marker])]
        else:
            batches.append(([], [], [marker]))
        for metrics, params, run_tags in batches:
            self.client.store.log_batch(run_id, metrics, params, run_tags)

    def _give_up(self, run_id: str) -> None:
        """Mark a partial run failed and delete it; errors here must not hide the cause."""
        # If these fail too (the destination went away), the original error is what the
        # caller reports, and a later import finds the run by its marker and deletes it.
        with contextlib.suppress(Exception):
            self.client.set_tag(run_id, STATE_TAG, STATE_FAILED, synchronous=True)
        with contextlib.suppress(Exception):
            self.client.delete_run(run_id)

    @staticmethod
    def _context_points(record: RunRecord, ids: Mapping[str, str]) -> list[Metric]:
        """The points naming a logged model (by its new id, or none if that model did not
        come along) or a dataset; plain points travel as the record's series."""
        return [
            Metric(
                point.key,
                point.value,
                point.timestamp,
                point.step,
                dataset_name=point.dataset_name,
                dataset_digest=point.dataset_digest,
                model_id=ids.get(point.model_id) if point.model_id else None,
            )
            for point in record.points
        ]

    def _log_inputs(self, run_id: str, record: RunRecord, ids: dict[str, str]) -> None:
        datasets: list[DatasetInput] = list(record.dataset_inputs)
        models = [
            LoggedModelInput(new_id)
            for old_id in record.model_inputs
            if (new_id := ids.get(old_id)) is not None
        ]
        if datasets or models:
            self.client.log_inputs(run_id, datasets or None, models or None)

    def _repository(self, artifact_uri: str | None) -> ArtifactRepository:
        if not artifact_uri:
            raise ValueError("the destination gave the run no artifact URI")
        return get_artifact_repository(artifact_uri, self.client.tracking_uri)

    def _patch(
        self, run_id: str, ids: dict[str, str], locations: dict[str, str] | None = None
    ) -> Patch | None:
        if not self.options.mlmodel_fix:
            return None

        def patch(content: bytes) -> bytes:
            return patch_mlmodel(content, run_id, ids, locations)

        return patch

    def _write_model(
        self,
        package: ModelPackage,
        run_id: str,
        experiment_id: str,
        local: dict[str, str],
        locations: dict[str, str],
    ) -> tuple[str, str]:
        """Create a logged model of the new run; returns (source id, destination id)."""
        source = package.record.model
        tags = {k: v for k, v in source.tags.items() if k != MODEL_VERSIONS_TAG}
        model = self.client.create_logged_model(
            experiment_id,
            name=source.name,
            source_run_id=run_id,
            tags=tags,
            params=source.params,
            model_type=source.model_type,
        )
        local[source.model_id] = model.model_id
        locations[source.artifact_location] = model.artifact_location
        try:
            repository = self._repository(model.artifact_location)
            ids = {**self.ids.snapshot(), **local}
            upload(package.artifacts, repository, self._patch(run_id, ids, locations))
        except BaseException:
            self.client.finalize_logged_model(model.model_id, LoggedModelStatus.FAILED)
            raise
        status = source.status
        if status in (LoggedModelStatus.PENDING, LoggedModelStatus.UNSPECIFIED):
            status = LoggedModelStatus.READY
        self.client.finalize_logged_model(model.model_id, status)
        return source.model_id, model.model_id
