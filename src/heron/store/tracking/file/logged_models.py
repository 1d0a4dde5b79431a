"""Logged models (MLflow 3.x) in an ``mlruns`` folder: ``<experiment>/models/<model_id>``."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from heron.entities import (
    LifecycleStage,
    LoggedModel,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    Metric,
    PagedList,
    Param,
    RunTag,
)
from heron.exceptions import InvalidParameter, NotFound
from heron.search import And, Comparison, Node, Or, parse_filter
from heron.search.evaluate import compare
from heron.store.clock import now_millis
from heron.store.tracking import append_to_uri
from heron.store.tracking.base import SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT
from heron.store.tracking.file import layout, records
from heron.store.tracking.file.reader import MlrunsReader
from heron.store.tracking.names import generate_run_name
from heron.validation import (
    validate_logged_model_name,
    validate_max_results,
    validate_param,
    validate_tag,
)


class LoggedModels:
    """Logged-model reads and writes of one folder."""

    def __init__(self, reader: MlrunsReader):
        self.reader = reader

    def create(
        self,
        experiment_id: str,
        name: str | None,
        source_run_id: str | None,
        tags: Sequence[LoggedModelTag] | None,
        params: Sequence[LoggedModelParameter] | None,
        model_type: str | None,
    ) -> LoggedModel:
        """Create a PENDING model in an active experiment."""
        validate_logged_model_name(name)
        for field, value, limit in (
            ("model_type", model_type, 500),
            ("source_run_id", source_run_id, 32),
        ):
            if value is not None and len(value) > limit:
                raise InvalidParameter(
                    f"'{field}' exceeds the maximum length of {limit} characters"
                )
        experiment = self.reader.read_experiment(experiment_id)
        if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameter(
                f"The experiment {experiment_id} must be in the 'active' state. Current state "
                f"is {experiment.lifecycle_stage}."
            )
        for param in params or ():
            validate_param(Param(param.key, param.value))
        for tag in tags or ():
            validate_tag(RunTag(tag.key, tag.value))
        model_id = f"m-{uuid.uuid4().hex}"
        now = now_millis()
        location = append_to_uri(
            append_to_uri(append_to_uri(experiment.artifact_location, layout.MODELS), model_id),
            layout.ARTIFACTS,
        )
        model = LoggedModel(
            experiment_id=experiment.experiment_id,
            model_id=model_id,
            name=name or generate_run_name(),
            artifact_location=location,
            creation_timestamp=now,
            last_updated_timestamp=now,
            model_type=model_type,
            source_run_id=source_run_id,
            status=LoggedModelStatus.PENDING,
        )
        model_dir = os.path.join(
            self.reader.require_experiment_dir(experiment_id), layout.MODELS, model_id
        )
        for sub in (layout.METRICS, layout.PARAMS, layout.TAGS):
            os.makedirs(os.path.join(model_dir, sub))
        for param in params or ():
            layout.write_text(
                layout.confined(os.path.join(model_dir, layout.PARAMS), param.key), param.value
            )
        for tag in tags or ():
            layout.write_text(
                layout.confined(os.path.join(model_dir, layout.TAGS), tag.key), tag.value
            )
        layout.write_yaml(
            os.path.join(model_dir, layout.META),
            records.logged_model_meta(model, LifecycleStage.ACTIVE),
        )
        return self.get(model_id)

    def _dir(self, model_id: str, allow_deleted: bool = False) -> tuple[str, LoggedModel]:
        model_dir = self.reader.find_logged_model_dir(model_id)
        model, stage = self.reader.read_logged_model(model_dir)
        if stage == LifecycleStage.DELETED and not allow_deleted:
            raise NotFound(f"Logged model with ID '{model_id}' not found.")
        return model_dir, model

    def get(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        """A logged model; NotFound if missing (or deleted, unless allowed)."""
        return self._dir(model_id, allow_deleted)[1]

    def _rewrite(self, model_dir: str, model: LoggedModel, stage: str) -> None:
        layout.write_yaml(
            os.path.join(model_dir, layout.META), records.logged_model_meta(model, stage)
        )

    def finalize(self, model_id: str, status: LoggedModelStatus | str | int) -> LoggedModel:
        """Set a model's status."""
        new_status = LoggedModelStatus.coerce(status)
        model_dir, model = self._dir(model_id)
        with layout.locked(model_dir):
            model = dataclasses.replace(
                model, status=new_status, last_updated_timestamp=now_millis()
            )
            self._rewrite(model_dir, model, LifecycleStage.ACTIVE)
        return self.get(model_id)

    def delete(self, model_id: str) -> None:
        """Soft-delete a model (deleting it again changes nothing)."""
        model_dir, model = self._dir(model_id, allow_deleted=True)
        model = dataclasses.replace(model, last_updated_timestamp=now_millis())
        self._rewrite(model_dir, model, LifecycleStage.DELETED)

    def set_tags(self, model_id: str, tags: Sequence[LoggedModelTag]) -> None:
        """Set (or overwrite) tags."""
        for tag in tags:
            validate_tag(RunTag(tag.key, tag.value))
        model_dir, _ = self._dir(model_id)
        for tag in tags:
            layout.write_text(
                layout.confined(os.path.join(model_dir, layout.TAGS), tag.key), tag.value
            )

    def delete_tag(self, model_id: str, key: str) -> None:
        """Remove a tag; NotFound if missing."""
        model_dir, _ = self._dir(model_id)
        try:
            os.unlink(layout.confined(os.path.join(model_dir, layout.TAGS), key))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, InvalidParameter):
            raise NotFound(
                f"No tag with key {key!r} found for model with ID {model_id!r}."
            ) from None

    def log_params(self, model_id: str, params: Sequence[LoggedModelParameter]) -> None:
        """Log params; the same value again is accepted, another refused."""
        for param in params:
            validate_param(Param(param.key, param.value))
        model_dir, model = self._dir(model_id)
        for param in params:
            current = model.params.get(param.key)
            if current is not None and current != param.value:
                raise InvalidParameter(
                    f"Changing param values is not allowed. Param with key='{param.key}' was "
                    f"already logged with value='{current}' for logged model ID='{model_id}'. "
                    f"Attempted logging new value '{param.value}'."
                )
        for param in params:
            layout.write_text(
                layout.confined(os.path.join(model_dir, layout.PARAMS), param.key), param.value
            )

    def search(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[Mapping[str, Any]] | None,
        max_results: int | None,
        order_by: Sequence[Mapping[str, Any]] | None,
        page_token: str | None,
    ) -> PagedList[LoggedModel]:
        """One page of the experiments' active models matching the filter."""
        from heron.store.tracking.sql.logged_model_search import (  # no database involved
            decode_search_token,
            encode_search_token,
            parse_model_order_by,
        )

        limit = validate_max_results(
            SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT if max_results is None else max_results
        )
        node = parse_filter(filter_string, "logged_models")
        orders = parse_model_order_by(order_by)
        offset = decode_search_token(page_token, experiment_ids, filter_string, order_by)
        wanted = [(_dataset_name(d), d.get("dataset_digest")) for d in datasets or ()]
        found = []
        for experiment_id in dict.fromkeys(str(e) for e in experiment_ids):
            if self.reader.experiment_dir(experiment_id) is None:
                continue
            for model_dir in self.reader.logged_model_dirs(experiment_id):
                model, stage = self.reader.read_logged_model(model_dir)
                if stage == LifecycleStage.ACTIVE and _matches(model, node, wanted):
                    found.append(model)
        found.sort(key=lambda m: m.model_id)
        found.sort(key=lambda m: m.creation_timestamp, reverse=True)
        for order in reversed(orders):
            found = _sorted(found, order)
        page = found[offset : offset + limit]
        more = len(found) > offset + limit
        token = (
            encode_search_token(experiment_ids, filter_string, order_by, offset + limit)
            if more
            else None
        )
        return PagedList(page, token)


