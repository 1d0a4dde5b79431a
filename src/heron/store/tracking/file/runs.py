"""Runs in an ``mlruns`` folder: create, update, delete/restore, log, inputs and outputs."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Sequence

from heron.entities import (
    DatasetInput,
    LifecycleStage,
    LoggedModelInput,
    LoggedModelOutput,
    Metric,
    Param,
    RunInfo,
    RunStatus,
    RunTag,
)
from heron.exceptions import InvalidParameter, InvalidState, NotFound
from heron.store.clock import now_millis
from heron.store.tracking import append_to_uri
from heron.store.tracking.file import layout, records
from heron.store.tracking.file.reader import MlrunsReader
from heron.store.tracking.names import generate_run_name
from heron.validation import (
    validate_batch,
    validate_dataset_input,
    validate_run_id,
    validate_run_name,
    validate_tag,
)

RUN_NAME_TAG = "mlflow.runName"


class Runs:
    """Run writes of one folder."""

    def __init__(self, reader: MlrunsReader):
        self.reader = reader

    def create(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int | None,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> str:
        """Create a RUNNING run in an active experiment; returns its id."""
        experiment = self.reader.read_experiment(experiment_id)
        if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameter(
                f"The experiment {experiment_id} must be in the 'active' state. Current state "
                f"is {experiment.lifecycle_stage}."
            )
        checked = [validate_tag(tag) for tag in tags]
        name = _resolve_name(run_name, checked)
        if not any(tag.key == RUN_NAME_TAG for tag in checked):
            checked.append(RunTag(RUN_NAME_TAG, name))
        run_id = uuid.uuid4().hex
        experiment_dir = self.reader.require_experiment_dir(experiment_id)
        run_dir = os.path.join(experiment_dir, run_id)
        info = RunInfo(
            run_id=run_id,
            experiment_id=experiment.experiment_id,
            user_id=user_id or "",
            status=RunStatus.to_string(RunStatus.RUNNING),
            start_time=start_time if start_time is not None else now_millis(),
            end_time=None,
            lifecycle_stage=LifecycleStage.ACTIVE,
            artifact_uri=append_to_uri(
                append_to_uri(experiment.artifact_location, run_id), layout.ARTIFACTS
            ),
            run_name=name,
        )
        for sub in (layout.METRICS, layout.PARAMS, layout.ARTIFACTS, layout.TAGS):
            os.makedirs(os.path.join(run_dir, sub))
        for tag in checked:
            _write_key(run_dir, layout.TAGS, tag.key, tag.value)
        # meta.yaml last: a folder without it is a run that was never completed.
        layout.write_yaml(os.path.join(run_dir, layout.META), records.run_meta(info))
        return run_id

    def active_dir(self, run_id: str) -> str:
        """The folder of an active run; NotFound or InvalidParameter otherwise."""
        validate_run_id(run_id)
        run_dir = self.reader.find_run_dir(run_id)
        info = self.reader.read_run_info(run_dir)
        if info.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameter(
                f"The run {run_id} must be in the 'active' state. Current state is "
                f"{info.lifecycle_stage}."
            )
        return run_dir

    def rewrite(self, info: RunInfo, deleted_time: int | None) -> None:
        """Set a run's lifecycle stage from ``info`` (and ``deleted_time``, for deleted runs)."""
        run_dir = self.reader.find_run_dir(info.run_id)
        with layout.locked(run_dir):
            current = self.reader.read_run_info(run_dir)  # keep what changed meanwhile
            info = dataclasses.replace(current, lifecycle_stage=info.lifecycle_stage)
            meta = records.run_meta(info, deleted_time)
            layout.write_yaml(os.path.join(run_dir, layout.META), meta)

    def update(
        self,
        run_id: str,
        status: int | str | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        """Change status, end time and/or name of an active run."""
        validate_run_name(run_name)
        run_dir = self.active_dir(run_id)
        with layout.locked(run_dir):
            info = self.reader.read_run_info(run_dir)
            changes: dict[str, object] = {}
            if status is not None:
                number = status if isinstance(status, int) else RunStatus.from_string(status)
                changes["status"] = RunStatus.to_string(number)
            if end_time is not None:
                changes["end_time"] = end_time
            if run_name:
                changes["run_name"] = run_name
                _write_key(run_dir, layout.TAGS, RUN_NAME_TAG, run_name)
            info = dataclasses.replace(info, **changes)  # type: ignore[arg-type]
            layout.write_yaml(os.path.join(run_dir, layout.META), records.run_meta(info))
        return info

    def set_stage(self, run_id: str, stage: str) -> None:
        """Soft-delete (with a deletion time) or restore a run."""
        validate_run_id(run_id)
        run_dir = self.reader.find_run_dir(run_id)
        with layout.locked(run_dir):
            info = self.reader.read_run_info(run_dir)
            if stage == LifecycleStage.ACTIVE and os.path.dirname(
                os.path.dirname(run_dir)
            ) == os.path.join(self.reader.trash):
                raise InvalidState(
                    f"Cannot restore run {run_id}: its experiment is deleted; restore the "
                    "experiment first."
                )
            deleted_time = now_millis() if stage == LifecycleStage.DELETED else None
            info = dataclasses.replace(info, lifecycle_stage=stage)
            layout.write_yaml(
                os.path.join(run_dir, layout.META), records.run_meta(info, deleted_time)
            )

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric],
        params: Sequence[Param],
        tags: Sequence[RunTag],
    ) -> None:
        """Params first (a conflicting value refuses the whole batch), then metrics and tags."""
        checked_params, checked_tags = validate_batch(metrics, params, tags)
        run_dir = self.active_dir(run_id)
        self._require_models(run_dir, {m.model_id for m in metrics if m.model_id is not None})
        self._check_params(run_id, run_dir, checked_params)
        for param in checked_params:
            path = layout.confined(os.path.join(run_dir, layout.PARAMS), param.key)
            if not layout.create_text(path, param.value):
                self._check_params(run_id, run_dir, [param])  # a concurrent writer won
        self._append_metrics(run_id, run_dir, metrics)
        for tag in checked_tags:
            if tag.key == RUN_NAME_TAG:
                self.update(run_id, None, None, tag.value)
            _write_key(run_dir, layout.TAGS, tag.key, tag.value)

    def _require_models(self, run_dir: str, model_ids: set[str]) -> None:
        for model_id in sorted(model_ids):
            if os.path.isfile(
                os.path.join(os.path.dirname(run_dir), layout.MODELS, model_id, layout.META)
            ):
                continue
            self.reader.find_logged_model_dir(model_id)  # NotFound if in no experiment

    def _check_params(self, run_id: str, run_dir: str, params: Sequence[Param]) -> None:
        for param in params:
            path = layout.confined(os.path.join(run_dir, layout.PARAMS), param.key)
            try:
                current = layout.read_text(path)
            except (FileNotFoundError, NotADirectoryError):
                continue
            if current != param.value:
                raise InvalidParameter(
                    f"Changing param values is not allowed. Param with key='{param.key}' was "
                    f"already logged with value='{current}' for run ID='{run_id}'. Attempted "
                    f"logging new value '{param.value}'."
                )

    def _append_metrics(self, run_id: str, run_dir: str, metrics: Sequence[Metric]) -> None:
        by_key: dict[str, list[Metric]] = {}
        for metric in metrics:
            by_key.setdefault(metric.key, []).append(metric)
        experiment_dir = os.path.dirname(run_dir)
        for key, points in by_key.items():
            path = layout.confined(os.path.join(run_dir, layout.METRICS), key)
            # A retried call never duplicates a point (the contract's rule): retries resend
            # recent points, so the file's tail is what is compared.
            seen = set(layout.read_tail_lines(path))
            lines = []
            for metric in points:
                line = records.metric_line(metric)
                if line not in seen:
                    seen.add(line)
                    lines.append(line)
            if lines:
                layout.append_lines(path, lines)
            for metric in points:
                if metric.model_id is not None:
                    model_dir = os.path.join(experiment_dir, layout.MODELS, metric.model_id)
                    if not os.path.isdir(model_dir):
                        model_dir = self.reader.find_logged_model_dir(metric.model_id)
                    if os.path.isdir(model_dir):
                        model_path = layout.confined(os.path.join(model_dir, layout.METRICS), key)
                        layout.append_lines(model_path, [records.metric_line(metric, run_id)])

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag of an active run; NotFound if it has none by that key."""
        run_dir = self.active_dir(run_id)
        try:
            os.unlink(layout.confined(os.path.join(run_dir, layout.TAGS), key))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, InvalidParameter):
            raise NotFound(f"No tag with name: {key} in run with id {run_id}") from None

    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput],
        models: Sequence[LoggedModelInput],
    ) -> None:
        """Record datasets (kept once per experiment) and logged models a run used."""
        for dataset_input in datasets:
            validate_dataset_input(dataset_input)
        run_dir = self.active_dir(run_id)
        datasets_dir = os.path.join(os.path.dirname(run_dir), layout.DATASETS)
        for dataset_input in datasets:
            dataset = dataset_input.dataset
            dataset_id = records.md5_id(dataset.name, dataset.digest)
            dataset_meta = os.path.join(datasets_dir, dataset_id, layout.META)
            if not os.path.isfile(dataset_meta):
                layout.write_yaml(dataset_meta, records.dataset_meta(dataset))
            input_meta = os.path.join(
                run_dir, layout.INPUTS, records.md5_id(dataset_id, run_id), layout.META
            )
            if not os.path.isfile(input_meta):
                tags = {tag.key: tag.value for tag in dataset_input.tags}
                layout.write_yaml(input_meta, records.input_meta("DATASET", dataset_id, tags))
        for model in models:
            input_meta = os.path.join(
                run_dir, layout.INPUTS, records.md5_id(model.model_id, run_id), layout.META
            )
            if not os.path.isfile(input_meta):
                layout.write_yaml(input_meta, records.input_meta("MODEL", model.model_id, {}))

    def log_outputs(self, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
        """Record logged models an active run produced."""
        run_dir = self.active_dir(run_id)
        for model in models:
            self.reader.find_logged_model_dir(model.model_id)  # NotFound if missing
        for model in models:
            meta = os.path.join(run_dir, layout.OUTPUTS, model.model_id, layout.META)
            layout.confined(run_dir, f"{layout.OUTPUTS}/{model.model_id}")
            if not os.path.isfile(meta):
                layout.write_yaml(meta, records.output_meta(model.model_id, model.step))


def _write_key(run_dir: str, folder: str, key: str, value: str) -> None:
    layout.write_text(layout.confined(os.path.join(run_dir, folder), key), value)


def _resolve_name(run_name: str | None, tags: Sequence[RunTag]) -> str:
    validate_run_name(run_name)
    tag_name = next((t.value for t in reversed(tags) if t.key == RUN_NAME_TAG), None)
    if run_name and tag_name is not None and run_name != tag_name:
        raise InvalidParameter(
            f"Both 'run_name' argument and '{RUN_NAME_TAG}' tag are specified, but with "
            f"different values (run_name='{run_name}', {RUN_NAME_TAG}='{tag_name}')."
        )
    return validate_run_name(run_name or tag_name) or generate_run_name()
