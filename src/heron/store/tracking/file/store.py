"""The tracking store of plain paths and ``file:`` URIs: MLflow's ``mlruns`` folder."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Mapping, Sequence
from typing import Any

from heron.entities import (
    DatasetInput,
    Experiment,
    LifecycleStage,
    LoggedModel,
    LoggedModelInput,
    LoggedModelOutput,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    Metric,
    PagedList,
    Param,
    Run,
    RunContent,
    RunInfo,
    RunTag,
    ViewType,
)
from heron.entities.paging import decode_page_token, encode_page_token
from heron.entities.run_data import ExperimentTag
from heron.exceptions import InvalidParameter
from heron.search import (
    And,
    Node,
    Or,
    OrderKey,
    matches_experiment,
    matches_run,
    parse_filter,
    parse_order_by,
    sort_experiments,
    sort_runs,
)
from heron.store.batching import split_batch
from heron.store.clock import now_millis
from heron.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT, TrackingStore
from heron.store.tracking.file.experiments import Experiments
from heron.store.tracking.file.logged_models import LoggedModels
from heron.store.tracking.file.reader import MlrunsReader, check_mlruns_folder
from heron.store.tracking.file.run_files import ModelPoints
from heron.store.tracking.file.runs import Runs
from heron.validation import validate_max_results, validate_run_id
from heron.validation_runs import validate_run_content


class FileTrackingStore(TrackingStore):
    """Experiments and runs in MLflow's ``mlruns`` layout under a local folder.

    MLflow reads what this store writes and the reverse. Searches read every run of the
    searched experiments (no index): fine for thousands of runs; for more, move the folder
    into a database with ``heron db import-mlflow``.

    Args:
        root: The folder (created, with experiment 0, when missing or empty).
        artifact_root: Where new experiments keep artifacts; default the folder itself
            (``file://<root>/<experiment_id>``), as MLflow does.
    """

    local_reads = False
    # Reads are local, but a search reads every run's files: not for a server's event loop.

    def __init__(self, root: str, artifact_root: str | None = None):
        root = os.path.abspath(root)
        if os.path.exists(root) and not os.path.isdir(root):
            raise InvalidParameter(
                f"'{root}' is a file, not an mlruns folder; for a SQLite database file use "
                f"the URI sqlite:///{root}"
            )
        if os.path.isdir(root) and os.listdir(root):
            check_mlruns_folder(root)
        self.root = root
        self.artifact_root_uri = artifact_root or _file_uri(root)
        self.reader = MlrunsReader(root)
        self._experiments = Experiments(self.reader, self.artifact_root_uri)
        self._runs = Runs(self.reader)
        self._models = LoggedModels(self.reader)
        self._experiments.ensure_default()

    # -- experiments -------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: Sequence[ExperimentTag] | None = None,
    ) -> str:
        """See :meth:`TrackingStore.create_experiment`."""
        return self._experiments.create(name, artifact_location, tags)

    def get_experiment(self, experiment_id: str) -> Experiment:
        """See :meth:`TrackingStore.get_experiment`."""
        return self.reader.read_experiment(str(experiment_id))

    def get_experiment_by_name(self, experiment_name: str) -> Experiment | None:
        """See :meth:`TrackingStore.get_experiment_by_name`."""
        return self._experiments.by_name(experiment_name)

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """See :meth:`TrackingStore.search_experiments`."""
        validate_max_results(max_results)
        offset = decode_page_token(page_token)
        node = parse_filter(filter_string, "experiments")
        keys = parse_order_by(order_by, "experiments")
        found = [
            e
            for e in self.reader.experiments(ViewType.coerce(view_type))
            if matches_experiment(node, e)
        ]
        return _page(sort_experiments(found, keys), offset, max_results)

    def delete_experiment(self, experiment_id: str) -> None:
        """See :meth:`TrackingStore.delete_experiment`."""
        self._experiments.delete(str(experiment_id), self._runs.rewrite)

    def restore_experiment(self, experiment_id: str) -> None:
        """See :meth:`TrackingStore.restore_experiment`."""
        self._experiments.restore(str(experiment_id), self._runs.rewrite)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """See :meth:`TrackingStore.rename_experiment`."""
        self._experiments.rename(str(experiment_id), new_name)

    def set_experiment_tag(self, experiment_id: str, tag: ExperimentTag) -> None:
        """See :meth:`TrackingStore.set_experiment_tag`."""
        self._experiments.set_tag(str(experiment_id), tag)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_experiment_tag`."""
        self._experiments.delete_tag(str(experiment_id), key)

    # -- runs --------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        """See :meth:`TrackingStore.create_run`."""
        run_id = self._runs.create(str(experiment_id), user_id, start_time, tags, run_name)
        return self.get_run(run_id)

    def get_run(self, run_id: str) -> Run:
        """See :meth:`TrackingStore.get_run`."""
        validate_run_id(run_id)
        return self.reader.read_run(self.reader.find_run_dir(run_id))

    def update_run_info(
        self,
        run_id: str,
        run_status: int | str | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        """See :meth:`TrackingStore.update_run_info`."""
        return self._runs.update(run_id, run_status, end_time, run_name)

    def delete_run(self, run_id: str) -> None:
        """See :meth:`TrackingStore.delete_run`."""
        self._runs.set_stage(run_id, LifecycleStage.DELETED)

    def restore_run(self, run_id: str) -> None:
        """See :meth:`TrackingStore.restore_run`."""
        self._runs.set_stage(run_id, LifecycleStage.ACTIVE)

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """See :meth:`TrackingStore.search_runs`."""
        validate_max_results(max_results)
        offset = decode_page_token(page_token)
        node = parse_filter(filter_string, "runs")
        keys = parse_order_by(order_by, "runs")
        view = ViewType.coerce(run_view_type)
        # Filter and sort on the parts the search names; read whole runs for the page only.
        needs = RunParts.of(node, keys)
        found, folders = [], {}
        for experiment_id in dict.fromkeys(str(e) for e in experiment_ids or ()):
            for run_dir, info in self.reader.run_infos(experiment_id, view):
                run = needs.read(self.reader, run_dir, info)
                if matches_run(node, run):
                    found.append(run)
                    folders[info.run_id] = (run_dir, info)
        page = _page(sort_runs(found, keys), offset, max_results)
        models: dict[str, ModelPoints] = {}
        whole = []
        for run in page:
            run_dir, info = folders[run.info.run_id]
            experiment_dir = os.path.dirname(run_dir)
            if experiment_dir not in models:
                models[experiment_dir] = self.reader.model_points(experiment_dir)
            whole.append(self.reader.read_run(run_dir, models[experiment_dir], info))
        return PagedList(whole, page.token)

    def import_run(self, experiment_id: str, content: RunContent) -> Run:
        """See :meth:`TrackingStore.import_run`: checked whole first; a run whose writing
        fails is removed, folder and all."""
        validate_run_content(content)
        start = content.start_time if content.start_time is not None else now_millis()
        run_id = self._runs.create(
            str(experiment_id), content.user_id, start, content.tags, content.run_name
        )
        try:
            points = [p for series in content.series for p in series.points()]
            for metrics, params, tags in split_batch(
                [*points, *content.points], content.params, []
            ):
                self.log_batch(run_id, metrics, params, tags)
            if content.status is not None or content.end_time is not None:
                self.update_run_info(run_id, content.status, content.end_time, None)
        except BaseException:
            shutil.rmtree(self.reader.find_run_dir(run_id), ignore_errors=True)
            raise
        return self.get_run(run_id)

    # -- logging -----------------------------------------------------------------------

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        """See :meth:`TrackingStore.log_batch`."""
        self._runs.log_batch(run_id, metrics, params, tags)

    def delete_tag(self, run_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_tag`."""
        self._runs.delete_tag(run_id, key)

    def get_metric_history(
        self,
        run_id: str,
        metric_key: str,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[Metric]:
        """See :meth:`TrackingStore.get_metric_history`."""
        validate_run_id(run_id)
        run_dir = self.reader.find_run_dir(run_id)
        points = sorted(
            self.reader.metric_history(run_dir, metric_key), key=lambda m: (m.step, m.timestamp)
        )
        offset = decode_page_token(page_token)
        if max_results is None:
            return PagedList(points[offset:], None)
        return _page(points, offset, validate_max_results(max_results))

    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput] | None = None,
        models: Sequence[LoggedModelInput] | None = None,
    ) -> None:
        """See :meth:`TrackingStore.log_inputs`."""
        self._runs.log_inputs(run_id, datasets or (), models or ())

    def log_outputs(self, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
        """See :meth:`TrackingStore.log_outputs`."""
        self._runs.log_outputs(run_id, models)

    # -- logged models -----------------------------------------------------------------

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: Sequence[LoggedModelTag] | None = None,
        params: Sequence[LoggedModelParameter] | None = None,
        model_type: str | None = None,
    ) -> LoggedModel:
        """See :meth:`TrackingStore.create_logged_model`."""
        return self._models.create(
            str(experiment_id), name, source_run_id, tags, params, model_type
        )

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        """See :meth:`TrackingStore.get_logged_model`."""
        return self._models.get(model_id, allow_deleted)

    def finalize_logged_model(
        self, model_id: str, status: LoggedModelStatus | str | int
    ) -> LoggedModel:
        """See :meth:`TrackingStore.finalize_logged_model`."""
        return self._models.finalize(model_id, status)

    def delete_logged_model(self, model_id: str) -> None:
        """See :meth:`TrackingStore.delete_logged_model`."""
        self._models.delete(model_id)

    def set_logged_model_tags(self, model_id: str, tags: Sequence[LoggedModelTag]) -> None:
        """See :meth:`TrackingStore.set_logged_model_tags`."""
        self._models.set_tags(model_id, tags)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_logged_model_tag`."""
        self._models.delete_tag(model_id, key)

    def log_logged_model_params(
        self, model_id: str, params: Sequence[LoggedModelParameter]
    ) -> None:
        """See :meth:`TrackingStore.log_logged_model_params`."""
        self._models.log_params(model_id, params)

    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
        max_results: int | None = None,
        order_by: Sequence[Mapping[str, Any]] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """See :meth:`TrackingStore.search_logged_models`."""
        return self._models.search(
            experiment_ids, filter_string, datasets, max_results, order_by, page_token
        )


@dataclasses.dataclass
class RunParts:
    """What a search needs of each run to filter and sort it."""

    metrics: set[str]
    params: set[str]
    tags: bool
    inputs: bool

    @classmethod
    def of(cls, node: Node | None, keys: Sequence[OrderKey]) -> RunParts:
        """The parts that ``node`` and ``keys`` name."""
        parts = cls(set(), set(), False, False)
        stack: list[Node] = [node] if node is not None else []
        named: list[tuple[str, str]] = [(k.entity, k.key) for k in keys]
        while stack:
            current = stack.pop()
            if isinstance(current, And | Or):
                stack.extend(current.terms)
            else:
                named.append((current.entity, current.key))
        for entity, key in named:
            if entity == "metric":
                parts.metrics.add(key)
            elif entity == "param":
                parts.params.add(key)
            elif entity == "tag" or (entity == "attribute" and key == "run_name"):
                parts.tags = True
            elif entity == "dataset":
                parts.inputs = True
        return parts

    def read(self, reader: MlrunsReader, run_dir: str, info: RunInfo) -> Run:
        """The run with these parts only."""
        return reader.read_run_parts(
            run_dir, info, self.metrics, self.params, self.tags, self.inputs
        )


def _page(items: list[Any], offset: int, size: int) -> PagedList[Any]:
    more = len(items) > offset + size
    return PagedList(
        items[offset : offset + size], encode_page_token(offset + size) if more else None
    )


def _file_uri(path: str) -> str:
    from pathlib import Path

    return Path(path).as_uri()
