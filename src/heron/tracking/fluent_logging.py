"""Fluent logging: params, metrics, tags and inputs of the active run.

Each function logs to the active run and starts one when none is active, as MLflow does.
Functions with a ``run_id`` argument log to that run instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.entities import (
    Dataset,
    DatasetInput,
    InputTag,
    LoggedModelInput,
    Metric,
    Param,
    RunTag,
)
from heron.entities.dataset import DATASET_CONTEXT_TAG
from heron.exceptions import InvalidParameter
from heron.store.clock import now_millis
from heron.tracking import session
from heron.tracking.fluent_runs import active_run_id

if TYPE_CHECKING:
    from heron.tracking.async_logging import RunOperations


def log_param(key: str, value: Any, synchronous: bool | None = None) -> Any:
    """Log a parameter (stringified) of the active run.

    Args:
        key: Parameter name.
        value: Parameter value; logging a different value for the same key later fails.
        synchronous: False queues the write (see ``flush_async_logging``); None follows
            ``HERON_ENABLE_ASYNC_LOGGING``.

    Returns:
        ``value`` when logged synchronously, else the queued operation.
    """
    return session.client().log_param(active_run_id(), key, value, synchronous=synchronous)


def log_params(
    params: Mapping[str, Any], synchronous: bool | None = None, run_id: str | None = None
) -> RunOperations | None:
    """Log several parameters (stringified) in one batch.

    Args:
        params: ``{name: value}``.
        synchronous: As for :func:`log_param`.
        run_id: Log to this run instead of the active one.
    """
    batch = [Param(key, str(value)) for key, value in params.items()]
    return session.client().log_batch(
        run_id or active_run_id(), params=batch, synchronous=synchronous
    )


def log_metric(
    key: str,
    value: float,
    step: int | None = None,
    synchronous: bool | None = None,
    timestamp: int | None = None,
    run_id: str | None = None,
    model_id: str | None = None,
    dataset: Any | None = None,
) -> RunOperations | None:
    """Log one metric point.

    Args:
        key: Metric name.
        value: A number (NaN and infinities allowed; booleans are not).
        step: Training step, default 0.
        synchronous: As for :func:`log_param`.
        timestamp: Milliseconds since the epoch; default now.
        run_id: Log to this run instead of the active one.
        model_id: The logged model this value measures.
        dataset: The dataset it was measured on (recorded as a run input too).
    """
    run_id = run_id or active_run_id()
    entity = _log_dataset_for_metrics(run_id, dataset)
    return session.client().log_metric(
        run_id,
        key,
        value,
        timestamp=timestamp or now_millis(),
        step=step or 0,
        synchronous=synchronous,
        dataset_name=entity.name if entity else None,
        dataset_digest=entity.digest if entity else None,
        model_id=model_id,
    )


def log_metrics(
    metrics: Mapping[str, float],
    step: int | None = None,
    synchronous: bool | None = None,
    run_id: str | None = None,
    timestamp: int | None = None,
    model_id: str | None = None,
    dataset: Any | None = None,
) -> RunOperations | None:
    """Log several metrics at one step and time, in one batch.

    Args:
        metrics: ``{name: value}``.
        step: Training step, default 0.
        synchronous: As for :func:`log_param`.
        run_id: Log to this run instead of the active one.
        timestamp: Milliseconds since the epoch; default now.
        model_id: The logged model these values measure.
        dataset: The dataset they were measured on (recorded as a run input too).
    """
    run_id = run_id or active_run_id()
    entity = _log_dataset_for_metrics(run_id, dataset)
    when, at = timestamp or now_millis(), step or 0
    batch = [
        Metric(
            key,
            value,
            when,
            at,
            dataset_name=entity.name if entity else None,
            dataset_digest=entity.digest if entity else None,
            model_id=model_id,
        )
        for key, value in metrics.items()
    ]
    return session.client().log_batch(run_id, metrics=batch, synchronous=synchronous)


def set_tag(key: str, value: Any, synchronous: bool | None = None) -> RunOperations | None:
    """Set a tag (stringified) on the active run; the last value wins.

    Args:
        key: Tag key.
        value: Tag value.
        synchronous: As for :func:`log_param`.
    """
    return session.client().set_tag(active_run_id(), key, value, synchronous=synchronous)


def set_tags(tags: Mapping[str, Any], synchronous: bool | None = None) -> RunOperations | None:
    """Set several tags (stringified) on the active run in one batch.

    Args:
        tags: ``{key: value}``.
        synchronous: As for :func:`log_param`.
    """
    batch = [RunTag(key, str(value)) for key, value in tags.items()]
    return session.client().log_batch(active_run_id(), tags=batch, synchronous=synchronous)


def delete_tag(key: str) -> None:
    """Remove a tag from the active run; NotFound when it has no such tag.

    Args:
        key: Tag key.
    """
    session.client().delete_tag(active_run_id(), key)


def to_dataset_entity(dataset: Any) -> Dataset:
    """A :class:`Dataset` entity from one, or from an object with ``_to_mlflow_entity()``.

    Args:
        dataset: A ``heron.entities.Dataset`` or an MLflow-style dataset object.

    Raises:
        InvalidParameter: The object is neither.
    """
    if isinstance(dataset, Dataset):
        return dataset
    to_entity = getattr(dataset, "_to_mlflow_entity", None)
    if to_entity is None:
        raise InvalidParameter(
            f"Expected a heron.entities.Dataset or an object with _to_mlflow_entity(), "
            f"got {type(dataset).__name__}"
        )
    entity = to_entity()
    if isinstance(entity, Dataset):
        return entity
    return Dataset(
        name=entity.name,
        digest=entity.digest,
        source_type=entity.source_type,
        source=entity.source,
        schema=getattr(entity, "schema", None),
        profile=getattr(entity, "profile", None),
    )


def _log_dataset_for_metrics(run_id: str, dataset: Any | None) -> Dataset | None:
    """Record ``dataset`` as an input of the run unless it already is one."""
    if dataset is None:
        return None
    entity = to_dataset_entity(dataset)
    inputs = session.client().get_run(run_id).inputs.dataset_inputs
    if not any((i.dataset.name, i.dataset.digest) == (entity.name, entity.digest) for i in inputs):
        session.client().log_inputs(run_id, [DatasetInput(entity)])
    return entity


def log_input(
    dataset: Any, context: str | None = None, tags: Mapping[str, str] | None = None
) -> None:
    """Record a dataset the active run used.

    Args:
        dataset: A ``heron.entities.Dataset`` or an object with ``_to_mlflow_entity()``.
        context: How it was used, e.g. ``training`` (input tag ``mlflow.data.context``).
        tags: More input tags.
    """
    session.client().log_inputs(active_run_id(), [_input_entry(dataset, context, tags)])


def _input_entry(dataset: Any, context: str | None, tags: Mapping[str, str] | None) -> DatasetInput:
    input_tags = [InputTag(key, str(value)) for key, value in (tags or {}).items()]
    if context:
        input_tags.append(InputTag(DATASET_CONTEXT_TAG, context))
    return DatasetInput(to_dataset_entity(dataset), tuple(input_tags))


def log_inputs(
    datasets: Sequence[Any] | None = None,
    contexts: Sequence[str | None] | None = None,
    tags_list: Sequence[Mapping[str, str] | None] | None = None,
    models: Sequence[LoggedModelInput] | None = None,
) -> None:
    """Record several datasets (and logged models) the active run used, in one call.

    Args:
        datasets: Datasets, as for :func:`log_input`.
        contexts: One context per dataset (or None), e.g. ``training``.
        tags_list: One mapping of input tags per dataset (or None).
        models: Logged models the run used.

    Raises:
        InvalidParameter: ``contexts`` or ``tags_list`` is not as long as ``datasets``.
    """
    datasets = list(datasets or [])
    for label, values in (("contexts", contexts), ("tags_list", tags_list)):
        if values is not None and len(values) != len(datasets):
            raise InvalidParameter(f"{label} must have the same length as datasets")
    entries = [
        _input_entry(
            dataset,
            contexts[index] if contexts is not None else None,
            tags_list[index] if tags_list is not None else None,
        )
        for index, dataset in enumerate(datasets)
    ]
    session.client().log_inputs(active_run_id(), entries, models=list(models) if models else None)
