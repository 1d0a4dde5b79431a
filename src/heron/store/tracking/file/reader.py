"""Reading an ``mlruns`` folder: experiments, runs, metric histories, inputs, logged models.

:class:`MlrunsReader` only reads; :class:`~heron.store.tracking.file.store.FileTrackingStore`
builds on it, and ``heron db import-mlflow ./mlruns`` uses it directly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Iterable, Iterator

from heron.entities import (
    Experiment,
    LifecycleStage,
    LoggedModel,
    Metric,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunOutputs,
    ViewType,
)
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking.file import layout, records, run_files
from heron.store.tracking.file.records import MalformedFolder
from heron.store.tracking.file.run_files import ModelPoints, point_id

_log = logging.getLogger(__name__)


def check_mlruns_folder(root: str) -> None:
    """Refuse a folder that is not an ``mlruns`` tree.

    An ``mlruns`` tree holds experiment folders (a ``meta.yaml`` each), ``.trash`` and
    the registry's ``models``; anything else at the top (files aside) means it is not one.

    Raises:
        InvalidParameter: naming the folder and what is wrong.
    """
    if not os.path.isdir(root):
        raise InvalidParameter(f"'{root}' is not a directory: no mlruns folder there")
    strangers = []
    for entry in os.scandir(root):
        if not entry.is_dir() or entry.name in (layout.TRASH, layout.REGISTRY_FOLDER):
            continue
        if not os.path.isfile(os.path.join(entry.path, layout.META)):
            strangers.append(entry.name)
    if strangers:
        shown = ", ".join(sorted(strangers)[:5])
        raise InvalidParameter(
            f"'{root}' is not an mlruns folder: {len(strangers)} folder(s) without an "
            f"experiment's meta.yaml ({shown})"
        )


class MlrunsReader:
    """Reads MLflow's ``mlruns`` layout under ``root`` (a local directory).

    Args:
        root: The folder (as a path, not a URI).
    """

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self.trash = os.path.join(self.root, layout.TRASH)
        self._run_dirs: dict[str, str] = {}

    # -- experiments -------------------------------------------------------------------

    def experiment_ids(self, view_type: int = ViewType.ALL) -> list[str]:
        """Ids of the experiments in the root (active) and/or in ``.trash`` (deleted)."""
        parents = []
        if view_type in (ViewType.ACTIVE_ONLY, ViewType.ALL):
            parents.append(self.root)
        if view_type in (ViewType.DELETED_ONLY, ViewType.ALL):
            parents.append(self.trash)
        ids = []
        for parent in parents:
            with contextlib.suppress(FileNotFoundError):
                for entry in os.scandir(parent):
                    if (
                        entry.is_dir()
                        and entry.name not in (layout.TRASH, layout.REGISTRY_FOLDER)
                        and not entry.name.startswith(".")
                        and os.path.isfile(os.path.join(entry.path, layout.META))
                    ):
                        ids.append(entry.name)
        return ids

    def experiment_dir(self, experiment_id: str) -> str | None:
        """The folder of an experiment, active or deleted, or None."""
        name = str(experiment_id)
        if not name or "/" in name or name.startswith(".") or name == layout.REGISTRY_FOLDER:
            return None
        for parent in (self.root, self.trash):
            path = os.path.join(parent, name)
            if os.path.isfile(os.path.join(path, layout.META)):
                return path
        return None

    def require_experiment_dir(self, experiment_id: str) -> str:
        """:meth:`experiment_dir`, or NotFound."""
        path = self.experiment_dir(experiment_id)
        if path is None:
            raise NotFound(f"No Experiment with id={experiment_id} exists")
        return path

    def read_experiment(self, experiment_id: str) -> Experiment:
        """An experiment with its tags.

        Raises:
            NotFound: no such experiment.
            MalformedFolder: its ``meta.yaml`` is not MLflow's.
        """
        path = self.require_experiment_dir(experiment_id)
        meta_path = os.path.join(path, layout.META)
        meta = layout.read_yaml(meta_path)
        tags = layout.read_key_files(os.path.join(path, layout.TAGS))
        experiment = records.experiment_from_meta(meta, tags, meta_path, str(experiment_id))
        in_trash = os.path.dirname(path) == self.trash
        stage = LifecycleStage.DELETED if in_trash else experiment.lifecycle_stage
        if stage != experiment.lifecycle_stage:
            experiment = dataclasses.replace(experiment, lifecycle_stage=stage)
        return experiment

    def experiments(self, view_type: int = ViewType.ALL) -> Iterator[Experiment]:
        """Every readable experiment (malformed ones are logged and skipped)."""
        for experiment_id in self.experiment_ids(view_type):
            try:
                yield self.read_experiment(experiment_id)
            except (MalformedFolder, OSError) as error:
                _log.warning("Skipping experiment folder %s: %s", experiment_id, error)

    # -- runs --------------------------------------------------------------------------

    def run_dirs(self, experiment_id: str) -> list[str]:
        """The run folders of an experiment (folders with a ``meta.yaml``)."""
        path = self.experiment_dir(experiment_id)
        if path is None:
            return []
        found = []
        for entry in os.scandir(path):
            if (
                entry.name not in layout.RESERVED_EXPERIMENT_FOLDERS
                and entry.is_dir()
                and os.path.isfile(os.path.join(entry.path, layout.META))
            ):
                found.append(entry.path)
        return found

    def half_written_runs(self, experiment_id: str) -> list[str]:
        """Folders of an experiment that look like runs but have no ``meta.yaml``."""
        path = self.experiment_dir(experiment_id)
        if path is None:
            return []
        return [
            entry.path
            for entry in os.scandir(path)
            if entry.name not in layout.RESERVED_EXPERIMENT_FOLDERS
            and entry.is_dir()
            and not entry.name.startswith(".")
            and not os.path.isfile(os.path.join(entry.path, layout.META))
        ]

    def find_run_dir(self, run_id: str) -> str:
        """The folder of a run, in any experiment (deleted ones too).

        Raises:
            NotFound: no such run.
        """
        cached = self._run_dirs.get(run_id)
        if cached is not None and os.path.isfile(os.path.join(cached, layout.META)):
            return cached
        if run_id and "/" not in run_id and not run_id.startswith("."):
            for experiment_id in self.experiment_ids(ViewType.ALL):
                experiment_path = self.experiment_dir(experiment_id)
                if experiment_path is None:
                    continue
                path = os.path.join(experiment_path, run_id)
                if os.path.isfile(os.path.join(path, layout.META)) and self._is_run_dir(path):
                    self._run_dirs[run_id] = path
                    return path
                if os.path.isdir(os.path.join(path, layout.METRICS)):
                    raise MalformedFolder(
                        f"Run folder '{path}' has no meta.yaml: a run whose creation never "
                        "finished (a crash while it was being created?). Remove the folder, "
                        "or restore its meta.yaml."
                    )
        raise NotFound(f"Run with id={run_id} not found")

    @staticmethod
    def _is_run_dir(path: str) -> bool:
        # As MLflow checks: never a folder inside artifacts, and metrics/params exist.
        return layout.ARTIFACTS not in path.split(os.sep)[:-1] and all(
            os.path.isdir(os.path.join(path, sub)) for sub in (layout.METRICS, layout.PARAMS)
        )

    def read_run_info(self, run_dir: str) -> RunInfo:
        """A run's info from its ``meta.yaml``, checked against its folder.

        Raises:
            MalformedFolder: the metadata names another run or experiment.
        """
        meta_path = os.path.join(run_dir, layout.META)
        info = records.run_info_from_meta(layout.read_yaml(meta_path), meta_path)
        experiment_folder = os.path.basename(os.path.dirname(run_dir))
        if info.run_id != os.path.basename(run_dir) or info.experiment_id != experiment_folder:
            raise MalformedFolder(
                f"Run metadata in '{meta_path}' names run {info.run_id} of experiment "
                f"{info.experiment_id}, which is not the folder it is in"
            )
        if os.path.dirname(os.path.dirname(run_dir)) == self.trash:
            info = dataclasses.replace(info, lifecycle_stage=LifecycleStage.DELETED)
        return info

    def model_points(self, experiment_dir: str) -> ModelPoints:
        """See :func:`~heron.store.tracking.file.run_files.model_points`."""
        return run_files.model_points(experiment_dir)

    def read_run(
        self, run_dir: str, models: ModelPoints | None = None, info: RunInfo | None = None
    ) -> Run:
        """A whole run: info, latest metrics, params, tags, inputs and outputs.

        Args:
            run_dir: The run's folder.
            models: :meth:`model_points` of its experiment, when already read.
            info: Its :meth:`read_run_info`, when already read.
        """
        info = info or self.read_run_info(run_dir)
        if models is None:
            models = self.model_points(os.path.dirname(run_dir))
        metrics = self.latest_metrics(run_dir, models)
        params = layout.read_key_files(os.path.join(run_dir, layout.PARAMS))
        tags = layout.read_key_files(os.path.join(run_dir, layout.TAGS))
        if not info.run_name and tags.get("mlflow.runName"):
            info = dataclasses.replace(info, run_name=tags["mlflow.runName"])
        return Run(
            info=info,
            data=RunData.from_mappings(metrics, params, tags),
            inputs=self.read_inputs(run_dir),
            outputs=self.read_outputs(run_dir),
        )

    def runs(self, experiment_id: str, view_type: int = ViewType.ALL) -> Iterator[Run]:
        """The readable runs of an experiment in ``view_type`` (others logged, skipped)."""
        stages = LifecycleStage.matching_view_type(view_type)
        experiment_dir = self.experiment_dir(experiment_id)
        if experiment_dir is None:
            return
        models = self.model_points(experiment_dir)
        for run_dir in self.run_dirs(experiment_id):
            try:
                info = self.read_run_info(run_dir)
                if info.lifecycle_stage in stages:
                    yield self.read_run(run_dir, models, info)
            except (MalformedFolder, OSError, ValueError) as error:
                _log.warning("Skipping run folder %s: %s", run_dir, error)

    def run_infos(
        self, experiment_id: str, view_type: int = ViewType.ALL
    ) -> Iterator[tuple[str, RunInfo]]:
        """``(run folder, info)`` of the readable runs of an experiment in ``view_type``."""
        stages = LifecycleStage.matching_view_type(view_type)
        for run_dir in self.run_dirs(experiment_id):
            try:
                info = self.read_run_info(run_dir)
            except (MalformedFolder, OSError, ValueError) as error:
                _log.warning("Skipping run folder %s: %s", run_dir, error)
                continue
            if info.lifecycle_stage in stages:
                yield run_dir, info

    def read_run_parts(
        self,
        run_dir: str,
        info: RunInfo,
        metric_keys: Iterable[str],
        param_keys: Iterable[str],
        tags: bool,
        inputs: bool,
    ) -> Run:
        """A run with only the named metrics and params (and all its tags and dataset
        inputs when asked): enough to test a filter or sort, at a fraction of the reads."""
        metrics = []
        for key in metric_keys:
            with contextlib.suppress(OSError, InvalidParameter):
                path = layout.confined(os.path.join(run_dir, layout.METRICS), key)
                point = records.latest_of_lines(key, layout.read_text(path), path)
                if point is not None:
                    metrics.append(point)
        params = {}
        for key in param_keys:
            with contextlib.suppress(OSError, InvalidParameter):
                params[key] = layout.read_text(
                    layout.confined(os.path.join(run_dir, layout.PARAMS), key)
                )
        run_tags = layout.read_key_files(os.path.join(run_dir, layout.TAGS)) if tags else {}
        if tags and not info.run_name and run_tags.get("mlflow.runName"):
            info = dataclasses.replace(info, run_name=run_tags["mlflow.runName"])
        return Run(
            info=info,
            data=RunData.from_mappings(metrics, params, run_tags),
            inputs=self.read_inputs(run_dir) if inputs else RunInputs(),
        )

    # -- metrics -----------------------------------------------------------------------

    def latest_metrics(self, run_dir: str, models: ModelPoints) -> list[Metric]:
        """The latest point of each metric of a run."""
        of_run = models.get(os.path.basename(run_dir))
        found = []
        for key, path in layout.key_files(os.path.join(run_dir, layout.METRICS)):
            try:
                point = records.latest_of_lines(key, layout.read_text(path), path)
            except FileNotFoundError:
                continue
            if point is not None:
                if of_run and point_id(point) in of_run:
                    point = dataclasses.replace(point, model_id=of_run[point_id(point)])
                found.append(point)
        return found

    def metric_history(
        self, run_dir: str, key: str, models: ModelPoints | None = None
    ) -> list[Metric]:
        """Every point of one metric, in file order (empty if never logged); points
        logged for a logged model carry its id."""
        path = layout.confined(os.path.join(run_dir, layout.METRICS), key)
        try:
            text = layout.read_text(path)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return []
        if models is None:
            models = self.model_points(os.path.dirname(run_dir))
        return self._parse(run_dir, key, path, text, models)

    def metric_points(
        self, run_dir: str, models: ModelPoints | None = None
    ) -> dict[str, list[Metric]]:
        """Every point of every metric of a run, by key (keys without points left out)."""
        if models is None:
            models = self.model_points(os.path.dirname(run_dir))
        found: dict[str, list[Metric]] = {}
        for key, path in layout.key_files(os.path.join(run_dir, layout.METRICS)):
            try:
                text = layout.read_text(path)
            except FileNotFoundError:
                continue
            points = self._parse(run_dir, key, path, text, models)
            if points:
                found[key] = points
        return found

    @staticmethod
    def _parse(run_dir: str, key: str, path: str, text: str, models: ModelPoints) -> list[Metric]:
        points = [
            records.metric_from_line(key, line, None, path)
            for line in text.splitlines()
            if line.strip()
        ]
        of_run = models.get(os.path.basename(run_dir))
        if of_run:
            points = [
                dataclasses.replace(p, model_id=of_run[point_id(p)]) if point_id(p) in of_run else p
                for p in points
            ]
        return points

    # -- inputs and outputs ------------------------------------------------------------

    def read_inputs(self, run_dir: str) -> RunInputs:
        """The datasets and logged models a run used."""
        return run_files.read_inputs(run_dir)

    def read_outputs(self, run_dir: str) -> RunOutputs:
        """The logged models a run produced."""
        return run_files.read_outputs(run_dir)

    # -- logged models -----------------------------------------------------------------

    def logged_model_dirs(self, experiment_id: str) -> list[str]:
        """The logged-model folders of an experiment."""
        path = self.experiment_dir(experiment_id)
        if path is None:
            return []
        models = os.path.join(path, layout.MODELS)
        with contextlib.suppress(FileNotFoundError):
            return [
                entry.path
                for entry in os.scandir(models)
                if entry.is_dir() and os.path.isfile(os.path.join(entry.path, layout.META))
            ]
        return []

    def find_logged_model_dir(self, model_id: str) -> str:
        """The folder of a logged model in any experiment.

        Raises:
            NotFound: no such model.
        """
        if model_id and "/" not in model_id and not model_id.startswith("."):
            for experiment_id in self.experiment_ids(ViewType.ALL):
                experiment_path = self.experiment_dir(experiment_id)
                if experiment_path is None:
                    continue
                path = os.path.join(experiment_path, layout.MODELS, model_id)
                if os.path.isfile(os.path.join(path, layout.META)):
                    return path
        raise NotFound(f"Logged model with ID '{model_id}' not found.")

    def read_logged_model(self, model_dir: str) -> tuple[LoggedModel, str]:
        """A logged model and its lifecycle stage (``active`` or ``deleted``)."""
        return run_files.read_logged_model(model_dir)