def _dataset_name(dataset: Mapping[str, Any]) -> str:
    name = dataset.get("dataset_name") if isinstance(dataset, Mapping) else None
    if not isinstance(name, str) or not name:
        raise InvalidParameter("`dataset_name` in the `datasets` clause must be specified.")
    return name


def _on_datasets(metric: Metric, wanted: list[tuple[Any, Any]]) -> bool:
    return not wanted or any(
        metric.dataset_name == name and (digest is None or metric.dataset_digest == digest)
        for name, digest in wanted
    )


def _matches(model: LoggedModel, node: Node | None, wanted: list[tuple[Any, Any]]) -> bool:
    if node is None:
        return not wanted or any(_on_datasets(m, wanted) for m in model.metrics)
    return _holds(node, model, wanted)


def _holds(node: Node, model: LoggedModel, wanted: list[tuple[Any, Any]]) -> bool:
    if isinstance(node, And):
        return all(_holds(t, model, wanted) for t in node.terms)
    if isinstance(node, Or):
        return any(_holds(t, model, wanted) for t in node.terms)
    return _leaf(node, model, wanted)


def _leaf(clause: Comparison, model: LoggedModel, wanted: list[tuple[Any, Any]]) -> bool:
    if clause.entity == "metric":
        return any(
            compare(clause.op, m.value, clause.value)
            for m in model.metrics
            if m.key == clause.key and _on_datasets(m, wanted)
        )
    if clause.entity == "param":
        return compare(clause.op, model.params.get(clause.key), clause.value)
    if clause.entity == "tag":
        return compare(clause.op, model.tags.get(clause.key), clause.value)
    value: object = getattr(model, clause.key)
    expected = clause.value
    if clause.key == "status":
        value = LoggedModelStatus.coerce(model.status).value
        expected = _canonical_status(expected)
    return compare(clause.op, value, expected)


def _canonical_status(value: Any) -> Any:
    def one(text: str) -> str:
        try:
            return LoggedModelStatus.coerce(text).value
        except InvalidParameter:
            return text

    return tuple(one(str(v)) for v in value) if isinstance(value, tuple) else one(str(value))


def _sorted(models: list[LoggedModel], order: Any) -> list[LoggedModel]:
    def value(model: LoggedModel) -> Any:
        if order.entity == "attribute":
            return getattr(model, order.key)
        points = [
            m
            for m in model.metrics
            if m.key == order.key
            and (order.dataset_name is None or m.dataset_name == order.dataset_name)
            and (order.dataset_digest is None or m.dataset_digest == order.dataset_digest)
        ]
        return records.latest(points).value if points else None

    present = [m for m in models if value(m) is not None]
    missing = [m for m in models if value(m) is None]
    present.sort(key=value, reverse=not order.ascending)
    return present + missing
